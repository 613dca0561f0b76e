//! Warnings and infos the original queues for the main log are returned, in its log order.

use super::common::{conf, ctx};
use config::{MessageLevel, load};

#[test]
fn warnings_then_infos_with_the_original_texts() {
    let (dir, path) = conf("[supervisord]\n[include]\nfiles=conf.d/*.conf missing/*.conf\n");
    std::fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
    std::fs::write(
        dir.path().join("conf.d/a.conf"),
        "[program:a]\ncommand=a\nredirect_stderr=true\nstderr_logfile=/tmp/err.log\nstdout_logfile=syslog\n",
    )
    .expect("write");
    let loaded = load(&path, &ctx(dir.path())).expect("loads");
    let texts: Vec<(MessageLevel, String)> = loaded
        .messages
        .iter()
        .map(|m| (m.level, m.text.clone()))
        .collect();
    let d = dir.path().display();
    assert_eq!(
        texts,
        vec![
            // queue order: the include pass runs before the programs are built
            (MessageLevel::Warn, format!("No file matches via include \"{d}/missing/*.conf\"")),
            (
                MessageLevel::Warn,
                "For [program:a], stdout_logfile=syslog but this is deprecated and will be removed.  Use \
                 stdout_syslog=true to enable syslog instead."
                    .to_string()
            ),
            (
                MessageLevel::Warn,
                "For [program:a], redirect_stderr=true but stderr_logfile has also been set to a filename, the \
                 filename has been ignored"
                    .to_string()
            ),
            (MessageLevel::Info, format!("Included extra file \"{d}/conf.d/a.conf\" during parsing")),
        ]
    );
    let process = &loaded.config.groups[0].processes[0];
    assert!(process.stdout.syslog);
    assert_eq!(process.stderr.logfile, config::LogFile::None);
}
