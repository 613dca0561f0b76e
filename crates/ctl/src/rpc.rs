//! XML-RPC calls to supervisord (`POST /RPC2`), with 4.3's `SupervisorTransport` semantics:
//! Basic auth when both username and password are set, any status but 200 is a
//! `ProtocolError`, a `<fault>` is an `xmlrpc.client.Fault`.

use crate::http::{self, HttpError};
use crate::pyerr::{PyException, os_error_class, os_error_text};
use crate::url::Endpoint;
use crate::value::Value;

/// Why a call returned no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The server answered with a fault.
    Fault {
        /// `faultCode`.
        code: i32,
        /// `faultString`.
        string: String,
    },
    /// A socket error (`socket.error` in 4.3; `errno` decides `refused connection` /
    /// `no such file`).
    Socket {
        /// The errno.
        errno: i32,
        /// The exception 4.3 would raise.
        exception: PyException,
    },
    /// An HTTP status other than 200 (`xmlrpc.client.ProtocolError`).
    Protocol {
        /// Status code (401 asks for credentials).
        status: u16,
        /// Reason phrase.
        reason: String,
    },
    /// Ctrl-C while waiting for the answer (4.3: `KeyboardInterrupt`).
    Interrupted,
    /// Anything else (bad URL, unparsable answer...), as the exception 4.3 would raise.
    Other(PyException),
}

impl CallError {
    /// The exception text 4.3's catch-all prints for this error.
    pub fn exception(&self) -> PyException {
        match self {
            CallError::Fault { code, string } => PyException::new(
                "xmlrpc.client.Fault",
                fault_str(*code, string),
                "xmlrpc/client.py",
                668,
            ),
            CallError::Socket { exception, .. } => exception.clone(),
            CallError::Protocol { status, reason } => PyException::new(
                "xmlrpc.client.ProtocolError",
                format!("<ProtocolError for 127.0.0.1/RPC2: {status} {reason}>"),
                "supervisor/xmlrpc.py",
                539,
            ),
            CallError::Interrupted => {
                PyException::new("KeyboardInterrupt", "", "supervisor/supervisorctl.py", 0)
            }
            CallError::Other(e) => e.clone(),
        }
    }

