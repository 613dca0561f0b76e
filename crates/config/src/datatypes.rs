//! supervisord 4.3's value parsers (`supervisor/datatypes.py`), each returning the
//! original's error text on failure (spec §1.4).
//!
//! Integers are Python `int`s: kept as `i64`, because 4.3 accepts negative values almost
//! everywhere (`startsecs=-1`, `-1MB`); values beyond `i64` are refused (Python would take
//! them) with `int too large: '<v>'`.

use crate::context::LoadContext;
use crate::paths;
use crate::pyfmt::repr_str;
use supervisor_core::{AutoRestart, LogLevel, Signal};

/// Python's `str.isspace` for one character.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// The code points of Unicode 14's decimal digit zeros (category Nd); each starts a run of ten.
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: any decimal digit becomes its
/// ASCII digit and any whitespace a space, before `int()` parses the text.
fn transform_decimal_and_space(s: &str) -> String {
    s.chars()
        .map(|c| {
            let n = c as u32;
            let zero = DECIMAL_ZEROS.iter().rev().find(|&&z| z <= n).copied();
            match zero {
                Some(z) if n - z < 10 => char::from(b'0' + (n - z) as u8),
                _ if is_py_space(c) => ' ',
                _ => c,
            }
        })
        .collect()
}

/// Python's `int(s)` for base 10 or 8 (spaces, sign, `_` between digits; `0o` with base 8;
/// any Unicode decimal digits).
fn parse_int_radix(s: &str, radix: u32) -> Result<i64, IntError> {
    let transformed = transform_decimal_and_space(s);
    let t = py_strip(&transformed);
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let body = if radix == 8 {
        body.strip_prefix("0o")
            .or_else(|| body.strip_prefix("0O"))
            .map_or(body, |b| {
                // `0o_7` is valid in Python: an underscore may follow the prefix
                b.strip_prefix('_').unwrap_or(b)
            })
    } else {
        body
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(IntError::Invalid);
    }
    let mut value: i64 = 0;
    for c in body.chars() {
        if c == '_' {
            continue;
        }
        let digit = c.to_digit(radix).ok_or(IntError::Invalid)?;
        value = value
            .checked_mul(i64::from(radix))
            .and_then(|v| v.checked_add(i64::from(digit)))
            .ok_or(IntError::TooLarge)?;
    }
    Ok(if negative { -value } else { value })
}

enum IntError {
    Invalid,
    TooLarge,
}

/// `integer(v)` / `int(v)`: `invalid literal for int() with base 10: '<v>'`.
pub fn integer(v: &str) -> Result<i64, String> {
    parse_int_radix(v, 10).map_err(|e| match e {
        IntError::Invalid => format!("invalid literal for int() with base 10: {}", repr_str(v)),
        IntError::TooLarge => format!("int too large: {}", repr_str(v)),
    })
}

/// `boolean(v)`: `yes/true/on/1`, `no/false/off/0`, case-insensitive.
pub fn boolean(v: &str) -> Result<bool, String> {
    match v.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(format!("not a valid boolean value: {}", repr_str(v))),
    }
}

/// `byte_size(v)`: optional `kb`/`mb`/`gb` suffix (case-insensitive), else plain bytes.
pub fn byte_size(v: &str) -> Result<i64, String> {
    let lower = v.to_lowercase();
    for (suffix, mult) in [("kb", 1i64 << 10), ("mb", 1 << 20), ("gb", 1 << 30)] {
        if let Some(num) = lower.strip_suffix(suffix) {
            return integer(num)?
                .checked_mul(mult)
                .ok_or_else(|| format!("int too large: {}", repr_str(v)));
        }
    }
    integer(&lower)
}

/// `octal_type(v)`: `int(v, 8)`; `<v> can not be converted to an octal type`.
pub fn octal(v: &str) -> Result<i64, String> {
    parse_int_radix(v, 8).map_err(|_| format!("{v} can not be converted to an octal type"))
}

