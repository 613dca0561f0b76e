//! Python's `repr()` of a `str`, as supervisord's `%r` messages print it.
//!
//! supervisord quotes names and values in many of its messages with `%r`
//! (`value 'FOO' is not a valid signal name`, `can't find command 'x'`); reproducing those
//! texts byte for byte needs Python's quote choice and escapes, including which characters
//! Python 3.11 considers printable. Every crate of the workspace uses this one copy.

use std::fmt::Write as _;

mod nonprintable;

/// Python's `repr(s)` for a `str`: quote choice, `\\`, `\n`, `\r`, `\t`, `\xNN`, `\uNNNN`.
///
/// Printability is `str.isprintable` of Python 3.11 (Unicode 14.0).
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => push_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

/// Append Python's escape for `c` (`\xNN`, `\uNNNN`, `\UNNNNNNNN`), as `repr`/`ascii` write it.
pub fn push_escape(out: &mut String, c: char) {
    let n = c as u32;
    // Writing to a String cannot fail.
    let _ = if n < 0x100 {
        write!(out, "\\x{n:02x}")
    } else if n < 0x10000 {
        write!(out, "\\u{n:04x}")
    } else {
        write!(out, "\\U{n:08x}")
    };
}

/// Python's `str.isprintable` for one character (Unicode 14 tables).
fn is_printable(c: char) -> bool {
    let n = c as u32;
    nonprintable::NON_PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < n {
                std::cmp::Ordering::Less
            } else if lo > n {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_err()
}

