//! The interactive shell (`cmd.Cmd.cmdloop` as 4.3 runs it): `status` first, then
//! `<prompt>> ` lines until `quit`/`exit`/EOF/Ctrl-C; exit status always 0.
//!
//! On a terminal (stdin and stdout) lines come from a line editor (rustyline) with history
//! in `history_file` (readline's plain one-line-per-entry format) and tab completion;
//! otherwise, as Python's `input()` does, the prompt is written to stdout and a line is read
//! from stdin.

use crate::complete::{CompletionCache, complete, word_start};
use crate::controller::{Controller, Flow, LineSource, ReadLine};
use crate::interrupt::{self, Wait};
use rustyline::history::History;
use std::cell::RefCell;
use std::io::{IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::rc::Rc;

/// Run the shell on `ctl` until it ends; returns the exit status (always 0, as 4.3).
pub fn run(ctl: &mut Controller) -> i32 {
    let prompt = format!("{}> ", ctl.session.prompt);
    let mut flow = match ctl.onecmd("status") {
        Ok(flow) => flow,
        Err(_) => {
            ctl.output("");
            return 0;
        }
    };
    while flow == Flow::Continue {
        let line = match ctl.input.read_line(&prompt) {
            ReadLine::Line(l) => l,
            ReadLine::Eof => "EOF".to_string(),
            ReadLine::Interrupted => {
                ctl.output("");
                break;
            }
        };
        flow = match ctl.onecmd(&line) {
            Ok(flow) => flow,
            Err(_) => {
                ctl.output("");
                break;
            }
        };
    }
    0
}

/// The input the shell should use: a line editor on a terminal, plain lines otherwise.
pub fn input_for(
    history_file: Option<PathBuf>,
    completion: Rc<RefCell<CompletionCache>>,
) -> Box<dyn LineSource> {
    if std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && let Some(editor) = EditorInput::new(history_file, completion)
    {
        return Box::new(editor);
    }
    Box::new(PlainInput::default())
}

/// `input()` without readline: prompt on stdout, one line from stdin (Ctrl-C aware).
#[derive(Default)]
pub struct PlainInput {
    pending: Vec<u8>,
    eof: bool,
}

impl LineSource for PlainInput {
    fn read_line(&mut self, prompt: &str) -> ReadLine {
        let mut out = std::io::stdout();
        let _ = out.write_all(prompt.as_bytes());
        let _ = out.flush();
        read_stdin_line(&mut self.pending, &mut self.eof)
    }

    fn read_password(&mut self, prompt: &str) -> ReadLine {
        getpass(prompt, &mut self.pending, &mut self.eof)
    }
}

/// One line from stdin through `pending`.
fn read_stdin_line(pending: &mut Vec<u8>, eof: &mut bool) -> ReadLine {
    let mut stdin = std::io::stdin();
    loop {
        if let Some(pos) = pending.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = pending.drain(..=pos).collect();
            line.pop();
            return ReadLine::Line(String::from_utf8_lossy(&line).into_owned());
        }
        if *eof {
            if pending.is_empty() {
                return ReadLine::Eof;
            }
            let line = std::mem::take(pending);
            return ReadLine::Line(String::from_utf8_lossy(&line).into_owned());
        }
        if interrupt::wait_readable(stdin.as_fd(), None) == Wait::Interrupted {
            return ReadLine::Interrupted;
        }
        let mut buf = [0u8; 4096];
        match stdin.read(&mut buf) {
            Ok(0) | Err(_) => *eof = true,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
        }
    }
}

