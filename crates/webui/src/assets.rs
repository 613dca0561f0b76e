//! The static files the pages use, built into the binary: no request for them ever
//! leaves the machine, and no file of the installation is read at run time.

/// One static file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The bytes.
    pub body: &'static [u8],
}

const CSS: &[u8] = include_bytes!("../assets/supervisor.css");
const LOGO: &[u8] = include_bytes!("../assets/logo.svg");
const ICON: &[u8] = include_bytes!("../assets/icon.png");

/// The file served at `path` (the request path, leading slashes ignored, as 4.3's
/// default handler); `None` → 404.
pub fn asset(path: &str) -> Option<Asset> {
    let (content_type, body) = match path.trim_start_matches('/') {
        "stylesheets/supervisor.css" => ("text/css", CSS),
        "images/logo.svg" => ("image/svg+xml", LOGO),
        "images/icon.png" => ("image/png", ICON),
        _ => return None,
    };
    Some(Asset { content_type, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_only() {
        assert_eq!(
            asset("/stylesheets/supervisor.css").map(|a| a.content_type),
            Some("text/css")
        );
        assert!(asset("//images/icon.png").is_some_and(|a| a.body.starts_with(b"\x89PNG")));
        assert_eq!(asset("/images/../stylesheets/supervisor.css"), None);
        assert_eq!(asset("/index.html"), None);
    }
}
