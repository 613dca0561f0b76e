//! Method resolution and argument validation, with 4.3's faults.

use rpc::{
    Call, Namespaces, Stream, Value, list_methods, method_signature, multicall_item, parse_call,
};
use supervisor_core::FaultCode;

const NS: Namespaces = Namespaces { supervisor: true };

fn code(method: &str, params: &[Value]) -> Option<FaultCode> {
    parse_call(NS, method, params).err().map(|f| f.code)
}

#[test]
fn forty_one_methods_and_only_system_without_the_interface() {
    assert_eq!(list_methods(NS).len(), 41);
    assert_eq!(
        list_methods(Namespaces { supervisor: false }),
        [
            "system.listMethods",
            "system.methodHelp",
            "system.methodSignature",
            "system.multicall"
        ]
    );
    assert_eq!(code("supervisor.getPID", &[]), None);
    assert_eq!(
        parse_call(Namespaces { supervisor: false }, "supervisor.getPID", &[]).map_err(|f| f.code),
        Err(FaultCode::UnknownMethod)
    );
    assert_eq!(
        method_signature(NS, "supervisor.tailProcessStdoutLog").expect("sig"),
        ["array", "string", "int", "int"]
    );
    // Every listed method parses with its documented arity.
    for name in list_methods(NS) {
        let sig = method_signature(NS, name).expect("sig");
        let args: Vec<Value> = sig[1..]
            .iter()
            .map(|t| match *t {
                "int" => Value::Int(0),
                "boolean" => Value::Bool(true),
                "array" => Value::Array(vec![]),
                _ => Value::str("x"),
            })
            .collect();
        assert!(parse_call(NS, name, &args).is_ok(), "{name}");
    }
}

#[test]
fn cve_2017_11610_names_and_unknown_methods() {
    for name in [
        "supervisor",
        "supervisor.getPID.__init__",
        "supervisor._update",
        "supervisor.supervisord.options",
        "system._listMethods",
        "nope.getPID",
        "supervisor.nope",
        "",
    ] {
        assert_eq!(code(name, &[]), Some(FaultCode::UnknownMethod), "{name:?}");
    }
}

#[test]
fn argument_counts_and_types() {
    assert_eq!(
        code("supervisor.getPID", &[Value::Int(1)]),
        Some(FaultCode::IncorrectParameters)
    );
    assert_eq!(
        code("supervisor.startProcess", &[]),
        Some(FaultCode::IncorrectParameters)
    );
    assert_eq!(
        code("supervisor.startProcess", &[Value::Int(1)]),
        Some(FaultCode::IncorrectParameters)
    );
    assert_eq!(
        code("supervisor.readLog", &[Value::str("x"), Value::Int(0)]),
        Some(FaultCode::IncorrectParameters)
    );
    assert_eq!(
        parse_call(NS, "supervisor.startProcess", &[Value::str("a")]),
        Ok(Call::StartProcess {
            name: "a".into(),
            wait: true
        })
    );
    assert_eq!(
        parse_call(
            NS,
            "supervisor.stopProcessGroup",
            &[Value::str("g"), Value::Int(0)]
        ),
        Ok(Call::StopProcessGroup {
            name: "g".into(),
            wait: false
        })
    );
    // Python's int() takes digit strings: readLog('0', '5') works in 4.3.
    assert_eq!(
        parse_call(
            NS,
            "supervisor.readMainLog",
            &[Value::str("0"), Value::str("5")]
        ),
        Ok(Call::ReadLog {
            offset: 0,
            length: 5
        })
    );
    assert_eq!(
        parse_call(
            NS,
            "supervisor.tailProcessStderrLog",
            &[Value::str("p"), Value::Int(-1), Value::Int(5)]
        ),
        Ok(Call::TailProcessLog {
            name: "p".into(),
            stream: Stream::Stderr,
            offset: -1,
            length: 5
        })
    );
    assert_eq!(
        parse_call(
            NS,
            "supervisor.signalProcess",
            &[Value::str("p"), Value::Int(9)]
        ),
        Ok(Call::SignalProcess {
            name: "p".into(),
            signal: "9".into()
        })
    );
}

