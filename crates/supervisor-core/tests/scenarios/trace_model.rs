//! The random-trace model, shared by the proptest `random_traces_keep_invariants` and the
//! fuzz target `fuzz/fuzz_targets/core_trace.rs` (which includes this file, `sim.rs` and
//! `sim_events.rs` by path, as crate-root modules `trace_model`, `sim`, `sim_events`).
//!
//! A fixed config: group `g0` (`p0` with stdout events and capture mode, `p1`), program
//! `q0`, listener pool `l0` (subscribed to EVENT, buffer 3, a given max_retry). A trace is
//! a list of [`Step`]s: time advances, exits of live pids, spawn/check/kill failures,
//! start/stop/signal requests (single, group, all), supervisord signals (HUP, TERM, USR2,
//! CHLD), restart, shutdown, FATAL and ClearFatal, groups removed and added again (with
//! their event options), Spawned answers held back, what the listener says, child output
//! on both channels and its EOF, remote comm events. [`run_trace`] checks the sim's
//! invariants (`Sim::check_invariants`, which includes the event invariants) after EVERY
//! step, then lets the world settle (every child dies, kills are obeyed, time passes) and
//! checks that every request got exactly one reply.

use crate::sim::*;
use supervisor_core::{
    AutoRestart, ExitStatus, GroupEvents, GroupKind, GroupSpec, Input, LogChannel, LogTarget,
    OutputEvents, ProcessSpec, Request, Signal, SpawnError,
};

/// Namespecs the requests name (`Start(n)` is `NAMES[n % NAMES.len()]`).
pub const NAMES: [&str; 8] = ["g0:p0", "g0:p1", "q0", "l0", "g0:*", "g0:", "nope", "l0:l0"];
/// Process names the failure knobs name.
pub const PROCS: [&str; 4] = ["p0", "p1", "q0", "l0"];

/// Options of one process: (startsecs, startretries, autorestart 0..3 = always, never,
/// unexpected, stopwaitsecs, autostart, stopasgroup and killasgroup).
pub type ProcOpts = (u64, u32, u8, u64, bool, bool);

#[derive(Debug, Clone)]
pub enum Step {
    /// Let this many milliseconds pass.
    Advance(u64),
    /// A live pid (`pick` modulo their number) exits.
    Exit {
        pick: usize,
        status: ExitStatus,
    },
    FailNextSpawn(usize),
    FailCheck(usize, bool),
    FailKill(usize, bool),
    Start(usize, bool),
    Stop(usize, bool),
    SignalProcess(usize, String),
    SignalGroup(String),
    StartAll(bool),
    StopAll(bool),
    StartGroup(bool),
    StopGroup(bool),
    SignalAll(String),
    Supervisord(Signal),
    LogFail,
    LogRemoveFail,
    ClearFatal,
    Shutdown,
    Restart,
    HoldSpawns(bool),
    ReleaseSpawns,
    RemoveQ0,
    AddQ0,
    RemoveL0,
    AddL0,
    ListenerSays(Vec<u8>),
    ListenerStdinClosed,
    ListenerOutputClosed,
    RemoteComm,
    ChildOutput(LogChannel, Vec<u8>),
    ChildOutputClosed(LogChannel),
}

fn spec(name: &str, o: ProcOpts) -> ProcessSpec {
    let mut p = ProcessSpec::new(name);
    p.startsecs = secs(o.0);
    p.startretries = o.1;
    p.autorestart = [
        AutoRestart::Always,
        AutoRestart::Never,
        AutoRestart::Unexpected,
    ][usize::from(o.2 % 3)];
    p.stopwaitsecs = secs(o.3);
    p.autostart = o.4;
    p.stopasgroup = o.5;
    p.killasgroup = o.5;
    p
}

/// The groups `g0`, `q0` and `l0`, and the event options, of one trace.
pub struct Model {
    pub groups: Vec<GroupSpec>,
    pub l0_events: GroupEvents,
    pub g0_events: GroupEvents,
}

