//! Timestamps as metric files write them: ISO-8601 and Grafana's `YYYY-MM-DD HH:MM:SS` strings, and epoch
//! numbers in seconds, milliseconds, microseconds or nanoseconds. Times without a zone are read as UTC.
//! Also the reverse, UTC wall-clock text for chart labels.

/// Milliseconds since the epoch for an epoch number in any of s/ms/µs/ns, told apart by magnitude (valid
/// for dates between 1973 and 5138); `None` for numbers too small to be epoch times.
pub(crate) fn epoch_ms_from_number(x: f64) -> Option<f64> {
    if !x.is_finite() || x <= 0.0 {
        return None;
    }
    if x >= 1e17 {
        Some(x / 1e6)
    } else if x >= 1e14 {
        Some(x / 1e3)
    } else if x >= 1e11 {
        Some(x)
    } else if x >= 1e8 {
        Some(x * 1e3)
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (if month <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, month, day)
}

/// A small cursor over ASCII digits and separators.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let start = self.pos;
        let mut value: i64 = 0;
        while self.pos < self.bytes.len() && self.pos - start < max && self.bytes[self.pos].is_ascii_digit() {
            value = value * 10 + i64::from(self.bytes[self.pos] - b'0');
            self.pos += 1;
        }
        let n = self.pos - start;
        (n >= min).then_some((value, n))
    }

    fn eat(&mut self, options: &[u8]) -> bool {
        if self.pos < self.bytes.len() && options.contains(&self.bytes[self.pos]) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Epoch milliseconds of `YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH[:MM]]` (also `/` between date parts), or of a
/// date alone. `None` when the text is not such a time.
pub(crate) fn parse_datetime(text: &str) -> Option<f64> {
    let mut c = Cursor { bytes: text.trim().as_bytes(), pos: 0 };
    let (year, _) = c.digits(4, 4)?;
    if !c.eat(b"-/") {
        return None;
    }
    let (month, _) = c.digits(1, 2)?;
    if !c.eat(b"-/") {
        return None;
    }
    let (day, _) = c.digits(1, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) as f64 * 86_400_000.0;
    if c.done() {
        return Some(ms);
    }
    if !c.eat(b"T ") {
        return None;
    }
    let (hour, _) = c.digits(2, 2)?;
    if !c.eat(b":") {
        return None;
    }
    let (minute, _) = c.digits(2, 2)?;
    let mut second = 0.0;
    if c.eat(b":") {
        let (s, _) = c.digits(2, 2)?;
        second = s as f64;
        if c.eat(b".,") {
            let (fraction, n) = c.digits(1, 9)?;
            second += fraction as f64 / 10f64.powi(n as i32);
        }
    }
    if hour > 24 || minute > 59 || second >= 61.0 {
        return None;
    }
    ms += (hour * 3_600_000 + minute * 60_000) as f64 + second * 1000.0;
    if c.done() || c.eat(b"Z") {
        return c.done().then_some(ms);
    }
    let sign = if c.eat(b"+") {
        -1.0
    } else if c.eat(b"-") {
        1.0
    } else {
        return None;
    };
    let (oh, _) = c.digits(2, 2)?;
    c.eat(b":");
    let om = c.digits(2, 2).map_or(0, |(m, _)| m);
    c.done().then_some(ms + sign * ((oh * 60 + om) * 60_000) as f64)
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
pub fn format_utc(epoch_ms: f64) -> String {
    let (date, clock) = utc_parts(epoch_ms);
    format!("{date} {clock}")
}

/// (`YYYY-MM-DD`, `HH:MM:SS`) in UTC.
pub fn utc_parts(epoch_ms: f64) -> (String, String) {
    let total_s = (epoch_ms / 1000.0).floor() as i64;
    let days = total_s.div_euclid(86_400);
    let secs = total_s.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (format!("{y:04}-{m:02}-{d:02}"), format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_with_zones_and_fractions() {
        // 1795668324993 is the corpus' first scrape, printed by node as 2026-11-26T04:45:24.993Z.
        assert_eq!(parse_datetime("2026-11-26T04:45:24.993Z"), Some(1_795_668_324_993.0));
        assert_eq!(parse_datetime("2026-11-26 05:45:24.993+01:00"), Some(1_795_668_324_993.0));
        assert_eq!(parse_datetime("2026/11/26 04:45:24"), Some(1_795_668_324_000.0));
        assert_eq!(parse_datetime("1970-01-01"), Some(0.0));
        assert_eq!(parse_datetime("2026-13-01"), None);
        assert_eq!(parse_datetime("12:00"), None);
        assert_eq!(format_utc(1_795_668_324_993.0), "2026-11-26 04:45:24");
    }

    #[test]
    fn epoch_numbers_by_magnitude() {
        assert_eq!(epoch_ms_from_number(1_795_668_324.5), Some(1_795_668_324_500.0));
        assert_eq!(epoch_ms_from_number(1_795_668_324_993.0), Some(1_795_668_324_993.0));
        assert_eq!(epoch_ms_from_number(1_795_668_324_993_000.0), Some(1_795_668_324_993.0));
        assert_eq!(epoch_ms_from_number(1_795_668_324_993_000_000.0), Some(1_795_668_324_993.0));
        assert_eq!(epoch_ms_from_number(12.5), None);
    }
}
