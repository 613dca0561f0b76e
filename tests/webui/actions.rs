//! Every action of the pages, done as a browser does (POST with the page's token
//! from the same origin), checked on the page the redirect leads to.

use super::site::{PROGRAMS, Site, empty};
use crate::util::{wait_for, wait_for_text};

#[test]
fn stop_start_and_restart_a_process() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let r = site.act("/index.html", "action=stop&processname=sleeper");
    assert_eq!(
        r.location(),
        "index.html?message=Process%20sleeper%20stopped"
    );
    let page = site.follow(&r);
    assert!(
        page.body
            .contains("<div class=\"status_msg\" role=\"status\">Process sleeper stopped</div>"),
        "{}",
        page.body
    );
    assert_eq!(site.state("sleeper"), "stopped");

    let r = site.act("/index.html", "action=start&processname=sleeper");
    assert_eq!(
        r.location(),
        "index.html?message=Process%20sleeper%20started"
    );
    assert_eq!(site.state("sleeper"), "running");
    let before = site.pid("sleeper");

    let r = site.act("/", "action=restart&processname=sleeper");
    assert_eq!(
        r.location(),
        "index.html?message=Process%20sleeper%20restarted"
    );
    assert_eq!(site.state("sleeper"), "running");
    assert_ne!(site.pid("sleeper"), before);

    // 4.3's texts for failures.
    let r = site.act("/index.html", "action=start&processname=sleeper");
    assert_eq!(
        r.location(),
        "index.html?message=ERROR%3A%20Process%20sleeper%3A%20already%20started"
    );
}

#[test]
fn start_stop_and_restart_a_group() {
    let site = Site::start(PROGRAMS);
    site.wait_state("web:w1", "stopped");
    let page = site.get("/").body;
    assert!(
        page.contains("<span class=\"groupname\">web</span>"),
        "{page}"
    );
    let r = site.act("/index.html", "action=start&group=web");
    assert_eq!(r.location(), "index.html?message=Group%20web%20started");
    assert_eq!(site.state("web:w1"), "running");
    assert_eq!(site.state("web:w2"), "running");
    let pids = (site.pid("web:w1"), site.pid("web:w2"));

    let r = site.act("/index.html", "action=restart&group=web");
    assert_eq!(r.location(), "index.html?message=Group%20web%20restarted");
    assert_eq!(site.state("web:w1"), "running");
    assert_ne!((site.pid("web:w1"), site.pid("web:w2")), pids);

    let r = site.act("/index.html", "action=stop&group=web");
    assert_eq!(r.location(), "index.html?message=Group%20web%20stopped");
    assert_eq!(site.state("web:w1"), "stopped");
    assert_eq!(site.state("web:w2"), "stopped");
    assert_eq!(site.state("sleeper"), "running");
}

#[test]
fn stop_all_restart_all_and_refresh() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let r = site.act("/index.html", "action=stopall");
    assert!(
        r.location()
            .starts_with("index.html?message=All%20stopped%20at%20"),
        "{r:?}"
    );
    for ns in ["sleeper", "talker", "web:w1", "web:w2"] {
        assert_eq!(site.state(ns), "stopped", "{ns}");
    }
    let r = site.act("/index.html", "action=restartall");
    assert!(
        r.location()
            .starts_with("index.html?message=All%20restarted%20at%20"),
        "{r:?}"
    );
    for ns in ["sleeper", "talker", "web:w1", "web:w2"] {
        assert_eq!(site.state(ns), "running", "{ns}");
    }
    // Refresh changes nothing, so a plain link does it (4.3's redirect with the time).
    let r = site.get("/index.html?action=refresh");
    assert!(
        r.location()
            .starts_with("index.html?message=Page%20refreshed%20at%20"),
        "{r:?}"
    );
    // Clearing supervisord's FATAL state when it is not FATAL is harmless.
    let r = site.act("/index.html", "action=clearfatal");
    assert_eq!(
        r.location(),
        "index.html?message=supervisord%27s%20FATAL%20state%20cleared"
    );
    // The auto-refresh setting survives the redirect.
    let r = site.act("/index.html", "action=refresh&refresh=30");
    assert!(r.location().ends_with("&refresh=30"), "{r:?}");
    let page = site.follow(&r).body;
    assert!(
        page.contains("<meta http-equiv=\"refresh\" content=\"30;url=index.html?refresh=30\">"),
        "{page}"
    );
}

