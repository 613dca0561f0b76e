//! Escaping for HTML text and attributes, and URL quoting and unquoting for links
//! and form data. Everything that came from outside (names, descriptions, log text,
//! messages) goes through [`html`] before it reaches a page.

use crate::form::FormError;

/// Escape `s` for HTML text or a double- or single-quoted attribute value.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `urllib.parse.quote(s)` (safe: letters, digits, `_.-~` and `/`), as 4.3 quotes
/// process names in links.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decode one `application/x-www-form-urlencoded` name or value: `+` is a space,
/// `%XX` a byte; the result must be UTF-8. An invalid escape is an error (Python's
/// `parse_qsl` would keep it as it is; a form from our pages never has one).
pub fn unquote_plus(s: &str) -> Result<String, FormError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
                let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) else {
                    return Err(FormError::Malformed("an invalid %-escape".into()));
                };
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| FormError::Malformed("text that is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn quotes_like_python() {
        // urllib.parse.quote('g:a b&c/é')
        assert_eq!(quote("g:a b&c/é"), "g%3Aa%20b%26c/%C3%A9");
    }

    #[test]
    fn unquotes_form_values() {
        assert_eq!(unquote_plus("a+b%3Ac%C3%A9").as_deref(), Ok("a b:cé"));
        assert!(unquote_plus("%zz").is_err());
        assert!(unquote_plus("%4").is_err());
        assert!(unquote_plus("%FF").is_err());
    }
}
