//! Python's `supervisorctl` 4.3.0 against both daemons (`ctl_diff.py`), and HTTP Basic auth
//! on every path plus the unix socket's mode (`auth_diff.py`).

use super::configs;
use super::daemon::pyenv;
use super::diff::differential;

#[test]
fn supervisorctl_commands() {
    let Some(venv) = pyenv() else { return };
    differential(&venv, configs::standard, "ctl_diff.py", "commands", &[]);
}

#[test]
fn auth_on_every_path_and_socket_mode() {
    let Some(venv) = pyenv() else { return };
    differential(
        &venv,
        configs::with_auth,
        "auth_diff.py",
        "auth",
        &["--user", configs::USER, "--password", configs::PASSWORD],
    );
}