impl Model {
    pub fn new(opts: [ProcOpts; 4], max_retry: Option<u32>) -> Model {
        let mut g0 = group("g0", 5, &[]);
        g0.processes = vec![spec("p0", opts[0]), spec("p1", opts[1])];
        let mut q0 = group("q0", 1, &[]);
        q0.processes = vec![spec("q0", opts[2])];
        let mut l0 = group("l0", -1, &[]);
        l0.kind = GroupKind::EventListener;
        l0.processes = vec![spec("l0", opts[3])];
        let mut pool = pool_spec(&["EVENT"]);
        pool.buffer_size = 3;
        pool.max_retry = max_retry;
        let l0_events = GroupEvents {
            pool: Some(pool),
            ..Default::default()
        };
        let mut g0_events = GroupEvents::default();
        g0_events.outputs.insert(
            "p0".into(),
            OutputEvents {
                stdout_events_enabled: true,
                stdout_capture_maxbytes: 16,
                ..Default::default()
            },
        );
        Model {
            groups: vec![g0, q0, l0],
            l0_events,
            g0_events,
        }
    }

    /// A sim running this model's config, keeping its record (trace, logs...) or not
    /// (`Sim::record`; set before the core starts, so the boot is not recorded either).
    pub fn sim(&self, record: bool) -> Sim {
        Sim::with_setup(self.groups.clone(), |s| {
            s.record = record;
            s.event_spec.shutdown_drain_timeout = secs(2);
            s.event_spec
                .groups
                .insert("l0".into(), self.l0_events.clone());
            s.event_spec
                .groups
                .insert("g0".into(), self.g0_events.clone());
        })
    }

    /// Apply one step to `sim`.
    pub fn apply(&self, sim: &mut Sim, step: &Step) {
        let name = |n: usize| NAMES[n % NAMES.len()].to_string();
        let proc_name = |p: usize| PROCS[p % PROCS.len()];
        match step {
            Step::Advance(ms_) => sim.advance(ms(*ms_)),
            Step::Exit { pick, status } => {
                let pids: Vec<_> = sim.live.keys().copied().collect();
                if !pids.is_empty() {
                    sim.exit_pid(pids[pick % pids.len()], *status);
                }
            }
            Step::FailNextSpawn(p) => {
                sim.spawn_failures
                    .entry(proc_name(*p).into())
                    .or_default()
                    .push_back(SpawnError::fork_error(proc_name(*p), "ENOMEM"));
            }
            Step::FailCheck(p, on) => {
                if *on {
                    sim.check_failures
                        .insert(proc_name(*p).into(), SpawnError::not_found(proc_name(*p)));
                } else {
                    sim.check_failures.remove(proc_name(*p));
                }
            }
            Step::FailKill(p, on) => {
                if *on {
                    sim.kill_failures.insert(proc_name(*p).into());
                } else {
                    sim.kill_failures.remove(proc_name(*p));
                }
            }
            Step::Start(n, wait) => {
                sim.request(Request::Start {
                    name: name(*n),
                    wait: *wait,
                });
            }
            Step::Stop(n, wait) => {
                sim.request(Request::Stop {
                    name: name(*n),
                    wait: *wait,
                });
            }
            Step::SignalProcess(n, s) => {
                sim.request(Request::Signal {
                    name: name(*n),
                    signal: s.clone(),
                });
            }
            Step::SignalGroup(s) => {
                sim.request(Request::SignalGroup {
                    name: "g0".into(),
                    signal: s.clone(),
                });
            }
            Step::StartAll(wait) => {
                sim.request(Request::StartAll { wait: *wait });
            }
            Step::StopAll(wait) => {
                sim.request(Request::StopAll { wait: *wait });
            }
            Step::StartGroup(wait) => {
                sim.request(Request::StartGroup {
                    name: "g0".into(),
                    wait: *wait,
                });
            }
            Step::StopGroup(wait) => {
                sim.request(Request::StopGroup {
                    name: "g0".into(),
                    wait: *wait,
                });
            }
            Step::SignalAll(s) => {
                sim.request(Request::SignalAll { signal: s.clone() });
            }
            Step::Supervisord(sig) => sim.signal(*sig),
            Step::LogFail => sim.input(Input::LogClearFailed {
                target: LogTarget::Main,
                error: "EIO".into(),
            }),
            Step::LogRemoveFail => sim.input(Input::LogRemoveFailed {
                path: "/tmp/x.log.1".into(),
                error: "EIO".into(),
            }),
            Step::ClearFatal => {
                sim.request(Request::ClearFatal);
            }
            Step::HoldSpawns(on) => sim.hold_spawns = *on,
            Step::ReleaseSpawns => sim.release_spawns(),
            Step::RemoveQ0 => {
                sim.request(Request::RemoveGroup { name: "q0".into() });
            }
            Step::AddQ0 => {
                sim.request(Request::AddGroup {
                    group: self.groups[1].clone(),
                });
            }
            Step::RemoveL0 => {
                sim.request(Request::RemoveGroup { name: "l0".into() });
            }
            Step::AddL0 => {
                sim.request(Request::AddGroupWithEvents {
                    group: self.groups[2].clone(),
                    events: self.l0_events.clone(),
                });
            }
            Step::Shutdown => {
                sim.request(Request::Shutdown);
            }
            Step::Restart => {
                sim.request(Request::Restart);
            }
            Step::ListenerSays(bytes) => {
                if sim.core.process_id("l0").is_some() {
                    sim.say("l0", bytes);
                }
            }
            Step::ListenerStdinClosed => {
                if let Some(process) = sim.core.process_id("l0") {
                    sim.input(Input::StdinClosed { process });
                }
            }
            Step::ListenerOutputClosed => {
                if let Some(process) = sim.core.process_id("l0") {
                    sim.input(Input::OutputClosed {
                        process,
                        channel: LogChannel::Stdout,
                    });
                }
            }
            Step::RemoteComm => {
                sim.request(Request::SendRemoteCommEvent {
                    kind: "t".into(),
                    data: "d".into(),
                });
            }
            Step::ChildOutput(channel, bytes) => sim.output("g0:p0", *channel, bytes),
            Step::ChildOutputClosed(channel) => {
                let process = sim.core.process_id("g0:p0").expect("g0:p0");
                sim.input(Input::OutputClosed {
                    process,
                    channel: *channel,
                });
            }
        }
    }
}

