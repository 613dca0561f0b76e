//! Every case of `tests/corpus/<case>/` loaded by us and compared with what Python
//! supervisor 4.3.0 made of it (`expected.json`, recorded by `tests/record.py`; schema in
//! `tests/corpus/SCHEMA.md`). All mismatches are reported together.
//!
//! Cases where we deliberately differ are listed in [`KNOWN_DIFFERENCES`] with the reason
//! (and in the crate README); such a case must still differ, so the list stays honest.

use config::{
    ChannelLog, Config, FcgiSocket, GroupKind, LoadContext, Loaded, LogFile, MainLogFile,
    ProcessConfig, ServerKind, SystemUsers, load, load_ctl,
};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use supervisor_core::AutoRestart;

/// `(case, reason)`: cases where our result deliberately differs from Python's.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "133-rpcinterface-other-factory",
    "Python imports any factory; we accept only supervisor.rpcinterface:make_main_rpcinterface \
     and report other factories with the original's 'cannot be resolved' error",
)];

/// `tests/corpus` (the shared corpus) and `tests/extra_corpus` (this crate's own cases,
/// recorded by the same driver), or only the directory named by `CONFIG_CORPUS_DIR` (to run
/// ad-hoc cases recorded with `record.py`'s `record_case` somewhere else).
fn corpus_dirs() -> Vec<PathBuf> {
    match std::env::var_os("CONFIG_CORPUS_DIR") {
        Some(dir) => vec![PathBuf::from(dir)],
        None => {
            let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
            vec![tests.join("corpus"), tests.join("extra_corpus")]
        }
    }
}

fn context(case_dir: &Path) -> LoadContext {
    let system = LoadContext::from_system();
    LoadContext {
        env: vec![
            ("PATH".into(), "/usr/bin:/bin".into()),
            ("HOME".into(), "/root".into()),
            ("CORPUS_VAR".into(), "corpusval".into()),
        ],
        cwd: case_dir.to_path_buf(),
        hostname: "testhost".into(),
        uid: system.uid,
        temp_dir: "/tmp".into(),
        users: Arc::new(SystemUsers::default()),
        carried_env: Vec::new(),
    }
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn logfile(l: &LogFile) -> Value {
    match l {
        LogFile::Auto => json!("AUTO"),
        LogFile::None => Value::Null,
        LogFile::Path(p) => json!(path_str(p)),
    }
}

fn environment(env: &config::Environment) -> Value {
    Value::Object(env.iter().map(|(k, v)| (k.to_string(), json!(v))).collect())
}

fn channel(out: &mut Map<String, Value>, name: &str, c: &ChannelLog) {
    out.insert(format!("{name}_logfile"), logfile(&c.logfile));
    out.insert(
        format!("{name}_logfile_maxbytes"),
        json!(c.logfile_maxbytes),
    );
    out.insert(format!("{name}_logfile_backups"), json!(c.logfile_backups));
    out.insert(
        format!("{name}_capture_maxbytes"),
        json!(c.capture_maxbytes),
    );
    out.insert(format!("{name}_events_enabled"), json!(c.events_enabled));
    out.insert(format!("{name}_syslog"), json!(c.syslog));
}

fn process(p: &ProcessConfig) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(p.name));
    out.insert("command".into(), json!(p.command));
    out.insert("priority".into(), json!(p.priority));
    out.insert("autostart".into(), json!(p.autostart));
    let autorestart = match p.autorestart {
        AutoRestart::Always => "true",
        AutoRestart::Never => "false",
        AutoRestart::Unexpected => "unexpected",
    };
    out.insert("autorestart".into(), json!(autorestart));
    out.insert("startsecs".into(), json!(p.startsecs));
    out.insert("startretries".into(), json!(p.startretries));
    out.insert("uid".into(), json!(p.uid));
    out.insert("umask".into(), json!(p.umask));
    out.insert("exitcodes".into(), json!(p.exitcodes));
    out.insert("stopsignal".into(), json!(p.stopsignal.0));
    out.insert("stopwaitsecs".into(), json!(p.stopwaitsecs));
    out.insert("stopasgroup".into(), json!(p.stopasgroup));
    out.insert("killasgroup".into(), json!(p.killasgroup));
    out.insert("redirect_stderr".into(), json!(p.redirect_stderr));
    channel(&mut out, "stdout", &p.stdout);
    channel(&mut out, "stderr", &p.stderr);
    out.insert("environment".into(), environment(&p.environment));
    out.insert("directory".into(), json!(p.directory));
    out.insert("serverurl".into(), json!(p.serverurl));
    Value::Object(out)
}

