//! The disk, the config and the listeners failing under the real `supervisord` (see
//! `tests/hardening.rs`). Every wait is a bounded poll on a file, the main log, `/proc` or
//! the XML-RPC API; the only time bounds asserted are liveness bounds.
//!
//! What 4.3.0 does in each case, and what we do instead where it differs:
//!
//! - A child log on `/dev/full`: 4.3's handler prints a traceback on stderr for every
//!   write (megabytes a second for a chatty child) and drops the output; the child runs
//!   on. Here: one ERRO line per failure episode in the main log, up to 1 MiB kept for a
//!   retry, what does not fit is dropped and counted (one line per episode, then a
//!   summary when the log works again), and the pipe keeps being drained: the child never
//!   blocks on a dead disk.
//! - The main log on `/dev/full`: 4.3 prints tracebacks on stderr and runs on. Here:
//!   one line on stderr per failure episode, and supervisord enters its FATAL state
//!   (`getState` → FATAL, cleared by `clearFatal`); it keeps supervising.
//! - A child log directory removed: 4.3 writes on into the unlinked inode; so do we, and
//!   both answer `readProcessStdoutLog` with NO_FILE. A SIGUSR2 while the directory is
//!   missing kills 4.3 (an uncaught FileNotFoundError from `reopen`, children left
//!   behind); here it is reported and the old file kept, and one after the directory is
//!   back opens the new file.
//! - `readProcessStdoutLog(name, 0, 0)` of a log on `/dev/full`: 4.3 reads the device
//!   until memory runs out; here a device log reads as empty.
//! - Listeners: a pool of two, one SIGKILLed mid-event again and again, the other
//!   answering garbage: as in 4.3, every event goes back to the pool and is acknowledged
//!   exactly once by a healthy member.
//! - SIGHUP during a reload: merged into it, as in 4.3 (two SIGHUPs sent back to back
//!   may also be merged by the kernel); the reload ends with the config read last and
//!   one process per program.
//! - SIGHUP with an invalid config: 4.3 stops every child, fails to re-read the file and
//!   exits with status 2 (a usage error). Here (a documented improvement) the file is
//!   checked before anything is stopped: the error is logged, the running config and
//!   processes are kept untouched. `reloadConfig` answers CANT_REREAD with the error in
//!   both.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::client::{self, s};
use crate::util::{Running, alive, config_text, read, supervisord, tempdir, wait_for, write};

/// Liveness bound for the slow scenarios (python listeners restarting many times on a
/// loaded 2-core machine).
const LONG: Duration = Duration::from_secs(90);

/// `[unix_http_server]` on `dir/sock` with the supervisor interface.
fn server_sections(dir: &Path) -> String {
    format!(
        "[unix_http_server]\nfile={}/sock\n[rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n",
        dir.display()
    )
}

/// One XML-RPC call on a fresh connection; the response body.
fn rpc(sock: &Path, method: &str, params: &[&str]) -> String {
    client::unix(sock).call_text(method, params)
}

