//! What every page shares: the document head (with the optional meta refresh), the
//! top bar with supervisord's identification, pid, version and state, the FATAL box,
//! the message line, POST buttons carrying the token, and the footer.

use std::fmt::Write as _;

use crate::escape::html;
use supervisor_core::calendar::civil_time;

/// supervisord itself, as the top bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonInfo {
    /// `getIdentification()` (`identifier=`).
    pub identification: String,
    /// `getPID()`.
    pub pid: u32,
    /// `getSupervisorVersion()`.
    pub version: String,
    /// `getState()`'s `statename` (`RUNNING`, `FATAL`, `SHUTDOWN`, `RESTARTING`).
    pub state: String,
    /// Why supervisord is FATAL (empty otherwise).
    pub fatal_reasons: Vec<String>,
}

/// The per-request part of a page.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// supervisord's facts.
    pub daemon: &'a DaemonInfo,
    /// The daemon's CSRF token, put in every form.
    pub token: &'a str,
    /// Auto-refresh interval in seconds; 0 = off.
    pub refresh: u32,
    /// The message line (`?message=`), if any.
    pub message: Option<&'a str>,
    /// The current year, for the footer.
    pub year: i32,
}

/// The `refresh` field of a form: seconds (1..=3600), `0` for off, or `default`
/// when absent or not a number.
pub fn refresh_from(value: Option<&str>, default: u32) -> u32 {
    match value.and_then(|v| v.trim().parse::<u32>().ok()) {
        Some(0) => 0,
        Some(n) => n.clamp(1, 3600),
        None => default,
    }
}

impl Frame<'_> {
    /// `<!DOCTYPE html>` up to the end of the top bar. `refresh_url` is where the
    /// meta refresh goes (already a relative URL; escaped here).
    pub(crate) fn open(&self, out: &mut String, title: &str, refresh_url: &str) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if self.refresh > 0 {
            let _ = writeln!(
                out,
                "<meta http-equiv=\"refresh\" content=\"{};url={}\">",
                self.refresh,
                html(refresh_url)
            );
        }
        let _ = writeln!(out, "<title>{}</title>", html(title));
        out.push_str(
            "<link href=\"stylesheets/supervisor.css\" rel=\"stylesheet\" type=\"text/css\">\n",
        );
        out.push_str("<link href=\"images/icon.png\" rel=\"icon\" type=\"image/png\">\n");
        out.push_str("</head>\n<body>\n<header class=\"top\">\n");
        out.push_str("<a class=\"brand\" href=\"index.html\"><img src=\"images/logo.svg\" alt=\"\" width=\"28\" height=\"28\"> Supervisor</a>\n");
        let d = self.daemon;
        let state_class = match d.state.as_str() {
            "RUNNING" => "running",
            "FATAL" => "fatal",
            _ => "other",
        };
        out.push_str("<dl class=\"daemon\">\n");
        let mut item = |name: &str, value: &str, class: &str| {
            let _ = writeln!(
                out,
                "<div><dt>{name}</dt><dd{class}>{}</dd></div>",
                html(value)
            );
        };
        item("id", &d.identification, "");
        item("pid", &d.pid.to_string(), " id=\"daemon-pid\"");
        item("version", &d.version, "");
        let class = format!(" id=\"daemon-state\" class=\"state-{state_class}\"");
        item("state", &d.state, &class);
        out.push_str("</dl>\n</header>\n<main>\n");
        if !d.fatal_reasons.is_empty() || d.state == "FATAL" {
            out.push_str("<div class=\"fatal\" role=\"alert\">\n<strong>supervisord is FATAL</strong>\n<ul>\n");
            for reason in &d.fatal_reasons {
                let _ = writeln!(out, "<li>{}</li>", html(reason));
            }
            out.push_str("</ul>\n");
            out.push_str(&self.button(
                "index.html",
                "Clear FATAL state",
                &[("action", "clearfatal")],
                "",
            ));
            out.push_str("</div>\n");
        }
        if let Some(message) = self.message {
            let class = if message.starts_with("ERROR") || message.starts_with("unexpected") {
                "status_msg error"
            } else {
                "status_msg"
            };
            let _ = writeln!(
                out,
                "<div class=\"{class}\" role=\"status\">{}</div>",
                html(message)
            );
        }
    }

    /// A POST button: a one-button form to `page` with the token, the auto-refresh
    /// setting and `fields` as hidden inputs.
    pub(crate) fn button(
        &self,
        page: &str,
        label: &str,
        fields: &[(&str, &str)],
        class: &str,
    ) -> String {
        let mut out = format!(
            "<form class=\"inline\" method=\"post\" action=\"{page}\"><input type=\"hidden\" name=\"token\" value=\"{}\">",
            html(self.token)
        );
        for (name, value) in fields {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                html(value)
            );
        }
        if self.refresh > 0 {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"refresh\" value=\"{}\">",
                self.refresh
            );
        }
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{class}\"")
        };
        let _ = write!(
            out,
            "<button type=\"submit\"{class}>{}</button></form>",
            html(label)
        );
        out
    }

    /// The end of `<main>`, the footer, the end of the document.
    pub(crate) fn close(&self, out: &mut String) {
        out.push_str("</main>\n<footer>\n");
        let _ = writeln!(
            out,
            "<span><a href=\"http://supervisord.org\">Supervisor</a> {}</span>",
            html(&self.daemon.version)
        );
        let _ = writeln!(
            out,
            "<span>&copy; 2006-{} Agendaless Consulting and Contributors</span>",
            self.year
        );
        out.push_str("</footer>\n</body>\n</html>\n");
    }
}