/// Names `getattr(signal, name)` finds beyond the real signals (all start with `SIG`).
const EXTRA_SIGNAL_NAMES: &[(&str, i32)] = &[
    ("SIG_DFL", 0),
    ("SIG_IGN", 1),
    ("SIG_BLOCK", 0),
    ("SIG_UNBLOCK", 1),
    ("SIG_SETMASK", 2),
];

/// `signal_number(v)`: a number or a name with or without `SIG`, case-insensitive.
pub fn signal(v: &str) -> Result<Signal, String> {
    let num = match integer(v) {
        Ok(n) => n,
        Err(_) => {
            let upper = py_strip(v).to_uppercase();
            let name = if upper.starts_with("SIG") {
                upper
            } else {
                format!("SIG{upper}")
            };
            let found = Signal::from_name(&name).map(|s| s.0).or_else(|| {
                EXTRA_SIGNAL_NAMES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|&(_, num)| num)
            });
            match found {
                Some(num) => i64::from(num),
                None => return Err(format!("value {} is not a valid signal name", repr_str(v))),
            }
        }
    };
    match i32::try_from(num) {
        Ok(n) if Signal::is_known_number(n) => Ok(Signal(n)),
        _ => Err(format!(
            "value {} is not a valid signal number",
            repr_str(v)
        )),
    }
}

/// `list_of_exitcodes(v)`: comma-separated ints in 0..=255; empty gives an empty list.
pub fn exitcodes(v: &str) -> Result<Vec<u8>, String> {
    if v.is_empty() {
        return Ok(Vec::new());
    }
    v.split(',')
        .map(|item| integer(item).ok().and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| format!("not a valid list of exit codes: {}", repr_str(v)))
}

/// `auto_restart(v)`: truthy → always, falsy → never, `unexpected`.
pub fn autorestart(v: &str) -> Result<AutoRestart, String> {
    let lower = v.to_lowercase();
    match lower.as_str() {
        "yes" | "true" | "on" | "1" => Ok(AutoRestart::Always),
        "no" | "false" | "off" | "0" => Ok(AutoRestart::Never),
        "unexpected" => Ok(AutoRestart::Unexpected),
        _ => Err(format!("invalid 'autorestart' value {}", repr_str(&lower))),
    }
}

/// `logging_level(v)`: `bad logging level name '<v>'`.
pub fn log_level(v: &str) -> Result<LogLevel, String> {
    // Python lower-cases but does not strip: `' info'` is refused.
    if v != v.trim() {
        return Err(format!("bad logging level name {}", repr_str(v)));
    }
    LogLevel::from_name(v).ok_or_else(|| format!("bad logging level name {}", repr_str(v)))
}

/// `process_or_group_name(v)`: stripped; no space, `:` or `/`.
pub fn process_or_group_name(v: &str) -> Result<String, String> {
    let s = py_strip(v);
    for c in [' ', ':', '/'] {
        if s.contains(c) {
            return Err(format!(
                "Invalid name: {} because of character: {}",
                repr_str(v),
                repr_str(&c.to_string())
            ));
        }
    }
    Ok(s.to_string())
}

/// `list_of_strings(v)`: split on `,`, items stripped; empty gives an empty list.
pub fn list_of_strings(v: &str) -> Vec<String> {
    if v.is_empty() {
        return Vec::new();
    }
    v.split(',').map(|s| py_strip(s).to_string()).collect()
}

/// `port_number`: an int in 1..=65535 (`0 is below lower bound (1)`).
fn port_number(v: &str) -> Result<u16, String> {
    let n = integer(v)?;
    if n < 1 {
        return Err(format!("{n} is below lower bound (1)"));
    }
    u16::try_from(n).map_err(|_| format!("{n} is above upper bound (65535)"))
}

/// `inet_address(v)`: `port`, `host:port`, `*:port`, `:port`; split at the last colon.
/// Returns `(host, port)` with the host lower-cased and `""` meaning all interfaces.
pub fn inet_address(v: &str) -> Result<(String, u16), String> {
    let (host, port) = match v.rsplit_once(':') {
        Some((host, port)) => {
            if port.is_empty() {
                return Err("no port number specified in ''".to_string());
            }
            (host.to_lowercase(), port_number(port)?)
        }
        None => {
            let port =
                port_number(v).map_err(|_| format!("not a valid port number: {} ", repr_str(v)))?;
            (String::new(), port)
        }
    };
    Ok((if host == "*" { String::new() } else { host }, port))
}

