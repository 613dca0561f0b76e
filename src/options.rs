//! The config file with the command line on top, as 4.3's `ServerOptions.realize` builds it:
//! the command line overrides `[supervisord]`, which overrides the defaults. The merging is
//! the config crate's ([`config::load_with_args`]); this module adds the search for the file.

use crate::failure::Failure;
use config::{Config, LoadContext, Message, SupervisordArgs};

/// The warning 4.3 prints (through Python's `warnings`) when root starts supervisord without
/// `-c`.
pub const ROOT_SEARCH_WARNING: &str = "Supervisord is running as root and it is searching for \
its configuration file in default locations (including its current working directory); you \
probably want to specify a \"-c\" argument specifying an absolute path to a configuration file \
for improved security.";

/// A configuration ready to run.
#[derive(Debug, Clone)]
pub struct Realized {
    /// The config file that was read (as given to `-c` or found on the search path).
    pub configfile: String,
    /// `[supervisord]` with the command line applied, and everything else from the file.
    pub config: Config,
    /// What the config load wants logged (criticals, warnings, infos), in that order.
    pub messages: Vec<Message>,
}

/// The warning to print on stderr before searching for the config file: root without `-c`.
pub fn search_warning(cli: &SupervisordArgs, ctx: &LoadContext) -> Option<&'static str> {
    (cli.configfile.is_none() && ctx.uid == 0).then_some(ROOT_SEARCH_WARNING)
}

/// The config file to read: `-c`, else the first existing candidate of the search path
/// (none: the original's usage error).
pub fn configfile(
    cli: &SupervisordArgs,
    argv0: &str,
    ctx: &LoadContext,
) -> Result<String, Failure> {
    match &cli.configfile {
        Some(file) => Ok(file.clone()),
        None => config::search::find_config_file(argv0, ctx)
            .map_err(|err| Failure::usage(err.message())),
    }
}

/// Read `configfile` and apply the command line on top of it; any error is the original's
/// usage error text.
pub fn realize(
    cli: &SupervisordArgs,
    configfile: &str,
    ctx: &LoadContext,
) -> Result<Realized, Failure> {
    let loaded =
        config::load_with_args(configfile, ctx, cli).map_err(|e| Failure::usage(e.message()))?;
    Ok(Realized {
        configfile: configfile.to_string(),
        config: loaded.config,
        messages: loaded.messages,
    })
}
