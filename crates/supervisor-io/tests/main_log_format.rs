//! The main log's line format: `YYYY-MM-DD HH:MM:SS,mmm LEVL message`, level filter.

use supervisor_core::LogLevel;
use supervisor_io::{MainLog, MainLogSettings, MainLogTarget};

#[test]
fn lines_are_timestamped_and_filtered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("supervisord.log");
    let mut log = MainLog::open(MainLogSettings {
        target: MainLogTarget::File(path.clone()),
        maxbytes: 0,
        backups: 0,
        level: LogLevel::Info,
        echo_stdout: false,
    })
    .expect("open");
    log.log(LogLevel::Debug, "hidden");
    log.log(LogLevel::Info, "spawned: 'a' with pid 1");
    log.log(LogLevel::Critical, "two\nlines");
    let text = std::fs::read_to_string(&path).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(!text.contains("hidden"));
    let first = lines[0];
    assert_eq!(&first[23..], " INFO spawned: 'a' with pid 1", "{first}");
    assert!(
        first.as_bytes()[..23]
            .iter()
            .enumerate()
            .all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                10 => *b == b' ',
                13 | 16 => *b == b':',
                19 => *b == b',',
                _ => b.is_ascii_digit(),
            })
    );
    assert_eq!(&lines[1][23..], " CRIT two");
    assert_eq!(lines[2], "lines");
}

#[test]
fn clear_removes_and_reopen_follows_a_move() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("main.log");
    let mut log = MainLog::open(MainLogSettings {
        target: MainLogTarget::File(path.clone()),
        maxbytes: 0,
        backups: 0,
        level: LogLevel::Info,
        echo_stdout: false,
    })
    .expect("open");
    log.log(LogLevel::Info, "one");
    let moved = dir.path().join("main.log.old");
    std::fs::rename(&path, &moved).expect("move");
    log.reopen().expect("reopen");
    log.log(LogLevel::Info, "two");
    assert!(
        std::fs::read_to_string(&moved)
            .expect("old")
            .contains("one")
    );
    assert!(std::fs::read_to_string(&path).expect("new").contains("two"));
    log.clear().expect("clear");
    assert_eq!(std::fs::read_to_string(&path).expect("cleared"), "");
}
