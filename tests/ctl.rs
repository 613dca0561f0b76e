//! supervisorctl's integration tests: our `supervisorctl` against a real supervisord
//! (Python's 4.3.0 from target/py, and ours where it serves), compared byte for byte with
//! recordings of Python's supervisorctl 4.3.0.
