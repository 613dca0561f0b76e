//! The INI dialect: Python 3.11 `configparser.RawConfigParser` configured as supervisor's
//! `UnhosedConfigParser` (`inline_comment_prefixes=(';', '#')`, `strict=False`), spec §1.2.
//!
//! Reproduced rules: `=` and `:` delimiters (the first one wins), whitespace stripped around
//! both; full-line `#`/`;` comments; inline comments only after whitespace (found with
//! CPython's round-robin search); indented continuation lines joined with `\n`, blank lines
//! inside a value kept and trailing ones dropped; `[DEFAULT]` inherited by every section;
//! duplicate sections and options merged, later values winning; option names lower-cased,
//! section names kept; `[a]b` is section `a` (text after the last `]` is ignored); a line
//! without delimiter is a `ParsingError` listing every bad line; a key before any section is
//! a `MissingSectionHeaderError`. Lines are split with Python's universal newlines.

use crate::datatypes::{is_py_space, py_strip};
use crate::error::{ConfigError, Result};
use crate::pyfmt::repr_str;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One option value with the place it was (last) written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The raw text (continuation lines joined with `\n`), not yet `%`-expanded.
    pub text: String,
    /// The file it came from.
    pub file: Arc<Path>,
    /// The 1-based line of the option's first line.
    pub line: usize,
    /// Continuation lines while the file is being read (joined at its end).
    pending: Option<Vec<String>>,
}

type Options = Vec<(String, Value)>;

/// What `RawConfigParser` holds after reading one or more files.
#[derive(Debug, Clone, Default)]
pub struct IniDocument {
    defaults: Options,
    sections: Vec<(String, Options)>,
    /// Position of each section in `sections` (a config with hundreds of programs
    /// looks sections up tens of thousands of times).
    index: std::collections::HashMap<String, usize>,
    /// For sections first seen in an included file, that file (supervisor's
    /// `section_to_file`, filled only by `read`, not by the main file's `read_file`).
    section_to_file: Vec<(String, String)>,
    /// Where each section was first seen (file, header line), for error locations.
    section_origins: Vec<(String, Arc<Path>, usize)>,
}

impl IniDocument {
    /// An empty document.
    pub fn new() -> Self {
        IniDocument::default()
    }

    /// Section names in first-seen order (without `DEFAULT`).
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(name, _)| name.as_str())
    }

    /// Whether a section exists (`DEFAULT` never does).
    pub fn has_section(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn section(&self, name: &str) -> Option<&Options> {
        let i = *self.index.get(name)?;
        self.sections.get(i).map(|(_, o)| o)
    }

    fn section_mut(&mut self, name: &str) -> Option<&mut Options> {
        let i = *self.index.get(name)?;
        self.sections.get_mut(i).map(|(_, o)| o)
    }

    /// A new, empty section at the end.
    fn add_section(&mut self, name: &str) {
        self.index.insert(name.to_string(), self.sections.len());
        self.sections.push((name.to_string(), Vec::new()));
    }

    /// `get(section, option)`: the section's own value, else `[DEFAULT]`'s.
    /// `None` for a missing section too (callers check sections first).
    pub fn get(&self, section: &str, option: &str) -> Option<&Value> {
        let own = self.section(section)?.iter().find(|(k, _)| k == option);
        own.or_else(|| self.defaults.iter().find(|(k, _)| k == option))
            .map(|(_, v)| v)
    }

    /// `options(section)`: the section's keys, then `[DEFAULT]` keys it does not override.
    pub fn options(&self, section: &str) -> Vec<String> {
        let own: Vec<String> = match self.section(section) {
            Some(opts) => opts.iter().map(|(k, _)| k.clone()).collect(),
            None => return Vec::new(),
        };
        let inherited = self
            .defaults
            .iter()
            .map(|(k, _)| k)
            .filter(|k| !own.contains(k))
            .cloned();
        let mut all = own.clone();
        all.extend(inherited);
        all
    }

    /// The file and header line where a section first appeared.
    pub fn section_origin(&self, section: &str) -> Option<(&Path, usize)> {
        self.section_origins
            .iter()
            .find(|(s, _, _)| s == section)
            .map(|(_, file, line)| (file.as_ref(), *line))
    }

    /// The file a section first appeared in, if that was an included file.
    pub fn section_file(&self, section: &str) -> Option<&str> {
        self.section_to_file
            .iter()
            .find(|(s, _)| s == section)
            .map(|(_, f)| f.as_str())
    }

    /// Read one file's text as `read_file` does (errors name `source`).
    pub fn read_str(&mut self, text: &str, source: &str) -> Result<()> {
        Reader::new(self, source).run(text)
    }

    /// Read an included file as `RawConfigParser.read` does: unreadable files are skipped
    /// silently; new sections are attributed to `filename`.
    pub(crate) fn read_included(&mut self, path: &Path, filename: &str) -> Result<()> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(());
        };
        let text =
            decode_utf8(&bytes).map_err(|m| ConfigError::new(m).at(Path::new(filename), None))?;
        let before: Vec<String> = self.sections().map(str::to_string).collect();
        let result = self.read_str(&text, filename);
        let new: Vec<String> = self
            .sections()
            .filter(|s| !before.iter().any(|b| b == s))
            .map(str::to_string)
            .collect();
        for section in new {
            self.section_to_file.push((section, filename.to_string()));
        }
        result
    }

    /// supervisor's `expand_here`: textually replace `%(here)s` in every value visible from
    /// every section (inherited `[DEFAULT]` values are copied into the section).
    pub fn expand_here(&mut self, here: &str) {
        const HERE: &str = "%(here)s";
        let names: Vec<String> = self.sections().map(str::to_string).collect();
        for name in names {
            let mut visible: Options = self.defaults.clone();
            if let Some(own) = self.section(&name) {
                for (k, v) in own {
                    match visible.iter_mut().find(|(vk, _)| vk == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => visible.push((k.clone(), v.clone())),
                    }
                }
            }
            for (key, mut value) in visible {
                if value.text.contains(HERE) {
                    value.text = value.text.replace(HERE, here);
                    if let Some(opts) = self.section_mut(&name) {
                        set_option(opts, key, value);
                    }
                }
            }
        }
    }
}

