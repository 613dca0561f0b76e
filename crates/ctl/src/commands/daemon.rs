//! `shutdown`, `reload`, `version`, `open`.

use crate::controller::{CmdResult, Controller, Flow, ReadLine, exit, faults};
use crate::rpc::CallError;
use crate::value::py_str;

impl Controller {
    /// The interactive confirmation of shutdown/reload: true to go on.
    fn confirm(&mut self, question: &str, line: u32) -> Result<bool, CallError> {
        if !self.session.interactive {
            return Ok(true);
        }
        match self.input.read_line(question) {
            ReadLine::Line(answer) => Ok(answer.to_lowercase().starts_with('y')),
            // raw_input raises: EOFError is reported like any exception, Ctrl-C escapes
            ReadLine::Eof => Err(CallError::Other(crate::pyerr::PyException::new(
                "EOFError",
                "EOF when reading a line",
                "supervisor/supervisorctl.py",
                line,
            ))),
            ReadLine::Interrupted => Err(CallError::Interrupted),
        }
    }

    pub(crate) fn do_shutdown(&mut self, arg: &str) -> CmdResult {
        if self.refuse_arguments("shutdown", arg) {
            return Ok(Flow::Continue);
        }
        if !self.confirm("Really shut the remote supervisord process down y/N? ", 987)? {
            return Ok(Flow::Continue);
        }
        match self.call("shutdown", vec![]) {
            Ok(_) => self.output("Shut down"),
            Err(CallError::Fault { code, .. }) if code == faults::SHUTDOWN_STATE => {
                self.output("ERROR: already shutting down");
            }
            Err(CallError::Socket { errno, exception })
                if errno == nix::libc::ECONNREFUSED || errno == nix::libc::ENOENT =>
            {
                let _ = exception;
                self.exitstatus = exit::GENERIC;
                let what = if errno == nix::libc::ECONNREFUSED {
                    "refused connection"
                } else {
                    "no such file"
                };
                let url = self.session.serverurl.clone();
                self.output(&format!("ERROR: {url} {what} (already shut down?)"));
            }
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                return Err(e);
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_reload(&mut self, arg: &str) -> CmdResult {
        if self.refuse_arguments("reload", arg) {
            return Ok(Flow::Continue);
        }
        if !self.confirm("Really restart the remote supervisord process y/N? ", 1027)? {
            return Ok(Flow::Continue);
        }
        match self.call("restart", vec![]) {
            Ok(_) => self.output("Restarted supervisord"),
            Err(e) => {
                self.exitstatus = exit::GENERIC;
                if e.fault_code() == Some(faults::SHUTDOWN_STATE) {
                    self.output("ERROR: already shutting down");
                } else {
                    return Err(e);
                }
            }
        }
        Ok(Flow::Continue)
    }

    pub(crate) fn do_version(&mut self, arg: &str) -> CmdResult {
        if self.refuse_arguments("version", arg) {
            return Ok(Flow::Continue);
        }
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let v = self.call("getSupervisorVersion", vec![])?;
        self.output(&py_str(&v));
        Ok(Flow::Continue)
    }

    pub(crate) fn do_open(&mut self, arg: &str) -> CmdResult {
        let url = crate::text::py_strip(arg).to_string();
        if !scheme_is(&url) {
            self.output("ERROR: url must be http:// or unix://");
            self.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
        self.session.serverurl = url;
        let client = self.client();
        self.completion.borrow_mut().set_client(client);
        let old = self.exitstatus;
        let result = self.do_status("");
        self.exitstatus = old;
        result
    }
}

/// `urlparse(url).scheme in ('unix', 'http')`: the scheme is what precedes the first `:`
/// when it is made of scheme characters (lower-cased by urlparse).
fn scheme_is(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid && matches!(scheme.to_ascii_lowercase().as_str(), "unix" | "http")
}
