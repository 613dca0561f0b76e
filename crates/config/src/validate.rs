//! The INI path's rules, applied to a model that did not come from INI (RON, or built by a
//! program), so that such a model cannot hold what supervisord 4.3 would have refused.
//! Messages are the original's where it has one for the rule.

use crate::datatypes::process_or_group_name;
use crate::error::ConfigError;
use crate::groups::{EVENT_TYPES, spec_is};
use crate::model::{Config, FcgiSocket, GroupKind};

impl Config {
    /// Check the invariants `load` guarantees: valid group names, `stopasgroup` implying
    /// `killasgroup`, listener pools with known events, a positive buffer and no
    /// `redirect_stderr`, fcgi backlogs in 1..=65535, complete HTTP credentials and the
    /// standard rpcinterface factory.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for group in &self.groups {
            let section = match &group.kind {
                GroupKind::Program => format!("program:{}", group.name),
                GroupKind::Heterogeneous => format!("group:{}", group.name),
                GroupKind::EventListener { .. } => format!("eventlistener:{}", group.name),
                GroupKind::FastCgi { .. } => format!("fcgi-program:{}", group.name),
            };
            let fail = |m: String| Err(ConfigError::new(m).in_option(&section, None));
            if let Err(m) = process_or_group_name(&group.name) {
                return fail(m);
            }
            for process in &group.processes {
                if process.stopasgroup && !process.killasgroup {
                    return fail("Cannot set stopasgroup=true and killasgroup=false".into());
                }
            }
            match &group.kind {
                GroupKind::EventListener {
                    buffer_size,
                    events,
                    result_handler,
                    max_retry,
                    monitor_interval,
                } => {
                    if *max_retry == Some(0) {
                        return fail(format!("[{section}] section sets invalid max_retry (0)"));
                    }
                    if *monitor_interval < 1 {
                        return fail(format!(
                            "[{section}] section sets invalid monitor_interval ({monitor_interval})"
                        ));
                    }
                    if *buffer_size < 1 {
                        return fail(format!(
                            "[{section}] section sets invalid buffer_size ({buffer_size})"
                        ));
                    }
                    if events.is_empty() {
                        return fail(format!("[{section}] section requires an \"events\" line"));
                    }
                    if let Some(bad) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
                        return fail(format!("Unknown event type {bad} in [{section}] events"));
                    }
                    if !spec_is(result_handler, "supervisor.dispatchers", "default_handler") {
                        return fail(format!(
                            "{result_handler} cannot be resolved within [{section}]"
                        ));
                    }
                    if group.processes.iter().any(|p| p.redirect_stderr) {
                        return fail(format!(
                            "[{section}] section sets redirect_stderr=true but this is not allowed \
                             because it will interfere with the eventlistener protocol"
                        ));
                    }
                }
                GroupKind::FastCgi { socket } => {
                    let backlog = match socket {
                        FcgiSocket::Tcp { backlog, .. } | FcgiSocket::Unix { backlog, .. } => {
                            *backlog
                        }
                    };
                    if let Some(n) = backlog.filter(|n| !(1..=65535).contains(n)) {
                        return fail(format!("Invalid socket_backlog value {n}"));
                    }
                }
                GroupKind::Program | GroupKind::Heterogeneous => {}
            }
        }
        for server in &self.servers {
            if server.username.is_some() != server.password.is_some() {
                return Err(ConfigError::new(format!(
                    "Section [{}] contains incomplete authentication: If a username or a password is \
                     specified, both the username and password must be specified",
                    server.section
                ))
                .in_option(&server.section, None));
            }
        }
        for rpc in &self.rpcinterfaces {
            if !spec_is(
                &rpc.factory,
                "supervisor.rpcinterface",
                "make_main_rpcinterface",
            ) {
                let section = format!("rpcinterface:{}", rpc.name);
                return Err(ConfigError::new(format!(
                    "{} cannot be resolved within [{section}]",
                    rpc.factory
                ))
                .in_option(&section, Some("supervisor.rpcinterface_factory")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{LoadContext, StaticUsers, load_str};

    #[test]
    fn loaded_configs_are_valid_and_edits_are_caught() {
        let ctx = LoadContext::for_tests("/tmp", StaticUsers::root_only());
        let text =
            "[supervisord]\n[program:a]\ncommand=a\n[eventlistener:l]\ncommand=l\nevents=TICK_5\n";
        let mut config = load_str(text, "/tmp/s.conf", &ctx).expect("loads").config;
        assert_eq!(config.validate(), Ok(()));
        config.groups[0].processes[0].stopasgroup = true;
        config.groups[0].processes[0].killasgroup = false;
        let err = config
            .validate()
            .expect_err("stopasgroup without killasgroup");
        assert_eq!(
            err.message(),
            "Cannot set stopasgroup=true and killasgroup=false"
        );
        assert_eq!(err.section(), Some("eventlistener:l"));
        config.groups[0].processes[0].killasgroup = true;
        config.groups[1].name = "a b".into();
        assert_eq!(
            config.validate().expect_err("bad name").message(),
            "Invalid name: 'a b' because of character: ' '"
        );
    }
}
