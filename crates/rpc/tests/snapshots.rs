//! Response bodies as snapshots. Each snapshot's text was checked byte for byte
//! against Python supervisor 4.3.0 (`xmlrpc.client.dumps` of the same values, and
//! medusa's pages captured from a running supervisord 4.3.0); see
//! `scripts/check_snapshots.py`.

use std::time::{Duration, UNIX_EPOCH};

use rpc::{Namespaces, Value, encode, encode_fault, encode_response, response};
use supervisor_core::{
    FaultCode, ProcessInfo, ProcessResult, ProcessStateCode, SupervisorStateCode,
};

#[test]
fn process_info_struct() {
    let info = ProcessInfo {
        name: "echo".into(),
        group: "echo".into(),
        description: "pid 25211, uptime 0:01:53".into(),
        start: 1_795_875_039,
        stop: 0,
        now: 1_795_875_152,
        state: ProcessStateCode::Running,
        statename: "RUNNING",
        spawnerr: String::new(),
        exitstatus: 0,
        pid: 25211,
    };
    let v = encode::process_info(
        &info,
        "/tmp/echo-stdout---pyref-ezpi7ufs.log",
        "/tmp/echo-stderr---pyref-gha0nhah.log",
    );
    insta::assert_snapshot!(encode_response(&v));
}

#[test]
fn group_results_and_state() {
    let results = supervisor_core::Reply::Results(vec![ProcessResult {
        name: "echo".into(),
        group: "echo".into(),
        status: FaultCode::Success,
        description: "OK".into(),
    }]);
    insta::assert_snapshot!("group_results", encode_response(&encode::reply(&results)));
    let state = supervisor_core::StateInfo {
        code: SupervisorStateCode::Running,
        name: "RUNNING",
    };
    insta::assert_snapshot!("state", encode_response(&encode::state(&state)));
}

#[test]
fn multicall_mixed_results() {
    let v = Value::Array(vec![
        Value::Int(25209),
        rpc::fault_struct(1, "UNKNOWN_METHOD"),
        Value::Bool(true),
    ]);
    insta::assert_snapshot!(encode_response(&v));
}

#[test]
fn faults_and_tail() {
    insta::assert_snapshot!(
        "fault_bad_name",
        encode_fault(FaultCode::BadName as i64, "BAD_NAME: nope")
    );
    insta::assert_snapshot!(
        "tail",
        encode_response(&encode::tail("i\n".into(), 6, true))
    );
    insta::assert_snapshot!(
        "reload",
        encode_response(&encode::reload(&["new".into()], &[], &["old".into()]))
    );
}

#[test]
fn list_methods_and_help() {
    let ns = Namespaces { supervisor: true };
    let names = Value::Array(rpc::list_methods(ns).into_iter().map(Value::str).collect());
    insta::assert_snapshot!("list_methods", encode_response(&names));
    let help = rpc::method_help(ns, "supervisor.startProcess").expect("known");
    insta::assert_snapshot!("help_start_process", encode_response(&Value::str(help)));
}

#[test]
fn medusa_error_pages() {
    let at = UNIX_EPOCH + Duration::from_secs(1_795_874_446);
    let page = |b: Vec<u8>| {
        String::from_utf8(b)
            .expect("ascii")
            .replace("\r\n", "\\r\\n\n")
    };
    insta::assert_snapshot!(
        "page_401",
        page(response::unauthorized(rpc::Version::Http11, at))
    );
    insta::assert_snapshot!(
        "page_404",
        page(response::error(rpc::Version::Http11, 404, &[], at))
    );
    insta::assert_snapshot!(
        "ok_html",
        page(response::complete(
            rpc::Version::Http11,
            200,
            "text/plain",
            b"OK",
            response::Connection::Default,
            at
        ))
    );
}
