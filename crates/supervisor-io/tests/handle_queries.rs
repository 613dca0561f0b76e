//! `Handle::query`: any read-only look from another thread; a panicking query does not
//! stop the daemon.

use supervisor_core::{ProcessStateCode, SupervisorStateCode};
use supervisor_io::Disconnected;

use crate::daemon_harness::start;

#[test]
fn queries_see_the_state_and_survive_a_panic() {
    let d = start("[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
    d.wait_state("a", ProcessStateCode::Running);
    let names = d
        .handle
        .query(|v| {
            v.core()
                .processes()
                .map(|(_, g, p)| format!("{g}:{p}"))
                .collect::<Vec<_>>()
        })
        .expect("alive");
    assert_eq!(names, ["a:a"]);
    let main_log = d
        .handle
        .query(|v| v.main_log_path().map(|p| p.to_path_buf()));
    assert_eq!(main_log, Ok(Some(d.path("main.log"))));

    let panicked: Result<(), Disconnected> = d.handle.query(|_| panic!("a buggy query"));
    assert_eq!(panicked, Err(Disconnected));
    assert_eq!(d.handle.state(), Ok(SupervisorStateCode::Running));
    assert_eq!(d.info("a").state, ProcessStateCode::Running);
    d.wait_log("ERRO a Handle::query closure panicked");
}
