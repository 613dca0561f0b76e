//! Python's `getopt.getopt` (not GNU): options stop at the first non-option argument or
//! `--`; long options may be abbreviated to a unique prefix; the texts of `GetoptError`.

/// One option as getopt reports it: the canonical name (`-n`, `--nodaemon` even when
/// abbreviated) and its argument (`""` for flags).
pub(crate) type Opt = (String, String);

/// `getopt.getopt(args, shortopts, longopts)`: the options and the remaining arguments.
pub(crate) fn getopt(
    args: &[String],
    shortopts: &str,
    longopts: &[&str],
) -> Result<(Vec<Opt>, Vec<String>), String> {
    let mut opts = Vec::new();
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') && args[i] != "-" {
        if args[i] == "--" {
            i += 1;
            break;
        }
        if let Some(long) = args[i].strip_prefix("--") {
            i = do_long(&mut opts, long, longopts, args, i + 1)?;
        } else {
            i = do_shorts(&mut opts, &args[i][1..], shortopts, args, i + 1)?;
        }
    }
    Ok((opts, args[i..].to_vec()))
}

fn do_long(
    opts: &mut Vec<Opt>,
    opt: &str,
    longopts: &[&str],
    args: &[String],
    mut next: usize,
) -> Result<usize, String> {
    let (opt, optarg) = match opt.split_once('=') {
        Some((o, a)) => (o, Some(a.to_string())),
        None => (opt, None),
    };
    let possibilities: Vec<&str> = longopts
        .iter()
        .copied()
        .filter(|o| o.starts_with(opt))
        .collect();
    if possibilities.is_empty() {
        return Err(format!("option --{opt} not recognized"));
    }
    let (has_arg, name) = if possibilities.contains(&opt) {
        (false, opt.to_string())
    } else if possibilities
        .iter()
        .any(|p| p.strip_suffix('=') == Some(opt))
    {
        (true, opt.to_string())
    } else if possibilities.len() > 1 {
        return Err(format!("option --{opt} not a unique prefix"));
    } else {
        let only = possibilities[0];
        match only.strip_suffix('=') {
            Some(name) => (true, name.to_string()),
            None => (false, only.to_string()),
        }
    };
    let value = if has_arg {
        match optarg {
            Some(a) => a,
            None => {
                let Some(a) = args.get(next) else {
                    return Err(format!("option --{name} requires argument"));
                };
                next += 1;
                a.clone()
            }
        }
    } else if optarg.is_some() {
        return Err(format!("option --{name} must not have an argument"));
    } else {
        String::new()
    };
    opts.push((format!("--{name}"), value));
    Ok(next)
}

fn do_shorts(
    opts: &mut Vec<Opt>,
    optstring: &str,
    shortopts: &str,
    args: &[String],
    mut next: usize,
) -> Result<usize, String> {
    let mut rest = optstring;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let has_arg = short_has_arg(c, shortopts)?;
        let value = if has_arg {
            let value = if rest.is_empty() {
                let Some(a) = args.get(next) else {
                    return Err(format!("option -{c} requires argument"));
                };
                next += 1;
                a.clone()
            } else {
                rest.to_string()
            };
            rest = "";
            value
        } else {
            String::new()
        };
        opts.push((format!("-{c}"), value));
    }
    Ok(next)
}

fn short_has_arg(c: char, shortopts: &str) -> Result<bool, String> {
    let chars: Vec<char> = shortopts.chars().collect();
    for (i, &s) in chars.iter().enumerate() {
        if s == c && s != ':' {
            return Ok(chars.get(i + 1) == Some(&':'));
        }
    }
    Err(format!("option -{c} not recognized"))
}
