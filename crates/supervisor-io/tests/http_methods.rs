//! Every method family over real servers: the unix socket and TCP port of one
//! daemon answer at the same time; bodies checked against what 4.3.0 sends.

use crate::http_harness::{s, serve, wait_for};

const PROGRAMS: &str = "[program:cat]\ncommand=cat\nstartsecs=0\n\
    [program:talker]\ncommand=sh -c 'echo out; echo err >&2; exec sleep 1000'\nstartsecs=0\n\
    [program:idle]\ncommand=sleep 1000\nautostart=false\nstartsecs=0\n";

#[test]
fn identification_and_introspection_on_both_servers() {
    let d = serve(PROGRAMS);
    let (mut unix, mut tcp) = (d.unix(), d.tcp());
    for c in [&mut unix, &mut tcp] {
        let methods = c.call_text("system.listMethods", &[]);
        assert_eq!(methods.matches("<value><string>").count(), 41, "{methods}");
        assert!(methods.contains("<value><string>supervisor.getVersion</string></value>"));
        let pid = c.call_text("supervisor.getPID", &[]);
        assert!(
            pid.contains(&format!("<value><int>{}</int></value>", std::process::id())),
            "{pid}"
        );
    }
    assert!(
        unix.call_text("supervisor.getAPIVersion", &[])
            .contains("<string>3.0</string>")
    );
    assert!(
        tcp.call_text("supervisor.getVersion", &[])
            .contains("<string>3.0</string>")
    );
    assert!(
        unix.call_text("supervisor.getSupervisorVersion", &[])
            .contains("<string>4.3.0</string>")
    );
    assert!(
        unix.call_text("supervisor.getIdentification", &[])
            .contains("<string>httptest</string>")
    );
    let state = unix.call_text("supervisor.getState", &[]);
    assert!(
        state.contains("<name>statecode</name>\n<value><int>1</int></value>"),
        "{state}"
    );
    // supervisord's FATAL state (not in 4.3): reasons and clearing, unlisted methods.
    let reasons = unix.call_text("supervisor.getFatalReasons", &[]);
    assert!(
        reasons.contains("<value><array><data>\n</data></array></value>"),
        "{reasons}"
    );
    let cleared = unix.call_text("supervisor.clearFatal", &[]);
    assert!(cleared.contains("<boolean>1</boolean>"), "{cleared}");
    let sig = unix.call_text("system.methodSignature", &[&s("supervisor.startProcess")]);
    assert!(sig.contains("<string>boolean</string></value>\n<value><string>string</string></value>\n<value><string>boolean</string>"), "{sig}");
    let help = unix.call_text("system.methodHelp", &[&s("supervisor.getPID")]);
    assert!(help.contains("@return int PID"), "{help}");
    let unknown = unix.call_text("system.methodHelp", &[&s("nope.nope")]);
    assert!(
        unknown.contains("<int>4</int>") && unknown.contains("SIGNATURE_UNSUPPORTED"),
        "{unknown}"
    );
}

#[test]
fn faults_for_unknown_methods_wrong_arguments_and_cve_names() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    for name in [
        "nope",
        "supervisor.nope",
        "supervisor._update",
        "supervisor.getPID.__class__",
        "system._listMethods",
        "x.y",
    ] {
        let body = c.call_text(name, &[]);
        assert!(
            body.contains("<int>1</int>") && body.contains("<string>UNKNOWN_METHOD</string>"),
            "{name}: {body}"
        );
    }
    let body = c.call_text("supervisor.getPID", &[&s("extra")]);
    assert!(
        body.contains("<int>2</int>") && body.contains("<string>INCORRECT_PARAMETERS</string>"),
        "{body}"
    );
    let body = c.call_text("supervisor.startProcess", &["<int>5</int>"]);
    assert!(body.contains("INCORRECT_PARAMETERS"), "{body}");
    let body = c.call_text("supervisor.getProcessInfo", &[&s("nope")]);
    assert!(
        body.contains("<int>10</int>") && body.contains("<string>BAD_NAME: nope</string>"),
        "{body}"
    );
    // Malformed XML: HTTP 400, logged at ERRO as 4.3 does.
    c.send(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 5\r\n\r\n<a<b>");
    assert_eq!(c.response().status, 400);
    d.wait_log("is invalid: unmarshallable");
    // No Content-Length: 411; GET: 400.
    let mut c = d.unix();
    c.send(b"POST /RPC2 HTTP/1.0\r\n\r\n");
    assert_eq!(c.response().status, 411);
    let mut c = d.unix();
    c.send(b"GET /RPC2 HTTP/1.1\r\n\r\n");
    assert_eq!(c.response().status, 400);
    c.send(b"GET /nothing HTTP/1.1\r\n\r\n");
    assert_eq!(c.response().status, 404);
    c.send(b"GET /ok.html HTTP/1.1\r\n\r\n");
    assert_eq!(c.response().text(), "OK");
}

