//! The interactive shell and the streaming commands: piped sessions compared with Python's
//! supervisorctl live, a pty session (completion, history, Ctrl-D, Ctrl-C) and
//! `tail -f name | cat` ended by SIGINT.

use super::harness::{CTL, DEADLINE, Daemon, normalise, python_bin};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A supervisorctl-only config using the daemon's socket, with a history file.
fn ctl_conf(daemon: &Daemon) -> PathBuf {
    let path = daemon.dir.path().join("ctl.conf");
    std::fs::write(
        &path,
        format!(
            "[supervisorctl]\nserverurl=unix://{}\nprompt=ctltest\nhistory_file=%(here)s/history\n",
            daemon.socket().display()
        ),
    )
    .expect("write ctl.conf");
    path
}

/// Run `ctl` with `input` on stdin, in a session of its own (no controlling terminal, so
/// getpass reads stdin even when the tests run in a terminal); normalised stdout, stderr
/// and status.
fn piped(daemon: &Daemon, ctl: &Path, args: &[&str], input: &str) -> (String, String, i32) {
    let mut child = Command::new("setsid")
        .arg("-w")
        .arg(ctl)
        .args(args)
        .current_dir(daemon.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let dir = daemon.path();
    (
        normalise(&String::from_utf8_lossy(&out.stdout), &dir, daemon.port),
        normalise(&String::from_utf8_lossy(&out.stderr), &dir, daemon.port),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn piped_session_like_python() {
    let Some(py) = python_bin() else { return };
    let daemon = Daemon::start(&py.join("supervisord"));
    let input = "status cat\nversion\nfoo\n\n   \n?quit\nshutdown\nn\nreload\nno\nstatus nosuch\nstart\ntail -3 echo\nquit\nversion\n";
    let conf = ["-c", "supervisord.conf"];
    let want = piped(&daemon, &py.join("supervisorctl"), &conf, input);
    let got = piped(&daemon, Path::new(CTL), &conf, input);
    assert_eq!(got, want);
    assert!(want.0.starts_with("averyvery"), "{}", want.0);
    assert!(want.0.ends_with("ctltest> \n"), "{}", want.0);
    // EOF without quit, and a last line without newline
    let want = piped(&daemon, &py.join("supervisorctl"), &conf, "version");
    let got = piped(&daemon, Path::new(CTL), &conf, "version");
    assert_eq!(got, want);
}

#[test]
fn piped_credentials_after_401_like_python() {
    let Some(py) = python_bin() else { return };
    let daemon = Daemon::start(&py.join("supervisord"));
    let url = format!("http://127.0.0.1:{}", daemon.port);
    let args = ["-s", url.as_str()];
    let input = "user\n123\nversion\n";
    let want = piped(&daemon, &py.join("supervisorctl"), &args, input);
    let got = piped(&daemon, Path::new(CTL), &args, input);
    assert_eq!(got.0, want.0);
    assert_eq!(got.2, want.2);
    // Python adds a GetPassWarning traceback line of its own before these
    assert!(
        want.1
            .ends_with("Warning: Password input may be echoed.\nPassword:\n")
    );
    assert_eq!(got.1, "Warning: Password input may be echoed.\nPassword:\n");
}

/// Output of a child collected by a thread.
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Collected {
    fn start(mut source: impl Read + Send + 'static) -> Collected {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buf);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = source.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                if let Ok(mut b) = sink.lock() {
                    b.extend_from_slice(&chunk[..n]);
                }
            }
        });
        Collected(buf)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().map(|b| b.clone()).unwrap_or_default()).into_owned()
    }

    /// Bytes collected so far.
    fn len(&self) -> usize {
        self.0.lock().map(|b| b.len()).unwrap_or(0)
    }

    /// Wait until `needle` occurs in what arrived after the first `offset` bytes.
    fn wait_after(&self, offset: usize, needle: &str) {
        let start = Instant::now();
        loop {
            let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
            let tail = String::from_utf8_lossy(bytes.get(offset..).unwrap_or_default());
            if tail.contains(needle) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {needle:?} after byte {offset} in:\n{}",
                String::from_utf8_lossy(&bytes)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Press Enter and wait for the next prompt.
    fn enter(&self, tty: &mut std::fs::File) {
        let offset = self.len();
        tty.write_all(b"\r").expect("enter");
        self.wait_after(offset, "ctltest> ");
    }

    /// Wait until `needle` occurs `count` times.
    fn wait_for(&self, needle: &str, count: usize) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.matches(needle).count() >= count {
                return text;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {needle:?} x{count} in:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn wait_exit(child: &mut Child) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status.code();
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("supervisorctl did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Our supervisorctl on a new pty as its controlling terminal.
fn on_pty(daemon: &Daemon, args: &[&str]) -> (Child, std::fs::File, Collected) {
    let size = nix::pty::Winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
    let slave = std::fs::File::from(pty.slave);
    let child = Command::new("setsid")
        .arg("-c")
        .arg(CTL)
        .args(args)
        .current_dir(daemon.dir.path())
        .stdin(slave.try_clone().expect("dup"))
        .stdout(slave.try_clone().expect("dup"))
        .stderr(slave)
        .spawn()
        .expect("spawn on pty");
    let master = std::fs::File::from(pty.master);
    let reader = Collected::start(master.try_clone().expect("dup master"));
    (child, master, reader)
}

fn pty_completion_history_and_eof(daemon: &Daemon) {
    let conf = ctl_conf(daemon);
    let conf = conf.display().to_string();
    let (mut child, mut tty, out) = on_pty(daemon, &["-c", &conf]);
    out.wait_for("ctltest> ", 1);
    // a command name, completed
    tty.write_all(b"vers\t").expect("type");
    out.wait_for("version", 1);
    out.enter(&mut tty);
    out.wait_for("4.3.0", 1);
    // a process name fetched from the daemon, completed
    tty.write_all(b"pid ca\t").expect("type");
    out.wait_for("pid cat", 1);
    out.enter(&mut tty);
    // history: two lines up is `version` again
    tty.write_all(b"\x1b[A\x1b[A").expect("keys");
    out.enter(&mut tty);
    out.wait_for("4.3.0", 2);
    // Ctrl-D leaves with status 0 and writes the history file
    tty.write_all(b"\x04").expect("eof");
    assert_eq!(wait_exit(&mut child), Some(0));
    let history = std::fs::read_to_string(daemon.dir.path().join("history")).expect("history");
    assert_eq!(history, "version \npid cat \nversion \n");
}

fn pty_ctrl_c_at_the_prompt_and_in_tail_f(daemon: &Daemon) {
    let conf = ctl_conf(daemon);
    let conf = conf.display().to_string();
    let (mut child, mut tty, out) = on_pty(daemon, &["-c", &conf]);
    out.wait_for("ctltest> ", 1);
    tty.write_all(b"tail -f echo\r").expect("type");
    out.wait_for("==> Press Ctrl-C to exit <==", 1);
    out.wait_for("hello", 1);
    // Ctrl-C ends the tail, not the shell
    let offset = out.len();
    tty.write_all(b"\x03").expect("ctrl-c");
    out.wait_after(offset, "ctltest> ");
    tty.write_all(b"version").expect("type");
    out.enter(&mut tty);
    out.wait_for("4.3.0", 1);
    // Ctrl-C at the prompt leaves the shell with status 0
    tty.write_all(b"\x03").expect("ctrl-c");
    assert_eq!(wait_exit(&mut child), Some(0));
}

fn tail_f_into_a_pipe_until_sigint(daemon: &Daemon) {
    let mut child = daemon
        .ctl(Path::new(CTL))
        .args(["tail", "-f", "echo", "stderr"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let out = Collected::start(child.stdout.take().expect("stdout"));
    out.wait_for("==> Press Ctrl-C to exit <==\nerr\n", 1);
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("kill");
    assert_eq!(wait_exit(&mut child), Some(0));
    out.wait_for("err\n\n", 1);
    assert_eq!(out.text(), "==> Press Ctrl-C to exit <==\nerr\n\n");
}

fn pty_fg_sends_lines_until_ctrl_c(daemon: &Daemon) {
    let conf = ctl_conf(daemon);
    let conf = conf.display().to_string();
    let (mut child, mut tty, out) = on_pty(daemon, &["-c", &conf]);
    out.wait_for("ctltest> ", 1);
    tty.write_all(b"fg cat\r").expect("type");
    out.wait_for("==> Press Ctrl-C to exit <==", 1);
    // the terminal echoes the typed line once, the log stream shows what cat wrote back
    tty.write_all(b"ping-from-fg\r").expect("type");
    out.wait_for("ping-from-fg", 2);
    let offset = out.len();
    tty.write_all(b"\x03").expect("ctrl-c");
    out.wait_after(offset, "Exiting foreground");
    out.wait_after(offset, "ctltest> ");
    tty.write_all(b"quit\r").expect("quit");
    assert_eq!(wait_exit(&mut child), Some(0));
    let log = std::fs::read_to_string(daemon.dir.path().join("cat.out")).expect("cat.out");
    assert!(log.contains("ping-from-fg\n"), "{log}");
}

fn pty_asks_for_credentials_after_401_without_echoing_the_password(daemon: &Daemon) {
    let url = format!("http://127.0.0.1:{}", daemon.port);
    let (mut child, mut tty, out) = on_pty(daemon, &["-s", &url]);
    out.wait_for("Server requires authentication", 1);
    out.wait_for("Username:", 1);
    tty.write_all(b"user\r").expect("type");
    out.wait_for("Password:", 1);
    tty.write_all(b"s3cr3t-typo\r").expect("type");
    // a wrong password: asked again
    out.wait_for("Username:", 2);
    tty.write_all(b"user\r").expect("type");
    out.wait_for("Password:", 2);
    tty.write_all(b"123\r").expect("type");
    out.wait_for("cat ", 1);
    // the search path finds the daemon's supervisord.conf in the cwd: its prompt
    out.wait_for("ctltest> ", 1);
    tty.write_all(b"\x04").expect("eof");
    assert_eq!(wait_exit(&mut child), Some(0));
    assert!(
        !out.text().contains("s3cr3t"),
        "password echoed:\n{}",
        out.text()
    );
}

#[test]
fn piped_eof_inside_prompts_like_python() {
    let Some(py) = python_bin() else { return };
    let daemon = Daemon::start(&py.join("supervisord"));
    let conf = ["-c", "supervisord.conf"];
    for input in ["shutdown\n", "reload\n"] {
        let want = piped(&daemon, &py.join("supervisorctl"), &conf, input);
        let got = piped(&daemon, Path::new(CTL), &conf, input);
        assert_eq!(got, want, "{input:?}");
    }
    let url = format!("http://127.0.0.1:{}", daemon.port);
    let args = ["-s", url.as_str()];
    let want = piped(&daemon, &py.join("supervisorctl"), &args, "");
    let got = piped(&daemon, Path::new(CTL), &args, "");
    assert_eq!(got, want);
    // EOF at Password: (Python's stderr also carries a GetPassWarning of its own)
    let want = piped(&daemon, &py.join("supervisorctl"), &args, "user\n");
    let got = piped(&daemon, Path::new(CTL), &args, "user\n");
    assert_eq!((&got.0, got.2), (&want.0, want.2));
    assert!(want.1.ends_with(&got.1), "{want:?} vs {got:?}");
}

/// Each daemon-dependent session against Python's supervisord (when target/py exists) and
/// against ours.
fn both_daemons(session: fn(&Daemon)) {
    if let Some(py) = python_bin() {
        session(&Daemon::start(&py.join("supervisord")));
    }
    session(&Daemon::start(Path::new(super::harness::SUPERVISORD)));
}

#[test]
fn pty_completion_history_and_eof_both() {
    both_daemons(pty_completion_history_and_eof);
}

#[test]
fn pty_ctrl_c_at_the_prompt_and_in_tail_f_both() {
    both_daemons(pty_ctrl_c_at_the_prompt_and_in_tail_f);
}

#[test]
fn pty_fg_sends_lines_until_ctrl_c_both() {
    both_daemons(pty_fg_sends_lines_until_ctrl_c);
}

#[test]
fn pty_asks_for_credentials_after_401_without_echoing_the_password_both() {
    both_daemons(pty_asks_for_credentials_after_401_without_echoing_the_password);
}

#[test]
fn tail_f_into_a_pipe_until_sigint_both() {
    both_daemons(tail_f_into_a_pipe_until_sigint);
}

#[test]
fn piped_open_switches_servers_like_python() {
    let Some(py) = python_bin() else { return };
    let daemon = Daemon::start(&py.join("supervisord"));
    let dir = daemon.path();
    let input = format!(
        "open unix://{dir}/nonexistent.sock\nstatus cat\nversion\nopen unix://{dir}/supervisor.sock\nstatus cat\nopen ftp://x\nstatus cat\n"
    );
    let conf = ["-c", "supervisord.conf"];
    let want = piped(&daemon, &py.join("supervisorctl"), &conf, &input);
    let got = piped(&daemon, Path::new(CTL), &conf, &input);
    assert_eq!(got, want);
    assert!(
        want.0.contains("<DIR>/nonexistent.sock no such file"),
        "{}",
        want.0
    );
}

#[test]
fn pty_history_file_is_read_at_start() {
    let daemon = Daemon::start(Path::new(super::harness::SUPERVISORD));
    let conf = ctl_conf(&daemon);
    std::fs::write(daemon.dir.path().join("history"), "pid\nversion\n").expect("history");
    let conf = conf.display().to_string();
    let (mut child, mut tty, out) = on_pty(&daemon, &["-c", &conf]);
    out.wait_for("ctltest> ", 1);
    tty.write_all(b"\x1b[A").expect("up");
    out.wait_for("version", 1);
    out.enter(&mut tty);
    out.wait_for("4.3.0", 1);
    tty.write_all(b"\x04").expect("eof");
    assert_eq!(wait_exit(&mut child), Some(0));
    let history = std::fs::read_to_string(daemon.dir.path().join("history")).expect("history");
    // re-running the last entry adds no duplicate, as readline
    assert_eq!(history, "pid\nversion\n");
}
