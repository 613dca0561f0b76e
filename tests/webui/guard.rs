//! State-changing actions need a POST with the daemon's token from the same site;
//! anything else is refused (403) or only shown (a GET), and nothing changes.

use super::site::{PROGRAMS, Site};

/// A request body, its extra headers, and what the refusal must say.
type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);

fn post(site: &Site, body: &str, headers: &[(&str, &str)]) -> super::site::Response {
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    site.request("POST", "/index.html", body, &all)
}

#[test]
fn forged_posts_are_refused_and_change_nothing() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let pid = site.pid("sleeper");
    let token = site.token();
    let origin = site.origin();
    let stop = "action=stop&processname=sleeper";
    let home = format!("{origin}/");
    let cases: Vec<Case<'_>> = vec![
        (stop.to_owned(), vec![], "the form has no token"),
        (
            format!("token=0000&{stop}"),
            vec![],
            "is not this supervisord",
        ),
        (
            format!("token={token}&{stop}"),
            vec![("Origin", "http://evil.example")],
            "came from another site (http://evil.example)",
        ),
        (
            format!("token={token}&{stop}"),
            vec![("Origin", "null")],
            "came from another site (null)",
        ),
        (
            format!("token={token}&{stop}"),
            vec![("Referer", "http://127.0.0.1:1/index.html")],
            "came from another site",
        ),
        // Origin decides even when the Referer looks right.
        (
            format!("token={token}&{stop}"),
            vec![("Origin", "https://evil.example"), ("Referer", &home)],
            "came from another site",
        ),
    ];
    for (body, headers, expected) in &cases {
        let r = post(&site, body, headers);
        assert_eq!(r.status, 403, "{body} {headers:?}: {r:?}");
        assert!(r.body.contains(expected), "{expected}: {}", r.body);
        assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
    }
    assert_eq!(site.state("sleeper"), "running");
    assert_eq!(site.pid("sleeper"), pid);
    assert!(
        site.log()
            .contains("WARN web interface: stop refused for 127.0.0.1:"),
        "{}",
        site.log()
    );

    // The same request from the page itself is done (a Referer alone is enough, and
    // so is no header at all: the token is what a foreign page cannot know).
    let r = post(
        &site,
        &format!("token={token}&{stop}"),
        &[("Referer", &format!("{origin}/index.html"))],
    );
    assert_eq!(
        r.location(),
        "index.html?message=Process%20sleeper%20stopped"
    );
    let r = post(
        &site,
        &format!("token={token}&action=start&processname=sleeper"),
        &[],
    );
    assert_eq!(
        r.location(),
        "index.html?message=Process%20sleeper%20started"
    );
}

#[test]
fn a_get_of_an_action_url_changes_nothing() {
    let site = Site::start(PROGRAMS);
    site.wait_state("sleeper", "running");
    let pid = site.pid("sleeper");
    let token = site.token();
    let out = site.path("talker.out");
    crate::util::wait_for_text(&out, "out-line");
    // 4.3's links, even with the right token.
    for url in [
        "/index.html?processname=sleeper&action=stop".to_owned(),
        format!("/index.html?processname=sleeper&action=stop&token={token}"),
        "/index.html?action=stopall".to_owned(),
        "/tail.html?processname=talker&action=clearlog".to_owned(),
    ] {
        let r = site.get(&url);
        assert_eq!(r.status, 200, "{url}");
        assert!(r.body.contains("Nothing done: the "), "{url}: {}", r.body);
    }
    assert_eq!(site.pid("sleeper"), pid);
    assert!(crate::util::read(&out).contains("out-line"));
}
