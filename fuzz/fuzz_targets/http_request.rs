//! Bytes from a client, as our server reads them: the incremental HTTP parser fed in
//! pieces (the first byte picks them: below 128, two pieces cut at a fraction of the input;
//! from 128, chunks of `byte - 127` bytes), every complete request routed and checked
//! against credentials, and an `/RPC2` body decoded down to a typed call. As the daemon
//! does, a head whose body is still coming and whose credentials are refused gets its
//! body discarded (`discard_body`): that request must still come out, with an empty body.
//! Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpc::{AuthVerdict, Credentials, Namespaces, RequestParser, Route};

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else {
        return;
    };
    let pieces: Vec<&[u8]> = if split < 128 {
        let cut = (usize::from(split) * 2 * bytes.len()) / 256;
        vec![&bytes[..cut], &bytes[cut..]]
    } else {
        bytes.chunks(usize::from(split) - 127).collect()
    };
    let mut parser = RequestParser::new(rpc::Limits::default());
    let creds = Credentials {
        username: "user".into(),
        password: "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3".into(),
    };
    let mut discarded = false;
    for piece in pieces {
        parser.feed(piece);
        loop {
            match parser.next_request() {
                Ok(Some(request)) => {
                    assert!(!parser.discarding(), "still discarding after the request");
                    if std::mem::take(&mut discarded) {
                        assert!(request.body.is_empty(), "a discarded body came out");
                    }
                    let _ = request.keep_alive();
                    let _ = request.path();
                    let _ = rpc::auth::check(&request, Some(&creds));
                    if rpc::route(&request) == Route::Rpc {
                        if let Ok(call) = rpc::parse_method_call(&request.body) {
                            let ns = Namespaces { supervisor: true };
                            let method = call.method.as_deref().unwrap_or("");
                            let params = call.params.as_deref().unwrap_or(&[]);
                            let _ = rpc::parse_call(ns, method, params);
                        }
                    }
                }
                Ok(None) => {
                    let refused = !parser.discarding()
                        && parser.pending_head().is_some_and(|head| {
                            rpc::auth::check(head, Some(&creds)) != AuthVerdict::Allowed
                        });
                    if refused {
                        parser.discard_body();
                        assert!(parser.discarding());
                        discarded = true;
                    }
                    break;
                }
                Err(e) => {
                    let _ = e.status();
                    return;
                }
            }
        }
    }
});
