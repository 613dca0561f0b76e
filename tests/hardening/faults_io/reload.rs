//! Reloads: SIGHUP during a reload, and a config that became invalid before one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nix::sys::signal::Signal;

use super::{LONG, count_lines, info, start, state, write_conf};
use crate::hardening::client;
use crate::hardening::support::{all_infos, children_of, fault, rpc, wait_within};
use crate::util::{DEADLINE, Running, alive, read, tempdir, write};

/// [`crate::hardening::support::rpc`] that tolerates a daemon between two passes of a reload (socket missing, or
/// closed under the request): `None` then.
fn try_rpc(sock: &Path, method: &str, params: &[&str]) -> Option<String> {
    use std::io::{Read, Write};
    let mut conn = std::os::unix::net::UnixStream::connect(sock).ok()?;
    conn.set_read_timeout(Some(DEADLINE)).ok()?;
    conn.write_all(&client::rpc_request(method, params, ""))
        .ok()?;
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = conn.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got);
        let Some(head_end) = text.find("\r\n\r\n") else {
            continue;
        };
        let length: usize = text[..head_end]
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        if got.len() >= head_end + 4 + length {
            return Some(String::from_utf8_lossy(&got[head_end + 4..]).into_owned());
        }
    }
}

/// `getAllProcessInfo()`: name → (statename, pid), or the fault (code 0: no answer, the
/// daemon is between two passes of a reload).
fn all_info(sock: &Path) -> Result<BTreeMap<String, (String, i32)>, (i32, String)> {
    let Some(xml) = try_rpc(sock, "supervisor.getAllProcessInfo", &[]) else {
        return Err((0, "no answer".to_owned()));
    };
    if let Some(f) = fault(&xml) {
        return Err(f);
    }
    Ok(all_infos(&xml)
        .into_iter()
        .map(|(name, info)| (name, (info.statename, info.pid)))
        .collect())
}

/// The pids of every process, by name.
fn pids(sock: &Path) -> Vec<i32> {
    let all = all_info(sock).unwrap_or_else(|f| panic!("getAllProcessInfo: {f:?}"));
    all.values().map(|v| v.1).collect()
}

// ---------------------------------------------------------------------------------------
// 5. SIGHUP during a reload

/// Process table of the daemon: the RPC pids and its live children agree, one child per
/// configured program, all RUNNING, and the names are exactly `names`.
fn assert_one_process_per_program(daemon: &Running, sock: &Path, names: &[&str]) {
    let all = all_info(sock).unwrap_or_else(|f| panic!("getAllProcessInfo: {f:?}"));
    assert_eq!(
        all.keys().map(String::as_str).collect::<Vec<_>>(),
        names,
        "{all:?}"
    );
    assert!(all.values().all(|(st, _)| st == "RUNNING"), "{all:?}");
    let mut rpc_pids: Vec<i32> = all.values().map(|(_, pid)| *pid).collect();
    rpc_pids.sort_unstable();
    let children = children_of(daemon.child.id());
    let live: Vec<i32> = children.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        live, rpc_pids,
        "children of supervisord {children:?} vs RPC {all:?}"
    );
    assert!(children.iter().all(|(_, st)| *st != 'Z'), "{children:?}");
}

/// Wait until the daemon is out of its reload (RPC answers, not SHUTDOWN_STATE) with
/// every process in `names` RUNNING.
fn wait_settled(sock: &Path, names: &[&str]) {
    wait_within("the reload to settle", LONG, || match all_info(sock) {
        Ok(all) => {
            all.keys().map(String::as_str).collect::<Vec<_>>() == names
                && all.values().all(|(st, _)| st == "RUNNING")
        }
        Err(_) => false,
    });
}

