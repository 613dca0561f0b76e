//! Protection of state-changing actions against cross-site requests (4.3 had none:
//! every action was a GET link, so any page a logged-in operator visited could stop
//! their processes). An action is done only for a POST that
//!
//! 1. carries the daemon's token (a random value the driver makes once per daemon
//!    run and embeds in every form of its pages), compared in constant time, and
//! 2. when the browser says where it comes from (`Origin`, else `Referer`), comes
//!    from the same host as the request (`Host`, or `X-Forwarded-Host` behind a
//!    proxy: a cross-site form cannot set either header).
//!
//! A browser's Basic credentials are sent cross-site too; the token is what an
//! attacker's page cannot know.

/// Why a POST is refused (HTTP 403; nothing is done).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No `token` field.
    #[error("the form has no token: reload the page and use its buttons")]
    MissingToken,
    /// A `token` that is not this daemon's (an old page from before a restart, or a
    /// forged form).
    #[error("the form's token is not this supervisord's: reload the page and try again")]
    BadToken,
    /// `Origin`/`Referer` names another site.
    #[error("the request came from another site ({0})")]
    CrossOrigin(String),
}

/// The headers of a request that matter here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Headers<'a> {
    /// `Host`.
    pub host: Option<&'a str>,
    /// `X-Forwarded-Host`.
    pub forwarded_host: Option<&'a str>,
    /// `Origin`.
    pub origin: Option<&'a str>,
    /// `Referer`.
    pub referer: Option<&'a str>,
}

/// Check a state-changing POST: `token` is the form's `token` field, `expected`
/// the daemon's.
pub fn check_post(
    token: Option<&str>,
    expected: &str,
    headers: Headers<'_>,
) -> Result<(), Refusal> {
    let token = token.ok_or(Refusal::MissingToken)?;
    if !constant_time_eq(token.as_bytes(), expected.as_bytes()) {
        return Err(Refusal::BadToken);
    }
    check_origin(headers)
}

/// The same-site half of [`check_post`], for requests that carry no token (a POST
/// to `/RPC2`): refused when the browser says it comes from another site; a
/// request without `Origin` or `Referer` (every non-browser client) passes.
pub fn check_origin(headers: Headers<'_>) -> Result<(), Refusal> {
    let source = match (headers.origin, headers.referer) {
        (Some(origin), _) => origin,
        (None, Some(referer)) => referer,
        (None, None) => return Ok(()),
    };
    let Some(authority) = authority(source) else {
        return Err(Refusal::CrossOrigin(source.to_owned()));
    };
    let same = [headers.host, headers.forwarded_host]
        .into_iter()
        .flatten()
        .flat_map(|h| h.split(','))
        .any(|h| normalize(h.trim(), None) == authority);
    if same {
        Ok(())
    } else {
        Err(Refusal::CrossOrigin(source.to_owned()))
    }
}

/// The `host[:port]` of an absolute `http(s)://` URL or origin, lower-cased, default
/// port removed; `None` for anything else (`null`, another scheme).
fn authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // user:password@host is not an origin a browser sends; refuse it.
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(normalize(authority, Some(&scheme)))
}

fn normalize(authority: &str, scheme: Option<&str>) -> String {
    let a = authority.to_ascii_lowercase();
    let default = match scheme {
        Some("https") => ":443",
        _ => ":80",
    };
    match a.strip_suffix(default) {
        Some(stripped) if !stripped.ends_with(':') => stripped.to_owned(),
        _ => a,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(origin: Option<&'static str>, referer: Option<&'static str>) -> Headers<'static> {
        Headers {
            host: Some("127.0.0.1:9001"),
            forwarded_host: None,
            origin,
            referer,
        }
    }

    #[test]
    fn token_required_and_compared() {
        assert_eq!(
            check_post(None, "t", with(None, None)),
            Err(Refusal::MissingToken)
        );
        assert_eq!(
            check_post(Some("x"), "t", with(None, None)),
            Err(Refusal::BadToken)
        );
        assert_eq!(check_post(Some("t"), "t", with(None, None)), Ok(()));
    }

    #[test]
    fn origin_then_referer() {
        assert_eq!(
            check_post(Some("t"), "t", with(Some("http://127.0.0.1:9001"), None)),
            Ok(())
        );
        assert!(check_post(Some("t"), "t", with(Some("http://evil.example"), None)).is_err());
        assert!(check_post(Some("t"), "t", with(Some("null"), None)).is_err());
        assert_eq!(
            check_post(
                Some("t"),
                "t",
                with(None, Some("http://127.0.0.1:9001/index.html?x=1"))
            ),
            Ok(())
        );
        assert!(check_post(Some("t"), "t", with(None, Some("http://127.0.0.1:9002/"))).is_err());
        // Origin wins over a matching Referer.
        assert!(
            check_post(
                Some("t"),
                "t",
                with(Some("http://evil.example"), Some("http://127.0.0.1:9001/"))
            )
            .is_err()
        );
    }

    #[test]
    fn default_ports_and_proxies() {
        let h = Headers {
            host: Some("Example.COM"),
            forwarded_host: None,
            origin: Some("https://example.com:443"),
            referer: None,
        };
        assert_eq!(check_post(Some("t"), "t", h), Ok(()));
        let h = Headers {
            host: Some("127.0.0.1:9001"),
            forwarded_host: Some("ops.example"),
            origin: Some("https://ops.example"),
            referer: None,
        };
        assert_eq!(check_post(Some("t"), "t", h), Ok(()));
    }
}
