//! supervisord's own state ("mood"): the signals it handles, and the FATAL state that 4.3
//! defines but never enters (see the crate documentation).

use crate::effect::Effect;
use crate::input::{LogChannel, LogTarget};
use crate::supervisor::Supervisor;
use crate::text;
use crate::vocab::{LogLevel, Signal, SupervisorStateCode};

impl Supervisor {
    /// A signal received by supervisord (4.3 `handle_signal`).
    pub(crate) fn on_signal(&mut self, signal: Signal, fx: &mut Vec<Effect>) {
        let mut log = |level, message| fx.push(Effect::Log { level, message });
        match signal {
            Signal::TERM | Signal::INT | Signal::QUIT => {
                log(LogLevel::Warn, text::received(signal, "exit request"));
                self.mood = SupervisorStateCode::Shutdown;
            }
            Signal::HUP => {
                if self.mood == SupervisorStateCode::Shutdown {
                    log(LogLevel::Warn, text::ignored_hup(signal));
                } else {
                    log(LogLevel::Warn, text::received(signal, "restart request"));
                    self.mood = SupervisorStateCode::Restarting;
                }
            }
            Signal::CHLD => log(LogLevel::Debug, text::received(signal, "a child quit")),
            Signal::USR2 => {
                log(LogLevel::Info, text::received(signal, "log reopen request"));
                log(LogLevel::Info, "supervisord logreopen".to_string());
                fx.push(Effect::ReopenLogs);
            }
            _ => log(LogLevel::Blather, text::received(signal, "nothing")),
        }
    }

    /// Record a failure that puts supervisord in FATAL (logged at CRIT, kept). A shutdown
    /// or reload in progress is not interrupted.
    pub(crate) fn enter_fatal(&mut self, reason: String, fx: &mut Vec<Effect>) {
        let message = match self.mood {
            SupervisorStateCode::Running => {
                self.mood = SupervisorStateCode::Fatal;
                format!("supervisord entered FATAL state: {reason}")
            }
            SupervisorStateCode::Fatal => {
                format!("supervisord still in FATAL state, another failure: {reason}")
            }
            SupervisorStateCode::Restarting | SupervisorStateCode::Shutdown => {
                format!("failure during shutdown: {reason}")
            }
        };
        fx.push(Effect::Log {
            level: LogLevel::Critical,
            message,
        });
        self.fatal_reasons.push(reason);
    }

    /// Leave FATAL for RUNNING (the `clearFatal` request); a no-op in any other state.
    pub(crate) fn clear_fatal(&mut self, fx: &mut Vec<Effect>) {
        if self.mood != SupervisorStateCode::Fatal {
            return;
        }
        self.mood = SupervisorStateCode::Running;
        let reasons = std::mem::take(&mut self.fatal_reasons);
        fx.push(Effect::Log {
            level: LogLevel::Info,
            message: format!(
                "supervisord FATAL state cleared by request: {}",
                reasons.join("; ")
            ),
        });
    }

    pub(crate) fn log_clear_reason(&self, target: LogTarget, error: &str) -> String {
        match target {
            LogTarget::Main => format!("could not clear the main log: {error}"),
            LogTarget::Process { process, channel } => {
                let who = self
                    .processes
                    .get(process.index())
                    .map_or_else(|| format!("process #{}", process.0), |p| p.namespec());
                let stream = match channel {
                    LogChannel::Stdout => "stdout",
                    LogChannel::Stderr => "stderr",
                };
                format!("could not clear the {stream} log of {who}: {error}")
            }
        }
    }
}
