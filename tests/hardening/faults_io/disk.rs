//! Disks failing under the daemon: a child log or the main log on `/dev/full`, a full
//! filesystem, a log directory removed while in use.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use nix::sys::signal::Signal;

use super::{LONG, count_lines, counter, info, start, state, unix_server_in, wait_serving};
use crate::hardening::client::s;
use crate::hardening::support::{fault, rpc, wait_within};
use crate::util::{Running, alive, read, supervisord, tempdir, wait_for, write};

/// Start `supervisord -n -c conf` in `dir` with its stderr kept in `dir/stderr.txt`.
fn start_keeping_stderr(dir: &Path, conf: &Path, log: &Path) -> Running {
    let stderr = std::fs::File::create(dir.join("stderr.txt")).expect("stderr file");
    let mut cmd = supervisord(dir);
    cmd.arg("-n")
        .arg("-c")
        .arg(conf)
        .stdout(Stdio::null())
        .stderr(stderr);
    Running::spawn(&mut cmd, log)
}

/// `[program:talker]`: numbered lines of some 210 bytes (`line <n> 000...`) as fast as
/// it can, the last number in `dir/talker.count`; `pause` (shell) runs after each line,
/// `log` (stdout log options) follow the command.
fn talker(dir: &Path, pause: &str, log: &str) -> String {
    let dd = dir.display();
    format!(
        "[program:talker]\n\
         command=sh -c 'i=0; while :; do i=$((i+1)); \
         printf \"line %%d %%0200d\\n\" $i 0; echo $i > {dd}/talker.count; {pause}done'\n\
         {log}startsecs=0\n"
    )
}

/// Wait (up to [`LONG`]) until the talker has written `lines` more lines.
fn wait_talker_writes(dir: &Path, lines: u64, what: &str) {
    let count = dir.join("talker.count");
    let from = counter(&count);
    wait_within(what, LONG, || counter(&count) >= from + lines);
}

/// Whether `/dev/full` exists (if not, the test says it is skipped).
fn dev_full_or_skip() -> bool {
    let exists = Path::new("/dev/full").exists();
    if !exists {
        eprintln!("skipped: no /dev/full on this machine");
    }
    exists
}

// ---------------------------------------------------------------------------------------
// 1. A child log on /dev/full

