//! `split` against `shlex.split` of CPython 3.11. Expected values printed by:
//!
//! ```python
//! import shlex
//! for c in cases:
//!     try: r = repr(shlex.split(c))
//!     except ValueError as e: r = "ERR " + str(e)
//!     print(repr(c), "=>", r)
//! ```

use supervisor_io::{SplitError, split};

#[test]
fn words_match_python() {
    let table: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   ", &[]),
        ("/bin/echo hi", &["/bin/echo", "hi"]),
        ("a  b\tc\nd\re", &["a", "b", "c", "d", "e"]),
        ("'a b' c", &["a b", "c"]),
        ("\"a b\" c", &["a b", "c"]),
        ("a'b'c", &["abc"]),
        ("a\"b\"c", &["abc"]),
        ("''", &[""]),
        ("\"\"", &[""]),
        ("a '' b", &["a", "", "b"]),
        ("a\\ b", &["a b"]),
        ("a\\\\b", &["a\\b"]),
        ("\"a\\\"b\"", &["a\"b"]),
        ("\"a\\\\b\"", &["a\\b"]),
        ("\"a\\nb\"", &["a\\nb"]),
        ("'a\\nb'", &["a\\nb"]),
        ("'a\\'", &["a\\"]),
        ("a\\\nb", &["a\nb"]),
        ("a#b #c", &["a#b", "#c"]),
        ("\"\\$HOME\"", &["\\$HOME"]),
        ("\\\"", &["\""]),
        ("\\'", &["'"]),
        ("x\x0by", &["x\x0by"]),
        ("x\x0cy", &["x\x0cy"]),
        ("é ü", &["é", "ü"]),
        ("\"a'b\"", &["a'b"]),
        ("'a\"b'", &["a\"b"]),
        ("a\\\"b", &["a\"b"]),
        ("\"a\\'b\"", &["a\\'b"]),
        ("a\\\tb", &["a\tb"]),
        ("--flag=\"x y\"", &["--flag=x y"]),
        ("a;b|c&d", &["a;b|c&d"]),
        ("$(x) `y`", &["$(x)", "`y`"]),
    ];
    for (input, want) in table {
        let got = split(input);
        let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(got, Ok(want), "shlex.split({input:?})");
    }
}

#[test]
fn errors_match_python() {
    let table: &[(&str, SplitError, &str)] = &[
        (
            "a\\",
            SplitError::NoEscapedCharacter,
            "No escaped character",
        ),
        (
            "'abc",
            SplitError::NoClosingQuotation,
            "No closing quotation",
        ),
        (
            "\"abc",
            SplitError::NoClosingQuotation,
            "No closing quotation",
        ),
        (
            "a\"b\\",
            SplitError::NoEscapedCharacter,
            "No escaped character",
        ),
        (
            "\"a\\",
            SplitError::NoEscapedCharacter,
            "No escaped character",
        ),
    ];
    for (input, want, text) in table {
        assert_eq!(split(input), Err(*want), "shlex.split({input:?})");
        assert_eq!(want.to_string(), *text);
    }
}
