//! `methodCall` bodies, decoded the way supervisord 4.3's own `loads` does it
//! (`supervisor/xmlrpc.py`: an `iterparse` over the whole document with a table of
//! unmarshallers), not the way a strict XML-RPC library would:
//!
//! * `<methodName>` and `<params>` are found anywhere in the document (the root element
//!   is not checked); the last one wins;
//! * `<value>text</value>` is a string; `<value><i8>5</i8></value>` is the string `"5"`
//!   (4.3 does not know `i8`), `<nil/>` is Python's `None`;
//! * `<base64>` is decoded to a (UTF-8) string; `<boolean>` is true only for `1`.
//!
//! What makes Python's parser raise (malformed XML, a bad `<int>`, an `<array>` without
//! `<data>`, a member without name and value) is an [`XmlError`]: the server answers
//! HTTP 400, as 4.3 does. A `<!DOCTYPE>` is refused too (no entity expansion). So is a
//! character XML 1.0 does not allow (a control character other than tab, newline and
//! carriage return, U+FFFE, U+FFFF), raw or as a character reference: expat refuses the
//! document ("not well-formed (invalid token)", "reference to invalid character number").

use crate::auth::base64_decode;
use crate::value::Value;

/// Why a request body is not a `methodCall` supervisord 4.3 can unmarshal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct XmlError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, XmlError> {
    Err(XmlError(msg.into()))
}

/// A decoded `methodCall`: the method name (if any; empty or missing is HTTP 400 for
/// the caller to send) and the params (`None` without `<params>`, which means "no
/// arguments").
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall {
    /// `<methodName>` text.
    pub method: Option<String>,
    /// The `<params>` values.
    pub params: Option<Vec<Value>>,
}

/// Decode a request body as supervisord 4.3 does.
pub fn parse_method_call(body: &[u8]) -> Result<MethodCall, XmlError> {
    let Ok(text) = std::str::from_utf8(body) else {
        return err("request body is not UTF-8");
    };
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return err(format!(
            "not well-formed (invalid token): U+{:04X}",
            u32::from(c)
        ));
    }
    let root = parse_document(text)?;
    let mut call = MethodCall {
        method: None,
        params: None,
    };
    unmarshal(&root, &mut call)?;
    Ok(call)
}

/// One element: tag, the text before its first child (ElementTree's `text`), children.
#[derive(Debug)]
struct Element {
    tag: String,
    text: Option<String>,
    children: Vec<Element>,
}

/// Post-order, as `iterparse` delivers `end` events: each element's value is computed
/// from its children's.
fn unmarshal(e: &Element, call: &mut MethodCall) -> Result<Option<Value>, XmlError> {
    let mut kids = Vec::with_capacity(e.children.len());
    for child in &e.children {
        kids.push(unmarshal(child, call)?);
    }
    let raw = || e.text.clone().map(Value::String);
    let text = || e.text.as_deref().unwrap_or("");
    let first = |kids: &mut Vec<Option<Value>>| {
        if kids.is_empty() {
            err(format!("<{}> without a child", e.tag))
        } else {
            Ok(kids.swap_remove(0))
        }
    };
    let value = match e.tag.as_str() {
        "int" | "i4" => Some(Value::Int(parse_int(e.text.as_deref())?)),
        "boolean" => Some(Value::Bool(text() == "1")),
        "string" => Some(Value::str(text())),
        "double" => match text().trim().parse::<f64>() {
            Ok(d) => Some(Value::Double(d)),
            Err(_) => return err(format!("bad double {:?}", text())),
        },
        "dateTime.iso8601" => Some(Value::DateTime(parse_datetime(text())?)),
        "base64" => {
            let Some(bytes) = base64_decode(text().as_bytes()) else {
                return err("bad base64");
            };
            match String::from_utf8(bytes) {
                Ok(s) => Some(Value::String(s)),
                Err(_) => return err("base64 is not UTF-8"),
            }
        }
        "array" | "param" => first(&mut kids)?,
        "data" => Some(Value::Array(
            kids.into_iter().map(|v| v.unwrap_or(Value::Nil)).collect(),
        )),
        "struct" => {
            let mut members = Vec::new();
            for member in &e.children {
                let [name, value] = member.children.as_slice() else {
                    return err("a struct member needs a name and a value");
                };
                let key = name.text.clone().unwrap_or_default();
                let v = unmarshal(value, call)?.unwrap_or(Value::Nil);
                members.push((key, v));
            }
            Some(Value::Struct(members))
        }
        "value" => {
            if kids.is_empty() {
                Some(Value::str(text()))
            } else {
                first(&mut kids)?
            }
        }
        "methodName" => {
            call.method = e.text.clone();
            raw()
        }
        "params" => {
            call.params = Some(kids.into_iter().map(|v| v.unwrap_or(Value::Nil)).collect());
            raw()
        }
        _ => raw(),
    };
    Ok(value)
}

/// Python's `int(text)`: surrounding whitespace, a sign, digits (and `_` between them).
fn parse_int(text: Option<&str>) -> Result<i64, XmlError> {
    let Some(t) = text else {
        return err("empty <int>");
    };
    let t = t.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let ok = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    match t.replace('_', "").parse::<i64>() {
        Ok(i) if ok => Ok(i),
        _ => err(format!("bad int {t:?}")),
    }
}

