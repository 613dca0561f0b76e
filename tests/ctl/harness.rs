//! Running supervisorctl cases against a daemon in a temp dir: the daemon (Python's 4.3.0
//! from target/py, or ours), the case list of `fixtures/cases.txt`, the normalisation rules
//! of `record.py` (mirrored here without regexes) and the `expected.txt` format.

#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Our supervisorctl.
pub const CTL: &str = env!("CARGO_BIN_EXE_supervisorctl");
/// Our supervisord.
pub const SUPERVISORD: &str = env!("CARGO_BIN_EXE_supervisord");
/// How long any wait may take.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ctl/fixtures")
}

/// target/py/bin, if `bash .ci/pyenv.sh` made it; under CI=true its absence fails the test.
pub fn python_bin() -> Option<PathBuf> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py/bin");
    if bin.join("supervisord").exists() {
        return Some(bin);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("target/py is missing (run `bash .ci/pyenv.sh`)");
    }
    eprintln!("skipped: target/py is missing (run `bash .ci/pyenv.sh`)");
    None
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Copy every file of `from` into `to` (one level of subdirectories).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixtures") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A daemon running the fixture config in its own temp dir; killed on drop.
pub struct Daemon {
    /// The temp dir (config, socket, logs).
    pub dir: tempfile::TempDir,
    /// The inet server's port.
    pub port: u16,
    child: Child,
}

impl Daemon {
    /// Start `supervisord` (a path) on a copy of `fixtures/daemon` and wait until it
    /// answers and its processes settled.
    pub fn start(supervisord: &Path) -> Daemon {
        let dir = tempfile::Builder::new()
            .prefix("ctl-test")
            .tempdir()
            .expect("tempdir");
        copy_dir(&fixtures().join("daemon"), dir.path());
        let port = free_port();
        let child = Command::new(supervisord)
            .args(["-c", "supervisord.conf"])
            .current_dir(dir.path())
            .env("CTL_TEST_PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start supervisord");
        let daemon = Daemon { dir, port, child };
        daemon.wait_settled();
        daemon
    }

    /// The temp dir as a string.
    pub fn path(&self) -> String {
        self.dir.path().display().to_string()
    }