fn set_option(opts: &mut Options, key: String, value: Value) {
    match opts.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => opts.push((key, value)),
    }
}

/// Decode a file as Python's UTF-8 text reader does, with its error text.
pub(crate) fn decode_utf8(bytes: &[u8]) -> std::result::Result<String, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(err) => {
            let at = err.valid_up_to();
            // Python decodes in 8192-byte chunks; positions are relative to the chunk
            // (which starts with any partial character left over from the previous one).
            let mut chunk_start = at / 8192 * 8192;
            while chunk_start > 0 && (bytes[chunk_start] & 0xC0) == 0x80 {
                chunk_start -= 1;
            }
            let (pos, len, reason) = match err.error_len() {
                Some(n) if (0xC2..=0xF4).contains(&bytes[at]) => {
                    (at - chunk_start, n, "invalid continuation byte")
                }
                Some(n) => (at - chunk_start, n, "invalid start byte"),
                // a truncated character at the end is only decoded (alone) by the final call
                None => (0, bytes.len() - at, "unexpected end of data"),
            };
            Err(if len == 1 {
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {pos}: {reason}",
                    bytes[at]
                )
            } else {
                format!(
                    "'utf-8' codec can't decode bytes in position {pos}-{}: {reason}",
                    pos + len - 1
                )
            })
        }
    }
}

/// Where the reader is putting options.
#[derive(Clone, PartialEq)]
enum Cursor {
    None,
    Defaults,
    Section(String),
}

struct Reader<'a> {
    doc: &'a mut IniDocument,
    source: &'a str,
    file: Arc<Path>,
    errors: Vec<(usize, String)>,
}

impl<'a> Reader<'a> {
    fn new(doc: &'a mut IniDocument, source: &'a str) -> Self {
        let file: Arc<Path> = Arc::from(PathBuf::from(source).as_path());
        Reader {
            doc,
            source,
            file,
            errors: Vec::new(),
        }
    }

    fn options(&mut self, cursor: &Cursor) -> Option<&mut Options> {
        match cursor {
            Cursor::None => None,
            Cursor::Defaults => Some(&mut self.doc.defaults),
            Cursor::Section(name) => self.doc.section_mut(name),
        }
    }

