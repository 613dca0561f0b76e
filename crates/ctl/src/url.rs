//! `serverurl` as 4.3's `SupervisorTransport` and `http_client.HTTPHandler` read it.

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `http://host[:port]` (port 80 when absent, as `urlparse` gives `None`).
    Tcp {
        /// Host name as `urlparse(...).hostname` gives it (lower-cased, brackets removed).
        host: String,
        /// Port.
        port: u16,
    },
    /// `unix:///path`: everything after `unix://`.
    Unix(String),
}

/// Why a `serverurl` cannot be used (4.3: `ValueError('Unknown protocol for serverurl ...')`
/// or an invalid port).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Neither `http://` nor `unix://`.
    #[error("Unknown protocol for serverurl {0}")]
    UnknownProtocol(String),
    /// `http://host:port` with a port that is not ASCII digits.
    #[error("Port could not be cast to integer value as {0}")]
    BadPort(String),
    /// `http://host:port` with a port above 65535.
    #[error("Port out of range 0-65535")]
    PortRange,
}

impl UrlError {
    /// Where Python 3.11 raises it (the file and line 4.3's report names): `urlparse`'s
    /// `port` property, or the transport.
    pub fn origin(&self) -> (&'static str, u32) {
        match self {
            UrlError::UnknownProtocol(_) => ("supervisor/xmlrpc.py", 505),
            UrlError::BadPort(_) => ("urllib/parse.py", 182),
            UrlError::PortRange => ("urllib/parse.py", 184),
        }
    }
}

impl Endpoint {
    /// Parse a `serverurl` the way the XML-RPC transport does.
    pub fn parse(serverurl: &str) -> Result<Endpoint, UrlError> {
        if let Some(rest) = serverurl.strip_prefix("http://") {
            let netloc = rest.split(['/', '?', '#']).next().unwrap_or("");
            // userinfo@ is not a host
            let hostport = netloc.rsplit_once('@').map_or(netloc, |(_, h)| h);
            let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
                match bracketed.split_once(']') {
                    Some((h, rest)) => (h.to_string(), rest.strip_prefix(':')),
                    None => (bracketed.to_string(), None),
                }
            } else {
                match hostport.split_once(':') {
                    Some((h, p)) => (h.to_string(), Some(p)),
                    None => (hostport.to_string(), None),
                }
            };
            let port = match port {
                None | Some("") => 80,
                Some(p) if !p.bytes().all(|b| b.is_ascii_digit()) => {
                    return Err(UrlError::BadPort(crate::text::repr(p)));
                }
                Some(p) => p.parse::<u16>().map_err(|_| UrlError::PortRange)?,
            };
            Ok(Endpoint::Tcp {
                host: host.to_lowercase(),
                port,
            })
        } else if let Some(path) = serverurl.strip_prefix("unix://") {
            Ok(Endpoint::Unix(path.to_string()))
        } else {
            Err(UrlError::UnknownProtocol(serverurl.to_string()))
        }
    }

    /// The `Host:` header value.
    pub fn host_header(&self) -> String {
        match self {
            Endpoint::Tcp { host, port } if *port == 80 => host.clone(),
            Endpoint::Tcp { host, port } => format!("{host}:{port}"),
            Endpoint::Unix(_) => "localhost".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_transport() {
        assert_eq!(
            Endpoint::parse("http://LocalHost:9001/"),
            Ok(Endpoint::Tcp {
                host: "localhost".into(),
                port: 9001
            })
        );
        assert_eq!(
            Endpoint::parse("http://h"),
            Ok(Endpoint::Tcp {
                host: "h".into(),
                port: 80
            })
        );
        assert_eq!(
            Endpoint::parse("unix:///tmp/x.sock"),
            Ok(Endpoint::Unix("/tmp/x.sock".into()))
        );
        assert!(Endpoint::parse("ftp://x").is_err());
        // Python 3.11's urlparse(...).port
        assert_eq!(Endpoint::parse("http://h:99999"), Err(UrlError::PortRange));
        assert_eq!(
            Endpoint::parse("http://h:000000000000000000080"),
            Ok(Endpoint::Tcp {
                host: "h".into(),
                port: 80
            })
        );
        assert_eq!(
            Endpoint::parse("http://h:+5").map_err(|e| e.to_string()),
            Err("Port could not be cast to integer value as '+5'".into())
        );
        assert_eq!(
            Endpoint::parse("http://[::1]:5"),
            Ok(Endpoint::Tcp {
                host: "::1".into(),
                port: 5
            })
        );
    }
}
