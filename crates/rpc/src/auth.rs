//! HTTP Basic authentication as supervisord's `supervisor_auth_handler`: the
//! configured password is either cleartext or `{SHA}` + the hex SHA-1 of the
//! password. Unlike 4.3 (`==`), every comparison takes the same time whatever the
//! input, so the password cannot be guessed byte by byte from response times.

use crate::http::Request;

/// Credentials a server requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `username=`.
    pub username: String,
    /// `password=`: cleartext, or `{SHA}<40 hex digits>`.
    pub password: String,
}

/// The verdict on a request's `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthVerdict {
    /// Let it through.
    Allowed,
    /// Missing, wrong, or a scheme other than Basic: 401 and close.
    Unauthorized,
    /// A Basic token that is not base64 (medusa: `malformed authorization info`): 400.
    Malformed,
}

/// Check `request` against `credentials` (`None`: the server has no authentication).
pub fn check(request: &Request, credentials: Option<&Credentials>) -> AuthVerdict {
    let Some(creds) = credentials else {
        return AuthVerdict::Allowed;
    };
    let Some(header) = request.header("authorization") else {
        return AuthVerdict::Unauthorized;
    };
    // medusa: `Authorization: ([^ ]+) (.*)`, scheme compared lower-cased.
    let Some((scheme, token)) = header.split_once(' ') else {
        return AuthVerdict::Unauthorized;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return AuthVerdict::Unauthorized;
    }
    let Some(decoded) = base64_decode(token.trim().as_bytes()) else {
        return AuthVerdict::Malformed;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return AuthVerdict::Malformed;
    };
    let Some((user, password)) = decoded.split_once(':') else {
        return AuthVerdict::Unauthorized;
    };
    let user_ok = ct_eq(user.as_bytes(), creds.username.as_bytes());
    let password_ok = match creds.password.strip_prefix("{SHA}") {
        Some(hex) => ct_eq(sha1_hex(password.as_bytes()).as_bytes(), hex.as_bytes()),
        None => ct_eq(password.as_bytes(), creds.password.as_bytes()),
    };
    if user_ok & password_ok {
        AuthVerdict::Allowed
    } else {
        AuthVerdict::Unauthorized
    }
}

/// Equality whose time depends only on the lengths (it walks the longer of the two),
/// never on where bytes differ: a guess shorter than the secret takes as long as
/// the secret is, so the secret's length can leak, its bytes cannot.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    #[cfg(test)]
    tests::CT_EQ_CALLS.with(|c| c.set(c.get() + 1));
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

/// Decode standard base64 as Python's `decodebytes` (`binascii.a2b_base64`, not strict)
/// does: characters outside the alphabet (newlines, spaces) are skipped; a pad that
/// completes a quad ends the input (what follows is ignored); a data character after an
/// incomplete pad goes on decoding; input ending inside a quad is an error ("Incorrect
/// padding", or 1 character more than a multiple of 4).
pub fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut quad_pos, mut pads, mut left) = (0usize, 0usize, 0u8);
    for &c in input {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        pads = 0;
        match quad_pos {
            0 => left = v,
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => out.push((left << 6) | v),
        }
        quad_pos = (quad_pos + 1) % 4;
    }
    (quad_pos == 0).then_some(out)
}

