//! Host facts a load depends on, injected so that loads are deterministic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One user record, as `pwd.getpwnam`/`pwd.getpwuid` return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    /// Login name.
    pub name: String,
    /// Numeric user id.
    pub uid: u32,
    /// Primary group id (`gid_for_uid`).
    pub gid: u32,
    /// Home directory (for `~name` expansion).
    pub home: String,
}

/// The user and group database (`pwd`/`grp` in the original).
pub trait UserLookup: Send + Sync {
    /// `pwd.getpwnam(name)`.
    fn user_by_name(&self, name: &str) -> Option<UserEntry>;
    /// `pwd.getpwuid(uid)`.
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry>;
    /// `grp.getgrnam(name)`: the group's gid.
    fn group_by_name(&self, name: &str) -> Option<u32>;
    /// Whether `grp.getgrgid(gid)` finds a group.
    fn group_exists(&self, gid: u32) -> bool;
}

/// Reads `/etc/passwd` and `/etc/group` (fresh on every lookup, so a reread sees changes).
///
/// Parsing the files rather than calling `getpwnam(3)` keeps the crate free of `unsafe` and
/// of a libc binding; NSS sources other than files (LDAP, sssd) are therefore not consulted.
#[derive(Debug, Clone)]
pub struct SystemUsers {
    passwd: PathBuf,
    group: PathBuf,
}

impl Default for SystemUsers {
    fn default() -> Self {
        SystemUsers {
            passwd: PathBuf::from("/etc/passwd"),
            group: PathBuf::from("/etc/group"),
        }
    }
}

impl SystemUsers {
    /// Look users up in other files (for tests or chroots).
    pub fn with_files(passwd: impl Into<PathBuf>, group: impl Into<PathBuf>) -> Self {
        SystemUsers {
            passwd: passwd.into(),
            group: group.into(),
        }
    }

    fn users(&self) -> Vec<UserEntry> {
        let text = std::fs::read_to_string(&self.passwd).unwrap_or_default();
        text.lines().filter_map(parse_passwd_line).collect()
    }

    fn groups(&self) -> Vec<(String, u32)> {
        let text = std::fs::read_to_string(&self.group).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let mut fields = line.split(':');
                let name = fields.next()?;
                let gid = fields.nth(1)?.parse().ok()?;
                Some((name.to_string(), gid))
            })
            .collect()
    }
}

fn parse_passwd_line(line: &str) -> Option<UserEntry> {
    let fields: Vec<&str> = line.split(':').collect();
    if fields.len() < 7 {
        return None;
    }
    Some(UserEntry {
        name: fields[0].to_string(),
        uid: fields[2].parse().ok()?,
        gid: fields[3].parse().ok()?,
        home: fields[5].to_string(),
    })
}

impl UserLookup for SystemUsers {
    fn user_by_name(&self, name: &str) -> Option<UserEntry> {
        self.users().into_iter().find(|u| u.name == name)
    }
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry> {
        self.users().into_iter().find(|u| u.uid == uid)
    }
    fn group_by_name(&self, name: &str) -> Option<u32> {
        self.groups()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, gid)| gid)
    }
    fn group_exists(&self, gid: u32) -> bool {
        self.groups().iter().any(|&(_, g)| g == gid)
    }
}

/// A fixed in-memory user database for tests and embedding.
#[derive(Debug, Clone, Default)]
pub struct StaticUsers {
    /// The users.
    pub users: Vec<UserEntry>,
    /// The groups, `(name, gid)`.
    pub groups: Vec<(String, u32)>,
}

impl StaticUsers {
    /// Just `root` (uid 0, gid 0, home `/root`) and group `root`.
    pub fn root_only() -> Self {
        StaticUsers {
            users: vec![UserEntry {
                name: "root".into(),
                uid: 0,
                gid: 0,
                home: "/root".into(),
            }],
            groups: vec![("root".into(), 0)],
        }
    }
}

impl UserLookup for StaticUsers {
    fn user_by_name(&self, name: &str) -> Option<UserEntry> {
        self.users.iter().find(|u| u.name == name).cloned()
    }
    fn user_by_uid(&self, uid: u32) -> Option<UserEntry> {
        self.users.iter().find(|u| u.uid == uid).cloned()
    }
    fn group_by_name(&self, name: &str) -> Option<u32> {
        self.groups
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, gid)| gid)
    }
    fn group_exists(&self, gid: u32) -> bool {
        self.groups.iter().any(|&(_, g)| g == gid)
    }
}

