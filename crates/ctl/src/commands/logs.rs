//! `tail`, `maintail` (with `-f`) and `fg` (spec §5.4).

use crate::controller::{CmdResult, Controller, Flow, exit, faults};
use crate::interrupt::{self, Wait};
use crate::logtail::TailConn;
use crate::pyerr::PyException;
use crate::rpc::{CallError, fault_str};
use crate::text::{py_split, py_strip, repr};
use crate::value::{Value, as_int, member};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use std::io::{Read, Write};
use std::os::fd::AsFd;

/// RUNNING's state code.
const RUNNING: i64 = 20;

/// Python's `int(text)` for a byte count: optional whitespace and sign, digits with single
/// underscores between them.
pub(crate) fn py_int(text: &str) -> Option<i64> {
    let t = py_strip(text);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

/// `-bytes` as an XML-RPC int (`OverflowError` beyond 32 bits, as `xmlrpc.client`).
fn offset_param(bytes: i64) -> Result<Value, CallError> {
    let offset = bytes.checked_neg().and_then(|o| i32::try_from(o).ok());
    offset.map(Value::Integer).ok_or_else(|| {
        CallError::Other(PyException::new(
            "OverflowError",
            "int exceeds XML-RPC limits",
            "xmlrpc/client.py",
            552,
        ))
    })
}

impl Controller {
    /// `_tailf(path)`: stream until the server closes or Ctrl-C.
    fn tailf(&mut self, path: &str) -> CmdResult {
        self.output("==> Press Ctrl-C to exit <==");
        let s = &self.session;
        let mut conn = TailConn::open(
            &s.serverurl,
            path,
            s.username.as_deref(),
            s.password.as_deref(),
        );
        let mut out = std::io::stdout();
        loop {
            let wait = match conn.stream() {
                Some(stream) => interrupt::wait_readable(stream.as_fd(), None),
                None => return Ok(Flow::Continue),
            };
            match wait {
                Wait::Interrupted => {
                    self.output("");
                    return Ok(Flow::Continue);
                }
                Wait::Ready | Wait::TimedOut => conn.pump(&mut out),
            }
        }
    }

    /// Report a log-read fault as 4.3 does; other errors escape.
    fn log_fault(&mut self, who: &str, e: CallError, bad_name: bool) -> CmdResult {
        self.exitstatus = exit::GENERIC;
        let why = match e.fault_code() {
            Some(faults::NO_FILE) => "no log file",
            Some(faults::FAILED) => "unknown error reading log",
            Some(faults::BAD_NAME) if bad_name => "no such process name",
            _ => return Err(e),
        };
        self.output(&format!("{who}: ERROR ({why})"));
        Ok(Flow::Continue)
    }

    pub(crate) fn do_tail(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let mut args = py_split(arg);
        if args.is_empty() || args.len() > 3 {
            let msg = if args.is_empty() { "few" } else { "many" };
            self.output(&format!("Error: too {msg} arguments"));
            self.exitstatus = exit::GENERIC;
            self.help_of("tail");
            return Ok(Flow::Continue);
        }
        let modifier = if args[0].starts_with('-') {
            Some(args.remove(0))
        } else {
            None
        };
        let (name, channel) = match args.as_slice() {
            [name] => (name.to_string(), "stdout".to_string()),
            [name, .., last] => {
                let channel = last.to_lowercase();
                if channel != "stderr" && channel != "stdout" {
                    self.output(&format!("Error: bad channel {}", repr(&channel)));
                    self.exitstatus = exit::GENERIC;
                    return Ok(Flow::Continue);
                }
                (name.to_string(), channel)
            }
            [] => {
                self.output("Error: tail requires process name");
                self.exitstatus = exit::GENERIC;
                return Ok(Flow::Continue);
            }
        };
        let mut bytes = Some(1600);
        if let Some(m) = modifier {
            let what = &m[1..];
            if what == "f" {
                bytes = None;
            } else {
                match py_int(what) {
                    Some(n) => bytes = Some(n),
                    None => {
                        self.output(&format!("Error: bad argument {m}"));
                        self.exitstatus = exit::GENERIC;
                        return Ok(Flow::Continue);
                    }
                }
            }
        }
        let Some(bytes) = bytes else {
            return self.tailf(&format!("/logtail/{name}/{channel}"));
        };
        let method = if channel == "stdout" {
            "readProcessStdoutLog"
        } else {
            "readProcessStderrLog"
        };
        let params = vec![
            Value::String(name.clone()),
            offset_param(bytes)?,
            Value::Integer(0),
        ];
        match self.call(method, params) {
            Ok(text) => {
                let text = crate::value::py_str(&text);
                self.output(&text);
                Ok(Flow::Continue)
            }
            Err(e @ CallError::Fault { .. }) => self.log_fault(&name, e, true),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn do_maintail(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let args = py_split(arg);
        let bytes = match args.as_slice() {
            [] => 1600,
            [one] => {
                let parsed = one.strip_prefix('-').map(|what| (what, py_int(what)));
                match parsed {
                    Some(("f", _)) => return self.tailf("/mainlogtail"),
                    Some((_, Some(n))) => n,
                    _ => {
                        self.output(&format!("Error: bad argument {one}"));
                        self.exitstatus = exit::GENERIC;
                        return Ok(Flow::Continue);
                    }
                }
            }
            _ => {
                self.output("Error: too many arguments");
                self.exitstatus = exit::GENERIC;
                self.help_of("maintail");
                return Ok(Flow::Continue);
            }
        };
        match self.call("readLog", vec![offset_param(bytes)?, Value::Integer(0)]) {
            Ok(text) => {
                let text = crate::value::py_str(&text);
                self.output(&text);
                Ok(Flow::Continue)
            }
            Err(e @ CallError::Fault { .. }) => self.log_fault("supervisord", e, false),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn do_fg(&mut self, arg: &str) -> CmdResult {
        if !self.upcheck()? {
            return Ok(Flow::Continue);
        }
        let names = py_split(arg);
        if names.is_empty() {
            self.output("ERROR: no process name supplied");
            self.exitstatus = exit::GENERIC;
            self.help_of("fg");
            return Ok(Flow::Continue);
        }
        if names.len() > 1 {
            self.output("ERROR: too many process names supplied");
            self.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
        let name = names[0].to_string();
        let info = match self.call("getProcessInfo", vec![Value::String(name.clone())]) {
            Ok(info) => info,
            Err(CallError::Fault { code, string }) => {
                if code == faults::BAD_NAME {
                    self.output("ERROR: bad process name supplied");
                    self.exitstatus = exit::GENERIC;
                } else {
                    self.output(&format!("ERROR: {}", fault_str(code, &string)));
                }
                return Ok(Flow::Continue);
            }
            Err(e) => return Err(e),
        };
        if as_int(member(&info, "state")?) != Some(RUNNING) {
            self.output("ERROR: process not running");
            self.exitstatus = exit::GENERIC;
            return Ok(Flow::Continue);
        }
        self.output("==> Press Ctrl-C to exit <==");
        self.foreground(&name)
    }

    /// The `fg` loop: both log streams to stdout, each stdin line to the process.
    fn foreground(&mut self, name: &str) -> CmdResult {
        let s = &self.session;
        let (user, pass) = (s.username.as_deref(), s.password.as_deref());
        let mut conns = [
            TailConn::open(&s.serverurl, &format!("/logtail/{name}/stdout"), user, pass),
            TailConn::open(&s.serverurl, &format!("/logtail/{name}/stderr"), user, pass),
        ];
        let mut stdout = std::io::stdout();
        let mut stdin = std::io::stdin();
        let mut pending: Vec<u8> = Vec::new();
        let mut stdin_open = true;
        loop {
            if interrupt::take() {
                self.output("Exiting foreground");
                return Ok(Flow::Continue);
            }
            // complete lines typed so far
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&line).into_owned();
                if let Some(flow) = self.send_line(name, text)? {
                    return Ok(flow);
                }
            }
            if !stdin_open {
                self.output("Exiting foreground");
                return Ok(Flow::Continue);
            }
            let mut ready = [false; 4];
            {
                let stdin_fd = stdin.as_fd();
                let mut fds = vec![PollFd::new(stdin_fd, PollFlags::POLLIN)];
                let mut which = vec![0usize];
                if let Some(sigint) = interrupt::fd() {
                    fds.push(PollFd::new(sigint, PollFlags::POLLIN));
                    which.push(3);
                }
                for (i, c) in conns.iter().enumerate() {
                    if let Some(st) = c.stream() {
                        fds.push(PollFd::new(st.as_fd(), PollFlags::POLLIN));
                        which.push(i + 1);
                    }
                }
                match poll(&mut fds, PollTimeout::NONE) {
                    Ok(_) => {
                        for (fd, w) in fds.iter().zip(which) {
                            ready[w] = fd.revents().is_some_and(|r| !r.is_empty());
                        }
                    }
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(_) => {}
                }
            }
            for (i, c) in conns.iter_mut().enumerate() {
                if ready[i + 1] {
                    c.pump(&mut stdout);
                }
            }
            if ready[0] {
                let mut buf = [0u8; 4096];
                match stdin.read(&mut buf) {
                    Ok(0) | Err(_) => {
                        // a last line without newline is still sent, as raw_input returns it
                        if !pending.is_empty() {
                            pending.push(b'\n');
                        }
                        stdin_open = false;
                    }
                    Ok(n) => pending.extend_from_slice(&buf[..n]),
                }
            }
        }
    }

    /// Send one typed line; `Some(flow)` when the foreground session ends.
    fn send_line(&mut self, name: &str, text: String) -> Result<Option<Flow>, CallError> {
        let params = vec![Value::String(name.into()), Value::String(text)];
        match self.call("sendProcessStdin", params) {
            Ok(_) => {}
            Err(CallError::Fault { code, string }) => {
                if code == faults::NOT_RUNNING {
                    self.output("Process got killed");
                } else {
                    self.output(&format!("ERROR: {}", fault_str(code, &string)));
                }
                self.output("Exiting foreground");
                return Ok(Some(Flow::Continue));
            }
            Err(CallError::Interrupted) => {
                self.output("Exiting foreground");
                return Ok(Some(Flow::Continue));
            }
            Err(e) => return Err(e),
        }
        let info = self.call("getProcessInfo", vec![Value::String(name.into())])?;
        if as_int(member(&info, "state")?) != Some(RUNNING) {
            self.output("Process got killed");
            self.output("Exiting foreground");
            return Ok(Some(Flow::Continue));
        }
        let _ = std::io::stdout().flush();
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_like_python() {
        assert_eq!(py_int("100"), Some(100));
        assert_eq!(py_int(" -5 "), Some(-5));
        assert_eq!(py_int("1_000"), Some(1000));
        assert_eq!(py_int("1__0"), None);
        assert_eq!(py_int("x"), None);
        assert_eq!(py_int(""), None);
        assert_eq!(py_int("-"), None);
    }
}