/// [`rpc`] that tolerates a daemon between two passes of a reload (socket missing, or
/// closed under the request): `None` then.
fn try_rpc(sock: &Path, method: &str, params: &[&str]) -> Option<String> {
    use std::io::{Read, Write};
    let mut conn = std::os::unix::net::UnixStream::connect(sock).ok()?;
    conn.set_read_timeout(Some(crate::util::DEADLINE)).ok()?;
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

/// Wait until the daemon answers on `sock` at all (any XML-RPC answer).
fn wait_serving(sock: &Path) {
    wait_for(&format!("an answer on {}", sock.display()), || {
        std::os::unix::net::UnixStream::connect(sock).is_ok()
            && rpc(sock, "supervisor.getPID", &[]).contains("<int>")
    });
}

/// The text of the first `<value>` of struct member `name` (type tags stripped).
fn member(xml: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!("<name>{name}</name>"))?;
    let rest = &xml[at..];
    let start = rest.find("<value>")? + "<value>".len();
    let end = rest[start..].find("</value>")?;
    Some(strip_tags(&rest[start..start + end]))
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// `(faultCode, faultString)` of a fault response.
fn fault(xml: &str) -> Option<(i32, String)> {
    if !xml.contains("<fault>") {
        return None;
    }
    let code = member(xml, "faultCode")?.trim().parse().ok()?;
    Some((code, member(xml, "faultString")?))
}

/// `getProcessInfo(name)`: (statename, pid).
fn info(sock: &Path, name: &str) -> (String, i32) {
    let xml = rpc(sock, "supervisor.getProcessInfo", &[&s(name)]);
    let state = member(&xml, "statename").unwrap_or_else(|| panic!("no statename: {xml}"));
    let pid = member(&xml, "pid")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    (state, pid)
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
    let mut all = BTreeMap::new();
    for part in xml.split("<struct>").skip(1) {
        let name = member(part, "name").expect("name");
        let state = member(part, "statename").expect("statename");
        let pid = member(part, "pid")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        all.insert(name, (state, pid));
    }
    Ok(all)
}

/// `supervisor.getState()` statename.
fn state(sock: &Path) -> String {
    let xml = rpc(sock, "supervisor.getState", &[]);
    member(&xml, "statename").unwrap_or_else(|| panic!("getState: {xml}"))
}

/// The live children of `pid` (from `/proc/*/stat`), with their state letter.
fn children_of(pid: u32) -> Vec<(i32, char)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in entries.flatten() {
        let Ok(child) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let stat = read(&e.path().join("stat"));
        // `pid (comm) S ppid ...`: comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let mut fields = after.split_whitespace();
        let st = fields.next().and_then(|f| f.chars().next()).unwrap_or('?');
        if fields.next().and_then(|f| f.parse::<u32>().ok()) == Some(pid) {
            out.push((child, st));
        }
    }
    out.sort_unstable();
    out
}

/// A number written by a child into `path` (0 while unreadable or half-written).
fn counter(path: &Path) -> u64 {
    read(path).trim().parse().unwrap_or(0)
}