/// Standard base64 with padding (for clients and tests).
pub fn base64_encode(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The lower-case hex SHA-1 of `data` (FIPS 180-4), for `{SHA}` passwords.
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (hi, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *hi = hi.wrapping_add(v);
        }
    }
    h.iter().map(|v| format!("{v:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Version;
    use std::cell::Cell;

    thread_local! {
        /// How many times [`ct_eq`] ran on this thread (tests run on their own threads).
        pub(super) static CT_EQ_CALLS: Cell<usize> = const { Cell::new(0) };
    }

    fn req(auth: Option<&str>) -> Request {
        Request {
            method: "POST".into(),
            uri: "/RPC2".into(),
            version: Version::Http11,
            headers: auth
                .map(|a| ("Authorization".into(), a.into()))
                .into_iter()
                .collect(),
            content_length: None,
            body: vec![],
        }
    }

    #[test]
    fn sha1_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            sha1_hex(b"test"),
            "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
        );
        assert_eq!(
            sha1_hex(&[b'a'; 1000]),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
    }

    #[test]
    fn base64_round_trip() {
        for s in [&b""[..], b"u", b"us", b"u:p", b"user:pass word"] {
            assert_eq!(
                base64_decode(base64_encode(s).as_bytes()).as_deref(),
                Some(s)
            );
        }
        assert_eq!(base64_decode(b"dTpw\n"), Some(b"u:p".to_vec()));
        assert_eq!(base64_decode(b"d"), None);
        assert_eq!(base64_decode(b"dT=p"), None);
        // Recorded from Python 3.11's base64.decodebytes (what 4.3's auth handler uses).
        for (input, want) in [
            (&b"dXNlcjoxMjM"[..], None),
            (b"YWJ", None),
            (b"YQ=", None),
            (b"YQ", None),
            (b"dXNlcjoxMjM=x", Some(&b"user:123"[..])),
            (b"YQ==", Some(b"a")),
            (b"YQ==YWJj", Some(b"a")),
            (b"Y=Q==", Some(b"a")),
            (b"Y W J j", Some(b"abc")),
            (b"", Some(b"")),
            (b"====", Some(b"")),
            (b"YQ=x=", Some(b"a\x0c")),
            (b"!!!", Some(b"")),
        ] {
            assert_eq!(base64_decode(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn verdicts() {
        let plain = Credentials {
            username: "u".into(),
            password: "p".into(),
        };
        let sha = Credentials {
            username: "u".into(),
            password: "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3".into(),
        };
        let basic = |s: &str| format!("Basic {}", base64_encode(s.as_bytes()));
        assert_eq!(check(&req(None), None), AuthVerdict::Allowed);
        assert_eq!(check(&req(None), Some(&plain)), AuthVerdict::Unauthorized);
        assert_eq!(
            check(&req(Some(&basic("u:p"))), Some(&plain)),
            AuthVerdict::Allowed
        );
        assert_eq!(
            check(&req(Some(&basic("u:q"))), Some(&plain)),
            AuthVerdict::Unauthorized
        );
        assert_eq!(
            check(&req(Some(&basic("v:p"))), Some(&plain)),
            AuthVerdict::Unauthorized
        );
        assert_eq!(
            check(&req(Some(&basic("u:test"))), Some(&sha)),
            AuthVerdict::Allowed
        );
        assert_eq!(
            check(
                &req(Some(&basic(
                    "u:{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"
                ))),
                Some(&sha)
            ),
            AuthVerdict::Unauthorized
        );
        assert_eq!(
            check(&req(Some("Digest abc")), Some(&plain)),
            AuthVerdict::Unauthorized
        );
        assert_eq!(
            check(&req(Some("Basic !!!d")), Some(&plain)),
            AuthVerdict::Malformed
        );
    }

    #[test]
    fn ct_eq_is_equality() {
        let cases: [(&[u8], &[u8], bool); 9] = [
            (b"", b"", true),
            (b"secret", b"secret", true),
            (b"secret", b"secreT", false),
            (b"secret", b"Secret", false),
            (b"secret", b"secre", false),
            (b"secre", b"secret", false),
            (b"secret", b"", false),
            (b"", b"secret", false),
            // A longer input whose extra bytes are what the padding uses.
            (b"ab", b"ab\xff", false),
        ];
        for (a, b, equal) in cases {
            assert_eq!(ct_eq(a, b), equal, "{a:?} {b:?}");
            assert_eq!(ct_eq(b, a), equal, "{b:?} {a:?}");
        }
        for i in 0..6 {
            let mut other = *b"secret";
            other[i] ^= 1;
            assert!(!ct_eq(b"secret", &other), "differs at {i}");
        }
        assert!(!ct_eq(b"\0", b""));
        assert!(!ct_eq(b"", b"\0"));
    }

    /// Whatever is wrong, `check` compares both the user and the password with
    /// [`ct_eq`] (a wrong user does not skip the password: no early answer tells a
    /// valid user name apart), for cleartext and `{SHA}` passwords. Timing itself
    /// cannot be measured honestly in a test; this pins that the comparisons are
    /// the constant-time ones.
    #[test]
    fn check_compares_user_and_password_with_ct_eq() {
        let plain = Credentials {
            username: "user".into(),
            password: "password".into(),
        };
        let sha = Credentials {
            username: "user".into(),
            password: format!("{{SHA}}{}", sha1_hex(b"password")),
        };
        let basic = |s: &str| format!("Basic {}", base64_encode(s.as_bytes()));
        for creds in [&plain, &sha] {
            for (pair, verdict) in [
                ("user:password", AuthVerdict::Allowed),
                ("user:passwore", AuthVerdict::Unauthorized),
                ("usex:password", AuthVerdict::Unauthorized),
                ("x:y", AuthVerdict::Unauthorized),
                ("user:password:", AuthVerdict::Unauthorized),
                (":", AuthVerdict::Unauthorized),
            ] {
                let before = CT_EQ_CALLS.with(Cell::get);
                assert_eq!(
                    check(&req(Some(&basic(pair))), Some(creds)),
                    verdict,
                    "{pair}"
                );
                let calls = CT_EQ_CALLS.with(Cell::get) - before;
                assert_eq!(calls, 2, "{pair}: ct_eq ran {calls} times");
            }
        }
    }
}
