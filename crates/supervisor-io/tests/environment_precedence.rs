//! The child's environment: daemon's environ < `SUPERVISOR_*` < `environment=`.

use std::collections::HashMap;
use std::ffi::OsString;

use supervisor_io::environment::{SupervisorVars, child_environment};

use crate::harness::{request, run};

fn env_of(output: &str) -> HashMap<&str, &str> {
    output.lines().filter_map(|l| l.split_once('=')).collect()
}

#[test]
fn supervisor_variables_visible_in_the_child() {
    let mut req = request("web_01", "/usr/bin/env");
    req.group = Some("web".into());
    req.server_url = Some("unix:///tmp/supervisor.sock".into());
    let done = run(&req);
    let env = env_of(&done.stdout);
    assert_eq!(env.get("SUPERVISOR_ENABLED"), Some(&"1"));
    assert_eq!(env.get("SUPERVISOR_PROCESS_NAME"), Some(&"web_01"));
    assert_eq!(env.get("SUPERVISOR_GROUP_NAME"), Some(&"web"));
    assert_eq!(
        env.get("SUPERVISOR_SERVER_URL"),
        Some(&"unix:///tmp/supervisor.sock")
    );
    // The daemon's own environment is inherited.
    let path = std::env::var("PATH").expect("tests run with PATH");
    assert_eq!(env.get("PATH"), Some(&path.as_str()));
}

#[test]
fn configured_environment_overrides_everything() {
    let mut req = request("p", "/usr/bin/env");
    req.server_url = Some("http://127.0.0.1:9001".into());
    req.environment = vec![
        ("SUPERVISOR_PROCESS_NAME".into(), "renamed".into()),
        ("SUPERVISOR_SERVER_URL".into(), "elsewhere".into()),
        ("PATH".into(), "/nowhere".into()),
        ("FOO".into(), "a b=c".into()),
    ];
    let done = run(&req);
    let env = env_of(&done.stdout);
    assert_eq!(env.get("SUPERVISOR_PROCESS_NAME"), Some(&"renamed"));
    assert_eq!(env.get("SUPERVISOR_SERVER_URL"), Some(&"elsewhere"));
    assert_eq!(env.get("PATH"), Some(&"/nowhere"));
    assert_eq!(env.get("FOO"), Some(&"a b=c"));
    assert_eq!(env.get("SUPERVISOR_ENABLED"), Some(&"1"));
}

#[test]
fn server_url_omitted_when_unset_or_empty() {
    for url in [None, Some(String::new())] {
        let mut req = request("p", "/usr/bin/env");
        req.server_url = url;
        let done = run(&req);
        assert!(!env_of(&done.stdout).contains_key("SUPERVISOR_SERVER_URL"));
    }
}

#[test]
fn order_is_python_dict_order() {
    let os = |k: &str, v: &str| (OsString::from(k), OsString::from(v));
    let vars = SupervisorVars {
        server_url: None,
        process_name: "p".into(),
        group_name: None,
    };
    let got = child_environment(
        [
            os("HOME", "/root"),
            os("SUPERVISOR_ENABLED", "0"),
            os("A", "1"),
        ],
        &vars,
        &[("HOME".into(), "/h".into()), ("Z".into(), "z".into())],
    );
    assert_eq!(
        got,
        [
            os("HOME", "/h"),
            os("SUPERVISOR_ENABLED", "1"),
            os("A", "1"),
            os("SUPERVISOR_PROCESS_NAME", "p"),
            os("Z", "z"),
        ]
    );
}
