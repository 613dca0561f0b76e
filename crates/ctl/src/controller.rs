//! 4.3's `Controller(cmd.Cmd)`: line parsing, dispatch, the catch-all error line, the 401
//! retry, the up-check and the exit status. The commands live in `commands/`.

use crate::complete::CompletionCache;
use crate::pyerr::PyException;
use crate::rpc::{CallError, Client};
use crate::text::py_strip;
use crate::value::Value;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// LSB init-script exit codes used by supervisorctl (spec §5.3).
pub mod exit {
    /// Success.
    pub const SUCCESS: i32 = 0;
    /// Generic error.
    pub const GENERIC: i32 = 1;
    /// Invalid arguments.
    pub const INVALID_ARGS: i32 = 2;
    /// `[rpcinterface:supervisor]` missing on the server.
    pub const UNIMPLEMENTED_FEATURE: i32 = 3;
    /// Connection refused.
    pub const INSUFFICIENT_PRIVILEGES: i32 = 4;
    /// Wrong API version.
    pub const NOT_INSTALLED: i32 = 5;
    /// Not running / no such socket file.
    pub const NOT_RUNNING: i32 = 7;
    /// `status`: some listed process is not running (LSB status code).
    pub const STATUS_NOT_RUNNING: i32 = 3;
    /// `status`: unknown name or server unreachable (LSB status code).
    pub const STATUS_UNKNOWN: i32 = 4;
}

/// Fault codes of `supervisor.xmlrpc.Faults` that supervisorctl tests (spec §3.2).
pub mod faults {
    #![allow(missing_docs)]
    pub const UNKNOWN_METHOD: i32 = 1;
    pub const SHUTDOWN_STATE: i32 = 6;
    pub const BAD_NAME: i32 = 10;
    pub const BAD_SIGNAL: i32 = 11;
    pub const NO_FILE: i32 = 20;
    pub const NOT_EXECUTABLE: i32 = 21;
    pub const FAILED: i32 = 30;
    pub const ABNORMAL_TERMINATION: i32 = 40;
    pub const SPAWN_ERROR: i32 = 50;
    pub const ALREADY_STARTED: i32 = 60;
    pub const NOT_RUNNING: i32 = 70;
    pub const SUCCESS: i32 = 80;
    pub const ALREADY_ADDED: i32 = 90;
    pub const STILL_RUNNING: i32 = 91;
    pub const CANT_REREAD: i32 = 92;
}

/// What supervisorctl connects with; `open` and the 401 prompt change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `serverurl`.
    pub serverurl: String,
    /// `username`.
    pub username: Option<String>,
    /// `password`.
    pub password: Option<String>,
    /// `prompt` (the shell shows `<prompt>> `).
    pub prompt: String,
    /// `history_file` of the `[supervisorctl]` section.
    pub history_file: Option<std::path::PathBuf>,
    /// 4.3's `options.interactive`: `-i` given or no command (decides the 401 prompt and
    /// the shutdown/reload confirmations).
    pub interactive: bool,
}

/// One line read from the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadLine {
    /// A line, without its newline.
    Line(String),
    /// End of input (`EOFError`).
    Eof,
    /// Ctrl-C (`KeyboardInterrupt`).
    Interrupted,
}

/// Where `raw_input()` and `getpass()` read from.
pub trait LineSource {
    /// `raw_input(prompt)`.
    fn read_line(&mut self, prompt: &str) -> ReadLine;
    /// `getpass.getpass(prompt)`: no echo where there is a terminal.
    fn read_password(&mut self, prompt: &str) -> ReadLine;
}

/// Whether the loop goes on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next command.
    Continue,
    /// `quit`, `exit`, `EOF`.
    Stop,
}

/// Ctrl-C escaped a command (Python's `KeyboardInterrupt` leaving `onecmd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyboardInterrupt;

/// A command's result: its flow, or the exception that escaped it.
pub type CmdResult = Result<Flow, CallError>;

impl From<PyException> for CallError {
    fn from(e: PyException) -> Self {
        CallError::Other(e)
    }
}

/// The supervisorctl controller.
pub struct Controller {
    /// Connection settings.
    pub session: Session,
    /// The exit status so far (each error assigns; nothing resets it).
    pub exitstatus: i32,
    out: Box<dyn Write>,
    /// Input for confirmations, credentials and `fg`.
    pub input: Box<dyn LineSource>,
    /// Process names for tab completion (dropped at every command, as 4.3 does).
    pub completion: Rc<RefCell<CompletionCache>>,
}

impl Controller {
    /// A controller writing to `out`, reading confirmations from `input`.
    pub fn new(session: Session, out: Box<dyn Write>, input: Box<dyn LineSource>) -> Self {
        let client = Client::new(
            &session.serverurl,
            session.username.as_deref(),
            session.password.as_deref(),
        );
        Controller {
            session,
            exitstatus: exit::SUCCESS,
            out,
            input,
            completion: Rc::new(RefCell::new(CompletionCache::new(client))),
        }
    }

