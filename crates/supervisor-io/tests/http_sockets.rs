//! The unix socket's life: created with its chmod, a stale file replaced, a live
//! server refused with 4.3's text, removed at exit.

use std::os::unix::fs::PermissionsExt;

use crate::http_harness::{build, config_text, free_port};

#[test]
fn stale_socket_is_replaced_and_a_live_one_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sock = dir.path().join("sock");
    // A stale socket: bound, then its listener closed.
    drop(std::os::unix::net::UnixListener::bind(&sock).expect("bind"));
    let file = dir.path().join("supervisord.conf");
    std::fs::write(&file, config_text(dir.path(), free_port(), "", true, "")).expect("conf");
    let (daemon, handle) = build(&file).expect("stale socket replaced");
    let mode = std::fs::metadata(&sock)
        .expect("socket")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
    // While it is served, a second daemon on the same path is refused.
    let thread = std::thread::spawn(move || daemon.run());
    let file2 = dir.path().join("second.conf");
    std::fs::write(&file2, config_text(dir.path(), free_port(), "", true, "")).expect("conf");
    match build(&file2) {
        Err(supervisor_io::DaemonError::Http(text)) => assert_eq!(
            text,
            "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord."
        ),
        other => panic!("expected the in-use error, got {:?}", other.map(|_| ())),
    }
    handle
        .request(supervisor_core::Request::Shutdown)
        .expect("alive")
        .expect("true");
    assert!(thread.join().is_ok());
    assert!(!sock.exists(), "removed at exit");
}

#[test]
fn a_taken_tcp_port_is_the_in_use_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let file = dir.path().join("supervisord.conf");
    std::fs::write(&file, config_text(dir.path(), port, "", true, "")).expect("conf");
    match build(&file) {
        Err(supervisor_io::DaemonError::Http(text)) => {
            assert!(text.starts_with("Another program is already listening"))
        }
        other => panic!("expected the in-use error, got {:?}", other.map(|_| ())),
    }
}
