//! supervisorctl: being written (issue "supervisorctl in Rust"). Until then it only refuses to run.
fn main() {
    eprintln!("Error: supervisorctl is not built yet");
    std::process::exit(2);
}
