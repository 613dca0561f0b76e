//! Helpers shared by the behaviour tests.

use config::{LoadContext, StaticUsers, UserEntry};
use std::path::Path;

/// A context on `dir` with users root (0) and www (33, group 33) and groups root, www.
pub fn ctx(dir: &Path) -> LoadContext {
    let mut users = StaticUsers::root_only();
    users.users.push(UserEntry {
        name: "www".into(),
        uid: 33,
        gid: 33,
        home: "/var/www".into(),
    });
    users.groups.push(("www".into(), 33));
    LoadContext::for_tests(dir, users)
}

/// Write `text` as `supervisord.conf` in a fresh temp dir; returns (dir, path).
pub fn conf(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("supervisord.conf");
    std::fs::write(&path, text).expect("write conf");
    (dir, path)
}
