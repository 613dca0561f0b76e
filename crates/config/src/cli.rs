//! The command lines of supervisord and supervisorctl as 4.3's `Options.realize` reads them
//! (spec §1.1): Python `getopt` (unique long-option prefixes, no GNU permutation), each value
//! checked by its datatype when parsed, `conflicting command line option` for a repeat, the
//! original's usage texts. Command-line values override the file's (see
//! [`crate::load_with_args`] and [`CtlArgs::resolve`]).

use crate::context::LoadContext;
use crate::datatypes as dt;
use crate::error::ConfigError;
use crate::getopt::getopt;
use crate::model::CtlOptions;
use crate::pyfmt::repr_str;
use supervisor_core::LogLevel;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation<T> {
    /// `-h`, `-?`, `--help`: print the usage text ([`supervisord_help`] /
    /// [`supervisorctl_help`]) and exit 0.
    Help,
    /// `-v`, `--version` (supervisord only): print `4.3.0` and exit 0.
    Version,
    /// Run with these options.
    Run(T),
}

/// supervisord's command-line options (each `None` when not given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupervisordArgs {
    /// `-c`/`--configuration`.
    pub configfile: Option<String>,
    /// `-n`/`--nodaemon`.
    pub nodaemon: Option<bool>,
    /// `-s`/`--silent`.
    pub silent: Option<bool>,
    /// `-u`/`--user` (resolved with the file's value at load).
    pub user: Option<String>,
    /// `-m`/`--umask`.
    pub umask: Option<i64>,
    /// `-d`/`--directory` (checked to exist, `~` expanded).
    pub directory: Option<String>,
    /// `-l`/`--logfile` (directory checked; normalised at load).
    pub logfile: Option<String>,
    /// `-y`/`--logfile_maxbytes`.
    pub logfile_maxbytes: Option<i64>,
    /// `-z`/`--logfile_backups`.
    pub logfile_backups: Option<i64>,
    /// `-e`/`--loglevel`.
    pub loglevel: Option<LogLevel>,
    /// `-j`/`--pidfile` (directory checked; normalised at load).
    pub pidfile: Option<String>,
    /// `-i`/`--identifier`.
    pub identifier: Option<String>,
    /// `-q`/`--childlogdir` (checked to exist, `~` expanded).
    pub childlogdir: Option<String>,
    /// `-k`/`--nocleanup`.
    pub nocleanup: Option<bool>,
    /// `-a`/`--minfds`.
    pub minfds: Option<i64>,
    /// `--minprocs`.
    pub minprocs: Option<i64>,
    /// `-t`/`--strip_ansi`.
    pub strip_ansi: Option<bool>,
    /// `--profile_options`: sort keys (lower-cased) and whether `callers` was listed.
    pub profile_options: Option<(Vec<String>, bool)>,
}

/// supervisorctl's command-line options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CtlArgs {
    /// `-c`/`--configuration`.
    pub configfile: Option<String>,
    /// `-i`/`--interactive` given (the shell is also used when no command is given).
    pub interactive: bool,
    /// `-s`/`--serverurl` (checked to be a URL; used as given).
    pub serverurl: Option<String>,
    /// `-u`/`--username`.
    pub username: Option<String>,
    /// `-p`/`--password`.
    pub password: Option<String>,
    /// `-r`/`--history_file`: accepted but, as in 4.3, never used (only the file's
    /// `history_file` counts).
    pub history_file_ignored: Option<String>,
    /// The command and its arguments (joined with spaces into one command line).
    pub command: Vec<String>,
}

/// `Error: <message>` texts of a bad command line (exit 2 after `For help, use <argv0> -h`).
fn usage(message: String) -> ConfigError {
    ConfigError::new(message)
}

fn invalid(opt: &str, arg: &str, msg: String) -> ConfigError {
    usage(format!("invalid value for {opt} {}: {msg}", repr_str(arg)))
}

/// Set a field once; a second value is `conflicting command line option '<opt>'`.
fn once<T>(slot: &mut Option<T>, value: T, opt: &str) -> Result<(), ConfigError> {
    if slot.is_some() {
        return Err(usage(format!(
            "conflicting command line option {}",
            repr_str(opt)
        )));
    }
    *slot = Some(value);
    Ok(())
}

/// Python's list repr of the leftover arguments.
fn list_repr(args: &[String]) -> String {
    let items: Vec<String> = args.iter().map(|a| repr_str(a)).collect();
    format!("[{}]", items.join(", "))
}

const SUPERVISORD_SHORT: &str = "h?c:vnu:m:d:l:y:z:e:j:i:q:a:kts";
const SUPERVISORD_LONG: &[&str] = &[
    "help",
    "configuration=",
    "version",
    "nodaemon",
    "user=",
    "umask=",
    "directory=",
    "logfile=",
    "logfile_maxbytes=",
    "logfile_backups=",
    "loglevel=",
    "pidfile=",
    "identifier=",
    "childlogdir=",
    "minfds=",
    "minprocs=",
    "nocleanup",
    "strip_ansi",
    "profile_options=",
    "silent",
];

