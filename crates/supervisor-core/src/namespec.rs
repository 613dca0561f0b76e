//! Namespecs (spec §3.3): `group:process`, `group:*` / `group:` for a whole group, and a bare
//! `name` meaning process `name` in group `name`.

use crate::supervisor::{ProcessId, Supervisor};
use crate::vocab::{Fault, FaultCode};

/// What a namespec names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// One process.
    Process(ProcessId),
    /// A whole group (index in the group table).
    Group(usize),
}

/// 4.3 `split_namespec`: `(group, Some(process))`, or `(group, None)` for a group spec.
pub(crate) fn split_namespec(namespec: &str) -> (&str, Option<&str>) {
    match namespec.split_once(':') {
        Some((group, "" | "*")) => (group, None),
        Some((group, process)) => (group, Some(process)),
        None => (namespec, Some(namespec)),
    }
}

impl Supervisor {
    /// 4.3 `_getGroupAndProcess`: BAD_NAME (with the whole namespec) for an unknown group
    /// or an unknown process in a known group.
    pub(crate) fn resolve(&self, namespec: &str) -> Result<Target, Fault> {
        let bad_name = || Fault::new(FaultCode::BadName, namespec);
        let (group_name, process_name) = split_namespec(namespec);
        let group = self.group_index(group_name).ok_or_else(bad_name)?;
        let Some(process_name) = process_name else {
            return Ok(Target::Group(group));
        };
        self.groups[group]
            .members
            .iter()
            .find(|id| self.processes[id.index()].spec.name == process_name)
            .map(|&id| Target::Process(id))
            .ok_or_else(bad_name)
    }

    /// The index of the group with this name.
    pub(crate) fn group_index(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// The process a namespec names, if it names exactly one.
    pub fn process_id(&self, namespec: &str) -> Option<ProcessId> {
        match self.resolve(namespec) {
            Ok(Target::Process(id)) => Some(id),
            Ok(Target::Group(_)) | Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_namespec;

    #[test]
    fn splits_like_supervisord() {
        assert_eq!(split_namespec("g:p"), ("g", Some("p")));
        assert_eq!(split_namespec("g:*"), ("g", None));
        assert_eq!(split_namespec("g:"), ("g", None));
        assert_eq!(split_namespec("p"), ("p", Some("p")));
        assert_eq!(split_namespec("a:b:c"), ("a", Some("b:c")));
    }
}
