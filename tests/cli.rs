//! The command line against texts recorded from Python supervisord 4.3.0 (4.3 has no
//! command-line tests of its own). Recorded in a directory holding the fixture files below,
//! started as `supervisord` (so argv0 and the search path match ours, run with
//! `Command::arg0("supervisord")`):
//!
//! ```text
//! python3 -c 'import sys; sys.argv[0]="supervisord"; from supervisor.supervisord import main; main()' ARGS
//! ```

use crate::util::{run, tempdir, texts, write};

/// `(arguments, stderr)` of usage errors (status 2, nothing on stdout), as 4.3.0 prints them.
const USAGE_ERRORS: &[(&[&str], &str)] = &[
    (&["x"], "positional arguments are not supported: ['x']"),
    (
        &["a", "b"],
        "positional arguments are not supported: ['a', 'b']",
    ),
    (
        &["-n", "x"],
        "positional arguments are not supported: ['x']",
    ),
    (
        &["-m", "8", "x"],
        "positional arguments are not supported: ['x']",
    ),
    (
        &["--", "x"],
        "positional arguments are not supported: ['x']",
    ),
    (&["-"], "positional arguments are not supported: ['-']"),
    (&["--bogus"], "option --bogus not recognized"),
    (&["-x"], "option -x not recognized"),
    (&["--no"], "option --no not a unique prefix"),
    (&["--min"], "option --min not a unique prefix"),
    (&["--=x"], "option -- not a unique prefix"),
    (
        &["--nodaemon=1"],
        "option --nodaemon must not have an argument",
    ),
    (&["-c"], "option -c requires argument"),
    (
        &["--configuration"],
        "option --configuration requires argument",
    ),
    (&["--conf"], "option --configuration requires argument"),
    (&["--minprocs"], "option --minprocs requires argument"),
    (
        &["--profile_options"],
        "option --profile_options requires argument",
    ),
    (&["-i"], "option -i requires argument"),
    (&["-e"], "option -e requires argument"),
    (&["-u"], "option -u requires argument"),
    (&["-n", "-n"], "conflicting command line option '-n'"),
    (
        &["-n", "--nodaemon"],
        "conflicting command line option '--nodaemon'",
    ),
    (
        &["-c", "a", "-c", "b"],
        "conflicting command line option '-c'",
    ),
    (
        &["-m", "8"],
        "invalid value for -m '8': 8 can not be converted to an octal type",
    ),
    (
        &["-m", "abc"],
        "invalid value for -m 'abc': abc can not be converted to an octal type",
    ),
    (
        &["--umask=9"],
        "invalid value for --umask '9': 9 can not be converted to an octal type",
    ),
    (
        &["-d", "/nonexist"],
        "invalid value for -d '/nonexist': /nonexist is not an existing directory",
    ),
    (
        &["-l", "/nonexist/x.log"],
        "invalid value for -l '/nonexist/x.log': The directory named as part of the path \
         /nonexist/x.log does not exist",
    ),
    (
        &["-y", "1.5MB"],
        "invalid value for -y '1.5MB': invalid literal for int() with base 10: '1.5'",
    ),
    (
        &["-z", "x"],
        "invalid value for -z 'x': invalid literal for int() with base 10: 'x'",
    ),
    (
        &["-e", "bogus"],
        "invalid value for -e 'bogus': bad logging level name 'bogus'",
    ),
    (
        &["-j", "/nonexist/p"],
        "invalid value for -j '/nonexist/p': The directory named as part of the path /nonexist/p \
         does not exist",
    ),
    (
        &["-q", "/nonexist"],
        "invalid value for -q '/nonexist': /nonexist is not an existing directory",
    ),
    (
        &["-a", "x"],
        "invalid value for -a 'x': invalid literal for int() with base 10: 'x'",
    ),
    (
        &["--minprocs=x"],
        "invalid value for --minprocs 'x': invalid literal for int() with base 10: 'x'",
    ),
    // options act in order: the bad value is reported before -h is reached
    (
        &["-m", "8", "-h"],
        "invalid value for -m '8': 8 can not be converted to an octal type",
    ),
    (
        &["-c", "ok.conf", "-m", "8", "-y", "2", "-h"],
        "invalid value for -m '8': 8 can not be converted to an octal type",
    ),
    // the config file
    (
        &["-c", "/nonexist.conf"],
        "could not find config file /nonexist.conf",
    ),
    (
        &["-c", "missing.conf", "-u", "nobody"],
        "could not find config file missing.conf",
    ),
    (&["-c", "/tmp"], "could not read config file /tmp"),
    (
        &["-c", "empty.conf"],
        ".ini file does not include supervisord section",
    ),
    // int() accepts `1_0` and Unicode digits: the file is the first problem
    (
        &["-a", "1_0", "-c", "empty.conf"],
        ".ini file does not include supervisord section",
    ),
    (
        &["-z", "٣", "-c", "empty.conf"],
        ".ini file does not include supervisord section",
    ),
    (
        &["-c", "nocmd.conf"],
        "program section program:foo does not specify a command in section 'program:foo' \
         (file: 'nocmd.conf')",
    ),
    // -u is resolved after the file is read
    (
        &["-c", "ok.conf", "-u", "nosuchuser"],
        "Invalid user name nosuchuser",
    ),
    (
        &["-u", "nosuchuser", "-c", "ok.conf"],
        "Invalid user name nosuchuser",
    ),
    (&["-c", "ok.conf", "-u", "12345"], "Invalid user id 12345"),
    // no system allows this many descriptors (fs.nr_open is at most 2^31 - 64)
    (
        &["-c", "ok.conf", "-a", "4000000000"],
        "The minimum number of file descriptors required to run this process is 4000000000 as \
         per the \"minfds\" command-line argument or config file setting. The current environment \
         will only allow you to open 4000000000 file descriptors.  Either raise the number of \
         usable file descriptors in your environment (see README.rst) or lower the minfds setting \
         in the config file to allow the process to start.",
    ),
];

