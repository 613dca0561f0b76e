//! The pure half: when to rotate and which renames a rotation is made of.
//!
//! Nothing here touches a file, so every rule of supervisord's
//! `RotatingFileHandler.doRollover` can be tested without a disk.

use std::ffi::OsString;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

/// How big a log may grow and how many old copies to keep.
///
/// These are supervisord's `logfile_maxbytes` / `logfile_backups` (and the
/// `stdout_`/`stderr_` per-program twins), already parsed into numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Rotate once the file holds at least this many bytes; `0` = never rotate.
    pub max_bytes: u64,
    /// How many numbered backups (`<f>.1` … `<f>.N`) to keep; `0` = truncate in place.
    pub backups: u32,
}

/// One file name in a rotation: the live file or one of its numbered backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The log file itself, `<f>`.
    Current,
    /// The backup `<f>.n`; `.1` is the newest.
    Backup(NonZeroU32),
}

impl Slot {
    /// The file name of this slot for the log at `base`: `base` itself or `base.n`.
    pub fn path(self, base: &Path) -> PathBuf {
        match self {
            Slot::Current => base.to_path_buf(),
            Slot::Backup(n) => {
                // Append to the OsString rather than going through `Display`, so
                // non-UTF-8 file names survive rotation untouched.
                let mut name = OsString::from(base.as_os_str());
                name.push(format!(".{n}"));
                PathBuf::from(name)
            }
        }
    }
}

/// One step of a rotation, as supervisord's `removeAndRename`: `to` is deleted if it
/// exists, then `from` is renamed to it. A missing backup `from` is skipped, `to`
/// untouched (supervisord checks `os.path.exists` before shifting a backup); a
/// missing live file (a cleanup script deleted it) still costs `.1`, as in
/// supervisord, and its `ENOENT` is ignored.
///
/// Deleting first is not only 4.3's order: a `rename(2)` over an existing file makes
/// ext4 (`auto_da_alloc`) start writeback of everything the renamed file holds dirty,
/// in the renaming process — the daemon, every rotation of a busy log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rename {
    /// The file being moved.
    pub from: Slot,
    /// Its new name.
    pub to: Slot,
}

/// What one rotation does: the renames, in order, then the live file is reopened empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationPlan {
    /// Oldest first: `.N-1 → .N`, …, `.1 → .2`, then `Current → .1`.
    /// Empty when `backups == 0`: the plan is then a truncation in place.
    pub renames: Vec<Rename>,
}

impl RotationPlan {
    /// The plan for a log keeping `backups` numbered copies.
    pub fn for_backups(backups: u32) -> Self {
        let mut renames = Vec::with_capacity(backups as usize);
        // supervisord: `for i in range(backupCount - 1, 0, -1)`, then base -> .1.
        for i in (1..backups).rev() {
            if let (Some(from), Some(to)) = (NonZeroU32::new(i), NonZeroU32::new(i + 1)) {
                renames.push(Rename {
                    from: Slot::Backup(from),
                    to: Slot::Backup(to),
                });
            }
        }
        if backups > 0 {
            renames.push(Rename {
                from: Slot::Current,
                to: Slot::Backup(NonZeroU32::MIN),
            });
        }
        RotationPlan { renames }
    }

    /// Carry out the renames for the log at `base`, 4.3's `removeAndRename` for
    /// each (see [`Rename`]); the caller reopens `base` afterwards. Stops at the first
    /// failure, naming the step.
    pub fn execute(&self, base: &Path) -> Result<(), crate::Error> {
        use crate::{Action, Error};
        use std::io::ErrorKind;
        for rename in &self.renames {
            let from = rename.from.path(base);
            let to = rename.to.path(base);
            if rename.from != Slot::Current && !from.exists() {
                continue;
            }
            match std::fs::remove_file(&to) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(Error::classify(Action::Remove(to), e)),
            }
            match std::fs::rename(&from, &to) {
                Ok(()) => {}
                // a live file deleted by a cleanup script: a fresh one is created next
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(Error::classify(Action::Rename { from, to }, e)),
            }
        }
        Ok(())
    }

    /// True when the rotation keeps no backup and only truncates the live file.
    pub fn is_truncation(&self) -> bool {
        self.renames.is_empty()
    }
}

/// The rotation decision for one log file, kept apart from the file operations.
///
/// It counts bytes instead of asking the file: one size at open, then
/// [`Planner::after_write`] per write. The caller reports back what happened to a
/// plan with [`Planner::rotated`] or [`Planner::rotation_failed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planner {
    policy: Policy,
    rotatable: bool,
    size: u64,
    /// Size at which the next rotation is attempted; moves up after a failure.
    threshold: u64,
}

impl Planner {
    /// A planner for a file that already holds `initial_size` bytes.
    ///
    /// `rotatable` is false for targets that are not regular files (pipes, ttys,
    /// `/dev/null`): those never rotate, whatever the policy says.
    pub fn new(policy: Policy, rotatable: bool, initial_size: u64) -> Self {
        Planner {
            policy,
            rotatable,
            size: initial_size,
            threshold: policy.max_bytes,
        }
    }

