//! `[inet_http_server*]` and `[unix_http_server*]`: supervisor's
//! `server_configs_from_parser` (spec §1.6). All inet sections come first, then all unix
//! sections, each in file order; any section whose name merely *starts with* the family
//! name counts (undocumented quirk).

use crate::datatypes as dt;
use crate::error::{ConfigError, Result};
use crate::getter::Getter;
use crate::model::{HttpServer, ServerKind};
use crate::paths;
use crate::pyfmt::PyDict;

type Credentials = (Option<String>, Option<String>);

fn credentials(g: &Getter<'_>, section: &str) -> Result<Credentials> {
    let none = PyDict::new();
    let username = g
        .get(section, "username", None, true, &none)?
        .map(|v| v.text);
    let password = g
        .get(section, "password", None, true, &none)?
        .map(|v| v.text);
    if username.is_some() != password.is_some() {
        return Err(ConfigError::new(format!(
            "Section [{section}] contains incomplete authentication: If a username or a password is \
             specified, both the username and password must be specified"
        ))
        .in_option(section, None));
    }
    Ok((username, password))
}

fn name_of(section: &str) -> Option<String> {
    section.split_once(':').map(|(_, name)| name.to_string())
}

/// Every HTTP server section, inet first.
pub(crate) fn servers_from_document(g: &Getter<'_>, here: &str) -> Result<Vec<HttpServer>> {
    let sections: Vec<String> = g.doc.sections().map(str::to_string).collect();
    let none = PyDict::new();
    let mut servers = Vec::new();
    for section in sections
        .iter()
        .filter(|s| s.starts_with("inet_http_server"))
    {
        let (username, password) = credentials(g, section)?;
        let Some(port) = g.get(section, "port", None, true, &none)? else {
            return Err(
                ConfigError::new(format!("section [{section}] has no port value"))
                    .in_option(section, Some("port")),
            );
        };
        let (host, port) = port.parse(dt::inet_address)?;
        servers.push(HttpServer {
            section: section.clone(),
            name: name_of(section),
            username,
            password,
            kind: ServerKind::Inet { host, port },
        });
    }
    let mut with_here = PyDict::new();
    with_here.set_str("here", here);
    for section in sections
        .iter()
        .filter(|s| s.starts_with("unix_http_server"))
    {
        let Some(file) = g.get(section, "file", None, true, &with_here)? else {
            return Err(
                ConfigError::new(format!("section [{section}] has no file value"))
                    .in_option(section, Some("file")),
            );
        };
        let file = paths::normalize_path(dt::py_strip(&file.text), g.ctx);
        let (username, password) = credentials(g, section)?;
        let chown = match g.get(section, "chown", None, true, &none)? {
            Some(got) => got.parse(|v| {
                dt::user_group(v, g.ctx).map_err(|_| format!("Invalid sockchown value {v}"))
            })?,
            None => (-1, -1),
        };
        let chmod = match g.get(section, "chmod", None, true, &none)? {
            Some(got) => {
                got.parse(|v| dt::octal(v).map_err(|_| format!("Invalid chmod value {v}")))?
            }
            None => 0o700,
        };
        servers.push(HttpServer {
            section: section.clone(),
            name: name_of(section),
            username,
            password,
            kind: ServerKind::Unix {
                file: file.into(),
                chmod,
                chown,
            },
        });
    }
    Ok(servers)
}