/// `url(v)` as `urlparse` sees it: a scheme and a netloc or path. 4.3 parses
/// `v.replace('unix://', 'http://', 1).strip()`, and `urlsplit`'s own errors come through
/// as the message: a bracket without its pair in the netloc (`Invalid IPv6 URL`), a
/// bracketed host that is not an IPv6 address.
pub fn url(v: &str) -> Result<String, String> {
    let bad = || format!("value {} is not a URL", repr_str(v));
    let uri = v.replacen("unix://", "http://", 1);
    let uri = uri.trim();
    let (scheme, rest) = match uri.find(':') {
        Some(i) if i > 0 && is_scheme(&uri[..i]) => (&uri[..i], &uri[i + 1..]),
        _ => ("", uri),
    };
    let (netloc, path) = match rest.strip_prefix("//") {
        Some(after) => after.split_at(after.find(['/', '?', '#']).unwrap_or(after.len())),
        None => ("", rest),
    };
    check_netloc_brackets(netloc)?;
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    if scheme.is_empty() || (netloc.is_empty() && path.is_empty()) {
        return Err(bad());
    }
    Ok(v.to_string())
}

/// `urlsplit`'s scheme: an ASCII letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// `urlsplit`'s checks of a netloc's brackets (Python 3.11).
fn check_netloc_brackets(netloc: &str) -> Result<(), String> {
    match (netloc.contains('['), netloc.contains(']')) {
        (false, false) => Ok(()),
        (true, true) => {
            let host = netloc
                .split_once('[')
                .map_or("", |(_, r)| r.split_once(']').map_or(r, |(h, _)| h));
            if let Some(future) = host.strip_prefix('v') {
                // IPvFuture: v<hex>.<anything>
                let ok = future.split_once('.').is_some_and(|(hex, tail)| {
                    !hex.is_empty()
                        && hex.chars().all(|c| c.is_ascii_hexdigit())
                        && !tail.is_empty()
                });
                return if ok {
                    Ok(())
                } else {
                    Err("IPvFuture address is invalid".to_string())
                };
            }
            if host.parse::<std::net::Ipv6Addr>().is_ok() {
                Ok(())
            } else if host.parse::<std::net::Ipv4Addr>().is_ok() {
                Err("An IPv4 address cannot be in brackets".to_string())
            } else {
                Err(format!(
                    "{} does not appear to be an IPv4 or IPv6 address",
                    repr_str(host)
                ))
            }
        }
        _ => Err("Invalid IPv6 URL".to_string()),
    }
}

/// `name_to_uid(v)`: a user name or a numeric uid that exists.
pub fn name_to_uid(v: &str, ctx: &LoadContext) -> Result<u32, String> {
    match integer(v) {
        Ok(n) => match u32::try_from(n)
            .ok()
            .filter(|&uid| ctx.users.user_by_uid(uid).is_some())
        {
            Some(uid) => Ok(uid),
            None => Err(format!("Invalid user id {v}")),
        },
        Err(_) => ctx
            .users
            .user_by_name(v)
            .map(|u| u.uid)
            .ok_or_else(|| format!("Invalid user name {v}")),
    }
}

/// `name_to_gid(v)`: a group name or a numeric gid that exists.
pub fn name_to_gid(v: &str, ctx: &LoadContext) -> Result<u32, String> {
    match integer(v) {
        Ok(n) => match u32::try_from(n)
            .ok()
            .filter(|&gid| ctx.users.group_exists(gid))
        {
            Some(gid) => Ok(gid),
            None => Err(format!("Invalid group id {v}")),
        },
        Err(_) => ctx
            .users
            .group_by_name(v)
            .ok_or_else(|| format!("Invalid group name {v}")),
    }
}

