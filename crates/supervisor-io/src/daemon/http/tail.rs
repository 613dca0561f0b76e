//! `/logtail/<namespec>[/stderr]` and `/mainlogtail`: 4.3's `tail_f_producer` — the
//! last 1024 bytes, then whatever is appended, polled every 0.1 s; a rotation (the
//! path now names another inode) is followed by reopening the path, a truncation
//! sends `==> File truncated <==\n`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Duration;

/// How often followed files are polled (4.3's producer delay).
pub(super) const TAIL_POLL: Duration = Duration::from_millis(100);
/// How much is sent first.
const HEAD: u64 = 1024;
/// At most this much is read per poll (the rest follows on the next poll).
const READ_MAX: u64 = 256 * 1024;

/// A followed file.
#[derive(Debug)]
pub(super) struct Tail {
    path: PathBuf,
    file: File,
    ino: u64,
    /// Bytes already sent (4.3's `sz`).
    sent: u64,
    /// HTTP/1.1: chunked framing; HTTP/1.0: raw bytes until the connection closes.
    pub chunked: bool,
    /// For the log line at the end.
    pub what: String,
}

impl Tail {
    /// Open `path` and position it 1024 bytes before the end.
    pub(super) fn open(path: PathBuf, chunked: bool, what: String) -> std::io::Result<Tail> {
        let file = File::open(&path)?;
        let meta = file.metadata()?;
        Ok(Tail {
            path,
            ino: meta.ino(),
            sent: meta.len().saturating_sub(HEAD),
            file,
            chunked,
            what,
        })
    }

    /// New bytes since the last call (empty if none), following rotation.
    pub(super) fn poll(&mut self) -> Vec<u8> {
        if let Ok(meta) = std::fs::metadata(&self.path)
            && meta.ino() != self.ino
            && let Ok(file) = File::open(&self.path)
        {
            self.file = file;
            self.ino = meta.ino();
            self.sent = 0;
        }
        let Ok(size) = self.file.metadata().map(|m| m.len()) else {
            return Vec::new();
        };
        if size < self.sent {
            self.sent = 0;
            return b"==> File truncated <==\n".to_vec();
        }
        let want = (size - self.sent).min(READ_MAX);
        if want == 0 || self.file.seek(SeekFrom::Start(self.sent)).is_err() {
            return Vec::new();
        }
        let mut data = Vec::new();
        match (&mut self.file).take(want).read_to_end(&mut data) {
            Ok(n) => self.sent += n as u64,
            Err(_) => return Vec::new(),
        }
        data
    }
}
