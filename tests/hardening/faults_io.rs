//! See `tests/hardening.rs`.