#[test]
fn start_stop_signal_processes_groups_and_all() {
    let d = serve(PROGRAMS);
    let mut c = d.tcp();
    let body = c.call_text(
        "supervisor.startProcess",
        &[&s("idle"), "<boolean>1</boolean>"],
    );
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let info = c.call_text("supervisor.getProcessInfo", &[&s("idle")]);
    assert!(info.contains("<string>RUNNING</string>"), "{info}");
    for key in [
        "name",
        "group",
        "start",
        "stop",
        "now",
        "state",
        "statename",
        "spawnerr",
        "exitstatus",
        "logfile",
        "stdout_logfile",
        "stderr_logfile",
        "pid",
        "description",
    ] {
        assert!(
            info.contains(&format!("<name>{key}</name>")),
            "{key} missing: {info}"
        );
    }
    let body = c.call_text("supervisor.startProcess", &[&s("idle")]);
    assert!(body.contains("ALREADY_STARTED: idle"), "{body}");
    let body = c.call_text("supervisor.signalProcess", &[&s("idle"), &s("BOGUS")]);
    assert!(body.contains("BAD_SIGNAL: BOGUS"), "{body}");
    let body = c.call_text("supervisor.signalProcess", &[&s("idle"), &s("CONT")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let body = c.call_text("supervisor.stopProcess", &[&s("idle")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let body = c.call_text("supervisor.stopProcess", &[&s("idle")]);
    assert!(body.contains("NOT_RUNNING: idle"), "{body}");
    let body = c.call_text("supervisor.startProcessGroup", &[&s("idle")]);
    assert!(
        body.contains("<name>status</name>\n<value><int>80</int></value>"),
        "{body}"
    );
    let body = c.call_text("supervisor.signalAllProcesses", &[&s("CONT")]);
    assert_eq!(body.matches("<int>80</int>").count(), 3, "{body}");
    let body = c.call_text("supervisor.stopAllProcesses", &[]);
    assert_eq!(body.matches("<string>OK</string>").count(), 3, "{body}");
    let body = c.call_text("supervisor.getAllProcessInfo", &[]);
    assert_eq!(
        body.matches("<string>STOPPED</string>").count(),
        3,
        "{body}"
    );
    let body = c.call_text("supervisor.startAllProcesses", &["<boolean>0</boolean>"]);
    assert_eq!(body.matches("<int>80</int>").count(), 3, "{body}");
}

#[test]
fn multicall_returns_bare_values_and_fault_structs() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    let calls = "<array><data>\
        <value><struct><member><name>methodName</name><value>supervisor.getPID</value></member></struct></value>\
        <value><struct><member><name>methodName</name><value>nope</value></member></struct></value>\
        <value><struct><member><name>methodName</name><value>supervisor.startProcess</value></member>\
          <member><name>params</name><value><array><data><value>idle</value></data></array></value></member></struct></value>\
        <value><struct><member><name>methodName</name><value>system.multicall</value></member></struct></value>\
        <value><struct></struct></value>\
        </data></array>";
    let body = c.call_text("system.multicall", &[calls]);
    let pid = std::process::id();
    let expected = format!(
        "<value><array><data>\n<value><int>{pid}</int></value>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n</struct></value>\n<value><boolean>1</boolean></value>\n"
    );
    assert!(body.contains(&expected), "{body}");
    assert!(
        body.contains("INCORRECT_PARAMETERS: Recursive system.multicall forbidden"),
        "{body}"
    );
    assert!(
        body.contains("INCORRECT_PARAMETERS: No methodName"),
        "{body}"
    );
}

#[test]
fn logs_read_tail_and_clear() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    wait_for("talker's output", || {
        let body = c.call_text(
            "supervisor.readProcessStdoutLog",
            &[&s("talker"), "<int>0</int>", "<int>0</int>"],
        );
        body.contains("<string>out\n</string>").then_some(())
    });
    let body = c.call_text(
        "supervisor.readProcessStderrLog",
        &[&s("talker"), "<int>-2</int>", "<int>0</int>"],
    );
    assert!(body.contains("<string>r\n</string>"), "{body}");
    let body = c.call_text(
        "supervisor.readProcessLog",
        &[&s("talker"), "<int>-2</int>", "<int>1</int>"],
    );
    assert!(
        body.contains("<int>3</int>") && body.contains("BAD_ARGUMENTS"),
        "{body}"
    );
    let body = c.call_text(
        "supervisor.tailProcessStdoutLog",
        &[&s("talker"), "<int>0</int>", "<int>2</int>"],
    );
    assert!(body.contains("<value><string>t\n</string></value>\n<value><int>4</int></value>\n<value><boolean>1</boolean></value>"), "{body}");
    let body = c.call_text(
        "supervisor.tailProcessLog",
        &[&s("nope"), "<int>0</int>", "<int>2</int>"],
    );
    assert!(body.contains("BAD_NAME: nope"), "{body}");
    let body = c.call_text("supervisor.readLog", &[&s("0"), "<int>0</int>"]);
    assert!(
        body.contains("RPC interface &apos;supervisor&apos; initialized")
            || body.contains("RPC interface 'supervisor' initialized"),
        "{body}"
    );
    let body = c.call_text("supervisor.clearProcessLogs", &[&s("talker")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let body = c.call_text(
        "supervisor.readProcessStdoutLog",
        &[&s("talker"), "<int>0</int>", "<int>0</int>"],
    );
    assert!(body.contains("<value><string></string></value>"), "{body}");
    let body = c.call_text("supervisor.clearAllProcessLogs", &[]);
    assert_eq!(body.matches("<int>80</int>").count(), 3, "{body}");
    let body = c.call_text("supervisor.clearLog", &[]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
}

#[test]
fn invalid_utf8_in_a_log_slice_is_answered() {
    let d = serve("[program:bin]\ncommand=printf 'a\\210b'\nautorestart=false\nstartsecs=0\n");
    let mut c = d.unix();
    let body = wait_for("the byte in the log", || {
        let r = c.call(
            "supervisor.readProcessStdoutLog",
            &[&s("bin"), "<int>0</int>", "<int>0</int>"],
        );
        assert_eq!(r.status, 200, "4.3 answers 500 here; we must not");
        let t = r.text();
        t.contains('b').then_some(t)
    });
    assert!(body.contains("<string>a\u{fffd}b</string>"), "{body}");
}

#[test]
fn stdin_remote_comm_and_config_info() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    let body = c.call_text("supervisor.sendProcessStdin", &[&s("cat"), &s("hello\n")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    wait_for("cat's echo", || {
        let body = c.call_text(
            "supervisor.readProcessStdoutLog",
            &[&s("cat"), "<int>0</int>", "<int>0</int>"],
        );
        body.contains("hello").then_some(())
    });
    let body = c.call_text("supervisor.sendProcessStdin", &[&s("idle"), &s("x")]);
    assert!(body.contains("NOT_RUNNING: idle"), "{body}");
    let body = c.call_text("supervisor.sendRemoteCommEvent", &[&s("type"), &s("data")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let body = c.call_text("supervisor.getAllConfigInfo", &[]);
    assert_eq!(
        body.matches("<name>inuse</name>\n<value><boolean>1</boolean>")
            .count(),
        3,
        "{body}"
    );
    assert!(
        body.contains("<name>serverurl</name>\n<value><string>none</string>"),
        "{body}"
    );
    assert!(
        !body.contains("autorestart"),
        "4.3.0 has no autorestart key"
    );
}

#[test]
fn reload_config_add_and_remove_groups() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    let body = c.call_text("supervisor.reloadConfig", &[]);
    assert!(body.contains("<value><array><data>\n<value><array><data>\n<value><array><data>\n</data></array></value>\n<value><array><data>\n</data></array></value>\n<value><array><data>\n</data></array></value>"), "{body}");
    let conf = d.path("supervisord.conf");
    let text = std::fs::read_to_string(&conf)
        .expect("conf")
        .replace("[program:idle]", "[program:fresh]");
    std::fs::write(&conf, text).expect("rewrite");
    let body = c.call_text("supervisor.reloadConfig", &[]);
    assert!(
        body.contains("<string>fresh</string>") && body.contains("<string>idle</string>"),
        "{body}"
    );
    let body = c.call_text("supervisor.addProcessGroup", &[&s("fresh")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    let body = c.call_text("supervisor.addProcessGroup", &[&s("fresh")]);
    assert!(body.contains("ALREADY_ADDED: fresh"), "{body}");
    let body = c.call_text("supervisor.addProcessGroup", &[&s("nope")]);
    assert!(body.contains("BAD_NAME: nope"), "{body}");
    let body = c.call_text("supervisor.removeProcessGroup", &[&s("idle")]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    std::fs::write(&conf, "[supervisord\n").expect("break");
    let body = c.call_text("supervisor.reloadConfig", &[]);
    assert!(
        body.contains("<int>92</int>") && body.contains("CANT_REREAD: "),
        "{body}"
    );
    let body = c.call_text("supervisor.getProcessInfo", &[&s("fresh")]);
    assert!(
        body.contains("<name>name</name>\n<value><string>fresh</string>"),
        "{body}"
    );
}

#[test]
fn shutdown_answers_then_removes_the_socket() {
    let mut d = serve(PROGRAMS);
    let mut c = d.unix();
    let body = c.call_text("supervisor.shutdown", &[]);
    assert!(body.contains("<boolean>1</boolean>"), "{body}");
    assert_eq!(d.join(), supervisor_io::Outcome::Shutdown);
    assert!(
        !d.path("sock").exists(),
        "the unix socket is removed at exit"
    );
}

#[test]
fn without_the_supervisor_interface_only_system_methods() {
    let d = crate::http_harness::serve_with("", false, PROGRAMS);
    let mut c = d.unix();
    let body = c.call_text("system.listMethods", &[]);
    assert_eq!(body.matches("<value><string>").count(), 4, "{body}");
    let body = c.call_text("supervisor.getPID", &[]);
    assert!(body.contains("UNKNOWN_METHOD"), "{body}");
    assert!(!d.main_log().contains("RPC interface"));
}

#[test]
fn multicall_runs_deferred_calls_one_after_another() {
    let d = serve(
        "[program:a]\ncommand=sleep 1000\nautostart=false\nstartsecs=1\n\
                   [program:b]\ncommand=sleep 1000\nautostart=false\nstartsecs=1\n",
    );
    let mut c = d.unix();
    let start = |name: &str| {
        format!(
            "<value><struct><member><name>methodName</name><value>supervisor.startProcess</value></member>\
             <member><name>params</name><value><array><data><value>{name}</value></data></array></value></member></struct></value>"
        )
    };
    let calls = format!("<array><data>{}{}</data></array>", start("a"), start("b"));
    let body = c.call_text("system.multicall", &[&calls]);
    assert_eq!(
        body.matches("<value><boolean>1</boolean></value>").count(),
        2,
        "{body}"
    );
    let body = c.call_text("supervisor.getAllProcessInfo", &[]);
    assert_eq!(
        body.matches("<string>RUNNING</string>").count(),
        2,
        "{body}"
    );
}

/// getAllProcessInfo keeps its encoded answer while nothing changes (same core generation,
/// same second): the cached answer must follow every state change at once, inside a
/// multicall too.
#[test]
fn all_process_info_follows_every_change_at_once() {
    let d = serve(PROGRAMS);
    let mut c = d.unix();
    let count =
        |body: &str, state: &str| body.matches(&format!("<string>{state}</string>")).count();
    wait_for("cat and talker RUNNING", || {
        let body = c.call_text("supervisor.getAllProcessInfo", &[]);
        (count(&body, "RUNNING") == 2).then_some(())
    });
    for _ in 0..3 {
        // back to back, as a polling client
        let again = c.call_text("supervisor.getAllProcessInfo", &[]);
        assert_eq!((count(&again, "RUNNING"), count(&again, "STOPPED")), (2, 1));
    }
    c.call_text("supervisor.startProcess", &[&s("idle")]);
    let after = c.call_text("supervisor.getAllProcessInfo", &[]);
    assert_eq!(count(&after, "RUNNING"), 3, "{after}");
    let body = c.call_text(
        "system.multicall",
        &["<array><data>\
           <value><struct><member><name>methodName</name><value><string>supervisor.stopProcess</string></value></member>\
           <member><name>params</name><value><array><data><value><string>idle</string></value></data></array></value></member></struct></value>\
           <value><struct><member><name>methodName</name><value><string>supervisor.getAllProcessInfo</string></value></member>\
           <member><name>params</name><value><array><data></data></array></value></member></struct></value>\
           </data></array>"],
    );
    assert_eq!(
        (count(&body, "RUNNING"), count(&body, "STOPPED")),
        (2, 1),
        "{body}"
    );
    let last = c.call_text("supervisor.getAllProcessInfo", &[]);
    assert_eq!(
        (count(&last, "RUNNING"), count(&last, "STOPPED")),
        (2, 1),
        "{last}"
    );
}