/// A child whose stdout log is `/dev/full` writes 8 MiB (far more than the pipe and the
/// daemon's retry buffer hold) and keeps running: the daemon drains the pipe although
/// every write fails, reports the failure in a few main-log lines (not one per write),
/// answers RPC, and another program's log is intact, line for line.
#[test]
fn child_log_on_dev_full_neither_blocks_the_child_nor_floods_the_main_log() {
    if !dev_full_or_skip() {
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    let (daemon, sock) = start(
        d,
        &format!(
            "[program:full]\n\
             command=sh -c 'i=0; while :; do head -c 65536 /dev/zero; i=$((i+1)); \
             echo $i > {dd}/full.count; done'\n\
             stdout_logfile=/dev/full\nstartsecs=0\n\
             [program:other]\n\
             command=sh -c 'i=0; while :; do echo other $i; i=$((i+1)); sleep 0.01; done'\n\
             stdout_logfile={dd}/other.log\nstartsecs=0\n"
        ),
    );
    wait_for("full to be RUNNING", || info(&sock, "full").0 == "RUNNING");
    let (_, pid) = info(&sock, "full");
    // 128 blocks of 64 KiB = 8 MiB through a 1 MiB retry buffer and a pipe of at most
    // 1 MiB: only possible if the daemon keeps draining the pipe.
    let count = d.join("full.count");
    wait_within("full to write 8 MiB", LONG, || counter(&count) >= 128);
    assert_eq!(info(&sock, "full"), ("RUNNING".to_owned(), pid));
    assert_eq!(state(&sock), "RUNNING");

    let main = daemon.wait_log("cannot write stdout log of full");
    assert!(main.contains("No space left on device"), "{main}");
    // Reported per failure episode, not per write (8 MiB is > 100 writes).
    assert!(
        count_lines(&main, "stdout log of full") <= 4,
        "the failure floods the main log:\n{main}"
    );
    assert!(
        main.contains(
            "stdout log of full still failing with 1048576 bytes kept for a retry: \
                       dropping further output until it is writable again"
        ),
        "the dropped output is not reported:\n{main}"
    );

    // A log that is a character device is never read to its (endless) end.
    // (4.3 reads /dev/full to the end: forever.)
    let zero = "<int>0</int>";
    let text = rpc(
        &sock,
        "supervisor.readProcessStdoutLog",
        &[&s("full"), zero, zero],
    );
    assert!(
        fault(&text).is_none() && !text.contains("\0"),
        "readProcessStdoutLog: {text}"
    );
    let tail = rpc(
        &sock,
        "supervisor.tailProcessStdoutLog",
        &[&s("full"), zero, "<int>100</int>"],
    );
    assert!(fault(&tail).is_none(), "tailProcessStdoutLog: {tail}");

    // The other program's log: every line, in order, none lost or doubled.
    wait_until_lines(&d.join("other.log"), 50);
    let other = read(&d.join("other.log"));
    // Complete lines only: the last one may be half-written as we read.
    let complete = &other[..other.rfind('\n').map_or(0, |i| i + 1)];
    let numbers: Vec<u64> = complete
        .lines()
        .map(|l| {
            l.strip_prefix("other ")
                .and_then(|n| n.parse().ok())
                .expect(l)
        })
        .collect();
    let want: Vec<u64> = (0..numbers.len() as u64).collect();
    assert_eq!(numbers, want, "other.log damaged");
}

fn wait_until_lines(path: &Path, n: usize) {
    wait_for(&format!("{n} lines in {}", path.display()), || {
        read(path).lines().count() >= n
    });
}

/// A small tmpfs mounted for one test (lazily unmounted when dropped).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    /// Mount `size` (e.g. `4m`) at `at`, or `None` (with the reason on stderr) where
    /// mounting is not allowed.
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("mkdir mount point");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs(at.to_path_buf())),
            Ok(o) => {
                eprintln!(
                    "skipped: cannot mount a tmpfs (root with CAP_SYS_ADMIN needed): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: cannot run mount: {e}");
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// A real full filesystem under a child log written with `splice(2)`: ENOSPC there falls
/// back to ordinary writes, the child is never blocked (it writes megabytes while the
/// disk is full), the failure and the drop are each reported once, and once space is
/// freed the kept bytes are written, the drop is counted in a "writable again" line and
/// new output reaches the file.
#[test]
fn full_filesystem_under_a_spliced_child_log_recovers_when_space_is_freed() {
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    let fs = d.join("fs");
    let Some(_mount) = Tmpfs::mount(&fs, "4m") else {
        return;
    };
    let filler = fs.join("filler");
    std::fs::write(&filler, vec![0u8; 3 << 20]).expect("filler");
    let (daemon, sock) = start(
        d,
        &talker(
            d,
            &format!("if [ -e {dd}/slow ]; then sleep 0.01; fi; "),
            &format!("stdout_logfile={dd}/fs/out.log\nstdout_logfile_maxbytes=0\n"),
        ),
    );
    daemon.wait_log("cannot write stdout log of talker");
    let (_, pid) = info(&sock, "talker");
    // ~2.2 MiB more while the disk is full: more than the 1 MiB kept and a pipe.
    wait_talker_writes(d, 11_000, "talker to write on while the disk is full");
    let main = daemon.wait_log("stdout log of talker still failing");
    assert!(main.contains("No space left on device"), "{main}");
    assert_eq!(
        count_lines(&main, "cannot write stdout log of talker"),
        1,
        "{main}"
    );
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));

    write(d, "slow", "");
    std::fs::remove_file(&filler).expect("free the space");
    let freed_at = counter(&d.join("talker.count"));
    let main = daemon.wait_log("stdout log of talker writable again (");
    assert!(main.contains("bytes of output were dropped)"), "{main}");
    let out = fs.join("out.log");
    wait_for("output written after the space was freed", || {
        read(&out)
            .lines()
            .rev()
            .nth(1)
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n > freed_at)
    });
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));
    assert_eq!(state(&sock), "RUNNING");
    drop(daemon);
}

