//! Every line of `fixtures/cases.txt` run by our supervisorctl, compared (stdout, stderr,
//! exit status, normalised) with Python supervisorctl 4.3.0's recording.

use super::harness::{CTL, Daemon, expected_cases, python_bin, render, run_cases};
use std::path::Path;

/// Run the cases against `supervisord` and report every mismatch at once.
fn compare_with_recording(supervisord: &Path) {
    let daemon = Daemon::start(supervisord);
    let got: Vec<String> = run_cases(&daemon, Path::new(CTL))
        .iter()
        .map(render)
        .collect();
    let want = expected_cases();
    let mut report = String::new();
    for (i, w) in want.iter().enumerate() {
        match got.get(i) {
            Some(g) if g == w => {}
            Some(g) => report.push_str(&format!("--- expected\n{w}+++ got\n{g}\n")),
            None => report.push_str(&format!("--- expected\n{w}+++ got nothing\n")),
        }
    }
    assert_eq!(got.len(), want.len(), "case count\n{report}");
    assert!(
        report.is_empty(),
        "differences from Python 4.3.0:\n{report}"
    );
}

#[test]
fn recorded_cases_against_python_supervisord() {
    let Some(py) = python_bin() else { return };
    compare_with_recording(&py.join("supervisord"));
}

#[test]
fn recorded_cases_against_our_supervisord() {
    compare_with_recording(Path::new(super::harness::SUPERVISORD));
}