/// Poll `cond` for up to `limit`.
fn wait_long(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The lines of `text` containing `needle`.
fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

/// Start `supervisord -n -c conf` in `dir` with its stderr kept in `dir/stderr.txt`.
fn start_keeping_stderr(dir: &Path, conf: &Path, log: &Path) -> Running {
    let stderr = std::fs::File::create(dir.join("stderr.txt")).expect("stderr file");
    let child = supervisord(dir)
        .arg("-n")
        .arg("-c")
        .arg(conf)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn supervisord");
    Running {
        child,
        log: log.to_path_buf(),
    }
}

// ---------------------------------------------------------------------------------------
// 1. A child log on /dev/full

/// A child whose stdout log is `/dev/full` writes 8 MiB (far more than the pipe and the
/// daemon's retry buffer hold) and keeps running: the daemon drains the pipe although
/// every write fails, reports the failure in a few main-log lines (not one per write),
/// answers RPC, and another program's log is intact, line for line.
#[test]
fn child_log_on_dev_full_neither_blocks_the_child_nor_floods_the_main_log() {
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this machine");
        return;
    }
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[program:full]\n\
                 command=sh -c 'i=0; while :; do head -c 65536 /dev/zero; i=$((i+1)); \
                 echo $i > {dd}/full.count; done'\n\
                 stdout_logfile=/dev/full\nstartsecs=0\n\
                 [program:other]\n\
                 command=sh -c 'i=0; while :; do echo other $i; i=$((i+1)); sleep 0.01; done'\n\
                 stdout_logfile={dd}/other.log\nstartsecs=0\n",
                server_sections(d)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_for("full to be RUNNING", || info(&sock, "full").0 == "RUNNING");
    let (_, pid) = info(&sock, "full");
    // 128 blocks of 64 KiB = 8 MiB through a 1 MiB retry buffer and a pipe of at most
    // 1 MiB: only possible if the daemon keeps draining the pipe.
    let count = d.join("full.count");
    wait_long("full to write 8 MiB", LONG, || counter(&count) >= 128);
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
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[program:talker]\n\
                 command=sh -c 'i=0; while :; do i=$((i+1)); \
                 printf \"line %%d %%0200d\\n\" $i 0; echo $i > {dd}/talker.count; \
                 if [ -e {dd}/slow ]; then sleep 0.01; fi; done'\n\
                 stdout_logfile={dd}/fs/out.log\nstdout_logfile_maxbytes=0\nstartsecs=0\n",
                server_sections(d)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    daemon.wait_log("cannot write stdout log of talker");
    let (_, pid) = info(&sock, "talker");
    let count = d.join("talker.count");
    let at_full = counter(&count);
    // ~2.2 MiB more while the disk is full: more than the 1 MiB kept and a pipe.
    wait_long("talker to write on while the disk is full", LONG, || {
        counter(&count) >= at_full + 11_000
    });
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
    let freed_at = counter(&count);
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
    if !Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this machine");
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
            server_sections(d)
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
    wait_long("crashy to be restarted 5 times", LONG, || {
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

/// `rm -rf` of a child's log directory: the daemon and the child run on (the child
/// writes far more than a pipe holds, so it is not blocked), the output goes on into the
/// unlinked file as in 4.3, `readProcessStdoutLog` answers NO_FILE, a SIGUSR2 while the
/// directory is missing is reported and keeps the old file, and a SIGUSR2 after the
/// directory is recreated puts new output into the new file.
#[test]
fn removed_log_directory_is_survived_and_sigusr2_reopens_once_it_is_back() {
    let dir = tempdir();
    let d = dir.path();
    let dd = d.display();
    let logs = d.join("logs");
    std::fs::create_dir(&logs).expect("mkdir logs");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[program:talker]\n\
                 command=sh -c 'i=0; while :; do i=$((i+1)); \
                 printf \"line %%d %%0200d\\n\" $i 0; echo $i > {dd}/talker.count; done'\n\
                 stdout_logfile={dd}/logs/out.log\nstdout_logfile_maxbytes=0\nstartsecs=0\n",
                server_sections(d)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    let out = logs.join("out.log");
    wait_for("talker output in logs/out.log", || {
        read(&out).contains("line 100 ")
    });
    let (_, pid) = info(&sock, "talker");

    std::fs::remove_dir_all(&logs).expect("rm -rf logs");
    let count = d.join("talker.count");
    let at_removal = counter(&count);
    // ~2.2 MiB after the removal: more than a (grown) pipe holds.
    wait_long("talker to write on after the removal", LONG, || {
        counter(&count) >= at_removal + 11_000
    });
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
    let before = counter(&count);
    wait_long("talker to write on after the failed reopen", LONG, || {
        counter(&count) >= before + 1000
    });
    assert!(
        !out.exists(),
        "nothing recreates the file without the directory"
    );
    assert_eq!(info(&sock, "talker"), ("RUNNING".to_owned(), pid));

    // Directory back, SIGUSR2: new output lands in the new file.
    std::fs::create_dir(&logs).expect("mkdir logs again");
    let recreated = counter(&count);
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
    let dd = d.display();
    let logs = d.join("logs");
    std::fs::create_dir(&logs).expect("mkdir logs");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[program:talker]\n\
                 command=sh -c 'i=0; while :; do i=$((i+1)); \
                 printf \"line %%d %%0200d\\n\" $i 0; echo $i > {dd}/talker.count; done'\n\
                 stdout_logfile={dd}/logs/out.log\nstdout_logfile_maxbytes=64KB\n\
                 stdout_logfile_backups=2\nstartsecs=0\n",
                server_sections(d)
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_for("a first rotation", || logs.join("out.log.1").exists());
    let (_, pid) = info(&sock, "talker");
    // A rotation may create a file while the tree is being removed: remove again.
    wait_for("logs/ removed", || {
        let _ = std::fs::remove_dir_all(&logs);
        !logs.exists()
    });
    let count = d.join("talker.count");
    let at_removal = counter(&count);
    // ~2.2 MiB: some 35 rotations due while the directory is missing.
    wait_long("talker to write on after the removal", LONG, || {
        counter(&count) >= at_removal + 11_000
    });
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

// ---------------------------------------------------------------------------------------
// 4. Listeners: one dies mid-event, one emits garbage

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
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:pool]\n\
                 command={} {dd}/listener.py %(process_num)d {dd} {mode}\n\
                 process_name=%(program_name)s_%(process_num)d\nnumprocs=2\n\
                 events=REMOTE_COMMUNICATION\nbuffer_size=1000\n\
                 autorestart=true\nstartsecs=0\nstartretries=1000\n\
                 stderr_logfile={dd}/listener.err\n",
                server_sections(d),
                py.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
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
    wait_long("every event acknowledged", LONG, || {
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
    wait_long("the reload to settle", LONG, || match all_info(sock) {
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
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{old}", server_sections(d))),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_settled(&sock, &["a", "b"]);
    let old_pids: Vec<i32> = all_info(&sock)
        .expect("info")
        .values()
        .map(|v| v.1)
        .collect();
    let new = "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\
               [program:c]\ncommand=sleep 1001\nstartsecs=0\n";
    write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{new}", server_sections(d))),
    );
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
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{old}", server_sections(d))),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_settled(&sock, &["gone", "slow"]);
    let old_pids: Vec<i32> = all_info(&sock)
        .expect("info")
        .values()
        .map(|v| v.1)
        .collect();

    daemon.signal(Signal::SIGHUP);
    // Groups stop one at a time, in reverse order: slow first, and it holds the rest.
    daemon.wait_log("waiting for gone, slow to die");
    let new = format!("{slow}[program:fresh]\ncommand=sleep 1002\nstartsecs=0\n");
    write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{new}", server_sections(d))),
    );
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

/// SIGHUP with a config that no longer parses: the error is in the main log, nothing is
/// stopped, the daemon runs on with the config it has (4.3 stops everything and exits
/// with status 2: see the module doc). Once the file is fixed, a SIGHUP reloads it.
#[test]
fn sighup_with_an_invalid_config_keeps_the_running_config_and_processes() {
    let dir = tempdir();
    let d = dir.path();
    let programs = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{programs}", server_sections(d))),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_settled(&sock, &["p"]);
    let (_, pid) = info(&sock, "p");

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
    let more = format!("{programs}[program:q]\ncommand=sleep 1000\nstartsecs=0\n");
    write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{more}", server_sections(d))),
    );
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
    let programs = "[program:p]\ncommand=sleep 1000\nstartsecs=0\n";
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{programs}", server_sections(d))),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    let sock = d.join("sock");
    wait_serving(&sock);
    wait_settled(&sock, &["p"]);
    let (_, pid) = info(&sock, "p");

    write(d, "supervisord.conf", BROKEN);
    let xml = rpc(&sock, "supervisor.reloadConfig", &[]);
    let (code, text) = fault(&xml).unwrap_or_else(|| panic!("no fault: {xml}"));
    assert_eq!(code, 92, "CANT_REREAD expected: {text}");
    assert_eq!(
        text,
        "CANT_REREAD: .ini file does not include supervisord section"
    );
    // A second section error: the message names it.
    write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}{programs}[program:bad]\nnumprocs=zero\n",
                server_sections(d)
            ),
        ),
    );
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

    let more = format!("{programs}[program:q]\ncommand=sleep 1000\nstartsecs=0\n");
    write(
        d,
        "supervisord.conf",
        &config_text(d, &format!("{}{more}", server_sections(d))),
    );
    let xml = rpc(&sock, "supervisor.reloadConfig", &[]);
    assert!(fault(&xml).is_none(), "{xml}");
    assert!(xml.contains("<string>q</string>"), "{xml}");
    assert_eq!(info(&sock, "p"), ("RUNNING".to_owned(), pid));
    drop(daemon);
}
