//! `reloadConfig` and `getAllConfigInfo`: the config file re-read (nothing applied:
//! `addProcessGroup`/`removeProcessGroup` do that), and the configured processes.

use rpc::{Value, encode};
use supervisor_core::{Fault, FaultCode};

use super::serve::Answer;
use crate::daemon::Daemon;

impl Daemon {
    /// `reloadConfig()`: `[[added, changed, removed]]` group names compared with the
    /// active groups; CANT_REREAD with the parse error (the running config is kept).
    pub(super) fn reload_config(&mut self) -> Answer {
        let Some(path) = self.http.config_file.clone() else {
            return Err(Fault::new(
                FaultCode::CantReread,
                "no configuration file to re-read",
            ));
        };
        let ctx = config::LoadContext::from_system().for_reread(&self.config);
        let loaded = config::load(&path, &ctx)
            .map_err(|e| Fault::new(FaultCode::CantReread, e.message()))?;
        let new = loaded.config.groups;
        let diff = config::diff_groups(&new, &self.config.groups);
        let names =
            |v: &[&config::GroupConfig]| v.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        let value = encode::reload(
            &names(&diff.added),
            &names(&diff.changed),
            &names(&diff.removed),
        );
        self.http.parsed_groups = new;
        self.http.made_logs.clear();
        Ok(value)
    }

    /// `getAllConfigInfo()`: every process of the last config read, sorted by name.
    /// Log paths as 4.3 shows them: real AUTO paths for processes made from this read
    /// (`made_logs`), the setting (`auto`, `none`, a path) for the others.
    pub(super) fn all_config_info(&self) -> Value {
        let active = self.core.group_names();
        let mut rows: Vec<(String, Value)> = Vec::new();
        for group in &self.http.parsed_groups {
            let inuse = active.contains(&group.name.as_str());
            for pc in &group.processes {
                let made = self
                    .http
                    .made_logs
                    .get(&(group.name.clone(), pc.name.clone()));
                let (out, err) = match made {
                    Some((out, err)) => (out.clone(), err.clone()),
                    None => (
                        encode::logfile_setting(&pc.stdout.logfile),
                        if pc.redirect_stderr {
                            "none".to_owned()
                        } else {
                            encode::logfile_setting(&pc.stderr.logfile)
                        },
                    ),
                };
                rows.push((
                    pc.name.clone(),
                    encode::config_info(group, pc, inuse, &out, &err),
                ));
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Array(rows.into_iter().map(|(_, v)| v).collect())
    }
}

pub(crate) fn path_or(p: Option<&std::path::Path>) -> String {
    p.map_or_else(|| "none".to_owned(), |p| p.to_string_lossy().into_owned())
}
