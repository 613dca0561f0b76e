//! The entry points: read the main file and its includes, then build the model in the order
//! of supervisor's `ServerOptions.read_config` + `realize` (so the first error reported is the
//! original's first error).

use crate::cli::SupervisordArgs;
use crate::context::LoadContext;
use crate::ctl::read_ctl;
use crate::datatypes as dt;
use crate::error::{ConfigError, Result};
use crate::getter::Getter;
use crate::groups::{groups_from_document, spec_is};
use crate::ini::{IniDocument, decode_utf8};
use crate::kvpairs::parse_key_value_pairs;
use crate::model::{
    Config, DEFAULT_EVENT_DRAIN_SECS, Environment, MainLogFile, Message, MessageLevel,
    RpcInterface, SupervisordOptions,
};
use crate::paths;
use crate::programs::SectionEnv;
use crate::pyfmt::{PyDict, expand};
use crate::servers::servers_from_document;
use std::path::Path;

/// A successful load: the model plus the messages the original queues for its main log
/// (criticals, then warnings, then infos, as supervisord logs them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The validated configuration.
    pub config: Config,
    /// Non-fatal findings, in the order supervisord logs them.
    pub messages: Vec<Message>,
}

/// Load the config file at `path` (as given to `-c`; relative paths are taken against the
/// context's cwd and appear as given in messages).
pub fn load(path: impl AsRef<Path>, ctx: &LoadContext) -> Result<Loaded> {
    load_with_args(path, ctx, &SupervisordArgs::default())
}

/// [`load`] with supervisord's command-line options, which override the file's
/// `[supervisord]` values after the file has been validated (as in `realize()`: a bad value
/// in the file is still an error; `-u` replaces the file's `user` before it is resolved).
pub fn load_with_args(
    path: impl AsRef<Path>,
    ctx: &LoadContext,
    args: &SupervisordArgs,
) -> Result<Loaded> {
    let (configfile, text) = read_config_file(path.as_ref(), ctx)?;
    load_text(&text, &configfile, ctx, args)
}

/// Load configuration text as if read from `configfile` (which decides `%(here)s`, the base of
/// `[include]` patterns, and the file named in messages). Included files are read from disk.
pub fn load_str(text: &str, configfile: &str, ctx: &LoadContext) -> Result<Loaded> {
    load_text(text, configfile, ctx, &SupervisordArgs::default())
}

/// Read the main config file as the original does: `could not find config file <f>` when it
/// does not exist, `could not read config file <f>` when it cannot be read, and CPython's
/// decoding error for bytes that are not UTF-8. Returns the name as given and the text.
pub(crate) fn read_config_file(path: &Path, ctx: &LoadContext) -> Result<(String, String)> {
    let configfile = path.to_string_lossy().into_owned();
    if !paths::exists(&configfile, ctx) {
        return Err(ConfigError::new(format!(
            "could not find config file {configfile}"
        )));
    }
    let bytes = std::fs::read(ctx.cwd.join(&configfile))
        .map_err(|_| ConfigError::new(format!("could not read config file {configfile}")))?;
    let text = decode_utf8(&bytes).map_err(|m| ConfigError::new(m).at(path, None))?;
    Ok((configfile, text))
}

fn load_text(
    text: &str,
    configfile: &str,
    ctx: &LoadContext,
    args: &SupervisordArgs,
) -> Result<Loaded> {
    let here = paths::abspath(&paths::dirname(configfile), ctx);
    let mut doc = IniDocument::new();
    doc.read_str(text, configfile)?;
    let mut environ = PyDict::new();
    for (k, v) in ctx.env.iter().chain(&ctx.carried_env) {
        environ.set_str(&format!("ENV_{k}"), v);
    }
    let mut warnings = Vec::new();
    let mut infos = Vec::new();
    let mut expansions = PyDict::new();
    expansions.set_str("here", &here);
    expansions.set_str("host_node_name", &ctx.hostname);
    expansions.update(&environ);
    if doc.has_section("include") {
        read_includes(&mut doc, &here, &expansions, ctx, &mut warnings, &mut infos)
            .map_err(|e| e.located_by_section(&doc))?;
    }
    let (config, warnings) = build(
        &doc,
        (text, configfile, &here),
        ctx,
        expansions,
        warnings,
        args,
    )
    .map_err(|e| e.located_by_section(&doc))?;
    let messages = warnings
        .into_iter()
        .map(|text| Message {
            level: MessageLevel::Warn,
            text,
        })
        .chain(infos.into_iter().map(|text| Message {
            level: MessageLevel::Info,
            text,
        }))
        .collect();
    Ok(Loaded { config, messages })
}

