//! End to end in headless Chromium. First test: the browser loads our pages
//! (`--dump-dom` shows what it parsed), the actions are POSTed with the token the
//! browser was given, and the pages the redirects lead to are rendered again and
//! screenshotted at desktop (1280) and phone (390) widths into
//! `target/webui-screenshots/`. Second test: real clicks through the DevTools
//! protocol (`cdp.rs`) — the browser's own form POSTs pass the guard — and a page of
//! another origin submitting a form with the right token is refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::site::{PROGRAMS, Site, state_in, token_in};

/// The `chromium` binary on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Run chromium with our flags plus `args`; its stdout. Bounded to 60 s.
fn run(chromium: &Path, profile: &Path, args: &[&str]) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap_or_default()
}

struct Browser {
    chromium: PathBuf,
    profile: tempfile::TempDir,
    shots: PathBuf,
}

impl Browser {
    fn dom(&self, url: &str) -> String {
        run(&self.chromium, self.profile.path(), &["--dump-dom", url])
    }

    /// Screenshots of `url` at 1280 and 390 pixels wide: `<name>-1280.png`, `<name>-390.png`.
    fn screenshots(&self, name: &str, url: &str) {
        for (width, height) in [(1280, 800), (390, 844)] {
            let file = self.shots.join(format!("{name}-{width}.png"));
            let _ = std::fs::remove_file(&file);
            run(
                &self.chromium,
                self.profile.path(),
                &[
                    &format!("--window-size={width},{height}"),
                    &format!("--screenshot={}", file.display()),
                    url,
                ],
            );
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
                "no screenshot at {}",
                file.display()
            );
        }
    }
}

#[test]
fn chromium_stops_a_process_starts_a_group_and_tails_stderr() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing under CI (run .ci/chromium.sh)"
        );
        eprintln!("skipped: no chromium on PATH (.ci/chromium.sh installs it)");
        return;
    };
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/webui-screenshots");
    std::fs::create_dir_all(&shots).expect("create the screenshot dir");
    let browser = Browser {
        chromium,
        profile: crate::util::tempdir(),
        shots,
    };
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    crate::util::wait_for_text(&site.path("talker.err"), "err <b>line</b>");
    let base = site.origin();

    // What the browser parsed: every process, its state, and the forms' token.
    let dom = browser.dom(&format!("{base}/"));
    assert_eq!(state_in(&dom, "sleeper"), "running", "{dom}");
    assert_eq!(state_in(&dom, "web:w1"), "stopped", "{dom}");
    assert!(dom.contains("Stop All</button>"), "{dom}");
    let token = token_in(&dom);

    // Stop a process with the browser's token, then look at the page it lands on.
    let post = |fields: &str| {
        site.request(
            "POST",
            "/index.html",
            &format!("token={token}&{fields}"),
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Origin", &base),
            ],
        )
    };
    let r = post("action=stop&processname=sleeper");
    let landed = format!("{base}/{}", r.location());
    let dom = browser.dom(&landed);
    assert!(dom.contains("Process sleeper stopped"), "{dom}");
    assert_eq!(state_in(&dom, "sleeper"), "stopped", "{dom}");

    // Start a group.
    let r = post("action=start&group=web");
    let landed = format!("{base}/{}", r.location());
    let dom = browser.dom(&landed);
    assert!(dom.contains("Group web started"), "{dom}");
    assert_eq!(state_in(&dom, "web:w1"), "running", "{dom}");
    assert_eq!(state_in(&dom, "web:w2"), "running", "{dom}");
    browser.screenshots("status", &landed);

    // The stderr tail, as the row's "Tail stderr" link opens it.
    let tail = format!("{base}/tail.html?processname=talker&channel=stderr");
    let dom = browser.dom(&tail);
    assert!(
        dom.contains("<title>Supervisor tail of process talker (stderr)</title>"),
        "{dom}"
    );
    assert!(dom.contains("err &lt;b&gt;line&lt;/b&gt;"), "{dom}");
    assert!(
        dom.contains("aria-current=\"page\" class=\"current\">stderr</a>"),
        "{dom}"
    );
    browser.screenshots("tail", &tail);
}

/// Submit the one-button form whose hidden `action` is `action` (and whose `key`
/// field is `value`): what a click on that button does.
fn click(action: &str, key: &str, value: &str) -> String {
    format!(
        "[...document.forms].find(f => f.elements['action'] && f.elements['action'].value == '{action}' \
         && (!'{key}' || (f.elements['{key}'] && f.elements['{key}'].value == '{value}'))).querySelector('button').click()"
    )
}

#[test]
fn chromium_clicks_the_buttons_and_refuses_a_foreign_page() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "chromium is missing under CI (run .ci/chromium.sh)"
        );
        eprintln!("skipped: no chromium on PATH (.ci/chromium.sh installs it)");
        return;
    };
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    crate::util::wait_for_text(&site.path("talker.err"), "err <b>line</b>");
    let base = site.origin();
    let profile = crate::util::tempdir();
    let mut page = super::cdp::Cdp::start(&chromium, profile.path());
    let message = "document.querySelector('.status_msg').textContent";

    // A real click: the browser's own POST (its Origin, the page's token) is done.
    page.navigate(&format!("{base}/"));
    page.click_and_wait(&click("stop", "processname", "sleeper"));
    assert_eq!(page.eval(message), "Process sleeper stopped");
    assert_eq!(site.state("sleeper"), "stopped");
    page.click_and_wait(&click("start", "group", "web"));
    assert_eq!(page.eval(message), "Group web started");
    assert_eq!(site.state("web:w2"), "running");

    // The row's stderr link, then the tail page's Clear stderr button.
    let href =
        page.eval("document.querySelector('a[href$=\"processname=talker&channel=stderr\"]').href");
    page.navigate(&href);
    assert_eq!(
        page.eval("document.getElementById('tailbody').textContent"),
        "err <b>line</b>\n"
    );
    page.click_and_wait(&click("clearlog", "clear", "stderr"));
    assert_eq!(page.eval(message), "Stderr log for talker cleared");
    assert_eq!(
        page.eval("document.getElementById('tailbody').textContent"),
        ""
    );
    assert!(super::site::empty(&site.path("talker.err")));

    // A page of another origin posting a form — even with the right token — is refused.
    let evil = profile.path().join("evil.html");
    std::fs::write(
        &evil,
        format!(
            "<form id=f method=post action='{base}/index.html'><input name=token value='{}'>\
             <input name=action value=stopall></form>",
            site.token()
        ),
    )
    .expect("write the foreign page");
    page.navigate(&format!("file://{}", evil.display()));
    page.click_and_wait("document.getElementById('f').submit()");
    assert_eq!(page.eval("document.title"), "Supervisor: Forbidden");
    let text = page.eval("document.body.textContent");
    assert!(
        text.contains("the request came from another site (null)"),
        "{text}"
    );
    assert_eq!(site.state("talker"), "running");
    assert_eq!(site.state("web:w1"), "running");
}
