//! Child logs: rotation under a real writer, SIGUSR2 reopen, AUTO names (0600) and
//! their cleanup at startup, redirect_stderr, strip_ansi.

use std::os::unix::fs::PermissionsExt;

use supervisor_core::{ProcessStateCode, Signal};

use crate::daemon_harness::{config_text, load, start, start_config, start_with, wait_for};

#[test]
fn rotation_accounts_for_every_byte() {
    let d = start(
        "[program:yes]\ncommand=/bin/sh -c 'yes | head -c 200000'\nstartsecs=0\nautorestart=false\n\
         stdout_logfile={dir}/yes.log\nstdout_logfile_maxbytes=10KB\nstdout_logfile_backups=50\n",
    );
    d.wait_state("yes", ProcessStateCode::Exited);
    let mut total = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(d.dir.path()).expect("list") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "yes.log" || name.starts_with("yes.log.") {
            let bytes = std::fs::read(entry.path()).expect("read");
            assert!(bytes.chunks(2).all(|c| c == b"y\n" || c == b"y"), "{name}");
            total += bytes.len();
            files += 1;
        }
    }
    assert_eq!(total, 200_000);
    // A file may exceed maxbytes by one chunk (up to a pipe's 64 KiB), as in 4.3.
    assert!(files >= 3, "only {files} files");
}

#[test]
fn usr2_reopens_moved_logs() {
    let d = start(
        "[program:ticker]\ncommand=/bin/sh -c 'while :; do echo tick; sleep 0.05; done'\n\
         startsecs=0\nstdout_logfile={dir}/ticker.log\n",
    );
    let log = d.path("ticker.log");
    wait_for("output", || {
        std::fs::metadata(&log).ok().filter(|m| m.len() > 0)
    });
    let moved = d.path("ticker.log.moved");
    std::fs::rename(&log, &moved).expect("move");
    d.handle.signal(Signal::USR2).expect("signal");
    wait_for("a new log file with output", || {
        std::fs::metadata(&log).ok().filter(|m| m.len() > 0)
    });
    d.wait_log("received SIGUSR2 indicating log reopen request");
    // The main log too: the message goes to the old file (logged before the reopen,
    // as in supervisord), later lines to the new one.
    let main_moved = d.path("main.log.moved");
    std::fs::rename(d.path("main.log"), &main_moved).expect("move main");
    d.handle.signal(Signal::USR2).expect("signal");
    d.wait_log("'ticker' stdout output:");
    let old = std::fs::read_to_string(&main_moved).expect("old main log");
    assert_eq!(
        old.matches("received SIGUSR2 indicating log reopen request")
            .count(),
        2
    );
}

#[test]
fn auto_logs_are_private_and_named_like_mkstemp() {
    let d = start_with(
        "identifier=myident",
        "[program:sleeper]\ncommand=/bin/sh -c 'echo out; echo err >&2; exec sleep 1000'\nstartsecs=0\n",
    );
    d.wait_state("sleeper", ProcessStateCode::Running);
    let paths = d
        .handle
        .query(|v| {
            let id = v.core().process_id("sleeper");
            id.map(|id| {
                (
                    v.stdout_logfile(id).map(Into::into),
                    v.stderr_logfile(id).map(Into::into),
                )
            })
        })
        .expect("query");
    let Some((Some(out), Some(err))) = paths else {
        panic!("no AUTO logs: {paths:?}");
    };
    let out: std::path::PathBuf = out;
    let err: std::path::PathBuf = err;
    for (path, channel, text) in [(&out, "stdout", "out\n"), (&err, "stderr", "err\n")] {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let prefix = format!("sleeper-{channel}---myident-");
        assert!(
            name.starts_with(&prefix) && name.ends_with(".log"),
            "{name}"
        );
        assert_eq!(name.len(), prefix.len() + 8 + 4, "{name}");
        assert_eq!(path.parent(), Some(d.dir.path()));
        let mode = std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
        wait_for("output in the AUTO log", || {
            std::fs::read_to_string(path).ok().filter(|t| t == text)
        });
    }
}

#[test]
fn old_auto_logs_are_cleaned_unless_nocleanup() {
    for nocleanup in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = [
            "a-stdout---supervisor-abcdefgh.log",
            "a-stdout---supervisor-abcdefgh.log.3",
        ];
        let keep = ["a-stdout---other-abcdefgh.log", "notes.txt"];
        for name in old.iter().chain(&keep) {
            std::fs::write(dir.path().join(name), "old").expect("write");
        }
        let text = config_text(
            dir.path(),
            &format!("nocleanup={nocleanup}"),
            "[program:a]\ncommand=sleep 1000\nautostart=false\n",
        );
        let config = load(dir.path(), &text);
        let d = start_config(dir, config);
        d.wait_state("a", ProcessStateCode::Stopped);
        for name in old {
            assert_eq!(
                d.path(name).exists(),
                nocleanup,
                "{name} nocleanup={nocleanup}"
            );
        }
        for name in keep {
            assert!(d.path(name).exists(), "{name}");
        }
    }
}

#[test]
fn redirect_stderr_and_strip_ansi() {
    let d = start_with(
        "strip_ansi=true",
        "[program:colors]\ncommand=/bin/sh -c 'printf \"\\033[1;31mred\\033[0m\\n\"; echo err >&2'\n\
         startsecs=0\nautorestart=false\nredirect_stderr=true\nstdout_logfile={dir}/colors.log\n",
    );
    d.wait_state("colors", ProcessStateCode::Exited);
    let text = std::fs::read_to_string(d.path("colors.log")).expect("log");
    assert_eq!(text, "red\nerr\n");
    let stderr = d
        .handle
        .query(|v| {
            v.core()
                .process_id("colors")
                .map(|id| v.stderr_logfile(id).is_none())
        })
        .expect("query");
    assert_eq!(stderr, Some(true));
}

#[test]
fn clear_process_logs_empties_the_file() {
    let d = start(
        "[program:talker]\ncommand=/bin/sh -c 'echo hello; exec sleep 1000'\nstartsecs=0\n\
         stdout_logfile={dir}/talker.log\n",
    );
    let log = d.path("talker.log");
    wait_for("output", || {
        std::fs::metadata(&log).ok().filter(|m| m.len() > 0)
    });
    assert_eq!(d.handle.clear_process_logs("talker"), Ok(Ok(())));
    assert_eq!(std::fs::metadata(&log).map(|m| m.len()).ok(), Some(0));
    let fault = d.handle.clear_process_logs("nobody").expect("alive");
    assert_eq!(
        fault.map_err(|f| f.to_string()),
        Err("BAD_NAME: nobody".to_owned())
    );
    assert_eq!(d.handle.clear_log(), Ok(Ok(())));
    // 4.3 logs `reopening log file` into the removed file: the new one starts without it
    let main = d.path("main.log");
    assert!(main.exists(), "the main log is reopened at once");
    assert!(
        !std::fs::read_to_string(&main)
            .expect("read")
            .contains("reopening log file")
    );
}
