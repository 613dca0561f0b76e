//! What the child sees: umask, directory, environment (supervisord's under the
//! program's), SUPERVISOR_* variables, and the user when the tests run as root.

use supervisor_core::ProcessStateCode;

use crate::daemon_harness::{start, start_with};

#[test]
fn umask_directory_and_environment() {
    let d = start_with(
        "environment=BASE=\"from supervisord\",FOO=\"base\"\n\
         [unix_http_server]\nfile=/tmp/nonexistent-supervisor-test.sock",
        "[program:env]\ncommand=/bin/sh -c 'umask; pwd; echo \"$BASE|$FOO|$SUPERVISOR_ENABLED|$SUPERVISOR_PROCESS_NAME|$SUPERVISOR_GROUP_NAME|$SUPERVISOR_SERVER_URL\"'\n\
         startsecs=0\nautorestart=false\numask=027\ndirectory=/usr\nenvironment=FOO=\"program\"\n\
         stdout_logfile={dir}/env.log\n",
    );
    d.wait_state("env", ProcessStateCode::Exited);
    let text = std::fs::read_to_string(d.path("env.log")).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "0027",
            "/usr",
            "from supervisord|program|1|env|env|unix:///tmp/nonexistent-supervisor-test.sock"
        ]
    );
}

#[test]
fn user_is_dropped_when_root() {
    let root = nix::unistd::getuid().is_root();
    let d = start(&format!(
        "[program:who]\ncommand=id -u\nstartsecs=0\nautorestart=false\nstartretries=0\n{}\
         stdout_logfile={{dir}}/who.log\nstderr_logfile={{dir}}/who.err\n",
        if root { "user=nobody\n" } else { "" }
    ));
    d.wait_state("who", ProcessStateCode::Exited);
    let text = std::fs::read_to_string(d.path("who.log")).expect("log");
    let expected = if root {
        nix::unistd::User::from_name("nobody")
            .ok()
            .flatten()
            .map(|u| u.uid.as_raw())
    } else {
        Some(nix::unistd::getuid().as_raw())
    };
    assert_eq!(text.trim().parse::<u32>().ok(), expected);
}
