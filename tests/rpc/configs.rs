//! The configs both daemons run: one set of programs covering every state a method can meet,
//! with small shell scripts written next to the config (the scripts ignore HUP/USR1/USR2 so
//! signalling does not change states).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Credentials of the authenticated configs.
pub const USER: &str = "alice";
/// Plain password of the unix server; the inet server has its `{SHA}` form.
pub const PASSWORD: &str = "s3cret";
/// `{SHA}` + hex SHA-1 of [`PASSWORD`].
pub const PASSWORD_SHA: &str = "{SHA}fef341f85d87439e7d91a2d465b9871ef66b5e98";

fn script(dir: &Path, name: &str, text: &str, mode: u32) {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Write the program scripts into `dir`.
pub fn write_scripts(dir: &Path) {
    let d = dir.display();
    script(
        dir,
        "sleeper.sh",
        "#!/bin/sh\ntrap '' HUP USR1 USR2\nexec sleep 100000\n",
        0o755,
    );
    script(
        dir,
        "printer.sh",
        &format!("#!/bin/sh\nprintf before\nprintf err >&2\nexec {d}/sleeper.sh\n"),
        0o755,
    );
    script(
        dir,
        "binary.sh",
        &format!("#!/bin/sh\nprintf 'ok\\210bad'\nexec {d}/sleeper.sh\n"),
        0o755,
    );
    script(
        dir,
        "closer.sh",
        &format!("#!/bin/sh\nexec 0<&-\nexec {d}/sleeper.sh\n"),
        0o755,
    );
    script(
        dir,
        "stubborn.sh",
        "#!/bin/sh\ntrap '' TERM HUP USR1 USR2\nexec sleep 100000\n",
        0o755,
    );
    script(
        dir,
        "cat.sh",
        "#!/bin/sh\ntrap '' HUP USR1 USR2\nexec cat\n",
        0o755,
    );
    script(dir, "quick.sh", "#!/bin/sh\nsleep 1\nexit 1\n", 0o755);
    script(dir, "notexec.sh", "#!/bin/sh\nexit 0\n", 0o644);
}

/// The HTTP servers and `[supervisord]` part; `auth` adds credentials (plain on the unix
/// socket, `{SHA}` on the inet port).
pub fn servers(dir: &Path, port: u16, auth: bool) -> String {
    let d = dir.display();
    let (unix_auth, inet_auth) = if auth {
        (
            format!("username={USER}\npassword={PASSWORD}\n"),
            format!("username={USER}\npassword={PASSWORD_SHA}\n"),
        )
    } else {
        (String::new(), String::new())
    };
    format!(
        "[unix_http_server]\nfile={d}/supervisor.sock\nchmod=0740\n{unix_auth}\n\
         [inet_http_server]\nport=127.0.0.1:{port}\n{inet_auth}\n\
         [supervisord]\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\n\
         childlogdir={d}\nidentifier=rpcdiff\nloglevel=info\n\n\
         [rpcinterface:supervisor]\n\
         supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n\
         [supervisorctl]\nserverurl=unix://{d}/supervisor.sock\n{unix_auth}\n"
    )
}

/// The programs every differential scenario expects (names in `xmlrpc_diff.py`'s INITIAL).
pub const PROGRAMS: &str = "\
[program:cat]
command=%(here)s/cat.sh
startsecs=0
stdout_logfile=%(here)s/cat.out

[program:sleeper]
command=%(here)s/sleeper.sh sleeper
startsecs=0
priority=10

[program:printer]
command=%(here)s/printer.sh
startsecs=0
stdout_logfile=%(here)s/printer.out
stderr_logfile=%(here)s/printer.err

[program:binary]
command=%(here)s/binary.sh
startsecs=0
redirect_stderr=true
stdout_logfile=%(here)s/binary.out

[program:idle]
command=%(here)s/sleeper.sh idle
autostart=false
startsecs=0

[program:missing]
command=/nonexistent/command
autostart=false

[program:notexec]
command=%(here)s/notexec.sh
autostart=false

[program:quick]
command=%(here)s/quick.sh
autostart=false
startsecs=3
startretries=0

[program:multi]
command=%(here)s/sleeper.sh multi
process_name=%(program_name)s_%(process_num)d
numprocs=2
startsecs=0
priority=800

[group:grp]
programs=ga,gb
priority=500

[program:ga]
command=%(here)s/sleeper.sh ga
startsecs=0

[program:gb]
command=%(here)s/sleeper.sh gb
startsecs=0
autostart=false

[program:stubborn]
command=%(here)s/stubborn.sh
startsecs=0
stopwaitsecs=3

[program:closer]
command=%(here)s/closer.sh
startsecs=1
";

/// The full standard config.
pub fn standard(dir: &Path, port: u16) -> String {
    write_scripts(dir);
    format!("{}\n{PROGRAMS}", servers(dir, port, false))
}

/// The standard config with credentials on both servers.
pub fn with_auth(dir: &Path, port: u16) -> String {
    write_scripts(dir);
    format!("{}\n{PROGRAMS}", servers(dir, port, true))
}
