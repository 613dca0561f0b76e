//! The small parsers against recorded Python behaviour (`tests/data/differential.json`,
//! written by `tests/data/gen_differential.py` with CPython 3.11 and supervisor 4.3.0):
//! hand-picked cases plus a few hundred random ones per parser.

use crate::datatypes as dt;
use crate::ini::IniDocument;
use crate::kvpairs::parse_key_value_pairs;
use crate::pyfmt::{PyDict, PyValue, expand, repr_str};
use serde_json::{Value, json};

fn data() -> Value {
    serde_json::from_str(include_str!("../tests/data/differential.json"))
        .expect("differential.json parses")
}

/// Python's outcome (`{"ok": v}` / `{"err": msg}`) next to ours.
fn compare(
    what: &str,
    input: &str,
    expected: &Value,
    ours: Result<Value, String>,
) -> Option<String> {
    let ours = match ours {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "err": e }),
    };
    (ours != *expected).then(|| format!("{what} {input:?}: ours {ours} python {expected}"))
}

fn cases(v: &Value) -> Vec<(String, Value)> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.clone())))
        .collect()
}

fn report(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} differences from Python:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn percent_format_matches_python() {
    let data = data();
    let mut dict = PyDict::new();
    for pair in data["fmt_dict"].as_array().into_iter().flatten() {
        let key = pair[0].as_str().unwrap_or_default();
        match &pair[1] {
            Value::String(s) => dict.set_str(key, s),
            v => dict.set(key, PyValue::Int(v.as_i64().unwrap_or_default())),
        }
    }
    let failures = cases(&data["fmt"])
        .into_iter()
        .filter_map(|(input, expected)| {
            compare(
                "fmt",
                &input,
                &expected,
                expand(&input, &dict, "sec.opt").map(Value::from),
            )
        })
        .collect();
    report(failures);
}

#[test]
fn repr_matches_python() {
    let failures = cases(&data()["repr"])
        .into_iter()
        .filter_map(|(input, expected)| {
            compare("repr", &input, &expected, Ok(Value::from(repr_str(&input))))
        })
        .collect();
    report(failures);
}

#[test]
fn key_value_pairs_match_python() {
    let failures = cases(&data()["kv"])
        .into_iter()
        .filter_map(|(input, expected)| {
            let ours = parse_key_value_pairs(&input).map(|pairs| json!(pairs));
            compare("kv", &input, &expected, ours)
        })
        .collect();
    report(failures);
}

fn scalar(name: &str, v: &str) -> Result<Value, String> {
    match name {
        "integer" => dt::integer(v).map(Value::from),
        "boolean" => dt::boolean(v).map(Value::from),
        "byte_size" => dt::byte_size(v).map(Value::from),
        "octal" => dt::octal(v).map(Value::from),
        "signal" => dt::signal(v).map(|s| Value::from(s.0)),
        "exitcodes" => dt::exitcodes(v).map(|c| json!(c)),
        "autorestart" => dt::autorestart(v).map(|a| {
            json!(match a {
                supervisor_core::AutoRestart::Always => "always",
                supervisor_core::AutoRestart::Never => "never",
                supervisor_core::AutoRestart::Unexpected => "unexpected",
            })
        }),
        "log_level" => dt::log_level(v).map(|l| Value::from(l as i32)),
        "name" => dt::process_or_group_name(v).map(Value::from),
        "inet_address" => dt::inet_address(v).map(|(h, p)| json!([h, p])),
        "url" => dt::url(v).map(Value::from),
        "list_of_strings" => Ok(json!(dt::list_of_strings(v))),
        other => Err(format!("no parser {other}")),
    }
}

#[test]
fn datatypes_match_python() {
    let data = data();
    let mut failures = Vec::new();
    for (name, inputs) in data["scalars"].as_object().into_iter().flatten() {
        for (input, expected) in cases(inputs) {
            failures.extend(compare(name, &input, &expected, scalar(name, &input)));
        }
    }
    report(failures);
}

