//! STARTING -> BACKOFF: on a spawn error (spawnerr logged) or a child reaped before
//! startsecs ("Exited too quickly", "not expected" even for an expected code, exitstatus
//! reported 0); backoff += 1 and the retry waits that many seconds.

use crate::sim::*;
use supervisor_core::{LogLevel, ProcessStateCode as S, SpawnError};

#[test]
fn too_quick_exit_is_backoff_with_exited_too_quickly() {
    let mut sim = Sim::new(vec![prog("a", |p| p.startsecs = secs(5))]);
    sim.advance(secs(4));
    sim.exit("a", code(0));
    assert_eq!(sim.state("a"), S::Backoff);
    assert!(sim.has_log(LogLevel::Warn, "exited: a (exit status 0; not expected)"));
    let info = sim
        .core
        .process_info("a", sim.clock().wall, 0)
        .expect("info");
    assert_eq!(
        info.spawnerr,
        "Exited too quickly (process log may have details)"
    );
    assert_eq!(
        info.description,
        "Exited too quickly (process log may have details)"
    );
    assert_eq!(info.exitstatus, 0);
    // retry 1 waits 1 s (strictly after)
    sim.advance(secs(1));
    assert_eq!(sim.state("a"), S::Backoff);
    sim.advance(ms(1));
    assert_eq!(sim.state("a"), S::Starting);
}

#[test]
fn spawn_error_is_backoff_with_spawnerr_logged() {
    let mut sim = Sim::with_setup(vec![prog("a", |_| {})], |sim| {
        sim.spawn_failures
            .insert("a".into(), vec![SpawnError::process_table_full("a")].into());
    });
    assert_eq!(sim.state("a"), S::Backoff);
    assert!(sim.has_log(
        LogLevel::Info,
        "spawnerr: Too many processes in process table to spawn 'a'"
    ));
    sim.advance(secs(1) + ms(1));
    assert_eq!(sim.state("a"), S::Starting, "retried");
    assert_eq!(sim.spawns.len(), 2);
}

#[test]
fn spawn_error_texts_match_supervisord() {
    assert_eq!(
        SpawnError::not_found("foo").message(),
        "can't find command 'foo'"
    );
    assert_eq!(
        SpawnError::is_directory("/tmp").message(),
        "command at '/tmp' is a directory"
    );
    assert_eq!(
        SpawnError::not_executable("/x").message(),
        "command at '/x' is not executable"
    );
    assert_eq!(
        SpawnError::no_permission("/x").message(),
        "no permission to run command '/x'"
    );
    assert_eq!(
        SpawnError::cant_parse("echo 'a", "No closing quotation").message(),
        "can't parse command \"echo 'a\": No closing quotation"
    );
    assert_eq!(SpawnError::empty_command().message(), "command is empty");
    assert_eq!(
        SpawnError::too_many_open_files("a").message(),
        "too many open files to spawn 'a'"
    );
    assert_eq!(
        SpawnError::fork_error("a", "ENOMEM").message(),
        "unknown error during fork for 'a': ENOMEM"
    );
    assert_eq!(
        SpawnError::pipe_error("a", "EIO").message(),
        "unknown error making dispatchers for 'a': EIO"
    );
}
