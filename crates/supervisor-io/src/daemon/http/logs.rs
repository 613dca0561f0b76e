//! `readLog`, `readProcess*Log` and `tailProcess*Log`: the ranges come from
//! `rpc::logread`, this module only opens, seeks and reads.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use rpc::{Stream, Value, encode, logread};
use supervisor_core::{Fault, FaultCode};

use super::serve::Answer;
use crate::daemon::Daemon;
use crate::daemon::childlog::Channel;

impl Daemon {
    /// The log file of the process `namespec` names (None for a group spec, an
    /// unknown name, or no log).
    pub(super) fn process_log_path(&self, namespec: &str, stream: Stream) -> Option<PathBuf> {
        let id = self.core.process_id(namespec)?;
        let proc = self.table.get(id)?;
        proc.logfiles.get(channel(stream)).cloned()
    }

    /// `readLog(offset, length)`.
    pub(super) fn read_main_log(&self, offset: i64, length: i64) -> Answer {
        let Some(path) = self.log.path().filter(|p| p.exists()) else {
            // 4.3 shows `options.logfile`: the path, or `syslog`; none at all is a bare fault.
            return Err(match (&self.config.supervisord.logfile, self.log.path()) {
                (_, Some(p)) => Fault::new(FaultCode::NoFile, p.display().to_string()),
                (config::MainLogFile::Syslog, None) => Fault::new(FaultCode::NoFile, "syslog"),
                (config::MainLogFile::Path(_), None) => Fault::bare(FaultCode::NoFile),
            });
        };
        read_file(path, offset, length).map(|bytes| Value::String(logread::log_text(&bytes)))
    }

    /// `readProcessStdoutLog`/`readProcessStderrLog(name, offset, length)`.
    pub(super) fn read_process_log(
        &self,
        name: &str,
        stream: Stream,
        offset: i64,
        length: i64,
    ) -> Answer {
        let id = self
            .core
            .process_id(name)
            .ok_or_else(|| Fault::new(FaultCode::BadName, name))?;
        let path = self
            .table
            .get(id)
            .and_then(|p| p.logfiles.get(channel(stream)).cloned());
        let Some(path) = path.filter(|p| p.exists()) else {
            // `RPCError(NO_FILE, logfile)`: bare when the channel has no log file at all.
            return Err(self
                .table
                .get(id)
                .and_then(|p| p.logfiles.get(channel(stream)))
                .map_or(Fault::bare(FaultCode::NoFile), |p| {
                    Fault::new(FaultCode::NoFile, p.display().to_string())
                }));
        };
        read_file(&path, offset, length).map(|bytes| Value::String(logread::log_text(&bytes)))
    }

    /// `tailProcessStdoutLog`/`tailProcessStderrLog(name, offset, length)`:
    /// `[text, size, overflow]`, `['', 0, False]` without a log file.
    pub(super) fn tail_process_log(
        &self,
        name: &str,
        stream: Stream,
        offset: i64,
        length: i64,
    ) -> Answer {
        let id = self
            .core
            .process_id(name)
            .ok_or_else(|| Fault::new(FaultCode::BadName, name))?;
        let path = self
            .table
            .get(id)
            .and_then(|p| p.logfiles.get(channel(stream)).cloned());
        let Some(path) = path.filter(|p| p.exists()) else {
            return Ok(encode::tail(String::new(), 0, false));
        };
        let read = || -> std::io::Result<(Vec<u8>, u64, bool)> {
            let mut file = File::open(&path)?;
            let size = file.metadata()?.len();
            let (start, len, overflow) = logread::tail_range(offset, length, size);
            let mut data = Vec::new();
            if len > 0 {
                file.seek(SeekFrom::Start(start))?;
                file.take(len).read_to_end(&mut data)?;
            }
            Ok((data, size, overflow))
        };
        Ok(match read() {
            Ok((data, size, overflow)) => encode::tail(logread::log_text(&data), size, overflow),
            // 4.3's tailFile on an OS error: ['', offset, False].
            Err(_) => encode::tail(String::new(), u64::try_from(offset).unwrap_or(0), false),
        })
    }
}

fn channel(stream: Stream) -> Channel {
    match stream {
        Stream::Stdout => Channel::Stdout,
        Stream::Stderr => Channel::Stderr,
    }
}

/// `options.readFile`: BAD_ARGUMENTS from the range rules, FAILED on an OS error.
fn read_file(path: &Path, offset: i64, length: i64) -> Result<Vec<u8>, Fault> {
    let failed = |_| Fault::bare(FaultCode::Failed);
    let mut file = File::open(path).map_err(failed)?;
    let meta = file.metadata().map_err(failed)?;
    let size = meta.len();
    let (start, len) = logread::read_range(offset, length, size)?;
    // A log on a device (`/dev/full`, `/dev/zero`) has no end to read to (4.3 reads on
    // until memory runs out): read no more than its size says, as for a regular file.
    let len = if meta.is_file() {
        len
    } else {
        Some(len.map_or(0, |l| l.min(size.saturating_sub(start))))
    };
    file.seek(SeekFrom::Start(start)).map_err(failed)?;
    let mut data = Vec::new();
    match len {
        Some(len) => file.take(len).read_to_end(&mut data),
        None => file.read_to_end(&mut data),
    }
    .map_err(failed)?;
    Ok(data)
}