fn ini_outcome(text: &str) -> Result<Value, String> {
    let mut doc = IniDocument::new();
    doc.read_str(text, "<test>")
        .map_err(|e| e.message().to_string())?;
    let pairs = |section: Option<&str>| -> Value {
        let keys = match section {
            Some(s) => doc
                .options(s)
                .into_iter()
                .filter(|k| doc.own(s, k))
                .collect::<Vec<_>>(),
            None => doc.default_keys(),
        };
        json!(
            keys.iter()
                .map(|k| {
                    let v = match section {
                        Some(s) => doc.get(s, k),
                        None => doc.get_default(k),
                    };
                    json!([k, v.map(|v| v.text.clone())])
                })
                .collect::<Vec<_>>()
        )
    };
    let sections: Vec<Value> = doc.sections().map(|s| json!([s, pairs(Some(s))])).collect();
    Ok(json!({"defaults": pairs(None), "sections": sections}))
}

#[test]
fn ini_dialect_matches_python() {
    let failures = cases(&data()["ini"])
        .into_iter()
        .filter_map(|(input, expected)| compare("ini", &input, &expected, ini_outcome(&input)))
        .collect();
    report(failures);
}

fn argv(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn cli_cases(kind: &str) -> Vec<(Vec<String>, Value)> {
    data()["cli"][kind]
        .as_array()
        .into_iter()
        .flatten()
        .map(|pair| (argv(&pair[0]), pair[1].clone()))
        .collect()
}

#[test]
fn supervisord_command_line_matches_python() {
    use crate::cli::{Invocation, parse_supervisord_args};
    let ctx = crate::LoadContext::for_tests("/tmp", crate::StaticUsers::root_only());
    let mut failures = Vec::new();
    for (args, expected) in cli_cases("supervisord") {
        let ours = match parse_supervisord_args(&args, &ctx) {
            Ok(Invocation::Help) => json!({"err": ["help"]}),
            Ok(Invocation::Version) => json!({"err": ["version"]}),
            Ok(Invocation::Run(a)) => json!({"ok": {
                "configfile": a.configfile, "nodaemon": a.nodaemon, "silent": a.silent,
                "user": a.user, "umask": a.umask, "directory": a.directory, "logfile": a.logfile,
                "logfile_maxbytes": a.logfile_maxbytes, "logfile_backups": a.logfile_backups,
                "loglevel": a.loglevel.map(|l| l as i32), "pidfile": a.pidfile,
                "identifier": a.identifier, "childlogdir": a.childlogdir, "nocleanup": a.nocleanup,
                "minfds": a.minfds, "minprocs": a.minprocs, "strip_ansi": a.strip_ansi,
                "profile_options": a.profile_options.map(|(sort, callers)| json!([sort, callers])),
            }}),
            Err(e) => json!({"err": ["usage", e.message()]}),
        };
        if ours != expected {
            failures.push(format!(
                "supervisord {args:?}: ours {ours} python {expected}"
            ));
        }
    }
    report(failures);
}

#[test]
fn supervisorctl_command_line_matches_python() {
    use crate::cli::{Invocation, parse_ctl_args};
    let mut failures = Vec::new();
    for (args, expected) in cli_cases("supervisorctl") {
        let ours = match parse_ctl_args(&args) {
            Ok(Invocation::Help) => json!({"err": ["help"]}),
            Ok(Invocation::Version) => json!({"err": ["version"]}),
            Ok(Invocation::Run(a)) => json!({"ok": {
                "configfile": a.configfile, "interactive": a.interactive, "serverurl": a.serverurl,
                "username": a.username, "password": a.password, "history": a.history_file_ignored,
                "args": a.command,
            }}),
            Err(e) => json!({"err": ["usage", e.message()]}),
        };
        if ours != expected {
            failures.push(format!(
                "supervisorctl {args:?}: ours {ours} python {expected}"
            ));
        }
    }
    report(failures);
}
