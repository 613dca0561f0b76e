//! XML-RPC values and their encoding exactly as Python's `xmlrpc.client.dumps` writes
//! them (which is what supervisord 4.3 sends): one `<value>` per line, `<int>` for
//! integers, `<boolean>1</boolean>`, `&`, `<` and `>` escaped, no `nil` ever.

use std::fmt::Write as _;

/// XML-RPC's `int` range (Python's `xmlrpclib.MININT..=MAXINT`).
pub const MAXINT: i64 = i32::MAX as i64;
/// See [`MAXINT`].
pub const MININT: i64 = i32::MIN as i64;

/// One XML-RPC value, as supervisord's request parser produces them and as responses
/// carry them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `<int>`/`<i4>`. Python ints are unbounded on the way in; [`Value::capped`] clamps
    /// the ones that go out.
    Int(i64),
    /// `<boolean>`.
    Bool(bool),
    /// `<string>`, an untyped `<value>text</value>`, a decoded `<base64>` (supervisord
    /// decodes base64 to `str`), and — 4.3's quirk — the text of an unsupported type
    /// such as `<i8>`.
    String(String),
    /// `<double>`.
    Double(f64),
    /// `<dateTime.iso8601>`, kept as its text (`20260101T00:00:00`).
    DateTime(String),
    /// `<array>`.
    Array(Vec<Value>),
    /// `<struct>`, members in document order.
    Struct(Vec<(String, Value)>),
    /// `<nil/>` arrives as Python's `None` (never sent back: 4.3 has no `allow_none`).
    Nil,
    /// An already encoded `<value>…</value>\n` element (from [`Value::encode`]), written
    /// as is: a server may keep the encoding of a large answer while it stays the same.
    /// Never produced by the parser.
    Encoded(std::sync::Arc<str>),
}

impl Value {
    /// An int clamped to the XML-RPC range, as supervisord's `capped_int` does for
    /// timestamps.
    pub fn capped(i: i64) -> Value {
        Value::Int(i.clamp(MININT, MAXINT))
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A struct from `(key, value)` pairs.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Struct(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The member `key` of a struct.
    pub fn member(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Struct(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// This value encoded once, to be sent again and again as [`Value::Encoded`].
    pub fn encode(&self) -> Value {
        let mut out = String::new();
        self.write_xml(&mut out);
        Value::Encoded(out.into())
    }

    /// Append this value as Python's marshaller writes it (ending with `\n`).
    pub fn write_xml(&self, out: &mut String) {
        match self {
            Value::Int(i) => {
                let _ = writeln!(out, "<value><int>{i}</int></value>");
            }
            Value::Bool(b) => {
                let _ = writeln!(out, "<value><boolean>{}</boolean></value>", u8::from(*b));
            }
            Value::String(s) => {
                out.push_str("<value><string>");
                escape_into(s, out);
                out.push_str("</string></value>\n");
            }
            Value::Double(d) => {
                let _ = writeln!(
                    out,
                    "<value><double>{}</double></value>",
                    supervisor_core::pyrepr::repr_float(*d)
                );
            }
            Value::DateTime(t) => {
                out.push_str("<value><dateTime.iso8601>");
                escape_into(t, out);
                out.push_str("</dateTime.iso8601></value>\n");
            }
            Value::Array(items) => {
                out.push_str("<value><array><data>\n");
                for item in items {
                    item.write_xml(out);
                }
                out.push_str("</data></array></value>\n");
            }
            Value::Struct(members) => {
                out.push_str("<value><struct>\n");
                for (name, value) in members {
                    out.push_str("<member>\n<name>");
                    escape_into(name, out);
                    out.push_str("</name>\n");
                    value.write_xml(out);
                    out.push_str("</member>\n");
                }
                out.push_str("</struct></value>\n");
            }
            // Python would refuse to marshal None (HTTP 500); no method returns it.
            Value::Nil => out.push_str("<value><nil/></value>\n"),
            Value::Encoded(xml) => out.push_str(xml),
        }
    }
}

/// `xmlrpc.client.escape`: `&`, `<`, `>` only.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// A `methodResponse` carrying `value`, byte for byte as 4.3 sends it.
pub fn encode_response(value: &Value) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
    value.write_xml(&mut out);
    out.push_str("</param>\n</params>\n</methodResponse>\n");
    out
}

/// A fault `methodResponse` (`faultCode`, `faultString`), byte for byte as 4.3 sends it.
pub fn encode_fault(code: i64, string: &str) -> String {
    let mut out = String::from("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
    fault_struct(code, string).write_xml(&mut out);
    out.push_str("</fault>\n</methodResponse>\n");
    out
}

/// `{'faultCode': code, 'faultString': string}`, also how `system.multicall` reports
/// a failed call.
pub fn fault_struct(code: i64, string: &str) -> Value {
    Value::object([
        ("faultCode", Value::Int(code)),
        ("faultString", Value::str(string)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_bytes_match_python_dumps() {
        // xmlrpc.client.dumps(([1,"a<&>",True,{"k":1.5,"b":[]}],), methodresponse=True)
        let v = Value::Array(vec![
            Value::Int(1),
            Value::str("a<&>"),
            Value::Bool(true),
            Value::object([("k", Value::Double(1.5)), ("b", Value::Array(vec![]))]),
        ]);
        assert_eq!(
            encode_response(&v),
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n<value><int>1</int></value>\n<value><string>a&lt;&amp;&gt;</string></value>\n<value><boolean>1</boolean></value>\n<value><struct>\n<member>\n<name>k</name>\n<value><double>1.5</double></value>\n</member>\n<member>\n<name>b</name>\n<value><array><data>\n</data></array></value>\n</member>\n</struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n"
        );
    }

    #[test]
    fn an_encoded_value_is_written_as_it_was() {
        let v = Value::Array(vec![Value::Int(1), Value::str("a<")]);
        let once = v.encode();
        assert_eq!(encode_response(&once), encode_response(&v));
        let nested = Value::Array(vec![once, Value::Bool(false)]);
        let plain = Value::Array(vec![v, Value::Bool(false)]);
        assert_eq!(encode_response(&nested), encode_response(&plain));
    }

    #[test]
    fn fault_bytes_match_python_dumps() {
        assert_eq!(
            encode_fault(1, "UNKNOWN_METHOD"),
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
        );
    }

    #[test]
    fn capped_ints() {
        assert_eq!(Value::capped(1 << 40), Value::Int(MAXINT));
        assert_eq!(Value::capped(-(1 << 40)), Value::Int(MININT));
    }
}