    fn run(mut self, text: &str) -> Result<()> {
        let mut cursor = Cursor::None;
        let mut optname: Option<String> = None;
        let mut indent_level = 0usize;
        for (index, line) in universal_lines(text).into_iter().enumerate() {
            let lineno = index + 1;
            let comment_start = comment_start(&line);
            let value = py_strip(&line[..comment_start.unwrap_or(line.len())]);
            if value.is_empty() {
                // a blank line (but not a comment line) is kept inside a multi-line value
                if comment_start.is_none()
                    && let Some(name) = optname.clone().filter(|n| !n.is_empty())
                    && let Some(v) = self
                        .options(&cursor)
                        .and_then(|o| o.iter_mut().find(|(k, _)| *k == name))
                {
                    v.1.pending.get_or_insert_with(Vec::new).push(String::new());
                }
                continue;
            }
            let cur_indent = line.chars().position(|c| !is_py_space(c)).unwrap_or(0);
            let continuing = cursor != Cursor::None
                && optname.as_deref().is_some_and(|n| !n.is_empty())
                && cur_indent > indent_level;
            if continuing {
                let name = optname.clone().unwrap_or_default();
                if let Some(v) = self
                    .options(&cursor)
                    .and_then(|o| o.iter_mut().find(|(k, _)| *k == name))
                {
                    v.1.pending
                        .get_or_insert_with(Vec::new)
                        .push(value.to_string());
                }
                continue;
            }
            indent_level = cur_indent;
            if let Some(header) = section_header(value) {
                cursor = if self.doc.has_section(header) {
                    Cursor::Section(header.to_string())
                } else if header == "DEFAULT" {
                    Cursor::Defaults
                } else {
                    self.doc.add_section(header);
                    self.doc
                        .section_origins
                        .push((header.to_string(), self.file.clone(), lineno));
                    Cursor::Section(header.to_string())
                };
                optname = None;
                continue;
            }
            if cursor == Cursor::None {
                return Err(ConfigError::new(format!(
                    "File contains no section headers.\nfile: {}, line: {lineno}\n{}",
                    repr_str(self.source),
                    repr_str(&line)
                ))
                .at(&self.file, Some(lineno)));
            }
            match split_option(value) {
                Some((name, optval)) => {
                    if name.is_empty() {
                        self.errors.push((lineno, repr_str(&line)));
                    }
                    let key = name.trim_end_matches(is_py_space).to_lowercase();
                    let val = Value {
                        text: String::new(),
                        file: self.file.clone(),
                        line: lineno,
                        pending: Some(vec![py_strip(optval).to_string()]),
                    };
                    if let Some(opts) = self.options(&cursor) {
                        set_option(opts, key.clone(), val);
                    }
                    optname = Some(key);
                }
                None => self.errors.push((lineno, repr_str(&line))),
            }
        }
        self.join_multiline_values();
        if self.errors.is_empty() {
            return Ok(());
        }
        let mut message = format!("Source contains parsing errors: {}", repr_str(self.source));
        for (lineno, line) in &self.errors {
            message.push_str(&format!("\n\t[line {lineno:2}]: {line}"));
        }
        Err(ConfigError::new(message).at(&self.file, Some(self.errors[0].0)))
    }

    fn join_multiline_values(&mut self) {
        let all = std::iter::once(&mut self.doc.defaults)
            .chain(self.doc.sections.iter_mut().map(|(_, o)| o));
        for opts in all {
            for (_, value) in opts.iter_mut() {
                if let Some(parts) = value.pending.take() {
                    value.text = parts.join("\n").trim_end_matches(is_py_space).to_string();
                }
            }
        }
    }
}

/// Split text into lines as Python's text files do (`\r\n`, `\r`, `\n`), keeping the `\n`.
fn universal_lines(text: &str) -> Vec<String> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    normalized
        .split_inclusive('\n')
        .map(str::to_string)
        .collect()
}

/// CPython's inline-comment search: each round advances every prefix to its next
/// occurrence; the first round that finds one preceded by whitespace (or at column 0) wins,
/// taking the smallest such position of that round. Full-line comments start at 0.
fn comment_start(line: &str) -> Option<usize> {
    let mut candidates: Vec<(char, Option<usize>)> = vec![(';', None), ('#', None)];
    let mut found: Option<usize> = None;
    while found.is_none() && !candidates.is_empty() {
        let mut next = Vec::new();
        for (prefix, last) in candidates {
            let from = last.map_or(0, |i| i + 1);
            let Some(rel) = line.get(from..).and_then(|rest| rest.find(prefix)) else {
                continue;
            };
            let index = from + rel;
            next.push((prefix, Some(index)));
            let after_space = line[..index].chars().next_back().is_none_or(is_py_space);
            if after_space {
                found = Some(found.map_or(index, |f: usize| f.min(index)));
            }
        }
        candidates = next;
    }
    let stripped = py_strip(line);
    if stripped.starts_with('#') || stripped.starts_with(';') {
        return Some(0);
    }
    found
}

