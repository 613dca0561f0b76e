//! The first steps of 4.3's `Supervisor.main`: `set_uid_or_exit` (drop to `user=`) and
//! `set_rlimits_or_exit` (raise `RLIMIT_NOFILE`/`RLIMIT_NPROC` to `minfds`/`minprocs`).
//! Both queue main-log lines (the log is opened afterwards, as the user it will belong to)
//! and fail with the original's usage error texts.

use crate::failure::Failure;
use config::{Config, LoadContext};
use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit, setrlimit};
use nix::unistd::{Gid, Uid, getuid, setgid, setgroups, setuid};

/// The CRIT line 4.3 logs when root runs it without `user=`.
pub const RUNNING_AS_ROOT: &str = "Supervisor is running as root.  Privileges were not dropped \
because no user is specified in the config file.  If you intend to run as root, you can set \
user=root in the config file to avoid this message.";

/// Lines for the main log, by level, queued until it is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queued {
    /// Logged at CRIT.
    pub criticals: Vec<String>,
    /// Logged at INFO (after the config file's own infos).
    pub infos: Vec<String>,
}

/// `set_uid_or_exit`: become `config`'s user (a no-op when already that uid), or queue the
/// "running as root" CRIT when root runs without one.
pub fn set_uid_or_exit(
    config: &Config,
    ctx: &LoadContext,
    queued: &mut Queued,
) -> Result<(), Failure> {
    match config.supervisord.uid {
        None => {
            if getuid().is_root() {
                queued.criticals.push(RUNNING_AS_ROOT.to_string());
            }
            Ok(())
        }
        Some(uid) => {
            drop_privileges(uid, ctx)?;
            queued
                .infos
                .push(format!("Set uid to user {uid} succeeded"));
            Ok(())
        }
    }
}

/// `drop_privileges(uid)`: setgroups (the primary gid first, then every group listing the
/// user), setgid, setuid — only possible for root.
fn drop_privileges(uid: u32, ctx: &LoadContext) -> Result<(), Failure> {
    let Some(user) = ctx.users.user_by_uid(uid) else {
        return Err(Failure::usage(format!("Can't find uid {uid}")));
    };
    let current = getuid();
    if current.as_raw() == uid {
        return Ok(());
    }
    if !current.is_root() {
        return Err(Failure::usage("Can't drop privilege as nonroot user"));
    }
    let mut groups = vec![Gid::from_raw(user.gid)];
    groups.extend(
        supplementary_groups(&user.name)
            .into_iter()
            .map(Gid::from_raw),
    );
    setgroups(&groups).map_err(|_| Failure::usage("Could not set groups of effective user"))?;
    setgid(Gid::from_raw(user.gid))
        .map_err(|_| Failure::usage("Could not set group id of effective user"))?;
    // 4.3 lets this one raise (a traceback, status 1)
    setuid(Uid::from_raw(uid))
        .map_err(|e| Failure::fatal(format!("could not set user id {uid}: {}", e.desc())))
}

/// `[g.gr_gid for g in grp.getgrall() if user in g.gr_mem]`, from `/etc/group`.
fn supplementary_groups(user: &str) -> Vec<u32> {
    groups_listing(
        &std::fs::read_to_string("/etc/group").unwrap_or_default(),
        user,
    )
}

/// The gids of the `group(5)` lines whose member list names `user`.
fn groups_listing(text: &str, user: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let gid = fields.get(2)?.parse().ok()?;
            let members = fields.get(3)?;
            members.split(',').any(|m| m == user).then_some(gid)
        })
        .collect()
}

/// `set_rlimits_or_exit`: raise the soft limit (and the hard one if it is lower) of open
/// files to `minfds` and of processes to `minprocs`, logging INFO
/// `Increased RLIMIT_NOFILE limit to N`; a refusal is a usage error.
pub fn set_rlimits_or_exit(config: &Config, queued: &mut Queued) -> Result<(), Failure> {
    let limits = [
        (
            Resource::RLIMIT_NOFILE,
            "RLIMIT_NOFILE",
            config.supervisord.minfds,
            "The minimum number of file descriptors required to run this process is {min} as \
             per the \"minfds\" command-line argument or config file setting. The current \
             environment will only allow you to open {hard} file descriptors.  Either raise the \
             number of usable file descriptors in your environment (see README.rst) or lower \
             the minfds setting in the config file to allow the process to start.",
        ),
        (
            Resource::RLIMIT_NPROC,
            "RLIMIT_NPROC",
            config.supervisord.minprocs,
            "The minimum number of available processes required to run this program is {min} \
             as per the \"minprocs\" command-line argument or config file setting. The current \
             environment will only allow you to open {hard} processes.  Either raise the number \
             of usable processes in your environment (see README.rst) or lower the minprocs \
             setting in the config file to allow the program to start.",
        ),
    ];
    for (resource, name, min, message) in limits {
        // a negative minimum is never above the (unsigned) current limit
        let Ok(min) = u64::try_from(min) else {
            continue;
        };
        let (soft, mut hard) = getrlimit(resource)
            .map_err(|e| Failure::fatal(format!("getrlimit({name}) failed: {}", e.desc())))?;
        if soft >= min || soft == RLIM_INFINITY {
            continue;
        }
        if hard < min && hard != RLIM_INFINITY {
            // root may raise the hard limit; anyone else gets the usage error below
            hard = min;
        }
        match setrlimit(resource, min, hard) {
            Ok(()) => queued
                .infos
                .push(format!("Increased {name} limit to {min}")),
            Err(_) => {
                let hard_text = if hard == RLIM_INFINITY {
                    "-1".to_string()
                } else {
                    hard.to_string()
                };
                return Err(Failure::usage(
                    message
                        .replace("{min}", &min.to_string())
                        .replace("{hard}", &hard_text),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_lists_name_the_user_exactly() {
        let group = "root:x:0:\nadm:x:4:syslog,alice\nstaff:x:50:alice2\nbad line\n\
                     dev:x:60:bob,alice\nnogid:x::alice\n";
        assert_eq!(groups_listing(group, "alice"), [4, 60]);
        assert_eq!(groups_listing(group, "bob"), [60]);
        assert!(groups_listing(group, "ali").is_empty());
    }
}
