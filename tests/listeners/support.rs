//! Helpers for the listener tests: the Python venv, free ports, XML-RPC through
//! Python's `xmlrpc.client`, the recorder listener and its records.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{DEADLINE, write};

/// The venv holding supervisor 4.3.0 and superlance (see the root README).
pub fn venv_bin(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/py/bin")
        .join(name)
}

/// The venv's python, or `None` (and a note on stderr) when the venv is missing.
pub fn python() -> Option<PathBuf> {
    let py = venv_bin("python");
    if py.exists() {
        Some(py)
    } else {
        eprintln!("skipped: no Python venv at {}", py.display());
        None
    }
}

/// A TCP port free right now on 127.0.0.1.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// `[inet_http_server]` on `port` with the supervisor interface.
pub fn http_sections(port: u16) -> String {
    format!(
        "[inet_http_server]\nport=127.0.0.1:{port}\n[rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
    )
}

/// Evaluate `expr` (with `s` = the server proxy's `supervisor` namespace) and return
/// what Python prints of it, or the fault text `FAULT <code> <string>`.
pub fn rpc(py: &Path, port: u16, expr: &str) -> String {
    let script = format!(
        "import xmlrpc.client as x\ns=x.ServerProxy('http://127.0.0.1:{port}').supervisor\n\
         try:\n    print(repr({expr}))\nexcept x.Fault as f:\n    print('FAULT', f.faultCode, f.faultString)\n"
    );
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .output()
        .expect("run python");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Poll `rpc(expr)` until `pred` holds; returns that answer.
pub fn wait_rpc(py: &Path, port: u16, expr: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = std::time::Instant::now();
    loop {
        let answer = rpc(py, port, expr);
        if pred(&answer) {
            return answer;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting on {expr}: last answer {answer:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A `supervisor.childutils` listener that records every event it acknowledges, one
/// line each: `<header tokens> || <payload with \n as \\n>`. `MODE` (argv[2]) makes it
/// misbehave once, on the event with serial 2 (a marker file remembers it did):
/// `fail` answers FAIL to the first delivery of every event, `garbage` writes a bad
/// result line then exits, `die` kills itself with SIGKILL before answering,
/// `alwaysfail` answers FAIL to everything, `closestdin` closes its stdin and says READY
/// in its first life (the event write meets EPIPE), `ok` never misbehaves.
pub const RECORDER: &str = r#"import os, sys, signal
from supervisor import childutils
out, mode = sys.argv[1], sys.argv[2]
marker = out + '.misbehaved'
seen = set()
if mode == 'closestdin' and not os.path.exists(marker):
    open(marker, 'w').close()
    os.close(0)
    sys.stdout.write('READY\n'); sys.stdout.flush()
    import time; time.sleep(0.5); sys.exit(1)
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    serial = headers['serial']
    if mode == 'alwaysfail':
        childutils.listener.fail(sys.stdout); continue
    if mode == 'fail' and serial not in seen:
        seen.add(serial); childutils.listener.fail(sys.stdout); continue
    if serial == '2' and mode in ('garbage', 'die') and not os.path.exists(marker):
        open(marker, 'w').close()
        if mode == 'garbage':
            sys.stdout.write('this is not a result\n'); sys.stdout.flush(); sys.exit(1)
        os.kill(os.getpid(), signal.SIGKILL)
    tokens = ' '.join('%s:%s' % (k, headers[k]) for k in
                      ('serial', 'pool', 'poolserial', 'eventname'))
    with open(out, 'a') as f:
        f.write(tokens + ' || ' + payload.replace('\n', '\\n') + '\n')
    childutils.listener.ok(sys.stdout)
"#;

/// Write the recorder into `dir`; its command line for `out` and `mode`.
pub fn recorder_command(py: &Path, dir: &Path, out: &str, mode: &str) -> String {
    let script = write(dir, "recorder.py", RECORDER);
    format!(
        "{} {} {}/{out} {mode}",
        py.display(),
        script.display(),
        dir.display()
    )
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub serial: u64,
    pub eventname: String,
    pub payload: String,
}

impl Record {
    /// A payload field (`processname`, `from_state`, ...).
    pub fn field(&self, name: &str) -> Option<&str> {
        let head = self.payload.split("\\n").next().unwrap_or("");
        head.split(' ')
            .filter_map(|t| t.split_once(':'))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// Parse a recorder file.
pub fn records(text: &str) -> Vec<Record> {
    text.lines()
        .filter_map(|line| {
            let (head, payload) = line.split_once(" || ")?;
            let token = |k: &str| {
                head.split(' ')
                    .filter_map(|t| t.split_once(':'))
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_owned())
            };
            Some(Record {
                serial: token("serial")?.parse().ok()?,
                eventname: token("eventname")?,
                payload: payload.to_owned(),
            })
        })
        .collect()
}

/// Whether some record is `eventname` for process `name`.
pub fn has(records: &[Record], eventname: &str, name: &str) -> bool {
    records
        .iter()
        .any(|r| r.eventname == eventname && r.field("processname") == Some(name))
}

/// Every serial from 0 to the highest recorded appears exactly once: no event lost,
/// none acknowledged twice.
pub fn assert_no_gaps(records: &[Record]) {
    let mut serials: Vec<u64> = records.iter().map(|r| r.serial).collect();
    serials.sort_unstable();
    let want: Vec<u64> = (0..serials.len() as u64).collect();
    assert_eq!(serials, want, "serials acknowledged: {records:#?}");
}
