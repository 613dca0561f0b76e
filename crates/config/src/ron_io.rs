//! The model as RON, for Rust programs that embed a configuration without INI.

use crate::model::Config;

impl Config {
    /// The configuration as pretty-printed RON.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
    }

    /// A configuration from RON (as written by [`Config::to_ron`]).
    ///
    /// The model is taken as given: RON input is not re-validated against the INI rules.
    pub fn from_ron(text: &str) -> Result<Config, ron::error::SpannedError> {
        ron::from_str(text)
    }
}
