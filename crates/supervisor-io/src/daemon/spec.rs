//! `config::Config` → `supervisor_core::SupervisorSpec`: the lifecycle options the core
//! decides with. Commands, environments and logs stay with the driver.
//!
//! The config keeps Python's unbounded ints (`i64`, negative values accepted by 4.3);
//! the core wants durations and counts, so values are clamped: a negative `startsecs`
//! or `stopwaitsecs` is 0 s, a negative `startretries` is 0.

use std::time::Duration;

use supervisor_core::{GroupKind, GroupSpec, ProcessSpec, SupervisorSpec};

/// The core's view of `config`: every group with every process.
pub fn supervisor_spec(config: &config::Config) -> SupervisorSpec {
    SupervisorSpec {
        groups: config.groups.iter().map(group_spec).collect(),
    }
}

/// One group (for `addProcessGroup` too).
pub fn group_spec(group: &config::GroupConfig) -> GroupSpec {
    GroupSpec {
        name: group.name.clone(),
        priority: clamp_i32(group.priority),
        kind: match group.kind {
            config::GroupKind::Program => GroupKind::Program,
            config::GroupKind::Heterogeneous => GroupKind::Heterogeneous,
            config::GroupKind::EventListener { .. } => GroupKind::EventListener,
            config::GroupKind::FastCgi { .. } => GroupKind::FcgiProgram,
        },
        processes: group.processes.iter().map(process_spec).collect(),
    }
}

/// One process's lifecycle options.
pub fn process_spec(p: &config::ProcessConfig) -> ProcessSpec {
    ProcessSpec {
        name: p.name.clone(),
        priority: clamp_i32(p.priority),
        autostart: p.autostart,
        startsecs: seconds(p.startsecs),
        startretries: u32::try_from(p.startretries.max(0)).unwrap_or(u32::MAX),
        autorestart: p.autorestart,
        exitcodes: p.exitcodes.iter().map(|&c| i32::from(c)).collect(),
        stopsignal: p.stopsignal,
        stopwaitsecs: seconds(p.stopwaitsecs),
        stopasgroup: p.stopasgroup,
        killasgroup: p.killasgroup,
    }
}

fn clamp_i32(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(if v < 0 { i32::MIN } else { i32::MAX })
}

fn seconds(v: i64) -> Duration {
    Duration::from_secs(u64::try_from(v).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use config::{LoadContext, StaticUsers, load_str};
    use supervisor_core::{AutoRestart, Signal};

    fn load(text: &str) -> config::Config {
        let ctx = LoadContext::for_tests("/tmp", StaticUsers::root_only());
        match load_str(text, "/tmp/supervisord.conf", &ctx) {
            Ok(loaded) => loaded.config,
            Err(e) => panic!("config: {e}"),
        }
    }

    #[test]
    fn program_options_reach_the_core() {
        let c = load(
            "[supervisord]\n[program:a]\ncommand=/bin/cat\npriority=5\nautostart=false\n\
             startsecs=7\nstartretries=2\nautorestart=true\nexitcodes=0,2\nstopsignal=INT\n\
             stopwaitsecs=3\nstopasgroup=true\n",
        );
        let spec = supervisor_spec(&c);
        assert_eq!(spec.groups.len(), 1);
        let g = &spec.groups[0];
        assert_eq!(
            (g.name.as_str(), g.priority, g.kind),
            ("a", 5, GroupKind::Program)
        );
        let p = &g.processes[0];
        assert_eq!(p.name, "a");
        assert_eq!(p.priority, 5);
        assert!(!p.autostart);
        assert_eq!(p.startsecs, Duration::from_secs(7));
        assert_eq!(p.startretries, 2);
        assert_eq!(p.autorestart, AutoRestart::Always);
        assert_eq!(p.exitcodes, vec![0, 2]);
        assert_eq!(p.stopsignal, Signal::INT);
        assert_eq!(p.stopwaitsecs, Duration::from_secs(3));
        assert!(p.stopasgroup && p.killasgroup);
    }

    #[test]
    fn defaults_match_the_cores() {
        let c = load("[supervisord]\n[program:a]\ncommand=/bin/cat\n");
        let p = &supervisor_spec(&c).groups[0].processes[0];
        assert_eq!(*p, ProcessSpec::new("a"));
    }

    #[test]
    fn group_kinds_and_numprocs() {
        let c = load(
            "[supervisord]\n[program:w]\ncommand=/bin/cat\nnumprocs=2\n\
             process_name=%(program_name)s_%(process_num)d\n\
             [fcgi-program:f]\ncommand=/bin/cat\nsocket=tcp://127.0.0.1:1\n\
             [eventlistener:l]\ncommand=/bin/cat\nevents=TICK_5\n\
             [program:x]\ncommand=/bin/cat\n[program:y]\ncommand=/bin/cat\n\
             [group:g]\nprograms=x,y\npriority=3\n",
        );
        let spec = supervisor_spec(&c);
        let kinds: Vec<_> = spec
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.kind, g.processes.len()))
            .collect();
        assert!(kinds.contains(&("w", GroupKind::Program, 2)));
        assert!(kinds.contains(&("f", GroupKind::FcgiProgram, 1)));
        assert!(kinds.contains(&("l", GroupKind::EventListener, 1)));
        assert!(kinds.contains(&("g", GroupKind::Heterogeneous, 2)));
        let listener = spec.groups.iter().find(|g| g.name == "l");
        assert_eq!(listener.map(|g| g.priority), Some(-1));
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let c = load(
            "[supervisord]\n[program:a]\ncommand=/bin/cat\nstartsecs=-4\nstartretries=-1\n\
             priority=99999999999\n",
        );
        let p = &supervisor_spec(&c).groups[0].processes[0];
        assert_eq!(p.startsecs, Duration::ZERO);
        assert_eq!(p.startretries, 0);
        assert_eq!(p.priority, i32::MAX);
    }
}
