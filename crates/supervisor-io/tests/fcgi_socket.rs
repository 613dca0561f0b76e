//! `[fcgi-program:x]`: one listening socket shared as fd 0 by every process,
//! created eagerly (and closed), re-created at the first spawn, closed after the last
//! exit — the log lines of supervisord 4.3.0, checked by running it.

use supervisor_core::{ProcessStateCode, Signal};
use supervisor_io::{Daemon, DaemonError, DaemonOptions, MainLog};

use crate::daemon_harness::{config_text, load, start};

#[test]
fn socket_is_shared_and_reference_counted() {
    let mut d = start(
        "[fcgi-program:f]\nsocket=unix://{dir}/f.sock\nnumprocs=2\n\
         process_name=%(program_name)s_%(process_num)d\nstartsecs=0\n\
         command=/bin/sh -c 'stat -L -c %%F /proc/self/fd/0; exec sleep 1000'\n\
         stdout_logfile={dir}/%(process_num)d.log\n",
    );
    d.wait_state("f:f_0", ProcessStateCode::Running);
    d.wait_state("f:f_1", ProcessStateCode::Running);
    for n in 0..2 {
        let path = d.path(&format!("{n}.log"));
        crate::daemon_harness::wait_for("the child's fd 0 type", || {
            std::fs::read_to_string(&path)
                .ok()
                .filter(|t| !t.is_empty())
        });
        assert_eq!(
            std::fs::read_to_string(&path).ok().as_deref(),
            Some("socket\n")
        );
    }
    assert!(d.path("f.sock").exists());
    d.finish(Signal::TERM);
    let log = d.main_log();
    let url = format!("unix://{}", d.path("f.sock").display());
    let lines: Vec<&str> = log
        .lines()
        .filter_map(|l| l.get(24..))
        .filter(|l| l.contains("socket") || l.starts_with("INFO spawned") || l.contains("stopped"))
        .collect();
    assert_eq!(lines[0], format!("INFO Creating socket {url}"));
    assert_eq!(lines[1], format!("INFO Closing socket {url}"));
    assert_eq!(lines[2], format!("INFO Creating socket {url}"));
    assert_eq!(
        lines.last().copied(),
        Some(format!("INFO Closing socket {url}").as_str())
    );
    assert_eq!(log.matches("Creating socket").count(), 2, "{log}");
}

#[test]
fn a_socket_that_cannot_be_created_fails_startup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = config_text(
        dir.path(),
        "",
        "[fcgi-program:f]\nsocket=unix://{dir}/missing/f.sock\ncommand=sleep 1000\n",
    );
    let config = load(dir.path(), &text);
    let options = DaemonOptions {
        install_signal_handlers: false,
    };
    let result = Daemon::new(
        config,
        MainLog::stdout_only(supervisor_core::LogLevel::Info, false),
        options,
    );
    match result {
        Err(e @ DaemonError::FcgiSocket { .. }) => {
            let text = e.to_string();
            let expected = format!(
                "Could not create FastCGI socket unix://{}/missing/f.sock: [Errno 2] No such file or directory",
                dir.path().display()
            );
            assert_eq!(text, expected);
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("startup should fail"),
    }
}

#[test]
fn unix_socket_mode_and_tcp_backlog() {
    // A port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let d = start(&format!(
        "[fcgi-program:u]\nsocket=unix://{{dir}}/u.sock\nsocket_mode=0660\ncommand=sleep 1000\nstartsecs=0\n\
         [fcgi-program:t]\nsocket=tcp://127.0.0.1:{port}\nsocket_backlog=5\ncommand=sleep 1000\nstartsecs=0\n"
    ));
    d.wait_state("u", ProcessStateCode::Running);
    d.wait_state("t", ProcessStateCode::Running);
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let meta = std::fs::metadata(d.path("u.sock")).expect("socket file");
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    // The listening socket accepts connections (the children never accept: the
    // backlog queues them).
    let conn = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(conn.is_ok(), "{conn:?}");
    d.wait_log(&format!("Creating socket tcp://127.0.0.1:{port}"));
}