/// `SECTCRE.match`: `[` + one or more characters + the LAST `]` on the line.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// `OPTCRE.match`: the option is everything before the first `=` or `:` (trailing
/// whitespace excluded); the value is the rest with leading whitespace removed.
fn split_option(value: &str) -> Option<(&str, &str)> {
    let delim = value.find(['=', ':'])?;
    let name = value[..delim].trim_end_matches(is_py_space);
    let rest = value[delim + 1..].trim_start_matches(is_py_space);
    Some((name, rest))
}

#[cfg(test)]
impl IniDocument {
    /// Whether the section itself (not `[DEFAULT]`) sets `option`.
    pub(crate) fn own(&self, section: &str, option: &str) -> bool {
        self.section(section)
            .is_some_and(|o| o.iter().any(|(k, _)| k == option))
    }
    /// `[DEFAULT]` keys in order.
    pub(crate) fn default_keys(&self) -> Vec<String> {
        self.defaults.iter().map(|(k, _)| k.clone()).collect()
    }
    /// A `[DEFAULT]` value.
    pub(crate) fn get_default(&self, option: &str) -> Option<&Value> {
        self.defaults
            .iter()
            .find(|(k, _)| k == option)
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    //! The spec §1.2 rules (the recorded comparison with CPython is in `differential_tests.rs`).
    use super::*;

    fn doc(text: &str) -> IniDocument {
        let mut doc = IniDocument::new();
        doc.read_str(text, "<t>").expect("parses");
        doc
    }
    fn value(d: &IniDocument, section: &str, option: &str) -> Option<String> {
        d.get(section, option).map(|v| v.text.clone())
    }

    #[test]
    fn delimiters_and_inline_comments() {
        let d = doc(
            "[a]\ncommand: /bin/cat\nb=x ;c\nc=x;c\nd=x #c\ne=bash -c 'foo ; bar'\nf = a;b ;c   #d\n",
        );
        assert_eq!(value(&d, "a", "command").as_deref(), Some("/bin/cat"));
        assert_eq!(value(&d, "a", "b").as_deref(), Some("x"));
        assert_eq!(value(&d, "a", "c").as_deref(), Some("x;c"));
        assert_eq!(value(&d, "a", "d").as_deref(), Some("x"));
        assert_eq!(value(&d, "a", "e").as_deref(), Some("bash -c 'foo"));
        // CPython's round-robin search finds `#` in the first round before the second `;`
        assert_eq!(value(&d, "a", "f").as_deref(), Some("a;b ;c"));
    }

    #[test]
    fn continuation_default_merge_and_case() {
        let d = doc("[DEFAULT]\nautostart=false\n[p]\nCommand=a\n  b\n\n  c\n\n[p]\nx=1\n[P]\n");
        assert_eq!(value(&d, "p", "command").as_deref(), Some("a\nb\n\nc"));
        assert_eq!(value(&d, "p", "autostart").as_deref(), Some("false"));
        assert_eq!(value(&d, "p", "x").as_deref(), Some("1"));
        assert_eq!(d.sections().collect::<Vec<_>>(), ["p", "P"]);
        assert_eq!(d.options("p"), ["command", "x", "autostart"]);
    }

    #[test]
    fn odd_lines() {
        let d = doc("[b] trailing\n[program:a\nk=v\n");
        assert_eq!(value(&d, "b", "[program").as_deref(), Some("a"));
        assert_eq!(d.sections().collect::<Vec<_>>(), ["b"]);
        let mut bad = IniDocument::new();
        let err = bad
            .read_str("[a]\ngarbage\n", "f.conf")
            .expect_err("bare word");
        assert_eq!(
            err.message(),
            "Source contains parsing errors: 'f.conf'\n\t[line  2]: 'garbage\\n'"
        );
        assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn expand_here_copies_inherited_values() {
        let mut d = doc("[DEFAULT]\nd=%(here)s/x\n[a]\n");
        d.expand_here("/etc");
        assert_eq!(d.options("a"), ["d"]);
        assert_eq!(value(&d, "a", "d").as_deref(), Some("/etc/x"));
    }
}
