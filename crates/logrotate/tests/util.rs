//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use logrotate::{CreateMode, Policy, RotatingFile};

/// A fresh temporary directory and the log path `<dir>/app.log` inside it.
pub fn log_in_tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("create tempdir");
    let path = dir.path().join("app.log");
    (dir, path)
}

/// Open `path` with the given policy and the default creation mode.
pub fn open(path: &Path, max_bytes: u64, backups: u32) -> RotatingFile {
    RotatingFile::open(path, Policy { max_bytes, backups }, CreateMode::DEFAULT).expect("open log")
}

/// The contents of `path`, or `None` if it does not exist.
pub fn contents(path: &Path) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("read {}: {e}", path.display()),
    }
}

/// The path of backup `n` of `base`.
pub fn backup(base: &Path, n: u32) -> PathBuf {
    let mut name = base.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// The contents of backup `n`, or `None` if it does not exist.
pub fn backup_contents(base: &Path, n: u32) -> Option<Vec<u8>> {
    contents(&backup(base, n))
}
