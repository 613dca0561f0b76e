//! Request size limits, refused bodies and slow clients.

use super::{PASSWORD, Raw, Target, USER, answer_200, basic, daemon_with_auth, status_of};
use crate::hardening::client;
use crate::hardening::support::rss_kib;
use crate::util::tempdir;

/// Send `request` on a fresh connection to `target`; the status the daemon answered
/// before closing the connection.
fn refused_with(target: &Target, request: &[u8]) -> u16 {
    let mut raw = Raw::open(target);
    raw.send(request);
    let answer = raw.read_to_close();
    status_of(&answer)
}

/// Request size limits (`rpc::Limits`: 64 KiB of request line and headers, 4 MiB of
/// body) hold for every client, before authentication: over them is 413, a framing
/// the daemon does not take (chunked bodies, conflicting or negative lengths) 400,
/// and the connection closes. The body of a request with wrong credentials is
/// dropped as it arrives, never held. A client trickling its head byte by byte holds only its own
/// connection. After each, other clients are served.
#[test]
fn request_size_limits_answer_and_the_daemon_keeps_serving() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let good = basic(&format!("{USER}:{PASSWORD}"));
    let sock = unix.unix_path();
    let serving = || {
        let mut c = client::unix(sock);
        c.send(&client::rpc_request("supervisor.getPID", &[], &good));
        let r = c.response();
        assert_eq!(r.status, 200, "{}", r.head);
        assert!(
            r.text()
                .contains(&format!("<int>{}</int>", daemon.child.id())),
            "{}",
            r.text()
        );
    };
    let big = "a".repeat(70 * 1024);
    let many: String = (0..20_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let some: String = (0..1_000).map(|i| format!("X-H{i}: v\r\n")).collect();
    let post = |headers: &str| {
        format!("POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n{good}{headers}\r\n").into_bytes()
    };
    // (what, request, status)
    let mut cases: Vec<(String, Vec<u8>, u16)> = [
        (
            "a 70 KiB header",
            format!("GET / HTTP/1.1\r\n{good}X-Big: {big}\r\n\r\n"),
        ),
        (
            "a 70 KiB head that never ends",
            format!("GET / HTTP/1.1\r\n{good}X-Big: {big}"),
        ),
        (
            "20000 headers",
            format!("GET / HTTP/1.1\r\n{good}{many}\r\n"),
        ),
        (
            "a 70 KiB request line",
            format!("GET /{big} HTTP/1.1\r\n\r\n"),
        ),
    ]
    .into_iter()
    .map(|(what, head)| (what.to_owned(), head.into_bytes(), 413))
    .collect();
    for (what, length, status) in [
        ("of 1 TB", "1000000000000".to_owned(), 413),
        (
            "over 64 bits",
            "123456789012345678901234567890".to_owned(),
            413,
        ),
        ("one over 4 MiB", (4 * 1024 * 1024 + 1).to_string(), 413),
        ("negative", "-1".to_owned(), 400),
    ] {
        let request = post(&format!("Content-Length: {length}\r\n"));
        cases.push((format!("Content-Length {what}"), request, status));
    }
    let chunked = [
        post("Transfer-Encoding: chunked\r\n"),
        b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
    ];
    cases.push(("a chunked body".to_owned(), chunked.concat(), 400));
    let two_lengths = post("Content-Length: 5\r\nContent-Length: 6\r\n");
    cases.push(("two different Content-Lengths".to_owned(), two_lengths, 400));
    for target in [&unix, &tcp] {
        for (what, request, status) in &cases {
            assert_eq!(refused_with(target, request), *status, "{target:?}: {what}");
            serving();
        }
    }
    // Bodies sent with no or wrong credentials are dropped as they arrive, never
    // kept: eight clients each send all but the last byte of a 4 MiB body (the
    // unix socket takes a write only once the daemon has read most of it), the
    // daemon's memory does not grow by their 32 MiB; the last byte brings each its
    // 401, after the whole body as 4.3 answers it.
    let body = vec![b' '; 4 * 1024 * 1024];
    let rss_before = rss_kib(daemon.child.id());
    let mut pending = Vec::new();
    for i in 0..8 {
        let auth = if i % 2 == 0 {
            String::new()
        } else {
            basic(&format!("{USER}:nope"))
        };
        let mut raw = Raw::open(&unix);
        let head = format!(
            "POST /RPC2 HTTP/1.1\r\n{auth}Content-Length: {}\r\n\r\n",
            body.len()
        );
        assert!(
            raw.send(head.as_bytes()) && raw.send(&body[1..]),
            "client {i}"
        );
        pending.push(raw);
    }
    let grown = rss_kib(daemon.child.id()).saturating_sub(rss_before);
    assert!(
        grown < 12 * 1024,
        "the daemon grew by {grown} KiB while refused bodies came in"
    );
    for mut raw in pending {
        assert!(raw.send(b" "));
        assert_eq!(status_of(&raw.read_to_close()), 401);
    }
    serving();
    // Many headers within 64 KiB are fine: the limit is on bytes, not on a count.
    let mut raw = Raw::open(&unix);
    raw.send(format!("GET /ok.html HTTP/1.1\r\n{good}{some}Connection: close\r\n\r\n").as_bytes());
    assert_eq!(status_of(&raw.read_to_close()), 200);
    // A slow client (one byte of its head at a time) holds only its own connection:
    // between its bytes every other client is answered, and once its head is
    // complete it is answered too. Nothing bounds how long it may take (as 4.3,
    // whose 30-minute zombie sweep only runs on every 500th connection).
    let head =
        format!("GET /ok.html HTTP/1.1\r\nHost: localhost\r\n{good}Connection: close\r\n\r\n");
    let mut slow = Raw::open(&tcp);
    for byte in head.as_bytes() {
        assert!(slow.send(&[*byte]), "the slow client was dropped");
        serving();
    }
    let answer = slow.read_to_close();
    assert!(answer_200(&answer).ends_with("OK"));
}
