//! The status page (`/`, `/index.html`): supervisord's facts, the message line, the
//! global buttons, and every process grouped by group, each with its state,
//! description, name and actions (spec §6.1, plus group actions and POST forms).

use std::fmt::Write as _;

use supervisor_core::{ProcessInfo, ProcessStateCode};

use crate::escape::{html, quote};
use crate::frame::Frame;

/// Everything the status page shows.
#[derive(Debug, Clone, Copy)]
pub struct StatusPage<'a> {
    /// The shared part.
    pub frame: Frame<'a>,
    /// Every process, in any order (the page sorts by group, then name, as 4.3).
    pub processes: &'a [ProcessInfo],
}

/// 4.3's `css_class_for_state`.
fn css_class(state: ProcessStateCode) -> &'static str {
    match state {
        ProcessStateCode::Running => "statusrunning",
        ProcessStateCode::Fatal | ProcessStateCode::Backoff => "statuserror",
        _ => "statusnominal",
    }
}

fn namespec(p: &ProcessInfo) -> String {
    if p.group == p.name {
        p.name.clone()
    } else {
        format!("{}:{}", p.group, p.name)
    }
}

/// Render the page.
pub fn render_status(page: &StatusPage<'_>) -> String {
    let f = &page.frame;
    let mut out = String::with_capacity(8192);
    let refresh_url = format!("index.html?refresh={}", f.refresh);
    f.open(&mut out, "Supervisor Status", &refresh_url);
    out.push_str("<div id=\"buttons\">\n<a class=\"button\" href=\"index.html?action=refresh");
    if f.refresh > 0 {
        let _ = write!(out, "&amp;refresh={}", f.refresh);
    }
    out.push_str("\">Refresh</a>\n");
    out.push_str(&f.button("index.html", "Restart All", &[("action", "restartall")], ""));
    out.push('\n');
    out.push_str(&f.button("index.html", "Stop All", &[("action", "stopall")], "danger"));
    out.push('\n');
    if f.refresh > 0 {
        let _ = writeln!(
            out,
            "<span class=\"autorefresh\">Auto-refresh every {} s · <a href=\"index.html?refresh=0\">turn off</a></span>",
            f.refresh
        );
    } else {
        out.push_str("<span class=\"autorefresh\">Auto-refresh off · <a href=\"index.html?refresh=10\">every 10 s</a></span>\n");
    }
    out.push_str("</div>\n");

    let mut processes: Vec<&ProcessInfo> = page.processes.iter().collect();
    processes.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    if processes.is_empty() {
        out.push_str("<p class=\"empty\">No programs to manage</p>\n");
        f.close(&mut out);
        return out;
    }
    out.push_str("<table class=\"processes\">\n<thead>\n<tr><th class=\"state\">State</th><th class=\"desc\">Description</th><th class=\"name\">Name</th><th class=\"action\">Action</th></tr>\n</thead>\n");
    let mut shaded = false;
    for group in processes.chunk_by(|a, b| a.group == b.group) {
        out.push_str("<tbody>\n");
        let name = &group[0].group;
        // A real group (`[group:x]`, numprocs > 1) gets a heading with its actions;
        // a lone `[program:x]` is its own group and its row has the same actions.
        if group.iter().any(|p| p.name != p.group) {
            let _ = write!(
                out,
                "<tr class=\"group\"><th colspan=\"4\"><span class=\"groupname\">{}</span> <span class=\"count\">{} process{}</span><span class=\"groupactions\">",
                html(name),
                group.len(),
                if group.len() == 1 { "" } else { "es" }
            );
            for (label, action) in [("Start", "start"), ("Stop", "stop"), ("Restart", "restart")] {
                let label = format!("{label} group");
                out.push_str(&f.button(
                    "index.html",
                    &label,
                    &[("action", action), ("group", name)],
                    "",
                ));
            }
            out.push_str("</span></th></tr>\n");
        }
        for p in group {
            row(&mut out, f, p, shaded);
            shaded = !shaded;
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    f.close(&mut out);
    out
}

fn row(out: &mut String, f: &Frame<'_>, p: &ProcessInfo, shaded: bool) {
    let ns = namespec(p);
    let q = quote(&ns);
    let class = if shaded { " class=\"shade\"" } else { "" };
    let _ = writeln!(
        out,
        "<tr{class}>\n<td class=\"status\"><span class=\"{}\">{}</span></td>\n<td class=\"desc\">{}</td>\n<td class=\"name\"><a href=\"tail.html?processname={q}\" target=\"_blank\">{}</a></td>",
        css_class(p.state),
        html(&p.statename.to_lowercase()),
        html(&p.description),
        html(&ns),
    );
    out.push_str("<td class=\"action\"><ul>");
    let fields = |action: &'static str| [("action", action), ("processname", ns.as_str())];
    // 4.3's actions_for_process: which of start/restart/stop a state allows.
    match p.state {
        ProcessStateCode::Running => {
            li(
                out,
                &f.button("index.html", "Restart", &fields("restart"), ""),
            );
            li(out, &f.button("index.html", "Stop", &fields("stop"), ""));
        }
        ProcessStateCode::Stopped | ProcessStateCode::Exited | ProcessStateCode::Fatal => {
            li(out, &f.button("index.html", "Start", &fields("start"), ""));
        }
        ProcessStateCode::Starting
        | ProcessStateCode::Backoff
        | ProcessStateCode::Stopping
        | ProcessStateCode::Unknown => {}
    }
    li(
        out,
        &f.button("index.html", "Clear Log", &fields("clearlog"), ""),
    );
    li(
        out,
        &format!(
            "<a href=\"tail.html?processname={q}\" target=\"_blank\"><span class=\"wide\">Tail </span>stdout</a>"
        ),
    );
    li(
        out,
        &format!(
            "<a href=\"tail.html?processname={q}&amp;channel=stderr\" target=\"_blank\"><span class=\"wide\">Tail </span>stderr</a>"
        ),
    );
    out.push_str("</ul></td>\n</tr>\n");
}

fn li(out: &mut String, inner: &str) {
    out.push_str("<li>");
    out.push_str(inner);
    out.push_str("</li>");
}
