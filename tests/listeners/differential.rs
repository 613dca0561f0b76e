//! The same scenario under Python supervisord 4.3.0 and ours, recorded by the same
//! `supervisor.childutils` listener; after normalising serials and pids, each process's
//! event sequence must be the same (the interleaving of different processes depends on
//! timing: 4.3 works in 1-second loop iterations, we at each fact).

use super::support::{Record, has, python, recorder_command, records, venv_bin};
use crate::util::{Running, config_text, tempdir, wait_until, write};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// The scenario: a program that runs and exits, one that fails into FATAL, a group
/// event for each, and supervisord's RUNNING state change.
fn scenario(dir: &Path, py: &Path) -> String {
    let listener = recorder_command(py, dir, "events.txt", "ok");
    config_text(
        dir,
        &format!(
            "[eventlistener:rec]\ncommand={listener}\n\
             events=PROCESS_STATE,PROCESS_GROUP,SUPERVISOR_STATE_CHANGE\nbuffer_size=100\n\
             [program:once]\ncommand=sh -c 'sleep 0.3; exit 0'\nstartsecs=0\n\
             autorestart=false\n\
             [program:quick]\ncommand=sh -c 'exit 1'\nstartretries=1\n"
        ),
    )
}

fn done(recs: &[Record]) -> bool {
    has(recs, "PROCESS_STATE_EXITED", "once") && has(recs, "PROCESS_STATE_FATAL", "quick")
}

/// Per process (or `-` for process-less events), the normalised events in order.
fn normalised(recs: &[Record]) -> BTreeMap<String, Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in recs {
        let payload: Vec<String> = r
            .payload
            .split(' ')
            .map(|t| match t.split_once(':') {
                Some(("pid", _)) => "pid:N".to_owned(),
                _ => t.to_owned(),
            })
            .collect();
        let key = r.field("processname").unwrap_or("-").to_owned();
        by.entry(key)
            .or_default()
            .push(format!("{} {}", r.eventname, payload.join(" ")));
    }
    by
}

/// Run the scenario under `supervisord` (a command) until it is done; the records.
fn record(start: impl FnOnce(&Path, &Path, &Path) -> Running, py: &Path) -> Vec<Record> {
    let dir = tempdir();
    let d = dir.path();
    let conf = write(d, "supervisord.conf", &scenario(d, py));
    let log = d.join("supervisord.log");
    let _daemon = start(d, &conf, &log);
    let text = wait_until(
        &d.join("events.txt"),
        |t| done(&records(t)),
        "scenario done",
    );
    records(&text)
}

/// The serials acknowledged, sorted.
fn serials(recs: &[Record]) -> Vec<u64> {
    let mut serials: Vec<u64> = recs.iter().map(|r| r.serial).collect();
    serials.sort_unstable();
    serials
}

#[test]
fn event_sequences_match_supervisord_4_3_0() {
    let Some(py) = python() else { return };
    let python_supervisord = venv_bin("supervisord");
    let theirs = record(
        |d, conf, log| {
            let child = Command::new(&python_supervisord)
                .arg("-n")
                .arg("-c")
                .arg(conf)
                .current_dir(d)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn python supervisord");
            Running {
                child,
                log: log.to_path_buf(),
            }
        },
        &py,
    );
    let ours = record(|d, conf, log| Running::start(d, conf, log, &[]), &py);
    // Nothing lost on either side (with the default buffer_size=10 both overflow before
    // the listener is RUNNING; which event goes then depends on timing).
    assert_eq!(
        serials(&theirs),
        (0..theirs.len() as u64).collect::<Vec<_>>()
    );
    assert_eq!(serials(&ours), serials(&theirs));
    let (theirs, ours) = (normalised(&theirs), normalised(&ours));
    assert_eq!(ours, theirs);
    // Sanity: the scenario is not empty.
    assert!(
        theirs["quick"]
            .iter()
            .any(|e| e.starts_with("PROCESS_STATE_FATAL"))
    );
    assert!(
        theirs["-"]
            .iter()
            .any(|e| e.starts_with("SUPERVISOR_STATE_CHANGE_RUNNING"))
    );
}
