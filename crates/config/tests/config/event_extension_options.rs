//! Options of ours that 4.3 does not know (and silently ignores, so configs stay portable):
//! `[eventlistener:x] max_retry` and `monitor_interval`, `[supervisord] event_drain_secs`.

use super::common::{conf, ctx};
use config::{DEFAULT_EVENT_DRAIN_SECS, GroupKind, load};

const LISTENER: &str = "[supervisord]\n[eventlistener:l]\ncommand=/bin/cat\nevents=PROCESS_STATE\n";

fn listener_kind(extra: &str) -> Result<GroupKind, String> {
    let (dir, path) = conf(&format!("{LISTENER}{extra}"));
    load(&path, &ctx(dir.path()))
        .map(|l| l.config.groups[0].kind.clone())
        .map_err(|e| e.message().to_string())
}

#[test]
fn defaults_keep_four_three_behaviour() {
    let (dir, path) = conf(LISTENER);
    let loaded = load(&path, &ctx(dir.path())).expect("loads");
    assert_eq!(
        loaded.config.supervisord.event_drain_secs,
        DEFAULT_EVENT_DRAIN_SECS
    );
    match &loaded.config.groups[0].kind {
        GroupKind::EventListener {
            max_retry,
            monitor_interval,
            ..
        } => {
            assert_eq!(*max_retry, None, "retry forever, as 4.3");
            assert_eq!(*monitor_interval, 60);
        }
        other => panic!("not a listener pool: {other:?}"),
    }
}

#[test]
fn max_retry_and_monitor_interval_are_read() {
    match listener_kind("max_retry=3\nmonitor_interval=5\n").expect("loads") {
        GroupKind::EventListener {
            max_retry,
            monitor_interval,
            ..
        } => {
            assert_eq!((max_retry, monitor_interval), (Some(3), 5));
        }
        other => panic!("not a listener pool: {other:?}"),
    }
}

#[test]
fn invalid_values_are_rejected_with_section_and_value() {
    let err = listener_kind("max_retry=0\n").expect_err("0 is not a retry limit");
    assert!(
        err.starts_with("[eventlistener:l] section sets invalid max_retry (0)"),
        "{err}"
    );
    let err = listener_kind("monitor_interval=0\n").expect_err("0 s interval");
    assert!(
        err.starts_with("[eventlistener:l] section sets invalid monitor_interval (0)"),
        "{err}"
    );
    let err = listener_kind("max_retry=lots\n").expect_err("not an int");
    assert!(
        err.contains("invalid literal for int() with base 10: 'lots'"),
        "{err}"
    );
    let (dir, path) = conf("[supervisord]\nevent_drain_secs=-1\n");
    let err = load(&path, &ctx(dir.path())).expect_err("negative drain");
    assert!(
        err.message()
            .starts_with("[supervisord] section sets invalid event_drain_secs (-1)")
    );
}

#[test]
fn monitor_query_is_a_known_event_type() {
    assert!(listener_kind("events=MONITOR_QUERY\n").is_ok());
}

#[test]
fn ron_round_trip_keeps_the_new_options() {
    let (dir, path) = conf(&format!("{LISTENER}max_retry=2\n"));
    let config = load(&path, &ctx(dir.path())).expect("loads").config;
    let back = config::Config::from_ron(&config.to_ron().expect("ron")).expect("parses");
    assert_eq!(back, config);
}
