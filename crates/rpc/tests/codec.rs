//! The rpc crate's behaviour from the outside: HTTP parsing edge cases, methodCall
//! decoding as 4.3 does it, call validation, and response bodies compared with the
//! bytes Python supervisor 4.3.0 sends.

mod calls;
mod http_parser;
mod snapshots;
mod xml_decode;
