//! supervisord: being written (issue "The daemon"). Until then it only refuses to run.
fn main() {
    eprintln!("Error: supervisord is not built yet");
    std::process::exit(2);
}
