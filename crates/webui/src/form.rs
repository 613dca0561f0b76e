//! The form of a page request and the action it asks for. As 4.3's
//! `supervisor_ui_handler.continue_request`, the query string and an
//! `application/x-www-form-urlencoded` body are merged into one form: the first value
//! of a query key, the last of a body key, the body winning over the query.

/// Why a form cannot be used. Nothing is done for such a request; the page shows
/// the error (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// Undecodable form data (bad `%` escape, not UTF-8, not urlencoded).
    #[error("malformed form data: {0}")]
    Malformed(String),
    /// `action` names nothing this interface does (4.3: HTTP 500).
    #[error("unknown action {0:?}")]
    UnknownAction(String),
    /// The action needs a process (`processname`) or a group (`group`).
    #[error("the {0} action needs a process or group name")]
    MissingName(&'static str),
    /// `clear` is not `stdout`, `stderr` or `both`, or `channel` not a stream.
    #[error("unknown log {0:?} (stdout, stderr or both)")]
    BadLog(String),
}

/// A decoded form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    fields: Vec<(String, String)>,
}

impl Form {
    /// Merge the query string and a POST body. `content_type` is the request's
    /// `Content-Type`; a non-empty body must be urlencoded.
    pub fn parse(query: &str, body: &[u8], content_type: Option<&str>) -> Result<Form, FormError> {
        let mut form = Form::default();
        for (k, v) in pairs(query)? {
            if form.get(&k).is_none() {
                form.fields.push((k, v));
            }
        }
        if body.is_empty() {
            return Ok(form);
        }
        let urlencoded = content_type.is_none_or(|t| {
            t.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
        if !urlencoded {
            return Err(FormError::Malformed(
                "a body that is not application/x-www-form-urlencoded".into(),
            ));
        }
        let body = std::str::from_utf8(body)
            .map_err(|_| FormError::Malformed("a body that is not UTF-8".into()))?;
        for (k, v) in pairs(body)? {
            match form.fields.iter_mut().find(|(n, _)| *n == k) {
                Some(field) => field.1 = v,
                None => form.fields.push((k, v)),
            }
        }
        Ok(form)
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` unless absent or empty.
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }
}

fn pairs(s: &str) -> Result<Vec<(String, String)>, FormError> {
    s.split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((
                crate::escape::unquote_plus(k)?,
                crate::escape::unquote_plus(v)?,
            ))
        })
        .collect()
}

/// What a start, stop or restart acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A process namespec (`processname=`).
    Process(String),
    /// A group name (`group=`).
    Group(String),
}

/// Which logs of a process a clear removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logs {
    /// stdout only.
    Stdout,
    /// stderr only.
    Stderr,
    /// Both (4.3's `clearProcessLogs`).
    Both,
}

/// A log stream to show on the tail page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The stdout log (4.3's only choice).
    Stdout,
    /// The stderr log.
    Stderr,
}

impl Channel {
    /// `stdout` / `stderr`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Stdout => "stdout",
            Channel::Stderr => "stderr",
        }
    }

    /// The `channel` field of a form (stdout when absent).
    pub fn from_form(form: &Form) -> Result<Channel, FormError> {
        match form.non_empty("channel") {
            None | Some("stdout") => Ok(Channel::Stdout),
            Some("stderr") => Ok(Channel::Stderr),
            Some(other) => Err(FormError::BadLog(other.to_owned())),
        }
    }
}

/// An action of the status or tail page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `refresh`: nothing, a message with the time.
    Refresh,
    /// `stopall`: `stopAllProcesses`.
    StopAll,
    /// `restartall`: `stopAllProcesses` then `startAllProcesses`.
    RestartAll,
    /// `clearfatal`: return supervisord from FATAL to RUNNING.
    ClearFatal,
    /// `start` a process or a group.
    Start(Target),
    /// `stop` a process or a group.
    Stop(Target),
    /// `restart` a process or a group (stop, then start).
    Restart(Target),
    /// `clearlog`: remove and reopen logs of a process.
    ClearLog {
        /// The process.
        namespec: String,
        /// Which of its logs (`clear=`; both when absent, as 4.3).
        logs: Logs,
    },
}

impl Action {
    /// The action a form asks for; `None` without an `action` field.
    pub fn from_form(form: &Form) -> Result<Option<Action>, FormError> {
        let Some(name) = form.non_empty("action") else {
            return Ok(None);
        };
        let target =
            |action: &'static str| match (form.non_empty("processname"), form.non_empty("group")) {
                (Some(p), _) => Ok(Target::Process(p.to_owned())),
                (None, Some(g)) => Ok(Target::Group(g.to_owned())),
                (None, None) => Err(FormError::MissingName(action)),
            };
        Ok(Some(match name {
            "refresh" => Action::Refresh,
            "stopall" => Action::StopAll,
            "restartall" => Action::RestartAll,
            "clearfatal" => Action::ClearFatal,
            "start" => Action::Start(target("start")?),
            "stop" => Action::Stop(target("stop")?),
            "restart" => Action::Restart(target("restart")?),
            "clearlog" => {
                let namespec = form
                    .non_empty("processname")
                    .ok_or(FormError::MissingName("clearlog"))?;
                let logs = match form.non_empty("clear") {
                    None | Some("both") => Logs::Both,
                    Some("stdout") => Logs::Stdout,
                    Some("stderr") => Logs::Stderr,
                    Some(other) => return Err(FormError::BadLog(other.to_owned())),
                };
                Action::ClearLog {
                    namespec: namespec.to_owned(),
                    logs,
                }
            }
            other => return Err(FormError::UnknownAction(other.to_owned())),
        }))
    }

    /// Whether the action changes anything (everything but `refresh`): those are only
    /// done for a POST that passes [`crate::guard::check_post`].
    pub fn changes_state(&self) -> bool {
        !matches!(self, Action::Refresh)
    }

    /// The `action` field value.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Refresh => "refresh",
            Action::StopAll => "stopall",
            Action::RestartAll => "restartall",
            Action::ClearFatal => "clearfatal",
            Action::Start(_) => "start",
            Action::Stop(_) => "stop",
            Action::Restart(_) => "restart",
            Action::ClearLog { .. } => "clearlog",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_wins_query_first_body_last() {
        let form = Form::parse(
            "a=1&a=2&b=q",
            b"b=x&b=y&c=z+w",
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
        )
        .unwrap_or_default();
        assert_eq!(form.get("a"), Some("1"));
        assert_eq!(form.get("b"), Some("y"));
        assert_eq!(form.get("c"), Some("z w"));
    }

    #[test]
    fn rejects_other_bodies() {
        assert!(Form::parse("", b"a=1", Some("text/plain")).is_err());
        assert!(Form::parse("", b"a=%ff", None).is_err());
        assert!(Form::parse("", &[0xff], None).is_err());
    }

    #[test]
    fn actions() {
        let parse = |q: &str| Form::parse(q, b"", None).map(|f| Action::from_form(&f));
        assert_eq!(
            parse("action=start&processname=g%3Aa"),
            Ok(Ok(Some(Action::Start(Target::Process("g:a".into())))))
        );
        assert_eq!(
            parse("action=stop&group=g"),
            Ok(Ok(Some(Action::Stop(Target::Group("g".into())))))
        );
        assert_eq!(
            parse("action=start"),
            Ok(Err(FormError::MissingName("start")))
        );
        assert_eq!(
            parse("action=boom"),
            Ok(Err(FormError::UnknownAction("boom".into())))
        );
        assert_eq!(
            parse("action=clearlog&processname=a&clear=stderr"),
            Ok(Ok(Some(Action::ClearLog {
                namespec: "a".into(),
                logs: Logs::Stderr
            })))
        );
        assert_eq!(
            parse("action=clearlog&processname=a&clear=x"),
            Ok(Err(FormError::BadLog("x".into())))
        );
        assert_eq!(parse("message=hi"), Ok(Ok(None)));
    }
}
