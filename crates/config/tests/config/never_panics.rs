//! No input makes the loader panic: random bytes, random INI-ish lines, random values.

use super::common::ctx;
use config::load_str;
use proptest::prelude::*;

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[supervisord]".to_string()),
        Just("[program:a]".to_string()),
        Just("[program:b]".to_string()),
        Just("[group:g]".to_string()),
        Just("[eventlistener:e]".to_string()),
        Just("[fcgi-program:f]".to_string()),
        Just("[include]".to_string()),
        Just("[unix_http_server]".to_string()),
        Just("[inet_http_server]".to_string()),
        Just("[supervisorctl]".to_string()),
        Just("[rpcinterface:x]".to_string()),
        Just("[DEFAULT]".to_string()),
        Just("command=/bin/cat %(process_num)s".to_string()),
        Just("numprocs=3".to_string()),
        Just("process_name=%(program_name)s_%(process_num)02d".to_string()),
        Just("programs=a,b,f".to_string()),
        Just("events=TICK_5".to_string()),
        Just("socket=unix:///tmp/x.sock".to_string()),
        Just("socket=tcp://h:1".to_string()),
        Just("files=*.conf".to_string()),
        Just("port=9001".to_string()),
        Just("file=%(here)s/s.sock".to_string()),
        Just("environment=A=\"1\",B=2".to_string()),
        "[a-z_]{1,12}[=:][ -~]{0,20}",
        "[ -~]{0,30}",
        "\\PC{0,20}",
        "[ \t]+[ -~]{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("supervisord.conf");
        std::fs::write(&path, &bytes).expect("write");
        let c = ctx(dir.path());
        let _ = config::load(&path, &c);
        let _ = config::load_ctl(&path, &c);
    }

    #[test]
    fn random_lines_never_panic(lines in proptest::collection::vec(fragment(), 0..25)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = lines.join("\n");
        let path = dir.path().join("supervisord.conf").display().to_string();
        let _ = load_str(&text, &path, &ctx(dir.path()));
    }

    #[test]
    fn random_values_never_panic(key in "(command|numprocs|stopsignal|exitcodes|environment|umask|user|stdout_logfile|priority|process_name|autorestart|socket|directory)", value in "\\PC{0,24}") {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = format!("[supervisord]\n[program:a]\ncommand=a\n{key}={value}\n[fcgi-program:f]\ncommand=x\n{key}={value}\nsocket=tcp://h:1\n");
        let path = dir.path().join("supervisord.conf").display().to_string();
        let _ = load_str(&text, &path, &ctx(dir.path()));
    }
}
