//! supervisorctl against a fake server on a unix socket: the up-check's refusals, faults no
//! command expects, answers that are not XML-RPC or not HTTP. Expected texts are Python
//! supervisorctl 4.3.0's against the same answers (file paths shortened as ours print them).
//! And no input, from the user or the server, makes it panic.

use ctl::{Controller, LineSource, ReadLine, Session};
use proptest::prelude::*;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::rc::Rc;
use std::sync::Arc;

/// Serve `answer(request)` to every connection until the listener is dropped with the dir.
fn serve(answer: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || {
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                while !String::from_utf8_lossy(&req).contains("</methodCall>") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = conn.write_all(&answer(&String::from_utf8_lossy(&req)));
            });
        }
    });
    let url = format!("unix://{}", path.display());
    (dir, url)
}

fn http(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: text/xml\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn value(v: &str) -> Vec<u8> {
    http(
        "200 OK",
        &format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>{v}</value>\n</param>\n</params>\n</methodResponse>\n"
        ),
    )
}

fn fault(code: i32, msg: &str) -> Vec<u8> {
    http(
        "200 OK",
        &format!(
            "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>{code}</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>{msg}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
        ),
    )
}

#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);
impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct NoInput;
impl LineSource for NoInput {
    fn read_line(&mut self, _: &str) -> ReadLine {
        ReadLine::Eof
    }
    fn read_password(&mut self, _: &str) -> ReadLine {
        ReadLine::Eof
    }
}

/// One-shot `line` against `url`: (stdout, exit status).
fn run(url: &str, line: &str) -> (String, i32) {
    let sink = Sink::default();
    let session = Session {
        serverurl: url.to_string(),
        username: None,
        password: None,
        prompt: "supervisor".into(),
        history_file: None,
        interactive: false,
    };
    let mut ctl = Controller::new(session, Box::new(sink.clone()), Box::new(NoInput));
    let _ = ctl.onecmd(line);
    let out = String::from_utf8_lossy(&sink.0.borrow()).into_owned();
    (out, ctl.exitstatus)
}

const NOT_SUPERVISOR: &str = "Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).\n";

#[test]
fn upcheck_refusals() {
    let (_d, url) = serve(|_| value("<string>2.0</string>"));
    let sorry = "Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is 2.0.\n";
    assert_eq!(run(&url, "version"), (sorry.to_string(), 5));
    assert_eq!(run(&url, "status"), (sorry.to_string(), 4));
    assert_eq!(run(&url, "stop x"), (sorry.to_string(), 5));
    assert_eq!(
        run(&url, "avail"),
        ("error: <class 'TypeError'>, string indices must be integers, not 'str': file: supervisor/supervisorctl.py line: 0\n".to_string(), 1)
    );

    let (_d, url) = serve(|_| fault(1, "UNKNOWN_METHOD"));
    assert_eq!(run(&url, "version"), (NOT_SUPERVISOR.to_string(), 3));
    assert_eq!(run(&url, "status"), (NOT_SUPERVISOR.to_string(), 4));
    assert_eq!(run(&url, "tail x"), (NOT_SUPERVISOR.to_string(), 3));
    assert_eq!(
        run(&url, "avail"),
        ("error: <class 'xmlrpc.client.Fault'>, <Fault 1: 'UNKNOWN_METHOD'>: file: xmlrpc/client.py line: 668\n".to_string(), 1)
    );
}

#[test]
fn answers_that_are_not_xml_rpc() {
    let (_d, url) = serve(|_| http("200 OK", "this is not xml"));
    assert_eq!(
        run(&url, "status"),
        ("error: <class 'xml.parsers.expat.ExpatError'>, syntax error: line 1, column 0: file: xmlrpc/client.py line: 451\n".to_string(), 1)
    );
    let (_d, url) = serve(|_| http("500 Internal Server Error", "oops"));
    assert_eq!(
        run(&url, "stop x"),
        ("error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 500 Internal Server Error>: file: supervisor/xmlrpc.py line: 539\n".to_string(), 1)
    );
    let (_d, url) = serve(|_| Vec::new());
    assert_eq!(
        run(&url, "avail"),
        ("error: <class 'http.client.RemoteDisconnected'>, Remote end closed connection without response: file: http/client.py line: 294\n".to_string(), 1)
    );
}

#[test]
fn faults_no_command_expects() {
    let (_d, url) = serve(|req| {
        if req.contains("getVersion") {
            value("<string>3.0</string>")
        } else {
            fault(30, "FAILED: boom")
        }
    });
    let generic = "error: <class 'xmlrpc.client.Fault'>, <Fault 30: 'FAILED: boom'>: file: xmlrpc/client.py line: 668\n";
    for line in [
        "status", "pid x", "avail", "update", "reread", "remove x", "add x",
    ] {
        assert_eq!(run(&url, line), (generic.to_string(), 1), "{line}");
    }
    let cases = [
        ("fg x", "ERROR: <Fault 30: 'FAILED: boom'>\n", 0),
        ("stop x", "FAILED: boom\n", 1),
        (
            "start x",
            "error: <class 'ValueError'>, Unknown result code 30 for x: file: supervisor/supervisorctl.py line: 761\n",
            1,
        ),
        ("tail x", "x: ERROR (unknown error reading log)\n", 1),
        ("clear x", "x: ERROR (failed)\n", 1),
        ("signal HUP x", "FAILED: boom\n", 1),
        (
            "maintail",
            "supervisord: ERROR (unknown error reading log)\n",
            1,
        ),
    ];
    for (line, out, code) in cases {
        assert_eq!(run(&url, line), (out.to_string(), code), "{line}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any bytes as the server's answer, any command: an output line or none, never a panic.
    #[test]
    fn garbage_answers_never_panic(answer in proptest::collection::vec(any::<u8>(), 0..300),
                                   cmd in prop::sample::select(vec![
                                       "status", "start x", "stop all", "signal HUP g:*", "tail -5 x",
                                       "maintail", "pid all", "avail", "reread", "update", "clear all",
                                       "version", "fg x", "restart x y"])) {
        let canned = answer.clone();
        let (_d, url) = serve(move |_| canned.clone());
        let (_, code) = run(&url, cmd);
        prop_assert!((0..=7).contains(&code));
    }

    /// Any typed line against a dead server: never a panic.
    #[test]
    fn any_line_never_panics(line in "\\PC{0,40}") {
        let (_, code) = run("unix:///nonexistent/dir/s.sock", &line);
        prop_assert!((0..=7).contains(&code));
    }

    /// Plausible XML-RPC values of the wrong shape: never a panic.
    #[test]
    fn wrong_shapes_never_panic(v in prop::sample::select(vec![
            "<int>3</int>", "<array><data></data></array>",
            "<array><data><value><int>1</int></value></data></array>",
            "<struct></struct>", "<boolean>1</boolean>", "<double>3.0</double>",
            "<struct><member><name>name</name><value>x</value></member></struct>",
            "<array><data><value><struct><member><name>status</name><value><string>80</string></value></member></struct></value></data></array>",
            "<array><data><value><array><data><value><array><data></data></array></value></data></array></value></data></array>"]),
            cmd in prop::sample::select(vec![
                "status", "start g:*", "stop all", "signal HUP all", "tail x", "pid all",
                "avail", "reread", "update", "clear all", "fg x"])) {
        let body = v.to_string();
        let (_d, url) = serve(move |req| if req.contains("getVersion") {
            value("<string>3.0</string>")
        } else {
            value(&body)
        });
        let (_, code) = run(&url, cmd);
        prop_assert!((0..=7).contains(&code));
    }
}