/// Run `steps` on a fresh sim of `Model::new(opts, max_retry)`, checking the invariants
/// after every step; then let every child die and time pass, and check that every request
/// has exactly one reply. The error carries the failing step and the sim's trace.
///
/// The sim runs without its record (`Sim::record` false: no trace lines, no names
/// formatted; the same inputs, effects and checks), which makes a trace several times
/// cheaper; only when a check fails is the trace run again with the record on, for the
/// trace text of the error.
pub fn run_trace(
    opts: [ProcOpts; 4],
    max_retry: Option<u32>,
    steps: &[Step],
) -> Result<(), String> {
    let Err(e) = check_trace(opts, max_retry, steps, false) else {
        return Ok(());
    };
    match check_trace(opts, max_retry, steps, true) {
        Err(with_trace) if with_trace.lines().next() == e.lines().next() => Err(with_trace),
        again => Err(format!(
            "{e}\n(run again with the trace recorded: {})",
            again.err().unwrap_or_else(|| "no error".into())
        )),
    }
}

fn check_trace(
    opts: [ProcOpts; 4],
    max_retry: Option<u32>,
    steps: &[Step],
    record: bool,
) -> Result<(), String> {
    let model = Model::new(opts, max_retry);
    let mut sim = model.sim(record);
    sim.check_invariants()
        .map_err(|e| format!("at start: {e}\n{}", sim.trace_text()))?;
    for s in steps {
        model.apply(&mut sim, s);
        if let Err(e) = sim.check_invariants() {
            return Err(format!("after {s:?}: {e}\n{}", sim.trace_text()));
        }
    }
    // let the world settle: every child dies, kills are obeyed, time passes
    sim.kill_failures.clear();
    sim.obey_kills = true;
    sim.hold_spawns = false;
    sim.release_spawns();
    // (up to 30 rounds; done once every request is answered, after at least 2)
    for round in 0..30 {
        let pids: Vec<_> = sim.live.keys().copied().collect();
        for pid in pids {
            sim.exit_pid(pid, killed(Signal::KILL));
        }
        sim.advance(secs(60));
        if let Err(e) = sim.check_invariants() {
            return Err(format!("while settling: {e}\n{}", sim.trace_text()));
        }
        if round >= 1 && sim.unanswered().is_empty() {
            break;
        }
    }
    let unanswered = sim.unanswered();
    if !unanswered.is_empty() {
        return Err(format!("unanswered {unanswered:?}\n{}", sim.trace_text()));
    }
    Ok(())
}
