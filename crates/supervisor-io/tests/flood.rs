//! A child that floods its stdout never stalls the loop: queries keep being answered
//! quickly and another child's output keeps reaching its log.

use std::time::{Duration, Instant};

use supervisor_core::ProcessStateCode;

use crate::daemon_harness::{start_with, wait_for};

#[test]
fn flooding_child_does_not_stall_the_loop() {
    let d = start_with(
        "loglevel=info",
        "[program:flood]\ncommand=yes flood\nstartsecs=0\nstdout_logfile={dir}/flood.log\n\
         stdout_logfile_maxbytes=1MB\nstdout_logfile_backups=1\n\
         [program:ticker]\ncommand=/bin/sh -c 'while :; do echo tick; sleep 0.05; done'\n\
         startsecs=0\nstdout_logfile={dir}/ticker.log\n",
    );
    d.wait_state("flood", ProcessStateCode::Running);
    wait_for("the flood to reach its log", || {
        std::fs::metadata(d.path("flood.log"))
            .ok()
            .filter(|m| m.len() > 100_000)
    });
    let ticks = |d: &crate::daemon_harness::Running| {
        std::fs::read_to_string(d.path("ticker.log"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let before = ticks(&d);
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let t = Instant::now();
        assert!(d.handle.state().is_ok());
        slowest = slowest.max(t.elapsed());
    }
    assert!(
        slowest < Duration::from_millis(500),
        "a query took {slowest:?}"
    );
    wait_for("the ticker to keep logging", || {
        (ticks(&d) >= before + 5).then_some(())
    });
}
