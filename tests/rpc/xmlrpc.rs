//! `xmlrpc.client` over TCP and `supervisor.xmlrpc.SupervisorTransport` over the unix socket:
//! every method of spec §3.5/§3.8 with good and bad arguments (`xmlrpc_diff.py`).

use super::configs;
use super::daemon::pyenv;
use super::diff::differential;

fn scenario(name: &str) {
    let Some(venv) = pyenv() else { return };
    differential(&venv, configs::standard, "xmlrpc_diff.py", name);
}

#[test]
#[ignore = "waiting for our server: system.listMethods, methodHelp, methodSignature"]
fn introspection_and_unknown_methods() {
    scenario("introspection");
}

#[test]
#[ignore = "waiting for our server: getAPIVersion, getSupervisorVersion, getIdentification, getState, getPID"]
fn identity_and_state() {
    scenario("identity");
}

#[test]
#[ignore = "waiting for our server: getProcessInfo, getAllProcessInfo, getAllConfigInfo"]
fn process_and_config_info() {
    scenario("info");
}

#[test]
#[ignore = "waiting for our server: startProcess, stopProcess and their group/all variants"]
fn start_and_stop() {
    scenario("start_stop");
}

#[test]
#[ignore = "waiting for our server: signalProcess, signalProcessGroup, signalAllProcesses"]
fn signals() {
    scenario("signals");
}

#[test]
#[ignore = "waiting for our server: readLog, read/tail/clear process logs, clearLog"]
fn logs() {
    scenario("logs");
}

#[test]
#[ignore = "waiting for our server: sendProcessStdin"]
fn send_stdin() {
    scenario("stdin");
}

#[test]
#[ignore = "waiting for our server: system.multicall"]
fn multicall() {
    scenario("multicall");
}

#[test]
#[ignore = "waiting for our server: reloadConfig, addProcessGroup, removeProcessGroup"]
fn reload_add_remove() {
    scenario("reload");
}

#[test]
#[ignore = "waiting for our server: restart, shutdown"]
fn restart_then_shutdown() {
    scenario("lifecycle");
}

#[test]
#[ignore = "waiting for our server: HTTP layer (400/411/404, value types, keep-alive)"]
fn http_layer() {
    scenario("http");
}