    /// `self.output(message)`: the message and a newline.
    pub fn output(&mut self, message: &str) {
        let _ = self.out.write_all(message.as_bytes());
        let _ = self.out.write_all(b"\n");
        let _ = self.out.flush();
    }

    /// Write without a newline (help texts that carry their own).
    pub fn write_raw(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// A fresh proxy for the current session (`get_supervisor()`).
    pub fn client(&self) -> Client {
        Client::new(
            &self.session.serverurl,
            self.session.username.as_deref(),
            self.session.password.as_deref(),
        )
    }

    /// `supervisor.<method>(*params)`.
    pub fn call(&self, method: &str, params: Vec<Value>) -> Result<Value, CallError> {
        self.client().call(&format!("supervisor.{method}"), params)
    }

    /// `set_exitstatus_from_xmlrpc_fault`.
    pub fn set_exitstatus_from_fault(&mut self, code: i64, ignored: Option<i32>) {
        if Some(code) == ignored.map(i64::from) || code == i64::from(faults::SUCCESS) {
        } else if [
            faults::SPAWN_ERROR,
            faults::ABNORMAL_TERMINATION,
            faults::NOT_RUNNING,
        ]
        .iter()
        .any(|&f| i64::from(f) == code)
        {
            self.exitstatus = exit::NOT_RUNNING;
        } else {
            self.exitstatus = exit::GENERIC;
        }
    }

    /// The connection/version check run before most commands (spec §5.2). `Ok(false)`
    /// when a message was printed and the command must stop.
    pub fn upcheck(&mut self) -> Result<bool, CallError> {
        match self.call("getVersion", vec![]) {
            Ok(api) => {
                if api != Value::String("3.0".into()) {
                    let api = crate::value::py_str(&api);
                    self.output(&format!(
                        "Sorry, this version of supervisorctl expects to talk to a server with \
                         API version 3.0, but the remote version is {api}."
                    ));
                    self.exitstatus = exit::NOT_INSTALLED;
                    return Ok(false);
                }
                Ok(true)
            }
            Err(CallError::Fault { code, .. }) if code == faults::UNKNOWN_METHOD => {
                self.output(
                    "Sorry, supervisord responded but did not recognize the supervisor \
                     namespace commands that supervisorctl uses to control it.  Please check \
                     that the [rpcinterface:supervisor] section is enabled in the \
                     configuration file (see sample.conf).",
                );
                self.exitstatus = exit::UNIMPLEMENTED_FEATURE;
                Ok(false)
            }
            Err(CallError::Socket { errno, .. }) if errno == nix::libc::ECONNREFUSED => {
                let url = self.session.serverurl.clone();
                self.output(&format!("{url} refused connection"));
                self.exitstatus = exit::INSUFFICIENT_PRIVILEGES;
                Ok(false)
            }
            Err(CallError::Socket { errno, .. }) if errno == nix::libc::ENOENT => {
                let url = self.session.serverurl.clone();
                self.output(&format!("{url} no such file"));
                self.exitstatus = exit::NOT_RUNNING;
                Ok(false)
            }
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                Err(e)
            }
        }
    }

    /// `cmd.Cmd.onecmd` as 4.3 overrides it: parse, dispatch, print escaped errors, retry
    /// once after a 401. Only Ctrl-C escapes.
    pub fn onecmd(&mut self, line: &str) -> Result<Flow, KeyboardInterrupt> {
        let (cmd, arg, line) = parseline(line);
        if line.is_empty() {
            return Ok(Flow::Continue);
        }
        let Some(cmd) = cmd.filter(|c| !c.is_empty()) else {
            return Ok(self.default(&line));
        };
        self.completion.borrow_mut().invalidate();
        if !is_command(&cmd) {
            return Ok(self.default(&line));
        }
        let first = self.dispatch(&cmd, &arg);
        let second = match first {
            Ok(flow) => return Ok(flow),
            Err(CallError::Interrupted) => return Err(KeyboardInterrupt),
            Err(CallError::Protocol { status: 401, .. }) => {
                self.output("Server requires authentication");
                if self.session.interactive {
                    // EOF raises EOFError inside the handler: reported by the catch-all
                    let eof = |value: &str, file, line| {
                        Err(CallError::Other(PyException::new(
                            "EOFError", value, file, line,
                        )))
                    };
                    let username = match self.input.read_line("Username:") {
                        ReadLine::Line(u) => u,
                        ReadLine::Interrupted => return Err(KeyboardInterrupt),
                        ReadLine::Eof => {
                            return Ok(self.report(eof(
                                "EOF when reading a line",
                                "supervisor/supervisorctl.py",
                                212,
                            )));
                        }
                    };
                    let password = match self.input.read_password("Password:") {
                        ReadLine::Line(p) => p,
                        ReadLine::Interrupted => return Err(KeyboardInterrupt),
                        ReadLine::Eof => return Ok(self.report(eof("", "getpass.py", 148))),
                    };
                    self.output("");
                    self.session.username = Some(username);
                    self.session.password = Some(password);
                    let client = self.client();
                    self.completion.borrow_mut().set_client(client);
                    return self.onecmd(&line);
                }
                self.exitstatus = exit::GENERIC;
                // 4.3 runs the command a second time outside the handler
                self.dispatch(&cmd, &arg)
            }
            Err(e) => Err(e),
        };
        match second {
            Err(CallError::Interrupted) => Err(KeyboardInterrupt),
            other => Ok(self.report(other)),
        }
    }