// ---------------------------------------------------------------------------------------
// 2. The main log on /dev/full

/// With the main log on `/dev/full`, supervisord enters FATAL (reported by `getState`),
/// keeps supervising (a crashing program is restarted again and again), prints the
/// failure on stderr once per episode instead of per line, and `clearFatal` brings it
/// back to RUNNING.
#[test]
fn main_log_on_dev_full_puts_supervisord_in_fatal_and_it_keeps_supervising() {
    if !dev_full_or_skip() {
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    let conf = write(
        d,
        "supervisord.conf",
        &format!(
            "[supervisord]\nlogfile=/dev/full\npidfile={dd}/supervisord.pid\nchildlogdir={dd}\n\
             {}[program:steady]\ncommand=sleep 1000\nstartsecs=0\n\
             [program:crashy]\ncommand=sh -c 'echo x >> {dd}/crashy.runs; sleep 0.2; exit 3'\n\
             startsecs=0\nautorestart=true\n",
            unix_server_in(d)
        ),
    );
    let daemon = start_keeping_stderr(d, &conf, Path::new("/dev/full"));
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_for("supervisord to enter FATAL", || state(&sock) == "FATAL");
    let (steady, pid) = info(&sock, "steady");
    assert_eq!(steady, "RUNNING");
    // Still supervising: crashy is restarted many times while FATAL (each restart logs
    // lines that fail to be written).
    let runs = d.join("crashy.runs");
    wait_within("crashy to be restarted 5 times", LONG, || {
        read(&runs).lines().count() >= 5
    });
    assert_eq!(state(&sock), "FATAL");
    assert_eq!(info(&sock, "steady"), ("RUNNING".to_owned(), pid));
    let stderr = read(&d.join("stderr.txt"));
    assert!(
        stderr.contains("main log") && stderr.contains("No space left on device"),
        "stderr: {stderr}"
    );
    assert!(
        count_lines(&stderr, "main log") <= 3,
        "the failure floods stderr:\n{stderr}"
    );
    // clearFatal: back to RUNNING (the log still fails, but that episode was reported).
    let cleared = rpc(&sock, "supervisor.clearFatal", &[]);
    assert!(cleared.contains("<boolean>1</boolean>"), "{cleared}");
    assert_eq!(state(&sock), "RUNNING");
    assert!(alive(daemon.child.id() as i32));
}

// ---------------------------------------------------------------------------------------
// 3. A child log directory removed while running

/// The talker with its stdout log in `dir/logs/out.log` (`options` after), the `logs`
/// directory made first: the daemon, its socket and the directory.
fn start_talker_in_logs(dir: &Path, options: &str) -> (Running, PathBuf, PathBuf) {
    let logs = dir.join("logs");
    std::fs::create_dir(&logs).expect("mkdir logs");
    let log = format!("stdout_logfile={}/out.log\n{options}", logs.display());
    let (daemon, sock) = start(dir, &talker(dir, "", &log));
    (daemon, sock, logs)
}

/// `rm -rf` of a child's log directory: the daemon and the child run on (the child
/// writes far more than a pipe holds, so it is not blocked), the output goes on into the
/// unlinked file as in 4.3, `readProcessStdoutLog` answers NO_FILE, a SIGUSR2 while the
/// directory is missing is reported and keeps the old file, and a SIGUSR2 after the
/// directory is recreated puts new output into the new file.
#[test]
fn removed_log_directory_is_survived_and_sigusr2_reopens_once_it_is_back() {
    let dir = tempdir();
    let d = dir.path();
    let (daemon, sock, logs) = start_talker_in_logs(d, "stdout_logfile_maxbytes=0\n");
    let out = logs.join("out.log");
    wait_for("talker output in logs/out.log", || {
        read(&out).contains("line 100 ")
    });
    let (_, pid) = info(&sock, "talker");

    std::fs::remove_dir_all(&logs).expect("rm -rf logs");
    // ~2.2 MiB after the removal: more than a (grown) pipe holds.
    wait_talker_writes(d, 11_000, "talker to write on after the removal");
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));
    let fault_xml = rpc(
        &sock,
        "supervisor.readProcessStdoutLog",
        &[&s("talker"), "<int>0</int>", "<int>100</int>"],
    );
    let (code, text) = fault(&fault_xml).unwrap_or_else(|| panic!("no fault: {fault_xml}"));
    assert_eq!(code, 20, "NO_FILE expected: {text}");
    assert!(text.contains("out.log"), "{text}");
    // 4.3's tailFile on a missing file: ['', 0, False].
    let tail = rpc(
        &sock,
        "supervisor.tailProcessStdoutLog",
        &[&s("talker"), "<int>0</int>", "<int>100</int>"],
    );
    assert!(fault(&tail).is_none(), "{tail}");

    // SIGUSR2 with the directory still missing: reported, nothing else changes.
    daemon.signal(Signal::SIGUSR2);
    let main = daemon.wait_log("cannot reopen a log of talker");
    assert!(
        main.contains("received SIGUSR2 indicating log reopen request"),
        "{main}"
    );
    wait_talker_writes(d, 1000, "talker to write on after the failed reopen");
    assert!(
        !out.exists(),
        "nothing recreates the file without the directory"
    );
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));

    // Directory back, SIGUSR2: new output lands in the new file.
    std::fs::create_dir(&logs).expect("mkdir logs again");
    let recreated = counter(&d.join("talker.count"));
    daemon.signal(Signal::SIGUSR2);
    wait_for("new output in the recreated logs/out.log", || {
        read(&out).lines().count() >= 100
    });
    let first_new: u64 = read(&out)
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|n| n.parse().ok())
        .expect("a numbered line");
    assert!(
        first_new > recreated,
        "line {first_new} in the new file was written before the directory came back \
         (at {recreated})"
    );
    let xml = rpc(
        &sock,
        "supervisor.readProcessStdoutLog",
        &[&s("talker"), "<int>0</int>", "<int>100</int>"],
    );
    assert!(fault(&xml).is_none(), "{xml}");
    assert!(xml.contains("line "), "{xml}");
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));
}