#[test]
fn multicall_items() {
    let item = |members: Vec<(&str, Value)>| Value::object(members);
    let fault = |v: &Value| multicall_item(NS, v).map_err(|f| f.to_string());
    assert_eq!(
        fault(&item(vec![])),
        Err("INCORRECT_PARAMETERS: No methodName".into())
    );
    assert_eq!(
        fault(&item(vec![("methodName", Value::str("system.multicall"))])),
        Err("INCORRECT_PARAMETERS: Recursive system.multicall forbidden".into())
    );
    assert_eq!(
        multicall_item(
            NS,
            &item(vec![("methodName", Value::str("supervisor.getPID"))])
        ),
        Ok(Call::GetPid)
    );
    assert_eq!(
        multicall_item(
            NS,
            &item(vec![
                ("methodName", Value::str("supervisor.getProcessInfo")),
                ("params", Value::Array(vec![Value::str("p")]))
            ])
        ),
        Ok(Call::GetProcessInfo("p".into()))
    );
}

/// Recorded from supervisord 4.3.0: sendRemoteCommEvent formats both arguments into the
/// payload with `%s`, so a value of any type is taken, as Python's `str` of it
/// (`sendRemoteCommEvent(1, True)` → `type:1\nTrue`).
#[test]
fn remote_comm_event_takes_any_value_as_its_python_str() {
    let sent =
        |kind: Value, data: Value| parse_call(NS, "supervisor.sendRemoteCommEvent", &[kind, data]);
    assert_eq!(
        sent(Value::Int(1), Value::Bool(true)),
        Ok(Call::SendRemoteCommEvent {
            kind: "1".into(),
            data: "True".into()
        })
    );
    assert_eq!(
        sent(
            Value::Array(vec![Value::str("a"), Value::Int(2)]),
            Value::Nil
        ),
        Ok(Call::SendRemoteCommEvent {
            kind: "['a', 2]".into(),
            data: "None".into()
        })
    );
    assert_eq!(
        sent(Value::str("t\u{e9}"), Value::Double(1.5)),
        Ok(Call::SendRemoteCommEvent {
            kind: "t\u{e9}".into(),
            data: "1.5".into()
        })
    );
    assert_eq!(
        code("supervisor.sendRemoteCommEvent", &[Value::str("t")]),
        Some(FaultCode::IncorrectParameters)
    );
}

/// Recorded from supervisord 4.3.0: a group name that is no string is not found
/// (`startProcessGroup(3)` → `BAD_NAME: 3`), and neither is a method name
/// (`methodHelp(1)` → `SIGNATURE_UNSUPPORTED`).
#[test]
fn names_that_are_no_strings_are_not_found() {
    let fault = |method: &str, params: &[Value]| {
        parse_call(NS, method, params)
            .err()
            .map(|f| (f.code, f.to_string()))
    };
    for (method, params) in [
        ("supervisor.startProcessGroup", vec![Value::Int(3)]),
        (
            "supervisor.stopProcessGroup",
            vec![Value::Int(3), Value::Bool(false)],
        ),
        ("supervisor.addProcessGroup", vec![Value::Int(3)]),
        ("supervisor.removeProcessGroup", vec![Value::Int(3)]),
    ] {
        assert_eq!(
            fault(method, &params),
            Some((FaultCode::BadName, "BAD_NAME: 3".to_string())),
            "{method}"
        );
    }
    assert_eq!(
        fault("supervisor.addProcessGroup", &[Value::Nil]),
        Some((FaultCode::BadName, "BAD_NAME".to_string()))
    );
    assert_eq!(
        code("system.methodHelp", &[Value::Int(1)]),
        Some(FaultCode::SignatureUnsupported)
    );
    assert_eq!(
        code("system.methodSignature", &[Value::Array(vec![])]),
        Some(FaultCode::SignatureUnsupported)
    );
    assert_eq!(
        code("supervisor.startProcessGroup", &[]),
        Some(FaultCode::IncorrectParameters)
    );
}