    /// The policy this planner applies.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Bytes in the live file as far as this planner knows (initial size + writes).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether this target can ever rotate (regular file and `max_bytes > 0`).
    pub fn can_rotate(&self) -> bool {
        self.rotatable && self.policy.max_bytes > 0
    }

    /// Account for `written` bytes just written, and say whether to rotate now.
    ///
    /// Called after *every* write, even an empty one: supervisord checks the size
    /// after each emit, so a zero-length write to an oversized file rotates it.
    pub fn after_write(&mut self, written: u64) -> Option<RotationPlan> {
        self.note_written(written);
        if self.can_rotate() && self.size >= self.threshold {
            Some(RotationPlan::for_backups(self.policy.backups))
        } else {
            None
        }
    }

    /// Count `written` bytes without deciding anything (a write that failed part-way).
    pub fn note_written(&mut self, written: u64) {
        self.size = self.size.saturating_add(written);
    }

    /// The plan was carried out: the live file is new and empty.
    pub fn rotated(&mut self) {
        self.reset(self.rotatable, 0);
    }

    /// The plan failed part-way; the live file still holds its bytes.
    ///
    /// The next attempt waits for another `max_bytes` of output instead of retrying
    /// on every write: a permission problem would otherwise cost a failed rename (and
    /// an error for the caller to log) per chunk of child output. supervisord itself
    /// leaves the handler closed after such a failure and loses all later output.
    pub fn rotation_failed(&mut self) {
        self.threshold = self.size.saturating_add(self.policy.max_bytes);
    }

    /// The file was (re)opened: start counting again from `size`.
    pub fn reset(&mut self, rotatable: bool, size: u64) {
        self.rotatable = rotatable;
        self.size = size;
        self.threshold = self.policy.max_bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(n: u32) -> Slot {
        Slot::Backup(NonZeroU32::new(n).expect("test uses n > 0"))
    }

    fn planner(max_bytes: u64, backups: u32, size: u64) -> Planner {
        Planner::new(Policy { max_bytes, backups }, true, size)
    }

    #[test]
    fn rotates_at_exactly_max_bytes() {
        let mut p = planner(10, 1, 0);
        assert_eq!(p.after_write(9), None);
        assert!(p.after_write(1).is_some());
        assert_eq!(p.size(), 10);
    }

    #[test]
    fn one_write_may_overshoot() {
        let mut p = planner(10, 1, 0);
        assert!(p.after_write(5000).is_some());
        assert_eq!(p.size(), 5000);
        p.rotated();
        assert_eq!(p.size(), 0);
        assert_eq!(p.after_write(3), None);
    }

    #[test]
    fn existing_length_counts() {
        let mut p = planner(10, 1, 8);
        assert_eq!(p.after_write(1), None);
        assert!(p.after_write(1).is_some());
    }

    #[test]
    fn empty_write_to_oversized_file_rotates() {
        let mut p = planner(10, 2, 12);
        assert!(p.after_write(0).is_some());
    }

    #[test]
    fn max_bytes_zero_never_rotates() {
        let mut p = planner(0, 5, 0);
        assert_eq!(p.after_write(u64::MAX), None);
        assert_eq!(p.after_write(1), None);
        assert!(!p.can_rotate());
    }

    #[test]
    fn unrotatable_target_never_rotates() {
        let mut p = Planner::new(
            Policy {
                max_bytes: 1,
                backups: 3,
            },
            false,
            0,
        );
        assert_eq!(p.after_write(100), None);
    }

    #[test]
    fn backups_zero_is_truncation() {
        let plan = RotationPlan::for_backups(0);
        assert!(plan.is_truncation());
    }

    #[test]
    fn backups_shift_oldest_first() {
        let plan = RotationPlan::for_backups(3);
        let expected = vec![
            Rename {
                from: backup(2),
                to: backup(3),
            },
            Rename {
                from: backup(1),
                to: backup(2),
            },
            Rename {
                from: Slot::Current,
                to: backup(1),
            },
        ];
        assert_eq!(plan.renames, expected);
    }

    #[test]
    fn one_backup_is_a_single_rename() {
        let plan = RotationPlan::for_backups(1);
        assert_eq!(
            plan.renames,
            vec![Rename {
                from: Slot::Current,
                to: backup(1)
            }]
        );
    }

    #[test]
    fn failure_defers_next_attempt_by_max_bytes() {
        let mut p = planner(10, 1, 0);
        assert!(p.after_write(12).is_some());
        p.rotation_failed();
        assert_eq!(p.after_write(9), None);
        assert!(p.after_write(1).is_some());
        p.reset(true, 0);
        assert!(p.after_write(10).is_some());
    }

    #[test]
    fn slot_paths() {
        let base = Path::new("/var/log/a.log");
        assert_eq!(Slot::Current.path(base), base);
        assert_eq!(backup(12).path(base), Path::new("/var/log/a.log.12"));
    }
}