#[test]
fn clear_stdout_stderr_or_both_from_the_tail_page() {
    let site = Site::start(PROGRAMS);
    let (out, err) = (site.path("talker.out"), site.path("talker.err"));
    wait_for_text(&out, "out-line");
    wait_for_text(&err, "err <b>line</b>");

    let r = site.act(
        "/tail.html",
        "action=clearlog&processname=talker&clear=stderr&channel=stderr",
    );
    assert_eq!(
        r.location(),
        "tail.html?processname=talker&channel=stderr&message=Stderr%20log%20for%20talker%20cleared"
    );
    assert!(empty(&err));
    assert!(!empty(&out));
    let page = site.follow(&r).body;
    assert!(page.contains("Stderr log for talker cleared"), "{page}");
    assert!(page.contains("<pre id=\"tailbody\"></pre>"), "{page}");

    let r = site.act(
        "/tail.html",
        "action=clearlog&processname=talker&clear=stdout",
    );
    assert_eq!(
        r.location(),
        "tail.html?processname=talker&message=Stdout%20log%20for%20talker%20cleared"
    );
    assert!(empty(&out));

    std::fs::write(&out, "again\n").expect("write");
    std::fs::write(&err, "again\n").expect("write");
    // The status page's Clear Log clears both, as 4.3.
    let r = site.act("/index.html", "action=clearlog&processname=talker");
    assert_eq!(
        r.location(),
        "index.html?message=Log%20for%20talker%20cleared"
    );
    wait_for("both logs empty", || empty(&out) && empty(&err));
    assert_eq!(site.state("talker"), "running");
}

#[test]
fn unknown_names_and_malformed_forms_change_nothing() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let pid = site.pid("sleeper");
    let r = site.act("/index.html", "action=stop&processname=nope");
    assert_eq!(
        r.location(),
        "index.html?message=No%20such%20process%20named%20nope"
    );
    let r = site.act("/index.html", "action=start&group=nogroup");
    assert_eq!(
        r.location(),
        "index.html?message=No%20such%20group%20named%20nogroup"
    );
    let r = site.act("/index.html", "action=clearlog&processname=web%3A%2A");
    assert_eq!(
        r.location(),
        "index.html?message=No%20such%20process%20named%20web%3A%2A"
    );

    for (fields, expected) in [
        (
            "action=stop&processname=%zz",
            "malformed form data: an invalid %-escape",
        ),
        (
            "action=stop&processname=%FF",
            "malformed form data: text that is not UTF-8",
        ),
        (
            "action=explode&processname=sleeper",
            "unknown action &quot;explode&quot;",
        ),
        (
            "action=stop",
            "the stop action needs a process or group name",
        ),
        (
            "action=clearlog&processname=sleeper&clear=all",
            "unknown log &quot;all&quot;",
        ),
    ] {
        let r = site.act("/index.html", fields);
        assert_eq!(r.status, 400, "{fields}: {r:?}");
        assert!(r.body.contains(expected), "{fields}: {}", r.body);
        assert!(r.body.contains("Nothing was changed."), "{}", r.body);
    }
    // Not a urlencoded body (a cross-site `text/plain` form, multipart...).
    let body = format!("token={}&action=stop&processname=sleeper", site.token());
    let r = site.request(
        "POST",
        "/index.html",
        &body,
        &[("Content-Type", "text/plain")],
    );
    assert_eq!(r.status, 400);
    assert_eq!(site.pid("sleeper"), pid);
}