/// `time.strptime(text, "%Y%m%dT%H:%M:%S")`, kept as text once it parses.
fn parse_datetime(text: &str) -> Result<String, XmlError> {
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() == 17
        && digits(0..8)
        && b[8] == b'T'
        && digits(9..11)
        && b[11] == b':'
        && digits(12..14)
        && b[14] == b':'
        && digits(15..17)
    {
        Ok(text.to_owned())
    } else {
        err(format!("bad dateTime.iso8601 {text:?}"))
    }
}

/// A small well-formedness-checking XML reader: elements, text, the five predefined
/// entities and character references, CDATA, comments, processing instructions.
struct Reader<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

/// Elements nest at most this deep: the reader and the unmarshaller recurse, and a
/// body of `<a><a><a>...` must not exhaust the daemon's stack.
const MAX_DEPTH: usize = 256;

fn parse_document(s: &str) -> Result<Element, XmlError> {
    let mut r = Reader {
        s,
        pos: 0,
        depth: 0,
    };
    r.misc()?;
    if !r.rest().starts_with('<') {
        return err("no root element");
    }
    let root = r.element()?;
    r.misc()?;
    if r.pos != s.len() {
        return err("junk after document element");
    }
    Ok(root)
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn skip_until(&mut self, end: &str) -> Result<&'a str, XmlError> {
        match self.rest().find(end) {
            Some(i) => {
                let inner = &self.rest()[..i];
                self.pos += i + end.len();
                Ok(inner)
            }
            None => err(format!("unclosed construct, expected {end:?}")),
        }
    }

    /// Whitespace, comments and processing instructions outside the root.
    fn misc(&mut self) -> Result<(), XmlError> {
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if trimmed.starts_with("<?") {
                self.skip_until("?>")?;
            } else if trimmed.starts_with("<!--") {
                self.skip_until("-->")?;
            } else if trimmed.starts_with("<!") {
                return err("DOCTYPE declarations are not accepted");
            } else {
                return Ok(());
            }
        }
    }

    fn name(&mut self) -> Result<&'a str, XmlError> {
        let rest = self.rest();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '='))
            .unwrap_or(rest.len());
        if end == 0 {
            return err("expected a name");
        }
        self.pos += end;
        Ok(&rest[..end])
    }

    /// At `<`: one element and everything inside it.
    fn element(&mut self) -> Result<Element, XmlError> {
        self.pos += 1;
        let tag = self.name()?.to_owned();
        // Attributes are checked for syntax and ignored.
        loop {
            let trimmed = self.rest().trim_start();
            self.pos = self.s.len() - trimmed.len();
            if let Some(after) = trimmed.strip_prefix("/>") {
                self.pos = self.s.len() - after.len();
                return Ok(Element {
                    tag,
                    text: None,
                    children: Vec::new(),
                });
            }
            if let Some(after) = trimmed.strip_prefix('>') {
                self.pos = self.s.len() - after.len();
                break;
            }
            self.name()?;
            let after = self.rest().trim_start();
            let Some(after) = after.strip_prefix('=') else {
                return err("attribute without a value");
            };
            let after = after.trim_start();
            let quote = match after.chars().next() {
                Some(q @ ('"' | '\'')) => q,
                _ => return err("unquoted attribute value"),
            };
            self.pos = self.s.len() - after.len() + 1;
            let value = self.skip_until(&quote.to_string())?;
            if value.contains('<') {
                return err("'<' in an attribute value");
            }
        }
        let mut text: Option<String> = None;
        let mut children = Vec::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                return err(format!("unclosed <{tag}>"));
            }
            if let Some(after) = rest.strip_prefix("</") {
                self.pos += 2;
                let name = self.name()?;
                if name != tag {
                    return err(format!("mismatched tag </{name}> for <{tag}>"));
                }
                let _ = after;
                let trimmed = self.rest().trim_start();
                let Some(after) = trimmed.strip_prefix('>') else {
                    return err("bad end tag");
                };
                self.pos = self.s.len() - after.len();
                return Ok(Element {
                    tag,
                    text,
                    children,
                });
            }
            let piece = if rest.starts_with("<!--") {
                self.skip_until("-->")?;
                None
            } else if rest.starts_with("<![CDATA[") {
                self.pos += 9;
                Some(self.skip_until("]]>")?.to_owned())
            } else if rest.starts_with("<?") {
                self.skip_until("?>")?;
                None
            } else if rest.starts_with('<') {
                if self.depth >= MAX_DEPTH {
                    return err("elements nested too deeply");
                }
                self.depth += 1;
                let child = self.element();
                self.depth -= 1;
                children.push(child?);
                None
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                self.pos += end;
                Some(unescape(&rest[..end])?)
            };
            // ElementTree's `text` is what comes before the first child.
            if let Some(piece) = piece
                && children.is_empty()
            {
                text.get_or_insert_with(String::new).push_str(&piece);
            }
        }
    }
}

/// XML 1.0's `Char` production: what may appear in a document, raw or referenced.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn unescape(s: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';') else {
            return err("unterminated entity");
        };
        let name = &after[..end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                match code.and_then(char::from_u32) {
                    Some(c) if is_xml_char(c) => c,
                    Some(_) => {
                        return err(format!("reference to invalid character number &{name};"));
                    }
                    None => return err(format!("undefined entity &{name};")),
                }
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
