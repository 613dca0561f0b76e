//! `reopen` (SIGUSR2) and `remove_and_reopen` (clearLog, clearProcessLogs).

use logrotate::Written;

use crate::util::{backup_contents, contents, log_in_tempdir, open};

#[test]
fn reopen_after_the_file_was_moved_away_creates_a_new_file() {
    let (dir, path) = log_in_tempdir();
    let moved = dir.path().join("moved.log");
    let mut log = open(&path, 1000, 2);
    log.write(b"old ").expect("write");
    std::fs::rename(&path, &moved).expect("external logrotate moves the file");
    // Until reopened, writes follow the open file.
    log.write(b"still old").expect("write");
    log.reopen().expect("reopen");
    assert_eq!(log.size(), 0);
    log.write(b"new").expect("write");
    assert_eq!(contents(&path).as_deref(), Some(&b"new"[..]));
    assert_eq!(contents(&moved).as_deref(), Some(&b"old still old"[..]));
}

#[test]
fn reopen_counts_the_existing_length() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 10, 1);
    log.write(b"12345").expect("write");
    log.reopen().expect("reopen");
    assert_eq!(log.size(), 5);
    assert_eq!(log.write(b"67890").expect("write"), Written::Rotated);
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"1234567890"[..])
    );
}

#[test]
fn failed_reopen_keeps_writing_to_the_old_file() {
    let (dir, path) = log_in_tempdir();
    let moved = dir.path().join("moved.log");
    let mut log = open(&path, 1000, 2);
    log.write(b"a").expect("write");
    std::fs::rename(&path, &moved).expect("move away");
    std::fs::create_dir(&path).expect("block the path with a directory");
    assert!(log.reopen().is_err());
    log.write(b"b").expect("write still works");
    assert_eq!(contents(&moved).as_deref(), Some(&b"ab"[..]));
}

#[test]
fn remove_and_reopen_keeps_backups() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 3, 2);
    log.write(b"aaa").expect("write");
    log.write(b"bb").expect("write");
    log.remove_and_reopen().expect("clear");
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
    assert_eq!(backup_contents(&path, 1).as_deref(), Some(&b"aaa"[..]));
    assert_eq!(log.size(), 0);
    log.write(b"c").expect("write");
    assert_eq!(contents(&path).as_deref(), Some(&b"c"[..]));
}

#[test]
fn remove_and_reopen_when_already_deleted() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 3, 2);
    log.write(b"x").expect("write");
    std::fs::remove_file(&path).expect("cleanup script");
    log.remove_and_reopen().expect("clear");
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
}

/// A cleanup script deleted the live file: the rotation skips it (supervisord
/// ignores ENOENT) and a fresh file is created.
#[test]
fn rotation_after_the_live_file_was_deleted() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 4, 2);
    log.write(b"ab").expect("write");
    std::fs::remove_file(&path).expect("cleanup script");
    assert_eq!(log.write(b"cd").expect("write"), Written::Rotated);
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
    assert_eq!(backup_contents(&path, 1), None);
    log.write(b"e").expect("write");
    assert_eq!(contents(&path).as_deref(), Some(&b"e"[..]));
}
