//! The pidfile: `<pid>\n`, written after daemonizing (so the pid is the daemon's) and removed
//! when a run ends, as 4.3's `write_pidfile` and `cleanup` do.

use std::path::{Path, PathBuf};

/// A pidfile this process wrote (and so will remove).
#[derive(Debug)]
pub struct Pidfile {
    path: PathBuf,
}

impl Pidfile {
    /// Write this process's pid to `path`. `Err` carries 4.3's CRIT text
    /// (`could not write pidfile <path>`); the daemon goes on without one.
    pub fn write(path: &Path) -> Result<Pidfile, String> {
        match std::fs::write(path, format!("{}\n", std::process::id())) {
            Ok(()) => Ok(Pidfile {
                path: path.to_path_buf(),
            }),
            Err(_) => Err(format!("could not write pidfile {}", path.display())),
        }
    }

    /// Remove the file (an error, e.g. someone removed it already, is ignored as in 4.3).
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
