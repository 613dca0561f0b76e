//! The incremental request parser: byte-at-a-time feeding, pipelining, limits,
//! malformed input.

use proptest::prelude::*;
use rpc::{HttpError, Limits, RequestParser, Version};

fn request(body: &str) -> Vec<u8> {
    format!(
        "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn one_byte_at_a_time() {
    let bytes = request("<methodCall/>");
    let mut p = RequestParser::new(Limits::default());
    for (i, b) in bytes.iter().enumerate() {
        assert_eq!(p.next_request(), Ok(None), "complete too early at byte {i}");
        p.feed(std::slice::from_ref(b));
    }
    let r = p.next_request().expect("parses").expect("complete");
    assert_eq!(r.method, "POST");
    assert_eq!(r.uri, "/RPC2");
    assert_eq!(r.version, Version::Http11);
    assert_eq!(r.header("host"), Some("localhost"));
    assert_eq!(r.body, b"<methodCall/>");
    assert_eq!(p.next_request(), Ok(None));
}

#[test]
fn pipelined_requests_come_out_in_order() {
    let mut all = request("one");
    all.extend(b"GET /ok.html HTTP/1.0\r\n\r\n");
    all.extend(request("three"));
    let mut p = RequestParser::new(Limits::default());
    p.feed(&all);
    assert_eq!(p.next_request().expect("ok").expect("1").body, b"one");
    let second = p.next_request().expect("ok").expect("2");
    assert_eq!(
        (
            second.method.as_str(),
            second.version,
            second.content_length
        ),
        ("GET", Version::Http10, None)
    );
    assert_eq!(p.next_request().expect("ok").expect("3").body, b"three");
    assert_eq!(p.next_request(), Ok(None));
    assert_eq!(p.buffered(), 0);
}

#[test]
fn keep_alive_rules() {
    let parse = |text: &str| {
        let mut p = RequestParser::new(Limits::default());
        p.feed(text.as_bytes());
        p.next_request().expect("ok").expect("complete")
    };
    assert!(parse("GET / HTTP/1.1\r\n\r\n").keep_alive());
    assert!(!parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive());
    assert!(!parse("GET / HTTP/1.0\r\n\r\n").keep_alive());
    assert!(parse("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n").keep_alive());
    assert!(
        parse("GET / HTTP/1.1\n\n").keep_alive(),
        "bare LF line ends are accepted"
    );
}

#[test]
fn limits_are_413() {
    let limits = Limits {
        max_head: 100,
        max_body: 10,
    };
    let mut p = RequestParser::new(limits);
    p.feed(&request("0123456789a"));
    assert_eq!(p.next_request(), Err(HttpError::TooLarge));
    let mut p = RequestParser::new(limits);
    p.feed(format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(200)).as_bytes());
    assert_eq!(
        p.next_request(),
        Err(HttpError::TooLarge),
        "without waiting for the end of the head"
    );
    let mut p = RequestParser::new(Limits::default());
    p.feed(b"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n");
    assert_eq!(p.next_request().map_err(|e| e.status()), Err(413));
}

#[test]
fn malformed_is_400() {
    for bad in [
        "garbage\r\n\r\n",
        "GET / HTTP/2.0\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET nope HTTP/1.1\r\n\r\n",
        "G=T / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
    ] {
        let mut p = RequestParser::new(Limits::default());
        p.feed(bad.as_bytes());
        assert_eq!(
            p.next_request().map_err(|e| e.status()),
            Err(400),
            "{bad:?}"
        );
    }
}

proptest! {
    /// However the bytes of two pipelined requests are split, the same two come out.
    #[test]
    fn any_split_gives_the_same_requests(cuts in proptest::collection::vec(0usize..200, 0..8), body in "[a-z<>/]{0,40}") {
        let mut all = request(&body);
        all.extend(request("second"));
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (all.len() + 1)).collect();
        cuts.sort_unstable();
        let mut p = RequestParser::new(Limits::default());
        let mut got = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([all.len()]) {
            p.feed(&all[start..cut]);
            start = cut;
            while let Some(r) = p.next_request().expect("valid") {
                got.push(r.body);
            }
        }
        prop_assert_eq!(got, vec![body.into_bytes(), b"second".to_vec()]);
    }
}

proptest! {
    /// Arbitrary bytes never panic the parser, whatever the chunking.
    #[test]
    fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
        let mut p = RequestParser::new(Limits { max_head: 256, max_body: 256 });
        for chunk in chunks {
            p.feed(&chunk);
            while let Ok(Some(_)) = p.next_request() {}
        }
    }
}
