//! Integration tests for `logrotate`: one binary, one module per behaviour family.
//! Every test works in its own temporary directory and never sleeps.

mod errors;
mod reopen_and_clear;
mod rotation;
mod special_targets;
mod stream_property;
mod util;
