//! `command=` → the file to execute and its argv, exactly as supervisord's
//! `Subprocess.get_execv_args` does it.
//!
//! 1. Split with Python's `shlex.split(command)` (POSIX mode, no comments): see [`split`].
//! 2. If `argv[0]` contains `/` it is used as is (a relative path is relative to the
//!    daemon's working directory at check time — and to `directory=` at exec time,
//!    because the child `chdir`s first; both are supervisord's behaviour).
//! 3. Otherwise each directory of the search path ([`search_path`]) is tried in order,
//!    `os.path.join(dir, argv0)`, and the first one where `stat` succeeds wins — even if
//!    it is not executable, which then fails the checks below instead of searching on.
//! 4. Checks, in order: exists, not a directory, some `x` bit set, `access(X_OK)`.
//!
//! Every error text is the original's, including Python's `%r` quoting of the path.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::unistd::{AccessFlags, access};

use crate::pyrepr::{repr_bytes, repr_str};

/// Why `shlex.split` refused a command; the text is Python's `ValueError` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A `'` or `"` was opened and never closed.
    #[error("No closing quotation")]
    NoClosingQuotation,
    /// The command ends with a backslash (outside quotes, or inside `"..."`).
    #[error("No escaped character")]
    NoEscapedCharacter,
}

/// Why a command cannot be spawned; `Display` is supervisord's spawn error text.
///
/// The core maps [`CommandError::NotFound`] to the XML-RPC fault `NO_FILE` and every
/// other variant to `NOT_EXECUTABLE` (as `rpcinterface.startProcess` does); see
/// [`CommandError::python_class`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// `shlex.split` failed; the configuration holds unbalanced quotes or a trailing `\`.
    #[error("can't parse command {}: {reason}", repr_str(.command))]
    Unparsable {
        /// The `command=` value as configured.
        command: String,
        /// Python's message.
        reason: SplitError,
    },
    /// The command splits into no words at all (only whitespace).
    #[error("command is empty")]
    Empty,
    /// `stat` failed for `argv[0]` as given, or in every directory of the search path.
    #[error("can't find command {}", repr_bytes(.path.as_os_str().as_bytes()))]
    NotFound {
        /// `argv[0]` as written (never a joined path: supervisord reports the bare name).
        path: PathBuf,
    },
    /// The file found is a directory.
    #[error("command at {} is a directory", repr_bytes(.path.as_os_str().as_bytes()))]
    IsDirectory {
        /// The path that was found.
        path: PathBuf,
    },
    /// The file found has no execute bit for anybody.
    #[error("command at {} is not executable", repr_bytes(.path.as_os_str().as_bytes()))]
    NotExecutable {
        /// The path that was found.
        path: PathBuf,
    },
    /// The file has an execute bit, but not one this (real) user may use.
    #[error("no permission to run command {}", repr_bytes(.path.as_os_str().as_bytes()))]
    NoPermission {
        /// The path that was found.
        path: PathBuf,
    },
}

impl CommandError {
    /// The Python exception class supervisord raises for this error:
    /// `BadCommand`, `NotFound`, `NotExecutable` or `NoPermission`.
    pub fn python_class(&self) -> &'static str {
        match self {
            CommandError::Unparsable { .. } | CommandError::Empty => "BadCommand",
            CommandError::NotFound { .. } => "NotFound",
            CommandError::IsDirectory { .. } | CommandError::NotExecutable { .. } => {
                "NotExecutable"
            }
            CommandError::NoPermission { .. } => "NoPermission",
        }
    }
}

/// A command ready for `execve`: the file to execute and the untouched argv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCommand {
    /// What `execve` gets as its path: `argv[0]` itself when it contains `/` (or nothing
    /// was found), else the joined `dir/argv0` that `stat` accepted.
    pub filename: PathBuf,
    /// The split command; `argv[0]` stays as written, it is not replaced by `filename`.
    pub argv: Vec<String>,
}

