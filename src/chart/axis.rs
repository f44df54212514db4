//! Axis ticks and labels in human units: bytes in B/KB/MB/GB (powers of 1024, as V8 and Node print them),
//! elapsed time in ms/s/min/h, wall-clock time in UTC (`HH:MM:SS`, `HH:MM`, dates), pause times in ms.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use crate::metrics::time::utc_parts;

/// A linear f64 axis whose grid lines and labels sit exactly at our ticks (plotters' own key points are
/// round numbers of the raw unit, not round megabytes or minutes).
#[derive(Debug, Clone)]
pub(crate) struct TickedRange {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        let fraction = if span > 0.0 { ((value - self.lo) / span).clamp(-4.0, 5.0) } else { 0.0 };
        limit.0 + (f64::from(limit.1 - limit.0) * fraction).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Tick positions and the labels to print at them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    pub labels: Vec<String>,
    /// Distance between ticks.
    pub step: f64,
}

impl Ticks {
    /// The label of a tick value (empty for a value that is not a tick).
    pub fn label(&self, value: f64) -> String {
        self.values
            .iter()
            .position(|v| (v - value).abs() <= self.step * 1e-6)
            .map_or(String::new(), |i| self.labels[i].clone())
    }

    pub fn first(&self) -> f64 {
        self.values.first().copied().unwrap_or(0.0)
    }

    pub fn last(&self) -> f64 {
        self.values.last().copied().unwrap_or(1.0)
    }
}

/// The smallest 1-2-5 step times a power of ten that splits `span` into at most `max_ticks` intervals.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = (span / max_ticks as f64).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude)
}

/// Ticks from 0 (or below `lo` when it is negative) to at least `hi`, in units of `unit_size`, labelled
/// with `suffix`.
fn linear_ticks(lo: f64, hi: f64, unit_size: f64, suffix: &str, max_ticks: usize) -> Ticks {
    let (lo_u, hi_u) = (lo.min(0.0) / unit_size, hi.max(lo + f64::EPSILON) / unit_size);
    let step = nice_step(hi_u - lo_u, max_ticks);
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let first = (lo_u / step).floor() as i64;
    let last = (hi_u / step).ceil() as i64;
    let values: Vec<f64> = (first..=last).map(|k| k as f64 * step * unit_size).collect();
    let labels = (first..=last).map(|k| format!("{:.*}{suffix}", decimals, k as f64 * step)).collect();
    Ticks { values, labels, step: step * unit_size }
}

/// Byte ticks from 0 to at least `max_bytes`.
pub(crate) fn byte_ticks(max_bytes: f64) -> Ticks {
    let units = [
        (1.0, " B"),
        (1024.0, " KB"),
        (1024.0 * 1024.0, " MB"),
        (1024f64.powi(3), " GB"),
        (1024f64.powi(4), " TB"),
    ];
    let (size, suffix) =
        units.iter().rev().find(|(size, _)| max_bytes >= *size * 2.0).copied().unwrap_or(units[0]);
    linear_ticks(0.0, max_bytes, size, suffix, 6)
}

/// Millisecond ticks for pause times.
pub(crate) fn millisecond_ticks(max_ms: f64) -> Ticks {
    linear_ticks(0.0, max_ms.max(0.001), 1.0, " ms", 6)
}

/// Steps (ms) a time axis may use.
const TIME_STEPS_MS: [f64; 24] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5,
    9e5, 18e5, 36e5, 72e5, 216e5,
];

fn time_step(span_ms: f64) -> f64 {
    TIME_STEPS_MS.iter().copied().find(|s| span_ms / s <= 8.0).unwrap_or_else(|| {
        let days = (span_ms / 86_400_000.0 / 8.0).ceil().max(1.0);
        days * 86_400_000.0
    })
}

/// Ticks for a time axis over `[t0, t1]` ms: elapsed time since `t0`, or UTC clock time for epoch times.
pub(crate) fn time_ticks(t0: f64, t1: f64, wall_clock: bool) -> Ticks {
    let span = (t1 - t0).max(1.0);
    let step = time_step(span);
    let origin = if wall_clock { 0.0 } else { t0 };
    let first = ((t0 - origin) / step).ceil() as i64;
    let last = ((t1 - origin) / step).floor() as i64;
    let values: Vec<f64> = (first..=last).map(|k| origin + k as f64 * step).collect();
    let labels = values
        .iter()
        .map(|&t| if wall_clock { clock_label(t, step) } else { elapsed_label(t - t0, step) })
        .collect();
    Ticks { values, labels, step }
}

fn clock_label(t: f64, step: f64) -> String {
    let (date, clock) = utc_parts(t);
    if step >= 86_400_000.0 {
        date
    } else if step >= 60_000.0 {
        clock[..5].to_string()
    } else if step >= 1000.0 {
        clock
    } else {
        format!("{clock}.{:03}", (t.rem_euclid(1000.0)) as i64)
    }
}

fn elapsed_label(ms: f64, step: f64) -> String {
    if step < 1000.0 {
        let decimals = if step >= 100.0 {
            1
        } else if step >= 10.0 {
            2
        } else {
            3
        };
        format!("{:.*} s", decimals, ms / 1000.0)
    } else if step < 60_000.0 {
        format!("{:.0} s", ms / 1000.0)
    } else if step < 3_600_000.0 {
        let minutes = ms / 60_000.0;
        if minutes.fract() == 0.0 {
            format!("{minutes:.0} min")
        } else {
            format!("{minutes:.1} min")
        }
    } else {
        let hours = ms / 3_600_000.0;
        if hours.fract() == 0.0 {
            format!("{hours:.0} h")
        } else {
            format!("{hours:.1} h")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ticks_use_round_megabytes() {
        let t = byte_ticks(14.2 * 1024.0 * 1024.0);
        assert_eq!(t.labels, ["0 MB", "5 MB", "10 MB", "15 MB"]);
        assert_eq!(t.last(), 15.0 * 1024.0 * 1024.0);
        assert_eq!(byte_ticks(3000.0).labels.last().map(String::as_str), Some("3.0 KB"));
    }

    #[test]
    fn time_ticks_elapsed_and_wall_clock() {
        let t = time_ticks(1000.0, 6500.0, false);
        assert_eq!(t.labels, ["0 s", "1 s", "2 s", "3 s", "4 s", "5 s"]);
        let t = time_ticks(1_795_668_324_615.0, 1_795_668_330_065.0, true);
        assert_eq!(t.labels.first().map(String::as_str), Some("04:45:25"));
        let t = time_ticks(0.0, 3.0 * 3_600_000.0, false);
        assert_eq!(t.labels, ["0 min", "30 min", "60 min", "90 min", "120 min", "150 min", "180 min"]);
    }
}
