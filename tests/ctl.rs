//! supervisorctl's integration tests: our `supervisorctl` against a real supervisord
//! (Python's 4.3.0 from target/py, and ours), compared byte for byte with recordings of
//! Python's supervisorctl 4.3.0 (`tests/ctl/record.py` → `tests/ctl/fixtures/expected.txt`).

mod harness;
mod oneshot;
mod shell;
