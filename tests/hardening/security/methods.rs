//! Method names looked up in a fixed table, as 4.3's CVE-2017-11610 fix.

use super::{Raw, Target, assert_get_pid, open_daemon, status_of};
use crate::hardening::client::{self, s};
use crate::util::tempdir;

/// The method names 4.3.0 answers with Fault 1 `UNKNOWN_METHOD` since its
/// CVE-2017-11610 fix (attribute traversal from a namespace object to
/// `supervisord.options.execve` and the like), recorded from Python supervisor
/// 4.3.0 with `xmlrpc.client`: every one of them is 1 UNKNOWN_METHOD there.
const CVE_2017_11610_NAMES: &[&str] = &[
    "supervisor.supervisord.options.execve",
    "supervisor.supervisord.options.warnings.linecache.os.system",
    "supervisor.supervisord",
    "supervisor.supervisord.options",
    "supervisor._rpc",
    "supervisor._update",
    "supervisor.__init__",
    "supervisor.__class__",
    "supervisor.__dict__",
    "supervisor.getState.__call__",
    "supervisor.getState.__func__",
    "supervisor.getPID.__class__",
    "supervisor.getPID.im_func",
    "supervisor.readLog.__globals__",
    "supervisor._readProcessLog",
    "supervisor._interpretProcessInfo",
    "supervisor.getSupervisorVersion.x",
    "supervisor.getState.getState",
    "system.multicall.__call__",
    "system.multicall.im_self",
    "system._listMethods",
    "system.namespaces",
    "system.__init__",
    "__init__",
    "__class__",
    "__dict__",
    "_rpc",
    "getPID",
    "multicall",
    "supervisor",
    "system",
    "supervisor.",
    ".supervisor.getPID",
    "supervisor..getPID",
    "supervisor.getPID.",
    "supervisor.getPID ",
    "supervisor/getPID",
    "supervisor.getpid",
    "SUPERVISOR.getPID",
    "nope.getPID",
];

fn is_unknown_method(body: &str) -> bool {
    body.contains("<fault>")
        && body.contains("<name>faultCode</name>\n<value><int>1</int></value>")
        && body.contains("<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>")
}

/// A `system.multicall` parameter: `(methodName, params XML)` pairs.
fn multicall_param(calls: &[(&str, &str)]) -> String {
    let items: String = calls
        .iter()
        .map(|(name, params)| {
            format!(
                "<value><struct><member><name>methodName</name><value><string>{name}</string></value></member>\
                 <member><name>params</name><value><array><data>{params}</data></array></value></member></struct></value>"
            )
        })
        .collect();
    format!("<array><data>{items}</data></array>")
}

/// Method names are looked up in a fixed table, never by attribute traversal:
/// every name of 4.3.0's CVE-2017-11610 answers is Fault 1 `UNKNOWN_METHOD`, also
/// inside `system.multicall`, the exploit's `execve` runs nothing, and the daemon
/// keeps serving.
#[test]
fn method_names_restricted_as_the_cve_2017_11610_fix() {
    let dir = tempdir();
    let (daemon, sock) = open_daemon(dir.path(), "");
    let marker = dir.path().join("pwned");
    let mut c = client::unix(&sock);
    for name in CVE_2017_11610_NAMES {
        let body = c.call_text(name, &[]);
        assert!(is_unknown_method(&body), "{name:?}: {body}");
    }
    // The exploit as published: execve through the options object, with arguments.
    let argv = format!(
        "<array><data><value><string>sh</string></value><value><string>-c</string></value>\
         <value><string>touch {}</string></value></data></array>",
        marker.display()
    );
    let body = c.call_text(
        "supervisor.supervisord.options.execve",
        &[&s("/bin/sh"), &argv, "<struct></struct>"],
    );
    assert!(is_unknown_method(&body), "{body}");
    // The same names carried by system.multicall: fault structs, as 4.3.0's
    // [{1 UNKNOWN_METHOD} x3, {2 INCORRECT_PARAMETERS: Recursive system.multicall
    // forbidden}, <pid>].
    let exec_params = format!(
        "<value><string>/bin/sh</string></value><value>{argv}</value><value><struct></struct></value>"
    );
    let body = c.call_text(
        "system.multicall",
        &[&multicall_param(&[
            ("supervisor.supervisord.options.execve", &exec_params),
            ("supervisor.getState.__call__", ""),
            ("supervisor._rpc", ""),
            (
                "system.multicall",
                "<value><array><data></data></array></value>",
            ),
            ("supervisor.getPID", ""),
        ])],
    );
    assert_eq!(
        body.matches("<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string>")
            .count(),
        3,
        "{body}"
    );
    assert!(
        body.contains(
            "<string>INCORRECT_PARAMETERS: Recursive system.multicall forbidden</string>"
        ),
        "{body}"
    );
    assert!(
        body.contains(&format!("<value><int>{}</int></value>", daemon.child.id())),
        "{body}"
    );
    assert!(!marker.exists(), "execve ran: {} exists", marker.display());
    // A name with a NUL is not XML: 4.3.0 (expat) answers HTTP 400, and so does our XML
    // reader (crates/rpc/src/xml.rs); the name is never cut at the NUL into
    // `supervisor.getPID`.
    let mut raw = Raw::open(&Target::Unix(sock.clone()));
    let body = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getPID\0</methodName>\n<params></params>\n</methodCall>\n";
    raw.send(
        format!(
            "POST /RPC2 HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let answer = raw.read_to_close();
    let text = String::from_utf8_lossy(&answer);
    assert_eq!(status_of(&answer), 400, "{text}");
    assert_get_pid(&mut client::unix(&sock), &daemon);
}
