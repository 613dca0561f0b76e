//! supervisord's command line over the file, as `ServerOptions.realize` combines them
//! (expected values checked with Python 4.3.0).

use super::common::{conf, ctx};
use config::{Invocation, MainLogFile, SupervisordArgs, load_with_args, parse_supervisord_args};
use supervisor_core::LogLevel;

fn args(list: &[&str], c: &config::LoadContext) -> SupervisordArgs {
    let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    match parse_supervisord_args(&list, c) {
        Ok(Invocation::Run(a)) => a,
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn command_line_user_replaces_an_invalid_file_user() {
    let (dir, path) = conf("[supervisord]\nuser=nonexistentuser\nlogfile=/tmp/a.log\n");
    let c = ctx(dir.path());
    let err = config::load(&path, &c).expect_err("file user is invalid");
    assert_eq!(err.message(), "Invalid user name nonexistentuser");
    let a = args(
        &[
            "-u", "root", "-l", "x.log", "-n", "-e", "debug", "-j", "p.pid",
        ],
        &c,
    );
    let s = load_with_args(&path, &c, &a)
        .expect("loads")
        .config
        .supervisord;
    assert_eq!((s.user.as_deref(), s.uid), (Some("root"), Some(0)));
    assert_eq!(s.logfile, MainLogFile::Path(dir.path().join("x.log")));
    assert_eq!(s.pidfile, dir.path().join("p.pid"));
    assert!(s.nodaemon);
    assert_eq!(s.loglevel, LogLevel::Debug);
    let a = args(&["-u", "root", "-l", "syslog"], &c);
    let s = load_with_args(&path, &c, &a)
        .expect("loads")
        .config
        .supervisord;
    assert_eq!(s.logfile, MainLogFile::Syslog);
}

#[test]
fn a_bad_file_value_is_an_error_even_when_the_command_line_overrides_it() {
    let (dir, path) = conf("[supervisord]\numask=8\n");
    let c = ctx(dir.path());
    let a = args(&["-m", "022"], &c);
    let err = load_with_args(&path, &c, &a).expect_err("file umask is invalid");
    assert_eq!(err.message(), "8 can not be converted to an octal type");
}