/// Everything after the files are read, in `read_config` order, then `realize()`.
fn build(
    doc: &IniDocument,
    (text, configfile, here): (&str, &str, &str),
    ctx: &LoadContext,
    expansions: PyDict,
    mut warnings: Vec<String>,
    args: &SupervisordArgs,
) -> Result<(Config, Vec<String>)> {
    let mut environ = PyDict::new();
    for (k, v) in ctx.env.iter().chain(&ctx.carried_env) {
        environ.set_str(&format!("ENV_{k}"), v);
    }
    if !doc.has_section("supervisord") {
        return Err(ConfigError::new(
            ".ini file does not include supervisord section",
        ));
    }
    let mut supervisord = supervisord_section(doc, &environ, here, &expansions, ctx)?;
    for (k, v) in supervisord.environment.iter() {
        environ.set_str(&format!("ENV_{k}"), v);
    }
    let getter = Getter {
        doc,
        environ: &environ,
        ctx,
    };
    let rpcinterfaces = rpcinterfaces(&getter)?;
    let env = SectionEnv {
        getter,
        here,
        configfile,
        ctx,
    };
    let mut groups = groups_from_document(&env, &mut warnings)?;
    for group in &mut groups {
        for process in &mut group.processes {
            let mut merged = supervisord.environment.clone();
            for (k, v) in process.environment.iter() {
                merged.set(k, v);
            }
            process.environment = merged;
        }
    }
    let servers = servers_from_document(&env.getter, here)?;
    apply_args(&mut supervisord, args);
    // realize(): resolve the user, normalise the log and pid files.
    if let Some(user) = &supervisord.user {
        let from_file = args.user.is_none();
        let located = |m: String| match doc.get("supervisord", "user").filter(|_| from_file) {
            Some(v) => ConfigError::new(m)
                .at(&v.file, Some(v.line))
                .in_option("supervisord", Some("user")),
            None => ConfigError::new(m),
        };
        let uid = dt::name_to_uid(user, ctx).map_err(located)?;
        supervisord.uid = Some(uid);
        supervisord.gid = ctx.users.user_by_uid(uid).map(|u| u.gid);
    }
    if let MainLogFile::Path(p) = &supervisord.logfile {
        supervisord.logfile =
            MainLogFile::Path(paths::normalize_path(&p.to_string_lossy(), ctx).into());
    }
    supervisord.pidfile = paths::normalize_path(&supervisord.pidfile.to_string_lossy(), ctx).into();
    let supervisorctl = read_ctl(text, configfile, ctx).ok().flatten();
    let config = Config {
        supervisord,
        servers,
        supervisorctl,
        rpcinterfaces,
        groups,
    };
    Ok((config, warnings))
}

/// Command-line values replace the file's (`_set` with a higher priority in the original).
fn apply_args(s: &mut SupervisordOptions, a: &SupervisordArgs) {
    let set = |slot: &mut bool, v: Option<bool>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut s.nodaemon, a.nodaemon);
    set(&mut s.silent, a.silent);
    set(&mut s.nocleanup, a.nocleanup);
    set(&mut s.strip_ansi, a.strip_ansi);
    if let Some(user) = &a.user {
        s.user = Some(user.clone());
    }
    if let Some(umask) = a.umask {
        s.umask = umask;
    }
    if let Some(dir) = &a.directory {
        s.directory = Some(dir.into());
    }
    if let Some(logfile) = &a.logfile {
        s.logfile = if logfile == "syslog" {
            MainLogFile::Syslog
        } else {
            MainLogFile::Path(logfile.into())
        };
    }
    if let Some(n) = a.logfile_maxbytes {
        s.logfile_maxbytes = n;
    }
    if let Some(n) = a.logfile_backups {
        s.logfile_backups = n;
    }
    if let Some(level) = a.loglevel {
        s.loglevel = level;
    }
    if let Some(pidfile) = &a.pidfile {
        s.pidfile = pidfile.into();
    }
    if let Some(identifier) = &a.identifier {
        s.identifier = identifier.clone();
    }
    if let Some(dir) = &a.childlogdir {
        s.childlogdir = dir.into();
    }
    if let Some(n) = a.minfds {
        s.minfds = n;
    }
    if let Some(n) = a.minprocs {
        s.minprocs = n;
    }
}

/// `[include] files`: patterns relative to the main file's directory, each one's matches read
/// in sorted order, `%(here)s` replaced per file.
fn read_includes(
    doc: &mut IniDocument,
    here: &str,
    expansions: &PyDict,
    ctx: &LoadContext,
    warnings: &mut Vec<String>,
    infos: &mut Vec<String>,
) -> Result<()> {
    doc.expand_here(here);
    let Some(files) = doc.get("include", "files").cloned() else {
        return Err(
            ConfigError::new(".ini file has [include] section, but no files setting")
                .in_option("include", None),
        );
    };
    let located = |m: String| {
        ConfigError::new(m)
            .at(&files.file, Some(files.line))
            .in_option("include", Some("files"))
    };
    let patterns = expand(&files.text, expansions, "include.files").map_err(located)?;
    for pattern in patterns.split(dt::is_py_space).filter(|p| !p.is_empty()) {
        let pattern = paths::join(here, pattern);
        let mut matches = crate::pyglob::glob(&pattern, &ctx.cwd);
        if matches.is_empty() {
            warnings.push(format!("No file matches via include \"{pattern}\""));
            continue;
        }
        matches.sort();
        for filename in matches {
            infos.push(format!("Included extra file \"{filename}\" during parsing"));
            doc.read_included(&ctx.cwd.join(&filename), &filename)?;
            doc.expand_here(&paths::abspath(&paths::dirname(&filename), ctx));
        }
    }
    Ok(())
}

