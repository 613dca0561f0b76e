//! Every configuration we can load survives `to_ron` / `from_ron` unchanged.

use super::common::ctx;
use config::{Config, load};
use std::path::Path;

#[test]
fn every_loadable_corpus_config_round_trips_through_ron() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut checked = 0;
    for dir in [tests.join("corpus"), tests.join("extra_corpus")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for case in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let path = case.join("supervisord.conf");
            if !path.is_file() {
                continue;
            }
            let Ok(loaded) = load(&path, &ctx(&case)) else {
                continue;
            };
            let text = loaded.config.to_ron().expect("serializes");
            let back = Config::from_ron(&text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", case.display()));
            assert_eq!(back, loaded.config, "{}", case.display());
            checked += 1;
        }
    }
    assert!(checked > 0, "no loadable config found");
}

#[test]
fn ron_is_readable_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text =
        "[supervisord]\n[inet_http_server]\nport=127.0.0.1:9001\n[program:cat]\ncommand=/bin/cat\n";
    let path = dir.path().join("supervisord.conf").display().to_string();
    let config = config::load_str(text, &path, &ctx(dir.path()))
        .expect("loads")
        .config;
    let ron = config.to_ron().expect("serializes");
    assert!(ron.contains("command: \"/bin/cat\""), "{ron}");
    assert!(ron.contains("Inet("), "{ron}");
    assert_eq!(
        config.server_url().as_deref(),
        Some("http://127.0.0.1:9001")
    );
}
