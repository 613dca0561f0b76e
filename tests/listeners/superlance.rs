//! superlance's listeners, unmodified, under our daemon; each test checks the effect
//! really happened (a mail written, a process restarted).

use super::support::{free_port, http_sections, python, venv_bin};
use crate::util::{Running, config_text, read, tempdir, wait_for, wait_for_text, write};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A sendmail stand-in that stores the message it is given in `dir/mail.txt`.
fn fake_sendmail(dir: &Path) -> String {
    let path = write(
        dir,
        "sendmail.sh",
        &format!(
            "#!/bin/sh\ncat > {d}/mail.tmp && mv {d}/mail.tmp {d}/mail.txt\n",
            d = dir.display()
        ),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path.display().to_string()
}

/// How many times `name` was spawned according to the main log.
fn spawns(log: &Path, name: &str) -> usize {
    read(log).matches(&format!("spawned: '{name}'")).count()
}

#[test]
fn crashmail_mails_about_the_crashed_program() {
    let Some(_) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let sendmail = fake_sendmail(d);
    let crashmail = venv_bin("crashmail");
    // crashmail refuses to run without SUPERVISOR_SERVER_URL: an HTTP server is needed.
    let port = free_port();
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:crashmail]\ncommand={} -a -m ops@example.com -s {sendmail}\n\
                 events=PROCESS_STATE_EXITED\n\
                 [program:crashy]\ncommand=sh -c 'sleep 1; exit 3'\nstartsecs=0\n\
                 autorestart=false\n",
                http_sections(port),
                crashmail.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let _daemon = Running::start(d, &conf, &log, &[]);
    let mail = wait_for_text(&d.join("mail.txt"), "crashy");
    assert!(mail.contains("To: ops@example.com"), "{mail}");
    assert!(
        mail.contains("Process crashy in group crashy exited unexpectedly"),
        "{mail}"
    );
}

#[test]
fn memmon_restarts_a_program_over_its_memory_limit() {
    let Some(py) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let memmon = venv_bin("memmon");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:memmon]\ncommand={} -p hog=40MB\nevents=TICK_5\n\
                 [program:hog]\ncommand={} -c \"b = b'x' * (80 << 20); import time; time.sleep(1000)\"\n\
                 startsecs=0\n",
                http_sections(port),
                memmon.display(),
                py.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    daemon.wait_log("success: hog entered RUNNING");
    // memmon checks on each TICK_5 and restarts hog through XML-RPC.
    wait_for("hog restarted by memmon", || spawns(&log, "hog") >= 2);
    let text = read(&log);
    assert!(
        text.contains("stopped: hog (terminated by SIGTERM)"),
        "{text}"
    );
}

#[test]
fn httpok_restarts_a_program_whose_http_check_fails() {
    let Some(_) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let dead_port = free_port();
    let httpok = venv_bin("httpok");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:httpok]\ncommand={} -p web -t 2 http://127.0.0.1:{dead_port}/\n\
                 events=TICK_5\n[program:web]\ncommand=sleep 1000\nstartsecs=0\n",
                http_sections(port),
                httpok.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    daemon.wait_log("success: web entered RUNNING");
    wait_for("web restarted by httpok", || spawns(&log, "web") >= 2);
    assert!(read(&log).contains("stopped: web (terminated by SIGTERM)"));
}

/// A one-message SMTP server on 127.0.0.1; the message data arrives on the channel.
fn smtp_server() -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut out = stream.try_clone().expect("clone");
        let mut input = BufReader::new(stream);
        let _ = out.write_all(b"220 localhost test SMTP\r\n");
        let mut data = String::new();
        let mut in_data = false;
        let mut line = String::new();
        while input.read_line(&mut line).unwrap_or(0) > 0 {
            let reply: &[u8] = if in_data {
                if line == ".\r\n" {
                    in_data = false;
                    let _ = tx.send(std::mem::take(&mut data));
                    b"250 OK\r\n"
                } else {
                    data.push_str(&line);
                    b""
                }
            } else {
                let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                match verb.as_str() {
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => b"221 bye\r\n",
                    _ => b"250 OK\r\n",
                }
            };
            let _ = out.write_all(reply);
            line.clear();
        }
    });
    (port, rx)
}

#[test]
fn fatalmailbatch_mails_the_fatal_program() {
    let Some(_) = python() else { return };
    let dir = tempdir();
    let d = dir.path();
    let port = free_port();
    let (smtp, mails) = smtp_server();
    let fatal = venv_bin("fatalmailbatch");
    let conf = write(
        d,
        "supervisord.conf",
        &config_text(
            d,
            &format!(
                "{}[eventlistener:fatalmail]\ncommand={} -t ops@example.com -f sup@example.com \
                 -H 127.0.0.1:{smtp} -e TICK_5 -i 0.05\nevents=PROCESS_STATE,TICK_5\n\
                 [program:doomed]\ncommand=sh -c 'exit 1'\nstartretries=1\n",
                http_sections(port),
                fatal.display()
            ),
        ),
    );
    let log = d.join("supervisord.log");
    let daemon = Running::start(d, &conf, &log, &[]);
    daemon.wait_log("gave up: doomed entered FATAL state");
    let mail = mails
        .recv_timeout(crate::util::DEADLINE)
        .unwrap_or_else(|_| panic!("no mail; log:\n{}", read(&log)));
    assert!(
        mail.contains("Process doomed:doomed failed to start too many times"),
        "{mail}"
    );
    assert!(mail.contains("To: ops@example.com"), "{mail}");
}
