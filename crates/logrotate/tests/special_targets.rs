//! Targets that are not regular files are never measured, rotated or deleted.

use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;

use logrotate::Written;

use crate::util::{backup, log_in_tempdir, open};

#[test]
fn dev_null_never_rotates() {
    let mut log = open(Path::new("/dev/null"), 1, 2);
    assert!(!log.is_seekable());
    for _ in 0..3 {
        assert_eq!(log.write(&[b'z'; 100]).expect("write"), Written::Kept);
    }
    // Counted, never measured.
    assert_eq!(log.size(), 300);
    assert!(!backup(Path::new("/dev/null"), 1).exists());
}

/// When supervisord's stdout is redirected to a file, `/dev/stdout` is a regular
/// file; it must still never be renamed. Only an empty write, to keep test output clean.
#[test]
fn dev_stdout_is_a_stream_even_when_redirected_to_a_file() {
    let mut log = open(Path::new("/dev/stdout"), 1, 2);
    assert!(!log.is_seekable());
    assert_eq!(log.write(b"").expect("write"), Written::Kept);
    assert!(Path::new("/dev/stdout").exists());
}

#[test]
fn fifo_gets_every_byte_and_never_rotates_or_is_removed() {
    let (dir, _) = log_in_tempdir();
    let fifo = dir.path().join("pipe.log");
    let status = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");

    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut received = Vec::new();
        let mut pipe = std::fs::File::open(reader_path).expect("open fifo for reading");
        pipe.read_to_end(&mut received).expect("drain fifo");
        received
    });

    let mut expected = Vec::new();
    {
        let mut log = open(&fifo, 10, 2);
        assert!(!log.is_seekable());
        for i in 0..20u8 {
            let chunk = [i; 7];
            assert_eq!(log.write(&chunk).expect("write"), Written::Kept);
            expected.extend_from_slice(&chunk);
        }
        // The new handle is opened before the old one closes, so the reader
        // never sees end-of-file in between.
        log.remove_and_reopen().expect("reopen fifo");
        log.write(b"after").expect("write");
        expected.extend_from_slice(b"after");
    }
    let received = reader.join().expect("reader thread");
    assert_eq!(received, expected);
    assert!(
        std::fs::metadata(&fifo)
            .expect("stat fifo")
            .file_type()
            .is_fifo()
    );
    assert!(!backup(&fifo, 1).exists());
}