/// `colon_separated_user_group(v)`: `user` → `(uid, -1)`, `user:group` → `(uid, gid)`.
pub fn user_group(v: &str, ctx: &LoadContext) -> Result<(i64, i64), String> {
    let bad = |_| format!("Invalid user:group definition {v}");
    match v.split_once(':') {
        None => Ok((i64::from(name_to_uid(v, ctx).map_err(bad)?), -1)),
        Some((user, group)) => Ok((
            i64::from(name_to_uid(user, ctx).map_err(bad)?),
            i64::from(name_to_gid(group, ctx).map_err(bad)?),
        )),
    }
}

/// `existing_directory(v)`: `~` expanded; must be a directory.
pub fn existing_directory(v: &str, ctx: &LoadContext) -> Result<String, String> {
    let expanded = paths::expanduser(v, ctx);
    if paths::isdir(&expanded, ctx) {
        Ok(expanded)
    } else {
        Err(format!("{v} is not an existing directory"))
    }
}

/// `existing_dirpath(v)`: `~` expanded; its directory part (if any) must exist.
pub fn existing_dirpath(v: &str, ctx: &LoadContext) -> Result<String, String> {
    let expanded = paths::expanduser(v, ctx);
    let dir = paths::dirname(&expanded);
    if dir.is_empty() || paths::isdir(&dir, ctx) {
        Ok(expanded)
    } else {
        Err(format!(
            "The directory named as part of the path {v} does not exist"
        ))
    }
}

/// What `logfile_name` makes of a program's `stdout_logfile`/`stderr_logfile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogfileName {
    /// `NONE`/`OFF`.
    None,
    /// `AUTO`.
    Auto,
    /// `syslog` (deprecated magic name).
    Syslog,
    /// A path whose directory exists (`~` expanded).
    Path(String),
}

/// `logfile_name(v)`.
pub fn logfile_name(v: &str, ctx: &LoadContext) -> Result<LogfileName, String> {
    match v.to_lowercase().as_str() {
        "none" | "off" => Ok(LogfileName::None),
        "auto" => Ok(LogfileName::Auto),
        "syslog" => Ok(LogfileName::Syslog),
        _ => existing_dirpath(v, ctx).map(LogfileName::Path),
    }
}

#[cfg(test)]
mod tests {
    //! The spec §1.4 examples, texts as CPython prints them (the full recorded comparison
    //! is in `differential_tests.rs`).
    use super::*;
    use crate::StaticUsers;

    #[test]
    fn booleans() {
        assert_eq!(boolean("Yes"), Ok(true));
        assert_eq!(boolean("off"), Ok(false));
        assert_eq!(boolean("y"), Err("not a valid boolean value: 'y'".into()));
        assert_eq!(boolean(""), Err("not a valid boolean value: ''".into()));
    }

    #[test]
    fn byte_sizes_accept_negative_and_spaces() {
        assert_eq!(byte_size("50MB"), Ok(52_428_800));
        assert_eq!(byte_size("50 MB"), Ok(52_428_800));
        assert_eq!(byte_size("1kB"), Ok(1024));
        assert_eq!(byte_size("-1MB"), Ok(-1_048_576));
        assert_eq!(
            byte_size("1.5MB"),
            Err("invalid literal for int() with base 10: '1.5'".into())
        );
        assert_eq!(
            byte_size("1B"),
            Err("invalid literal for int() with base 10: '1b'".into())
        );
    }

    #[test]
    fn octal_and_integers() {
        assert_eq!(octal("022"), Ok(18));
        assert_eq!(octal("0o22"), Ok(18));
        assert_eq!(
            octal("8"),
            Err("8 can not be converted to an octal type".into())
        );
        assert_eq!(integer(" 12 "), Ok(12));
        assert_eq!(integer("1_000"), Ok(1000));
        assert_eq!(
            integer("x"),
            Err("invalid literal for int() with base 10: 'x'".into())
        );
    }

    #[test]
    fn signals_include_zero_and_handler_names() {
        assert_eq!(signal(" int "), Ok(Signal::INT));
        assert_eq!(signal("sigkill"), Ok(Signal::KILL));
        assert_eq!(signal("0"), Ok(Signal(0)));
        assert_eq!(signal("SIG_DFL"), Ok(Signal(0)));
        assert_eq!(
            signal("100"),
            Err("value '100' is not a valid signal number".into())
        );
        assert_eq!(
            signal("FOO"),
            Err("value 'FOO' is not a valid signal name".into())
        );
    }

