//! 4.3's main loop spawns every due process in one pass and promotes STARTING ones on the
//! next: with startsecs=0 the main log shows every `spawned:` line of a boot before the
//! first `success:` line, even though each fork takes a moment (the driver feeds each
//! `Spawned` with a fresh clock).

use crate::sim::*;
use supervisor_core::{Input, ProcessStateCode};

#[test]
fn every_spawned_line_of_a_pass_comes_before_any_success_line() {
    let instant = |name: &str| prog(name, |p| p.startsecs = std::time::Duration::ZERO);
    let mut sim = Sim::with_setup(vec![instant("a"), instant("b"), instant("c")], |s| {
        s.hold_spawns = true
    });
    for (process, pid) in std::mem::take(&mut sim.held) {
        sim.now += ms(1); // each fork takes a while
        sim.live.insert(pid, process);
        sim.input(Input::Spawned { process, pid });
    }
    sim.advance(ms(1));
    let lines: Vec<&str> = sim
        .messages()
        .into_iter()
        .filter(|m| m.starts_with("spawned:") || m.starts_with("success:"))
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| &l[..8]).collect();
    assert_eq!(
        kinds,
        [
            "spawned:", "spawned:", "spawned:", "success:", "success:", "success:"
        ],
        "{}",
        sim.trace_text()
    );
    for name in ["a", "b", "c"] {
        assert_eq!(sim.state(name), ProcessStateCode::Running);
    }
}
