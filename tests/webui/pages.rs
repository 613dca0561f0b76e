//! The pages and files themselves: headers, supervisord's facts, the tail page's two
//! logs and its failures, static files, 4.3's routing of other methods, auth, and
//! the unix socket server.

use super::site::{PROGRAMS, Site};

#[test]
fn status_page_shows_the_daemon_and_its_processes() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let r = site.get("/");
    assert_eq!(r.status, 200);
    for (name, value) in [
        ("Content-Type", "text/html;charset=utf-8"),
        ("Pragma", "no-cache"),
        ("Cache-Control", "no-cache"),
        ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT"),
        ("X-Frame-Options", "DENY"),
    ] {
        assert_eq!(r.header(name), Some(value), "{name}");
    }
    assert!(
        r.header("Content-Security-Policy")
            .is_some_and(|c| c.contains("frame-ancestors 'none'"))
    );
    let page = r.body;
    let pid = std::fs::read_to_string(site.path("supervisord.pid")).unwrap_or_default();
    assert!(
        page.contains(&format!("<dd id=\"daemon-pid\">{}</dd>", pid.trim())),
        "{page}"
    );
    assert!(page.contains("<dd>webui-test</dd>"), "{page}");
    assert!(page.contains("<dd>4.3.0</dd>"), "{page}");
    assert!(
        page.contains("<dd id=\"daemon-state\" class=\"state-running\">RUNNING</dd>"),
        "{page}"
    );
    assert!(
        !page.contains("meta http-equiv"),
        "the status page does not refresh by default"
    );
    assert_eq!(site.state("web:w1"), "stopped");
    assert!(super::site::row_in(&page, "web:w1").is_some_and(|r| r.contains("Not started")));
    // `/index.html` is the same page; the message line shows `?message=`, escaped.
    let page = site.get("/index.html?message=%3Cb%3Ehi%3C/b%3E").body;
    assert!(
        page.contains("role=\"status\">&lt;b&gt;hi&lt;/b&gt;</div>"),
        "{page}"
    );
}

#[test]
fn tail_page_shows_stdout_or_stderr() {
    let site = Site::start(PROGRAMS);
    crate::util::wait_for_text(&site.path("talker.err"), "err <b>line</b>");
    let page = site.get("/tail.html?processname=talker").body;
    assert!(
        page.contains("<title>Supervisor tail of process talker (stdout)</title>"),
        "{page}"
    );
    assert!(
        page.contains("<pre id=\"tailbody\">out-line\n</pre>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<meta http-equiv=\"refresh\" content=\"5;url=tail.html?processname=talker#end\">"
        ),
        "{page}"
    );
    let page = site
        .get("/tail.html?processname=talker&channel=stderr&refresh=0")
        .body;
    assert!(
        page.contains("<pre id=\"tailbody\">err &lt;b&gt;line&lt;/b&gt;\n</pre>"),
        "{page}"
    );
    assert!(!page.contains("http-equiv"), "refresh turned off: {page}");
    // 4.3's texts when there is nothing to show.
    let page = site.get("/tail.html").body;
    assert!(
        page.contains("<pre id=\"tailbody\">No process name found</pre>"),
        "{page}"
    );
    let page = site.get("/tail.html?processname=nope").body;
    assert!(
        page.contains("ERROR: unexpected rpc fault [10] BAD_NAME: nope"),
        "{page}"
    );
    let page = site.get("/tail.html?processname=sleeper&channel=bogus");
    assert_eq!(page.status, 400);
}

#[test]
fn static_files_and_other_methods() {
    let site = Site::start(PROGRAMS);
    let css = site.get("/stylesheets/supervisor.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css"));
    assert!(css.body.contains(".statusrunning"));
    let head = site.request("HEAD", "/stylesheets/supervisor.css", "", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Content-Length"), css.header("Content-Length"));
    assert!(head.body.is_empty());
    assert_eq!(
        site.get("/images/icon.png").header("Content-Type"),
        Some("image/png")
    );
    assert_eq!(
        site.get("/images/logo.svg").header("Content-Type"),
        Some("image/svg+xml")
    );
    assert_eq!(site.get("/nothing.html").status, 404);
    // As 4.3: other methods fall through to the static handler (400), and
    // `/index.html` is no file (HEAD → 404).
    assert_eq!(site.request("PUT", "/index.html", "", &[]).status, 400);
    assert_eq!(site.request("HEAD", "/index.html", "", &[]).status, 404);
    assert_eq!(site.get("/ok.html").body, "OK");
}

#[test]
fn pages_ask_for_credentials_and_work_over_the_unix_socket() {
    let site = Site::start_with(PROGRAMS, Some("user:secret"));
    let r = site.request_unix("GET", "/index.html");
    assert_eq!(r.status, 200);
    assert!(r.body.contains(">sleeper</a>"), "{}", r.body);
    let mut anonymous = std::net::TcpStream::connect(("127.0.0.1", site.port)).expect("connect");
    use std::io::{Read, Write};
    anonymous
        .write_all(
            b"GET /stylesheets/supervisor.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .expect("write");
    let mut text = String::new();
    anonymous.read_to_string(&mut text).expect("read");
    assert!(text.starts_with("HTTP/1.1 401 Unauthorized"), "{text}");
}
