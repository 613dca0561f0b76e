//! `xmlrpc.client` over TCP and `supervisor.xmlrpc.SupervisorTransport` over the unix socket:
//! every method of spec §3.5/§3.8 with good and bad arguments (`xmlrpc_diff.py`).

use super::configs;
use super::daemon::pyenv;
use super::diff::{compare, differential, run_both};

fn scenario(name: &str) {
    let Some(venv) = pyenv() else { return };
    differential(&venv, configs::standard, "xmlrpc_diff.py", name, &[]);
}

#[test]
fn introspection_and_unknown_methods() {
    scenario("introspection");
}

#[test]
fn identity_and_state() {
    scenario("identity");
}

#[test]
fn process_and_config_info() {
    scenario("info");
}

#[test]
fn start_and_stop() {
    scenario("start_stop");
}

#[test]
fn signals() {
    scenario("signals");
}

#[test]
fn logs() {
    scenario("logs");
}

#[test]
fn send_stdin() {
    scenario("stdin");
}

#[test]
fn multicall() {
    scenario("multicall");
}

#[test]
fn multicall_with_deferred_items() {
    scenario("multicall_deferred");
}

#[test]
fn reload_add_remove() {
    scenario("reload");
}

/// After `shutdown` both daemons exit 0 and remove their unix socket and pidfile (spec
/// §11.20).
#[test]
fn restart_then_shutdown() {
    let Some(venv) = pyenv() else { return };
    let (python, ours) = run_both(
        &venv,
        configs::standard,
        "xmlrpc_diff.py",
        "lifecycle",
        &[],
        |daemon| {
            let code = daemon.wait_exit();
            let which = daemon.which.name();
            assert_eq!(
                code,
                Some(0),
                "{which} supervisord's exit status after shutdown"
            );
            assert!(
                !daemon.site.sock.exists(),
                "{which} left its unix socket behind"
            );
            assert!(
                !daemon.site.dir.join("supervisord.pid").exists(),
                "{which} left its pidfile behind"
            );
        },
    );
    compare("xmlrpc_diff.py", "lifecycle", &python, &ours);
}

#[test]
fn http_layer() {
    scenario("http");
}
