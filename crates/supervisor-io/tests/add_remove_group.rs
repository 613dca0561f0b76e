//! `addProcessGroup` / `removeProcessGroup` through the Handle (reload's `update`).

use supervisor_core::{FaultCode, ProcessStateCode, Reply, Request};

use crate::daemon_harness::{config_text, load, start};

#[test]
fn added_groups_start_and_removed_groups_go() {
    let d = start("[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
    d.wait_state("a", ProcessStateCode::Running);
    let text = config_text(
        d.dir.path(),
        "",
        "[program:a]\ncommand=sleep 1000\n[program:b]\ncommand=/bin/sh -c 'echo b here; exec sleep 1000'\n\
         startsecs=0\nstdout_logfile={dir}/b.log\n",
    );
    let newer = load(d.dir.path(), &text);
    let b = newer
        .groups
        .iter()
        .find(|g| g.name == "b")
        .cloned()
        .expect("group b");

    assert_eq!(d.handle.add_group(b.clone()), Ok(Ok(Reply::Bool(true))));
    d.wait_state("b", ProcessStateCode::Running);
    crate::daemon_harness::wait_for("b's output", || {
        std::fs::read_to_string(d.path("b.log"))
            .ok()
            .filter(|t| t == "b here\n")
    });
    let again = d.handle.add_group(b).expect("alive").map_err(|f| f.code);
    assert_eq!(again, Err(FaultCode::AlreadyAdded));

    let running = d
        .handle
        .remove_group("b")
        .expect("alive")
        .map_err(|f| f.code);
    assert_eq!(running, Err(FaultCode::StillRunning));
    let stop = Request::Stop {
        name: "b".into(),
        wait: true,
    };
    assert_eq!(d.handle.request(stop), Ok(Ok(Reply::Bool(true))));
    assert_eq!(d.handle.remove_group("b"), Ok(Ok(Reply::Bool(true))));
    let gone = d
        .handle
        .process_info("b")
        .expect("alive")
        .map_err(|f| f.code);
    assert_eq!(gone.map(|i| i.name), Err(FaultCode::BadName));
    let groups = d
        .handle
        .query(|v| {
            v.config()
                .groups
                .iter()
                .map(|g| g.name.clone())
                .collect::<Vec<_>>()
        })
        .expect("alive");
    assert_eq!(groups, ["a"]);
}

#[test]
fn add_group_request_without_configs_is_refused() {
    let d = start("[program:a]\ncommand=sleep 1000\nautostart=false\n");
    let request = Request::AddGroup {
        group: supervisor_core::GroupSpec::program("x"),
    };
    let answer = d
        .handle
        .request(request)
        .expect("alive")
        .map_err(|f| f.code);
    assert_eq!(answer, Err(FaultCode::Failed));
}
