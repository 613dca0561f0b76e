//! Errors carry the original's text and, separately, where the offending value is.

use super::common::{conf, ctx};
use config::load;

#[test]
fn program_value_error_names_file_line_section_option() {
    let (dir, path) = conf("[supervisord]\n\n[program:web]\ncommand=/bin/cat\nstartsecs=soon\n");
    let err = load(&path, &ctx(dir.path())).expect_err("invalid startsecs");
    let file = path.display().to_string();
    assert_eq!(
        err.message(),
        format!(
            "invalid literal for int() with base 10: 'soon' in section 'program:web' (file: '{file}')"
        )
    );
    assert_eq!(err.file(), Some(path.as_path()));
    assert_eq!(err.line(), Some(5));
    assert_eq!(err.section(), Some("program:web"));
    assert_eq!(err.option(), Some("startsecs"));
    assert_eq!(
        err.to_string(),
        format!("{file}:5: [program:web] startsecs: {}", err.message())
    );
}

#[test]
fn parsing_error_lists_every_bad_line_and_points_at_the_first() {
    let (dir, path) = conf("[supervisord]\ngarbage\n[program:x]\ncommand=x\nmore garbage\n");
    let err = load(&path, &ctx(dir.path())).expect_err("bare words");
    let file = path.display().to_string();
    assert_eq!(
        err.message(),
        format!(
            "Source contains parsing errors: '{file}'\n\t[line  2]: 'garbage\\n'\n\t[line  5]: 'more garbage\\n'"
        )
    );
    assert_eq!(err.line(), Some(2));
}

#[test]
fn missing_section_header_is_reported_at_its_line() {
    let (dir, path) = conf("; comment\n\ncommand=x\n");
    let err = load(&path, &ctx(dir.path())).expect_err("no header");
    assert_eq!(
        err.message(),
        format!(
            "File contains no section headers.\nfile: '{}', line: 3\n'command=x\\n'",
            path.display()
        )
    );
    assert_eq!(err.line(), Some(3));
}

#[test]
fn unknown_expansion_name_lists_the_available_names() {
    let (dir, path) = conf("[supervisord]\nidentifier=%(nope)s\n");
    let err = load(&path, &ctx(dir.path())).expect_err("unknown name");
    assert_eq!(
        err.message(),
        format!(
            "Format string '%(nope)s' for 'supervisord.identifier' contains names ('nope') which cannot be \
             expanded. Available names: ENV_HOME, ENV_PATH, here"
        )
    );
    assert_eq!(
        (err.section(), err.option(), err.line()),
        (Some("supervisord"), Some("identifier"), Some(2))
    );
}

#[test]
fn error_in_an_included_file_names_that_file() {
    let (dir, path) = conf("[supervisord]\n[include]\nfiles=conf.d/*.conf\n");
    std::fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
    let included = dir.path().join("conf.d").join("web.conf");
    std::fs::write(&included, "[program:web]\ncommand=x\n\nautostart=maybe\n").expect("write");
    let err = load(&path, &ctx(dir.path())).expect_err("bad boolean");
    assert_eq!(
        err.message(),
        format!(
            "not a valid boolean value: 'maybe' in section 'program:web' (file: '{}')",
            included.display()
        )
    );
    assert_eq!(err.file(), Some(included.as_path()));
    assert_eq!(err.line(), Some(4));
}

#[test]
fn missing_file_and_missing_supervisord_section() {
    let (dir, path) = conf("[program:x]\ncommand=x\n");
    let c = ctx(dir.path());
    assert_eq!(
        load(&path, &c).expect_err("no section").message(),
        ".ini file does not include supervisord section"
    );
    let missing = dir.path().join("nope.conf");
    assert_eq!(
        load(&missing, &c).expect_err("no file").message(),
        format!("could not find config file {}", missing.display())
    );
}

#[test]
fn errors_without_a_value_point_at_the_section_header() {
    let (dir, path) = conf("[supervisord]\n\n[program:web]\nstdout_logfile=NONE\n");
    let err = load(&path, &ctx(dir.path())).expect_err("no command");
    assert_eq!(
        err.message(),
        format!(
            "program section program:web does not specify a command in section 'program:web' (file: '{}')",
            path.display()
        )
    );
    assert_eq!(
        (err.line(), err.section(), err.option()),
        (Some(3), Some("program:web"), None)
    );
    let (dir, path) = conf("[supervisord]\n[program:a]\ncommand=a\nenvironment=A=1 B=2\n");
    let err = load(&path, &ctx(dir.path())).expect_err("bad environment");
    assert_eq!((err.line(), err.option()), (Some(4), Some("environment")));
}
