//! supervisorctl: everything is in the `ctl` crate; this only passes argv and exits.
fn main() {
    let mut args = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let argv0 = args.next().unwrap_or_else(|| "supervisorctl".to_string());
    let args: Vec<String> = args.collect();
    std::process::exit(ctl::main(&argv0, &args));
}
