//! The rotation rule of supervisord's RotatingFileHandler, on real files.

use std::os::unix::fs::PermissionsExt;

use logrotate::{CreateMode, Policy, RotatingFile, Written};

use crate::util::{backup, backup_contents, contents, log_in_tempdir, open};

#[test]
fn below_max_bytes_nothing_rotates() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 10, 2);
    assert_eq!(log.write(b"123456789").expect("write"), Written::Kept);
    assert_eq!(contents(&path).as_deref(), Some(&b"123456789"[..]));
    assert_eq!(backup_contents(&path, 1), None);
    assert_eq!(log.size(), 9);
}

#[test]
fn rotates_at_exactly_max_bytes() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 10, 2);
    assert_eq!(log.write(b"1234").expect("write"), Written::Kept);
    assert_eq!(log.write(b"567890").expect("write"), Written::Rotated);
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"1234567890"[..])
    );
    assert_eq!(log.size(), 0);
}

#[test]
fn one_write_overshoots_max_bytes() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 10, 1);
    let chunk = [b'x'; 25];
    assert_eq!(log.write(&chunk).expect("write"), Written::Rotated);
    assert_eq!(backup_contents(&path, 1).as_deref(), Some(&chunk[..]));
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
}

#[test]
fn backups_shift_and_the_oldest_is_dropped() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 3, 3);
    for chunk in [b"aaa", b"bbb", b"ccc", b"ddd", b"eee"] {
        assert_eq!(log.write(chunk).expect("write"), Written::Rotated);
    }
    log.write(b"ff").expect("write");
    assert_eq!(contents(&path).as_deref(), Some(&b"ff"[..]));
    assert_eq!(backup_contents(&path, 1).as_deref(), Some(&b"eee"[..]));
    assert_eq!(backup_contents(&path, 2).as_deref(), Some(&b"ddd"[..]));
    assert_eq!(backup_contents(&path, 3).as_deref(), Some(&b"ccc"[..]));
    assert_eq!(backup_contents(&path, 4), None);
}

#[test]
fn backups_zero_truncates_in_place() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 5, 0);
    assert_eq!(log.write(b"12345").expect("write"), Written::Rotated);
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
    log.write(b"67").expect("write");
    assert_eq!(contents(&path).as_deref(), Some(&b"67"[..]));
    assert_eq!(log.write(b"890").expect("write"), Written::Rotated);
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
    assert_eq!(backup_contents(&path, 1), None);
}

#[test]
fn max_bytes_zero_never_rotates() {
    let (_dir, path) = log_in_tempdir();
    std::fs::write(&path, b"old\n").expect("seed");
    let mut log = open(&path, 0, 10);
    let chunk = vec![b'y'; 100_000];
    assert_eq!(log.write(&chunk).expect("write"), Written::Kept);
    assert_eq!(log.size(), 100_004);
    assert_eq!(contents(&path).map(|c| c.len()), Some(100_004));
    assert_eq!(backup_contents(&path, 1), None);
}

#[test]
fn preexisting_length_counts_toward_max_bytes() {
    let (_dir, path) = log_in_tempdir();
    std::fs::write(&path, b"01234567").expect("seed");
    let mut log = open(&path, 10, 1);
    assert_eq!(log.size(), 8);
    assert_eq!(log.write(b"89").expect("write"), Written::Rotated);
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"0123456789"[..])
    );
}

/// supervisord checks after every emit, even an empty one; an oversized file
/// is not rotated when opened, only at the next write.
#[test]
fn oversized_file_rotates_on_next_write_even_empty() {
    let (_dir, path) = log_in_tempdir();
    std::fs::write(&path, b"0123456789AB").expect("seed");
    let mut log = open(&path, 10, 2);
    assert_eq!(contents(&path).map(|c| c.len()), Some(12));
    assert_eq!(log.write(b"").expect("write"), Written::Rotated);
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"0123456789AB"[..])
    );
}

/// Expected files produced by supervisor 4.3.0's RotatingFileHandler for the same writes
/// (maxbytes=10, backups=3), recorded with target/py/bin/python.
#[test]
fn same_files_as_supervisord_4_3() {
    let (_dir, path) = log_in_tempdir();
    let mut log = open(&path, 10, 3);
    let writes: [&[u8]; 7] = [
        b"12345",
        b"67890",
        b"abc",
        b"defghijklmnop",
        b"x",
        b"yyyyyyyyyy",
        b"z",
    ];
    for chunk in writes {
        log.write(chunk).expect("write");
    }
    assert_eq!(contents(&path).as_deref(), Some(&b"z"[..]));
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"xyyyyyyyyyy"[..])
    );
    assert_eq!(
        backup_contents(&path, 2).as_deref(),
        Some(&b"abcdefghijklmnop"[..])
    );
    assert_eq!(
        backup_contents(&path, 3).as_deref(),
        Some(&b"1234567890"[..])
    );
}

#[test]
fn backups_beyond_the_count_are_left_alone() {
    let (_dir, path) = log_in_tempdir();
    std::fs::write(backup(&path, 5), b"ancient").expect("seed");
    let mut log = open(&path, 2, 2);
    for _ in 0..4 {
        log.write(b"ab").expect("write");
    }
    assert_eq!(backup_contents(&path, 3), None);
    assert_eq!(backup_contents(&path, 5).as_deref(), Some(&b"ancient"[..]));
}

/// supervisord's rotated AUTO logs come back 0644 (`open(f, 'wb')`); ours keep 0600.
#[test]
fn creation_mode_applies_after_rotation_too() {
    let (_dir, path) = log_in_tempdir();
    let policy = Policy {
        max_bytes: 4,
        backups: 1,
    };
    let mut log = RotatingFile::open(&path, policy, CreateMode::AUTO).expect("open");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    log.write(b"abcd").expect("write");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&backup(&path, 1)), 0o600);
}

#[test]
fn existing_file_mode_is_not_changed() {
    let (_dir, path) = log_in_tempdir();
    std::fs::write(&path, b"x").expect("seed");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let _log = RotatingFile::open(
        &path,
        Policy {
            max_bytes: 0,
            backups: 0,
        },
        CreateMode::AUTO,
    )
    .expect("open");
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}
