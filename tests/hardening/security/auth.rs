//! Authentication on every path of both servers, a server without `username=`, and
//! XML-RPC posts from another site.

use super::{
    PASSWORD, Raw, SECRET_LINE, SECRET_PROGRAM, Target, USER, answer_200, assert_get_pid,
    assert_secret_program_running, basic, daemon_with_auth, open_daemon, rpc_call, status_of,
};
use crate::hardening::client::{self, s};
use crate::util::tempdir;

/// Every path the servers answer, as raw requests; `{auth}` is where the
/// `Authorization` header goes. (what, request, what the right credentials get: the
/// status, and a text the answer then holds)
fn every_path() -> Vec<(&'static str, String, u16, &'static str)> {
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{{auth}}\r\n");
    let rpc = String::from_utf8(rpc_call("supervisor.getAllProcessInfo", "{auth}"))
        .expect("utf-8 request");
    vec![
        ("POST /RPC2", rpc, 200, SECRET_PROGRAM),
        (
            "logtail",
            get(&format!("/logtail/{SECRET_PROGRAM}")),
            200,
            SECRET_LINE,
        ),
        (
            "logtail stderr",
            get(&format!("/logtail/{SECRET_PROGRAM}/stderr")),
            200,
            SECRET_LINE,
        ),
        ("mainlogtail", get("/mainlogtail"), 200, SECRET_PROGRAM),
        ("status page", get("/"), 200, SECRET_PROGRAM),
        ("index.html", get("/index.html"), 200, SECRET_PROGRAM),
        (
            "tail page",
            get(&format!("/tail.html?processname={SECRET_PROGRAM}")),
            200,
            SECRET_LINE,
        ),
        ("stylesheet", get("/stylesheets/supervisor.css"), 200, "{"),
        ("image", get("/images/icon.png"), 200, "PNG"),
        ("ok.html", get("/ok.html"), 200, "OK"),
        ("unknown path", get("/nothing/here"), 404, "Error code 404"),
        (
            "HEAD",
            "HEAD /stylesheets/supervisor.css HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            200,
            "text/css",
        ),
        (
            "PUT",
            "PUT /index.html HTTP/1.1\r\nHost: localhost\r\n{auth}Content-Length: 0\r\n\r\n".into(),
            400,
            "Error code 400",
        ),
        (
            // A state-changing form post without the page's token: refused even
            // with the password (the web UI's CSRF guard).
            "POST action",
            format!(
                "POST /index.html?processname={SECRET_PROGRAM}&action=stop HTTP/1.1\r\nHost: localhost\r\n{{auth}}Content-Length: 0\r\n\r\n"
            ),
            403,
            "token",
        ),
        (
            "DELETE",
            "DELETE /RPC2 HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            400,
            "Error code 400",
        ),
        (
            "OPTIONS",
            "OPTIONS /RPC2 HTTP/1.1\r\nHost: localhost\r\n{auth}\r\n".into(),
            400,
            "Error code 400",
        ),
    ]
}

