//! rpc: being written.
