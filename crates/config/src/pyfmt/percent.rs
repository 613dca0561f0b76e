//! CPython 3.11's `str % mapping` engine (`PyUnicode_Format`): keys, flags, width,
//! precision, length modifiers and every conversion, with its error texts.

use super::{PyDict, PyValue, ascii_escape};
/// Why a `%` format failed, with CPython's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// `KeyError`: a `%(name)` not in the dict; carries the name.
    MissingKey(String),
    /// `ValueError`/`TypeError`: CPython's message (`incomplete format`, ...).
    Bad(String),
}

/// The argument a conversion consumes: the whole dict (bare `%s`) or a looked-up value.
enum Arg<'a> {
    Dict(&'a PyDict),
    Value(&'a PyValue),
}

impl Arg<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Arg::Dict(_) => "dict",
            Arg::Value(v) => v.type_name(),
        }
    }
}

/// Largest width or precision we render. CPython would try to allocate; we refuse instead so
/// that no input can exhaust memory (a documented deviation: `width too big`).
const MAX_WIDTH: usize = 1 << 20;

/// `fmt % dict` with CPython 3.11 semantics.
pub fn percent_format(fmt: &str, dict: &PyDict) -> Result<String, FormatError> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len());
    let mut pos = 0;
    // CPython's `argidx`: the dict itself may be consumed once by positional conversions;
    // after a `%(key)` the looked-up value is the (single) pending argument.
    let mut dict_available = true;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(pos) == Some(&'%') {
            out.push('%');
            pos += 1;
            continue;
        }
        let mut pending: Option<&PyValue> = None;
        let mut keyed = false;
        if chars.get(pos) == Some(&'(') {
            pos += 1;
            let start = pos;
            let mut depth = 1;
            while pos < chars.len() {
                match chars[pos] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                pos += 1;
            }
            if depth > 0 {
                return Err(FormatError::Bad("incomplete format key".into()));
            }
            let key: String = chars[start..pos].iter().collect();
            pos += 1;
            match dict.get(&key) {
                Some(v) => pending = Some(v),
                None => return Err(FormatError::MissingKey(key)),
            }
            keyed = true;
            dict_available = false;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.get(pos) {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            pos += 1;
        }
        if chars.get(pos) == Some(&'*') {
            pos += 1;
            spec.width = star_arg(take_arg(keyed, &mut pending, &mut dict_available, dict)?)?;
        } else {
            spec.width = digits(&chars, &mut pos, "width too big")?;
        }
        if chars.get(pos) == Some(&'.') {
            pos += 1;
            if chars.get(pos) == Some(&'*') {
                pos += 1;
                spec.precision = Some(star_arg(take_arg(
                    keyed,
                    &mut pending,
                    &mut dict_available,
                    dict,
                )?)?);
            } else {
                spec.precision = Some(digits(&chars, &mut pos, "precision too big")?);
            }
        }
        if matches!(chars.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&conv) = chars.get(pos) else {
            return Err(FormatError::Bad("incomplete format".into()));
        };
        let conv_index = pos;
        pos += 1;
        // CPython fetches the argument before it looks at the conversion character (`%%`
        // right after the `%` was handled above; `%5%` is an unsupported conversion).
        let arg = take_arg(keyed, &mut pending, &mut dict_available, dict)?;
        if !"sradiuoxXeEfFgGc".contains(conv) {
            let shown = if (' '..='~').contains(&conv) {
                conv
            } else {
                '?'
            };
            return Err(FormatError::Bad(format!(
                "unsupported format character '{shown}' (0x{:x}) at index {conv_index}",
                conv as u32
            )));
        }
        let body = convert(conv, &arg, &mut spec)?;
        out.push_str(&spec.pad(body));
    }
    Ok(out)
}

/// CPython's `getnextarg`: the looked-up value after a `%(key)`, else the dict itself once.
fn take_arg<'d>(
    keyed: bool,
    pending: &mut Option<&'d PyValue>,
    dict_available: &mut bool,
    dict: &'d PyDict,
) -> Result<Arg<'d>, FormatError> {
    let not_enough = || FormatError::Bad("not enough arguments for format string".into());
    if keyed {
        pending.take().map(Arg::Value).ok_or_else(not_enough)
    } else if *dict_available {
        *dict_available = false;
        Ok(Arg::Dict(dict))
    } else {
        Err(not_enough())
    }
}

fn star_arg(arg: Arg<'_>) -> Result<usize, FormatError> {
    match arg {
        Arg::Value(PyValue::Int(n)) => {
            let n = n.unsigned_abs() as usize;
            if n > MAX_WIDTH {
                Err(FormatError::Bad("width too big".into()))
            } else {
                Ok(n)
            }
        }
        _ => Err(FormatError::Bad("* wants int".into())),
    }
}

fn digits(chars: &[char], pos: &mut usize, too_big: &str) -> Result<usize, FormatError> {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n.saturating_mul(10).saturating_add(d as usize);
        *pos += 1;
    }
    if n > MAX_WIDTH {
        Err(FormatError::Bad(too_big.into()))
    } else {
        Ok(n)
    }
}

