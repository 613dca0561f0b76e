//! The driver's side of events (the decisions are the core's, `supervisor-core` events
//! module): child output to the core, capture mode kept out of the child logs, a
//! listener's stdout as its protocol, and the core's writes to listeners' stdin.
//!
//! ```text
//!  child stdout/stderr ─► strip_ansi ─► CaptureScanner (log side) ─► child log, main log
//!                                   └─► Input::Output ─► core (PROCESS_LOG, COMMUNICATION)
//!  listener stdout ─► child log (if any), main log at debug as b'...' ─► Input::Output
//!  EOF / reap ─► Input::OutputClosed        Effect::WriteStdin ─► per-process queue ─►
//!                                           non-blocking writes; EPIPE ─► StdinClosed
//! ```
//!
//! The core runs its own `CaptureScanner` over the same bytes to produce the events; the
//! driver runs a second one only to decide what reaches the log file, as 4.3's
//! `POutputDispatcher` swaps its `childlog` for the capture log between the tokens.

use supervisor_core::eventproto::{CaptureScanner, Segment};
use supervisor_core::{Fault, FaultCode, Input, LogChannel, LogLevel, ProcessId};

use super::Daemon;
use super::childlog::{Channel, debug_text, strip_ansi};
use crate::pyrepr::{repr_bytes_literal, repr_str};

/// The capture scanners (log side) of one spawn: `None` where capture mode is off.
#[derive(Debug, Default)]
pub(crate) struct Captures {
    stdout: Option<CaptureScanner>,
    stderr: Option<CaptureScanner>,
}

impl Captures {
    /// For a fresh spawn of a process with `config` (no capture on a listener's stdout:
    /// it is the protocol channel).
    pub(crate) fn new(config: &config::ProcessConfig, listener: bool) -> Captures {
        let scanner = |max: i64| {
            usize::try_from(max)
                .ok()
                .filter(|&m| m > 0)
                .map(CaptureScanner::new)
        };
        Captures {
            stdout: if listener {
                None
            } else {
                scanner(config.stdout.capture_maxbytes)
            },
            stderr: scanner(config.stderr.capture_maxbytes),
        }
    }

    fn get(&mut self, channel: Channel) -> &mut Option<CaptureScanner> {
        match channel {
            Channel::Stdout => &mut self.stdout,
            Channel::Stderr => &mut self.stderr,
        }
    }
}

fn core_channel(channel: Channel) -> LogChannel {
    match channel {
        Channel::Stdout => LogChannel::Stdout,
        Channel::Stderr => LogChannel::Stderr,
    }
}

/// One piece of output as 4.3's `_log` sees it.
pub(super) struct Piece {
    pub(super) bytes: Vec<u8>,
    /// Between the tokens: to the capture buffer, never to the log file (4.3 still
    /// copies it to the main log at debug).
    pub(super) captured: bool,
}

/// The output pieces of a segment list (tokens and communication events are the core's).
fn pieces(segments: Vec<Segment>) -> Vec<Piece> {
    segments
        .into_iter()
        .filter_map(|s| match s {
            Segment::Output { bytes, captured } => Some(Piece { bytes, captured }),
            // The core makes the PROCESS_COMMUNICATION event of it.
            Segment::Communication(_) => None,
        })
        .collect()
}

impl Daemon {
    /// With capture mode on for this channel: the pieces of `data` (possibly none,
    /// while output is held back). `None`: capture mode is off, log `data` as it is.
    pub(super) fn capture_segments(
        &mut self,
        id: ProcessId,
        channel: Channel,
        data: &[u8],
    ) -> Option<Vec<Piece>> {
        let live = self.table.get_mut(id)?.live.as_mut()?;
        let scanner = live.captures.get(channel).as_mut()?;
        Some(pieces(scanner.feed(data)))
    }

