//! What `reread`/`update` compare: supervisord's `diff_to_active` and the config classes'
//! `__eq__` (spec §1.9), so the daemon can tell added, changed and removed groups apart.

use crate::model::{ChannelLog, Environment, GroupConfig, GroupKind, LogFile, ProcessConfig};

/// Groups of a new configuration compared with the running ones, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDiff<'a> {
    /// In the new configuration only (new order).
    pub added: Vec<&'a GroupConfig>,
    /// In both, but the new one differs (new order); the new config is returned.
    pub changed: Vec<&'a GroupConfig>,
    /// In the running configuration only (running order).
    pub removed: Vec<&'a GroupConfig>,
}

/// `diff_to_active(new, running)`.
pub fn diff_groups<'a>(new: &'a [GroupConfig], running: &'a [GroupConfig]) -> GroupDiff<'a> {
    let find = |list: &'a [GroupConfig], name: &str| list.iter().rev().find(|g| g.name == name);
    GroupDiff {
        added: new
            .iter()
            .filter(|g| find(running, &g.name).is_none())
            .collect(),
        changed: new
            .iter()
            .filter(|g| find(running, &g.name).is_some_and(|old| g.differs_from(old)))
            .collect(),
        removed: running
            .iter()
            .filter(|g| find(new, &g.name).is_none())
            .collect(),
    }
}

impl GroupConfig {
    /// `self != running` as supervisord evaluates it for a new group config: the new config's
    /// class decides what is compared (program groups: name, priority, processes; fcgi: also
    /// the socket URL; listener pools: also buffer size, events and result handler).
    pub fn differs_from(&self, running: &GroupConfig) -> bool {
        let same_processes = self.processes.len() == running.processes.len()
            && self
                .processes
                .iter()
                .zip(&running.processes)
                .all(|(a, b)| a.same_as(b));
        let same_base =
            self.name == running.name && self.priority == running.priority && same_processes;
        let same = match (&self.kind, &running.kind) {
            // ProcessGroupConfig.__eq__ accepts any ProcessGroupConfig, fcgi groups included
            (
                GroupKind::Program | GroupKind::Heterogeneous,
                GroupKind::Program | GroupKind::Heterogeneous,
            )
            | (GroupKind::Program | GroupKind::Heterogeneous, GroupKind::FastCgi { .. }) => {
                same_base
            }
            (GroupKind::FastCgi { socket: a }, GroupKind::FastCgi { socket: b }) => {
                a.url() == b.url() && same_base
            }
            (
                GroupKind::EventListener {
                    buffer_size: a,
                    events: ea,
                    result_handler: ra,
                    max_retry: ma,
                    monitor_interval: ia,
                },
                GroupKind::EventListener {
                    buffer_size: b,
                    events: eb,
                    result_handler: rb,
                    max_retry: mb,
                    monitor_interval: ib,
                },
            ) => same_base && a == b && ea == eb && ra == rb && ma == mb && ia == ib,
            _ => false,
        };
        !same
    }
}

impl ProcessConfig {
    /// `ProcessConfig.__eq__`: every option equal, an AUTO log file matching anything (the
    /// running config's AUTO logs have been given real names).
    pub fn same_as(&self, other: &ProcessConfig) -> bool {
        self.name == other.name
            && self.command == other.command
            && self.directory == other.directory
            && self.umask == other.umask
            && self.priority == other.priority
            && self.autostart == other.autostart
            && self.autorestart == other.autorestart
            && self.startsecs == other.startsecs
            && self.startretries == other.startretries
            && self.uid == other.uid
            && same_channel(&self.stdout, &other.stdout)
            && same_channel(&self.stderr, &other.stderr)
            && self.stopsignal == other.stopsignal
            && self.stopwaitsecs == other.stopwaitsecs
            && self.stopasgroup == other.stopasgroup
            && self.killasgroup == other.killasgroup
            && self.exitcodes == other.exitcodes
            && self.redirect_stderr == other.redirect_stderr
            && same_env(&self.environment, &other.environment)
            && self.serverurl == other.serverurl
    }
}

fn same_channel(a: &ChannelLog, b: &ChannelLog) -> bool {
    let logfile = matches!(a.logfile, LogFile::Auto)
        || matches!(b.logfile, LogFile::Auto)
        || a.logfile == b.logfile;
    logfile
        && a.logfile_maxbytes == b.logfile_maxbytes
        && a.logfile_backups == b.logfile_backups
        && a.capture_maxbytes == b.capture_maxbytes
        && a.events_enabled == b.events_enabled
        && a.syslog == b.syslog
}

/// Dict equality: same keys and values, order ignored.
fn same_env(a: &Environment, b: &Environment) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LoadContext, StaticUsers, load_str};

    fn groups(text: &str) -> Vec<GroupConfig> {
        let ctx = LoadContext::for_tests("/tmp", StaticUsers::root_only());
        load_str(text, "/tmp/supervisord.conf", &ctx)
            .expect("loads")
            .config
            .groups
    }

    #[test]
    fn added_changed_removed_by_name() {
        let old = groups("[supervisord]\n[program:a]\ncommand=a\n[program:b]\ncommand=b\n");
        let new = groups("[supervisord]\n[program:a]\ncommand=a2\n[program:c]\ncommand=c\n");
        let diff = diff_groups(&new, &old);
        let names = |v: &[&GroupConfig]| v.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&diff.added), ["c"]);
        assert_eq!(names(&diff.changed), ["a"]);
        assert_eq!(names(&diff.removed), ["b"]);
    }

    #[test]
    fn auto_logfile_matches_anything_and_env_order_does_not_matter() {
        let old = groups(
            "[supervisord]\n[program:a]\ncommand=a\nstdout_logfile=/tmp/x.log\nenvironment=A=1,B=2\n",
        );
        let new = groups("[supervisord]\n[program:a]\ncommand=a\nenvironment=B=2,A=1\n");
        assert!(!new[0].differs_from(&old[0]));
        let listener = groups("[supervisord]\n[eventlistener:a]\ncommand=a\nevents=TICK_5\n");
        assert!(listener[0].differs_from(&new[0]));
    }
}