/// The fixture files of the recording directory.
fn fixture_dir() -> tempfile::TempDir {
    let dir = tempdir();
    write(
        dir.path(),
        "ok.conf",
        "[supervisord]\nlogfile=%(here)s/sd.log\npidfile=%(here)s/sd.pid\n",
    );
    write(dir.path(), "empty.conf", "");
    write(
        dir.path(),
        "nocmd.conf",
        "[supervisord]\n[program:foo]\nautostart=false\n",
    );
    dir
}

#[test]
fn usage_errors_match_python() {
    let dir = fixture_dir();
    let mut mismatches = Vec::new();
    for (args, message) in USAGE_ERRORS {
        let got = texts(&run(dir.path(), args));
        let want = (
            String::new(),
            format!("Error: {message}\nFor help, use supervisord -h\n"),
            Some(2),
        );
        if got != want {
            mismatches.push(format!("{args:?}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// Recorded: `python3 -c '...' -h > tests/data/supervisord-h.txt`.
const HELP: &str = include_str!("data/supervisord-h.txt");

#[test]
fn help_and_version() {
    let dir = tempdir();
    let help = HELP.to_string();
    for args in [
        &["-h"][..],
        &["--help"],
        &["-?"],
        &["--he"],
        &["-hv"],
        &["-h", "-m", "8"],
        &["-n", "-h"],
    ] {
        let got = texts(&run(dir.path(), args));
        assert_eq!(got, (help.clone(), String::new(), Some(0)), "{args:?}");
    }
    for args in [&["-v"][..], &["--version"], &["--vers"], &["-vh"]] {
        let got = texts(&run(dir.path(), args));
        assert_eq!(
            got,
            ("4.3.0\n".to_string(), String::new(), Some(0)),
            "{args:?}"
        );
    }
}

#[test]
fn help_names_argv0_as_invoked() {
    let dir = tempdir();
    let out = std::process::Command::new(crate::util::BIN)
        .arg("-h")
        .output()
        .expect("run");
    let (stdout, _, status) = texts(&out);
    assert_eq!(status, Some(0));
    assert!(stdout.contains(&format!("Usage: {} [options]\n", crate::util::BIN)));
    drop(dir);
}

#[test]
fn no_config_file_found() {
    // no -c: the search path relative to argv0 `supervisord` (empty prefix) and the cwd
    let dir = tempdir();
    if ["/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
    {
        eprintln!("skipped: this host has a system-wide supervisord.conf");
        return;
    }
    let (stdout, stderr, status) = texts(&run(dir.path(), &["-n"]));
    assert_eq!((stdout.as_str(), status), ("", Some(2)));
    let expected = "Error: No config file found at default paths (etc/supervisord.conf, \
                    supervisord.conf, supervisord.conf, etc/supervisord.conf, /etc/supervisord.conf, \
                    /etc/supervisor/supervisord.conf); use the -c option to specify a config file \
                    at a different path\nFor help, use supervisord -h\n";
    assert!(stderr.ends_with(expected), "{stderr}");
    // Python prints its warning through `warnings` (`<options.py>:469: UserWarning: ...`);
    // we print the same text after argv0
    let warning = "supervisord: UserWarning: Supervisord is running as root and it is searching for \
                   its configuration file in default locations (including its current working \
                   directory); you probably want to specify a \"-c\" argument specifying an absolute \
                   path to a configuration file for improved security.\n";
    if nix::unistd::getuid().is_root() {
        assert_eq!(stderr, format!("{warning}{expected}"));
    } else {
        assert_eq!(stderr, expected);
    }
}
