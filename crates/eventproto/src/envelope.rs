//! The notification envelope: one header line, then the payload with no terminator.
//!
//! ```text
//! ver:3.0 server:<identifier> serial:<n> pool:<pool> poolserial:<n> eventname:<NAME> len:<n>\n<payload>
//! ```
//!
//! `len` counts CHARACTERS (Unicode scalar values, Python's `len(str)`), not bytes, while
//! the payload is written as UTF-8: for non-ASCII payloads more than `len` bytes follow.
//! This is 4.3's behaviour (spec §4.2, §11 item 2; supervisor issue #1243) and it is kept
//! on purpose: listeners written for 4.3 in Python read `len` characters from a text
//! stream (`childutils.listener.wait`), and they would hang or desynchronise if `len`
//! counted bytes. Byte-oriented listeners must decode while reading (see
//! [`Header::payload_byte_len`]).

use crate::names::EventType;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The protocol version in every header.
pub const VERSION: &str = "3.0";

/// One header, as written before each payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `server:`, supervisord's `identifier` (default `supervisor`).
    pub server: String,
    /// `serial:`, the global event serial.
    pub serial: u64,
    /// `pool:`, the listener pool's name.
    pub pool: String,
    /// `poolserial:`, the pool's own serial.
    pub poolserial: u64,
    /// `eventname:`.
    pub event: EventType,
    /// `len:`, the payload length in characters.
    pub len: usize,
}

/// Why a header line could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// A token is missing, out of order, or not `key:value`.
    Malformed(String),
    /// `eventname:` names no known type.
    UnknownEvent(String),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::Malformed(line) => write!(f, "malformed header line: {line:?}"),
            HeaderError::UnknownEvent(name) => write!(f, "unknown event name: {name:?}"),
        }
    }
}

impl std::error::Error for HeaderError {}

impl Header {
    /// The header line, with its trailing `\n`.
    pub fn render(&self) -> String {
        format!(
            "ver:{VERSION} server:{} serial:{} pool:{} poolserial:{} eventname:{} len:{}\n",
            self.server, self.serial, self.pool, self.poolserial, self.event, self.len
        )
    }

    /// Parse a header line (with or without its `\n`). Tokens must be in 4.3's order; the
    /// server and pool names may not contain spaces (4.3 does not forbid a space in
    /// `identifier`, but such a header cannot be split by any listener either).
    pub fn parse(line: &str) -> Result<Header, HeaderError> {
        let bad = || HeaderError::Malformed(line.to_string());
        let line = line.strip_suffix('\n').unwrap_or(line);
        let mut tokens = line.split(' ');
        let mut next = |key: &str| -> Result<&str, HeaderError> {
            let tok = tokens.next().ok_or_else(bad)?;
            tok.strip_prefix(key)
                .and_then(|t| t.strip_prefix(':'))
                .ok_or_else(bad)
        };
        if next("ver")? != VERSION {
            return Err(bad());
        }
        let server = next("server")?.to_string();
        let serial = next("serial")?.parse().map_err(|_| bad())?;
        let pool = next("pool")?.to_string();
        let poolserial = next("poolserial")?.parse().map_err(|_| bad())?;
        let name = next("eventname")?;
        let event =
            EventType::from_name(name).ok_or_else(|| HeaderError::UnknownEvent(name.into()))?;
        let len = next("len")?.parse().map_err(|_| bad())?;
        if tokens.next().is_some() {
            return Err(bad());
        }
        Ok(Header {
            server,
            serial,
            pool,
            poolserial,
            event,
            len,
        })
    }

    /// How many bytes of `rest` (the bytes after the header line) make up the payload:
    /// the UTF-8 length of the first `len` characters. `None` if `rest` holds fewer
    /// characters, or bytes that are not UTF-8 before the end of the payload.
    pub fn payload_byte_len(&self, rest: &[u8]) -> Option<usize> {
        let mut chars = 0;
        let mut at = 0;
        while chars < self.len {
            let first = *rest.get(at)?;
            let width = match first {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => return None,
            };
            std::str::from_utf8(rest.get(at..at + width)?).ok()?;
            at += width;
            chars += 1;
        }
        Some(at)
    }
}

/// Python's `len(str)`: the number of characters.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Header and payload as written to the listener's stdin.
pub fn envelope(
    server: &str,
    serial: u64,
    pool: &str,
    poolserial: u64,
    event: EventType,
    payload: &str,
) -> Vec<u8> {
    let header = Header {
        server: server.to_string(),
        serial,
        pool: pool.to_string(),
        poolserial,
        event,
        len: char_len(payload),
    };
    let mut bytes = header.render().into_bytes();
    bytes.extend_from_slice(payload.as_bytes());
    bytes
}
