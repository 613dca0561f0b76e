//! The command line against Python: `GETOPT_CASES` holds what CPython 3.11's `getopt.getopt`
//! makes of argument vectors with supervisord's option table, recorded with:
//!
//! ```text
//! # Records Python's getopt.getopt on supervisord's option table for src/cli/tests.rs.
//! import getopt
//! short = "h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts"
//! long = ["help", "configuration=", "version", "nodaemon", "user=", "umask=", "directory=",
//!         "logfile=", "logfile_maxbytes=", "logfile_backups=", "loglevel=", "pidfile=",
//!         "identifier=", "childlogdir=", "minfds=", "minprocs=", "nocleanup", "strip_ansi",
//!         "profile_options=", "silent"]
//! for args in cases:
//!     try:
//!         print(repr(args), getopt.getopt(args, short, long))
//!     except getopt.GetoptError as e:
//!         print(repr(args), str(e))
//! ```

use super::*;
use supervisor_core::LogLevel;

type Expected = Result<
    (
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
    ),
    &'static str,
>;

/// `(args, Python's result)`: the options and the rest, or the `GetoptError` text.
const GETOPT_CASES: &[(&[&str], Expected)] = &[
    (&["--nod"], Ok((&[("--nodaemon", "")], &[]))),
    (&["--no"], Err("option --no not a unique prefix")),
    (&["--n"], Err("option --n not a unique prefix")),
    (&["-cFILE"], Ok((&[("-c", "FILE")], &[]))),
    (&["-c", "FILE"], Ok((&[("-c", "FILE")], &[]))),
    (
        &["--configuration=FILE"],
        Ok((&[("--configuration", "FILE")], &[])),
    ),
    (
        &["--configuration", "FILE"],
        Ok((&[("--configuration", "FILE")], &[])),
    ),
    (&["--conf=x=y"], Ok((&[("--configuration", "x=y")], &[]))),
    (&["-n", "x", "-s"], Ok((&[("-n", "")], &["x", "-s"]))),
    (&["--", "-n"], Ok((&[], &["-n"]))),
    (&["-n", "--", "x"], Ok((&[("-n", "")], &["x"]))),
    (&["-"], Ok((&[], &["-"]))),
    (&["-nsk"], Ok((&[("-n", ""), ("-s", ""), ("-k", "")], &[]))),
    (&["-nc", "f", "x"], Ok((&[("-n", ""), ("-c", "f")], &["x"]))),
    (&["-ncf"], Ok((&[("-n", ""), ("-c", "f")], &[]))),
    (&["-c", "--"], Ok((&[("-c", "--")], &[]))),
    (&["-c", "-n"], Ok((&[("-c", "-n")], &[]))),
    (
        &["--nodaemon="],
        Err("option --nodaemon must not have an argument"),
    ),
    (&["--=x"], Err("option -- not a unique prefix")),
    (&["--"], Ok((&[], &[]))),
    (&["-:"], Err("option -: not recognized")),
    (&["-x"], Err("option -x not recognized")),
    (&["--bogus=1"], Err("option --bogus not recognized")),
    (&["--min"], Err("option --min not a unique prefix")),
    (&["--mi=3"], Err("option --mi not a unique prefix")),
    (
        &["--profile"],
        Err("option --profile_options requires argument"),
    ),
    (
        &["--profile_options=a,b"],
        Ok((&[("--profile_options", "a,b")], &[])),
    ),
    (&["-z"], Err("option -z requires argument")),
    (&["--user"], Err("option --user requires argument")),
    (&["-?"], Ok((&[("-?", "")], &[]))),
    (&["--h"], Ok((&[("--help", "")], &[]))),
    (&["--s"], Err("option --s not a unique prefix")),
    (&["--st"], Ok((&[("--strip_ansi", "")], &[]))),
    (&["--v"], Ok((&[("--version", "")], &[]))),
    (&["--l"], Err("option --l not a unique prefix")),
    (
        &["--logfile_m=1"],
        Ok((&[("--logfile_maxbytes", "1")], &[])),
    ),
    (&["-é"], Err("option -é not recognized")),
    (&["-ué"], Ok((&[("-u", "é")], &[]))),
    (&[], Ok((&[], &[]))),
];

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Every vector gives what `Options.realize` makes of Python's answer: its error text, the
/// positional-arguments error for leftovers, or success.
#[test]
fn getopt_matches_python() {
    for (args, expected) in GETOPT_CASES {
        let got = parse_args(args);
        match expected {
            Err(text) => assert_eq!(got, Err(Failure::usage(*text)), "{args:?}"),
            Ok((_, rest)) if !rest.is_empty() => {
                let list: Vec<String> = rest.iter().map(|a| format!("'{a}'")).collect();
                let text = format!(
                    "positional arguments are not supported: [{}]",
                    list.join(", ")
                );
                assert_eq!(got, Err(Failure::usage(text)), "{args:?}");
            }
            Ok(_) => assert!(got.is_ok(), "{args:?}: {got:?}"),
        }
    }
}

