//! Python's `str % mapping` and `repr(str)`, as far as supervisord's `%(name)s` expansion
//! needs them (spec §1.3).
//!
//! supervisord runs every option value through `value % expansions` where `expansions` is a
//! dict of strings and ints. That is full Python %-formatting: `%(process_num)02d`, `%%`,
//! and even a bare `%s`, which formats the *whole dict* (`command=date +%s` really becomes
//! `date +{'ENV_HOME': ...}` in 4.3). [`PyDict`] keeps insertion order so that rendering
//! matches Python's, and [`percent_format`] reproduces CPython's parser and its error texts.

/// A value in an expansion dict: supervisord only ever puts `str` and `int` there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyValue {
    /// A Python `str`.
    Str(String),
    /// A Python `int` (`process_num`, `numprocs`).
    Int(i64),
}

impl PyValue {
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            PyValue::Str(_) => "str",
            PyValue::Int(_) => "int",
        }
    }
    pub(crate) fn repr(&self) -> String {
        match self {
            PyValue::Str(s) => repr_str(s),
            PyValue::Int(i) => i.to_string(),
        }
    }
}

/// An insertion-ordered dict with Python's update semantics (re-setting a key keeps its place).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PyDict {
    entries: Vec<(String, PyValue)>,
}

impl PyDict {
    /// An empty dict.
    pub fn new() -> Self {
        PyDict::default()
    }
    /// `d[key] = value`.
    pub fn set(&mut self, key: &str, value: PyValue) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }
    /// `d[key] = value` for a string value.
    pub fn set_str(&mut self, key: &str, value: &str) {
        self.set(key, PyValue::Str(value.to_string()));
    }
    /// `d.update(other)`.
    pub fn update(&mut self, other: &PyDict) {
        for (k, v) in &other.entries {
            self.set(k, v.clone());
        }
    }
    /// `d.get(key)`.
    pub fn get(&self, key: &str) -> Option<&PyValue> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
    /// `repr(d)` (or `ascii(d)` when `ascii`).
    pub(crate) fn repr(&self, ascii: bool) -> String {
        let mut out = String::from("{");
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&repr_str(k));
            out.push_str(": ");
            out.push_str(&v.repr());
        }
        out.push('}');
        if ascii { ascii_escape(&out) } else { out }
    }
}

use supervisor_core::pyrepr::push_escape;
pub use supervisor_core::pyrepr::repr_str;

/// `ascii()` applied to an already-`repr`ed text: escape every non-ASCII character.
pub(crate) fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        if c.is_ascii() {
            out.push(c)
        } else {
            push_escape(&mut out, c)
        }
    }
    out
}

mod percent;
pub use percent::{FormatError, percent_format};

/// supervisord's `expand(s, expansions, name)`: `s % expansions` with its two error texts.
pub fn expand(s: &str, dict: &PyDict, name: &str) -> Result<String, String> {
    percent_format(s, dict).map_err(|err| match err {
        FormatError::MissingKey(key) => {
            let mut available: Vec<&str> = dict.keys().collect();
            available.sort_unstable();
            format!(
                "Format string {} for {} contains names ({}) which cannot be expanded. \
                 Available names: {}",
                repr_str(s),
                repr_str(name),
                repr_str(&key),
                available.join(", ")
            )
        }
        FormatError::Bad(msg) => format!(
            "Format string {} for {} is badly formatted: {msg}",
            repr_str(s),
            repr_str(name)
        ),
    })
}

#[cfg(test)]
mod tests {
    //! Spec §1.3 examples (the recorded comparison with CPython is in `differential_tests.rs`).
    use super::*;

    fn dict() -> PyDict {
        let mut d = PyDict::new();
        d.set_str("program_name", "web");
        d.set("process_num", PyValue::Int(3));
        d
    }

    #[test]
    fn specs_and_literal_percent() {
        let d = dict();
        assert_eq!(
            percent_format("%(program_name)s_%(process_num)02d", &d),
            Ok("web_03".into())
        );
        assert_eq!(percent_format("100%%", &d), Ok("100%".into()));
        assert_eq!(
            percent_format("%(process_num)#x|%(process_num)-3d|", &d),
            Ok("0x3|3  |".into())
        );
        // a bare %s formats the whole dict, as Python does
        assert_eq!(
            percent_format("+%s", &d),
            Ok("+{'program_name': 'web', 'process_num': 3}".into())
        );
    }

    #[test]
    fn supervisor_error_texts() {
        let d = dict();
        assert_eq!(
            expand("%(nope)s", &d, "program:web.command"),
            Err("Format string '%(nope)s' for 'program:web.command' contains names ('nope') which cannot be \
                 expanded. Available names: process_num, program_name"
                .into())
        );
        assert_eq!(
            expand("100%", &d, "x"),
            Err("Format string '100%' for 'x' is badly formatted: incomplete format".into())
        );
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("a\u{0}\u{e9}\u{2028}"), "'a\\x00\u{e9}\\u2028'");
    }
}
