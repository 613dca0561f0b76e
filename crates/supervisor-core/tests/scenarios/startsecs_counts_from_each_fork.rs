//! startsecs counts from each process's own fork (its `Spawned` answer), not from the step
//! that decided the spawns: a driver forking 200 children in one step takes a noticeable
//! time, and 4.3 reads the clock in every spawn(). Found by the bench: with one `now` per
//! step, a child forked 120 ms late was declared RUNNING after only 0.88 s of a 1 s startsecs.

use crate::sim::*;
use supervisor_core::ProcessStateCode as S;

#[test]
fn running_only_startsecs_after_the_late_fork() {
    let mut sim = Sim::with_setup(
        vec![
            prog("a", |p| p.startsecs = secs(1)),
            prog("b", |p| p.startsecs = secs(1)),
        ],
        |sim| sim.hold_spawns = true,
    );
    // The forks are slow: their answers come 300 ms after the spawn decision.
    sim.advance(ms(300));
    sim.release_spawns();
    sim.advance(secs(1));
    assert_eq!(
        sim.state("a"),
        S::Starting,
        "up exactly startsecs since its fork"
    );
    assert_eq!(sim.state("b"), S::Starting);
    sim.advance(ms(1));
    assert_eq!(sim.state("a"), S::Running);
    assert_eq!(sim.state("b"), S::Running);
}
