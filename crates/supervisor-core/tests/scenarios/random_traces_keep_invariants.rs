//! Property test over random traces: time advances, exits of live pids with random statuses,
//! spawn/check/kill failures, start/stop/signal requests (single, group, all), supervisord
//! signals (HUP, TERM, USR2, CHLD), FATAL and ClearFatal, groups removed and added again,
//! Spawned answers held back; an event listener pool (`l0`, subscribed to EVENT, small
//! buffer, random max_retry) whose listener says READY, OK, FAIL, garbage or dies, remote
//! comm events, child output with events and capture mode. After EVERY step: a live state
//! holds a pid iff that pid is a live child of that process; Kill/Signal/WriteStdin only to
//! live pids; no request answered twice; `poll_timeout() >= now` or None; no panic; pool
//! length <= buffer_size; a BUSY listener has exactly one event in flight; every accepted
//! event is processed, dead-lettered, overflowed, discarded or still held (nothing lost).
//! At the end, once every child dies and time passes, every request has exactly one reply.

use crate::sim::*;
use proptest::prelude::*;
use supervisor_core::{
    AutoRestart, ExitStatus, GroupEvents, GroupKind, GroupSpec, Input, LogChannel, LogTarget,
    OutputEvents, ProcessSpec, Request, Signal, SpawnError,
};

const NAMES: [&str; 7] = ["g0:p0", "g0:p1", "q0", "l0", "g0:*", "g0:", "nope"];
const PROCS: [&str; 4] = ["p0", "p1", "q0", "l0"];

