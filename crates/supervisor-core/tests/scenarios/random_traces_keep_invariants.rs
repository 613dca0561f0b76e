//! Property test over random traces of the shared trace model (`trace_model.rs`, also
//! driven by the fuzz target `core_trace`): time advances, exits of live pids with random
//! statuses, spawn/check/kill failures, start/stop/signal requests (single, group, all),
//! supervisord signals (HUP, TERM, USR2, CHLD), restart, shutdown, FATAL and ClearFatal,
//! groups removed and added again, Spawned answers held back; an event listener pool (`l0`,
//! subscribed to EVENT, small buffer, random max_retry) whose listener says READY, OK,
//! FAIL, garbage or dies, remote comm events, child output with events and capture mode.
//! After EVERY step: a live state holds a pid iff that pid is a live child of that process;
//! Kill/Signal/WriteStdin only to live pids; no request answered twice; `poll_timeout() >=
//! now` or None; no panic; pool length <= buffer_size; a BUSY listener has exactly one
//! event in flight; every accepted event is processed, dead-lettered, overflowed, discarded
//! or still held (nothing lost). At the end, once every child dies and time passes, every
//! request has exactly one reply.

#[path = "trace_model.rs"]
mod trace_model;

use proptest::prelude::*;
use supervisor_core::{ExitStatus, LogChannel, Signal};
use trace_model::{ProcOpts, Step, run_trace};

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
    let signal = || prop_oneof![Just("HUP"), Just("bogus"), Just("0"), Just("USR1")];
    let channel = prop_oneof![Just(LogChannel::Stdout), Just(LogChannel::Stderr)];
    prop_oneof![
        6 => (0u64..4000).prop_map(Step::Advance),
        4 => (0usize..8, status).prop_map(|(pick, status)| Step::Exit { pick, status }),
        1 => (0usize..4).prop_map(Step::FailNextSpawn),
        1 => (0usize..4, any::<bool>()).prop_map(|(p, on)| Step::FailCheck(p, on)),
        1 => (0usize..4, any::<bool>()).prop_map(|(p, on)| Step::FailKill(p, on)),
        3 => (0usize..8, any::<bool>()).prop_map(|(n, w)| Step::Start(n, w)),
        3 => (0usize..8, any::<bool>()).prop_map(|(n, w)| Step::Stop(n, w)),
        1 => (0usize..8, signal()).prop_map(|(n, s)| Step::SignalProcess(n, s.to_string())),
        1 => signal().prop_map(|s| Step::SignalGroup(s.to_string())),
        1 => any::<bool>().prop_map(Step::StartAll),
        1 => any::<bool>().prop_map(Step::StopAll),
        1 => any::<bool>().prop_map(Step::StartGroup),
        1 => any::<bool>().prop_map(Step::StopGroup),
        1 => prop_oneof![Just("USR1"), Just("x")].prop_map(|s| Step::SignalAll(s.to_string())),
        1 => prop_oneof![Just(Signal::HUP), Just(Signal::TERM), Just(Signal::USR2), Just(Signal::CHLD)]
            .prop_map(Step::Supervisord),
        1 => Just(Step::LogFail),
        1 => Just(Step::LogRemoveFail),
        1 => Just(Step::ClearFatal),
        1 => Just(Step::Shutdown),
        1 => Just(Step::Restart),
        1 => any::<bool>().prop_map(Step::HoldSpawns),
        2 => Just(Step::ReleaseSpawns),
        1 => Just(Step::RemoveQ0),
        1 => Just(Step::AddQ0),
        1 => Just(Step::RemoveL0),
        1 => Just(Step::AddL0),
        4 => prop_oneof![
            Just(&b"READY\n"[..]),
            Just(&b"RESULT 2\nOK"[..]),
            Just(&b"RESULT 2\nOKREADY\n"[..]),
            Just(&b"RESULT 4\nFAILREADY\n"[..]),
            Just(&b"RESULT x\n"[..]),
            Just(&b"RES"[..]),
            Just(&b"hello!"[..]),
        ].prop_map(|b| Step::ListenerSays(b.to_vec())),
        1 => Just(Step::ListenerStdinClosed),
        1 => Just(Step::ListenerOutputClosed),
        2 => Just(Step::RemoteComm),
        1 => (channel, prop_oneof![
            Just(&b"out\n"[..]),
            Just(&b"<!--XSUPERVISOR:BEGIN-->cap"[..]),
            Just(&b"tured<!--XSUPERVISOR:END-->"[..]),
        ]).prop_map(|(c, b)| Step::ChildOutput(c, b.to_vec())),
        1 => prop_oneof![Just(LogChannel::Stdout), Just(LogChannel::Stderr)]
            .prop_map(Step::ChildOutputClosed),
    ]
}

fn process() -> impl Strategy<Value = ProcOpts> {
    (
        0u64..3,
        0u32..3,
        0u8..3,
        0u64..4,
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step(
        opts in [process(), process(), process(), process()],
        steps in proptest::collection::vec(step(), 1..60),
        max_retry in prop_oneof![Just(None), (0u32..4).prop_map(Some)],
    ) {
        run_trace(opts, max_retry, &steps).map_err(TestCaseError::fail)?;
    }
}
