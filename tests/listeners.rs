//! Real event listeners under the real binary: superlance's crashmail, memmon, httpok and
//! fatalmailbatch unmodified, a `supervisor.childutils` recorder (FAIL, garbage, death
//! mid-event, shutdown, max_retry, and a differential run against supervisord 4.3.0),
//! and the example monitor. Each test has its own temp dir and waits on files or log
//! lines with a deadline. Tests needing the Python venv (`target/py`, with supervisor
//! 4.3.0 and superlance) are skipped with a message when it is missing.

mod behaviour;
mod differential;
mod superlance;
mod support;
mod wiring;
