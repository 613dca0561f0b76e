//! Running a web UI action: its steps (`webui::plan::steps`) one after another — core
//! requests waited for through a channel like deferred XML-RPC calls, log clears done
//! at once — then a `303 See Other` back to the page with the message.

use std::collections::VecDeque;
use std::time::SystemTime;

use crossbeam_channel::{Receiver, TryRecvError, bounded};
use rpc::{Page, Version, response};
use supervisor_core::{Fault, FaultCode, Input, LogChannel, LogTarget, Reply};
use webui::plan::Step;
use webui::{Action, Channel, Logs};

use super::conn::{Busy, Conn};
use super::ui::push_connection;
use crate::clock::utc_offset;
use crate::daemon::Daemon;
use crate::daemon::childlog::Channel as LogStream;
use crate::errno::python_os_error;

/// Where the redirect after an action goes: the page the form was on.
#[derive(Debug, Clone)]
pub(super) struct Back {
    pub page: Page,
    pub namespec: Option<String>,
    pub channel: Channel,
    pub limit: u64,
    /// The auto-refresh setting, when not the page's default.
    pub refresh: Option<u32>,
}

impl Back {
    /// The relative URL of the page, with `message`.
    fn location(&self, message: &str) -> String {
        let message = webui::escape::quote(message);
        match (self.page, &self.namespec) {
            (Page::Tail, Some(ns)) => {
                let url = webui::tail_url(ns, self.channel, self.limit, self.refresh);
                format!("{url}&message={message}")
            }
            _ => match self.refresh {
                Some(r) => format!("index.html?message={message}&refresh={r}"),
                None => format!("index.html?message={message}"),
            },
        }
    }
}

/// An action in progress on a connection.
#[derive(Debug)]
pub(super) struct UiJob {
    action: Action,
    steps: VecDeque<Step>,
    current: Option<Receiver<Result<Reply, Fault>>>,
    results: Vec<Result<Reply, Fault>>,
    /// Set when the action cannot run (unknown process): the message to show.
    message: Option<String>,
    back: Back,
    version: Version,
    keep_alive: bool,
}

impl UiJob {
    pub(super) fn new(action: Action, back: Back, version: Version, keep_alive: bool) -> Self {
        UiJob {
            steps: webui::plan::steps(&action).into(),
            action,
            current: None,
            results: Vec::new(),
            message: None,
            back,
            version,
            keep_alive,
        }
    }
}

impl Daemon {
    /// Check the target, then run the job as far as it goes now.
    pub(super) fn start_ui_job(&mut self, conn: &mut Conn, mut job: UiJob) {
        if let Err(message) = self.ui_target_exists(&job.action) {
            job.steps.clear();
            job.message = Some(message);
        }
        conn.busy = Busy::Ui(Box::new(job));
        self.progress_ui(conn);
    }

    /// Move a running action forward; true once it finished (the redirect is in `out`).
    pub(super) fn progress_ui(&mut self, conn: &mut Conn) -> bool {
        let Busy::Ui(job) = &mut conn.busy else {
            return false;
        };
        loop {
            if let Some(rx) = &job.current {
                match rx.try_recv() {
                    Ok(result) => job.results.push(result),
                    Err(TryRecvError::Empty) => return false,
                    Err(TryRecvError::Disconnected) => job.results.push(Err(Fault::new(
                        FaultCode::Failed,
                        "the daemon dropped the request",
                    ))),
                }
                job.current = None;
            }
            match job.steps.pop_front() {
                None => break,
                Some(Step::Core(request)) => {
                    let (tx, rx) = bounded(1);
                    self.queue_request(request, tx);
                    job.current = Some(rx);
                }
                Some(Step::ClearLogs { namespec, logs }) => {
                    let result = self.clear_logs(&namespec, logs).map(|()| Reply::Bool(true));
                    job.results.push(result);
                }
            }
        }
        let now = SystemTime::now();
        let epoch = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
        let message = job.message.take().unwrap_or_else(|| {
            let ctime = webui::ctime(epoch, utc_offset(now));
            webui::plan::message(&job.action, &job.results, &ctime)
        });
        let location = job.back.location(&message);
        let (version, keep_alive) = (job.version, job.keep_alive);
        conn.busy = Busy::Idle;
        let mut headers = vec![("Location", location), ("Content-Length", "0".to_owned())];
        push_connection(&mut headers, version, keep_alive);
        conn.out.extend(response::head(version, 303, &headers, now));
        conn.closing |= !keep_alive;
        true
    }

    /// Clear one or both logs of a process. Both is `clearProcessLogs`; one log is
    /// NO_FILE when the process has no such log (NONE, `redirect_stderr`).
    fn clear_logs(&mut self, namespec: &str, logs: Logs) -> Result<(), Fault> {
        let stream = match logs {
            Logs::Both => return self.clear_process_logs(namespec),
            Logs::Stdout => LogStream::Stdout,
            Logs::Stderr => LogStream::Stderr,
        };
        self.core.get_state()?;
        let bad_name = || Fault::new(FaultCode::BadName, namespec);
        let id = self.core.process_id(namespec).ok_or_else(bad_name)?;
        let p = self.table.get_mut(id).ok_or_else(bad_name)?;
        let Some(log) = p.log_mut(stream) else {
            return Err(Fault::new(FaultCode::NoFile, namespec));
        };
        log.clear().map_err(|e| {
            self.inputs.push_back(Input::LogClearFailed {
                target: LogTarget::Process {
                    process: id,
                    channel: match stream {
                        LogStream::Stdout => LogChannel::Stdout,
                        LogStream::Stderr => LogChannel::Stderr,
                    },
                },
                error: python_os_error(e.io_error()),
            });
            Fault::new(FaultCode::Failed, namespec)
        })
    }
}
