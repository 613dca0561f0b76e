//! An `/RPC2` body: 4.3's methodCall unmarshalling, then call validation (including every
//! `system.multicall` item), then the encoder on every value that came in — the reply
//! path must accept whatever the parser produced. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rpc::{Namespaces, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(call) = rpc::parse_method_call(data) else {
        return;
    };
    let ns = Namespaces { supervisor: true };
    let method = call.method.as_deref().unwrap_or("");
    let params = call.params.as_deref().unwrap_or(&[]);
    let _ = rpc::parse_call(ns, method, params);
    for param in params {
        if let Value::Array(items) = param {
            for item in items {
                let _ = rpc::multicall_item(ns, item);
            }
        }
        let _ = rpc::encode_response(param);
    }
    let _ = rpc::encode_fault(2, method);
});
