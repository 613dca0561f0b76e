//! Local time as supervisord prints it.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::sys;

/// Seconds since the epoch (negative before it) and the millisecond part, truncated
/// like Python's `int(time.time())` and `%03d` of the fraction.
fn split_epoch(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_millis(),
        ),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_millis() {
                0 => (-secs, 0),
                ms => (-secs - 1, 1000 - ms),
            }
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS,mmm` in local time: the `asctime` of supervisord's log records.
pub fn asctime(t: SystemTime) -> String {
    let (secs, millis) = split_epoch(t);
    match sys::local_time(secs) {
        Some(lt) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{millis:03}",
            lt.year, lt.month, lt.day, lt.hour, lt.minute, lt.second
        ),
        None => format!("@{secs},{millis:03}"),
    }
}

/// The local offset from UTC in seconds at `t` (for the core's stop-time texts).
pub fn utc_offset(t: SystemTime) -> i32 {
    sys::local_time(split_epoch(t).0).map_or(0, |lt| lt.utc_offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn asctime_shape() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_867_440_123);
        let s = asctime(t);
        assert_eq!(s.len(), 23, "{s}");
        assert!(s.ends_with(",123"), "{s}");
        assert_eq!(&s[4..5], "-");
        assert_eq!(&s[10..11], " ");
    }

    #[test]
    fn negative_epoch_millis() {
        let t = UNIX_EPOCH - Duration::from_millis(1_250);
        assert_eq!(split_epoch(t), (-2, 750));
    }
}
