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
    if too_many_processes(text) {
        return;
    }
    let ctx = config::LoadContext::for_tests("/nonexistent", config::StaticUsers::root_only());
    let _ = config::load_str(text, "/nonexistent/supervisord.conf", &ctx);
});

/// Whether a `numprocs=` value (its line and continuation lines) holds a number above 64.
/// Every process of a section is built and %-expanded on its own, so numprocs multiplies
/// the work of an input: linear, as in 4.3 (which has no cap either), but the fuzzer found
/// numprocs=73200 (11 s in this instrumented build) and numprocs=8052 with `%a` of the whole
/// expansion dict in process_name (4 s), both timeouts (regressions/config_text/). They
/// say nothing about the parser: bounded here.
fn too_many_processes(text: &str) -> bool {
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(sep) = line.find(['=', ':']) else {
            continue;
        };
        if !line[..sep].trim().eq_ignore_ascii_case("numprocs") {
            continue;
        }
        let mut value = line[sep + 1..].to_string();
        while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
            value.push_str(next);
            lines.next();
        }
        let big = value.split(|c: char| !c.is_ascii_digit()).any(|digits| {
            digits.trim_start_matches('0').len() > 2 || digits.parse::<u32>().is_ok_and(|n| n > 64)
        });
        if big {
            return true;
        }
    }
    false
}
