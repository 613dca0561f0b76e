//! A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (NUL-
//! separated JSON on the browser's fds 3 and 4, wired by `sh` redirections: no
//! WebSocket, no unsafe code), just enough to load a page, click, and read the DOM.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// One headless Chromium with one page attached.
pub struct Cdp {
    child: Child,
    input: ChildStdin,
    messages: Receiver<String>,
    session: String,
    next_id: u64,
}

const WAIT: Duration = Duration::from_secs(30);

impl Cdp {
    /// Start `chromium` (with a fresh profile in `profile`) and open a blank page.
    pub fn start(chromium: &Path, profile: &Path) -> Cdp {
        let script = format!(
            "exec '{}' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
             --disable-background-networking --disable-component-update --disable-sync \
             --remote-debugging-pipe --user-data-dir='{}' about:blank 3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null",
            chromium.display(),
            profile.display()
        );
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromium");
        let input = child.stdin.take().expect("stdin");
        let mut output = child.stdout.take().expect("stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut pending = Vec::new();
            let mut buf = [0u8; 65536];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(at) = pending.iter().position(|b| *b == 0) {
                    let message: Vec<u8> = pending.drain(..=at).collect();
                    let text = String::from_utf8_lossy(&message[..at]).into_owned();
                    if tx.send(text).is_err() {
                        return;
                    }
                }
            }
        });
        let mut cdp = Cdp {
            child,
            input,
            messages,
            session: String::new(),
            next_id: 0,
        };
        let target = cdp.call("Target.createTarget", r#"{"url":"about:blank"}"#, false);
        let target = string_field(&target, "targetId").expect("a target id");
        let attached = cdp.call(
            "Target.attachToTarget",
            &format!(r#"{{"targetId":"{target}","flatten":true}}"#),
            false,
        );
        cdp.session = string_field(&attached, "sessionId").expect("a session id");
        cdp.call("Page.enable", "{}", true);
        cdp
    }

    /// Send a command; its answer (the whole message).
    fn call(&mut self, method: &str, params: &str, in_session: bool) -> String {
        self.next_id += 1;
        let id = self.next_id;
        let session = if in_session {
            format!(r#","sessionId":"{}""#, self.session)
        } else {
            String::new()
        };
        let message = format!(r#"{{"id":{id},"method":"{method}","params":{params}{session}}}"#);
        self.input
            .write_all(message.as_bytes())
            .expect("write to chromium");
        self.input.write_all(b"\0").expect("write to chromium");
        let prefix = format!(r#"{{"id":{id},"#);
        self.wait_for(|m| m.starts_with(&prefix), method)
    }

    fn wait_for(&self, pred: impl Fn(&str) -> bool, what: &str) -> String {
        let start = Instant::now();
        loop {
            let left = WAIT.saturating_sub(start.elapsed());
            match self.messages.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(_) => {}
                Err(_) => panic!("chromium: no answer for {what}"),
            }
        }
    }

    /// Evaluate `expression` in the page; its value as a string.
    pub fn eval(&mut self, expression: &str) -> String {
        let params = format!(
            r#"{{"expression":{},"returnByValue":true}}"#,
            json_string(expression)
        );
        let answer = self.call("Runtime.evaluate", &params, true);
        string_field(&answer, "value").unwrap_or_else(|| panic!("no string value: {answer}"))
    }

    /// Load `url` and wait for its load event.
    pub fn navigate(&mut self, url: &str) {
        self.call(
            "Page.navigate",
            &format!(r#"{{"url":{}}}"#, json_string(url)),
            true,
        );
        self.wait_for(|m| m.contains(r#""method":"Page.loadEventFired""#), url);
    }

    /// Run `expression` (a click, a submit) and wait for the page it leads to.
    pub fn click_and_wait(&mut self, expression: &str) {
        self.eval(&format!("{expression}; 'clicked'"));
        self.wait_for(
            |m| m.contains(r#""method":"Page.loadEventFired""#),
            expression,
        );
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        let _ = self.call_close();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Cdp {
    fn call_close(&mut self) -> std::io::Result<()> {
        self.input
            .write_all(br#"{"id":999999,"method":"Browser.close","params":{}}"#)?;
        self.input.write_all(b"\0")
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first string value of `"key":` in a JSON text, unescaped.
fn string_field(json: &str, key: &str) -> Option<String> {
    let at = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut out = String::new();
    let mut chars = json[at..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('\u{fffd}'),
                    );
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}