    /// The fault code, if this is a fault.
    pub fn fault_code(&self) -> Option<i32> {
        match self {
            CallError::Fault { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// `str(xmlrpc.client.Fault)`: `<Fault 10: 'BAD_NAME: foo'>`.
pub fn fault_str(code: i32, string: &str) -> String {
    format!("<Fault {code}: {}>", crate::text::repr(string))
}

/// A connection-less client: each call opens its own connection.
#[derive(Debug, Clone)]
pub struct Client {
    serverurl: String,
    endpoint: Result<Endpoint, crate::url::UrlError>,
    auth: Option<String>,
}

impl Client {
    /// A client for `serverurl` with optional credentials (sent only if both are set).
    pub fn new(serverurl: &str, username: Option<&str>, password: Option<&str>) -> Self {
        let auth = match (username, password) {
            (Some(u), Some(p)) => Some(http::base64(format!("{u}:{p}").as_bytes())),
            _ => None,
        };
        Client {
            serverurl: serverurl.to_string(),
            endpoint: Endpoint::parse(serverurl),
            auth,
        }
    }

    /// The URL this client talks to.
    pub fn serverurl(&self) -> &str {
        &self.serverurl
    }

    /// Call `method` with `params`.
    pub fn call(&self, method: &str, params: Vec<Value>) -> Result<Value, CallError> {
        let endpoint = self.endpoint.as_ref().map_err(|e| {
            let (file, line) = e.origin();
            CallError::Other(PyException::new("ValueError", e.to_string(), file, line))
        })?;
        let call = dxr::MethodCall {
            name: method.into(),
            params,
        };
        let xml = call.to_xml().map_err(|e| {
            CallError::Other(PyException::new(
                "TypeError",
                e.to_string(),
                "xmlrpc/client.py",
                0,
            ))
        })?;
        let body = format!("<?xml version='1.0'?>\n{xml}\n");
        let mut request = format!(
            "POST /RPC2 HTTP/1.1\r\nHost: {}\r\nAccept-Encoding: identity\r\nUser-Agent: \
             supervisorctl (rsupervisor)\r\nContent-Type: text/xml\r\nAccept: text/xml\r\n",
            endpoint.host_header()
        );
        if let Some(auth) = &self.auth {
            request.push_str(&format!("Authorization: Basic {auth}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        request.push_str(&body);
        let unix = matches!(endpoint, Endpoint::Unix(_));
        let mut reader =
            http::send(endpoint, request.as_bytes()).map_err(|e| transport_error(e, unix))?;
        let head = reader.head().map_err(|e| transport_error(e, unix))?;
        if head.status != 200 {
            return Err(CallError::Protocol {
                status: head.status,
                reason: head.reason,
            });
        }
        let body = reader.body(&head).map_err(|e| transport_error(e, unix))?;
        parse_response(&body)
    }
}

/// Map a transport failure to what 4.3 raises.
fn transport_error(e: HttpError, unix: bool) -> CallError {
    match e {
        HttpError::Io(io) => match io.raw_os_error() {
            Some(errno) => {
                // http: socket.create_connection re-raises in socket.py; unix: the
                // transport's own sock.connect()
                let (file, line) = if unix {
                    ("supervisor/xmlrpc.py", 557)
                } else {
                    ("socket.py", 836)
                };
                CallError::Socket {
                    errno,
                    exception: PyException::new(
                        os_error_class(errno),
                        os_error_text(errno),
                        file,
                        line,
                    ),
                }
            }
            None => CallError::Other(PyException::new("OSError", io.to_string(), "socket.py", 0)),
        },
        HttpError::Resolve(_) => CallError::Other(PyException::new(
            "socket.gaierror",
            "[Errno -2] Name or service not known",
            "socket.py",
            962,
        )),
        HttpError::Interrupted => CallError::Interrupted,
        HttpError::Disconnected => CallError::Other(PyException::new(
            "http.client.RemoteDisconnected",
            "Remote end closed connection without response",
            "http/client.py",
            294,
        )),
        HttpError::Malformed(line) => CallError::Other(PyException::new(
            "http.client.BadStatusLine",
            crate::text::repr(&line),
            "http/client.py",
            0,
        )),
    }
}

/// Decode a `methodResponse` body: the value, or the fault as [`CallError::Fault`].
pub fn parse_response(body: &[u8]) -> Result<Value, CallError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        CallError::Other(PyException::new(
            "UnicodeDecodeError",
            format!("'utf-8' codec can't decode bytes: {e}"),
            "supervisor/compat.py",
            0,
        ))
    })?;
    // expat normalises line ends before the application sees text (XML 1.0 §2.11)
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if let Ok(response) = dxr::MethodResponse::from_xml(&text) {
        return Ok(response.value);
    }
    if let Ok(fault) = dxr::FaultResponse::from_xml(&text) {
        return Err(CallError::Fault {
            code: fault.fault.code(),
            string: fault.fault.string().to_string(),
        });
    }
    // expat's message for the commonest case (not XML at all); other malformed answers
    // get a text of ours
    let message = if text.trim_start().starts_with('<') {
        "not a valid XML-RPC response: line 1, column 0"
    } else {
        "syntax error: line 1, column 0"
    };
    Err(CallError::Other(PyException::new(
        "xml.parsers.expat.ExpatError",
        message,
        "xmlrpc/client.py",
        451,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_and_faults() {
        let ok = b"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>a\r\nb </string></value>\n</param>\n</params>\n</methodResponse>\n";
        assert_eq!(parse_response(ok), Ok(Value::String("a\nb ".into())));
        let fault = b"<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member><member><name>faultString</name><value><string>BAD_NAME: x</string></value></member></struct></value></fault></methodResponse>";
        assert_eq!(
            parse_response(fault),
            Err(CallError::Fault {
                code: 10,
                string: "BAD_NAME: x".into()
            })
        );
        assert!(matches!(
            parse_response(b"garbage"),
            Err(CallError::Other(_))
        ));
        assert!(matches!(parse_response(b"\xff"), Err(CallError::Other(_))));
    }

    #[test]
    fn fault_text() {
        assert_eq!(
            CallError::Fault {
                code: 10,
                string: "BAD_NAME: x".into()
            }
            .exception()
            .report(),
            "error: <class 'xmlrpc.client.Fault'>, <Fault 10: 'BAD_NAME: x'>: file: xmlrpc/client.py line: 668"
        );
    }
}
