//! The tail page (`/tail.html?processname=<ns>&channel=<stdout|stderr>&limit=<n>`):
//! the last `max(1024, limit)` bytes of one log of a process, a choice between its
//! stdout and stderr logs, buttons to clear either or both, and a meta refresh the
//! user can turn off (4.3: stdout only, no refresh, no clearing).

use std::fmt::Write as _;

use crate::escape::{html, quote};
use crate::form::Channel;
use crate::frame::Frame;

/// The tail page's default auto-refresh interval, in seconds.
pub const TAIL_REFRESH: u32 = 5;

/// Everything the tail page shows.
#[derive(Debug, Clone, Copy)]
pub struct TailPage<'a> {
    /// The shared part.
    pub frame: Frame<'a>,
    /// The process (`None`: 4.3's `No process name found` page).
    pub namespec: Option<&'a str>,
    /// Which log.
    pub channel: Channel,
    /// How many bytes were asked for (at least 1024).
    pub limit: u64,
    /// The log text, or 4.3's text for a failure (`No file for <ns>`, `ERROR: ...`).
    pub text: &'a str,
}

/// 4.3's `limit`: `max(1024, int(limit))`, 1024 for anything that is not digits.
pub fn limit_from(value: Option<&str>) -> u64 {
    value
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(1024, |n| n.max(1024))
}

/// The URL of a tail page.
pub fn tail_url(namespec: &str, channel: Channel, limit: u64, refresh: Option<u32>) -> String {
    let mut url = format!("tail.html?processname={}", quote(namespec));
    if channel == Channel::Stderr {
        url.push_str("&channel=stderr");
    }
    if limit != 1024 {
        let _ = write!(url, "&limit={limit}");
    }
    if let Some(r) = refresh {
        let _ = write!(url, "&refresh={r}");
    }
    url
}

/// Render the page.
pub fn render_tail(page: &TailPage<'_>) -> String {
    let f = &page.frame;
    let mut out = String::with_capacity(page.text.len() + 4096);
    let shown = page.namespec.unwrap_or("None");
    let title = match page.namespec {
        Some(ns) => format!("Supervisor tail of process {ns} ({})", page.channel.name()),
        None => "Supervisor tail of process None".to_owned(),
    };
    let Some(ns) = page.namespec else {
        // Nothing to follow: no refresh.
        let f = Frame { refresh: 0, ..*f };
        f.open(&mut out, &title, "index.html");
        let _ = writeln!(out, "<pre id=\"tailbody\">{}</pre>", html(page.text));
        f.close(&mut out);
        return out;
    };
    // The refresh setting travels in links only when it is not the default.
    let keep = (f.refresh != TAIL_REFRESH).then_some(f.refresh);
    let refresh_url = format!("{}#end", tail_url(ns, page.channel, page.limit, keep));
    f.open(&mut out, &title, &refresh_url);
    let _ = writeln!(
        out,
        "<h1 class=\"tailtitle\"><span class=\"process\">{}</span> <span class=\"channel\">{}</span></h1>",
        html(shown),
        page.channel.name()
    );
    out.push_str("<nav class=\"tools\">\n<ul class=\"tabs\">");
    for channel in [Channel::Stdout, Channel::Stderr] {
        let url = tail_url(ns, channel, page.limit, keep);
        let current = if channel == page.channel {
            " aria-current=\"page\" class=\"current\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<li><a href=\"{}\"{current}>{}</a></li>",
            html(&url),
            channel.name()
        );
    }
    out.push_str("</ul>\n");
    let here = tail_url(ns, page.channel, page.limit, keep);
    let _ = writeln!(
        out,
        "<a class=\"button\" href=\"{}#end\">Refresh</a>",
        html(&here)
    );
    let stream = match page.channel {
        Channel::Stdout => String::new(),
        Channel::Stderr => "/stderr".to_owned(),
    };
    let _ = writeln!(
        out,
        "<a href=\"logtail/{}{stream}\" target=\"_blank\">Follow (tail -f)</a>\n<a href=\"index.html\">Status page</a>",
        quote(ns)
    );
    let (toggle, label) = if f.refresh > 0 {
        (0, format!("Auto-refresh every {} s · turn off", f.refresh))
    } else {
        (TAIL_REFRESH, "Auto-refresh off · turn on".to_owned())
    };
    let _ = writeln!(
        out,
        "<a class=\"autorefresh\" href=\"{}\">{label}</a>",
        html(&tail_url(ns, page.channel, page.limit, Some(toggle)))
    );
    out.push_str("<span class=\"clear\">");
    let channel = page.channel.name();
    let limit = page.limit.to_string();
    for (label, which) in [
        ("Clear stdout", "stdout"),
        ("Clear stderr", "stderr"),
        ("Clear both", "both"),
    ] {
        let mut fields = vec![
            ("action", "clearlog"),
            ("processname", ns),
            ("clear", which),
            ("channel", channel),
        ];
        if page.limit != 1024 {
            fields.push(("limit", &limit));
        }
        out.push_str(&f.button("tail.html", label, &fields, ""));
    }
    out.push_str("</span>\n</nav>\n");
    let _ = writeln!(
        out,
        "<pre id=\"tailbody\">{}</pre>\n<span id=\"end\"></span>",
        html(page.text)
    );
    f.close(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_like_4_3() {
        assert_eq!(limit_from(None), 1024);
        assert_eq!(limit_from(Some("10")), 1024);
        assert_eq!(limit_from(Some("5000")), 5000);
        assert_eq!(limit_from(Some("-5000")), 1024);
        assert_eq!(limit_from(Some("x")), 1024);
    }

    #[test]
    fn urls() {
        assert_eq!(
            tail_url("g:a", Channel::Stderr, 1024, Some(0)),
            "tail.html?processname=g%3Aa&channel=stderr&refresh=0"
        );
    }
}