/// Everything about the host a load may consult.
#[derive(Clone)]
pub struct LoadContext {
    /// supervisord's environment at start, in order (`ENV_<NAME>` expansions; `HOME`).
    pub env: Vec<(String, String)>,
    /// The current directory: relative paths and `normalize_path` are taken against it.
    pub cwd: PathBuf,
    /// `platform.node()`: the `%(host_node_name)s` expansion.
    pub hostname: String,
    /// The real uid supervisord runs as (decides the default fcgi `socket_owner`).
    pub uid: u32,
    /// `tempfile.gettempdir()`: the default `childlogdir`.
    pub temp_dir: String,
    /// The user and group database.
    pub users: Arc<dyn UserLookup>,
    /// `ENV_<NAME>` expansions carried over from an earlier load of the same daemon: in 4.3 the
    /// `[supervisord] environment` keys of a previous parse stay expandable on a reread (the
    /// dict only grows). Empty for a first load; see [`LoadContext::for_reread`].
    pub carried_env: Vec<(String, String)>,
}

impl std::fmt::Debug for LoadContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadContext")
            .field("env", &self.env)
            .field("cwd", &self.cwd)
            .field("hostname", &self.hostname)
            .field("uid", &self.uid)
            .field("temp_dir", &self.temp_dir)
            .field("carried_env", &self.carried_env)
            .finish_non_exhaustive()
    }
}

impl LoadContext {
    /// The facts of the running process: its environment, cwd, hostname, real uid, temp dir
    /// (as `tempfile.gettempdir()` chooses it) and `/etc/passwd` + `/etc/group`.
    pub fn from_system() -> Self {
        let env: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let uid = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("Uid:"))?.to_string();
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0);
        let temp_dir = gettempdir(&env, &cwd);
        LoadContext {
            env,
            cwd,
            hostname,
            uid,
            temp_dir,
            users: Arc::new(SystemUsers::default()),
            carried_env: Vec::new(),
        }
    }

    /// A context for tests: `cwd`, env `PATH=/usr/bin:/bin` and `HOME=/root`, hostname
    /// `testhost`, uid 0, temp dir `/tmp`, and the given users.
    pub fn for_tests(cwd: impl Into<PathBuf>, users: impl UserLookup + 'static) -> Self {
        LoadContext {
            env: vec![
                ("PATH".into(), "/usr/bin:/bin".into()),
                ("HOME".into(), "/root".into()),
            ],
            cwd: cwd.into(),
            hostname: "testhost".into(),
            uid: 0,
            temp_dir: "/tmp".into(),
            users: Arc::new(users),
            carried_env: Vec::new(),
        }
    }

    /// This context for re-reading the file after `previous` was loaded with it: the
    /// `[supervisord] environment` keys of `previous` stay available as `ENV_<NAME>`, as in
    /// 4.3's `reloadConfig` (spec §1.3).
    pub fn for_reread(&self, previous: &crate::Config) -> LoadContext {
        let mut ctx = self.clone();
        for (k, v) in previous.supervisord.environment.iter() {
            match ctx.carried_env.iter_mut().find(|(ck, _)| ck == k) {
                Some(slot) => slot.1 = v.to_string(),
                None => ctx.carried_env.push((k.to_string(), v.to_string())),
            }
        }
        ctx
    }

    /// The value of an environment variable in the injected environment.
    pub fn env_var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn cwd_str(&self) -> String {
        self.cwd.to_string_lossy().into_owned()
    }
}

/// `tempfile.gettempdir()`: `TMPDIR`, `TEMP`, `TMP`, then `/tmp`, `/var/tmp`, `/usr/tmp`,
/// then the cwd; the first existing directory (Python also checks it is writable).
fn gettempdir(env: &[(String, String)], cwd: &Path) -> String {
    let from_env = ["TMPDIR", "TEMP", "TMP"]
        .iter()
        .filter_map(|name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    let fixed = ["/tmp", "/var/tmp", "/usr/tmp"]
        .iter()
        .map(|s| s.to_string());
    from_env
        .chain(fixed)
        .find(|dir| Path::new(dir).is_dir())
        .unwrap_or_else(|| cwd.to_string_lossy().into_owned())
}