    /// One piece in capture mode: captured text goes only to the main log at debug.
    pub(super) fn log_piece(&mut self, id: ProcessId, channel: Channel, piece: &Piece) {
        if !piece.captured {
            return self.write_child_log(id, channel, &piece.bytes);
        }
        if self.log.level() <= LogLevel::Debug
            && let Some(p) = self.table.get(id)
        {
            let text = debug_text(&p.config.name, channel, &piece.bytes);
            self.log.log(LogLevel::Debug, &text);
        }
    }

    /// Give output to the core when it has a use for it (output events, capture mode;
    /// a listener's stdout goes through `listener_output`): a copy per chunk is only
    /// made then.
    pub(super) fn feed_output(&mut self, id: ProcessId, channel: Channel, data: &[u8]) {
        let wanted = self.table.get(id).is_some_and(|p| {
            let c = match channel {
                Channel::Stdout => &p.config.stdout,
                Channel::Stderr => &p.config.stderr,
            };
            c.events_enabled || c.capture_maxbytes > 0
        });
        if wanted {
            self.inputs.push_back(Input::Output {
                process: id,
                channel: core_channel(channel),
                bytes: data.to_vec(),
            });
        }
    }

    /// `PEventListenerDispatcher.handle_read_event`: the main log at debug shows the
    /// bytes' repr (`'l' stdout output:\nb'READY\n'`), the child log (if configured)
    /// gets them stripped of ANSI if set, the core gets them as read.
    pub(super) fn listener_output(&mut self, id: ProcessId, data: &[u8]) {
        if let Some(p) = self.table.get_mut(id) {
            if self.log.level() <= LogLevel::Debug {
                let text = format!(
                    "{} stdout output:\n{}",
                    repr_str(&p.config.name),
                    repr_bytes_literal(data)
                );
                self.log.log(LogLevel::Debug, &text);
            }
            let mut pending = false;
            if let Some(log) = p.log_mut(Channel::Stdout) {
                if self.config.supervisord.strip_ansi {
                    log.append(&strip_ansi(data), &mut self.log);
                } else {
                    log.append(data, &mut self.log);
                }
                pending = log.pending() > 0;
            }
            if pending {
                self.schedule_log_retry();
            }
        }
        self.inputs.push_back(Input::Output {
            process: id,
            channel: LogChannel::Stdout,
            bytes: data.to_vec(),
        });
    }

    /// A pipe reached EOF (or its child was reaped with it open): log what capture
    /// mode held back (4.3 loses it) and tell the core.
    pub(super) fn output_closed(&mut self, id: ProcessId, channel: Channel) {
        let held = self
            .table
            .get_mut(id)
            .and_then(|p| p.live.as_mut())
            .and_then(|l| l.captures.get(channel).take())
            .map(|mut scanner| pieces(scanner.finish()))
            .unwrap_or_default();
        for piece in held {
            self.log_piece(id, channel, &piece);
        }
        self.inputs.push_back(Input::OutputClosed {
            process: id,
            channel: core_channel(channel),
        });
    }

    /// `Effect::WriteStdin`: queue the bytes behind what is already queued for the
    /// child's stdin and write what the pipe takes now; the rest goes out as the pipe
    /// becomes writable, never blocking the loop. A closed stdin (EPIPE, or no pipe at
    /// all) is reported as `Input::StdinClosed`.
    pub(super) fn write_stdin(&mut self, id: ProcessId, bytes: Vec<u8>) -> Option<Input> {
        let stdin = self
            .table
            .get_mut(id)
            .and_then(|p| p.live.as_mut())
            .and_then(|l| l.stdin.as_mut());
        let Some(stdin) = stdin else {
            return Some(Input::StdinClosed { process: id });
        };
        if stdin.buffer.is_empty() {
            stdin.buffer = bytes;
        } else {
            stdin.buffer.extend_from_slice(&bytes);
        }
        // flush_stdin queues StdinClosed itself when the pipe is found closed.
        self.flush_stdin(id);
        None
    }
}