/// The same with rotation due every 64 KiB: each attempt in the missing directory fails,
/// which is reported once (not once per attempt: at 4 MB/s that was hundreds of lines a
/// second), the output goes on into the unlinked file, and once the directory is back
/// the next due rotation succeeds by itself and says so.
#[test]
fn removed_log_directory_under_rotation_is_reported_once_and_rotation_recovers() {
    let dir = tempdir();
    let d = dir.path();
    let (daemon, sock, logs) = start_talker_in_logs(
        d,
        "stdout_logfile_maxbytes=64KB\nstdout_logfile_backups=2\n",
    );
    let log = d.join("supervisord.log");
    wait_for("a first rotation", || logs.join("out.log.1").exists());
    let (_, pid) = info(&sock, "talker");
    // A rotation may create a file while the tree is being removed: remove again.
    wait_for("logs/ removed", || {
        let _ = std::fs::remove_dir_all(&logs);
        !logs.exists()
    });
    // ~2.2 MiB: some 35 rotations due while the directory is missing.
    wait_talker_writes(d, 11_000, "talker to write on after the removal");
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));
    let main = daemon.wait_log("cannot rotate stdout log of talker");
    assert_eq!(
        count_lines(&main, "cannot rotate stdout log of talker"),
        1,
        "{main}"
    );
    assert_eq!(count_lines(&main, "cannot write stdout log"), 0, "{main}");

    std::fs::create_dir(&logs).expect("mkdir logs again");
    daemon.wait_log("stdout log of talker rotated again");
    wait_for("output in the recreated directory", || {
        read(&logs.join("out.log")).contains("line ")
    });
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));
    let main = read(&log);
    assert_eq!(
        count_lines(&main, "cannot rotate stdout log of talker"),
        1,
        "{main}"
    );
}
