//! Child logs in splice mode (`loglevel=info`, nothing but the file wants the bytes):
//! the output goes pipe → file with `splice(2)`, streaming children are read once per
//! millisecond. Every byte, in order, across rotations.

use supervisor_core::ProcessStateCode;

use crate::daemon_harness::{load, start_config};

/// Start `programs` with the main log at info (the harness default is debug, which
/// keeps every chunk on the read path for its main-log copy).
fn start_info(programs: &str) -> crate::daemon_harness::Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().display().to_string();
    let text = format!(
        "[supervisord]\nlogfile={d}/main.log\nchildlogdir={d}\nloglevel=info\n{}",
        programs.replace("{dir}", &d)
    );
    let config = load(dir.path(), &text);
    start_config(dir, config)
}

/// The log and its backups, oldest first, concatenated; and how many files.
fn read_rotated(dir: &std::path::Path, name: &str) -> (Vec<u8>, usize) {
    let mut backups: Vec<(u32, std::path::PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let entry = entry.expect("entry");
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(n) = file.strip_prefix(&format!("{name}."))
            && let Ok(n) = n.parse()
        {
            backups.push((n, entry.path()));
        }
    }
    backups.sort_by_key(|b| std::cmp::Reverse(b.0));
    let mut all = Vec::new();
    for (_, path) in &backups {
        all.extend(std::fs::read(path).expect("read backup"));
    }
    all.extend(std::fs::read(dir.join(name)).unwrap_or_default());
    (all, backups.len() + 1)
}

#[test]
fn spliced_output_rotates_and_keeps_every_byte() {
    let d = start_info(
        "[program:yes]\ncommand=/bin/sh -c 'yes | head -c 3000000'\nstartsecs=0\nautorestart=false\n\
         stdout_logfile={dir}/yes.log\nstdout_logfile_maxbytes=100KB\nstdout_logfile_backups=100\n",
    );
    d.wait_state("yes", ProcessStateCode::Exited);
    let (all, files) = read_rotated(d.dir.path(), "yes.log");
    assert_eq!(all.len(), 3_000_000);
    assert!(all.chunks(2).all(|c| c == b"y\n"));
    assert!(files >= 10, "only {files} files");
    // Rotation after the chunk that reached maxbytes: no file but the live one is
    // smaller than maxbytes, none larger than maxbytes + one 128 KiB chunk.
    for n in 1..files {
        let len = std::fs::metadata(d.dir.path().join(format!("yes.log.{n}")))
            .expect("backup")
            .len();
        assert!(
            (100 * 1024..=100 * 1024 + (128 << 10)).contains(&len),
            "yes.log.{n}: {len}"
        );
    }
}

#[test]
fn line_per_write_output_stays_in_order() {
    // The shell's echo writes one line per write(2): the coalescing path.
    let d = start_info(
        "[program:lines]\ncommand=/bin/sh -c 'i=0; while [ $i -lt 20000 ]; do echo $i; i=$((i+1)); done; echo done >&2'\n\
         startsecs=0\nautorestart=false\n\
         stdout_logfile={dir}/lines.log\nstdout_logfile_maxbytes=20KB\nstdout_logfile_backups=200\n\
         stderr_logfile={dir}/err.log\n",
    );
    d.wait_state("lines", ProcessStateCode::Exited);
    let (all, _) = read_rotated(d.dir.path(), "lines.log");
    let expected: String = (0..20000).map(|i| format!("{i}\n")).collect();
    assert_eq!(String::from_utf8_lossy(&all), expected);
    assert_eq!(
        std::fs::read(d.dir.path().join("err.log")).expect("err"),
        b"done\n"
    );
}
