//! Rendering snapshots of the web UI for representative states: running, stopped and
//! fatal processes, groups, a FATAL supervisord, messages, auto-refresh, the tail
//! page, error pages, and hostile names and texts (everything escaped).

use supervisor_core::{ProcessInfo, ProcessStateCode};
use webui::{Channel, DaemonInfo, Frame, StatusPage, TailPage};

fn daemon(state: &str, reasons: &[&str]) -> DaemonInfo {
    DaemonInfo {
        identification: "supervisor".into(),
        pid: 4242,
        version: "4.3.0".into(),
        state: state.into(),
        fatal_reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
    }
}

fn frame<'a>(d: &'a DaemonInfo, refresh: u32, message: Option<&'a str>) -> Frame<'a> {
    Frame {
        daemon: d,
        token: "0123456789abcdef",
        refresh,
        message,
        year: 2026,
    }
}

fn process(group: &str, name: &str, state: ProcessStateCode, description: &str) -> ProcessInfo {
    ProcessInfo {
        name: name.into(),
        group: group.into(),
        description: description.into(),
        start: 0,
        stop: 0,
        now: 0,
        state,
        statename: state.name(),
        spawnerr: String::new(),
        exitstatus: 0,
        pid: 0,
    }
}

fn mixed() -> Vec<ProcessInfo> {
    use ProcessStateCode::*;
    vec![
        // Deliberately unsorted: the page sorts by (group, name).
        process("web", "web_01", Stopped, "Nov 28 02:30 PM"),
        process("web", "web_00", Running, "pid 101, uptime 0:01:02"),
        process("api", "api", Running, "pid 100, uptime 1 day, 0:00:05"),
        process(
            "broken",
            "broken",
            Fatal,
            "can't find command '/nonexistent'",
        ),
        process(
            "flaky",
            "flaky",
            Backoff,
            "Exited too quickly (process log may have details)",
        ),
        process("idle", "idle", Stopped, "Not started"),
        process("busy", "busy", Starting, ""),
    ]
}

#[test]
fn status_running_stopped_fatal_and_groups() {
    let d = daemon("RUNNING", &[]);
    let processes = mixed();
    let html = webui::render_status(&StatusPage {
        frame: frame(&d, 0, None),
        processes: &processes,
    });
    insta::assert_snapshot!(html);
}

#[test]
fn status_with_message_and_auto_refresh() {
    let d = daemon("RUNNING", &[]);
    let processes = vec![process(
        "api",
        "api",
        ProcessStateCode::Running,
        "pid 100, uptime 0:00:05",
    )];
    let page = StatusPage {
        frame: frame(&d, 10, Some("Process api restarted")),
        processes: &processes,
    };
    insta::assert_snapshot!(webui::render_status(&page));
}

#[test]
fn status_error_message_and_no_programs() {
    let d = daemon("RUNNING", &[]);
    let page = StatusPage {
        frame: frame(&d, 0, Some("ERROR: Process api: spawn error")),
        processes: &[],
    };
    insta::assert_snapshot!(webui::render_status(&page));
}

#[test]
fn status_fatal_daemon_shows_reasons() {
    let d = daemon(
        "FATAL",
        &[
            "could not remove log /var/log/x.log: [Errno 13] Permission denied",
            "event dead-lettered",
        ],
    );
    let processes = vec![process(
        "api",
        "api",
        ProcessStateCode::Running,
        "pid 100, uptime 0:00:05",
    )];
    insta::assert_snapshot!(webui::render_status(&StatusPage {
        frame: frame(&d, 0, None),
        processes: &processes
    }));
}

#[test]
fn status_escapes_hostile_names_and_texts() {
    let d = DaemonInfo {
        identification: "<img src=x onerror=alert(1)>".into(),
        ..daemon("RUNNING", &["<b>reason</b>"])
    };
    let processes = vec![
        process(
            "g\"><script>",
            "a&b'<i>",
            ProcessStateCode::Fatal,
            "<script>alert('x')</script>",
        ),
        process(
            "q",
            "q",
            ProcessStateCode::Running,
            "pid 1, \"quoted\" & <tagged>",
        ),
    ];
    let page = StatusPage {
        frame: Frame {
            token: "\"><script>",
            ..frame(&d, 0, Some("<script>alert(document.cookie)</script>"))
        },
        processes: &processes,
    };
    let html = webui::render_status(&page);
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("<b>reason"), "{html}");
    assert!(
        html.contains("g%22%3E%3Cscript%3E%3Aa%26b%27%3Ci%3E"),
        "{html}"
    );
    insta::assert_snapshot!(html);
}

#[test]
fn tail_stdout_stderr_and_refresh() {
    let d = daemon("RUNNING", &[]);
    let log = "line 1\n<b>not bold</b> & done\n";
    let page = TailPage {
        frame: frame(&d, 5, None),
        namespec: Some("web:web_00"),
        channel: Channel::Stdout,
        limit: 1024,
        text: log,
    };
    insta::assert_snapshot!("tail_stdout", webui::render_tail(&page));
    let page = TailPage {
        frame: frame(&d, 0, Some("Stderr log for web:web_00 cleared")),
        channel: Channel::Stderr,
        limit: 4096,
        text: "",
        ..page
    };
    insta::assert_snapshot!("tail_stderr_refresh_off", webui::render_tail(&page));
}

#[test]
fn tail_without_process_and_without_file() {
    let d = daemon("RUNNING", &[]);
    let page = TailPage {
        frame: frame(&d, 5, None),
        namespec: None,
        channel: Channel::Stdout,
        limit: 1024,
        text: "No process name found",
    };
    insta::assert_snapshot!("tail_no_process", webui::render_tail(&page));
    let page = TailPage {
        namespec: Some("a"),
        text: "No file for a",
        ..page
    };
    let html = webui::render_tail(&page);
    assert!(
        html.contains("<pre id=\"tailbody\">No file for a</pre>"),
        "{html}"
    );
}

#[test]
fn error_page() {
    let d = daemon("RUNNING", &[]);
    insta::assert_snapshot!(webui::render_error(
        &frame(&d, 0, None),
        "Forbidden",
        "the request came from another site (http://evil.example)"
    ));
}
