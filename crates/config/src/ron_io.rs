//! The model as RON, for Rust programs that embed a configuration without INI.

use crate::error::ConfigError;
use crate::model::Config;

/// Why RON text could not become a [`Config`].
#[derive(Debug, thiserror::Error)]
pub enum RonError {
    /// Not RON, or not the shape of a `Config` (the author of the text is at fault).
    #[error("invalid RON: {0}")]
    Syntax(#[from] ron::error::SpannedError),
    /// Well-formed, but holds something supervisord would refuse ([`Config::validate`]).
    #[error("{0}")]
    Invalid(#[from] ConfigError),
}

impl Config {
    /// The configuration as pretty-printed RON.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
    }

    /// A configuration from RON (as written by [`Config::to_ron`]), checked with
    /// [`Config::validate`].
    pub fn from_ron(text: &str) -> Result<Config, RonError> {
        let config: Config = ron::from_str(text)?;
        config.validate()?;
        Ok(config)
    }
}