/// Parse supervisord's arguments (without the program name).
pub fn parse_supervisord_args(
    args: &[String],
    ctx: &LoadContext,
) -> Result<Invocation<SupervisordArgs>, ConfigError> {
    let (opts, rest) = getopt(args, SUPERVISORD_SHORT, SUPERVISORD_LONG).map_err(usage)?;
    if !rest.is_empty() {
        return Err(usage(format!(
            "positional arguments are not supported: {}",
            list_repr(&rest)
        )));
    }
    let mut a = SupervisordArgs::default();
    for (opt, arg) in &opts {
        let o = opt.as_str();
        let bad = |msg: String| invalid(o, arg, msg);
        match o {
            "-h" | "-?" | "--help" => return Ok(Invocation::Help),
            "-v" | "--version" => return Ok(Invocation::Version),
            "-c" | "--configuration" => once(&mut a.configfile, arg.clone(), o)?,
            "-n" | "--nodaemon" => once(&mut a.nodaemon, true, o)?,
            "-s" | "--silent" => once(&mut a.silent, true, o)?,
            "-k" | "--nocleanup" => once(&mut a.nocleanup, true, o)?,
            "-t" | "--strip_ansi" => once(&mut a.strip_ansi, true, o)?,
            "-u" | "--user" => once(&mut a.user, arg.clone(), o)?,
            "-m" | "--umask" => once(&mut a.umask, dt::octal(arg).map_err(bad)?, o)?,
            "-d" | "--directory" => once(
                &mut a.directory,
                dt::existing_directory(arg, ctx).map_err(bad)?,
                o,
            )?,
            "-l" | "--logfile" => once(
                &mut a.logfile,
                dt::existing_dirpath(arg, ctx).map_err(bad)?,
                o,
            )?,
            "-y" | "--logfile_maxbytes" => {
                once(&mut a.logfile_maxbytes, dt::byte_size(arg).map_err(bad)?, o)?
            }
            "-z" | "--logfile_backups" => {
                once(&mut a.logfile_backups, dt::integer(arg).map_err(bad)?, o)?
            }
            "-e" | "--loglevel" => once(&mut a.loglevel, dt::log_level(arg).map_err(bad)?, o)?,
            "-j" | "--pidfile" => once(
                &mut a.pidfile,
                dt::existing_dirpath(arg, ctx).map_err(bad)?,
                o,
            )?,
            "-i" | "--identifier" => once(&mut a.identifier, arg.clone(), o)?,
            "-q" | "--childlogdir" => once(
                &mut a.childlogdir,
                dt::existing_directory(arg, ctx).map_err(bad)?,
                o,
            )?,
            "-a" | "--minfds" => once(&mut a.minfds, dt::integer(arg).map_err(bad)?, o)?,
            "--minprocs" => once(&mut a.minprocs, dt::integer(arg).map_err(bad)?, o)?,
            "--profile_options" => {
                let items: Vec<String> = dt::list_of_strings(arg)
                    .iter()
                    .map(|s| s.to_lowercase())
                    .collect();
                let callers = items.iter().any(|s| s == "callers");
                let sort = items.into_iter().filter(|s| s != "callers").collect();
                once(&mut a.profile_options, (sort, callers), o)?
            }
            _ => return Err(usage(format!("option {o} not recognized"))),
        }
    }
    Ok(Invocation::Run(a))
}

const CTL_SHORT: &str = "h?c:is:u:p:r:";
const CTL_LONG: &[&str] = &[
    "help",
    "configuration=",
    "interactive",
    "serverurl=",
    "username=",
    "password=",
    "history_file=",
];

/// Parse supervisorctl's arguments (without the program name).
pub fn parse_ctl_args(args: &[String]) -> Result<Invocation<CtlArgs>, ConfigError> {
    let (opts, rest) = getopt(args, CTL_SHORT, CTL_LONG).map_err(usage)?;
    let mut a = CtlArgs {
        command: rest,
        ..CtlArgs::default()
    };
    let mut interactive = None;
    for (opt, arg) in &opts {
        let o = opt.as_str();
        match o {
            "-h" | "-?" | "--help" => return Ok(Invocation::Help),
            "-c" | "--configuration" => once(&mut a.configfile, arg.clone(), o)?,
            "-i" | "--interactive" => once(&mut interactive, true, o)?,
            "-s" | "--serverurl" => once(
                &mut a.serverurl,
                dt::url(arg).map_err(|m| invalid(o, arg, m))?,
                o,
            )?,
            "-u" | "--username" => once(&mut a.username, arg.clone(), o)?,
            "-p" | "--password" => once(&mut a.password, arg.clone(), o)?,
            "-r" | "--history_file" => once(&mut a.history_file_ignored, arg.clone(), o)?,
            _ => return Err(usage(format!("option {o} not recognized"))),
        }
    }
    a.interactive = interactive.unwrap_or(false);
    Ok(Invocation::Run(a))
}

