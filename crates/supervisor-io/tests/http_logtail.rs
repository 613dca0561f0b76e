//! `/logtail` and `/mainlogtail`: the last 1024 bytes, then what is appended,
//! following a rotation; each stream logged at INFO when it starts and ends.

use std::io::Write;

use crate::http_harness::serve;

#[test]
fn logtail_follows_appends_and_rotation() {
    let d = serve("[program:w]\ncommand=sleep 1000\nstdout_logfile={dir}/w.log\nstartsecs=0\n");
    let log = d.path("w.log");
    crate::http_harness::wait_for("w.log", || log.exists().then_some(()));
    std::fs::write(&log, format!("{}TAIL\n", "x".repeat(3000))).expect("write");
    let mut c = d.unix();
    c.send(b"GET /logtail/w HTTP/1.1\r\n\r\n");
    let r = c.response();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Transfer-Encoding").as_deref(), Some("chunked"));
    assert_eq!(r.header("X-Accel-Buffering").as_deref(), Some("no"));
    assert_eq!(
        r.header("Content-Type").as_deref(),
        Some("text/plain;charset=utf-8")
    );
    let first = c.chunk();
    assert_eq!(first.len(), 1024);
    assert!(first.ends_with(b"TAIL\n"));
    d.wait_log("INFO logtail of w stdout for unix:");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("open");
    f.write_all(b"more\n").expect("append");
    assert_eq!(c.chunk(), b"more\n");
    // Rotation: the path now names a new file.
    std::fs::rename(&log, d.path("w.log.1")).expect("rotate");
    std::fs::write(&log, b"fresh\n").expect("new file");
    assert_eq!(c.chunk(), b"fresh\n");
    drop(c);
    d.wait_log("stdout for unix:");
    d.wait_log("ended");
}

#[test]
fn logtail_of_unknown_names_is_404_and_mainlogtail_streams() {
    let d = serve("[program:w]\ncommand=sleep 1000\nstartsecs=0\n");
    for path in ["/logtail/nope", "/logtail/w/bogus", "/logtail/w/stderr/x"] {
        let mut c = d.tcp();
        c.send(format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
        assert_eq!(c.response().status, 404, "{path}");
    }
    let mut c = d.tcp();
    c.send(b"POST /logtail/w HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(c.response().status, 400);
    let mut c = d.tcp();
    c.send(b"GET /mainlogtail HTTP/1.1\r\n\r\n");
    let r = c.response();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("X-Accel-Buffering"), None);
    let text = String::from_utf8_lossy(&c.chunk()).into_owned();
    assert!(
        text.contains("RPC interface 'supervisor' initialized"),
        "{text}"
    );
}
