//! HTTP Basic authentication: 4.3's exact 401, plain and `{SHA}` passwords, and the
//! unauthenticated unix server beside an authenticated TCP one.

use crate::http_harness::{rpc_request, serve_with};

fn basic(user_pass: &str) -> String {
    format!(
        "Authorization: Basic {}\r\n",
        rpc::auth::base64_encode(user_pass.as_bytes())
    )
}

#[test]
fn missing_or_wrong_credentials_get_medusas_401_and_a_close() {
    let d = serve_with("username=u\npassword=p", true, "");
    for headers in [
        String::new(),
        basic("u:wrong"),
        basic("x:p"),
        "Authorization: Digest abc\r\n".to_owned(),
    ] {
        let mut c = d.tcp();
        c.send(&rpc_request("supervisor.getPID", &[], &headers));
        let r = c.response();
        assert_eq!(r.status, 401, "{headers}");
        assert_eq!(
            r.header("WWW-Authenticate").as_deref(),
            Some("Basic realm=\"default\"")
        );
        assert_eq!(r.header("Connection").as_deref(), Some("close"));
        assert!(
            r.text()
                .contains("<p>Error code 401.\r\n<p>Message: Unauthorized.\r\n")
        );
        assert!(c.closed(), "the connection closes after a 401");
    }
    let mut c = d.tcp();
    c.send(&rpc_request("supervisor.getPID", &[], &basic("u:p")));
    assert_eq!(c.response().status, 200);
    // The unix server has no credentials: open, and logged at CRIT.
    let mut c = d.unix();
    c.send(&rpc_request("supervisor.getPID", &[], ""));
    assert_eq!(c.response().status, 200);
    let log = d.main_log();
    assert!(
        log.contains(
            "CRIT Server 'unix_http_server' running without any HTTP authentication checking"
        ),
        "{log}"
    );
    assert!(
        !log.contains("Server 'inet_http_server' running without"),
        "{log}"
    );
}

#[test]
fn sha_passwords_and_malformed_tokens() {
    // sha1("test")
    let d = serve_with(
        "username=u\npassword={SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
        true,
        "",
    );
    let mut c = d.tcp();
    c.send(&rpc_request("supervisor.getPID", &[], &basic("u:test")));
    assert_eq!(c.response().status, 200);
    let mut c = d.tcp();
    c.send(&rpc_request(
        "supervisor.getPID",
        &[],
        &basic("u:{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
    ));
    assert_eq!(c.response().status, 401);
    let mut c = d.tcp();
    c.send(&rpc_request(
        "supervisor.getPID",
        &[],
        "Authorization: Basic !!!x\r\n",
    ));
    assert_eq!(c.response().status, 400);
    // The log endpoints are behind the same check.
    let mut c = d.tcp();
    c.send(b"GET /mainlogtail HTTP/1.1\r\n\r\n");
    assert_eq!(c.response().status, 401);
}
