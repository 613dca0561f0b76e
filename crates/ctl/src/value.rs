//! Reading XML-RPC values the way the original's Python code uses them: `str(v)`, `v[key]`,
//! truthiness, `==` against ints. Nothing here panics on a value of an unexpected shape;
//! a missing member is Python's `KeyError`.

use crate::pyerr::PyException;
use crate::text::repr;
pub use dxr::Value;

/// Python's `str(value)` for what `xmlrpc.client` decodes.
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr(value)`.
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Integer(i) => i.to_string(),
        Value::Boolean(true) => "True".into(),
        Value::Boolean(false) => "False".into(),
        Value::String(s) => repr(s),
        Value::Double(d) => supervisor_core::pyrepr::repr_float(*d),
        Value::DateTime(dt) => format!("<DateTime {dt:?}>"),
        Value::Base64(b) => format!(
            "<xmlrpc.client.Binary {}>",
            supervisor_core::pyrepr::repr_bytes_literal(b)
        ),
        Value::Struct(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        _ => "None".into(),
    }
}

/// Python truthiness.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Integer(i) => *i != 0,
        Value::Boolean(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Double(d) => *d != 0.0,
        Value::Base64(b) => !b.is_empty(),
        Value::Struct(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// The value as an int for `==` comparisons (`True == 1` in Python).
pub fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => Some(i64::from(*i)),
        Value::Boolean(b) => Some(i64::from(*b)),
        Value::Double(d) if d.fract() == 0.0 => Some(*d as i64),
        _ => None,
    }
}

/// `value[key]` of a struct.
pub fn member<'a>(value: &'a Value, key: &str) -> Result<&'a Value, PyException> {
    match value {
        Value::Struct(m) => m.get(key).ok_or_else(|| PyException::key_error(key)),
        Value::Array(_) => Err(PyException::type_error(
            "list indices must be integers or slices, not str",
        )),
        Value::String(_) => Err(PyException::type_error(
            "string indices must be integers, not 'str'",
        )),
        other => Err(PyException::type_error(format!(
            "'{}' object is not subscriptable",
            type_name(other)
        ))),
    }
}

/// `str(value[key])`.
pub fn member_str(value: &Value, key: &str) -> Result<String, PyException> {
    member(value, key).map(py_str)
}

/// Iterate a value the way `for x in value` does for what a server may return.
pub fn items(value: &Value) -> Result<Vec<&Value>, PyException> {
    match value {
        Value::Array(a) => Ok(a.iter().collect()),
        Value::Struct(m) if m.is_empty() => Ok(Vec::new()),
        Value::String(s) if s.is_empty() => Ok(Vec::new()),
        // iterating a str (or a dict's keys) gives strs, and indexing those by a key fails
        Value::String(_) | Value::Struct(_) => Err(PyException::type_error(
            "string indices must be integers, not 'str'",
        )),
        other => Err(PyException::type_error(format!(
            "'{}' object is not iterable",
            type_name(other)
        ))),
    }
}

/// Python's type name of a decoded value.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "int",
        Value::Boolean(_) => "bool",
        Value::String(_) => "str",
        Value::Double(_) => "float",
        Value::DateTime(_) => "DateTime",
        Value::Base64(_) => "Binary",
        Value::Struct(_) => "dict",
        Value::Array(_) => "list",
        _ => "NoneType",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn strings_like_python() {
        assert_eq!(py_str(&Value::Integer(5)), "5");
        assert_eq!(py_str(&Value::Boolean(true)), "True");
        assert_eq!(py_str(&Value::Double(3.0)), "3.0");
        assert_eq!(py_str(&Value::String("x".into())), "x");
        assert_eq!(
            py_str(&Value::Array(vec![
                Value::String("a".into()),
                Value::Integer(1)
            ])),
            "['a', 1]"
        );
    }

    #[test]
    fn members() {
        let mut m = BTreeMap::new();
        m.insert("pid".to_string(), Value::Integer(3));
        let v = Value::Struct(m);
        assert_eq!(member_str(&v, "pid").ok(), Some("3".to_string()));
        assert_eq!(
            member(&v, "name").err().map(|e| e.value),
            Some("'name'".to_string())
        );
        assert!(member(&Value::Integer(1), "x").is_err());
    }
}
