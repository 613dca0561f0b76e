//! Property tests over what a client or a config controls: arbitrary query strings,
//! bodies and headers never panic the form parser, the action parser or the guard;
//! a forged POST without the token is never accepted; arbitrary names, descriptions,
//! log text and messages never put markup of their own into a page.

use proptest::prelude::*;
use supervisor_core::{ProcessInfo, ProcessStateCode};
use webui::guard::{Headers, check_post};
use webui::{Action, Channel, DaemonInfo, Form, Frame, StatusPage, TailPage};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

proptest! {
    #[test]
    fn any_request_is_parsed_or_refused_without_panic(
        query in ".{0,80}",
        body in proptest::collection::vec(any::<u8>(), 0..80),
        content_type in proptest::option::of(".{0,40}"),
        origin in proptest::option::of(".{0,40}"),
        referer in proptest::option::of(".{0,40}"),
    ) {
        if let Ok(form) = Form::parse(&query, &body, content_type.as_deref()) {
            let _ = Action::from_form(&form);
            let _ = Channel::from_form(&form);
            let headers = Headers { host: Some("127.0.0.1:9001"), forwarded_host: None, origin: origin.as_deref(), referer: referer.as_deref() };
            let verdict = check_post(form.get("token"), TOKEN, headers);
            // Only the daemon's own token can pass.
            if verdict.is_ok() {
                prop_assert_eq!(form.get("token"), Some(TOKEN));
            }
        }
    }

    #[test]
    fn nothing_from_outside_becomes_markup(
        group in "[^\\x00]{1,12}",
        name in "[^\\x00]{1,12}",
        description in ".{0,40}",
        message in ".{0,40}",
        log in ".{0,80}",
    ) {
        let daemon = DaemonInfo {
            identification: name.clone(),
            pid: 1,
            version: "4.3.0".into(),
            state: "FATAL".into(),
            fatal_reasons: vec![description.clone()],
        };
        let frame = Frame { daemon: &daemon, token: TOKEN, refresh: 0, message: Some(&message), year: 2026 };
        let info = ProcessInfo {
            name: name.clone(), group: group.clone(), description: description.clone(),
            start: 0, stop: 0, now: 0, state: ProcessStateCode::Running, statename: "RUNNING",
            spawnerr: String::new(), exitstatus: 0, pid: 1,
        };
        let pages = [
            webui::render_status(&StatusPage { frame, processes: std::slice::from_ref(&info) }),
            webui::render_tail(&TailPage { frame, namespec: Some(&name), channel: Channel::Stderr, limit: 1024, text: &log }),
        ];
        for page in pages {
            // Every '<' in the page is one of ours: count them against a page whose
            // outside texts are plain letters.
            let tags = page.matches('<').count();
            let plain = |s: &str| "x".repeat(s.chars().count());
            let pd = DaemonInfo { identification: plain(&name), fatal_reasons: vec![plain(&description)], ..daemon.clone() };
            let m = plain(&message);
            let pf = Frame { daemon: &pd, message: Some(&m), ..frame };
            let pi = ProcessInfo { name: plain(&name), group: plain(&group), description: plain(&description), ..info.clone() };
            let reference = if page.contains("tailbody") {
                webui::render_tail(&TailPage { frame: pf, namespec: Some(&pi.name), channel: Channel::Stderr, limit: 1024, text: &plain(&log) })
            } else {
                webui::render_status(&StatusPage { frame: pf, processes: std::slice::from_ref(&pi) })
            };
            // A group row appears when the names differ; compare like with like.
            if (group == name) == (pi.group == pi.name) {
                prop_assert_eq!(tags, reference.matches('<').count());
            }
            prop_assert!(!page.contains("<script"));
        }
    }
}
