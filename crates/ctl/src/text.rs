//! Python string behaviours supervisorctl's output depends on: `str.split()`, `str.strip()`,
//! `%-Ns` padding, `split_namespec`/`make_namespec` (spec §3.3) and `repr()`.

/// Python's `str.isspace()` for one character: Unicode White_Space plus the ASCII
/// separators `\x1c`–`\x1f`, which Python also splits on.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `s.split()` (no separator): runs of whitespace separate, no empty words.
pub fn py_split(s: &str) -> Vec<&str> {
    s.split(is_py_space).filter(|w| !w.is_empty()).collect()
}

/// Python's `s.strip()`.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `'%-{width}s' % s`: left-justified, padded with spaces to `width` characters.
pub fn ljust(s: &str, width: usize) -> String {
    let len = s.chars().count();
    let mut out = String::with_capacity(s.len() + width.saturating_sub(len));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(len)));
    out
}

/// `split_namespec`: `g:p` → (g, Some(p)); `g:` and `g:*` → (g, None); `p` → (p, Some(p)).
/// Only the first colon separates.
pub fn split_namespec(namespec: &str) -> (String, Option<String>) {
    match namespec.split_once(':') {
        Some((group, process)) => {
            let process = (!process.is_empty() && process != "*").then(|| process.to_string());
            (group.to_string(), process)
        }
        None => (namespec.to_string(), Some(namespec.to_string())),
    }
}

/// `make_namespec`: `p` when group and process names are equal, else `g:p`. A missing process
/// name renders as Python's `None` (4.3 prints `g:None: ERROR (no such process)` for
/// `clear g:*`, spec §11 item 15).
pub fn make_namespec(group: &str, process: Option<&str>) -> String {
    match process {
        Some(p) if p == group => p.to_string(),
        Some(p) => format!("{group}:{p}"),
        None => format!("{group}:None"),
    }
}

/// Python's `repr()` of a str.
pub fn repr(s: &str) -> String {
    config::pyfmt::repr_str(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_like_python() {
        assert_eq!(py_split("  a\tb \x1c c\n"), ["a", "b", "c"]);
        assert_eq!(py_split(""), Vec::<&str>::new());
        assert_eq!(py_strip(" \x1f x y \u{a0}"), "x y");
    }

    #[test]
    fn namespecs() {
        assert_eq!(split_namespec("g:p"), ("g".into(), Some("p".into())));
        assert_eq!(split_namespec("g:*"), ("g".into(), None));
        assert_eq!(split_namespec("g:"), ("g".into(), None));
        assert_eq!(split_namespec("p"), ("p".into(), Some("p".into())));
        assert_eq!(split_namespec(":p"), ("".into(), Some("p".into())));
        assert_eq!(split_namespec("a:b:c"), ("a".into(), Some("b:c".into())));
        assert_eq!(make_namespec("g", Some("g")), "g");
        assert_eq!(make_namespec("g", Some("p")), "g:p");
        assert_eq!(make_namespec("g", None), "g:None");
    }

    #[test]
    fn padding_counts_characters() {
        assert_eq!(ljust("é", 3), "é  ");
        assert_eq!(ljust("long", 2), "long");
    }
}
