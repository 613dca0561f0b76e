//! The whole of `supervisorctl`'s `main()`: command line, config file, one command or the
//! shell, exit status.

use crate::controller::{Controller, LineSource, Session};
use crate::shell::{self, PlainInput};
use config::{Invocation, LoadContext};
use std::io::Write;

/// Run supervisorctl with `args` (without the program name) as `argv0`; returns the exit
/// status. Ctrl-C during a one-shot command ends the process by the signal, as 4.3's
/// unhandled `KeyboardInterrupt` does.
pub fn main(argv0: &str, args: &[String]) -> i32 {
    let usage = |message: &str| {
        let mut err = std::io::stderr();
        let _ = write!(err, "Error: {message}\nFor help, use {argv0} -h\n");
        2
    };
    let parsed = match config::parse_ctl_args(args) {
        Ok(Invocation::Run(parsed)) => parsed,
        Ok(Invocation::Help | Invocation::Version) => {
            let mut out = std::io::stdout();
            let _ = out.write_all(config::supervisorctl_help(argv0).as_bytes());
            let _ = out.flush();
            return 0;
        }
        Err(e) => return usage(e.message()),
    };
    let options = match parsed.options(argv0, &LoadContext::from_system()) {
        Ok(o) => o,
        Err(e) => return usage(e.message()),
    };
    let command = parsed.command_line();
    let session = Session {
        serverurl: options.serverurl,
        username: options.username,
        password: options.password,
        prompt: options.prompt,
        history_file: options.history_file,
        interactive: parsed.interactive || command.is_none(),
    };
    crate::interrupt::install();
    let input: Box<dyn LineSource> = Box::new(PlainInput::default());
    let mut ctl = Controller::new(session, Box::new(std::io::stdout()), input);
    match command {
        Some(line) => match ctl.onecmd(&line) {
            Ok(_) => ctl.exitstatus,
            Err(_) => crate::interrupt::die_of_sigint(),
        },
        None => {
            ctl.input = shell::input_for(ctl.session.history_file.clone(), ctl.completion.clone());
            let status = shell::run(&mut ctl);
            drop(ctl); // writes the history file
            status
        }
    }
}
