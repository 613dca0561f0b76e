//! Child output: PROCESS_LOG events when `*_events_enabled`, and capture mode with its
//! PROCESS_COMMUNICATION events (scanner in `eventproto::capture`).

use crate::effect::{Effect, Event};
use crate::input::LogChannel;
use crate::supervisor::{ProcessId, Supervisor};
use crate::vocab::{LogLevel, Pid};
use eventproto::Segment;

impl Supervisor {
    /// A chunk read from a child's stdout or stderr.
    pub(crate) fn on_output(
        &mut self,
        id: ProcessId,
        channel: LogChannel,
        bytes: &[u8],
        fx: &mut Vec<Effect>,
    ) {
        if channel == LogChannel::Stdout && self.events.listeners.contains_key(&id) {
            return self.on_listener_output(id, bytes, fx);
        }
        let Some(out) = self.events.outputs.get_mut(&id) else {
            return;
        };
        let segments = match channel {
            LogChannel::Stdout => out.stdout.feed(bytes),
            LogChannel::Stderr => out.stderr.feed(bytes),
        };
        let pid = self.processes.get(id.index()).and_then(|p| p.state.pid());
        self.emit_segments(id, channel, pid, segments, fx);
    }

    /// The pipe reached EOF, or the process was reaped (`pid` is then the reaped one):
    /// flush what capture mode held back (4.3 loses it, spec §11 item 11).
    pub(crate) fn flush_output(
        &mut self,
        id: ProcessId,
        channel: LogChannel,
        pid: Option<Pid>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(out) = self.events.outputs.get_mut(&id) else {
            return;
        };
        let segments = match channel {
            LogChannel::Stdout => out.stdout.finish(),
            LogChannel::Stderr => out.stderr.finish(),
        };
        self.emit_segments(id, channel, pid, segments, fx);
    }

    fn emit_segments(
        &mut self,
        id: ProcessId,
        channel: LogChannel,
        pid: Option<Pid>,
        segments: Vec<Segment>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(out) = self.events.outputs.get(&id) else {
            return;
        };
        let enabled = match channel {
            LogChannel::Stdout => out.spec.stdout_events_enabled,
            LogChannel::Stderr => out.spec.stderr_events_enabled,
        };
        for s in segments {
            match s {
                // 4.3 emits PROCESS_LOG for captured text too (spec §11 item 11, kept)
                Segment::Output { bytes, .. } => {
                    if enabled {
                        fx.push(Effect::Event(Event::ProcessLog {
                            process: id,
                            channel,
                            pid,
                            data: bytes,
                        }));
                    }
                }
                Segment::Communication(data) => {
                    fx.push(Effect::Event(Event::ProcessCommunication {
                        process: id,
                        channel,
                        pid,
                        data,
                    }));
                    let name = crate::pyrepr::repr_str(&self.processes[id.index()].spec.name);
                    let ch = super::channel(channel).name();
                    fx.push(Effect::Log {
                        level: LogLevel::Debug,
                        message: format!("{name} {ch} emitted a comm event"),
                    });
                }
            }
        }
    }

    /// A process was spawned: fresh scanners (4.3 makes new dispatchers per spawn).
    pub(crate) fn output_spawned(&mut self, id: ProcessId) {
        let listener = self.events.listeners.contains_key(&id);
        if let Some(out) = self.events.outputs.get_mut(&id) {
            *out = super::Outputs::new(out.spec, listener);
        }
    }
}