impl CtlArgs {
    /// The options supervisorctl uses: command line over the file's `[supervisorctl]` over
    /// the defaults (`-r` has no effect, as in 4.3).
    pub fn resolve(&self, from_file: Option<CtlOptions>) -> CtlOptions {
        let file = from_file.unwrap_or_default();
        CtlOptions {
            serverurl: self.serverurl.clone().unwrap_or(file.serverurl),
            username: self.username.clone().or(file.username),
            password: self.password.clone().or(file.password),
            prompt: file.prompt,
            history_file: file.history_file,
        }
    }

    /// Everything supervisorctl's `realize()` does with a config file: `-c` or the search path
    /// (no file found: the defaults), `[supervisorctl]` required in a file that is used, then
    /// the command line over the file.
    pub fn options(&self, argv0: &str, ctx: &LoadContext) -> Result<CtlOptions, ConfigError> {
        let configfile = match &self.configfile {
            Some(path) => Some(path.clone()),
            None => crate::search::find_config_file_optional(argv0, ctx),
        };
        let from_file = match configfile {
            Some(path) => match crate::ctl::load_ctl(&path, ctx)? {
                Some(options) => Some(options),
                None => {
                    return Err(usage(
                        ".ini file does not include supervisorctl section".into(),
                    ));
                }
            },
            None => None,
        };
        Ok(self.resolve(from_file))
    }

    /// Whether the interactive shell runs: no command given (with a command, `-i` is
    /// ignored and supervisorctl exits after it — spec §1.1 quirk).
    pub fn runs_shell(&self) -> bool {
        self.command.is_empty()
    }

    /// The single command line executed when arguments were given.
    pub fn command_line(&self) -> Option<String> {
        (!self.command.is_empty()).then(|| self.command.join(" "))
    }
}

/// supervisord's `-h` text (its module docstring with `%s` = `progname`, plus a newline).
pub fn supervisord_help(progname: &str) -> String {
    SUPERVISORD_DOC.replace("%s", progname) + "\n"
}

/// supervisorctl's `-h` text (its module docstring with `%s` = `progname`, plus a newline).
pub fn supervisorctl_help(progname: &str) -> String {
    SUPERVISORCTL_DOC.replace("%s", progname) + "\n"
}

const SUPERVISORD_DOC: &str = "supervisord -- run a set of applications as daemons.

Usage: %s [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
-h/--help -- print this usage message and exit
-v/--version -- print supervisord version number and exit
-u/--user USER -- run supervisord as this user (or numeric uid)
-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
-d/--directory DIRECTORY -- directory to chdir to when daemonized
-l/--logfile FILENAME -- use FILENAME as logfile path
-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
-z/--logfile_backups NUM -- number of backups to keep when max bytes reached
-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
-i/--identifier STR -- identifier used for this instance of supervisord
-q/--childlogdir DIRECTORY -- the log directory for child process logs
-k/--nocleanup --  prevent the process from performing cleanup (removal of
                   old automatic child log files) at startup.
-a/--minfds NUM -- the minimum number of file descriptors for start success
-t/--strip_ansi -- strip ansi escape codes from process output
--minprocs NUM  -- the minimum number of processes available for start success
--profile_options OPTIONS -- run supervisord under profiler and output
                             results based on OPTIONS, which  is a comma-sep'd
                             list of 'cumulative', 'calls', and/or 'callers',
                             e.g. 'cumulative,callers')
";

const SUPERVISORCTL_DOC: &str =
    "supervisorctl -- control applications run by supervisord from the cmd line.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which supervisord server is listening
     (default \"http://localhost:9001\").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (if readline is available)

action [arguments] -- see below

Actions are commands like \"tail\" or \"stop\".  If -i is specified or no action is
specified on the command line, a \"shell\" interpreting actions typed
interactively is started.  Use the action \"help\" to find out about available
actions.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_texts_are_the_module_docstrings() {
        let sd = supervisord_help("/usr/bin/supervisord");
        assert!(sd.starts_with("supervisord -- run a set of applications as daemons.\n\nUsage: /usr/bin/supervisord [options]\n"));
        assert!(sd.ends_with("e.g. 'cumulative,callers')\n\n"));
        let ctl = supervisorctl_help("supervisorctl");
        assert!(ctl.contains("Usage: supervisorctl [options] [action [arguments]]"));
        assert!(ctl.ends_with("actions.\n\n"));
    }

    #[test]
    fn command_line_over_file_for_supervisorctl() {
        let Ok(Invocation::Run(args)) =
            parse_ctl_args(&["-u".into(), "bob".into(), "-r".into(), "h".into()])
        else {
            panic!("parses");
        };
        let file = CtlOptions {
            username: Some("alice".into()),
            prompt: "p".into(),
            ..CtlOptions::default()
        };
        let resolved = args.resolve(Some(file));
        assert_eq!(resolved.username.as_deref(), Some("bob"));
        assert_eq!(resolved.prompt, "p");
        assert_eq!(resolved.history_file, None); // -r has no effect in 4.3
        assert!(args.runs_shell());
    }
}
