//! Event listener pools whose members die mid-event or answer garbage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{LONG, info, start, state};
use crate::hardening::client::s;
use crate::hardening::support::{rpc, wait_within};
use crate::util::{read, tempdir, wait_for, write};

/// A listener without `supervisor.childutils`: argv `<num> <dir> <mode>`. Member 0 is
/// slow (so member 1 gets events too) and SIGKILLs itself on the first delivery of every
/// event whose number is a multiple of 9. Member 1, on the first delivery of every event
/// whose number is 4 modulo 7 (at most 8 times): mode `exit` answers a malformed result
/// and exits; mode `stay` writes a line that is no result at all and stays, reading on
/// (4.3 leaves such a listener in UNKNOWN, running, and sends it nothing more). An event
/// is recorded (`<n> <serial> <member>`) only right before its `OK`.
const LISTENER: &str = r#"import os, sys, signal, time
num, d, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
def say(b):
    stdout.write(b); stdout.flush()
def claim(kind, n):
    try:
        os.close(os.open('%s/%s.%d' % (d, kind, n), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        return True
    except FileExistsError:
        return False
while True:
    say(b'READY\n')
    line = stdin.readline()
    if not line:
        sys.exit(0)
    headers = dict(t.split(':', 1) for t in line.decode().split())
    payload = stdin.read(int(headers['len'])).decode()
    n = int(payload.split('\n', 1)[1].split('-')[1])
    if num == 0:
        time.sleep(0.005)
        if n % 9 == 0 and claim('die', n):
            os.kill(os.getpid(), signal.SIGKILL)
    if num == 1 and n % 7 == 4 and len([f for f in os.listdir(d) if f.startswith('garbage.')]) < 8 \
            and claim('garbage', n):
        if mode == 'stay':
            say(b'this is not a result\n')
            while stdin.read(1):
                pass
            sys.exit(0)
        say(b'RESULT 2\nNO this is garbage\n')
        sys.exit(1)
    fd = os.open(d + '/acked.txt', os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, ('%d %s %d\n' % (n, headers['serial'], num)).encode())
    os.close(fd)
    say(b'RESULT 2\nOK')
"#;

/// 300 REMOTE_COMMUNICATION events into a pool of two listeners, one SIGKILLing itself
/// mid-event again and again, the other answering garbage and exiting: every event is
/// acknowledged exactly once (by number and by serial), by a listener that was healthy
/// when it answered.
#[test]
fn pool_with_a_dying_and_a_garbage_listener_acknowledges_every_event_once() {
    pool_scenario("exit");
}

/// The same with the garbage member staying alive in UNKNOWN (as 4.3 leaves it): the
/// event it held goes back to the pool, the dying member handles everything else, each
/// event once; the stuck member is still RUNNING with its first pid.
#[test]
fn pool_with_a_dying_and_a_stuck_unknown_listener_acknowledges_every_event_once() {
    pool_scenario("stay");
}

fn pool_scenario(mode: &str) {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py/bin/python");
    if !py.exists() {
        eprintln!(
            "skipped: no Python at {} (run `bash .ci/pyenv.sh`)",
            py.display()
        );
        return;
    }
    const EVENTS: u64 = 300;
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    write(d, "listener.py", LISTENER);
    let (daemon, sock) = start(
        d,
        &format!(
            "[eventlistener:pool]\n\
             command={} {dd}/listener.py %(process_num)d {dd} {mode}\n\
             process_name=%(program_name)s_%(process_num)d\nnumprocs=2\n\
             events=REMOTE_COMMUNICATION\nbuffer_size=1000\n\
             autorestart=true\nstartsecs=0\nstartretries=1000\n\
             stderr_logfile={dd}/listener.err\n",
            py.display()
        ),
    );
    wait_for("both listeners RUNNING", || {
        info(&sock, "pool:pool_0").0 == "RUNNING" && info(&sock, "pool:pool_1").0 == "RUNNING"
    });
    let (_, first_pid_1) = info(&sock, "pool:pool_1");
    for n in 0..EVENTS {
        let xml = rpc(
            &sock,
            "supervisor.sendRemoteCommEvent",
            &[&s("test"), &s(&format!("event-{n}"))],
        );
        assert!(xml.contains("<boolean>1</boolean>"), "event {n}: {xml}");
    }
    let acked = d.join("acked.txt");
    let parse = |text: &str| -> Vec<(u64, u64, u32)> {
        text.lines()
            .map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                (
                    f[0].parse().expect(l),
                    f[1].parse().expect(l),
                    f[2].parse().expect(l),
                )
            })
            .collect()
    };
    wait_within("every event acknowledged", LONG, || {
        let got: BTreeSet<u64> = parse(&read(&acked)).iter().map(|r| r.0).collect();
        got.len() as u64 == EVENTS
    });
    let records = parse(&read(&acked));
    let mut by_number: BTreeMap<u64, usize> = BTreeMap::new();
    for r in &records {
        *by_number.entry(r.0).or_default() += 1;
    }
    let twice: Vec<_> = by_number.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "acknowledged more than once: {twice:?}");
    assert_eq!(
        by_number.keys().copied().collect::<Vec<_>>(),
        (0..EVENTS).collect::<Vec<_>>()
    );
    let serials: BTreeSet<u64> = records.iter().map(|r| r.1).collect();
    assert_eq!(serials.len(), records.len(), "one serial per event");
    // Both misbehaviours happened, more than once.
    let names: Vec<String> = std::fs::read_dir(d)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let deaths = names.iter().filter(|n| n.starts_with("die.")).count();
    let garbage = names.iter().filter(|n| n.starts_with("garbage.")).count();
    assert!(deaths >= 2, "member 0 died {deaths} times");
    let least = if mode == "stay" { 1 } else { 2 };
    assert!(
        garbage >= least,
        "member 1 answered garbage {garbage} times"
    );
    // Every event killed mid-delivery or answered with garbage was acknowledged
    // later, once.
    for name in &names {
        if let Some(n) = name
            .strip_prefix("die.")
            .or_else(|| name.strip_prefix("garbage."))
        {
            let n: u64 = n.parse().expect("marker number");
            assert_eq!(by_number.get(&n), Some(&1), "{name}");
        }
    }
    let main = read(&daemon.log);
    assert!(
        main.contains("pool_1: has entered the UNKNOWN state"),
        "{main}"
    );
    if mode == "stay" {
        assert_eq!(garbage, 1, "a stuck listener gets no more events");
        assert_eq!(
            info(&sock, "pool:pool_1"),
            ("RUNNING".to_owned(), first_pid_1)
        );
    }
    assert_eq!(state(&sock), "RUNNING");
}
