//! TICK_5/60/3600 fire when the wall clock enters a new multiple of the period (4.3
//! `supervisord.tick`), from deadlines — no polling: `poll_timeout` is the next boundary
//! of a subscribed period, and without a TICK subscriber there is no tick wakeup at all.
//! The Sim's wall clock starts at epoch 1795867440, a multiple of 60.

use crate::sim::*;
use std::time::UNIX_EPOCH;

fn wall_secs(sim: &Sim) -> u64 {
    sim.clock()
        .wall
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[test]
fn ticks_at_boundaries_with_the_start_of_the_slice() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["TICK_5", "TICK_60"]))],
    );
    sim.auto_listeners.insert("listen".into(), b"OK".to_vec());
    sim.say("listen", b"READY\n");
    let start = wall_secs(&sim);
    assert_eq!(start % 60, 0, "the Sim starts on a minute boundary");
    // the first look only took the baseline: nothing at start
    assert!(sim.delivered("listen").is_empty());
    sim.advance(secs(2)); // RUNNING; nothing else is due but the tick
    let due = sim.core.poll_timeout().expect("tick deadline");
    assert_eq!(
        due - sim.now,
        secs(3),
        "the next multiple of 5 s of the wall clock"
    );
    sim.advance(secs(59));
    let got = sim.delivered("listen");
    let names: Vec<&str> = got.iter().map(|(h, _)| h.event.name()).collect();
    assert_eq!(names.iter().filter(|n| **n == "TICK_5").count(), 12);
    assert_eq!(names.iter().filter(|n| **n == "TICK_60").count(), 1);
    assert_eq!(got[0].1, format!("when:{}", start + 5));
    let tick60 = got
        .iter()
        .find(|(h, _)| h.event.name() == "TICK_60")
        .expect("TICK_60");
    assert_eq!(tick60.1, format!("when:{}", start + 60));
    // at the minute, TICK_5 comes before TICK_60 (4.3's order)
    let i5 = got
        .iter()
        .position(|(_, p)| *p == format!("when:{}", start + 60))
        .expect("tick");
    assert_eq!(got[i5].0.event.name(), "TICK_5");
}

#[test]
fn no_subscriber_no_tick_wakeups() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["PROCESS_STATE"]))],
    );
    sim.advance(secs(2));
    assert_eq!(sim.core.poll_timeout(), None, "idle: no deadline");
}

#[test]
fn a_missed_boundary_gives_one_tick_for_the_current_slice() {
    let mut sim = sim_with_pools(
        vec![pool_group("listen", &["listen"])],
        vec![("listen", pool_spec(&["TICK_60"]))],
    );
    sim.say("listen", b"READY\n");
    sim.advance(secs(2));
    // the driver was late by 3 minutes (suspend): one TICK_60, for the current minute
    sim.now += secs(180);
    let start = wall_secs(&sim) - 182;
    sim.input(supervisor_core::Input::Timeout);
    let got = sim.delivered("listen");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, format!("when:{}", start + 180));
}