#[derive(Debug, Clone)]
enum Step {
    Advance(u64),
    Exit { pick: usize, status: ExitStatus },
    FailNextSpawn(usize),
    FailCheck(usize, bool),
    FailKill(usize, bool),
    Start(usize, bool),
    Stop(usize, bool),
    SignalProcess(usize, &'static str),
    StartAll(bool),
    StopAll(bool),
    StartGroup(bool),
    StopGroup(bool),
    SignalAll(&'static str),
    Supervisord(Signal),
    LogFail,
    ClearFatal,
    Shutdown,
    HoldSpawns(bool),
    ReleaseSpawns,
    RemoveQ0,
    AddQ0,
    ListenerSays(&'static [u8]),
    ListenerStdinClosed,
    RemoteComm,
    ChildOutput(&'static [u8]),
}

fn step() -> impl Strategy<Value = Step> {
    let status = prop_oneof![
        (0i32..4).prop_map(ExitStatus::Code),
        prop_oneof![Just(Signal::TERM), Just(Signal::KILL), Just(Signal(11))].prop_map(|signal| {
            ExitStatus::Signaled {
                signal,
                core_dumped: false,
            }
        }),
    ];
    prop_oneof![
        6 => (0u64..4000).prop_map(Step::Advance),
        4 => (0usize..8, status).prop_map(|(pick, status)| Step::Exit { pick, status }),
        1 => (0usize..4).prop_map(Step::FailNextSpawn),
        1 => (0usize..4, any::<bool>()).prop_map(|(p, on)| Step::FailCheck(p, on)),
        1 => (0usize..4, any::<bool>()).prop_map(|(p, on)| Step::FailKill(p, on)),
        3 => (0usize..7, any::<bool>()).prop_map(|(n, w)| Step::Start(n, w)),
        3 => (0usize..7, any::<bool>()).prop_map(|(n, w)| Step::Stop(n, w)),
        1 => (0usize..7, prop_oneof![Just("HUP"), Just("bogus"), Just("0")])
            .prop_map(|(n, s)| Step::SignalProcess(n, s)),
        1 => any::<bool>().prop_map(Step::StartAll),
        1 => any::<bool>().prop_map(Step::StopAll),
        1 => any::<bool>().prop_map(Step::StartGroup),
        1 => any::<bool>().prop_map(Step::StopGroup),
        1 => prop_oneof![Just("USR1"), Just("x")].prop_map(Step::SignalAll),
        1 => prop_oneof![Just(Signal::HUP), Just(Signal::TERM), Just(Signal::USR2), Just(Signal::CHLD)]
            .prop_map(Step::Supervisord),
        1 => Just(Step::LogFail),
        1 => Just(Step::ClearFatal),
        1 => Just(Step::Shutdown),
        1 => any::<bool>().prop_map(Step::HoldSpawns),
        2 => Just(Step::ReleaseSpawns),
        1 => Just(Step::RemoveQ0),
        1 => Just(Step::AddQ0),
        4 => prop_oneof![
            Just(&b"READY\n"[..]),
            Just(&b"RESULT 2\nOK"[..]),
            Just(&b"RESULT 2\nOKREADY\n"[..]),
            Just(&b"RESULT 4\nFAILREADY\n"[..]),
            Just(&b"RESULT x\n"[..]),
            Just(&b"RES"[..]),
            Just(&b"hello!"[..]),
        ].prop_map(Step::ListenerSays),
        1 => Just(Step::ListenerStdinClosed),
        2 => Just(Step::RemoteComm),
        1 => prop_oneof![
            Just(&b"out\n"[..]),
            Just(&b"<!--XSUPERVISOR:BEGIN-->cap"[..]),
            Just(&b"tured<!--XSUPERVISOR:END-->"[..]),
        ].prop_map(Step::ChildOutput),
    ]
}

fn process() -> impl Strategy<Value = (u64, u32, u8, u64, bool, bool)> {
    (
        0u64..3,
        0u32..3,
        0u8..3,
        0u64..4,
        any::<bool>(),
        any::<bool>(),
    )
}

fn spec(name: &str, o: (u64, u32, u8, u64, bool, bool)) -> ProcessSpec {
    let mut p = ProcessSpec::new(name);
    p.startsecs = secs(o.0);
    p.startretries = o.1;
    p.autorestart = [
        AutoRestart::Always,
        AutoRestart::Never,
        AutoRestart::Unexpected,
    ][o.2 as usize];
    p.stopwaitsecs = secs(o.3);
    p.autostart = o.4;
    p.stopasgroup = o.5;
    p.killasgroup = o.5;
    p
}

fn config(opts: [(u64, u32, u8, u64, bool, bool); 4]) -> Vec<GroupSpec> {
    let mut g0 = group("g0", 5, &[]);
    g0.processes = vec![spec("p0", opts[0]), spec("p1", opts[1])];
    let mut q0 = group("q0", 1, &[]);
    q0.processes = vec![spec("q0", opts[2])];
    let mut l0 = group("l0", -1, &[]);
    l0.kind = GroupKind::EventListener;
    l0.processes = vec![spec("l0", opts[3])];
    vec![g0, q0, l0]
}

fn apply(sim: &mut Sim, step: &Step, q0: &GroupSpec) {
    let name = |n: usize| NAMES[n].to_string();
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
                .entry(PROCS[*p].into())
                .or_default()
                .push_back(SpawnError::fork_error(PROCS[*p], "ENOMEM"));
        }
        Step::FailCheck(p, on) => {
            if *on {
                sim.check_failures
                    .insert(PROCS[*p].into(), SpawnError::not_found(PROCS[*p]));
            } else {
                sim.check_failures.remove(PROCS[*p]);
            }
        }
        Step::FailKill(p, on) => {
            if *on {
                sim.kill_failures.insert(PROCS[*p].into());
            } else {
                sim.kill_failures.remove(PROCS[*p]);
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
                signal: s.to_string(),
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
            sim.request(Request::SignalAll {
                signal: s.to_string(),
            });
        }
        Step::Supervisord(sig) => sim.signal(*sig),
        Step::LogFail => sim.input(Input::LogClearFailed {
            target: LogTarget::Main,
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
            sim.request(Request::AddGroup { group: q0.clone() });
        }
        Step::Shutdown => {
            sim.request(Request::Shutdown);
        }
        Step::ListenerSays(bytes) => sim.say("l0", bytes),
        Step::ListenerStdinClosed => {
            let process = sim.core.process_id("l0").expect("listener");
            sim.input(Input::StdinClosed { process });
        }
        Step::RemoteComm => {
            sim.request(Request::SendRemoteCommEvent {
                kind: "t".into(),
                data: "d".into(),
            });
        }
        Step::ChildOutput(bytes) => sim.output("g0:p0", LogChannel::Stdout, bytes),
    }
}

/// The event options: `l0` a pool subscribed to EVENT with a small buffer, `p0` with
/// stdout events and capture mode.
fn event_setup(sim: &mut Sim, max_retry: Option<u32>) {
    let mut pool = pool_spec(&["EVENT"]);
    pool.buffer_size = 3;
    pool.max_retry = max_retry;
    sim.event_spec.shutdown_drain_timeout = secs(2);
    sim.event_spec.groups.insert(
        "l0".into(),
        GroupEvents {
            pool: Some(pool),
            ..Default::default()
        },
    );
    let mut g0 = GroupEvents::default();
    g0.outputs.insert(
        "p0".into(),
        OutputEvents {
            stdout_events_enabled: true,
            stdout_capture_maxbytes: 16,
            ..Default::default()
        },
    );
    sim.event_spec.groups.insert("g0".into(), g0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step(
        opts in [process(), process(), process(), process()],
        steps in proptest::collection::vec(step(), 1..60),
        max_retry in prop_oneof![Just(None), (0u32..4).prop_map(Some)],
    ) {
        let groups = config(opts);
        let q0 = groups[1].clone();
        let mut sim = Sim::with_setup(groups, |s| event_setup(s, max_retry));
        sim.check_invariants().map_err(TestCaseError::fail)?;
        for s in &steps {
            apply(&mut sim, s, &q0);
            if let Err(e) = sim.check_invariants() {
                return Err(TestCaseError::fail(format!("after {s:?}: {e}\n{}", sim.trace_text())));
            }
        }
        // let the world settle: every child dies, kills are obeyed, time passes
        sim.kill_failures.clear();
        sim.obey_kills = true;
        sim.hold_spawns = false;
        sim.release_spawns();
        for _ in 0..30 {
            let pids: Vec<_> = sim.live.keys().copied().collect();
            for pid in pids {
                sim.exit_pid(pid, ExitStatus::Signaled { signal: Signal::KILL, core_dumped: false });
            }
            sim.advance(secs(60));
            sim.check_invariants().map_err(TestCaseError::fail)?;
        }
        let unanswered = sim.unanswered();
        prop_assert!(unanswered.is_empty(), "unanswered {:?}\n{}", unanswered, sim.trace_text());
    }
}
