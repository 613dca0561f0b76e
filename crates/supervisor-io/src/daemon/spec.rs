//! `config::Config` → `supervisor_core::SupervisorSpec`: the lifecycle options the core
//! decides with. Commands, environments and logs stay with the driver.
//!
//! The config keeps Python's unbounded ints (`i64`, negative values accepted by 4.3);
//! the core wants durations and counts, so values are clamped: a negative `startsecs`
//! or `stopwaitsecs` is 0 s, a negative `startretries` is 0.

use std::time::Duration;

use supervisor_core::eventproto::Subscription;
use supervisor_core::{
    EventSpec, GroupEvents, GroupKind, GroupSpec, OutputEvents, PoolSpec, ProcessSpec,
    SupervisorSpec,
};

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

/// The event options of `config` ([`supervisor_core::Supervisor::with_events`]):
/// `identifier`, `event_drain_secs`, and per group its pool (`[eventlistener:x]` `events`,
/// `buffer_size`, `max_retry`, `monitor_interval`) and its processes' output options
/// (`*_events_enabled`, `*_capture_maxbytes`).
pub fn event_spec(config: &config::Config) -> EventSpec {
    let sup = &config.supervisord;
    EventSpec {
        identifier: sup.identifier.clone(),
        shutdown_drain_timeout: seconds(sup.event_drain_secs),
        groups: config
            .groups
            .iter()
            .map(|g| (g.name.clone(), group_events(g)))
            .collect(),
    }
}

/// The event options of one group (for `addProcessGroup` too).
pub fn group_events(group: &config::GroupConfig) -> GroupEvents {
    let pool = match &group.kind {
        config::GroupKind::EventListener {
            buffer_size,
            events,
            max_retry,
            monitor_interval,
            ..
        } => Some(PoolSpec {
            // The config crate validated every name; one it could not have accepted
            // is left out rather than guessed.
            events: events
                .iter()
                .filter_map(|e| Subscription::parse(e))
                .collect(),
            buffer_size: usize::try_from(*buffer_size).unwrap_or(1).max(1),
            max_retry: *max_retry,
            monitor_interval: seconds(*monitor_interval).max(Duration::from_secs(1)),
        }),
        _ => None,
    };
    let outputs = group
        .processes
        .iter()
        .map(|p| (p.name.clone(), output_events(p)))
        .filter(|(_, o)| o.any())
        .collect();
    GroupEvents { pool, outputs }
}

/// `*_events_enabled` and `*_capture_maxbytes` of one process (a negative or zero
/// `capture_maxbytes` means no capture mode, as in 4.3).
pub fn output_events(p: &config::ProcessConfig) -> OutputEvents {
    let bytes = |v: i64| usize::try_from(v).unwrap_or(0);
    OutputEvents {
        stdout_events_enabled: p.stdout.events_enabled,
        stderr_events_enabled: p.stderr.events_enabled,
        stdout_capture_maxbytes: bytes(p.stdout.capture_maxbytes),
        stderr_capture_maxbytes: bytes(p.stderr.capture_maxbytes),
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
    fn listener_pool_options_reach_the_event_spec() {
        let c = load(
            "[supervisord]\nidentifier=myid\nevent_drain_secs=3\n\
             [eventlistener:l]\ncommand=/bin/cat\nevents=PROCESS_STATE,TICK_5\n\
             buffer_size=4\nmax_retry=2\nmonitor_interval=7\n\
             [eventlistener:m]\ncommand=/bin/cat\nevents=MONITOR_QUERY\n",
        );
        let spec = event_spec(&c);
        assert_eq!(spec.identifier, "myid");
        assert_eq!(spec.shutdown_drain_timeout, Duration::from_secs(3));
        let l = spec.groups["l"].pool.clone();
        let l = l.unwrap_or_else(|| panic!("no pool for l"));
        let mut names: Vec<_> = l.events.clone();
        names.sort();
        let mut want = vec![
            Subscription::parse("PROCESS_STATE").unwrap_or_else(|| panic!()),
            Subscription::parse("TICK_5").unwrap_or_else(|| panic!()),
        ];
        want.sort();
        assert_eq!(names, want);
        assert_eq!(l.buffer_size, 4);
        assert_eq!(l.max_retry, Some(2));
        assert_eq!(l.monitor_interval, Duration::from_secs(7));
        let m = spec.groups["m"].pool.clone().unwrap_or_default();
        assert_eq!(
            m.events,
            vec![Subscription::parse("MONITOR_QUERY").unwrap_or_else(|| panic!())]
        );
        assert_eq!((m.buffer_size, m.max_retry), (10, None));
        assert_eq!(m.monitor_interval, Duration::from_secs(60));
    }

    #[test]
    fn output_event_options_reach_the_event_spec() {
        let c = load(
            "[supervisord]\n[program:a]\ncommand=/bin/cat\nstdout_events_enabled=true\n\
             stderr_capture_maxbytes=1KB\n[program:b]\ncommand=/bin/cat\n",
        );
        let spec = event_spec(&c);
        assert_eq!(spec.identifier, "supervisor");
        assert_eq!(spec.shutdown_drain_timeout, Duration::from_secs(10));
        let a = &spec.groups["a"];
        assert!(a.pool.is_none());
        assert_eq!(
            a.outputs["a"],
            OutputEvents {
                stdout_events_enabled: true,
                stderr_events_enabled: false,
                stdout_capture_maxbytes: 0,
                stderr_capture_maxbytes: 1024,
            }
        );
        // Nothing enabled: no entry at all.
        assert!(spec.groups["b"].outputs.is_empty());
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
