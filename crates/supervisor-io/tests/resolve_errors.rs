//! `resolve` reproduces `Subprocess.get_execv_args` + `check_execv_args`, texts included.
//! Texts recorded from supervisor 4.3.0 by calling `get_execv_args()` on a `Subprocess`
//! whose config has the given `command` and `environment` (relative paths `D/...` there,
//! absolute temp paths here):
//!
//! ```text
//! ''                                 => BadCommand: command is empty
//! '   '                              => BadCommand: command is empty
//! "'abc"                             => BadCommand: can't parse command "'abc": No closing quotation
//! 'a\\'                              => BadCommand: can't parse command 'a\\': No escaped character
//! '"a b'                             => BadCommand: can't parse command '"a b': No closing quotation
//! "it's"                             => BadCommand: can't parse command "it's": No closing quotation
//! 'nonexistent-xyz'                  => NotFound: can't find command 'nonexistent-xyz'
//! '/nonexistent/x'                   => NotFound: can't find command '/nonexistent/x'
//! 'D/sub'                            => NotExecutable: command at 'D/sub' is a directory
//! 'D/noexec'                         => NotExecutable: command at 'D/noexec' is not executable
//! 'prog' {'PATH': 'D/p1:D/p2'}       => NotExecutable: command at 'D/p1/prog' is not executable
//! 'prog' {'PATH': 'D/p2:D/p1'}       => ('D/p2/prog', ['prog'])
//! 'sub'  {'PATH': 'D/'}              => NotExecutable: command at 'D/sub' is a directory
//! "sh -c 'echo hi'"                  => ('/usr/bin/sh', ['sh', '-c', 'echo hi'])
//! ```

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use supervisor_io::command::search_path;
use supervisor_io::{CommandError, ResolvedCommand, resolve};

fn text(command: &str, search: &[OsString]) -> String {
    let err = resolve(command, search).expect_err(command);
    format!("{}: {}", err.python_class(), err)
}

fn default_search() -> Vec<OsString> {
    search_path(None, None)
}

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path().to_path_buf();
    fs::create_dir_all(d.join("sub")).expect("mkdir");
    fs::create_dir_all(d.join("p1")).expect("mkdir");
    fs::create_dir_all(d.join("p2")).expect("mkdir");
    write_mode(&d.join("noexec"), 0o644);
    write_mode(&d.join("p1/prog"), 0o644);
    write_mode(&d.join("p2/prog"), 0o755);
    (tmp, d)
}

fn write_mode(path: &Path, mode: u32) {
    fs::write(path, "#!/bin/sh\n").expect("write");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn bad_commands() {
    let s = default_search();
    assert_eq!(text("", &s), "BadCommand: command is empty");
    assert_eq!(text("   ", &s), "BadCommand: command is empty");
    assert_eq!(
        text("'abc", &s),
        "BadCommand: can't parse command \"'abc\": No closing quotation"
    );
    assert_eq!(
        text("a\\", &s),
        "BadCommand: can't parse command 'a\\\\': No escaped character"
    );
    assert_eq!(
        text("\"a b", &s),
        "BadCommand: can't parse command '\"a b': No closing quotation"
    );
    assert_eq!(
        text("it's", &s),
        "BadCommand: can't parse command \"it's\": No closing quotation"
    );
}

#[test]
fn not_found_reports_the_bare_name() {
    let s = default_search();
    assert_eq!(
        text("nonexistent-xyz --flag", &s),
        "NotFound: can't find command 'nonexistent-xyz'"
    );
    assert_eq!(
        text("/nonexistent/x", &s),
        "NotFound: can't find command '/nonexistent/x'"
    );
}

#[test]
fn directory_and_mode_checks() {
    let (_tmp, d) = fixture();
    let s = default_search();
    let d = d.display();
    assert_eq!(
        text(&format!("{d}/sub"), &s),
        format!("NotExecutable: command at '{d}/sub' is a directory")
    );
    assert_eq!(
        text(&format!("{d}/noexec arg"), &s),
        format!("NotExecutable: command at '{d}/noexec' is not executable")
    );
}

#[test]
fn first_stat_wins_even_if_not_executable() {
    let (_tmp, d) = fixture();
    let p1 = d.join("p1").into_os_string();
    let p2 = d.join("p2").into_os_string();
    assert_eq!(
        text("prog", &[p1.clone(), p2.clone()]),
        format!(
            "NotExecutable: command at '{}/p1/prog' is not executable",
            d.display()
        )
    );
    assert_eq!(
        resolve("prog x 'y z'", &[p2, p1]),
        Ok(ResolvedCommand {
            filename: d.join("p2/prog"),
            argv: vec!["prog".into(), "x".into(), "y z".into()],
        })
    );
    // A trailing slash in a PATH entry is not doubled (os.path.join).
    let with_slash = OsString::from(format!("{}/", d.display()));
    assert_eq!(
        text("sub", &[with_slash]),
        format!(
            "NotExecutable: command at '{}/sub' is a directory",
            d.display()
        )
    );
}

#[test]
fn argv0_is_kept_and_path_is_searched() {
    let got = resolve(
        "sh -c 'echo hi'",
        &search_path(None, Some("/usr/bin:/bin".as_ref())),
    )
    .expect("sh resolves");
    assert_eq!(got.filename, PathBuf::from("/usr/bin/sh"));
    assert_eq!(got.argv, ["sh", "-c", "echo hi"]);
}

#[test]
fn search_path_precedence() {
    let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
    // The program's PATH wins, even when empty (then "" = the working directory).
    assert_eq!(
        search_path(Some("/a:/b"), Some("/c".as_ref())),
        os(&["/a", "/b"])
    );
    assert_eq!(search_path(Some(""), Some("/c".as_ref())), os(&[""]));
    // Else the daemon's PATH, unless unset or empty.
    assert_eq!(
        search_path(None, Some("/c::/d".as_ref())),
        os(&["/c", "", "/d"])
    );
    let default = os(&["/bin", "/usr/bin", "/usr/local/bin"]);
    assert_eq!(search_path(None, Some("".as_ref())), default);
    assert_eq!(search_path(None, None), default);
}

#[test]
fn path_of_merged_environment_takes_the_last() {
    use supervisor_io::command::path_of;
    let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(path_of(&env(&[("A", "1")])), None);
    assert_eq!(path_of(&env(&[("PATH", "/g"), ("PATH", "/p")])), Some("/p"));
}

#[test]
fn no_permission_text() {
    // Root passes access(X_OK) whenever any x bit is set, so without a noexec mount
    // this check is only reachable as another user.
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("groupx");
    write_mode(&file, 0o010);
    let expected = format!("no permission to run command '{}'", file.display());
    if nix::unistd::getuid().is_root() {
        let err = CommandError::NoPermission { path: file };
        assert_eq!(err.to_string(), expected);
        assert_eq!(err.python_class(), "NoPermission");
    } else {
        let err = resolve(&file.display().to_string(), &[]).expect_err("no x for owner");
        assert_eq!(err.to_string(), expected);
    }
}