    #[test]
    fn exitcodes_autorestart_levels() {
        assert_eq!(exitcodes(""), Ok(vec![]));
        assert_eq!(exitcodes(" 1 , 2"), Ok(vec![1, 2]));
        assert_eq!(
            exitcodes("256"),
            Err("not a valid list of exit codes: '256'".into())
        );
        assert_eq!(autorestart("TRUE"), Ok(AutoRestart::Always));
        assert_eq!(
            autorestart("X"),
            Err("invalid 'autorestart' value 'x'".into())
        );
        assert_eq!(log_level("BLATHER"), Ok(LogLevel::Blather));
        assert_eq!(
            log_level("warning"),
            Err("bad logging level name 'warning'".into())
        );
    }

    #[test]
    fn inet_addresses_split_at_the_last_colon() {
        assert_eq!(inet_address("*:80"), Ok((String::new(), 80)));
        assert_eq!(inet_address("H:1"), Ok(("h".into(), 1)));
        assert_eq!(inet_address("[::1]:9001"), Ok(("[::1]".into(), 9001)));
        assert_eq!(
            inet_address("h:"),
            Err("no port number specified in ''".into())
        );
        assert_eq!(
            inet_address("0"),
            Err("not a valid port number: '0' ".into())
        );
        assert_eq!(
            inet_address("h:0"),
            Err("0 is below lower bound (1)".into())
        );
        assert_eq!(
            inet_address("h:70000"),
            Err("70000 is above upper bound (65535)".into())
        );
    }

    #[test]
    fn names_users_and_urls() {
        assert_eq!(process_or_group_name(" ok "), Ok("ok".into()));
        assert_eq!(
            process_or_group_name("a:b"),
            Err("Invalid name: 'a:b' because of character: ':'".into())
        );
        let ctx = LoadContext::for_tests("/", StaticUsers::root_only());
        assert_eq!(name_to_uid("root", &ctx), Ok(0));
        assert_eq!(name_to_uid(" 0 ", &ctx), Ok(0));
        assert_eq!(
            name_to_uid("nobodyx", &ctx),
            Err("Invalid user name nobodyx".into())
        );
        assert_eq!(
            name_to_uid("99999", &ctx),
            Err("Invalid user id 99999".into())
        );
        assert_eq!(user_group("root:root", &ctx), Ok((0, 0)));
        assert_eq!(user_group("root", &ctx), Ok((0, -1)));
        assert_eq!(
            user_group("root:nogrp", &ctx),
            Err("Invalid user:group definition root:nogrp".into())
        );
        assert_eq!(url("http://x"), Ok("http://x".into()));
        assert_eq!(url("x"), Err("value 'x' is not a URL".into()));
        // Recorded from supervisor 4.3.0's datatypes.url on Python 3.11.
        assert_eq!(url("http://[::1"), Err("Invalid IPv6 URL".into()));
        assert_eq!(url("http://::1]"), Err("Invalid IPv6 URL".into()));
        assert_eq!(url("unix://[x"), Err("Invalid IPv6 URL".into()));
        assert_eq!(
            url("http://[foo]"),
            Err("'foo' does not appear to be an IPv4 or IPv6 address".into())
        );
        assert_eq!(
            url("http://[1.2.3.4]:5"),
            Err("An IPv4 address cannot be in brackets".into())
        );
        assert_eq!(
            url("http://[vz.x]"),
            Err("IPvFuture address is invalid".into())
        );
        assert_eq!(url("http://[::1]:5"), Ok("http://[::1]:5".into()));
        assert_eq!(url("http://[v1.x]"), Ok("http://[v1.x]".into()));
        assert_eq!(url(" http://h "), Ok(" http://h ".into()));
        assert_eq!(
            url("http://h/[x"),
            Ok("http://h/[x".into()),
            "a bracket in the path"
        );
    }
}