/// Authentication is checked before anything else on every path of both servers
/// (RPC, log tails, web UI pages, static files, unknown paths, every method): no,
/// wrong, or half-right credentials get medusa's 401 (a malformed Basic token its
/// 400) and the connection closes; the answer holds nothing of the daemon's (no
/// process name, no log line). The right credentials get through on both servers,
/// the inet one with a `{SHA}` password.
#[test]
fn auth_enforced_on_every_path_of_both_servers() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let sha = rpc::auth::sha1_hex(PASSWORD.as_bytes());
    let refused: Vec<(&str, String, u16)> = vec![
        ("no credentials", String::new(), 401),
        ("wrong user", basic(&format!("root:{PASSWORD}")), 401),
        ("wrong password", basic(&format!("{USER}:pa:ss wor")), 401),
        (
            "password with a suffix",
            basic(&format!("{USER}:{PASSWORD}x")),
            401,
        ),
        ("empty password", basic(&format!("{USER}:")), 401),
        ("no colon", basic(&format!("{USER}{PASSWORD}")), 401),
        (
            "the {SHA} form as password",
            basic(&format!("{USER}:{{SHA}}{sha}")),
            401,
        ),
        ("the hash as password", basic(&format!("{USER}:{sha}")), 401),
        ("user case", basic(&format!("ADMIN:{PASSWORD}")), 401),
        (
            "another scheme",
            format!(
                "Authorization: Bearer {}\r\n",
                rpc::auth::base64_encode(format!("{USER}:{PASSWORD}").as_bytes())
            ),
            401,
        ),
        ("no token", "Authorization: Basic\r\n".into(), 401),
        (
            "malformed token",
            "Authorization: Basic !!!d\r\n".into(),
            400,
        ),
    ];
    for target in [&unix, &tcp] {
        for (path, request, _, _) in every_path() {
            for (what, auth, status) in &refused {
                let mut raw = Raw::open(target);
                raw.send(request.replace("{auth}", auth).as_bytes());
                // Closed after the answer, whatever the keep-alive rules.
                let answer = raw.read_to_close();
                let text = String::from_utf8_lossy(&answer);
                assert_eq!(
                    status_of(&answer),
                    *status,
                    "{target:?} {path}, {what}: {text}"
                );
                if *status == 401 {
                    assert!(
                        text.contains("WWW-Authenticate: Basic realm=\"default\""),
                        "{target:?} {path}, {what}: {text}"
                    );
                }
                for secret in [SECRET_PROGRAM, SECRET_LINE, "methodResponse", "<html"] {
                    assert!(
                        !text.contains(secret),
                        "{target:?} {path}, {what}: leaked {secret:?}: {text}"
                    );
                }
            }
        }
    }
    let good = basic(&format!("{USER}:{PASSWORD}"));
    for target in [&unix, &tcp] {
        for (path, request, status, holds) in every_path() {
            let mut raw = Raw::open(target);
            let auth = format!("{good}Connection: close\r\n");
            raw.send(request.replace("{auth}", &auth).as_bytes());
            let mut answer = raw.read_head();
            assert_eq!(
                status_of(&answer),
                status,
                "{target:?} {path}: {}",
                String::from_utf8_lossy(&answer)
            );
            // Read on until the expected text arrived (log streams never end).
            let mut buf = [0u8; 65536];
            while !String::from_utf8_lossy(&answer).contains(holds) {
                match raw.read(&mut buf) {
                    Ok(0) | Err(_) => panic!(
                        "{target:?} {path}: no {holds:?} in {}",
                        String::from_utf8_lossy(&answer)
                    ),
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                }
            }
        }
    }
    // The refused form posts (and the tokenless one with the password) stopped nothing.
    assert_secret_program_running(unix.unix_path(), &good);
    drop(daemon);
}

/// A server without `username=` is open, as in 4.3: the socket's mode is then the
/// only access control, and the daemon says so at CRIT.
#[test]
fn server_without_username_is_open_as_4_3() {
    let dir = tempdir();
    let (daemon, sock) = open_daemon(dir.path(), "");
    let log = daemon.wait_log("running without any HTTP authentication checking");
    assert!(
        log.contains(
            "CRIT Server 'unix_http_server' running without any HTTP authentication checking"
        ),
        "{log}"
    );
    let mut c = client::unix(&sock);
    assert_get_pid(&mut c, &daemon);
    // Any credentials are ignored rather than refused.
    c.send(&client::rpc_request(
        "supervisor.getPID",
        &[],
        &basic("who:ever"),
    ));
    assert_eq!(c.response().status, 200);
}

/// A web page can make a browser POST an XML-RPC body (a `text/plain` form or
/// no-cors fetch needs no preflight and carries the browser's Basic credentials):
/// a `/RPC2` POST whose `Origin` (or `Referer`) names another site is refused with
/// 403 and runs nothing (4.3 runs it). XML-RPC clients send neither header; a
/// same-site one passes.
#[test]
fn xml_rpc_posts_from_another_site_are_refused() {
    let dir = tempdir();
    let (daemon, unix, tcp) = daemon_with_auth(dir.path());
    let good = basic(&format!("{USER}:{PASSWORD}"));
    let stop = |target: &Target, headers: &str| {
        let mut raw = Raw::open(target);
        raw.send(&client::rpc_request(
            "supervisor.stopProcess",
            &[&s(SECRET_PROGRAM)],
            &format!("{good}{headers}Connection: close\r\n"),
        ));
        raw.read_to_close()
    };
    let Target::Tcp(port) = &tcp else {
        unreachable!("the second target is the inet server")
    };
    for target in [&unix, &tcp] {
        for headers in [
            "Origin: http://evil.example\r\n".to_owned(),
            "Origin: null\r\n".to_owned(),
            "Referer: http://evil.example/page.html\r\n".to_owned(),
            format!("Origin: http://127.0.0.1:{}\r\n", port + 1),
            // A form post's body type, which needs no CORS preflight.
            "Content-Type: text/plain\r\nOrigin: https://evil.example\r\n".to_owned(),
        ] {
            let answer = stop(target, &headers);
            let text = String::from_utf8_lossy(&answer);
            assert_eq!(status_of(&answer), 403, "{target:?} {headers:?}: {text}");
            assert!(!text.contains("methodResponse"), "{text}");
        }
    }
    daemon.wait_log("XML-RPC request refused for");
    assert_secret_program_running(unix.unix_path(), &good);
    // The same site (the Host the browser was pointed at; the client sends
    // `Host: localhost`) is let through.
    let answer = stop(&tcp, "Origin: http://localhost\r\n");
    assert!(answer_200(&answer).contains("<boolean>1</boolean>"));
}
