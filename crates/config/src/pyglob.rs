//! Python's `glob.glob` (non-recursive) and `fnmatch`, for `[include] files`.
//!
//! Written out rather than taken from the `glob` crate because the details decide which
//! files are included: a wildcard never matches a leading dot unless the pattern component
//! starts with one (`conf.d/.*.conf` does match `.hidden.conf`), an unclosed `[` is a
//! literal, and no file name (even a non-UTF-8 one) can make the search fail.

use std::path::Path;

/// `glob.glob(pattern)` on an absolute (or cwd-relative) pattern, in directory order.
pub(crate) fn glob(pattern: &str, cwd: &Path) -> Vec<String> {
    iglob(pattern, cwd, false)
}

fn has_magic(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// `os.path.split`.
fn split(p: &str) -> (String, String) {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    let (head, tail) = p.split_at(i);
    let head = if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/')
    } else {
        head
    };
    (head.to_string(), tail.to_string())
}

fn resolve(p: &str, cwd: &Path) -> std::path::PathBuf {
    if p.is_empty() {
        cwd.to_path_buf()
    } else {
        cwd.join(p)
    }
}

fn iglob(pattern: &str, cwd: &Path, dironly: bool) -> Vec<String> {
    let (dirname, basename) = split(pattern);
    if !has_magic(pattern) {
        let found = if basename.is_empty() {
            resolve(&dirname, cwd).is_dir()
        } else {
            std::fs::symlink_metadata(resolve(pattern, cwd)).is_ok()
        };
        return if found {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        };
    }
    let dirs = if !dirname.is_empty() && dirname != pattern && has_magic(&dirname) {
        iglob(&dirname, cwd, true)
    } else {
        vec![dirname.clone()]
    };
    let mut out = Vec::new();
    for dir in dirs {
        let names = if has_magic(&basename) {
            glob_in_dir(&dir, &basename, cwd, dironly)
        } else if basename.is_empty() {
            if resolve(&dir, cwd).is_dir() {
                vec![basename.clone()]
            } else {
                Vec::new()
            }
        } else if std::fs::symlink_metadata(resolve(&crate::paths::join(&dir, &basename), cwd))
            .is_ok()
        {
            vec![basename.clone()]
        } else {
            Vec::new()
        };
        out.extend(
            names
                .into_iter()
                .map(|name| crate::paths::join(&dir, &name)),
        );
    }
    out
}

/// `_glob1`: the matching names in one directory; hidden names only for a hidden pattern.
fn glob_in_dir(dir: &str, pattern: &str, cwd: &Path, dironly: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(resolve(dir, cwd)) else {
        return Vec::new();
    };
    let matcher = Pattern::new(pattern);
    entries
        .filter_map(|e| e.ok())
        .filter(|e| !dironly || e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| pattern.starts_with('.') || !name.starts_with('.'))
        .filter(|name| matcher.matches(name))
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    AnyChar,
    AnySequence,
    /// `[...]`: ranges, negated with `!`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// An `fnmatch` pattern (case-sensitive, as on POSIX).
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    /// Compile like `fnmatch.translate`.
    pub(crate) fn new(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::AnySequence) {
                        tokens.push(Token::AnySequence);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => {
                    let mut j = i;
                    if chars.get(j) == Some(&'!') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&']') {
                        j += 1;
                    }
                    while j < chars.len() && chars[j] != ']' {
                        j += 1;
                    }
                    if j >= chars.len() {
                        tokens.push(Token::Literal('['));
                        continue;
                    }
                    let mut stuff = &chars[i..j];
                    i = j + 1;
                    let negated = stuff.first() == Some(&'!');
                    if negated {
                        stuff = &stuff[1..];
                    }
                    let mut ranges = Vec::new();
                    let mut k = 0;
                    while k < stuff.len() {
                        if k + 2 < stuff.len() && stuff[k + 1] == '-' {
                            if stuff[k] <= stuff[k + 2] {
                                ranges.push((stuff[k], stuff[k + 2]));
                            }
                            k += 3;
                        } else {
                            ranges.push((stuff[k], stuff[k]));
                            k += 1;
                        }
                    }
                    tokens.push(Token::Class { negated, ranges });
                }
                c => tokens.push(Token::Literal(c)),
            }
        }
        Pattern { tokens }
    }

    /// Whether the whole name matches.
    pub(crate) fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        // Classic wildcard matching with one backtrack point per `*` (linear-ish, no recursion).
        let (mut t, mut c) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while c < chars.len() {
            let step = match self.tokens.get(t) {
                Some(Token::AnySequence) => {
                    star = Some((t, c));
                    t += 1;
                    continue;
                }
                Some(Token::AnyChar) => true,
                Some(Token::Literal(l)) => *l == chars[c],
                Some(Token::Class { negated, ranges }) => {
                    ranges
                        .iter()
                        .any(|&(lo, hi)| lo <= chars[c] && chars[c] <= hi)
                        != *negated
                }
                None => false,
            };
            if step {
                t += 1;
                c += 1;
            } else if let Some((st, sc)) = star {
                t = st + 1;
                c = sc + 1;
                star = Some((st, sc + 1));
            } else {
                return false;
            }
        }
        self.tokens[t..]
            .iter()
            .all(|tok| *tok == Token::AnySequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_like_python() {
        let m = |p: &str, n: &str| Pattern::new(p).matches(n);
        assert!(m("*.conf", "a.conf"));
        assert!(!m("*.conf", "a.conf.bak"));
        assert!(m("a?c", "abc"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("[!a-c]x", "dx"));
        assert!(m("[]]", "]"));
        assert!(m("[", "["));
        assert!(m("a[", "a["));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b*", "xxbxxaxx"));
        assert!(!m("[z-a]*", ""));
        assert!(m("[a-]", "-"));
    }

    #[test]
    fn hidden_files_need_a_dotted_pattern() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [".hidden.conf", "w.conf", "x.ini"] {
            std::fs::write(dir.path().join(name), "").expect("write");
        }
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        let base = dir.path().to_string_lossy().into_owned();
        let mut all = glob(&format!("{base}/*.conf"), dir.path());
        all.sort();
        assert_eq!(all, [format!("{base}/w.conf")]);
        assert_eq!(
            glob(&format!("{base}/.*.conf"), dir.path()),
            [format!("{base}/.hidden.conf")]
        );
        assert_eq!(
            glob(&format!("{base}/s*/"), dir.path()),
            [format!("{base}/sub/")]
        );
        assert_eq!(
            glob(&format!("{base}/nothere/*.conf"), dir.path()),
            Vec::<String>::new()
        );
        assert_eq!(
            glob(&format!("{base}/w.conf"), dir.path()),
            [format!("{base}/w.conf")]
        );
    }
}
