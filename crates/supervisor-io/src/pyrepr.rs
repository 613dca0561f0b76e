//! Python's `repr()` of a string, because supervisord formats paths and commands with
//! `%r` in its spawn errors (`can't find command 'foo'`, `can't parse command 'a\\': ...`).
//!
//! Rules reproduced from CPython's `unicode_repr`:
//! - quote with `'`, unless the text contains `'` and no `"`, then with `"`;
//! - escape `\\`, the chosen quote, `\t`, `\n`, `\r`; other characters below U+0020 and
//!   U+007F as `\xNN`;
//! - keep printable non-ASCII as is; escape non-printable as `\xNN`, `\uNNNN` or
//!   `\UNNNNNNNN` (lower-case hex);
//! - bytes that are not UTF-8 appear as Python's `surrogateescape` decoding shows them:
//!   `\udcNN`.
//!
//! "Printable" follows `str.isprintable` for the categories that matter in practice
//! (controls, separators, format characters, private use, surrogates). Python also
//! escapes *unassigned* code points (category Cn); we do not carry the Unicode database
//! for that, so an unassigned code point is shown raw where Python would escape it.

use std::fmt::Write as _;

/// `repr(s)` for a Python `str` whose text is `s`.
pub fn repr_str(s: &str) -> String {
    repr_bytes(s.as_bytes())
}

/// `repr(os.fsdecode(b))`: like [`repr_str`], with each invalid UTF-8 byte shown as the
/// lone surrogate Python's `surrogateescape` error handler makes of it (`\udcff`).
pub fn repr_bytes(b: &[u8]) -> String {
    let chunks: Vec<_> = b.utf8_chunks().collect();
    let has_single = chunks.iter().any(|c| c.valid().contains('\''));
    let has_double = chunks.iter().any(|c| c.valid().contains('"'));
    let quote = if has_single && !has_double { '"' } else { '\'' };
    let mut out = String::with_capacity(b.len() + 2);
    out.push(quote);
    for chunk in chunks {
        for c in chunk.valid().chars() {
            push_char(&mut out, c, quote);
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\udc{byte:02x}");
        }
    }
    out.push(quote);
    out
}

fn push_char(out: &mut String, c: char, quote: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if is_printable(c) => out.push(c),
        c => {
            let cp = u32::from(c);
            let _ = if cp <= 0xff {
                write!(out, "\\x{cp:02x}")
            } else if cp <= 0xffff {
                write!(out, "\\u{cp:04x}")
            } else {
                write!(out, "\\U{cp:08x}")
            };
        }
    }
}

/// `str.isprintable()` for one character, minus the unassigned-code-point check.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    // Cc, and Zs/Zl/Zp (all whitespace other than ' ' is a control or a separator).
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let cp = u32::from(c);
    // Cf (format characters).
    const FORMAT: &[(u32, u32)] = &[
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x2064),
        (0x2066, 0x206f),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
    ];
    // Co (private use).
    const PRIVATE: &[(u32, u32)] = &[(0xe000, 0xf8ff), (0xf0000, 0xffffd), (0x100000, 0x10fffd)];
    !FORMAT
        .iter()
        .chain(PRIVATE)
        .any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

/// `repr(b)` for a Python `bytes` object: `b'...'`, printable ASCII as is, `\\`, the
/// quote, `\t`, `\n`, `\r` escaped, every other byte as `\xNN`. supervisord logs
/// undecodable child output this way (`Undecodable: b'\xff'`).
pub fn repr_bytes_literal(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            q if q == quote => {
                out.push('\\');
                out.push(char::from(q));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push(char::from(quote));
    out
}

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
