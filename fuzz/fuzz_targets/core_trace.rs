//! The core fed arbitrary input traces: bytes decode to a process config (startsecs,
//! startretries, autorestart, stopwaitsecs, autostart, stopasgroup for each of `g0:p0`,
//! `g0:p1`, `q0` and the listener `l0`), a pool `max_retry`, and up to 300 steps of the
//! shared trace model (crates/supervisor-core/tests/scenarios/trace_model.rs: time
//! advances, exits, spawn/check/kill failures, start/stop/signal/add/remove requests,
//! restart, shutdown, supervisord signals, what the listener says (READY, RESULT, anything),
//! child output with events and capture mode, EOFs, held-back spawns...). The model runs
//! them on the scenario tests' `Sim` driver, checking `Sim::check_invariants` (pids, kills,
//! replies, poll_timeout, pools, BUSY listeners, no event lost) after every step, then
//! lets the world settle and checks every request got exactly one reply. Any violation
//! panics; so does the core.
#![no_main]

#[allow(dead_code, unused_imports)]
#[path = "../../crates/supervisor-core/tests/scenarios/sim.rs"]
mod sim;
#[allow(dead_code, unused_imports)]
#[path = "../../crates/supervisor-core/tests/scenarios/sim_events.rs"]
mod sim_events;
#[allow(dead_code, unused_imports)]
#[path = "../../crates/supervisor-core/tests/scenarios/trace_model.rs"]
mod trace_model;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use supervisor_core::{ExitStatus, LogChannel, Signal};
use trace_model::{ProcOpts, Step, run_trace};

const MAX_STEPS: usize = 300;

/// What a listener or a child might say: protocol tokens, then anything.
const WORDS: [&[u8]; 12] = [
    b"READY\n",
    b"RESULT 2\nOK",
    b"RESULT 2\nOKREADY\n",
    b"RESULT 4\nFAILREADY\n",
    b"RESULT 4\nFAIL",
    b"RESULT x\n",
    b"RESULT 0\n",
    b"RES",
    b"\n",
    b"<!--XSUPERVISOR:BEGIN-->",
    b"<!--XSUPERVISOR:END-->",
    b"out\n",
];
const SIGNALS: [&str; 8] = ["HUP", "bogus", "0", "USR1", "SIGTERM", "9", "KILL", "-1"];

fn bytes(u: &mut Unstructured) -> Result<Vec<u8>> {
    if u.ratio(1, 2)? {
        let n = u.int_in_range(1..=3)?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.extend_from_slice(u.choose(&WORDS)?);
        }
        Ok(out)
    } else {
        let n = u.int_in_range(0..=48)?;
        Ok(u.bytes(n.min(u.len()))?.to_vec())
    }
}

fn signal_name(u: &mut Unstructured) -> Result<String> {
    Ok(u.choose(&SIGNALS)?.to_string())
}

fn channel(u: &mut Unstructured) -> Result<LogChannel> {
    Ok(if u.arbitrary()? {
        LogChannel::Stderr
    } else {
        LogChannel::Stdout
    })
}

fn status(u: &mut Unstructured) -> Result<ExitStatus> {
    Ok(if u.arbitrary()? {
        ExitStatus::Signaled {
            signal: Signal(u.int_in_range(1..=31)?),
            core_dumped: u.arbitrary()?,
        }
    } else {
        ExitStatus::Code(u.int_in_range(0..=3)?)
    })
}

fn step(u: &mut Unstructured) -> Result<Step> {
    let op: u8 = u.arbitrary()?;
    let n = |u: &mut Unstructured| -> Result<usize> { Ok(usize::from(u.arbitrary::<u8>()?)) };
    Ok(match op % 36 {
        0..=3 => Step::Advance(u64::from(u.arbitrary::<u16>()? % 4000)),
        4 => Step::Advance(u64::from(u.arbitrary::<u32>()? % 600_000)),
        5..=7 => Step::Exit {
            pick: n(u)?,
            status: status(u)?,
        },
        8 => Step::FailNextSpawn(n(u)?),
        9 => Step::FailCheck(n(u)?, u.arbitrary()?),
        10 => Step::FailKill(n(u)?, u.arbitrary()?),
        11 | 12 => Step::Start(n(u)?, u.arbitrary()?),
        13 | 14 => Step::Stop(n(u)?, u.arbitrary()?),
        15 => Step::SignalProcess(n(u)?, signal_name(u)?),
        16 => Step::SignalGroup(signal_name(u)?),
        17 => Step::StartAll(u.arbitrary()?),
        18 => Step::StopAll(u.arbitrary()?),
        19 => Step::StartGroup(u.arbitrary()?),
        20 => Step::StopGroup(u.arbitrary()?),
        21 => Step::SignalAll(signal_name(u)?),
        22 => Step::Supervisord(*u.choose(&[
            Signal::HUP,
            Signal::TERM,
            Signal::INT,
            Signal::QUIT,
            Signal::USR2,
            Signal::CHLD,
        ])?),
        23 => [Step::LogFail, Step::LogRemoveFail, Step::ClearFatal][n(u)? % 3].clone(),
        24 => [Step::Shutdown, Step::Restart][n(u)? % 2].clone(),
        25 => Step::HoldSpawns(u.arbitrary()?),
        26 => Step::ReleaseSpawns,
        27 => [Step::RemoveQ0, Step::AddQ0, Step::RemoveL0, Step::AddL0][n(u)? % 4].clone(),
        28..=30 => Step::ListenerSays(bytes(u)?),
        31 => [Step::ListenerStdinClosed, Step::ListenerOutputClosed][n(u)? % 2].clone(),
        32 => Step::RemoteComm,
        33 | 34 => Step::ChildOutput(channel(u)?, bytes(u)?),
        _ => Step::ChildOutputClosed(channel(u)?),
    })
}

fn opts(u: &mut Unstructured) -> Result<ProcOpts> {
    Ok((
        u.int_in_range(0..=2)?,
        u.int_in_range(0..=2)?,
        u.int_in_range(0..=2)?,
        u.int_in_range(0..=3)?,
        u.arbitrary()?,
        u.arbitrary()?,
    ))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(opts) = (|| -> Result<[ProcOpts; 4]> {
        Ok([opts(&mut u)?, opts(&mut u)?, opts(&mut u)?, opts(&mut u)?])
    })() else {
        return;
    };
    let max_retry = match u.int_in_range(0..=4u32) {
        Ok(0) | Err(_) => None,
        Ok(r) => Some(r - 1),
    };
    let mut steps = Vec::new();
    while !u.is_empty() && steps.len() < MAX_STEPS {
        match step(&mut u) {
            Ok(s) => steps.push(s),
            Err(_) => break,
        }
    }
    if let Err(e) = run_trace(opts, max_retry, &steps) {
        panic!("core invariant broken: {e}");
    }
});
