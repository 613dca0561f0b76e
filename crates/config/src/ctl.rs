//! `[supervisorctl]` as supervisorctl's `ClientOptions.read_config` reads the same file
//! (spec §1.7): only the main file (no `[include]`), `ENV_*` names from the environment
//! only, `%(here)s` for `serverurl` and `history_file`.
//!
//! `[ctlplugin:x]` sections must name a `supervisor.ctl_factory` (as in the original), but the
//! factory is never loaded: it is a Python plugin a Rust supervisorctl cannot run (see the
//! crate README).

use crate::context::LoadContext;
use crate::error::{ConfigError, Result};
use crate::getter::Getter;
use crate::ini::IniDocument;
use crate::model::CtlOptions;
use crate::paths;
use crate::pyfmt::PyDict;
use std::path::Path;

/// Read the `[supervisorctl]` options of the config file at `path` as supervisorctl does.
///
/// `Ok(None)` when the file has no `[supervisorctl]` section (supervisorctl then exits with
/// `.ini file does not include supervisorctl section`; callers without a file at all use
/// [`CtlOptions::default`]). Errors carry supervisorctl's message text.
pub fn load_ctl(path: impl AsRef<Path>, ctx: &LoadContext) -> Result<Option<CtlOptions>> {
    let (configfile, text) = crate::load::read_config_file(path.as_ref(), ctx)?;
    read_ctl(&text, &configfile, ctx)
}

/// [`load_ctl`] on text already read from `configfile`.
pub(crate) fn read_ctl(
    text: &str,
    configfile: &str,
    ctx: &LoadContext,
) -> Result<Option<CtlOptions>> {
    let here = paths::dirname(&paths::normalize_path(configfile, ctx));
    let mut doc = IniDocument::new();
    doc.read_str(text, configfile)?;
    if !doc.has_section("supervisorctl") {
        return Ok(None);
    }
    let mut environ = PyDict::new();
    for (k, v) in &ctx.env {
        environ.set_str(&format!("ENV_{k}"), v);
    }
    let g = Getter {
        doc: &doc,
        environ: &environ,
        ctx,
    };
    let section = "supervisorctl";
    let mut with_here = PyDict::new();
    with_here.set_str("here", &here);
    let none = PyDict::new();
    let defaults = CtlOptions::default();
    let mut serverurl = g
        .get_or(section, "serverurl", &defaults.serverurl, &with_here)?
        .text;
    if let Some(rest) = serverurl.strip_prefix("unix://") {
        serverurl = format!("unix://{}", paths::normalize_path(rest, ctx));
    }
    let prompt = g.get_or(section, "prompt", &defaults.prompt, &none)?.text;
    let username = g
        .get(section, "username", None, true, &none)?
        .map(|v| v.text);
    let password = g
        .get(section, "password", None, true, &none)?
        .map(|v| v.text);
    let history_file = g
        .get(section, "history_file", None, true, &with_here)?
        .map(|v| v.text)
        .filter(|h| !h.is_empty())
        .map(|h| paths::normalize_path(&h, ctx).into());
    // get_plugins(): a plugin section must name its factory; the factory itself (a Python
    // callable) is not loaded.
    const KEY: &str = "supervisor.ctl_factory";
    for plugin in doc.sections().filter(|s| s.starts_with("ctlplugin:")) {
        if g.get(plugin, KEY, None, true, &none)?.is_none() {
            return Err(
                ConfigError::new(format!("section [{plugin}] does not specify a {KEY}"))
                    .in_option(plugin, Some(KEY)),
            );
        }
    }
    Ok(Some(CtlOptions {
        serverurl,
        username,
        password,
        prompt,
        history_file,
    }))
}
