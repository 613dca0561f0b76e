//! Bytes from a client, as our server reads them: the incremental HTTP parser fed in two
//! pieces (the split point comes from the input), every complete request routed and checked
//! against credentials, and an `/RPC2` body decoded down to a typed call. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpc::{Credentials, Namespaces, RequestParser, Route};

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else {
        return;
    };
    let cut = (split as usize * bytes.len()) / 256;
    let mut parser = RequestParser::new(rpc::Limits::default());
    let creds = Credentials {
        username: "user".into(),
        password: "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3".into(),
    };
    for piece in [&bytes[..cut], &bytes[cut..]] {
        parser.feed(piece);
        loop {
            match parser.next_request() {
                Ok(Some(request)) => {
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
                Ok(None) => break,
                Err(e) => {
                    let _ = e.status();
                    return;
                }
            }
        }
    }
});
