//! Python's `os.path` functions supervisord uses, computed against the injected context
//! (`HOME`, cwd, user database) instead of the process's own.

use crate::context::LoadContext;
use std::path::Path;

/// `os.path.expanduser`: `~` from `HOME` (else the current user's home), `~name` from the
/// user database; unknown users leave the path unchanged.
pub(crate) fn expanduser(path: &str, ctx: &LoadContext) -> String {
    if !path.starts_with('~') {
        return path.to_string();
    }
    let end = path[1..].find('/').map_or(path.len(), |i| i + 1);
    let home = if end == 1 {
        match ctx.env_var("HOME") {
            Some(home) => home.to_string(),
            None => match ctx.users.user_by_uid(ctx.uid) {
                Some(entry) => entry.home,
                None => return path.to_string(),
            },
        }
    } else {
        match ctx.users.user_by_name(&path[1..end]) {
            Some(entry) => entry.home,
            None => return path.to_string(),
        }
    };
    let joined = format!("{}{}", home.trim_end_matches('/'), &path[end..]);
    if joined.is_empty() {
        "/".to_string()
    } else {
        joined
    }
}

/// `os.path.join(a, b)` for two components.
pub(crate) fn join(a: &str, b: &str) -> String {
    if b.starts_with('/') || a.is_empty() {
        b.to_string()
    } else if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// `os.path.dirname`.
pub(crate) fn dirname(p: &str) -> String {
    let head = &p[..p.rfind('/').map_or(0, |i| i + 1)];
    if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/').to_string()
    } else {
        head.to_string()
    }
}

/// `os.path.normpath` (POSIX): lexical, keeps exactly two leading slashes.
pub(crate) fn normpath(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let initial = if p.starts_with("//") && !p.starts_with("///") {
        2
    } else if p.starts_with('/') {
        1
    } else {
        0
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in p.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if comp != ".." || (initial == 0 && parts.is_empty()) || parts.last() == Some(&"..") {
            parts.push(comp);
        } else if !parts.is_empty() {
            parts.pop();
        }
    }
    let joined = format!("{}{}", "/".repeat(initial), parts.join("/"));
    if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// `os.path.abspath` against the context's cwd.
pub(crate) fn abspath(p: &str, ctx: &LoadContext) -> String {
    if p.starts_with('/') {
        normpath(p)
    } else {
        normpath(&join(&ctx.cwd_str(), p))
    }
}

/// supervisord's `normalize_path`: `normpath(abspath(expanduser(v)))`.
pub(crate) fn normalize_path(p: &str, ctx: &LoadContext) -> String {
    abspath(&expanduser(p, ctx), ctx)
}

/// The filesystem path Python would stat for `p`: relative paths are taken against the
/// context's cwd; `None` for what `os.stat` rejects outright (empty, NUL bytes).
fn stat_path(p: &str, ctx: &LoadContext) -> Option<std::path::PathBuf> {
    if p.is_empty() || p.contains('\0') {
        return None;
    }
    Some(if p.starts_with('/') {
        Path::new(p).to_path_buf()
    } else {
        ctx.cwd.join(p)
    })
}

/// `os.path.isdir`, relative paths taken against the context's cwd.
pub(crate) fn isdir(p: &str, ctx: &LoadContext) -> bool {
    stat_path(p, ctx).is_some_and(|path| std::fs::metadata(path).is_ok_and(|m| m.is_dir()))
}

/// `os.path.exists`, relative paths taken against the context's cwd.
pub(crate) fn exists(p: &str, ctx: &LoadContext) -> bool {
    stat_path(p, ctx).is_some_and(|path| std::fs::metadata(path).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normpath_like_python() {
        assert_eq!(normpath("/a/./b/../c//"), "/a/c");
        assert_eq!(normpath("//a"), "//a");
        assert_eq!(normpath("///a/.."), "/");
        assert_eq!(normpath("../x/../../y"), "../../y");
        assert_eq!(normpath("a/.."), ".");
        assert_eq!(normpath("/.."), "/");
    }

    #[test]
    fn dirname_and_join_like_python() {
        assert_eq!(dirname("/a/b"), "/a");
        assert_eq!(dirname("b"), "");
        assert_eq!(dirname("/b"), "/");
        assert_eq!(dirname("//b"), "//");
        assert_eq!(dirname("a//b"), "a");
        assert_eq!(join("/x", "y"), "/x/y");
        assert_eq!(join("/x/", "/y"), "/y");
    }

    #[test]
    fn expanduser_uses_injected_home() {
        let ctx = LoadContext::for_tests("/srv", crate::StaticUsers::root_only());
        assert_eq!(expanduser("~/x", &ctx), "/root/x");
        assert_eq!(expanduser("~root", &ctx), "/root");
        assert_eq!(expanduser("~nobodyhere/x", &ctx), "~nobodyhere/x");
        assert_eq!(normalize_path("a/../b", &ctx), "/srv/b");
    }
}
