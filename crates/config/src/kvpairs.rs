//! `environment=` values: supervisord 4.3's `dict_of_key_value_pairs`, which tokenises with
//! Python's NON-POSIX `shlex` (extra word characters `/.+-():`) and then takes tokens in
//! groups of `KEY`, `=`, `VALUE` followed by one skipped separator token (spec §1.4 quirk:
//! `A=hello world` gives `{A: hello}`).

/// Tokenise like `shlex.shlex(s)` (posix=False) with `wordchars += '/.+-():'`.
///
/// Returns `Err("No closing quotation")` exactly where Python raises it.
pub(crate) fn shlex_tokens(input: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = input.chars().collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || "_/.+-():".contains(c);
    let is_space = |c: char| " \t\r\n".contains(c);
    let mut tokens = Vec::new();
    let mut pos = 0;
    // A character pushed back as a *token* (shlex's `pushback.appendleft(nextchar)`).
    let mut pushed: Option<String> = None;
    #[derive(PartialEq)]
    enum State {
        Space,
        Word,
        Quote(char),
        Eof,
    }
    let mut state = State::Space;
    // Skip to just after the next newline (shlex's `instream.readline()` on a comment).
    let skip_line = |pos: &mut usize| {
        while *pos < chars.len() {
            *pos += 1;
            if chars[*pos - 1] == '\n' {
                break;
            }
        }
    };
    loop {
        if let Some(tok) = pushed.take() {
            tokens.push(tok);
            continue;
        }
        let mut token = String::new();
        loop {
            let next = chars.get(pos).copied();
            if next.is_some() {
                pos += 1;
            }
            match state {
                State::Eof => {
                    token.clear();
                    break;
                }
                State::Space => match next {
                    None => {
                        state = State::Eof;
                        break;
                    }
                    Some(c) if is_space(c) => {
                        if !token.is_empty() {
                            break;
                        }
                    }
                    Some('#') => skip_line(&mut pos),
                    Some(c) if is_word(c) => {
                        token.push(c);
                        state = State::Word;
                    }
                    Some(c @ ('\'' | '"')) => {
                        token.push(c);
                        state = State::Quote(c);
                    }
                    Some(c) => {
                        token.push(c);
                        break;
                    }
                },
                State::Quote(q) => match next {
                    None => return Err("No closing quotation".to_string()),
                    Some(c) if c == q => {
                        token.push(c);
                        state = State::Space;
                        break;
                    }
                    Some(c) => token.push(c),
                },
                State::Word => match next {
                    None => {
                        state = State::Eof;
                        break;
                    }
                    Some(c) if is_space(c) => {
                        state = State::Space;
                        if !token.is_empty() {
                            break;
                        }
                    }
                    // non-POSIX shlex swallows the rest of the line but stays in the word
                    Some('#') => skip_line(&mut pos),
                    Some(c) if is_word(c) || c == '\'' || c == '"' => token.push(c),
                    Some(c) => {
                        pushed = Some(c.to_string());
                        state = State::Space;
                        if !token.is_empty() {
                            break;
                        }
                    }
                },
            }
        }
        if token.is_empty() {
            // The empty string is shlex's EOF marker in non-POSIX mode.
            return Ok(tokens);
        }
        tokens.push(token);
    }
}

/// `dict_of_key_value_pairs`: ordered `(key, value)` pairs, later duplicates replacing
/// earlier values in place (Python dict semantics).
pub(crate) fn parse_key_value_pairs(arg: &str) -> Result<Vec<(String, String)>, String> {
    let tokens = shlex_tokens(arg)?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if i + 3 > tokens.len() || tokens[i + 1] != "=" {
            return Err(format!(
                "Unexpected end of key/value pairs in value '{arg}'"
            ));
        }
        let key = tokens[i].clone();
        let value = tokens[i + 2]
            .trim_matches(|c| c == '\'' || c == '"')
            .to_string();
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => pairs.push((key, value)),
        }
        i += 4;
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(s: &str) -> Result<Vec<(String, String)>, String> {
        parse_key_value_pairs(s)
    }
    fn ok(pairs: &[(&str, &str)]) -> Result<Vec<(String, String)>, String> {
        Ok(pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }

    #[test]
    fn spec_examples_match_python() {
        assert_eq!(kv("A=hello world"), ok(&[("A", "hello")]));
        assert_eq!(kv("A=\"x,y\",B='a b'"), ok(&[("A", "x,y"), ("B", "a b")]));
        assert_eq!(kv("A=$HOME"), ok(&[("A", "$")]));
        assert_eq!(kv("A=a#b"), ok(&[("A", "a")]));
        assert_eq!(kv("A=\"a\\\"b\""), ok(&[("A", "a\\")]));
        assert_eq!(kv("a-b.c=1"), ok(&[("a-b.c", "1")]));
        assert_eq!(kv("A=1,"), ok(&[("A", "1")]));
        assert_eq!(kv("A=ö"), ok(&[("A", "ö")]));
        assert_eq!(kv("A=x\"y z\""), ok(&[("A", "x\"y")]));
        assert_eq!(kv("\"A\"=\"b\""), ok(&[("\"A\"", "b")]));
        assert_eq!(kv(""), ok(&[]));
        for bad in ["A=x;y", "A=", "A=1,,B=2", "A=1 B=2", "A=a#b\nB=2"] {
            assert_eq!(
                kv(bad),
                Err(format!(
                    "Unexpected end of key/value pairs in value '{bad}'"
                ))
            );
        }
        assert_eq!(kv("A=\"unclosed"), Err("No closing quotation".to_string()));
    }
}