fn ctx() -> LoadContext {
    LoadContext::for_tests("/", config::StaticUsers::root_only())
}

fn parse_args(args: &[&str]) -> Result<Request, Failure> {
    parse("supervisord", &strings(args), &ctx())
}

fn usage(args: &[&str]) -> String {
    match parse_args(args) {
        Err(Failure::Usage(message)) => message,
        other => panic!("{args:?}: expected a usage error, got {other:?}"),
    }
}

#[test]
fn options_act_in_order() {
    // `-m 8 -h`: the bad umask is reported before help is reached
    assert_eq!(
        usage(&["-m", "8", "-h"]),
        "invalid value for -m '8': 8 can not be converted to an octal type"
    );
    assert!(matches!(
        parse_args(&["-h", "-m", "8"]),
        Ok(Request::Help(_))
    ));
    assert!(matches!(parse_args(&["-hv"]), Ok(Request::Help(_))));
    assert_eq!(parse_args(&["-vh"]), Ok(Request::Version));
    // positional arguments are refused before any option is handled
    assert_eq!(
        usage(&["-m", "8", "x", "y"]),
        "positional arguments are not supported: ['x', 'y']"
    );
}

#[test]
fn repeats_conflict_by_attribute() {
    assert_eq!(usage(&["-n", "-n"]), "conflicting command line option '-n'");
    assert_eq!(
        usage(&["-n", "--nodaemon"]),
        "conflicting command line option '--nodaemon'"
    );
    assert_eq!(
        usage(&["-c", "a", "--conf=b"]),
        "conflicting command line option '--configuration'"
    );
}

#[test]
fn values_are_converted() {
    let Ok(Request::Run(cli)) = parse_args(&[
        "-nsktcx.conf",
        "-m0o27",
        "--logfile_max=1KB",
        "-z",
        "٣",
        "-e",
        "WARN",
        "-a",
        "1_000",
        "--minprocs= 7 ",
        "-iid",
        "--profile_options=Cumulative, callers",
        "-l",
        "/tmp/x.log",
        "-q",
        "/",
        "-d",
        "/",
        "-u",
        "nobody",
    ]) else {
        panic!("expected Run");
    };
    assert_eq!(cli.configfile.as_deref(), Some("x.conf"));
    assert_eq!(
        (cli.nodaemon, cli.silent, cli.nocleanup, cli.strip_ansi),
        (Some(true), Some(true), Some(true), Some(true))
    );
    assert_eq!(cli.umask, Some(0o27));
    assert_eq!(cli.logfile_maxbytes, Some(1024));
    assert_eq!(cli.logfile_backups, Some(3));
    assert_eq!(cli.loglevel, Some(LogLevel::Warn));
    assert_eq!((cli.minfds, cli.minprocs), (Some(1000), Some(7)));
    assert_eq!(cli.identifier.as_deref(), Some("id"));
    assert_eq!(
        cli.profile_options,
        Some((vec!["cumulative".to_string()], true))
    );
    assert_eq!(cli.logfile.as_deref(), Some("/tmp/x.log"));
    assert_eq!(cli.childlogdir.as_deref(), Some("/"));
    assert_eq!(cli.directory.as_deref(), Some("/"));
    // resolved later, after the config file
    assert_eq!(cli.user.as_deref(), Some("nobody"));
}

#[test]
fn bad_values_name_the_flag_as_written() {
    assert_eq!(
        usage(&["--umask=9"]),
        "invalid value for --umask '9': 9 can not be converted to an octal type"
    );
    assert_eq!(
        usage(&["-e", "bogus"]),
        "invalid value for -e 'bogus': bad logging level name 'bogus'"
    );
    assert_eq!(
        usage(&["--minp", "x"]),
        "invalid value for --minprocs 'x': invalid literal for int() with base 10: 'x'"
    );
    assert_eq!(
        usage(&["-y", "1.5MB"]),
        "invalid value for -y '1.5MB': invalid literal for int() with base 10: '1.5'"
    );
}

#[test]
fn help_text_substitutes_argv0() {
    let Ok(Request::Help(text)) = parse("/usr/bin/supervisord", &strings(&["-?"]), &ctx()) else {
        panic!("expected help");
    };
    assert!(text.starts_with("supervisord -- run a set of applications as daemons.\n\n"));
    assert!(text.contains("Usage: /usr/bin/supervisord [options]\n"));
    assert!(text.ends_with("e.g. 'cumulative,callers')\n\n"));
}
