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
    repr_bytes(s.as_bytes())
}

/// Python's `repr(float)` (what `xmlrpc.client` writes for a double, and what
/// `str()`/`repr()` print): the shortest digits
/// that round-trip; scientific notation when the decimal exponent is below -4 or above 15
/// (`1e-05`, `2.5e+299`: sign always, two digits at least), otherwise positional with at
/// least one decimal (`1000000000000000.0`, `0.0001`, `-0.0`); `inf`, `-inf`, `nan`.
pub fn repr_float(d: f64) -> String {
    if d.is_nan() {
        return "nan".to_owned();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let sci = format!("{d:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if d != 0.0 && !(-4..16).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.unsigned_abs());
    }
    let mut fixed = format!("{d}");
    if !fixed.contains('.') {
        fixed.push_str(".0");
    }
    fixed
}

/// `repr(os.fsdecode(b))`: like [`repr_str`], with each invalid UTF-8 byte shown as the
/// lone surrogate Python's `surrogateescape` handler makes of it (`\udcff`) — how
/// supervisord prints paths and commands that are not valid UTF-8.
pub fn repr_bytes(b: &[u8]) -> String {
    let chunks: Vec<_> = b.utf8_chunks().collect();
    let has_single = chunks.iter().any(|c| c.valid().contains('\''));
    let has_double = chunks.iter().any(|c| c.valid().contains('"'));
    let quote = if has_single && !has_double { '"' } else { '\'' };
    let mut out = String::with_capacity(b.len() + 2);
    out.push(quote);
    for chunk in chunks {
        for c in chunk.valid().chars() {
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
        for byte in chunk.invalid() {
            let _ = write!(out, "\\udc{byte:02x}");
        }
    }
    out.push(quote);
    out
}

/// `repr(b)` for a Python `bytes` object: `b'...'`, printable ASCII as is, `\\`, the
/// quote, `\t`, `\n`, `\r` escaped, every other byte as `\xNN`. supervisord logs
/// undecodable child output and listener protocol bytes this way (`b'RESULT 2\nOK'`).
pub fn repr_bytes_literal(b: &[u8]) -> String {
    // one implementation, in the crate that renders event payloads
    eventproto::repr_bytes_literal(b)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_python_reprs() {
        // repr() of each, from CPython 3
        let cases: &[(f64, &str)] = &[
            (1e-5, "1e-05"),
            (2.5e299, "2.5e+299"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (1.5, "1.5"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-2.5e-7, "-2.5e-07"),
            (f64::INFINITY, "inf"),
            (f64::NAN, "nan"),
            (100.0, "100.0"),
            (1e22, "1e+22"),
        ];
        for &(d, want) in cases {
            assert_eq!(repr_float(d), want, "{d:?}");
        }
    }
}
