//! The child's environment, built in safe code before `fork`.
//!
//! supervisord (`_spawn_as_child`): `env = os.environ.copy()`, then
//! `SUPERVISOR_ENABLED=1`, `SUPERVISOR_SERVER_URL` (if any), `SUPERVISOR_PROCESS_NAME`,
//! `SUPERVISOR_GROUP_NAME`, then `env.update(config.environment)` — so the configured
//! environment wins over everything. Order follows Python's dict: a key keeps the
//! position of its first insertion, an update replaces the value in place.

use std::collections::HashMap;
use std::ffi::OsString;

/// The `SUPERVISOR_*` variables of one spawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorVars {
    /// `SUPERVISOR_SERVER_URL`; omitted when `None` or empty (as Python's `if serverurl`).
    pub server_url: Option<String>,
    /// `SUPERVISOR_PROCESS_NAME`.
    pub process_name: String,
    /// `SUPERVISOR_GROUP_NAME`; omitted when the process has no group.
    pub group_name: Option<String>,
}

/// `daemon` (the daemon's environment), then the `SUPERVISOR_*` variables, then
/// `configured` (the merged `environment=`), each later one overriding.
pub fn child_environment(
    daemon: impl IntoIterator<Item = (OsString, OsString)>,
    vars: &SupervisorVars,
    configured: &[(String, String)],
) -> Vec<(OsString, OsString)> {
    let mut env = OrderedEnv::default();
    for (k, v) in daemon {
        env.set(k, v);
    }
    env.set("SUPERVISOR_ENABLED".into(), "1".into());
    if let Some(url) = vars.server_url.as_deref().filter(|u| !u.is_empty()) {
        env.set("SUPERVISOR_SERVER_URL".into(), url.into());
    }
    env.set(
        "SUPERVISOR_PROCESS_NAME".into(),
        vars.process_name.clone().into(),
    );
    if let Some(group) = &vars.group_name {
        env.set("SUPERVISOR_GROUP_NAME".into(), group.clone().into());
    }
    for (k, v) in configured {
        env.set(k.into(), v.into());
    }
    env.entries
}

#[derive(Default)]
struct OrderedEnv {
    entries: Vec<(OsString, OsString)>,
    index: HashMap<OsString, usize>,
}

impl OrderedEnv {
    fn set(&mut self, key: OsString, value: OsString) {
        match self.index.get(&key) {
            Some(&at) => self.entries[at].1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }
}