impl Daemon {
    /// `supervisor.getMonitorResult(name)`: BAD_NAME unless `pool` is a monitor pool,
    /// FAILED before its first answer.
    pub(crate) fn monitor_result_value(&self, pool: &str) -> Result<rpc::Value, Fault> {
        let monitor = self.config.groups.iter().any(|g| {
            g.name == pool
                && matches!(&g.kind, config::GroupKind::EventListener { events, .. }
                    if events.iter().any(|e| e == "MONITOR_QUERY"))
        });
        if !monitor {
            return Err(Fault::new(FaultCode::BadName, pool));
        }
        let Some(result) = self.core.monitor_result(pool) else {
            return Err(Fault::new(
                FaultCode::Failed,
                format!("{pool} has not answered yet"),
            ));
        };
        let time = result
            .at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Ok(rpc::Value::object([
            ("name", rpc::Value::str(pool)),
            (
                "serial",
                rpc::Value::capped(i64::try_from(result.serial).unwrap_or(i64::MAX)),
            ),
            ("time", rpc::Value::capped(time)),
            (
                "payload",
                rpc::Value::String(String::from_utf8_lossy(&result.payload).into_owned()),
            ),
        ]))
    }

    /// `supervisor.getEventCounts()`: one struct per pool.
    pub(crate) fn event_counts_value(&self) -> rpc::Value {
        let int = |n: u64| rpc::Value::capped(i64::try_from(n).unwrap_or(i64::MAX));
        let size = |n: usize| int(u64::try_from(n).unwrap_or(u64::MAX));
        rpc::Value::Array(
            self.core
                .event_pools()
                .into_iter()
                .map(|p| {
                    let c = p.counts;
                    rpc::Value::object([
                        ("name", rpc::Value::str(p.name)),
                        ("buffered", size(p.buffered)),
                        ("buffer_size", size(p.buffer_size)),
                        ("in_flight", size(p.in_flight)),
                        ("accepted", int(c.accepted)),
                        ("processed", int(c.processed)),
                        ("rejected", int(c.rejected)),
                        ("overflowed", int(c.overflowed)),
                        ("dead_lettered", int(c.dead_lettered)),
                        ("discarded", int(c.discarded)),
                    ])
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(stdout_max: i64, stderr_max: i64) -> config::ProcessConfig {
        let ctx = config::LoadContext::for_tests("/tmp", config::StaticUsers::root_only());
        let text = format!(
            "[supervisord]\n[program:a]\ncommand=/bin/cat\nstdout_capture_maxbytes={stdout_max}\n\
             stderr_capture_maxbytes={stderr_max}\n"
        );
        match config::load_str(&text, "/tmp/supervisord.conf", &ctx) {
            Ok(loaded) => loaded.config.groups[0].processes[0].clone(),
            Err(e) => panic!("config: {e}"),
        }
    }

    #[test]
    fn capture_scanners_only_where_capture_mode_is_on() {
        let mut c = Captures::new(&config(100, 0), false);
        assert!(c.get(Channel::Stdout).is_some());
        assert!(c.get(Channel::Stderr).is_none());
        // A listener's stdout is its protocol: never scanned.
        let mut l = Captures::new(&config(100, 100), true);
        assert!(l.get(Channel::Stdout).is_none());
        assert!(l.get(Channel::Stderr).is_some());
    }

    #[test]
    fn captured_text_is_marked_and_tokens_never_reach_the_log() {
        let mut scanner = CaptureScanner::new(100);
        let got = pieces(scanner.feed(
            b"before\n<!--XSUPERVISOR:BEGIN-->secret<!--XSUPERVISOR:END-->after, long enough to log\n",
        ));
        let shown: Vec<(String, bool)> = got
            .iter()
            .map(|p| (String::from_utf8_lossy(&p.bytes).into_owned(), p.captured))
            .collect();
        assert_eq!(
            shown,
            [
                ("before\n".to_owned(), false),
                ("secret".to_owned(), true),
                ("after, long enough to log\n".to_owned(), false),
            ]
        );
    }
}
