//! XML-RPC values through our codec (crates/rpc): a proptest round trip (encode as a call,
//! parse back), and our response bodies checked byte for byte against Python's
//! `xmlrpc.client` (loads, then dumps again must give our exact bytes).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use rpc::Value;

use super::daemon::{pyenv, scripts};

/// Text that survives XML: no control characters but tab and newline (XML 1.0 forbids them;
/// expat normalises `\r`).
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(
        "[\\t\\n -~\u{a0}-\u{2fff}\u{e000}-\u{fffd}\u{10000}-\u{10fff}]{0,12}",
    )
    .expect("regex")
}

fn value() -> impl Strategy<Value = Value> {
    values(true)
}

/// Values of every type we encode (doubles only when `doubles`).
fn values(doubles: bool) -> impl Strategy<Value = Value> {
    let double = if doubles { 1 } else { 0 };
    let leaf = prop_oneof![
        3 => (i32::MIN as i64..=i32::MAX as i64).prop_map(Value::Int),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => text().prop_map(Value::String),
        double => (-1e300f64..1e300f64).prop_map(Value::Double),
        double => (-1e-3f64..1e-3f64).prop_map(Value::Double),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            // distinct keys: a Python dict would fold duplicates (no reply of ours has any)
            prop::collection::btree_map(text(), inner, 0..4)
                .prop_map(|m| Value::Struct(m.into_iter().collect())),
        ]
    })
}

fn call_body(params: &[Value]) -> String {
    let mut out = String::from(
        "<?xml version='1.0'?>\n<methodCall>\n<methodName>m.n</methodName>\n<params>\n",
    );
    for p in params {
        out.push_str("<param>\n");
        p.write_xml(&mut out);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn values_round_trip_through_a_method_call(params in prop::collection::vec(value(), 0..4)) {
        let body = call_body(&params);
        let call = rpc::parse_method_call(body.as_bytes()).expect("our own call parses");
        prop_assert_eq!(call.method.as_deref(), Some("m.n"));
        prop_assert_eq!(call.params.unwrap_or_default(), params);
    }
}

#[test]
fn responses_are_byte_identical_to_python_xmlrpc_client() {
    against_python(false);
}

#[test]
fn doubles_are_byte_identical_to_python_xmlrpc_client() {
    against_python(true);
}

fn against_python(doubles: bool) {
    let Some(venv) = pyenv() else { return };
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let strategy = values(doubles);
    let mut bodies = Vec::new();
    for _ in 0..300 {
        let v = strategy.new_tree(&mut runner).expect("value").current();
        bodies.push(rpc::encode_response(&v));
    }
    bodies.push(rpc::encode_fault(10, "BAD_NAME: <&>\"'"));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bodies");
    std::fs::write(&file, bodies.join("\0")).expect("write bodies");
    let out = std::process::Command::new(venv.join("bin/python"))
        .arg(scripts().join("codec_check.py"))
        .arg(&file)
        .output()
        .expect("run codec_check.py");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.trim() == format!("{} bodies identical", bodies.len()),
        "our XML-RPC bodies differ from xmlrpc.client.dumps:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
