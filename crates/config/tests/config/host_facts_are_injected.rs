//! Environment, hostname, cwd and users come from the LoadContext, never from the process.

use super::common::{conf, ctx};
use config::{CtlOptions, LogFile, load, load_ctl};

#[test]
fn env_hostname_and_cwd_come_from_the_context() {
    let (dir, path) = conf(
        "[supervisord]\nlogfile=rel.log\n[program:a]\ncommand=%(ENV_GREETING)s %(host_node_name)s\n\
         stdout_logfile=~/a.log\n",
    );
    let mut c = ctx(dir.path());
    c.env.push(("GREETING".into(), "hello".into()));
    c.env
        .push(("HOME".into(), dir.path().display().to_string()));
    c.hostname = "box7".into();
    let loaded = load(&path, &c).expect("loads");
    let process = &loaded.config.groups[0].processes[0];
    assert_eq!(process.command, "hello box7");
    assert_eq!(
        process.stdout.logfile,
        LogFile::Path(dir.path().join("a.log"))
    );
    match &loaded.config.supervisord.logfile {
        config::MainLogFile::Path(p) => assert_eq!(p, &dir.path().join("rel.log")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn users_come_from_the_injected_lookup() {
    let (dir, path) = conf("[supervisord]\nuser=www\n[program:a]\ncommand=a\nuser=33\n");
    let loaded = load(&path, &ctx(dir.path())).expect("loads");
    assert_eq!(loaded.config.supervisord.uid, Some(33));
    assert_eq!(loaded.config.supervisord.gid, Some(33));
    assert_eq!(loaded.config.groups[0].processes[0].uid, Some(33));
    let (dir, path) = conf("[supervisord]\n[program:a]\ncommand=a\nuser=nobody\n");
    let err = load(&path, &ctx(dir.path())).expect_err("unknown user");
    assert!(
        err.message()
            .starts_with("Invalid user name nobody in section 'program:a'"),
        "{}",
        err.message()
    );
}

#[test]
fn supervisorctl_options_and_defaults() {
    let (dir, path) =
        conf("[supervisord]\n[supervisorctl]\nserverurl=unix://%(here)s/run/../s.sock\n");
    let c = ctx(dir.path());
    let ctl = load_ctl(&path, &c).expect("reads").expect("has section");
    assert_eq!(
        ctl.serverurl,
        format!("unix://{}/s.sock", dir.path().display())
    );
    assert_eq!(ctl.prompt, "supervisor");
    assert_eq!(
        load(&path, &c).expect("loads").config.supervisorctl,
        Some(ctl)
    );
    let (dir, path) = conf("[supervisord]\n");
    assert_eq!(load_ctl(&path, &ctx(dir.path())).expect("reads"), None);
    assert_eq!(CtlOptions::default().serverurl, "http://localhost:9001");
}

#[test]
fn supervisord_environment_keys_survive_a_reread() {
    let (dir, path) = conf("[supervisord]\nenvironment=OLD=1\n");
    let c = ctx(dir.path());
    let first = load(&path, &c).expect("first load");
    std::fs::write(
        &path,
        "[supervisord]\n[program:a]\ncommand=echo %(ENV_OLD)s\n",
    )
    .expect("rewrite");
    let err = load(&path, &c).expect_err("a fresh start does not know ENV_OLD");
    assert!(
        err.message().contains("contains names ('ENV_OLD')"),
        "{}",
        err.message()
    );
    let reread = load(&path, &c.for_reread(&first.config)).expect("reread knows it");
    assert_eq!(reread.config.groups[0].processes[0].command, "echo 1");
}

#[test]
fn supervisorctl_options_from_command_line_and_file() {
    let (dir, path) = conf("[supervisord]\n[supervisorctl]\nserverurl=http://f:1\nusername=file\n");
    let c = ctx(dir.path());
    let argv: Vec<String> = ["-c", &path.display().to_string(), "-u", "cli", "status"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let Ok(config::Invocation::Run(args)) = config::parse_ctl_args(&argv) else {
        panic!("parses")
    };
    let options = args
        .options("/usr/bin/supervisorctl", &c)
        .expect("resolves");
    assert_eq!(
        (options.serverurl.as_str(), options.username.as_deref()),
        ("http://f:1", Some("cli"))
    );
    assert_eq!(args.command_line().as_deref(), Some("status"));
    let (dir, path) = conf("[supervisord]\n");
    let argv = vec!["-c".to_string(), path.display().to_string()];
    let Ok(config::Invocation::Run(args)) = config::parse_ctl_args(&argv) else {
        panic!("parses")
    };
    let err = args
        .options("supervisorctl", &ctx(dir.path()))
        .expect_err("no section");
    assert_eq!(
        err.message(),
        ".ini file does not include supervisorctl section"
    );
}
