//! `sendProcessStdin`: bytes reach the child, more than a pipe holds included; the
//! faults of 4.3 for unknown, stopped and stdin-less processes.

use supervisor_core::{FaultCode, ProcessStateCode, Reply, Request};

use crate::daemon_harness::{start, wait_for};

#[test]
fn bytes_reach_the_child_in_order() {
    let d = start(
        "[program:cat]\ncommand=cat\nstartsecs=0\nstdout_logfile={dir}/cat.log\n\
         stdout_logfile_maxbytes=0\n",
    );
    d.wait_state("cat", ProcessStateCode::Running);
    assert_eq!(d.handle.send_stdin("cat", "hello\n"), Ok(Ok(())));
    // 1 MiB: far more than the pipe holds, written as it drains.
    let big: Vec<u8> = (0..1 << 20).map(|i: u32| b'a' + (i % 26) as u8).collect();
    assert_eq!(d.handle.send_stdin("cat", big.clone()), Ok(Ok(())));
    let path = d.path("cat.log");
    let expected_len = 6 + big.len() as u64;
    wait_for("everything echoed", || {
        std::fs::metadata(&path)
            .ok()
            .filter(|m| m.len() == expected_len)
    });
    let text = std::fs::read(&path).expect("log");
    assert_eq!(&text[..6], b"hello\n");
    assert!(text[6..] == big[..]);
}

#[test]
fn faults_like_supervisord() {
    let d = start(
        "[program:idle]\ncommand=cat\nautostart=false\n\
         [fcgi-program:f]\ncommand=sleep 1000\nsocket=unix://{dir}/f.sock\nstartsecs=0\n",
    );
    let code = |name: &str| {
        d.handle
            .send_stdin(name, "x")
            .expect("alive")
            .map_err(|f| f.code)
    };
    assert_eq!(code("nobody"), Err(FaultCode::BadName));
    assert_eq!(code("idle"), Err(FaultCode::NotRunning));
    d.wait_state("f", ProcessStateCode::Running);
    assert_eq!(code("f"), Err(FaultCode::NoFile));
    let stop = Request::Stop {
        name: "f".into(),
        wait: true,
    };
    assert_eq!(d.handle.request(stop), Ok(Ok(Reply::Bool(true))));
    assert_eq!(code("f"), Err(FaultCode::NotRunning));
}