/// Two SIGHUPs back to back, with a config edited before them: the daemon ends up
/// running the new config with one process per program (by `/proc`), whether the second
/// signal was merged into the first reload or caused a second one.
#[test]
fn two_sighups_back_to_back_end_with_the_new_config_and_no_duplicates() {
    let dir = tempdir();
    let d = dir.path();
    let old = "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\
               [program:b]\ncommand=sleep 1000\nstartsecs=0\n";
    let (daemon, sock) = start(d, old);
    let log = d.join("supervisord.log");
    wait_settled(&sock, &["a", "b"]);
    let old_pids = pids(&sock);
    let new = "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\
               [program:c]\ncommand=sleep 1001\nstartsecs=0\n";
    write_conf(d, new);
    daemon.signal(Signal::SIGHUP);
    daemon.signal(Signal::SIGHUP);
    // The kernel may merge the two (one pending SIGHUP); a SIGUSR2 sent after them is
    // handled after whatever they became (lower signal numbers are delivered first,
    // the self-pipe keeps the order), so once its line is in, no reload is left to come.
    daemon.signal(Signal::SIGUSR2);
    daemon.wait_log("received SIGUSR2 indicating log reopen request");
    wait_settled(&sock, &["a", "c"]);
    assert_one_process_per_program(&daemon, &sock, &["a", "c"]);
    for pid in old_pids {
        assert!(!alive(pid), "old child {pid} survived the reload");
    }
    let main = read(&log);
    let hups = count_lines(&main, "received SIGHUP indicating restart request");
    let starts = count_lines(&main, "supervisord started with pid");
    assert!(
        (1..=2).contains(&hups) && (2..=hups + 1).contains(&starts),
        "{hups} SIGHUPs handled, {starts} starts:\n{main}"
    );
    assert!(alive(daemon.child.id() as i32));
}

/// A SIGHUP while a reload waits for a slow program to stop (the config edited in
/// between): merged into that reload, which ends with the config read after the stop,
/// one process per program, the old ones gone.
#[test]
fn sighup_during_the_stop_phase_of_a_reload_is_merged_and_the_new_config_wins() {
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    // Stops only once `release` exists: the stop phase lasts as long as the test wants.
    let slow = format!(
        "[program:slow]\ncommand=sh -c 'trap \"while [ ! -e {dd}/release ]; do sleep 0.05; \
         done; exit 0\" TERM; while :; do sleep 0.1; done'\nstartsecs=0\nstopwaitsecs=300\n"
    );
    let old = format!("{slow}[program:gone]\ncommand=sleep 1000\nstartsecs=0\n");
    let (daemon, sock) = start(d, &old);
    let log = d.join("supervisord.log");
    wait_settled(&sock, &["gone", "slow"]);
    let old_pids = pids(&sock);

    daemon.signal(Signal::SIGHUP);
    // Groups stop one at a time, in reverse order: slow first, and it holds the rest.
    daemon.wait_log("waiting for gone, slow to die");
    let new = format!("{slow}[program:fresh]\ncommand=sleep 1002\nstartsecs=0\n");
    write_conf(d, &new);
    daemon.signal(Signal::SIGHUP);
    crate::util::wait_until(
        &log,
        |t| count_lines(t, "received SIGHUP indicating restart request") >= 2,
        "the second SIGHUP handled",
    );
    // Still stopping: the daemon answers SHUTDOWN_STATE, and slow is alive.
    assert!(
        std::os::unix::net::UnixStream::connect(&sock).is_ok(),
        "the socket is gone during the stop phase:\n{}",
        read(&log)
    );
    let during = rpc(&sock, "supervisor.getState", &[]);
    assert_eq!(fault(&during).map(|f| f.0), Some(6), "{during}");
    write(d, "release", "");
    wait_settled(&sock, &["fresh", "slow"]);
    assert_one_process_per_program(&daemon, &sock, &["fresh", "slow"]);
    for pid in old_pids {
        assert!(!alive(pid), "old child {pid} survived the reload");
    }
    let main = read(&log);
    assert_eq!(
        count_lines(&main, "supervisord started with pid"),
        2,
        "the second SIGHUP was not merged into the reload:\n{main}"
    );
}

// ---------------------------------------------------------------------------------------
// 6. A config that became invalid before a reload

