//! supervisor's `saneget`: read an option (own value, else `[DEFAULT]`), `%`-expand it
//! against the parser-wide names plus call-specific ones, and remember where it came from so
//! that a later validation error can name the file and line.

use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::ini::IniDocument;
use crate::pyfmt::{PyDict, expand};
use std::path::Path;
use std::sync::Arc;

/// A value read from the document (or a default), with its origin.
#[derive(Debug, Clone)]
pub(crate) struct Got {
    /// The (expanded) text.
    pub text: String,
    /// File and line of the option, `None` for a default.
    pub origin: Option<(Arc<Path>, usize)>,
    /// Section and option names, for error locations.
    pub section: String,
    pub option: String,
}

impl Got {
    /// An error about this value: the original's message plus our location.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        let err = ConfigError::new(message);
        let err = match &self.origin {
            Some((file, line)) => err.at(file, Some(*line)),
            None => err,
        };
        err.in_option(&self.section, Some(&self.option))
    }

    /// Validate with a datatype parser, turning its message into a located error.
    pub fn parse<T>(&self, f: impl FnOnce(&str) -> Result<T, String>) -> Result<T, ConfigError> {
        f(&self.text).map_err(|m| self.error(m))
    }
}

/// Reads options from a document the way `UnhosedConfigParser.saneget` does.
pub(crate) struct Getter<'a> {
    pub doc: &'a IniDocument,
    /// `parser.expansions`: the `ENV_*` names (grown by `[supervisord] environment`).
    pub environ: &'a PyDict,
    pub ctx: &'a LoadContext,
}

impl Getter<'_> {
    /// `saneget(section, option, default, do_expand, expansions)`.
    ///
    /// String defaults are returned unexpanded (supervisor expands them too, but no default
    /// contains a `%`). `None` when the option is absent and there is no default.
    pub fn get(
        &self,
        section: &str,
        option: &str,
        default: Option<&str>,
        do_expand: bool,
        extra: &PyDict,
    ) -> Result<Option<Got>, ConfigError> {
        let (raw, origin) = match self.doc.get(section, option) {
            Some(v) => (v.text.clone(), Some((v.file.clone(), v.line))),
            None => match default {
                Some(d) => (d.to_string(), None),
                None => return Ok(None),
            },
        };
        let mut got = Got {
            text: raw,
            origin,
            section: section.to_string(),
            option: option.to_string(),
        };
        // Python's `s % d` with a mapping leaves a text without '%' as it is (and cannot
        // fail), so the expansion dict is only built for texts that hold one.
        if do_expand && got.origin.is_some() && got.text.contains('%') {
            let mut combined = self.environ.clone();
            combined.update(extra);
            got.text = expand(&got.text, &combined, &format!("{section}.{option}"))
                .map_err(|m| got.error(m))?;
        }
        Ok(Some(got))
    }

    /// `get` with expansion and a string default, which is then always present.
    pub fn get_or(
        &self,
        section: &str,
        option: &str,
        default: &str,
        extra: &PyDict,
    ) -> Result<Got, ConfigError> {
        let got = self.get(section, option, Some(default), true, extra)?;
        Ok(got.unwrap_or_else(|| Got {
            text: default.to_string(),
            origin: None,
            section: section.to_string(),
            option: option.to_string(),
        }))
    }
}