/// `[supervisord]`, read in the original's order.
fn supervisord_section(
    doc: &IniDocument,
    environ: &PyDict,
    here: &str,
    expansions: &PyDict,
    ctx: &LoadContext,
) -> Result<SupervisordOptions> {
    let g = Getter { doc, environ, ctx };
    let mut common = PyDict::new();
    common.set_str("here", here);
    let s = "supervisord";
    let get = |opt: &str, default: &str| g.get_or(s, opt, default, &common);
    let minfds = get("minfds", "1024")?.parse(dt::integer)?;
    let minprocs = get("minprocs", "200")?.parse(dt::integer)?;
    let directory = match g.get(s, "directory", None, true, &common)? {
        Some(d) => Some(d.parse(|v| dt::existing_directory(v, ctx))?.into()),
        None => None,
    };
    let user = g.get(s, "user", None, true, &common)?.map(|v| v.text);
    let umask = get("umask", "022")?.parse(dt::octal)?;
    let logfile = get("logfile", "supervisord.log")?.parse(|v| dt::existing_dirpath(v, ctx))?;
    let logfile_maxbytes = get("logfile_maxbytes", "50MB")?.parse(dt::byte_size)?;
    let logfile_backups = get("logfile_backups", "10")?.parse(dt::integer)?;
    let loglevel = get("loglevel", "info")?.parse(dt::log_level)?;
    let pidfile = get("pidfile", "supervisord.pid")?.parse(|v| dt::existing_dirpath(v, ctx))?;
    let identifier = get("identifier", "supervisor")?.text;
    let nodaemon = get("nodaemon", "false")?.parse(dt::boolean)?;
    let silent = get("silent", "false")?.parse(dt::boolean)?;
    let childlogdir =
        get("childlogdir", &ctx.temp_dir)?.parse(|v| dt::existing_directory(v, ctx))?;
    let nocleanup = get("nocleanup", "false")?.parse(dt::boolean)?;
    let strip_ansi = get("strip_ansi", "false")?.parse(dt::boolean)?;
    let drain_got = get("event_drain_secs", &DEFAULT_EVENT_DRAIN_SECS.to_string())?;
    let event_drain_secs = drain_got.parse(dt::integer)?;
    if event_drain_secs < 0 {
        return Err(drain_got.error(format!(
            "[supervisord] section sets invalid event_drain_secs ({event_drain_secs})"
        )));
    }
    // Quirk (fixed after 4.3): expanded once by the getter, then again with host_node_name.
    let env_got = get("environment", "")?;
    let env_text = env_got.parse(|v| expand(v, expansions, "environment"))?;
    let environment: Environment = env_got
        .parse(|_| parse_key_value_pairs(&env_text))?
        .into_iter()
        .collect();
    let logfile = if logfile == "syslog" {
        MainLogFile::Syslog
    } else {
        MainLogFile::Path(logfile.into())
    };
    Ok(SupervisordOptions {
        logfile,
        logfile_maxbytes,
        logfile_backups,
        loglevel,
        pidfile: pidfile.into(),
        umask,
        nodaemon,
        silent,
        minfds,
        minprocs,
        nocleanup,
        childlogdir: childlogdir.into(),
        user,
        uid: None,
        gid: None,
        directory,
        strip_ansi,
        environment,
        identifier,
        event_drain_secs,
    })
}

/// `[rpcinterface:x]` sections (`get_plugins`).
fn rpcinterfaces(g: &Getter<'_>) -> Result<Vec<RpcInterface>> {
    const KEY: &str = "supervisor.rpcinterface_factory";
    let none = PyDict::new();
    let mut out = Vec::new();
    let sections: Vec<String> = g
        .doc
        .sections()
        .filter(|s| s.starts_with("rpcinterface:"))
        .map(str::to_string)
        .collect();
    for section in sections {
        let name = section.split_once(':').map_or("", |(_, n)| n).to_string();
        let Some(factory) = g.get(&section, KEY, None, true, &none)? else {
            return Err(
                ConfigError::new(format!("section [{section}] does not specify a {KEY}"))
                    .in_option(&section, Some(KEY)),
            );
        };
        if !spec_is(
            &factory.text,
            "supervisor.rpcinterface",
            "make_main_rpcinterface",
        ) {
            return Err(factory.error(format!(
                "{} cannot be resolved within [{section}]",
                factory.text
            )));
        }
        let mut extras = Vec::new();
        for key in g.doc.options(&section) {
            if key != KEY
                && let Some(v) = g.get(&section, &key, None, true, &none)?
            {
                extras.push((key, v.text));
            }
        }
        out.push(RpcInterface {
            name,
            factory: factory.text,
            extras,
        });
    }
    Ok(out)
}