const BROKEN: &str = "[program:p]\ncommand=sleep 1000\n"; // no [supervisord] section

/// The config before it breaks: one program.
const P: &str = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";

/// The config fixed (and extended).
const P_AND_Q: &str = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n\
                       [program:q]\ncommand=sleep 1000\nstartsecs=0\n";

/// Start on [`P`], wait until `p` runs: the daemon, its socket, `p`'s pid.
fn start_p(dir: &Path) -> (Running, PathBuf, i32) {
    let (daemon, sock) = start(dir, P);
    wait_settled(&sock, &["p"]);
    let (_, pid) = info(&sock, "p");
    (daemon, sock, pid)
}

/// SIGHUP with a config that no longer parses: the error is in the main log, nothing is
/// stopped, the daemon runs on with the config it has (4.3 stops everything and exits
/// with status 2: see the module doc). Once the file is fixed, a SIGHUP reloads it.
#[test]
fn sighup_with_an_invalid_config_keeps_the_running_config_and_processes() {
    let dir = tempdir();
    let d = dir.path();
    let (daemon, sock, pid) = start_p(d);

    write(d, "supervisord.conf", BROKEN);
    daemon.signal(Signal::SIGHUP);
    let main = daemon.wait_log("does not include supervisord section");
    assert!(
        main.contains("received SIGHUP indicating restart request"),
        "{main}"
    );
    assert!(!main.contains("stopped: p"), "{main}");
    assert!(!main.contains("waiting for p"), "{main}");
    assert_eq!(state(&sock), "RUNNING");
    assert_eq!(info(&sock, "p"), ("RUNNING".to_owned(), pid));
    assert!(alive(pid));
    assert_eq!(count_lines(&main, "supervisord started with pid"), 1);

    // Fixed (and extended): the next SIGHUP reloads it.
    write_conf(d, P_AND_Q);
    daemon.signal(Signal::SIGHUP);
    wait_settled(&sock, &["p", "q"]);
    assert_one_process_per_program(&daemon, &sock, &["p", "q"]);
    assert!(!alive(pid), "p was not restarted by the reload");
}

/// `reloadConfig` on a config that no longer parses: CANT_REREAD with the error (as
/// 4.3), nothing stopped or changed; after the file is fixed it reports the change.
#[test]
fn reload_config_with_an_invalid_config_faults_cant_reread_and_touches_nothing() {
    let dir = tempdir();
    let d = dir.path();
    let (daemon, sock, pid) = start_p(d);
    let log = d.join("supervisord.log");

    write(d, "supervisord.conf", BROKEN);
    let xml = rpc(&sock, "supervisor.reloadConfig", &[]);
    let (code, text) = fault(&xml).unwrap_or_else(|| panic!("no fault: {xml}"));
    assert_eq!(code, 92, "CANT_REREAD expected: {text}");
    assert_eq!(
        text,
        "CANT_REREAD: .ini file does not include supervisord section"
    );
    // A second section error: the message names it.
    write_conf(d, &format!("{P}[program:bad]\nnumprocs=zero\n"));
    let xml = rpc(&sock, "supervisor.reloadConfig", &[]);
    let (code, text) = fault(&xml).unwrap_or_else(|| panic!("no fault: {xml}"));
    assert_eq!(code, 92, "{text}");
    assert!(
        text.starts_with("CANT_REREAD: ") && text.contains("'zero' in section 'program:bad'"),
        "{text}"
    );
    assert_eq!(state(&sock), "RUNNING");
    assert_eq!(info(&sock, "p"), ("RUNNING".to_owned(), pid));
    let main = read(&log);
    assert!(!main.contains("stopped: p"), "{main}");

    write_conf(d, P_AND_Q);
    let xml = rpc(&sock, "supervisor.reloadConfig", &[]);
    assert!(fault(&xml).is_none(), "{xml}");
    assert!(xml.contains("<string>q</string>"), "{xml}");
    assert_eq!(info(&sock, "p"), ("RUNNING".to_owned(), pid));
    drop(daemon);
}
