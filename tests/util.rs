//! Helpers: run the binary, write configs into a temp dir, wait for main-log lines.

#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_supervisord");

/// How long any wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A `supervisord` command started as `supervisord` (argv0, as the Python recordings were),
/// in `cwd`, with stdin closed.
pub fn supervisord(cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg0("supervisord")
        .current_dir(cwd)
        .stdin(Stdio::null());
    cmd
}

/// Run to completion (the daemon must exit by itself: usage errors, -h, -v).
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    supervisord(cwd)
        .args(args)
        .output()
        .expect("run supervisord")
}

/// stdout, stderr (lossy) and the exit status.
pub fn texts(out: &Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// A temp dir for one test.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("rsupervisor-test")
        .tempdir()
        .expect("tempdir")
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write file");
    path
}

/// Poll `path` until it contains `needle` (or the deadline passes: then panic with what the
/// file holds).
pub fn wait_for_text(path: &Path, needle: &str) -> String {
    wait_until(path, |text| text.contains(needle), needle)
}

/// Poll `path` until `pred` holds for its contents.
pub fn wait_until(path: &Path, pred: impl Fn(&str) -> bool, what: &str) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if pred(&text) {
            return text;
        }
        if start.elapsed() > DEADLINE {
            panic!(
                "timed out waiting for {what:?} in {}:\n{text}",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Poll until `cond` holds, or panic naming `what`.
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > DEADLINE {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
