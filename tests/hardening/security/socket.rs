//! The unix socket as the access control: its mode and owner, checked by connecting as
//! `nobody`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::hardening::support::{unix_server, wait_accepting};
use crate::util::{BIN, Running, config_text, tempdir, write};

const CTL: &str = env!("CARGO_BIN_EXE_supervisorctl");

/// Start `supervisord -n -c conf` under `umask 000`, the most permissive umask: every
/// mode checked below must then come from the daemon, not from the umask.
fn start_umask_000(dir: &Path, conf: &Path) -> Running {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg("umask 000; exec \"$0\" -n -c \"$1\"")
        .arg(BIN)
        .arg(conf)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Running::spawn(&mut cmd, &dir.join("supervisord.log"))
}

/// `stat`: permission bits, uid, gid.
fn mode_owner(path: &Path) -> (u32, u32, u32) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
    (m.permissions().mode() & 0o7777, m.uid(), m.gid())
}

/// `ctl -s unix://<sock> pid` run as `uid:gid` (std drops supplementary groups when
/// root sets a uid): stdout and stderr together, and whether it printed a pid.
fn ctl_pid_as(ctl: &Path, sock: &Path, uid: u32, gid: u32) -> (String, bool) {
    let out = Command::new(ctl)
        .arg("-s")
        .arg(format!("unix://{}", sock.display()))
        .arg("pid")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .output()
        .expect("run supervisorctl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let pid = text.trim().parse::<u32>().is_ok();
    (text, pid)
}

/// A `supervisorctl` that `uid:gid` can run: the built one, or a copy in `dir` when
/// the build directory is closed to that user (a checkout under `/root`).
fn ctl_runnable_by(uid: u32, gid: u32, dir: &Path) -> PathBuf {
    let runs = Command::new(CTL)
        .arg("-h")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if runs {
        return PathBuf::from(CTL);
    }
    let copy = dir.join("supervisorctl");
    std::fs::copy(CTL, &copy).expect("copy supervisorctl");
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    copy
}

/// `nobody` and `nogroup`, as ids.
fn nobody() -> Option<(u32, u32)> {
    let user = nix::unistd::User::from_name("nobody").ok().flatten()?;
    let group = nix::unistd::Group::from_name("nogroup").ok().flatten()?;
    Some((user.uid.as_raw(), group.gid.as_raw()))
}

/// The socket file is the unix server's access control: 0700 by default whatever the
/// umask (4.3's default), `chmod=` and `chown=` honoured; `nobody` cannot connect to
/// a 0700 root socket and can once the socket is its own or 0777. The main log and
/// pidfile follow the umask as 4.3's (0666 under `umask 000` in the foreground, 0644
/// under the 022 a daemonizing supervisord sets); AUTO child logs are 0600 always.
#[test]
fn unix_socket_mode_0700_by_default_chmod_and_chown_honoured() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: chown= and connecting as nobody need root (CI runs as root)");
        return;
    }
    let Some((nobody_uid, nogroup_gid)) = nobody() else {
        eprintln!("skipped: no nobody user or nogroup group on this machine");
        return;
    };
    // (config lines, expected mode, expected owner, whether nobody may connect)
    let cases: [(&str, u32, (u32, u32), bool); 4] = [
        ("", 0o700, (0, 0), false),
        ("chmod=0770\n", 0o770, (0, 0), false),
        ("chmod=0777\n", 0o777, (0, 0), true),
        (
            "chown=nobody:nogroup\n",
            0o700,
            (nobody_uid, nogroup_gid),
            true,
        ),
    ];
    let bin_dir = tempdir();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o711))
        .expect("chmod temp dir");
    let ctl = ctl_runnable_by(nobody_uid, nogroup_gid, bin_dir.path());
    for (lines, mode, owner, nobody_may) in cases {
        let dir = tempdir();
        // nobody must be able to reach the socket through its directory.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o711))
            .expect("chmod temp dir");
        let sock = dir.path().join("supervisor.sock");
        let conf = write(
            dir.path(),
            "supervisord.conf",
            &config_text(
                dir.path(),
                &format!(
                    "{}[program:cat]\ncommand=cat\nstartsecs=0\n",
                    unix_server(&sock, lines)
                ),
            ),
        );
        let daemon = start_umask_000(dir.path(), &conf);
        wait_accepting(&sock);
        daemon.wait_log("success: cat entered RUNNING state");
        assert_eq!(
            mode_owner(&sock),
            (mode, owner.0, owner.1),
            "socket mode and owner for {lines:?}"
        );
        let (text, connected) = ctl_pid_as(&ctl, &sock, nobody_uid, nogroup_gid);
        assert_eq!(
            connected, nobody_may,
            "nobody connecting to the socket for {lines:?}: {text}"
        );
        if !nobody_may {
            assert!(text.contains("Permission denied"), "{lines:?}: {text}");
        }
        let (text, connected) = ctl_pid_as(&ctl, &sock, 0, 0);
        assert!(connected, "root connecting for {lines:?}: {text}");
        if lines.is_empty() {
            // The temporary name the socket was bound under is gone.
            let names: Vec<PathBuf> = std::fs::read_dir(dir.path())
                .expect("read temp dir")
                .map(|e| e.expect("dir entry").path())
                .filter(|p| p.to_string_lossy().contains("supervisor.sock."))
                .collect();
            assert!(names.is_empty(), "{names:?}");
            // The files' modes, as 4.3.0 makes them under umask 000 with -n.
            assert_eq!(mode_owner(&dir.path().join("supervisord.log")).0, 0o666);
            assert_eq!(mode_owner(&dir.path().join("supervisord.pid")).0, 0o666);
            let autologs: Vec<(PathBuf, u32)> = std::fs::read_dir(dir.path())
                .expect("read temp dir")
                .map(|e| e.expect("dir entry").path())
                .filter(|p| p.to_string_lossy().contains("---supervisor-"))
                .map(|p| {
                    let m = mode_owner(&p).0;
                    (p, m)
                })
                .collect();
            assert_eq!(autologs.len(), 2, "{autologs:?}");
            assert!(autologs.iter().all(|(_, m)| *m == 0o600), "{autologs:?}");
        }
    }
}
