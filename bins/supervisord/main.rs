//! supervisord: run a set of programs as daemons (a drop-in for Python Supervisor 4.3's).
//! All the work is in [`rsupervisor::supervisord`].

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(rsupervisor::supervisord::main(std::env::args_os()))
}
