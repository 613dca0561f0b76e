//! Help texts, copied from 4.3's `help_<topic>` methods (tabs and trailing spaces included).

/// The command names 4.3's default plugin provides, in `dir()` order (the readline
/// vocabulary; `help` is listed once more by the plugin, as in 4.3).
pub const COMMANDS: &[&str] = &[
    "add", "avail", "clear", "exit", "fg", "help", "maintail", "open", "pid", "quit", "reload",
    "remove", "reread", "restart", "shutdown", "signal", "start", "status", "stop", "tail",
    "update", "version",
];

/// `help` without a topic: an empty line, then `cmd.Cmd.print_topics` of the documented
/// commands (80 columns) and an empty line.
pub const TOPICS: &str = "
default commands (type help <topic>):
=====================================
add    exit      open  reload  restart   start   tail   
avail  fg        pid   remove  shutdown  status  update 
clear  maintail  quit  reread  signal    stop    version

";

/// `help help` (the controller's own `help_help`).
pub const HELP_HELP: &str =
    "help\t\tPrint a list of available actions\nhelp <action>\tPrint help for <action>\n";

/// The help text of `topic`, if the default plugin has one (each line ends with `\n`).
pub fn topic(topic: &str) -> Option<&'static str> {
    Some(match topic {
        "tail" => {
            "tail [-f] <name> [stdout|stderr] (default stdout)\nEx:\ntail -f <name>\t\tContinuous tail of named process stdout\n\t\t\tCtrl-C to exit.\ntail -100 <name>\tlast 100 *bytes* of process stdout\ntail <name> stderr\tlast 1600 *bytes* of process stderr\n"
        }
        "maintail" => {
            "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\nmaintail -100\tlast 100 *bytes* of supervisord main log file\nmaintail\tlast 1600 *bytes* of supervisor main log file\n\n"
        }
        "quit" => "quit\tExit the supervisor shell.\n",
        "exit" => "exit\tExit the supervisor shell.\n",
        "status" => {
            "status <name>\t\tGet status for a single process\nstatus <gname>:*\tGet status for all processes in a group\nstatus <name> <name>\tGet status for multiple named processes\nstatus\t\t\tGet all process status info\n"
        }
        "pid" => {
            "pid\t\t\tGet the PID of supervisord.\npid <name>\t\tGet the PID of a single child process by name.\npid all\t\t\tGet the PID of every child process, one per line.\n"
        }
        "start" => {
            "start <name>\t\tStart a process\nstart <gname>:*\t\tStart all processes in a group\nstart <name> <name>\tStart multiple processes or groups\nstart all\t\tStart all processes\n"
        }
        "stop" => {
            "stop <name>\t\tStop a process\nstop <gname>:*\t\tStop all processes in a group\nstop <name> <name>\tStop multiple processes or groups\nstop all\t\tStop all processes\n"
        }
        "signal" => {
            "signal <signal name> <name>\t\tSignal a process\nsignal <signal name> <gname>:*\t\tSignal all processes in a group\nsignal <signal name> <name> <name>\tSignal multiple processes or groups\nsignal <signal name> all\t\tSignal all processes\n"
        }
        "restart" => {
            "restart <name>\t\tRestart a process\nrestart <gname>:*\tRestart all processes in a group\nrestart <name> <name>\tRestart multiple processes or groups\nrestart all\t\tRestart all processes\nNote: restart does not reread config files. For that, see reread and update.\n"
        }
        "shutdown" => "shutdown \tShut the remote supervisord down.\n",
        "reload" => "reload \t\tRestart the remote supervisord.\n",
        "avail" => "avail\t\t\tDisplay all configured processes\n",
        "reread" => "reread \t\t\tReload the daemon's configuration files without add/remove\n",
        "add" => "add <name> [...]\tActivates any updates in config for process/group\n",
        "remove" => "remove <name> [...]\tRemoves process/group from active config\n",
        "update" => {
            "update\t\t\tReload config and add/remove as necessary, and will restart affected programs\nupdate all\t\tReload config and add/remove as necessary, and will restart affected programs\nupdate <gname> [...]\tUpdate specific groups\n"
        }
        "clear" => {
            "clear <name>\t\tClear a process' log files.\nclear <name> <name>\tClear multiple process' log files\nclear all\t\tClear all process' log files\n"
        }
        "open" => {
            "open <url>\tConnect to a remote supervisord process.\n\t\t(for UNIX domain socket, use unix:///socket/path)\n"
        }
        "version" => "version\t\t\tShow the version of the remote supervisord process\n",
        "fg" => "fg <process>\tConnect to a process in foreground mode\n\t\tCtrl-C to exit\n",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_but_help_has_a_topic() {
        for c in COMMANDS {
            assert_eq!(topic(c).is_some(), *c != "help", "{c}");
        }
        assert!(topic("EOF").is_none());
    }
}
