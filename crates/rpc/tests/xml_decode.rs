//! methodCall bodies decoded as supervisord 4.3's own unmarshaller does, and a round
//! trip property over every value type.

use proptest::prelude::*;
use rpc::{Value, parse_method_call};

fn params(xml: &str) -> Vec<Value> {
    let body = format!(
        "<?xml version='1.0'?><methodCall><methodName>m</methodName><params>{xml}</params></methodCall>"
    );
    parse_method_call(body.as_bytes())
        .expect("decodes")
        .params
        .expect("params")
}

fn one(value_xml: &str) -> Value {
    params(&format!("<param>{value_xml}</param>")).remove(0)
}

#[test]
fn value_types_as_4_3_unmarshals_them() {
    assert_eq!(one("<value><int> 42 </int></value>"), Value::Int(42));
    assert_eq!(one("<value><i4>-7</i4></value>"), Value::Int(-7));
    assert_eq!(
        one("<value><boolean>1</boolean></value>"),
        Value::Bool(true)
    );
    assert_eq!(
        one("<value><boolean>true</boolean></value>"),
        Value::Bool(false),
        "only '1' is true"
    );
    assert_eq!(
        one("<value>bare &amp; text</value>"),
        Value::str("bare & text")
    );
    assert_eq!(one("<value><string/></value>"), Value::str(""));
    assert_eq!(one("<value/>"), Value::str(""));
    assert_eq!(
        one("<value><base64>aGk=</base64></value>"),
        Value::str("hi")
    );
    assert_eq!(
        one("<value><double>1.5</double></value>"),
        Value::Double(1.5)
    );
    assert_eq!(
        one("<value><i8>5</i8></value>"),
        Value::str("5"),
        "4.3 does not know i8"
    );
    assert_eq!(one("<value><nil/></value>"), Value::Nil);
    assert_eq!(
        one("<value><dateTime.iso8601>20260101T00:00:00</dateTime.iso8601></value>"),
        Value::DateTime("20260101T00:00:00".into())
    );
    assert_eq!(
        one(
            "<value><struct><member><name>a</name><value><array><data><value>x</value><value><int>1</int></value></data></array></value></member></struct></value>"
        ),
        Value::object([("a", Value::Array(vec![Value::str("x"), Value::Int(1)]))])
    );
    assert_eq!(
        one("<value><string><![CDATA[<raw>]]></string></value>"),
        Value::str("<raw>")
    );
    assert_eq!(
        one("<value><string>&#65;&#x42;</string></value>"),
        Value::str("AB")
    );
}

#[test]
fn names_and_missing_params() {
    let call =
        parse_method_call(b"<methodCall><methodName>supervisor.getPID</methodName></methodCall>")
            .expect("ok");
    assert_eq!(
        (call.method.as_deref(), call.params),
        (Some("supervisor.getPID"), None)
    );
    let call = parse_method_call(b"<methodCall><params/></methodCall>").expect("ok");
    assert_eq!((call.method, call.params), (None, Some(vec![])));
    // 4.3 does not check the root element.
    let call = parse_method_call(b"<x><methodName>a.b</methodName></x>").expect("ok");
    assert_eq!(call.method.as_deref(), Some("a.b"));
}

#[test]
fn what_python_fails_to_unmarshal_is_an_error() {
    for bad in [
        "",
        "<a<b>",
        "<methodCall>",
        "<a></b>",
        "<a/><b/>",
        "<a>&bogus;</a>",
        "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
        "<methodCall><params><param><value><int>x</int></value></param></params></methodCall>",
        "<methodCall><params><param><value><int/></value></param></params></methodCall>",
        "<methodCall><params><param><value><array/></value></param></params></methodCall>",
        "<methodCall><params><param><value><struct><member><name>a</name></member></struct></value></param></params></methodCall>",
        "<methodCall><params><param><value><base64>a</base64></value></param></params></methodCall>",
        "<methodCall><params><param><value><dateTime.iso8601>yesterday</dateTime.iso8601></value></param></params></methodCall>",
    ] {
        assert!(
            parse_method_call(bad.as_bytes()).is_err(),
            "{bad:?} should not decode"
        );
    }
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Value::Int),
        any::<bool>().prop_map(Value::Bool),
        "[^\u{0}\r]{0,20}".prop_map(Value::String),
        any::<f64>()
            .prop_filter("finite", |d| d.is_finite())
            .prop_map(Value::Double),
        "[0-9]{8}T[0-9]{2}:[0-9]{2}:[0-9]{2}".prop_map(Value::DateTime),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("[a-z&<>]{0,6}", inner), 0..4).prop_map(Value::Struct),
        ]
    })
}

proptest! {
    /// What the encoder writes, the decoder reads back unchanged.
    #[test]
    fn encoded_values_decode_to_themselves(v in value()) {
        let mut xml = String::new();
        v.write_xml(&mut xml);
        prop_assert_eq!(one(&xml), v);
    }
}
