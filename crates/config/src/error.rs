//! The one error type of the crate: the original's message text plus where it came from.

use std::fmt;
use std::path::{Path, PathBuf};

/// A configuration that supervisord 4.3 would refuse (or a file it could not read).
///
/// [`message`](ConfigError::message) is exactly the text Python's supervisord prints after
/// `Error: ` (and returns in a `CANT_REREAD` fault), including its own location suffixes such
/// as `in section 'program:x' (file: '...')`. The structured location ([`file`](Self::file),
/// [`line`](Self::line), [`section`](Self::section), [`option`](Self::option)) is ours and is
/// filled in where known; `Display` prefixes it to the message.
///
/// The fault is always the configuration author's (or the file system's, for unreadable
/// files): the crate has no internal error state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    message: String,
    file: Option<PathBuf>,
    line: Option<usize>,
    section: Option<String>,
    option: Option<String>,
}

impl ConfigError {
    /// An error with the original's message and no location yet.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            message: message.into(),
            file: None,
            line: None,
            section: None,
            option: None,
        }
    }

    /// Set the file and line unless already known (inner locations are more precise).
    pub(crate) fn at(mut self, file: &Path, line: Option<usize>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
            self.line = line;
        }
        self
    }

    /// Set the section and option unless already known.
    pub(crate) fn in_option(mut self, section: &str, option: Option<&str>) -> Self {
        if self.section.is_none() {
            self.section = Some(section.to_string());
            self.option = option.map(str::to_string);
        }
        self
    }

    /// Replace the message text, keeping the location (used where the original wraps a
    /// message, e.g. `Invalid sockchown value ...` or the program-section suffix).
    pub(crate) fn map_message(mut self, f: impl FnOnce(&str) -> String) -> Self {
        self.message = f(&self.message);
        self
    }

    /// Where no value location is known but the section is, point at the section header.
    pub(crate) fn located_by_section(self, doc: &crate::ini::IniDocument) -> Self {
        if self.file.is_some() {
            return self;
        }
        let origin = self.section.as_deref().and_then(|s| doc.section_origin(s));
        match origin {
            Some((file, line)) => {
                let file = file.to_path_buf();
                self.at(&file, Some(line))
            }
            None => self,
        }
    }

    /// The original's message text, byte for byte (what follows `Error: `).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file the offending value (or syntax error) came from, when known.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The 1-based line of the offending value or syntax error, when known.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The section (`program:x`) whose value is at fault, when known.
    pub fn section(&self) -> Option<&str> {
        self.section.as_deref()
    }

    /// The option (`command`) whose value is at fault, when known.
    pub fn option(&self) -> Option<&str> {
        self.option.as_deref()
    }
}

impl fmt::Display for ConfigError {
    /// `file:line: [section] option: message`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            f.write_str(": ")?;
        }
        if let Some(section) = &self.section {
            write!(f, "[{section}] ")?;
            if let Some(option) = &self.option {
                write!(f, "{option}: ")?;
            }
        }
        f.write_str(&self.message)
    }
}

/// Result alias used inside the crate.
pub(crate) type Result<T, E = ConfigError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_adds_known_location_only() {
        let bare = ConfigError::new("boom");
        assert_eq!(bare.to_string(), "boom");
        let full = ConfigError::new("boom")
            .at(Path::new("/etc/s.conf"), Some(3))
            .in_option("program:x", Some("command"));
        assert_eq!(full.to_string(), "/etc/s.conf:3: [program:x] command: boom");
        assert_eq!(full.message(), "boom");
        // inner locations win
        let kept = full
            .clone()
            .at(Path::new("/other"), None)
            .in_option("y", None);
        assert_eq!(kept, full);
    }
}
