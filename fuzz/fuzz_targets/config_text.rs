//! supervisord.conf text through the whole loader (INI dialect, %-expansion, datatypes,
//! sections) with a fixed test context. Nothing may panic; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // [include] reads files from disk (a glob over `/` would make runs slow and
    // machine-dependent): the parser of everything else is the target
    if text.contains("[include]") {
        return;
    }
    let ctx = config::LoadContext::for_tests("/nonexistent", config::StaticUsers::root_only());
    let _ = config::load_str(text, "/nonexistent/supervisord.conf", &ctx);
});
