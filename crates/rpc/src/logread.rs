//! The byte ranges of `readLog`/`readProcess*Log` (`options.readFile`) and
//! `tailProcess*Log` (`options.tailFile`), computed from the file size alone so the
//! driver only has to `seek` and `read` (spec §3.7).

use supervisor_core::{Fault, FaultCode};

/// What `readFile(offset, length)` reads from a file of `size` bytes: `(start, len)`,
/// `len == None` meaning "to the end". BAD_ARGUMENTS for a negative offset with a
/// length, or a negative length.
pub fn read_range(offset: i64, length: i64, size: u64) -> Result<(u64, Option<u64>), Fault> {
    if offset < 0 {
        if length != 0 {
            return Err(Fault::bare(FaultCode::BadArguments));
        }
        let back = offset.unsigned_abs();
        return Ok((size.saturating_sub(back), Some(back)));
    }
    if length < 0 {
        return Err(Fault::bare(FaultCode::BadArguments));
    }
    let start = offset.unsigned_abs();
    Ok((start, (length != 0).then_some(length.unsigned_abs())))
}

/// What `tailFile(offset, length)` does with a file of `size` bytes:
/// `(start, len, overflow)`; the offset returned to the client is always `size`.
pub fn tail_range(offset: i64, length: i64, size: u64) -> (u64, u64, bool) {
    let sz = i128::from(size);
    let (mut offset, mut length) = (i128::from(offset), i128::from(length));
    let mut overflow = false;
    if sz > offset + length {
        overflow = true;
        offset = sz - 1;
    }
    if offset + length > sz {
        if offset > sz - 1 {
            length = 0;
        }
        offset = sz - length;
    }
    let offset = u64::try_from(offset.max(0)).unwrap_or(u64::MAX);
    let length = u64::try_from(length.max(0)).unwrap_or(u64::MAX);
    (offset, length, overflow)
}

/// Log bytes as an XML-RPC string. 4.3 decodes strictly and answers HTTP 500 for a
/// slice holding invalid UTF-8 (spec §11 item 10, e.g. a slice cut in the middle of a
/// multi-byte character); here each invalid sequence becomes U+FFFD and the call
/// succeeds.
pub fn log_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_examples_from_the_spec() {
        // A 6-byte log "before".
        assert_eq!(tail_range(0, 3, 6), (3, 3, true)); // 'ore'
        assert_eq!(tail_range(0, 100, 6), (0, 100, false)); // read stops at EOF
        assert_eq!(tail_range(6, 100, 6), (6, 0, false));
        assert_eq!(tail_range(1000, 100, 6), (6, 0, false));
        assert_eq!(tail_range(0, 0, 0), (0, 0, false));
    }

    #[test]
    fn read_ranges() {
        assert_eq!(read_range(0, 0, 10), Ok((0, None)));
        assert_eq!(read_range(2, 3, 10), Ok((2, Some(3))));
        assert_eq!(read_range(-4, 0, 10), Ok((6, Some(4))));
        assert_eq!(read_range(-40, 0, 10), Ok((0, Some(40))));
        assert_eq!(
            read_range(-4, 1, 10).map_err(|f| f.code),
            Err(FaultCode::BadArguments)
        );
        assert_eq!(
            read_range(0, -1, 10).map_err(|f| f.code),
            Err(FaultCode::BadArguments)
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(log_text(b"a\x88b"), "a\u{fffd}b");
    }
}