/// `shlex.split(command)` with Python's POSIX rules and `comments=False`.
///
/// Whitespace is exactly space, tab, CR and LF. Outside quotes `\` takes the next
/// character literally (a backslash-newline yields a newline, unlike a shell). Inside
/// `'...'` nothing is special; inside `"..."` a `\` escapes only `"` and `\` and is kept
/// before any other character. Quotes may join a word (`a'b'c` → `abc`), and an empty
/// quoted string is an empty word. `#`, `$`, `;`, `|` are ordinary characters.
pub fn split(command: &str) -> Result<Vec<String>, SplitError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Between,
        Word,
        Quoted(char),
        Escape { resume: Resume },
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Resume {
        Word,
        DoubleQuoted,
    }
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let mut words = Vec::new();
    let mut token = String::new();
    // Python's `quoted`: the current word contains a quote, so it exists even if empty.
    let mut quoted = false;
    let mut state = State::Between;
    for c in command.chars() {
        state = match state {
            State::Between | State::Word if is_space(c) => {
                if state == State::Word || quoted {
                    words.push(std::mem::take(&mut token));
                    quoted = false;
                }
                State::Between
            }
            State::Between | State::Word => match c {
                '\\' => State::Escape {
                    resume: Resume::Word,
                },
                '\'' | '"' => {
                    quoted = true;
                    State::Quoted(c)
                }
                c => {
                    token.push(c);
                    State::Word
                }
            },
            State::Quoted(q) if c == q => State::Word,
            State::Quoted('"') if c == '\\' => State::Escape {
                resume: Resume::DoubleQuoted,
            },
            State::Quoted(q) => {
                token.push(c);
                State::Quoted(q)
            }
            State::Escape { resume } => match resume {
                Resume::Word => {
                    token.push(c);
                    State::Word
                }
                Resume::DoubleQuoted => {
                    if c != '"' && c != '\\' {
                        token.push('\\');
                    }
                    token.push(c);
                    State::Quoted('"')
                }
            },
        };
    }
    match state {
        State::Quoted(_) => Err(SplitError::NoClosingQuotation),
        State::Escape { .. } => Err(SplitError::NoEscapedCharacter),
        State::Word => {
            words.push(token);
            Ok(words)
        }
        State::Between => {
            if quoted {
                words.push(token);
            }
            Ok(words)
        }
    }
}

/// The directories searched for a command without `/`, as `ProcessConfig.get_path`:
/// the program's `PATH` from its merged `environment=` ([`path_of`]) if it defines one (split on `:`, so an
/// empty value searches `""`, i.e. the working directory), else the daemon's `PATH` if
/// set and non-empty, else `/bin:/usr/bin:/usr/local/bin`.
pub fn search_path(program_path: Option<&str>, daemon_path: Option<&OsStr>) -> Vec<OsString> {
    if let Some(p) = program_path {
        return p.split(':').map(OsString::from).collect();
    }
    match daemon_path {
        Some(p) if !p.is_empty() => p
            .as_bytes()
            .split(|&b| b == b':')
            .map(|d| OsString::from_vec(d.to_vec()))
            .collect(),
        _ => ["/bin", "/usr/bin", "/usr/local/bin"]
            .iter()
            .map(OsString::from)
            .collect(),
    }
}

/// The `PATH` of a program's environment as supervisord sees it: `environment=` of
/// `[supervisord]` merged with the program's (later entries win), which is what
/// `ProcessConfig.get_path` reads. Pass the result to [`search_path`].
pub fn path_of(environment: &[(String, String)]) -> Option<&str> {
    environment
        .iter()
        .rev()
        .find(|(key, _)| key == "PATH")
        .map(|(_, value)| value.as_str())
}

/// [`search_path`] with the daemon's own `PATH` from its environment.
pub fn daemon_search_path(program_path: Option<&str>) -> Vec<OsString> {
    search_path(program_path, std::env::var_os("PATH").as_deref())
}

/// Split `command`, locate `argv[0]` in `search` and check it can be executed.
pub fn resolve(command: &str, search: &[OsString]) -> Result<ResolvedCommand, CommandError> {
    let argv = split(command).map_err(|reason| CommandError::Unparsable {
        command: command.to_owned(),
        reason,
    })?;
    let Some(program) = argv.first() else {
        return Err(CommandError::Empty);
    };
    let (filename, found) = if program.contains('/') {
        let path = PathBuf::from(program);
        let meta = std::fs::metadata(&path).ok();
        (path, meta)
    } else {
        search
            .iter()
            .find_map(|dir| {
                let candidate = python_join(dir, program);
                std::fs::metadata(&candidate)
                    .ok()
                    .map(|m| (candidate, Some(m)))
            })
            .unwrap_or_else(|| (PathBuf::from(program), None))
    };
    check(&filename, found.as_ref())?;
    Ok(ResolvedCommand { filename, argv })
}

/// `options.check_execv_args`.
fn check(path: &Path, found: Option<&std::fs::Metadata>) -> Result<(), CommandError> {
    let path_buf = || path.to_path_buf();
    let Some(meta) = found else {
        return Err(CommandError::NotFound { path: path_buf() });
    };
    if meta.is_dir() {
        return Err(CommandError::IsDirectory { path: path_buf() });
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(CommandError::NotExecutable { path: path_buf() });
    }
    if access(path, AccessFlags::X_OK).is_err() {
        return Err(CommandError::NoPermission { path: path_buf() });
    }
    Ok(())
}

/// `os.path.join(dir, name)` for a `name` without `/`: an empty `dir` gives `name`,
/// a `dir` ending in `/` gets no second slash.
fn python_join(dir: &OsStr, name: &str) -> PathBuf {
    let mut joined = dir.as_bytes().to_vec();
    if !joined.is_empty() && !joined.ends_with(b"/") {
        joined.push(b'/');
    }
    joined.extend_from_slice(name.as_bytes());
    PathBuf::from(OsString::from_vec(joined))
}
