//! ctl: being written.
