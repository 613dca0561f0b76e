//! Failures say who is at fault, and never lose written bytes.

use logrotate::{Action, CreateMode, Error, Policy, RotatingFile, Written};

use crate::util::{backup, backup_contents, contents, log_in_tempdir, open};

#[test]
fn missing_directory_is_named() {
    let (dir, _) = log_in_tempdir();
    let missing = dir.path().join("nope");
    let path = missing.join("app.log");
    let err = RotatingFile::open(
        &path,
        Policy {
            max_bytes: 10,
            backups: 1,
        },
        CreateMode::DEFAULT,
    )
    .expect_err("directory is missing");
    assert!(
        matches!(&err, Error::MissingDirectory { dir, .. } if *dir == missing),
        "{err:?}"
    );
    assert_eq!(err.action(), &Action::Open(path.clone()));
    assert_eq!(
        err.to_string(),
        format!(
            "cannot open {}: directory {} does not exist",
            path.display(),
            missing.display()
        )
    );
}

#[test]
fn path_naming_a_directory_is_another_error() {
    let (dir, _) = log_in_tempdir();
    let err = RotatingFile::open(
        dir.path(),
        Policy {
            max_bytes: 0,
            backups: 0,
        },
        CreateMode::DEFAULT,
    )
    .expect_err("a directory is no log file");
    assert!(matches!(err, Error::Other { .. }), "{err:?}");
}

/// A failed rotation leaves every written byte in the live file, writes go on, and
/// rotation is retried after another `max_bytes`. The obstacle fails the step that
/// 4.3's `removeAndRename` takes first: deleting the destination.
#[test]
fn failed_rename_loses_no_bytes() {
    let (_dir, path) = log_in_tempdir();
    // `<f>.1` is a non-empty directory: renaming the live file onto it fails.
    let obstacle = backup(&path, 1);
    std::fs::create_dir(&obstacle).expect("mkdir obstacle");
    std::fs::write(obstacle.join("keep"), b"").expect("fill obstacle");

    let mut log = open(&path, 4, 1);
    let err = log.write(b"abcdef").expect_err("the rotation must fail");
    assert!(
        matches!(err.action(), Action::Remove(p) if *p == obstacle),
        "{err:?}"
    );
    assert_eq!(contents(&path).as_deref(), Some(&b"abcdef"[..]));
    assert_eq!(log.size(), 6);

    // No retry storm: the next attempt waits for another max_bytes.
    assert_eq!(log.write(b"gh").expect("write"), Written::Kept);
    std::fs::remove_dir_all(&obstacle).expect("admin removes the obstacle");
    assert_eq!(log.write(b"ij").expect("write"), Written::Rotated);
    assert_eq!(
        backup_contents(&path, 1).as_deref(),
        Some(&b"abcdefghij"[..])
    );
    assert_eq!(contents(&path).as_deref(), Some(&b""[..]));
}
