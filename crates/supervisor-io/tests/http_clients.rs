//! The loop serves everybody: a client sending one byte at a time, a deferred
//! `startProcess(wait=True)`, pipelined requests, keep-alive rules, size limits.

use std::time::{Duration, Instant};

use crate::http_harness::{rpc_request, s, serve};

#[test]
fn a_slow_client_does_not_block_another() {
    let d = serve("");
    let mut slow = d.unix();
    let request = rpc_request("supervisor.getPID", &[], "");
    let (first, rest) = request.split_at(request.len() / 2);
    for b in first {
        slow.send(std::slice::from_ref(b));
    }
    // Meanwhile another client on the other server is answered at once.
    let mut fast = d.tcp();
    for _ in 0..20 {
        assert_eq!(fast.call("supervisor.getState", &[]).status, 200);
    }
    for b in rest {
        slow.send(std::slice::from_ref(b));
    }
    let r = slow.response();
    assert!(
        r.text()
            .contains(&format!("<int>{}</int>", std::process::id()))
    );
}

#[test]
fn a_deferred_start_waits_while_others_are_served() {
    let d = serve("[program:slow]\ncommand=sleep 1000\nautostart=false\nstartsecs=2\n");
    let mut waiter = d.unix();
    let started = Instant::now();
    waiter.send(&rpc_request(
        "supervisor.startProcess",
        &[&s("slow"), "<boolean>1</boolean>"],
        "",
    ));
    let mut other = d.tcp();
    let body = crate::http_harness::wait_for("slow to be STARTING", || {
        let body = other.call_text("supervisor.getProcessInfo", &[&s("slow")]);
        body.contains("<string>STARTING</string>").then_some(body)
    });
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered while the start waits: {body}"
    );
    let r = waiter.response();
    assert!(r.text().contains("<boolean>1</boolean>"), "{}", r.text());
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "answered only once RUNNING"
    );
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let d = serve("[program:p]\ncommand=sleep 1000\nautostart=false\nstartsecs=1\n");
    let mut c = d.tcp();
    let mut all = Vec::new();
    all.extend(rpc_request("supervisor.startProcess", &[&s("p")], ""));
    all.extend(rpc_request("supervisor.getProcessInfo", &[&s("p")], ""));
    all.extend(rpc_request("supervisor.getIdentification", &[], ""));
    c.send(&all);
    assert!(c.response().text().contains("<boolean>1</boolean>"));
    // Run after the deferred start finished: RUNNING, not STARTING.
    assert!(c.response().text().contains("<string>RUNNING</string>"));
    assert!(c.response().text().contains("httptest"));
}

#[test]
fn keep_alive_rules_of_http_1_0_and_1_1() {
    let d = serve("");
    let body = "<methodCall><methodName>supervisor.getPID</methodName></methodCall>";
    let req = |version: &str, connection: &str| {
        format!(
            "POST /RPC2 HTTP/{version}\r\n{connection}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let mut c = d.unix();
    c.send(&req("1.0", ""));
    let r = c.response();
    // 4.3 closes without saying so (medusa adds the header after sending the head).
    assert_eq!(r.header("Connection"), None);
    assert!(
        r.head
            .starts_with("HTTP/1.0 200 OK\r\nServer: Medusa/1.12\r\nDate: "),
        "{}",
        r.head
    );
    assert!(c.closed());
    let mut c = d.unix();
    c.send(&req("1.0", "Connection: keep-alive\r\n"));
    assert_eq!(
        c.response().header("Connection").as_deref(),
        Some("Keep-Alive")
    );
    c.send(&req("1.1", ""));
    let r = c.response();
    assert_eq!(r.header("Connection"), None);
    c.send(&req("1.1", "Connection: close\r\n"));
    assert_eq!(c.response().header("Connection"), None);
    assert!(c.closed());
}

#[test]
fn oversize_and_malformed_requests() {
    let d = serve("");
    let mut c = d.unix();
    c.send(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n");
    assert_eq!(c.response().status, 413);
    assert!(c.closed());
    let mut c = d.tcp();
    let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(70 * 1024));
    c.send(huge.as_bytes());
    assert_eq!(c.response().status, 413);
    let mut c = d.tcp();
    c.send(b"garbage\r\n\r\n");
    assert_eq!(c.response().status, 400);
    assert!(c.closed());
}