/// `getpass.getpass`: on the controlling terminal with echo off; without one, a warning
/// on stderr and a line from stdin.
fn getpass(prompt: &str, pending: &mut Vec<u8>, eof: &mut bool) -> ReadLine {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    if let Ok(mut tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    {
        let saved = tcgetattr(&tty).ok();
        if let Some(saved) = &saved {
            let mut quiet = saved.clone();
            quiet.local_flags.remove(LocalFlags::ECHO);
            let _ = tcsetattr(&tty, SetArg::TCSAFLUSH, &quiet);
        }
        let _ = tty.write_all(prompt.as_bytes());
        let _ = tty.flush();
        let mut line = Vec::new();
        let mut result = ReadLine::Eof;
        loop {
            if interrupt::wait_readable(tty.as_fd(), None) == Wait::Interrupted {
                result = ReadLine::Interrupted;
                break;
            }
            let mut b = [0u8; 1];
            match tty.read(&mut b) {
                Ok(1) if b[0] == b'\n' => {
                    result = ReadLine::Line(String::from_utf8_lossy(&line).into_owned());
                    break;
                }
                Ok(1) => line.push(b[0]),
                _ => break,
            }
        }
        if let Some(saved) = &saved {
            let _ = tcsetattr(&tty, SetArg::TCSAFLUSH, saved);
        }
        let _ = tty.write_all(b"\n");
        return result;
    }
    let mut err = std::io::stderr();
    let _ = err.write_all(b"Warning: Password input may be echoed.\n");
    let _ = err.write_all(prompt.as_bytes());
    let _ = err.flush();
    let line = read_stdin_line(pending, eof);
    if matches!(line, ReadLine::Line(_)) {
        let _ = err.write_all(b"\n");
    }
    line
}

/// rustyline glue: completion from [`complete`].
struct ShellHelper {
    completion: Rc<RefCell<CompletionCache>>,
}

impl rustyline::completion::Completer for ShellHelper {
    type Candidate = String;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let start = word_start(line, pos);
        let text = &line[start..pos.min(line.len()).max(start)];
        let mut cache = self.completion.borrow_mut();
        let mut found = complete(line, text, &mut cache);
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert(c.clone()));
        Ok((start, found))
    }
}
impl rustyline::hint::Hinter for ShellHelper {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for ShellHelper {}
impl rustyline::validate::Validator for ShellHelper {}
impl rustyline::Helper for ShellHelper {}

/// Lines from rustyline, with history kept in `history_file`.
pub struct EditorInput {
    editor: rustyline::Editor<ShellHelper, rustyline::history::DefaultHistory>,
    history_file: Option<PathBuf>,
    pending: Vec<u8>,
    eof: bool,
}

impl EditorInput {
    /// An editor completing from `completion`, history loaded from `history_file`.
    pub fn new(
        history_file: Option<PathBuf>,
        completion: Rc<RefCell<CompletionCache>>,
    ) -> Option<Self> {
        let config = rustyline::Config::builder()
            .max_history_size(100_000)
            .ok()?
            .history_ignore_dups(true)
            .ok()?
            .auto_add_history(false)
            .completion_type(rustyline::CompletionType::List)
            .build();
        let mut editor = rustyline::Editor::with_config(config).ok()?;
        editor.set_helper(Some(ShellHelper { completion }));
        if let Some(path) = &history_file
            && let Ok(text) = std::fs::read(path)
        {
            for line in String::from_utf8_lossy(&text).lines() {
                let _ = editor.add_history_entry(line);
            }
        }
        Some(EditorInput {
            editor,
            history_file,
            pending: Vec::new(),
            eof: false,
        })
    }

    /// Write the history file (4.3 does it at exit; failures are ignored as there).
    fn save(&self) {
        if let Some(path) = &self.history_file {
            let mut text = String::new();
            let history = self.editor.history();
            for i in 0..history.len() {
                if let Ok(Some(found)) =
                    history.get(i, rustyline::history::SearchDirection::Forward)
                {
                    text.push_str(&found.entry);
                    text.push('\n');
                }
            }
            let _ = std::fs::write(path, text);
        }
    }
}

impl Drop for EditorInput {
    fn drop(&mut self) {
        self.save();
    }
}

impl LineSource for EditorInput {
    fn read_line(&mut self, prompt: &str) -> ReadLine {
        match self.editor.readline(prompt) {
            Ok(line) => {
                if !line.is_empty() {
                    let _ = self.editor.add_history_entry(line.as_str());
                }
                ReadLine::Line(line)
            }
            Err(rustyline::error::ReadlineError::Interrupted) => ReadLine::Interrupted,
            Err(_) => ReadLine::Eof,
        }
    }

    fn read_password(&mut self, prompt: &str) -> ReadLine {
        getpass(prompt, &mut self.pending, &mut self.eof)
    }
}
