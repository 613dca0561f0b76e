//! eventproto: being written.
