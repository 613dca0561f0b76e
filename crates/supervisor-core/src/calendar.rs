//! Calendar arithmetic for the dates supervisord prints (process stop times, HTTP `Date`
//! headers, the web UI's clock): pure integer math on epoch seconds, no clock and no time
//! zone database — callers pass the local UTC offset they want.

/// Abbreviated month names, January first (`%b`).
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Abbreviated weekday names, indexed by days since 1970-01-01 modulo 7 (a Thursday).
pub const WEEKDAYS_FROM_EPOCH: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// A broken-down date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    /// Year (proleptic Gregorian).
    pub year: i64,
    /// Month, 1..=12.
    pub month: i64,
    /// Day of the month, 1..=31.
    pub day: i64,
    /// Hour, 0..=23.
    pub hour: i64,
    /// Minute, 0..=59.
    pub minute: i64,
    /// Second, 0..=59.
    pub second: i64,
    /// `%a`: abbreviated weekday name.
    pub weekday: &'static str,
}

impl CivilTime {
    /// `%b`: the abbreviated month name.
    pub fn month_name(&self) -> &'static str {
        MONTHS[usize::try_from(self.month - 1).unwrap_or(0) % 12]
    }
}

/// Break epoch seconds, shifted by `utc_offset_secs`, into a civil date and time.
pub fn civil_time(epoch_secs: i64, utc_offset_secs: i32) -> CivilTime {
    let local = epoch_secs.saturating_add(i64::from(utc_offset_secs));
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    CivilTime {
        year,
        month,
        day,
        hour: secs / 3600,
        minute: secs % 3600 / 60,
        second: secs % 60,
        weekday: WEEKDAYS_FROM_EPOCH[usize::try_from(days.rem_euclid(7)).unwrap_or(0)],
    }
}

/// Days since 1970-01-01 → (year, month 1..=12, day 1..=31): H. Hinnant's civil-from-days.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2026-11-28 14:10:46 UTC, a Saturday
        let t = civil_time(1_795_875_046, 0);
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2026, 11, 28, 14, 10, 46)
        );
        assert_eq!((t.weekday, t.month_name()), ("Sat", "Nov"));
        // the offset moves the day
        assert_eq!(civil_time(1_795_875_046, 10 * 3600).day, 29);
    }
}
