//! Children that close their output or flood it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::hardening::client;
use crate::hardening::support::{Daemon, fd_target, holds};
use crate::util::{DEADLINE, read, wait_for, wait_for_text};

/// A child that closes its stdout and keeps running: it stays RUNNING, the daemon
/// closes its end of that pipe (as 4.3's dispatcher does on EOF) without touching the
/// process, stderr keeps reaching its log, and a stop works.
#[test]
fn child_closing_stdout_keeps_running_and_stops() {
    let tmp_programs = "[program:closer]\ncommand={dir}/closer.sh\ndirectory={dir}\n\
                        startsecs=0\nstdout_logfile={dir}/closer.out\n\
                        stderr_logfile={dir}/closer.err\n";
    let closer = "#!/bin/sh\necho before-close\n\
                  while [ ! -e go ]; do sleep 0.05; done\n\
                  exec 1>&-\n\
                  i=0\nwhile :; do echo \"stderr line $i\" >&2; i=$((i+1)); sleep 0.1; done\n";
    let d = Daemon::start_with("", tmp_programs, &[("closer.sh", closer)], &[]);
    let info = d.wait_state("closer", "RUNNING");
    wait_for_text(&d.path("closer.out"), "before-close");
    let daemon_pid = d.pid();
    let stdout_pipe = fd_target(info.pid, 1);
    assert!(stdout_pipe.starts_with("pipe:"), "{stdout_pipe}");
    assert!(
        holds(daemon_pid, &stdout_pipe),
        "the daemon should read the child's stdout pipe {stdout_pipe}"
    );
    std::fs::write(d.path("go"), "").expect("write go");
    wait_for("the daemon to close the child's stdout pipe", || {
        !holds(daemon_pid, &stdout_pipe)
    });
    wait_for_text(&d.path("closer.err"), "stderr line 10");
    let still = d.info("closer");
    assert_eq!((still.statename.as_str(), still.pid), ("RUNNING", info.pid));
    assert_eq!(read(&d.path("closer.out")), "before-close\n");
    d.start_or_stop("supervisor.stopProcess", "closer");
    assert_eq!(d.info("closer").statename, "STOPPED");
    assert!(d.log().contains("stopped: closer (terminated by SIGTERM)"));
    d.shutdown();
}

/// A child writing a checkable pattern to stdout as fast as it can (`seq`, ~6.9 MB in
/// 4 KiB writes) while another client polls `getAllProcessInfo`/`getState` without a
/// pause: every call is answered within the liveness bound, and afterwards the log file
/// and its rotated backups hold exactly the bytes written, in order, none lost or
/// duplicated. Here the bytes take the daemon's fast path (spliced pipe -> file).
#[test]
fn flooding_child_loses_no_byte_and_rpc_keeps_answering() {
    flood("");
}

/// [`flooding_child_loses_no_byte_and_rpc_keeps_answering`] with
/// `stdout_events_enabled`: the bytes are read into the daemon (for the
/// PROCESS_LOG_STDOUT events) and written to the log from there.
#[test]
fn flooding_child_with_log_events_loses_no_byte() {
    flood("stdout_events_enabled=true\n");
}

/// The flood of `seq 1 1000000` with `options` added to the program.
fn flood(options: &str) {
    const LINES: u32 = 1_000_000;
    let d = Daemon::start(
        "",
        &format!(
            "[program:flood]\ncommand=seq 1 {LINES}\nautostart=false\nautorestart=false\n\
             startsecs=0\nstdout_logfile={{dir}}/flood.log\nstdout_logfile_maxbytes=256KB\n\
             stdout_logfile_backups=200\n{options}"
        ),
    );
    let expected: Vec<u8> = (1..=LINES)
        .flat_map(|i| format!("{i}\n").into_bytes())
        .collect();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let sock = d.sock.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let (mut calls, mut slowest) = (0u32, Duration::ZERO);
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                for method in ["supervisor.getAllProcessInfo", "supervisor.getState"] {
                    let started = Instant::now();
                    let body = client::unix(&sock).call_text(method, &[]);
                    slowest = slowest.max(started.elapsed());
                    assert!(body.contains("<methodResponse>"), "{body}");
                    assert!(!body.contains("<fault>"), "{body}");
                    calls += 1;
                }
            }
            (calls, slowest)
        })
    };
    d.start_or_stop("supervisor.startProcess", "flood");
    d.running
        .wait_log("exited: flood (exit status 0; expected)");
    // every byte written before the exit is logged by now or soon (bounded)
    let mut logged = Vec::new();
    let start = Instant::now();
    while start.elapsed() < DEADLINE {
        logged = rotated_contents(&d.path("flood.log"));
        if logged.len() >= expected.len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let (calls, slowest) = poller.join().expect("poller thread");
    eprintln!("flood: {calls} calls answered, slowest {slowest:?}");
    assert!(calls > 0);
    assert!(
        slowest < DEADLINE / 2,
        "a call took {slowest:?} during the flood"
    );
    assert_eq!(logged.len(), expected.len(), "bytes logged vs written");
    if let Some(at) = logged.iter().zip(&expected).position(|(a, b)| a != b) {
        panic!(
            "logged bytes differ from offset {at}: {:?} instead of {:?}",
            String::from_utf8_lossy(&logged[at..(at + 40).min(logged.len())]),
            String::from_utf8_lossy(&expected[at..(at + 40).min(expected.len())])
        );
    }
    let backups = (1..)
        .take_while(|n| d.path(&format!("flood.log.{n}")).exists())
        .count();
    assert!(backups > 1, "the log never rotated");
    d.shutdown();
}

/// `path`'s backups, oldest first (`.N` ... `.1`), then `path` itself, concatenated.
fn rotated_contents(path: &Path) -> Vec<u8> {
    let backup = |n: usize| PathBuf::from(format!("{}.{n}", path.display()));
    let count = (1..).take_while(|&n| backup(n).exists()).count();
    let mut all = Vec::new();
    for n in (1..=count).rev() {
        all.extend(std::fs::read(backup(n)).unwrap_or_default());
    }
    all.extend(std::fs::read(path).unwrap_or_default());
    all
}
