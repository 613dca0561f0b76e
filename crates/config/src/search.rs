//! Where supervisord looks for its config file when no `-c` is given (spec §1.1).

use crate::context::LoadContext;
use crate::error::ConfigError;
use crate::paths;

/// The candidates, in order, for a program started as `argv0`: `<prefix>/etc/supervisord.conf`,
/// `<prefix>/supervisord.conf` (prefix = two directories above `argv0`),
/// `supervisord.conf`, `etc/supervisord.conf` (both relative to the cwd),
/// `/etc/supervisord.conf`, `/etc/supervisor/supervisord.conf`.
pub fn search_paths(argv0: &str) -> Vec<String> {
    let prefix = paths::dirname(&paths::dirname(argv0));
    vec![
        paths::join(&paths::join(&prefix, "etc"), "supervisord.conf"),
        paths::join(&prefix, "supervisord.conf"),
        "supervisord.conf".to_string(),
        "etc/supervisord.conf".to_string(),
        "/etc/supervisord.conf".to_string(),
        "/etc/supervisor/supervisord.conf".to_string(),
    ]
}

/// The first existing candidate (relative ones against the context's cwd), or supervisord's
/// usage error text.
pub fn find_config_file(argv0: &str, ctx: &LoadContext) -> Result<String, ConfigError> {
    let candidates = search_paths(argv0);
    candidates.iter().find(|p| paths::exists(p, ctx)).cloned().ok_or_else(|| {
        ConfigError::new(format!(
            "No config file found at default paths ({}); use the -c option to specify a config file \
             at a different path",
            candidates.join(", ")
        ))
    })
}

/// supervisorctl's search: the first existing candidate, or `None` (it then uses its
/// defaults; the file is not required).
pub fn find_config_file_optional(argv0: &str, ctx: &LoadContext) -> Option<String> {
    search_paths(argv0)
        .into_iter()
        .find(|p| paths::exists(p, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaticUsers;

    #[test]
    fn candidates_like_python() {
        assert_eq!(
            search_paths("/usr/local/bin/supervisord"),
            [
                "/usr/local/etc/supervisord.conf",
                "/usr/local/supervisord.conf",
                "supervisord.conf",
                "etc/supervisord.conf",
                "/etc/supervisord.conf",
                "/etc/supervisor/supervisord.conf"
            ]
        );
        // a bare program name has an empty prefix
        assert_eq!(search_paths("supervisord")[0], "etc/supervisord.conf");
    }

    #[test]
    fn none_found_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = crate::LoadContext::for_tests(dir.path(), StaticUsers::root_only());
        let argv0 = format!("{}/bin/supervisord", dir.path().display());
        match find_config_file(&argv0, &ctx) {
            Ok(found) => assert!(found.starts_with("/etc/"), "unexpected {found}"),
            Err(err) => assert!(err.message().starts_with(&format!(
                "No config file found at default paths ({}/etc/supervisord.conf, ",
                dir.path().display()
            ))),
        }
        std::fs::write(dir.path().join("supervisord.conf"), "").expect("write");
        assert_eq!(
            find_config_file(&argv0, &ctx).ok(),
            Some(format!("{}/supervisord.conf", dir.path().display()))
        );
    }
}
