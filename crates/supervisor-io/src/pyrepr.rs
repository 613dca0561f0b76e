//! Python's `repr()` of strings and bytes, because supervisord formats paths and commands
//! with `%r` in its spawn errors (`can't find command 'foo'`) and logs undecodable output
//! as `b'...'`. One implementation serves the workspace: `supervisor_core::pyrepr`
//! (Python 3.11's full `str.isprintable` tables); this module re-exports it.

pub use supervisor_core::pyrepr::{repr_bytes, repr_bytes_literal, repr_str};

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by CPython 3.11: `for c in cases: print(repr(c))`.
    #[test]
    fn matches_python() {
        let table: &[(&str, &str)] = &[
            ("foo", "'foo'"),
            ("foo'bar", "\"foo'bar\""),
            ("a\"b", "'a\"b'"),
            ("a'b\"c", "'a\\'b\"c'"),
            ("a\\b", "'a\\\\b'"),
            ("tab\there", "'tab\\there'"),
            ("nl\n", "'nl\\n'"),
            ("\x7f\x01", "'\\x7f\\x01'"),
            ("é", "'é'"),
            ("\u{a0}", "'\\xa0'"),
            ("\u{200b}", "'\\u200b'"),
            ("\u{2028}", "'\\u2028'"),
            ("\u{e000}", "'\\ue000'"),
            ("\u{1F600}", "'\u{1F600}'"),
            ("a b", "'a b'"),
        ];
        for (input, want) in table {
            assert_eq!(&repr_str(input), want, "repr({input:?})");
        }
        // python: repr(os.fsdecode(b'/tmp/x\xff'))
        assert_eq!(repr_bytes(b"/tmp/x\xff"), "'/tmp/x\\udcff'");
    }
}
