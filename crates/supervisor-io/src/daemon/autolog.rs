//! `AUTO` child logs: named like `tempfile.mkstemp` names them, cleaned at startup.
//!
//! supervisord creates `<process>-<channel>---<identifier>-<8 random chars>.log` in
//! `childlogdir` when the group is activated (mode 0600, `O_EXCL`), and at startup
//! removes every file matching `.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}` (anchored
//! at the start only) unless `nocleanup`.

use std::collections::hash_map::RandomState;
use std::fs::OpenOptions;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// `tempfile`'s name alphabet.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789_";

/// Eight random characters from `tempfile`'s alphabet (std's per-process random hash
/// keys, mixed with a counter: unpredictable enough for names, no extra crate).
fn random_chars() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let mut bits = hasher.finish();
    (0..8)
        .map(|_| {
            let c = ALPHABET[(bits % ALPHABET.len() as u64) as usize];
            bits /= ALPHABET.len() as u64;
            char::from(c)
        })
        .collect()
}

/// Create a new AUTO log for `process`'s `channel` in `dir` (like `mkstemp`: 0600,
/// exclusive, retried on a name clash) and return its path.
pub(crate) fn create(
    dir: &Path,
    process: &str,
    channel: &str,
    identifier: &str,
) -> io::Result<PathBuf> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..100 {
        let path = dir.join(format!(
            "{process}-{channel}---{identifier}-{}.log",
            random_chars()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// Whether `name` matches `.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}` with `re.match`.
pub(crate) fn is_old_auto_log(name: &str, identifier: &str) -> bool {
    let marker = format!("---{identifier}-");
    // `.+?` is at least one character and never a newline.
    let mut start = 1;
    while let Some(offset) = name.get(start..).and_then(|rest| rest.find(&marker)) {
        let at = start + offset;
        if name[..at].contains('\n') {
            return false;
        }
        let rest = &name[at + marker.len()..];
        // `\S+\.log`: at least one non-space character, then `.log`, all non-space.
        let mut search = 1;
        while let Some(pos) = rest.get(search..).and_then(|r| r.find(".log")) {
            let end = search + pos;
            if !rest[..end].chars().any(char::is_whitespace) {
                return true;
            }
            search = end + 1;
        }
        start = at + 1;
    }
    false
}

/// The files [`is_old_auto_log`] selects in `dir`; `Err` if `dir` cannot be listed.
pub(crate) fn old_auto_logs(dir: &Path, identifier: &str) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(name) = entry.file_name().to_str()
            && is_old_auto_log(name, identifier)
        {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleanup_pattern_like_python_re_match() {
        let id = "supervisor";
        assert!(is_old_auto_log("cat-stdout---supervisor-abcd1234.log", id));
        assert!(is_old_auto_log(
            "cat-stdout---supervisor-abcd1234.log.1",
            id
        ));
        assert!(is_old_auto_log(
            "cat-stdout---supervisor-abcd1234.log.10",
            id
        ));
        assert!(is_old_auto_log("x---supervisor-a.logfoo", id)); // re.match: no end anchor
        assert!(!is_old_auto_log("---supervisor-abc.log", id)); // `.+?` needs one char
        assert!(!is_old_auto_log("cat---supervisor-.log", id)); // `\S+` needs one char
        assert!(!is_old_auto_log("cat---other-abc.log", id));
        assert!(!is_old_auto_log("cat---supervisor-a b.log", id));
        assert!(!is_old_auto_log("supervisord.log", id));
    }

    #[test]
    fn names_look_like_mkstemp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = create(dir.path(), "sleeper", "stdout", "myident").expect("create");
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        assert!(name.starts_with("sleeper-stdout---myident-"), "{name}");
        assert!(name.ends_with(".log"));
        assert_eq!(name.len(), "sleeper-stdout---myident-".len() + 8 + 4);
        assert!(is_old_auto_log(&name, "myident"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        let q = create(dir.path(), "sleeper", "stdout", "myident").expect("create");
        assert_ne!(p, q);
    }
}