fn render(loaded: &Loaded, ctl: Value) -> Value {
    let c: &Config = &loaded.config;
    let s = &c.supervisord;
    let supervisord = json!({
        "logfile": match &s.logfile { MainLogFile::Syslog => "syslog".to_string(), MainLogFile::Path(p) => path_str(p) },
        "logfile_maxbytes": s.logfile_maxbytes,
        "logfile_backups": s.logfile_backups,
        "loglevel": s.loglevel as i32,
        "pidfile": path_str(&s.pidfile),
        "umask": s.umask,
        "nodaemon": s.nodaemon,
        "silent": s.silent,
        "minfds": s.minfds,
        "minprocs": s.minprocs,
        "nocleanup": s.nocleanup,
        "childlogdir": path_str(&s.childlogdir),
        "user": s.user,
        "uid": s.uid,
        "directory": s.directory.as_deref().map(path_str),
        "strip_ansi": s.strip_ansi,
        "environment": environment(&s.environment),
        "identifier": s.identifier,
        "gid": s.gid,
    });
    let servers: Vec<Value> = c
        .servers
        .iter()
        .map(|srv| match &srv.kind {
            ServerKind::Unix { file, chmod, chown } => json!({
                "section": srv.section, "family": "unix", "file": path_str(file), "chmod": chmod,
                "chown": [chown.0, chown.1], "host": null, "port": null,
                "username": srv.username, "password": srv.password, "name": srv.name,
            }),
            ServerKind::Inet { host, port } => json!({
                "section": srv.section, "family": "inet", "file": null, "chmod": null, "chown": null,
                "host": host, "port": port, "username": srv.username, "password": srv.password,
                "name": srv.name,
            }),
        })
        .collect();
    let groups: Vec<Value> = c
        .groups
        .iter()
        .map(|g| {
            let mut out = Map::new();
            let kind = match &g.kind {
                GroupKind::Program => "program",
                GroupKind::Heterogeneous => "group",
                GroupKind::EventListener { .. } => "eventlistener",
                GroupKind::FastCgi { .. } => "fcgi-program",
            };
            out.insert("type".into(), json!(kind));
            out.insert("name".into(), json!(g.name));
            out.insert("priority".into(), json!(g.priority));
            match &g.kind {
                GroupKind::EventListener {
                    buffer_size,
                    events,
                    result_handler,
                    // ours, unknown to 4.3 (which ignores the keys): not in the recorded schema
                    max_retry: _,
                    monitor_interval: _,
                } => {
                    out.insert("buffer_size".into(), json!(buffer_size));
                    out.insert("pool_events".into(), json!(events));
                    out.insert("result_handler".into(), json!(result_handler));
                }
                GroupKind::FastCgi { socket } => {
                    out.insert("socket".into(), json!(socket.url()));
                    let (owner, mode, backlog) = match socket {
                        FcgiSocket::Tcp { backlog, .. } => (None, None, *backlog),
                        FcgiSocket::Unix {
                            mode,
                            owner,
                            backlog,
                            ..
                        } => (*owner, Some(*mode), *backlog),
                    };
                    out.insert("socket_owner".into(), json!(owner.map(|(u, g)| [u, g])));
                    out.insert("socket_mode".into(), json!(mode));
                    out.insert("socket_backlog".into(), json!(backlog));
                }
                _ => {}
            }
            out.insert(
                "processes".into(),
                Value::Array(g.processes.iter().map(process).collect()),
            );
            Value::Object(out)
        })
        .collect();
    let messages: Vec<Value> = loaded
        .messages
        .iter()
        .map(|m| json!([m.level.code(), m.text]))
        .collect();
    let rpcinterfaces: Vec<Value> = c
        .rpcinterfaces
        .iter()
        .map(|r| {
            let extras: Map<String, Value> = r
                .extras
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            json!({"name": r.name, "factory": r.factory, "extras": extras})
        })
        .collect();
    json!({
        "ok": true,
        "supervisord": supervisord,
        "servers": servers,
        "groups": groups,
        "messages": messages,
        "ctl": ctl,
        "rpcinterfaces": rpcinterfaces,
    })
}

fn replace_here(v: Value, here: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace(here, "<HERE>")),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| replace_here(x, here)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k.replace(here, "<HERE>"), replace_here(x, here)))
                .collect(),
        ),
        other => other,
    }
}

fn run_case(case_dir: &Path) -> Value {
    let ctx = context(case_dir);
    let path = case_dir.join("supervisord.conf");
    let result = match load(&path, &ctx) {
        Err(err) => json!({"ok": false, "error": err.message()}),
        Ok(loaded) => {
            let ctl = match load_ctl(&path, &ctx) {
                Ok(None) => Value::Null,
                Ok(Some(o)) => json!({
                    "serverurl": o.serverurl, "username": o.username, "password": o.password,
                    "prompt": o.prompt, "history_file": o.history_file.as_deref().map(path_str),
                }),
                Err(err) => json!({"error": err.message()}),
            };
            render(&loaded, ctl)
        }
    };
    replace_here(result, &path_str(case_dir))
}

/// The first differing path between two JSON values, for a readable report.
fn first_difference(path: &str, ours: &Value, theirs: &Value) -> Option<String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, bv) in b {
                match a.get(k) {
                    None => return Some(format!("{path}.{k}: missing in ours (expected {bv})")),
                    Some(av) => {
                        if let Some(d) = first_difference(&format!("{path}.{k}"), av, bv) {
                            return Some(d);
                        }
                    }
                }
            }
            a.keys()
                .find(|k| !b.contains_key(*k))
                .map(|k| format!("{path}.{k}: extra in ours"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(&format!("{path}[{i}]"), x, y)),
        _ if ours == theirs => None,
        _ => Some(format!("{path}: ours {ours} != expected {theirs}")),
    }
}

#[test]
fn corpus_matches_python() {
    let mut cases: Vec<PathBuf> = corpus_dirs()
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("supervisord.conf").is_file() && p.join("expected.json").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no corpus cases found");
    let mut failures = Vec::new();
    let mut passed = 0;
    let mut known = 0;
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected: Value = match std::fs::read_to_string(case.join("expected.json"))
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: unreadable expected.json: {e}"));
                continue;
            }
        };
        let ours = run_case(case);
        let difference = first_difference("$", &ours, &expected);
        let allowed = KNOWN_DIFFERENCES.iter().find(|(n, _)| *n == name);
        match (difference, allowed) {
            (None, None) => passed += 1,
            (Some(_), Some(_)) => known += 1,
            (None, Some((_, reason))) => failures.push(format!(
                "{name}: listed as a known difference ({reason}) but now matches; remove it"
            )),
            (Some(d), None) => failures.push(format!("{name}: {d}")),
        }
    }
    eprintln!(
        "corpus: {} cases, {passed} match, {known} known differences, {} failures",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} corpus case(s) differ from Python:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
