//! Numbers as people read them, for the page, the CLI and the charts alike: bytes in KB/MB/GB (powers of
//! 1024, as V8, Node and DevTools print them), counts with thousands separators, and durations in
//! ms/s/min/h/d.

/// `1.5 MB`, `512 B`, `-2.0 GB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes.abs();
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let sign = if bytes < 0.0 { "-" } else { "" };
    if unit == 0 {
        format!("{sign}{value:.0} B")
    } else if value < 10.0 {
        format!("{sign}{value:.1} {}", UNITS[unit])
    } else {
        format!("{sign}{value:.0} {}", UNITS[unit])
    }
}

/// `850 ms`, `12.5 s`, `3.2 min`, `5.0 h`, `2.1 d`.
pub fn format_duration_s(seconds: f64) -> String {
    let s = seconds.abs();
    if s < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else if s < 120.0 {
        format!("{seconds:.1} s")
    } else if s < 7200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else {
        format!("{:.1} d", seconds / 86_400.0)
    }
}

/// `1234567` → `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A change in a count, signed: `+1,234`, `−56` (a true minus sign), `+0`.
pub fn format_signed_count(n: i64) -> String {
    format!("{}{}", sign_of(n), format_count(n.unsigned_abs()))
}

/// A change in bytes, signed: `+1.2 MB`, `−56 B`.
pub fn format_signed_bytes(n: i64) -> String {
    format!("{}{}", sign_of(n), format_bytes(n.unsigned_abs() as f64))
}

fn sign_of(n: i64) -> &'static str {
    if n < 0 {
        "−"
    } else {
        "+"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_units() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(1536.0), "1.5 KB");
        assert_eq!(format_bytes(52_428_800.0), "50 MB");
        assert_eq!(format_bytes(-3.0 * 1024.0 * 1024.0 * 1024.0), "-3.0 GB");
        assert_eq!(format_duration_s(0.25), "250 ms");
        assert_eq!(format_duration_s(5400.0), "90.0 min");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1_234_567), "1,234,567");
    }
}