/// A small page for a refused or malformed request: what went wrong, and a way back.
pub fn render_error(frame: &Frame<'_>, title: &str, text: &str) -> String {
    let mut out = String::new();
    frame.open(&mut out, &format!("Supervisor: {title}"), "index.html");
    let _ = writeln!(
        out,
        "<div class=\"status_msg error\" role=\"alert\"><strong>{}</strong>: {}. Nothing was changed.</div>",
        html(title),
        html(text)
    );
    out.push_str("<p><a class=\"button\" href=\"index.html\">Back to the status page</a></p>\n");
    frame.close(&mut out);
    out
}

/// Python's `time.ctime()` for epoch seconds shifted by a local UTC offset:
/// `Sat Nov 28 14:25:19 2026`, `Sun Nov  8 01:02:03 2026`.
pub fn ctime(epoch_secs: i64, utc_offset_secs: i32) -> String {
    let t = civil_time(epoch_secs, utc_offset_secs);
    format!(
        "{} {} {:>2} {:02}:{:02}:{:02} {}",
        t.weekday,
        t.month_name(),
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.year
    )
}

/// The year of epoch seconds shifted by a local UTC offset.
pub fn year(epoch_secs: i64, utc_offset_secs: i32) -> i32 {
    i32::try_from(civil_time(epoch_secs, utc_offset_secs).year).unwrap_or(1970)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctime_like_python() {
        // time.ctime(1795875919) in UTC
        assert_eq!(ctime(1_795_875_919, 0), "Sat Nov 28 14:25:19 2026");
        assert_eq!(ctime(1_794_013_323, 0), "Sat Nov  7 01:02:03 2026");
        assert_eq!(ctime(0, 3600), "Thu Jan  1 01:00:00 1970");
        assert_eq!(year(1_795_875_919, 0), 2026);
    }

    #[test]
    fn refresh_values() {
        assert_eq!(refresh_from(None, 5), 5);
        assert_eq!(refresh_from(Some("0"), 5), 0);
        assert_eq!(refresh_from(Some("x"), 5), 5);
        assert_eq!(refresh_from(Some("99999"), 5), 3600);
    }
}
