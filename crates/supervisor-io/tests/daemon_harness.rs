//! Shared helpers for the daemon tests: a config from INI text, a daemon on its own
//! thread, and waits on states through the `Handle` with a deadline.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use supervisor_core::{LogLevel, ProcessInfo, ProcessStateCode, Signal};
use supervisor_io::{
    Daemon, DaemonError, DaemonOptions, Handle, MainLog, MainLogSettings, MainLogTarget, Outcome,
};

/// How long any wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Poll `f` until it returns `Some`, or panic with `what` after [`DEADLINE`].
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A daemon running on its own thread in a temp dir.
pub struct Running {
    pub handle: Handle,
    pub dir: tempfile::TempDir,
    thread: Option<JoinHandle<Result<(Outcome, MainLog), DaemonError>>>,
}

/// The config text: `[supervisord]` logging at debug into `<dir>/main.log`, AUTO logs
/// in `<dir>`, then `programs`, where `{dir}` stands for the temp dir.
pub fn config_text(dir: &Path, extra_supervisord: &str, programs: &str) -> String {
    let d = dir.display();
    format!(
        "[supervisord]\nlogfile={d}/main.log\nchildlogdir={d}\nloglevel=debug\n{extra_supervisord}\n{}",
        programs.replace("{dir}", &d.to_string())
    )
}

/// Load `text` as `<dir>/supervisord.conf` with the real system context.
pub fn load(dir: &Path, text: &str) -> config::Config {
    let ctx = config::LoadContext::from_system();
    let file = dir.join("supervisord.conf");
    match config::load_str(text, &file.to_string_lossy(), &ctx) {
        Ok(loaded) => loaded.config,
        Err(e) => panic!("config does not load: {e}\n{text}"),
    }
}

/// The main log of `config`.
pub fn open_log(config: &config::Config) -> MainLog {
    let mut settings = MainLogSettings::from_config(&config.supervisord);
    settings.echo_stdout = false;
    if let MainLogTarget::File(_) = settings.target {
    } else {
        settings.level = LogLevel::Debug;
    }
    MainLog::open(settings).expect("main log opens")
}

/// Start a daemon for `[program:x]` sections `programs` in a fresh temp dir.
pub fn start(programs: &str) -> Running {
    start_with("", programs)
}

/// [`start`] with extra `[supervisord]` options.
pub fn start_with(extra_supervisord: &str, programs: &str) -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = load(
        dir.path(),
        &config_text(dir.path(), extra_supervisord, programs),
    );
    start_config(dir, config)
}

/// Start a daemon for an already built config.
pub fn start_config(dir: tempfile::TempDir, config: config::Config) -> Running {
    let options = DaemonOptions {
        install_signal_handlers: false,
    };
    start_config_with(dir, config, options)
}

/// Start a daemon for an already built config, with `options`.
pub fn start_config_with(
    dir: tempfile::TempDir,
    config: config::Config,
    options: DaemonOptions,
) -> Running {
    let log = open_log(&config);
    let (daemon, handle) = Daemon::new(config, log, options).expect("daemon builds");
    let thread = std::thread::spawn(move || daemon.run());
    Running {
        handle,
        dir,
        thread: Some(thread),
    }
}

impl Running {
    /// A path in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `getProcessInfo(name)`.
    pub fn info(&self, name: &str) -> ProcessInfo {
        match self.handle.process_info(name) {
            Ok(Ok(info)) => info,
            other => panic!("process_info({name}): {other:?}"),
        }
    }

    /// Wait until `name` is in `state`; returns its info then.
    pub fn wait_state(&self, name: &str, state: ProcessStateCode) -> ProcessInfo {
        wait_for(&format!("{name} to be {}", state.name()), || {
            let info = self.info(name);
            (info.state == state).then_some(info)
        })
    }

    /// The main log's text so far.
    pub fn main_log(&self) -> String {
        std::fs::read_to_string(self.path("main.log")).unwrap_or_default()
    }

    /// Wait until the main log contains `needle`.
    pub fn wait_log(&self, needle: &str) -> String {
        let tail = || {
            let text = self.main_log();
            let start = text.len().saturating_sub(2000);
            text.get(start..).unwrap_or_default().to_owned()
        };
        let what = format!("{needle:?} in the main log");
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            let text = self.main_log();
            if text.contains(needle) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "timed out waiting for {what}; main log ends with:\n{}",
            tail()
        );
    }

    /// Inject `signal` and wait for `run` to return.
    pub fn finish(&mut self, signal: Signal) -> Outcome {
        self.handle.signal(signal).expect("daemon alive");
        self.join()
    }

    /// Wait for `run` to return (after a shutdown/restart request).
    pub fn join(&mut self) -> Outcome {
        let thread = self.thread.take().expect("not joined yet");
        match thread.join() {
            Ok(Ok((outcome, _log))) => outcome,
            Ok(Err(e)) => panic!("daemon failed: {e}"),
            Err(_) => panic!("daemon thread panicked"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // A failed test still stops its children.
        if let Some(thread) = self.thread.take() {
            let _ = self.handle.signal(Signal::TERM);
            let _ = thread.join();
        }
    }
}