#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
    /// Numeric conversions zero-pad after the sign/prefix; strings never zero-pad.
    numeric: bool,
}

impl Spec {
    fn pad(&self, body: String) -> String {
        let len = body.chars().count();
        if len >= self.width {
            return body;
        }
        let fill = self.width - len;
        if self.left {
            return body + &" ".repeat(fill);
        }
        if self.zero && self.numeric {
            // zeros go after a sign and a 0x/0o prefix
            let mut prefix_len = 0;
            let b = body.as_bytes();
            if matches!(b.first(), Some(b'-' | b'+' | b' ')) {
                prefix_len = 1;
            }
            if b.len() >= prefix_len + 2
                && b[prefix_len] == b'0'
                && matches!(b[prefix_len + 1], b'x' | b'X' | b'o')
            {
                prefix_len += 2;
            }
            let (head, tail) = body.split_at(prefix_len);
            return format!("{head}{}{tail}", "0".repeat(fill));
        }
        " ".repeat(fill) + &body
    }
}

fn convert(conv: char, arg: &Arg<'_>, spec: &mut Spec) -> Result<String, FormatError> {
    match conv {
        's' | 'r' | 'a' => {
            let text = match (conv, arg) {
                ('s', Arg::Value(PyValue::Str(s))) => s.clone(),
                ('s', Arg::Value(v)) | ('r', Arg::Value(v)) => v.repr(),
                ('a', Arg::Value(v)) => ascii_escape(&v.repr()),
                ('a', Arg::Dict(d)) => d.repr(true),
                (_, Arg::Dict(d)) => d.repr(false),
                _ => String::new(),
            };
            Ok(match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            })
        }
        'c' => match arg {
            Arg::Value(PyValue::Str(s)) if s.chars().count() == 1 => Ok(s.clone()),
            Arg::Value(PyValue::Int(n)) => match u32::try_from(*n).ok().and_then(char::from_u32) {
                Some(c) => Ok(c.to_string()),
                None => Err(FormatError::Bad("%c arg not in range(0x110000)".into())),
            },
            _ => Err(FormatError::Bad("%c requires int or char".into())),
        },
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let Arg::Value(PyValue::Int(n)) = arg else {
                let what = if matches!(conv, 'd' | 'i' | 'u') {
                    "a real number"
                } else {
                    "an integer"
                };
                return Err(FormatError::Bad(format!(
                    "%{conv} format: {what} is required, not {}",
                    arg.type_name()
                )));
            };
            spec.numeric = true;
            let mag = n.unsigned_abs();
            let mut digits = match conv {
                'o' => format!("{mag:o}"),
                'x' => format!("{mag:x}"),
                'X' => format!("{mag:X}"),
                _ => mag.to_string(),
            };
            if let Some(p) = spec.precision
                && digits.len() < p
            {
                digits = "0".repeat(p - digits.len()) + &digits;
            }
            let prefix = match (spec.alt, conv) {
                (true, 'o') => "0o",
                (true, 'x') => "0x",
                (true, 'X') => "0X",
                _ => "",
            };
            Ok(format!("{}{prefix}{digits}", sign(*n < 0, spec)))
        }
        _ => {
            // e E f F g G
            let Arg::Value(PyValue::Int(n)) = arg else {
                return Err(FormatError::Bad(format!(
                    "must be real number, not {}",
                    arg.type_name()
                )));
            };
            spec.numeric = true;
            let x = *n as f64;
            let body = format_float(x.abs(), conv, spec.precision.unwrap_or(6), spec.alt);
            Ok(format!("{}{body}", sign(x < 0.0, spec)))
        }
    }
}

fn sign(negative: bool, spec: &Spec) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// C-style `%e`, `%f`, `%g` of a non-negative finite number.
fn format_float(x: f64, conv: char, precision: usize, alt: bool) -> String {
    let upper = conv.is_ascii_uppercase();
    let text = match conv.to_ascii_lowercase() {
        'f' => {
            let s = format!("{x:.precision$}");
            if alt && precision == 0 { s + "." } else { s }
        }
        'e' => exp_form(x, precision, alt),
        _ => {
            let p = precision.max(1);
            let e_text = format!("{x:.prec$e}", prec = p - 1);
            let exp: i64 = e_text
                .split('e')
                .nth(1)
                .and_then(|e| e.parse().ok())
                .unwrap_or(0);
            let s = if exp < -4 || exp >= p as i64 {
                exp_form(x, p - 1, alt)
            } else {
                let prec = (p as i64 - 1 - exp).max(0) as usize;
                format!("{x:.prec$}")
            };
            if alt { s } else { strip_zeros(&s) }
        }
    };
    if upper { text.to_uppercase() } else { text }
}

fn exp_form(x: f64, precision: usize, alt: bool) -> String {
    let s = format!("{x:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let dot = if alt && precision == 0 { "." } else { "" };
    format!(
        "{mantissa}{dot}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

fn strip_zeros(s: &str) -> String {
    let (mantissa, exp) = match s.find('e') {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    format!("{mantissa}{exp}")
}