    /// The catch-all of `onecmd`: an escaped exception is printed and sets status 1.
    fn report(&mut self, result: CmdResult) -> Flow {
        match result {
            Ok(flow) => flow,
            Err(e) => {
                let text = e.exception().report();
                self.output(&text);
                self.exitstatus = exit::GENERIC;
                Flow::Continue
            }
        }
    }

    /// `default(line)`: an unknown command.
    fn default(&mut self, line: &str) -> Flow {
        self.output(&format!("*** Unknown syntax: {line}"));
        self.exitstatus = exit::GENERIC;
        Flow::Continue
    }

    fn dispatch(&mut self, cmd: &str, arg: &str) -> CmdResult {
        match cmd {
            "EOF" | "quit" | "exit" => {
                self.output("");
                Ok(Flow::Stop)
            }
            "help" => self.do_help(arg),
            "status" => self.do_status(arg),
            "pid" => self.do_pid(arg),
            "start" => self.do_start(arg),
            "stop" => self.do_stop(arg),
            "restart" => self.do_restart(arg),
            "signal" => self.do_signal(arg),
            "clear" => self.do_clear(arg),
            "tail" => self.do_tail(arg),
            "maintail" => self.do_maintail(arg),
            "fg" => self.do_fg(arg),
            "avail" => self.do_avail(arg),
            "reread" => self.do_reread(arg),
            "add" => self.do_add(arg),
            "remove" => self.do_remove(arg),
            "update" => self.do_update(arg),
            "shutdown" => self.do_shutdown(arg),
            "reload" => self.do_reload(arg),
            "open" => self.do_open(arg),
            "version" => self.do_version(arg),
            _ => Ok(self.default(&format!("{cmd} {arg}"))),
        }
    }

    /// `help [topic]`.
    fn do_help(&mut self, arg: &str) -> CmdResult {
        if py_strip(arg) == "help" {
            self.write_raw(crate::help::HELP_HELP);
        } else if arg.is_empty() {
            self.write_raw(crate::help::TOPICS);
        } else if let Some(text) = crate::help::topic(arg) {
            self.write_raw(text);
        } else {
            self.output(&format!("*** No help on {arg}"));
        }
        Ok(Flow::Continue)
    }

    /// Print `Error: <cmd> accepts no arguments` and the help; true if `arg` was not empty.
    pub(crate) fn refuse_arguments(&mut self, cmd: &str, arg: &str) -> bool {
        if arg.is_empty() {
            return false;
        }
        self.output(&format!("Error: {cmd} accepts no arguments"));
        self.exitstatus = exit::GENERIC;
        self.write_raw(crate::help::topic(cmd).unwrap_or(""));
        true
    }

    /// Print the help of `topic`.
    pub(crate) fn help_of(&mut self, topic: &str) {
        self.write_raw(crate::help::topic(topic).unwrap_or(""));
    }
}

/// Whether `cmd` names a command (`do_<cmd>` on the controller or its plugin).
pub fn is_command(cmd: &str) -> bool {
    cmd == "EOF" || crate::help::COMMANDS.contains(&cmd)
}

/// `cmd.Cmd.parseline`: `(command, argument, stripped line)`; `?` means `help`, a leading
/// `!` (no `do_shell`) or nothing parseable gives no command.
pub fn parseline(line: &str) -> (Option<String>, String, String) {
    let mut line = py_strip(line).to_string();
    if line.is_empty() {
        return (None, String::new(), line);
    }
    if let Some(rest) = line.strip_prefix('?') {
        line = format!("help {rest}");
    } else if line.starts_with('!') {
        return (None, String::new(), line);
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let cmd = line[..end].to_string();
    let arg = py_strip(&line[end..]).to_string();
    (Some(cmd), arg, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parseline_like_cmd() {
        assert_eq!(
            parseline("  status  a b "),
            (Some("status".into()), "a b".into(), "status  a b".into())
        );
        assert_eq!(
            parseline("?status"),
            (Some("help".into()), "status".into(), "help status".into())
        );
        assert_eq!(parseline("!ls"), (None, "".into(), "!ls".into()));
        assert_eq!(
            parseline("status:cat"),
            (Some("status".into()), ":cat".into(), "status:cat".into())
        );
        assert_eq!(parseline("-x"), (Some("".into()), "-x".into(), "-x".into()));
        assert_eq!(parseline("   "), (None, "".into(), "".into()));
    }
}