    /// The unix socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("supervisor.sock")
    }

    /// Whether the daemon answers and no process is STARTING, BACKOFF or STOPPING.
    pub fn settled(&self) -> bool {
        if UnixStream::connect(self.socket()).is_err() {
            return false;
        }
        let url = format!("unix://{}", self.socket().display());
        let client = ctl::Client::new(&url, None, None);
        let Ok(infos) = client.call("supervisor.getAllProcessInfo", vec![]) else {
            return false;
        };
        let Ok(list) = ctl::value::items(&infos) else {
            return false;
        };
        list.iter().all(|info| {
            let state = ctl::value::member_str(info, "statename").unwrap_or_default();
            !matches!(state.as_str(), "STARTING" | "BACKOFF" | "STOPPING")
        })
    }

    /// Poll [`Daemon::settled`] until it holds (panics past the deadline).
    pub fn wait_settled(&self) {
        let start = Instant::now();
        while !self.settled() {
            assert!(start.elapsed() < DEADLINE, "daemon did not settle");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Poll until process `name` is in `state` (panics past the deadline).
    pub fn wait_state(&self, name: &str, state: &str) {
        let url = format!("unix://{}", self.socket().display());
        let client = ctl::Client::new(&url, None, None);
        let start = Instant::now();
        loop {
            let info = client.call(
                "supervisor.getProcessInfo",
                vec![ctl::value::Value::String(name.into())],
            );
            if let Ok(info) = info
                && ctl::value::member_str(&info, "statename").is_ok_and(|s| s == state)
            {
                return;
            }
            assert!(start.elapsed() < DEADLINE, "{name} never reached {state}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A supervisorctl command (ours or `ctl`) with `-c supervisord.conf`, in the dir.
    pub fn ctl(&self, ctl: &Path) -> Command {
        let mut cmd = Command::new(ctl);
        cmd.current_dir(self.dir.path())
            .args(["-c", "supervisord.conf"]);
        cmd
    }
}

impl Drop for Daemon {
    /// SIGTERM first so that supervisord stops its children (SIGKILL would orphan them),
    /// SIGKILL if it has not exited by the deadline.
    fn drop(&mut self) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One recorded case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The case line.
    pub line: String,
    /// Normalised stdout.
    pub stdout: String,
    /// Normalised stderr.
    pub stderr: String,
    /// Exit status.
    pub code: i32,
}

fn is_date_at(c: &[char], i: usize) -> bool {
    // 'Nov 28 02:12 PM'
    if i + 15 > c.len() {
        return false;
    }
    let t = &c[i..i + 15];
    let digit = |k: usize| t[k].is_ascii_digit();
    t[0].is_ascii_uppercase()
        && t[1].is_ascii_lowercase()
        && t[2].is_ascii_lowercase()
        && t[3] == ' '
        && digit(4)
        && digit(5)
        && t[6] == ' '
        && digit(7)
        && digit(8)
        && t[9] == ':'
        && digit(10)
        && digit(11)
        && t[12] == ' '
        && (t[13] == 'A' || t[13] == 'P')
        && t[14] == 'M'
}

/// `record.py`'s `normalise`.
pub fn normalise(text: &str, dir: &str, port: u16) -> String {
    let text = text
        .replace(dir, "<DIR>")
        .replace(&format!(":{port}"), ":<PORT>");
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut line = line.to_string();
        if !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) && line != "0" {
            line = "<PID>".into();
        }
        let mut from = 0;
        while let Some(off) = line[from..].find("pid ") {
            let j = from + off;
            let digits = line[j + 4..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            let k = j + 4 + digits;
            if digits > 0 && line[k..].starts_with(", uptime ") {
                let e = line[k + 9..].find(' ').map_or(line.len(), |p| k + 9 + p);
                line = format!("{}pid <PID>, uptime <UPTIME>{}", &line[..j], &line[e..]);
            }
            from = j + 1;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut rebuilt = String::new();
        let mut i = 0;
        while i < chars.len() {
            if is_date_at(&chars, i) {
                rebuilt.push_str("<DATE>");
                i += 15;
            } else {
                rebuilt.push(chars[i]);
                i += 1;
            }
        }
        line = rebuilt;
        if let Some(j) = line.find("file: ")
            && let Some(k) = line[j..].find(" line: ").map(|k| j + k)
        {
            let path = &line[j + 6..k];
            let base = path.rsplit('/').next().unwrap_or(path).to_string();
            line = format!("{}{}{}", &line[..j + 6], base, &line[k..]);
        }
        if line.starts_with("For help, use ") && line.ends_with(" -h") {
            line = "For help, use supervisorctl -h".into();
        }
        out.push(line);
    }
    out.join("\n")
}

/// `record.py`'s `sort_lines`.
pub fn sort_lines(text: &str) -> String {
    let (body, end) = match text.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (text, ""),
    };
    if body.is_empty() {
        return text.to_string();
    }
    let mut lines: Vec<&str> = body.split('\n').collect();
    lines.sort_unstable();
    lines.join("\n") + end
}

/// `record.py`'s `encode`.
pub fn encode(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = String::new();
    for l in &lines[..lines.len() - 1] {
        out.push_str(&format!("| {l}\n"));
    }
    if let Some(last) = lines.last().filter(|l| !l.is_empty()) {
        out.push_str(&format!("! {last}\n"));
    }
    out
}

/// `record.py`'s `render` of one outcome.
pub fn render(o: &Outcome) -> String {
    format!(
        "=== {}\n--- stdout\n{}--- stderr\n{}--- exit {}\n",
        o.line,
        encode(&o.stdout),
        encode(&o.stderr),
        o.code
    )
}

/// The case lines of `fixtures/cases.txt`.
pub fn case_lines() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("cases.txt"))
        .expect("cases.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Run every case with `ctl` against `daemon`, as `record.py` does.
pub fn run_cases(daemon: &Daemon, ctl: &Path) -> Vec<Outcome> {
    let dir = daemon.path();
    let mut results = Vec::new();
    for line in case_lines() {
        if let Some(rest) = line.strip_prefix("@cp ") {
            let (src, dst) = rest.split_once(' ').expect("@cp SRC DST");
            std::fs::copy(fixtures().join(src), daemon.dir.path().join(dst)).expect("@cp");
            continue;
        }
        if let Some(rest) = line.strip_prefix("@until ") {
            let (name, state) = rest.split_once(' ').expect("@until NAME STATE");
            daemon.wait_state(name, state);
            continue;
        }
        if let Some(path) = line.strip_prefix("@rm ") {
            std::fs::remove_file(daemon.dir.path().join(path)).expect("@rm");
            continue;
        }
        let (sort, bare) = match line.strip_prefix("~ ") {
            Some(rest) => (true, rest.to_string()),
            None => (false, line.clone()),
        };
        let expanded = bare
            .replace("$DIR", &dir)
            .replace("$PORT", &daemon.port.to_string());
        let mut args: Vec<String> = expanded.split_whitespace().map(str::to_string).collect();
        if !bare.starts_with('-') {
            args.splice(0..0, ["-c".to_string(), "supervisord.conf".to_string()]);
        }
        let out = Command::new(ctl)
            .args(&args)
            .current_dir(daemon.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("run supervisorctl");
        let mut stdout = normalise(&String::from_utf8_lossy(&out.stdout), &dir, daemon.port);
        if sort {
            stdout = sort_lines(&stdout);
        }
        results.push(Outcome {
            line: line.clone(),
            stdout,
            stderr: normalise(&String::from_utf8_lossy(&out.stderr), &dir, daemon.port),
            code: out.status.code().unwrap_or(-1),
        });
        if !line.ends_with("shutdown") {
            daemon.wait_settled();
        }
    }
    results
}

/// Split `expected.txt` into rendered cases.
pub fn expected_cases() -> Vec<String> {
    let text = std::fs::read_to_string(fixtures().join("expected.txt")).expect("expected.txt");
    let mut cases = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("=== ") || cases.is_empty() {
            cases.push(String::new());
        }
        if let Some(last) = cases.last_mut() {
            last.push_str(line);
        }
    }
    cases
}

#[test]
fn normalisation_rules() {
    assert_eq!(
        normalise(
            "cat   RUNNING   pid 123, uptime 0:00:01\n4567\n0\nx EXITED Nov 28 02:12 PM\nerror: <class 'X'>, v: file: /a/b/socket.py line: 836\nunix:///tmp/d/s :9001",
            "/tmp/d",
            9001
        ),
        "cat   RUNNING   pid <PID>, uptime <UPTIME>\n<PID>\n0\nx EXITED <DATE>\nerror: <class 'X'>, v: file: socket.py line: 836\nunix://<DIR>/s :<PORT>"
    );
    assert_eq!(encode("a\nb"), "| a\n! b\n");
    assert_eq!(encode("a\n"), "| a\n");
}
