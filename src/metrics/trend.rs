//! Leak verdicts on memory series: the GC-aware floor (see [`super::floor`] for where it comes from), the
//! verdict read from it with a confidence and one sentence of evidence, the time to the heap limit, GC
//! statistics, and the report that sums them up.
//!
//! **GC-cycle floors** (major GCs from a GC log, the old generation's drops, drops in sampled heap) are
//! judged cycle by cycle. The floor points in the first tenth of the run (start-up) are left out. A floor
//! point can sit above the true post-GC level (a sample taken a while after the GC) but not below it, so the
//! floor is read through its lower envelope from the future. The growth is *material* when the envelope
//! rose by [`TrendOptions::min_growth_fraction`] of its start or at
//! [`TrendOptions::min_growth_fraction_per_hour`] (half the fraction when exact floors rose in two thirds of
//! the cycles), and by [`TrendOptions::min_growth_bytes`]. Then: no material growth is `stable` (or
//! `growing` when the floor still rose in most cycles); the last two cycles holding within the floor's noise
//! over a quarter of the time, or, with exact floors, a last long cycle rising at under a tenth of the
//! earlier rate, is a plateau (`stable`); the floor never coming back down and rising in at least two cycles
//! (three for sampled floors, or a Mann–Kendall trend over 8 exact cycles) with no single jump making three
//! quarters of the growth is a `leak`; anything else material is `growing` (one jump: a step or a leak's
//! start; two cycles: one comparison).
//!
//! **Noisy floors** measure their growth from the lowest point of the first third of the run to the lowest
//! of the last (nothing corrects the last points). Drops in sampled heap, of five cycles or more, are read
//! by [`noisy::read`] against their noise (leak, step or leak's start, plateau, stable, growing or
//! insufficient data). An old generation sampled coarsely (noise over 2% of its level, as from 15 s
//! scrapes), whose first sample after a major GC often sits on the floor, is a `leak` when its lowest point
//! rose from each third of the run to the next by over 1% (see [`noisy::rises_every_third`]), no one of
//! those rises making three quarters of the growth. Sampled floors that rise only within their noise give
//! `insufficient data`, as does a sampled heap that saws with no GC drop standing out and fewer than three
//! samples per floor window (15 s samples: the windows' minima would be anywhere on the sawtooth).
//!
//! **Floors without cycles** (windows' minima: external memory, a heap without drops) use the Theil–Sen
//! slope (with Sen's 95% interval) and the Mann–Kendall test over the series' span: material and significant
//! growth is a leak, one of the two growing; growth that one level shift explains, or that stopped, is
//! stable. RSS and heapTotal are at most "growing": V8 and the allocator keep pages, so their growth alone
//! does not show that the process keeps objects.
//!
//! **The report's verdict** is decided by the memory the process keeps: the JS heap's floor and external and
//! array-buffer memory; the most severe of those series wins (ties: the one that grew most in bytes), but a
//! heap too coarse to judge is not outvoted by flat external memory.
//!
//! Performance: O(n) per series plus O(m²) on at most [`super::stats::MAX_POINTS`] floor points.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::floor;
pub use super::floor::FloorSource;
use super::noisy::{self, Reading};
use super::series::{GcEvent, GcKind, Histogram, Role, Series, TimeBase, Unit};
use super::shape::{self, Shape};
use super::stats::{mann_kendall, quantile, theil_sen};
use super::{MetricsFile, Warning};

/// Below this many floor points the floor's own trend test has too little power (a strictly increasing
/// sequence of 4 has p = 1/24) and significance also draws on the raw samples.
const FEW_FLOOR_POINTS: usize = 8;
const MS_PER_HOUR: f64 = 3_600_000.0;
/// The shortest old generation without a major GC drop that a leak is called on: over its first minute a
/// process builds its working set (a service that fills its buffers, then dies of a heap too small for
/// them, grows like a leak).
const MIN_LEAK_SPAN_MS: f64 = 60_000.0;
/// A sampled heap series (no GC events) that saws without GC drops that stand out needs this many samples
/// per floor window for the windows' minima to be near its floor: with fewer (15 s scrapes), each window's
/// lowest sample is anywhere on the sawtooth.
const FEW_SAMPLES_PER_WINDOW: usize = 3;

/// Tuning of the verdicts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrendOptions {
    /// V8's heap limit in bytes, when the user knows it (overrides what the files say).
    pub heap_limit_bytes: Option<f64>,
    /// Significance level of the trend test.
    pub alpha: f64,
    /// Growth of the fitted floor, as a fraction of its start (or of the lowest floor point when the fit
    /// starts below it), that counts as material.
    pub min_growth_fraction: f64,
    /// Growth of GC-cycle floors per hour, as a fraction of their start, that counts as material even when
    /// the run is too short for `min_growth_fraction` (a slow leak over a few minutes, or the first part of
    /// a run).
    pub min_growth_fraction_per_hour: f64,
    /// Growth of the fitted floor, in bytes, below which growth is not material whatever its fraction.
    pub min_growth_bytes: f64,
    /// Fewest samples a series needs for a verdict.
    pub min_samples: usize,
}

impl TrendOptions {
    /// The most growth a `stable` floor at `level` may hide: under material growth.
    fn most_flat_growth(&self, level: f64) -> f64 {
        (self.min_growth_fraction * level.abs()).max(self.min_growth_bytes)
    }
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            heap_limit_bytes: None,
            alpha: 0.05,
            min_growth_fraction: 0.10,
            min_growth_fraction_per_hour: 0.60,
            min_growth_bytes: 512.0 * 1024.0,
            min_samples: 8,
        }
    }
}

/// What the numbers say about a series or a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    InsufficientData,
    Stable,
    Growing,
    Leak,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::InsufficientData => "insufficient data",
            Verdict::Stable => "stable",
            Verdict::Growing => "growing",
            Verdict::Leak => "leak",
        }
    }
}

/// How sure a verdict is: from the number of floor points, whether they come from exact GC events, and how
/// clear the trend test is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The trend of one series.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeriesTrend {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub unit: Unit,
    pub role: Option<Role>,
    pub time_base: TimeBase,
    pub samples: usize,
    pub verdict: Verdict,
    /// One sentence with the numbers behind the verdict, checkable on the chart's floor points.
    pub reason: String,
    /// How sure the verdict is (none for insufficient data).
    pub confidence: Option<Confidence>,
    /// Slope of the floor per hour (in the series' unit), and its 95% interval.
    pub slope_bytes_per_hour: Option<f64>,
    pub slope_ci_bytes_per_hour: Option<[f64; 2]>,
    /// Two-sided Mann–Kendall p-value of the floor.
    pub p_value: Option<f64>,
    /// The fitted floor at the first and last sample.
    pub floor_start: Option<f64>,
    pub floor_end: Option<f64>,
    pub growth_fraction: Option<f64>,
    /// Seconds until the fitted floor reaches the heap limit (heap series with a known limit and a rising
    /// floor only).
    pub time_to_limit_s: Option<f64>,
    pub span_s: f64,
    pub floor_source: Option<FloorSource>,
    /// Scavenges (minor GCs) in the GC events behind a heap series, when the file has GC events.
    pub minor_gcs: usize,
    /// Floor points, `[t_ms, value]`: one per GC cycle (or per window, see `floor_source`).
    pub floor: Vec<[f64; 2]>,
}

impl SeriesTrend {
    /// `name{k="v",...}`, the way Prometheus writes a series; the report's `verdict_series` uses it.
    pub fn display_name(&self) -> String {
        super::series::series_label(&self.name, self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// GC statistics, from GC events or (estimated) from a GC duration histogram.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GcStats {
    /// `events` or `histogram`.
    pub source: String,
    pub count: f64,
    pub major: f64,
    pub minor: f64,
    pub pause_p50_ms: Option<f64>,
    pub pause_p95_ms: Option<f64>,
    /// Longest pause; from a histogram, the upper bound of the highest filled bucket.
    pub pause_max_ms: Option<f64>,
    pub total_pause_ms: f64,
    /// Share of wall time spent in GC pauses.
    pub gc_time_fraction: Option<f64>,
    pub gc_per_minute: Option<f64>,
    pub span_s: f64,
}

/// The answer of [`analyze`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrendReport {
    /// The format(s) read, `+`-joined.
    pub format: String,
    pub file_name: String,
    pub warnings: Vec<Warning>,
    pub verdict: Verdict,
    /// The series that decided the verdict.
    pub verdict_series: Option<String>,
    pub reason: String,
    pub notes: Vec<String>,
    pub heap_limit_bytes: Option<f64>,
    pub series: Vec<SeriesTrend>,
    pub gc: Option<GcStats>,
}

/// Analyses a (possibly combined) metrics file.
pub fn analyze(file: &MetricsFile, options: &TrendOptions) -> TrendReport {
    let heap_limit = options.heap_limit_bytes.or(file.heap_limit_bytes);
    let series: Vec<SeriesTrend> = file
        .series
        .iter()
        .filter(|s| s.unit == Unit::Bytes && s.role != Some(Role::HeapLimit))
        .map(|s| {
            let old_generation =
                (s.role == Some(Role::HeapUsed)).then(|| floor::old_generation(&file.series, s)).flatten();
            let mut trend = analyze_with(s, old_generation.as_ref(), &file.gc_events, heap_limit, options);
            if file.out_of_memory {
                judge_out_of_memory(&mut trend, options);
            }
            trend
        })
        .collect();
    let mut notes = file.notes.clone();
    let decisive: Vec<&SeriesTrend> =
        series.iter().filter(|s| s.role.is_some_and(Role::is_retained)).collect();
    let decider = decisive.iter().copied().max_by(|a, b| {
        let growth = |s: &SeriesTrend| s.floor_end.unwrap_or(0.0) - s.floor_start.unwrap_or(0.0);
        // Sampled series before those derived from GC logs, which see the heap only at GCs.
        let sampled = |s: &SeriesTrend| !s.name.ends_with("_after_gc");
        a.verdict
            .cmp(&b.verdict)
            .then(sampled(a).cmp(&sampled(b)))
            .then(growth(a).total_cmp(&growth(b)))
            .then(role_rank(a.role).cmp(&role_rank(b.role)))
    });
    // arrayBuffers is part of external: when both tell the same story, name the larger quantity.
    let decider = match decider {
        Some(d) if d.role == Some(Role::ArrayBuffers) => decisive
            .iter()
            .copied()
            .find(|s| s.role == Some(Role::External) && s.verdict == d.verdict)
            .or(Some(d)),
        other => other,
    };
    // A heap too coarse to judge is not outvoted by flat external memory.
    let heap_unknown = decisive.iter().find(|s| {
        s.role == Some(Role::HeapUsed) && s.verdict == Verdict::InsufficientData && s.floor_source.is_some()
    });
    let decider = match (decider, heap_unknown) {
        (Some(d), Some(heap)) if d.verdict == Verdict::Stable => Some(*heap),
        (d, _) => d,
    };
    let (verdict, verdict_series, reason) = match decider {
        Some(s) => (s.verdict, Some(s.display_name()), format!("{}: {}", s.display_name(), s.reason)),
        None => (
            Verdict::InsufficientData,
            None,
            "no JS heap, external or array-buffer memory series to judge (RSS alone cannot show a leak)"
                .to_string(),
        ),
    };
    if verdict <= Verdict::Stable {
        for rss in series.iter().filter(|s| matches!(s.role, Some(Role::Rss | Role::HeapTotal))) {
            if rss.verdict == Verdict::Growing {
                notes.push(format!(
                    "{} grows ({}) while the heap floor and external memory do not: V8 and the allocator keep \
                     pages they no longer use; this is not a leak",
                    rss.display_name(),
                    rss.reason
                ));
            }
        }
    }
    let sees_external = series.iter().any(|s| matches!(s.role, Some(Role::External | Role::ArrayBuffers)));
    if verdict == Verdict::Stable && !sees_external {
        notes.push(
            "this file shows the JavaScript heap only: memory outside it (Buffers, typed arrays, native \
             allocations) is not in it, and a leak there would not show; process.memoryUsage()'s external or \
             prom-client's nodejs_external_memory_bytes would"
                .to_string(),
        );
    }
    if file.out_of_memory {
        notes.push("the log ends in a JavaScript heap out-of-memory crash".to_string());
    }
    TrendReport {
        format: file.formats.iter().map(|f| f.name()).collect::<Vec<_>>().join("+"),
        file_name: file.file_name.clone(),
        warnings: file.warnings.clone(),
        verdict,
        verdict_series,
        reason,
        notes,
        heap_limit_bytes: heap_limit,
        series,
        gc: gc_stats(&file.gc_events).or_else(|| histogram_gc_stats(&file.gc_histograms)),
    }
}

/// The heap of a process that died of heap out-of-memory. A floor that climbed for over a minute and then
/// held until the crash did not reach a plateau: it held at the heap's limit, so it is a leak. A process
/// that died within its first minute had a working set too big for its heap, which its floor climbs with
/// while the major GCs thrash: growth, not a leak. The climb ends at the first floor point nine tenths of
/// the way from the first to the last.
fn judge_out_of_memory(trend: &mut SeriesTrend, options: &TrendOptions) {
    let cycles = trend.floor_source.is_some_and(FloorSource::is_cycles);
    if trend.role != Some(Role::HeapUsed) || !cycles {
        return;
    }
    if trend.verdict == Verdict::Leak && trend.span_s * 1000.0 < MIN_LEAK_SPAN_MS {
        trend.verdict = Verdict::Growing;
        trend.reason.push_str(&format!(
            ", but the process died of heap out-of-memory within {}: a working set too big for the heap, not \
             yet a leak",
            format_span(trend.span_s * 1000.0)
        ));
        return;
    }
    if trend.verdict != Verdict::Stable {
        return;
    }
    let (Some(start), Some(last)) = (trend.floor.first(), trend.floor.last()) else { return };
    let rise = last[1] - start[1];
    let Some(top) = trend.floor.iter().find(|p| p[1] >= start[1] + 0.9 * rise) else { return };
    let climbed_ms = top[0] - start[0];
    let material = rise >= options.min_growth_bytes && rise >= options.min_growth_fraction * start[1].abs();
    if material && climbed_ms >= MIN_LEAK_SPAN_MS {
        trend.verdict = Verdict::Leak;
        trend.reason = format!(
            "floor ({}) climbed {} → {} over {}, then held only until the process died of heap out-of-memory: \
             it held at the heap's limit, not at a plateau",
            trend.floor_source.map_or("", FloorSource::describe),
            format_level(start[1], trend.unit),
            format_level(last[1], trend.unit),
            format_span(climbed_ms)
        );
    }
}

fn role_rank(role: Option<Role>) -> u8 {
    match role {
        Some(Role::External) => 3,
        Some(Role::HeapUsed) => 2,
        Some(Role::ArrayBuffers) => 1,
        _ => 0,
    }
}

/// The trend of one series, on its own (GC events of the file on the same clock are used; no heap-space
/// figures).
pub fn analyze_series(
    series: &Series,
    gc_events: &[GcEvent],
    heap_limit: Option<f64>,
    options: &TrendOptions,
) -> SeriesTrend {
    analyze_with(series, None, gc_events, heap_limit, options)
}

/// The trend of one series; `old_generation` is the heap minus new space when the file has heap spaces.
fn analyze_with(
    series: &Series,
    old_generation: Option<&Series>,
    gc_events: &[GcEvent],
    heap_limit: Option<f64>,
    options: &TrendOptions,
) -> SeriesTrend {
    let span_ms = match (series.t_ms.first(), series.t_ms.last()) {
        (Some(a), Some(b)) => b - a,
        _ => 0.0,
    };
    let mut trend = SeriesTrend {
        name: series.name.clone(),
        labels: series.labels.iter().cloned().collect(),
        unit: series.unit,
        role: series.role,
        time_base: series.time_base,
        samples: series.len(),
        verdict: Verdict::InsufficientData,
        reason: String::new(),
        confidence: None,
        slope_bytes_per_hour: None,
        slope_ci_bytes_per_hour: None,
        p_value: None,
        floor_start: None,
        floor_end: None,
        growth_fraction: None,
        time_to_limit_s: None,
        span_s: span_ms / 1000.0,
        floor_source: None,
        minor_gcs: 0,
        floor: Vec::new(),
    };
    if series.len() < options.min_samples || span_ms <= 0.0 {
        trend.reason =
            format!("{} samples; at least {} over some time are needed", series.len(), options.min_samples);
        return trend;
    }
    let floor = floor::floor(series, old_generation, gc_events);
    trend.floor_source = Some(floor.source);
    trend.minor_gcs = floor.minor_gcs;
    trend.floor = floor.points.iter().map(|&(t, v)| [t, v]).collect();
    let points = &floor.points;
    let what = floor.source.describe();
    if points.len() < 2 {
        trend.reason = match floor.source {
            FloorSource::MajorGcs | FloorSource::OldGeneration => format!(
                "only {} major GC in {}: the heap that survives scavenges ({}) also holds garbage that only \
                 a major GC frees, so it cannot tell a leak",
                points.len(),
                format_span(span_ms),
                if floor.minor_gcs > 0 { format!("{} scavenges", floor.minor_gcs) } else { "samples".into() }
            ),
            _ => format!(
                "only {} GC cycle in {}: at least 2 floor points are needed",
                points.len(),
                format_span(span_ms)
            ),
        };
        return trend;
    }
    // Memory that GC frees saws; sampled too coarsely for its windows to hold several samples each, a
    // window's lowest is any sample of the sawtooth.
    let coarse_saw = floor.source == FloorSource::Windows
        && series.len() < FEW_SAMPLES_PER_WINDOW * floor::FLOOR_WINDOWS
        && floor.minor_gcs == 0
        && saws(&series.values);
    if coarse_saw && series.role == Some(Role::HeapUsed) {
        trend.reason = format!(
            "{} samples over {}, falling and rising but with no drop that stands out as a GC: too few per window \
             to tell the heap's floor from its sawtooth",
            series.len(),
            format_span(span_ms)
        );
        return trend;
    }
    let t_h: Vec<f64> = points.iter().map(|p| p.0 / MS_PER_HOUR).collect();
    let fv: Vec<f64> = points.iter().map(|p| p.1).collect();
    let Some((slope, lo, hi)) = theil_sen(&t_h, &fv) else {
        trend.reason = "the floor points share one time".to_string();
        return trend;
    };
    let mut residuals: Vec<f64> = t_h.iter().zip(&fv).map(|(t, v)| v - slope * t).collect();
    residuals.sort_by(f64::total_cmp);
    let intercept = quantile(&residuals, 0.5).unwrap_or(0.0);
    let (t_first, t_last) = (series.t_ms[0] / MS_PER_HOUR, series.t_ms[series.len() - 1] / MS_PER_HOUR);
    let floor_start = intercept + slope * t_first;
    let floor_end = intercept + slope * t_last;
    let growth = floor_end - floor_start;
    // The fitted line can start below every floor point (a steep rise from a low start); the growth is
    // measured against the larger of the two so a tiny or negative intercept does not inflate it.
    let lowest_floor = fv.iter().copied().fold(f64::INFINITY, f64::min);
    let growth_fraction = growth / floor_start.max(lowest_floor).max(1.0);
    let floor_mk = mann_kendall(&fv);
    trend.slope_bytes_per_hour = Some(slope);
    trend.slope_ci_bytes_per_hour = Some([lo, hi]);
    trend.p_value = floor_mk.map(|mk| mk.p_value);
    trend.floor_start = Some(floor_start.max(0.0));
    trend.floor_end = Some(floor_end.max(0.0));
    trend.growth_fraction = Some(growth_fraction);

    let (verdict, reason) = if floor.source.is_cycles() {
        let judged = after_warm_up(points, series);
        let (verdict, reason) =
            cycle_verdict(judged, (floor.source, floor.noise, &floor.post_gc), series, options, what);
        let noisy_lows = floor.source == FloorSource::GcCycles;
        match (verdict, shape::shape(judged)) {
            // However its lows rose, a sampled floor whose points one step or a climb that stops fits
            // clearly better than a straight line is not shown to keep growing. (Exact floors that rose
            // cycle after cycle are not second-guessed: a leak's floor climbs faster near the heap limit,
            // and a leak that moves in bursts climbs in steps.)
            (Verdict::Leak, found @ (Shape::Step | Shape::Plateau)) if noisy_lows => (
                Verdict::Growing,
                format!(
                    "{reason}; but {} fits its points clearly better than a steady climb: growth, not yet shown \
                     to be a leak",
                    if found == Shape::Step { "one step" } else { "a climb that stopped (a plateau)" }
                ),
            ),
            other => (other.0, reason),
        }
    } else if let Some(read) = coarse_saw.then(|| sawing_verdict(series, options)).flatten() {
        read
    } else {
        window_verdict(
            floor.source,
            &t_h,
            &fv,
            series,
            options,
            (growth, growth_fraction, slope),
            trend.p_value,
        )
    };
    trend.verdict = verdict;
    trend.reason = reason;
    if matches!(series.role, Some(Role::Rss | Role::HeapTotal)) && trend.verdict == Verdict::Leak {
        trend.verdict = Verdict::Growing;
    }
    // An old generation that no major GC brought down holds the garbage scavenges promoted along with what the
    // process keeps: over a process's first minute, while it builds its working set, its growth is not yet
    // a leak.
    if trend.verdict == Verdict::Leak
        && floor.source == FloorSource::OldGenerationWindows
        && span_ms < MIN_LEAK_SPAN_MS
    {
        trend.verdict = Verdict::Growing;
        trend.reason.push_str(&format!(
            ", but over only {}: a process builds its working set in its first minute, so this is growth, not \
             yet a leak",
            format_span(span_ms)
        ));
    }
    let judged = if floor.source.is_cycles() { after_warm_up(points, series).len() } else { points.len() };
    trend.confidence = Some(confidence(trend.verdict, judged, trend.p_value, floor.source));
    if let (Some(Role::HeapUsed), Some(limit)) = (series.role, heap_limit) {
        if slope > 0.0 && trend.verdict >= Verdict::Growing {
            let seconds = ((limit - floor_end) / slope * 3600.0).max(0.0);
            trend.time_to_limit_s = Some(seconds);
            trend.reason.push_str(&format!(
                "; at this rate it reaches the {} heap limit in {}",
                crate::units::format_bytes(limit),
                crate::units::format_duration_s(seconds)
            ));
        }
    }
    trend
}

/// Whether a series saws: at least a quarter of its steps between samples fall (a heap that grows with a
/// few dips from scavenges falls less often).
fn saws(v: &[f64]) -> bool {
    let falls = v.windows(2).filter(|w| w[1] < w[0]).count();
    4 * falls >= v.len().saturating_sub(1)
}

/// The floor points after the warm-up: those in the first tenth of the series' span are left out (the first
/// major GC often runs while the program is still building its working set), keeping at least two.
fn after_warm_up<'a>(points: &'a [(f64, f64)], series: &Series) -> &'a [(f64, f64)] {
    let (Some(first), Some(last)) = (series.t_ms.first(), series.t_ms.last()) else { return points };
    let warm_up_end = first + 0.1 * (last - first);
    let skip = points.iter().take_while(|p| p.0 < warm_up_end).count();
    &points[skip.min(points.len().saturating_sub(2))..]
}

/// The verdict of GC-cycle floors. Each floor point can sit above the true post-GC level (a sample taken
/// a while after the GC) but not below it, so the floor is read through its lower envelope from the future
/// (each point lowered to the lowest point after it): a point that came back down later was noise. Then:
/// not material growth of the envelope → stable (insufficient data when a sampled floor leans upwards and
/// its noise could hide a material growth); the last two cycles held (within the noise) → a plateau,
/// stable; higher in at least two cycles with no single jump making three quarters of the growth → leak
/// (the floor does not come back down after a major GC, cycle after cycle), as is a coarse old generation
/// whose lowest point rose from each third of the run to the next (see [`noisy::rises_every_third`]);
/// otherwise growing. Drops in sampled heap are read by [`noisy::read`] instead, from five cycles on. Two
/// cycles give one comparison, which cannot tell a step from a leak: growing at most.
fn cycle_verdict(
    points: &[(f64, f64)],
    (source, noise, post_gc): (FloorSource, f64, &[(f64, f64)]),
    series: &Series,
    options: &TrendOptions,
    what: &str,
) -> (Verdict, String) {
    let n = points.len();
    let raw: Vec<f64> = points.iter().map(|p| p.1).collect();
    let mut envelope = raw.clone();
    for i in (0..n - 1).rev() {
        envelope[i] = envelope[i].min(envelope[i + 1]);
    }
    // A true floor does not come back down, so the largest fall between consecutive floor points is noise too.
    let largest_fall = raw.windows(2).map(|w| w[0] - w[1]).fold(0.0, f64::max);
    let tolerance = (0.5 * noise).max(largest_fall).max(0.001 * envelope[0].abs());
    let steps: Vec<f64> = envelope.windows(2).map(|w| w[1] - w[0]).collect();
    let ups = steps.iter().filter(|d| **d > tolerance).count();
    // Exact floors (GC events, finely sampled old generation) that rose in most cycles make half the usual
    // growth material: consistency is evidence too.
    let exact = noise <= 0.02 * envelope[0].abs().max(1.0);
    // Noisy floors (drops in sampled heap, or an old generation sampled coarsely) are judged by what their
    // noise could hide (see `noisy`): each point sits up to `noise` above the true floor. Nothing after the
    // last points corrects them, so their growth runs from the lowest point of the first third of the run to
    // the lowest of the last third, not to the envelope's end.
    let is_noisy = source == FloorSource::GcCycles || (source == FloorSource::OldGeneration && !exact);
    let thirds_lows = noisy::thirds(points).filter(|_| is_noisy && n >= 3);
    let (start, end) = thirds_lows.map_or((envelope[0], envelope[n - 1]), |t| (t[0].0, t[2].0));
    let total = end - start;
    let base = start.abs().max(1.0);
    let pct = total / base * 100.0;
    // With 8 cycles or more that are known to be major GCs and exact (GC events, the old generation's drops
    // sampled finely), the raw floors' Mann–Kendall trend also counts. Drops in sampled heap may be
    // scavenges, whose lows climb with garbage promoted to old space; a coarse old generation's last points
    // can sit far above the floor, and the trend test cannot tell that, or a step, from a climb.
    let trending = n >= FEW_FLOOR_POINTS
        && !is_noisy
        && mann_kendall(&raw).is_some_and(|mk| mk.p_increasing <= options.alpha);
    let consistent = trending || (exact && ups >= 3 && 3 * ups >= 2 * (n - 1));
    let min_fraction =
        if consistent { options.min_growth_fraction / 2.0 } else { options.min_growth_fraction };
    let hours = (points[n - 1].0 - points[0].0) / MS_PER_HOUR;
    let fraction = total / base;
    let material = (fraction >= min_fraction || fraction >= options.min_growth_fraction_per_hour * hours)
        && (series.unit != Unit::Bytes || total >= options.min_growth_bytes);
    let value = |v: f64| format_level(v, series.unit);
    let first_last = format!("{} → {}", value(start), value(end));
    // Noisy floors (a sample seconds after the GC) need one more rise beyond the noise.
    let needed_ups = if exact { 2 } else { 3 };
    let smallest_material =
        (min_fraction.min(options.min_growth_fraction_per_hour * hours) * base).max(options.min_growth_bytes);
    // All the points together may climb steadily where tests on a few of them (the thirds' lowest, the
    // rises between consecutive points) cannot tell.
    // Not for a coarse old generation: one sample taken long after its GC sits far above the floor and
    // tilts a least-squares line (a step with a late high sample passes for a climb).
    let steady = || {
        if source == FloorSource::OldGeneration && !exact {
            return None;
        }
        let climb = shape::steady_climb(points)
            .filter(|c| c.slope * (points[n - 1].0 - points[0].0) >= smallest_material)?;
        let reason = format!(
            "floor ({what}) climbed steadily: a straight line through its {n} points fits them better than a flat \
             floor, one step or a plateau, rising {}/min, {:.1} standard errors above flat ({first_last})",
            value(climb.slope * 60_000.0),
            climb.t
        );
        Some((Verdict::Leak, reason))
    };
    if source == FloorSource::GcCycles {
        // Drops in sampled heap: the young generation's fill at each low is anywhere up to the noise.
        let flat = |level: f64| options.most_flat_growth(level);
        if let Some(reading) = noisy::read(points, noise, options.alpha, smallest_material, flat) {
            // Lows that rose, but not from each third to the next beyond their noise, or in what looked
            // like one shift, or not beyond it at all: all the points together may still climb steadily.
            let undecided = matches!(
                reading,
                noisy::Reading::Rising | noisy::Reading::Shift { .. } | noisy::Reading::TooNoisy { .. }
            );
            if let Some(verdict) = undecided.then(steady).flatten() {
                return verdict;
            }
            // Lows too noisy for their thirds to bound the growth: the line through all of them may.
            if let (noisy::Reading::TooNoisy { .. }, Some(most)) = (reading, shape::most_growth(points)) {
                if most < flat(start) {
                    let reason = format!(
                        "floor ({what}) stays within {pct:+.1}% over {n} GC cycles ({first_last}); a straight line \
                         through them grew at most {} over the run (two standard errors above its slope)",
                        value(most)
                    );
                    return (Verdict::Stable, reason);
                }
            }
            return noisy_verdict(
                reading,
                (what, &format!("{n} GC cycles"), noise, pct),
                &first_last,
                series,
            );
        }
    }
    if !material {
        // A trend test alone does not make growth under `min_growth_bytes` worth a word: a plateau drifts.
        if (ups >= needed_ups && 2 * ups >= n - 1) || (trending && total >= options.min_growth_bytes) {
            let reason = format!(
                "floor ({what}) rose after {ups} of {n} GC cycles but only {pct:+.1}% ({first_last}): too little \
                 yet to call a leak"
            );
            return (Verdict::Growing, reason);
        }
        // Noisy floors that lean upwards, where the noise could hide a material growth, cannot be called flat.
        if source == FloorSource::GcCycles
            && tolerance > smallest_material
            && mann_kendall(&raw).is_some_and(|mk| mk.s > 0.0)
        {
            let reason = format!(
                "floor ({what}) moved {first_last} ({pct:+.1}%) over {n} GC cycles, within these samples' noise \
                 ({}), which could hide a leak: too coarse to tell",
                value(tolerance)
            );
            return (Verdict::InsufficientData, reason);
        }
        return (
            Verdict::Stable,
            format!("floor ({what}) stays within {pct:+.1}% over {n} GC cycles ({first_last})"),
        );
    }
    if n == 2 {
        let reason = format!(
            "floor ({what}) went {first_last} ({pct:+.0}%) over 2 GC cycles: one rise cannot tell a step from a leak"
        );
        return (Verdict::Growing, reason);
    }
    // Held: the floor's last two cycles or more, over a quarter of the time at least, stay within the noise
    // of where it got to; or, with exact
    // floors, its last step, over at least a quarter of the time, came at under a tenth of the rate it
    // climbed at before (a cache filled up).
    let held_from = (0..n).find(|&k| envelope[n - 1] - envelope[k] <= tolerance).unwrap_or(n - 1);
    let rate = |i: usize, j: usize| (envelope[j] - envelope[i]) / (points[j].0 - points[i].0).max(1.0);
    let last_step_share = (points[n - 1].0 - points[n - 2].0) / (points[n - 1].0 - points[0].0).max(1.0);
    let slowed = exact && last_step_share >= 0.25 && rate(n - 2, n - 1) < 0.1 * rate(0, n - 2);
    let span = (points[n - 1].0 - points[0].0).max(1.0);
    // An old generation sampled coarsely whose lowest point rose from each third of the run to the next has
    // not held, whatever its noise: the lower envelope over windows of several GC cycles climbs. (Drops in
    // sampled heap of five cycles or more were read by `noisy::read` above.)
    let thirds = if is_noisy && n >= THIRDS_MIN_POINTS {
        noisy::rises_every_third(points, None, options.alpha)
    } else {
        None
    };
    let held =
        thirds.is_none() && n - 1 - held_from >= 2 && points[n - 1].0 - points[held_from].0 >= 0.25 * span;
    if held && held_from == 0 {
        // Noisy floors that still lean upwards cannot be called flat.
        if !exact && mann_kendall(&raw).is_some_and(|mk| mk.s > 0.0) {
            let reason = format!(
                "floor ({what}) moved {first_last} ({pct:+.0}%) over {n} GC cycles, within these samples' noise \
                 ({}): too coarse to tell a slow leak",
                value(tolerance)
            );
            return (Verdict::InsufficientData, reason);
        }
        let reason = format!(
            "floor ({what}) stays within its noise ({}) over {n} GC cycles ({first_last})",
            value(tolerance)
        );
        return (Verdict::Stable, reason);
    }
    if held || slowed {
        let k = if slowed { held_from.min(n - 2) } else { held_from };
        let since = points[k].0 - series.t_ms.first().copied().unwrap_or(points[0].0);
        let reason = format!(
            "floor ({what}) rose {} → {} until {} in, then held over the last {} of {n} GC cycles: a plateau, \
             not a leak",
            value(envelope[0]),
            value(envelope[k]),
            format_span(since),
            n - 1 - k
        );
        return (Verdict::Stable, reason);
    }
    let largest = steps.iter().copied().fold(0.0, f64::max);
    if let Some((t, jump)) = one_step(points, &steps, total, post_gc) {
        let since = t - series.t_ms.first().copied().unwrap_or(t);
        let reason = format!(
            "floor ({what}) rose {first_last} in one step: the post-GC heap jumped {} at {} in, between two \
             GCs, and the floor held otherwise ({n} GC cycles): a one-time load, not a leak",
            value(jump),
            format_span(since)
        );
        return (Verdict::Stable, reason);
    }
    // No one rise between thirds makes three quarters of the growth (a step, not a climb).
    let spread_out =
        |lows: &[f64; 3]| (lows[1] - lows[0]).max(lows[2] - lows[1]) < 0.75 * (lows[2] - lows[0]);
    if let Some(lows) =
        thirds.filter(|lows| spread_out(lows) && mann_kendall(&raw).is_some_and(|mk| mk.s > 0.0))
    {
        let reason = format!(
            "floor ({what}) rose in every third of the run: its lowest point went {} → {} → {} ({pct:+.0}%) over \
             {n} GC cycles",
            value(lows[0]),
            value(lows[1]),
            value(lows[2])
        );
        return (Verdict::Leak, reason);
    }
    if (ups >= needed_ups || trending) && largest < 0.75 * total {
        let reason = format!(
            "floor ({what}) never came back down: {first_last} ({pct:+.0}%) over {n} GC cycles, higher after {ups} \
             of {}",
            n - 1
        );
        return (Verdict::Leak, reason);
    }
    if let Some(verdict) = steady() {
        return verdict;
    }
    let reason = if ups >= 2 {
        format!(
            "floor ({what}) rose {first_last} ({pct:+.0}%) over {n} GC cycles, mostly in one jump of {}",
            value(largest)
        )
    } else {
        format!("floor ({what}) rose {first_last} ({pct:+.0}%) in one jump over {n} GC cycles: a step or a leak's start")
    };
    (Verdict::Growing, reason)
}

/// Fewest floor points for the every-third rule (two per third, but for one).
const THIRDS_MIN_POINTS: usize = 5;
/// The verdict and sentence of a noisy floor's reading (see [`noisy::read`]).
fn noisy_verdict(
    reading: noisy::Reading,
    (what, over, noise, pct): (&str, &str, f64, f64),
    first_last: &str,
    series: &Series,
) -> (Verdict, String) {
    use noisy::Reading;
    let value = |v: f64| format_level(v, series.unit);
    let since = |t: f64| format_span(t - series.t_ms.first().copied().unwrap_or(t));
    let noise = value(noise);
    match reading {
        Reading::Leak(lows) => (
            Verdict::Leak,
            format!(
                "floor ({what}) rose in every third of the run beyond these samples' noise ({noise}): its lowest \
                 point went {} → {} → {} ({pct:+.0}%) over {over}",
                value(lows[0]),
                value(lows[1]),
                value(lows[2])
            ),
        ),
        Reading::Shift { at, rise } => (
            Verdict::Growing,
            format!(
                "floor ({what}) rose {first_last} in one shift of {} at {} in, flat before and after within these \
                 samples' noise ({noise}) over {over}: a step or a leak's start",
                value(rise),
                since(at)
            ),
        ),
        Reading::Plateau { held_from } => (
            Verdict::Stable,
            format!(
                "floor ({what}) rose {first_last} until {} in, then held within these samples' noise ({noise}) \
                 over {over}: a plateau, not a leak",
                since(held_from)
            ),
        ),
        Reading::Rising => (
            Verdict::Growing,
            format!(
                "floor ({what}) rose {first_last} ({pct:+.0}%) over {over} beyond these samples' noise \
                 ({noise}), but not in every third of the run"
            ),
        ),
        Reading::Flat { bound } => (
            Verdict::Stable,
            format!(
                "floor ({what}) stays within {pct:+.1}% over {over} ({first_last}); these samples' noise \
                 ({noise}) could hide {} of growth",
                value(bound.max(0.0))
            ),
        ),
        Reading::TooNoisy { bound } => (
            Verdict::InsufficientData,
            format!(
                "floor ({what}) moved {first_last} ({pct:+.1}%) over {over}, within these samples' noise \
                 ({noise}), which could hide {}: too coarse to tell",
                value(bound)
            ),
        ),
    }
}

/// A one-time step: most of the floor's growth (half at least) came between two floor points, and there the
/// post-GC levels made one jump, over one or two intervals, of about that rise (three quarters to five
/// quarters of it) that beats their median climb over as many intervals by half the rise. Returns the jump's
/// time and size.
fn one_step(points: &[(f64, f64)], steps: &[f64], total: f64, post_gc: &[(f64, f64)]) -> Option<(f64, f64)> {
    let k = (0..steps.len()).max_by(|&a, &b| steps[a].total_cmp(&steps[b]))?;
    if steps[k] < 0.5 * total {
        return None;
    }
    let (from, to) = (points[k].0, points[k + 1].0);
    let levels: Vec<(f64, f64)> = post_gc.iter().copied().filter(|p| p.0 >= from && p.0 <= to).collect();
    let climbs: Vec<f64> = levels.windows(2).map(|w| w[1].1 - w[0].1).filter(|d| *d > 0.0).collect();
    let typical = quantile(&climbs, 0.5)?;
    // The jump may take two GCs to promote (or two samples to show): over one or two intervals.
    (1..=2).find_map(|width| {
        let (t, jump) = levels
            .windows(width + 1)
            .map(|w| (w[width].0, w[width].1 - w[0].1))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        // A jump much bigger than the floor's rise is garbage one scavenge promoted, freed at the next
        // major GC.
        let explains_the_rise = (0.75 * steps[k]..=1.25 * steps[k]).contains(&jump);
        let beyond_the_climb = jump - width as f64 * typical >= 0.5 * steps[k];
        (explains_the_rise && beyond_the_climb).then_some((t, jump))
    })
}

/// The verdict of external memory (or array buffers) that saws, sampled too coarsely for windows to hold
/// several samples each (Buffers scraped every 15 s: their memory is freed when a GC collects the objects
/// that held it). Each sample sits above the floor by anywhere up to the sawtooth's height, as a noisy
/// floor point does, so the samples after the warm-up are read like noisy lows ([`noisy::read`]), the
/// width being their scatter above the lowest of their third of the run.
fn sawing_verdict(series: &Series, options: &TrendOptions) -> Option<(Verdict, String)> {
    let samples: Vec<(f64, f64)> = series.t_ms.iter().copied().zip(series.values.iter().copied()).collect();
    let points = after_warm_up(&samples, series);
    let [(a, _), (b, _), (c, _)] = noisy::thirds(points)?;
    let width = noisy::scatter(points, [a, b, c]);
    let base = a.abs().max(1.0);
    let hours = (points[points.len() - 1].0 - points[0].0) / MS_PER_HOUR;
    let material = (options.min_growth_fraction.min(options.min_growth_fraction_per_hour * hours) * base)
        .max(options.min_growth_bytes);
    let flat = |level: f64| options.most_flat_growth(level);
    let reading = noisy::read(points, width, options.alpha, material, flat)?;
    let what =
        "the lowest sample of each third of the run: a sawtooth sampled too coarsely for windows' lows";
    let first_last = format!("{} → {}", format_level(a, series.unit), format_level(c, series.unit));
    let over = format!("{} samples", points.len());
    let undecided = matches!(reading, Reading::Rising | Reading::Shift { .. } | Reading::TooNoisy { .. });
    let span = points[points.len() - 1].0 - points[0].0;
    if let Some(climb) = shape::steady_climb(points).filter(|c| undecided && c.slope * span >= material) {
        let reason = format!(
            "samples (a sawtooth sampled too coarsely for windows' lows) climbed steadily: a straight line through \
             {over} fits them better than a flat level, one step or a plateau, rising {}/min, {:.1} standard \
             errors above flat ({first_last})",
            format_level(climb.slope * 60_000.0, series.unit),
            climb.t
        );
        return Some((Verdict::Leak, reason));
    }
    Some(noisy_verdict(reading, (what, &over, width, (c - a) / base * 100.0), &first_last, series))
}

/// The verdict of a floor without GC cycles (window minima): the Theil–Sen growth over the series' span
/// must be material and the Mann–Kendall trend significant (with fewer than 8 windows, the raw samples'
/// own trend must be strong); growth that one level shift explains, or that stopped, is stable.
fn window_verdict(
    source: FloorSource,
    t_h: &[f64],
    fv: &[f64],
    series: &Series,
    options: &TrendOptions,
    (growth, growth_fraction, slope): (f64, f64, f64),
    p_value: Option<f64>,
) -> (Verdict, String) {
    let n = fv.len();
    let material = growth_fraction >= options.min_growth_fraction
        && (series.unit != Unit::Bytes || growth >= options.min_growth_bytes);
    let floor_mk = mann_kendall(fv);
    let significant = if n >= FEW_FLOOR_POINTS {
        floor_mk.is_some_and(|mk| mk.p_increasing <= options.alpha)
    } else {
        let raw_mk = mann_kendall(&series.values);
        floor_mk.is_some_and(|mk| mk.s > 0.0)
            && fv[n - 1] - fv[0] >= options.min_growth_fraction * fv[0].abs()
            && raw_mk.is_some_and(|mk| mk.p_increasing <= options.alpha / 5.0)
    };
    let what = source.describe();
    let span_ms = series.t_ms.last().copied().unwrap_or(0.0) - series.t_ms.first().copied().unwrap_or(0.0);
    let pct = growth_fraction * 100.0;
    let rate = format_rate(slope, series.unit);
    if material && n >= FEW_FLOOR_POINTS {
        if let Some(at) = level_shift(t_h, fv, growth) {
            let reason = format!(
                "one level shift ({pct:+.0}%) at floor point {at} of {n}, flat before and after ({what}): not a \
                 sustained growth"
            );
            return (Verdict::Stable, reason);
        }
    }
    // A window's minimum that a later window undercuts was a moment of the sawtooth, not the floor (Buffers
    // freed at a major GC, sampled every 15 s): whether the floor held is read from the lower envelope.
    // (A heap whose GC drops were not found has no such sawtooth to rely on: its windows' minima are read as
    // they are.)
    let mut envelope = fv.to_vec();
    if series.role != Some(Role::HeapUsed) {
        for i in (0..n.saturating_sub(1)).rev() {
            envelope[i] = envelope[i].min(envelope[i + 1]);
        }
    }
    if let Some((at, held_ms)) = stopped_growing(t_h, &envelope).filter(|_| material) {
        let reason = format!(
            "floor ({what}) rose to {} by {} in, then held for {}: a plateau, not a leak",
            format_level(fv[at], series.unit),
            format_span(t_h[at] * MS_PER_HOUR - series.t_ms.first().copied().unwrap_or(0.0)),
            format_span(held_ms)
        );
        return (Verdict::Stable, reason);
    }
    let p = format_p(p_value);
    match (material, significant) {
        (true, true) => (
            Verdict::Leak,
            format!("floor ({what}) grows {pct:+.0}% over {} ({rate}), trend p = {p}", format_span(span_ms)),
        ),
        (true, false) => {
            (Verdict::Growing, format!("floor ({what}) grew {pct:+.0}% but not steadily (trend p = {p})"))
        }
        // A trend test alone does not make growth under `min_growth_bytes` worth a word: a plateau drifts.
        (false, true) if series.unit != Unit::Bytes || growth >= options.min_growth_bytes => {
            (Verdict::Growing, format!("floor ({what}) rises steadily but only {pct:+.1}% ({rate})"))
        }
        (false, true) => (
            Verdict::Stable,
            format!(
                "floor ({what}) drifts {pct:+.1}% over {} ({rate}), under a material growth",
                format_span(span_ms)
            ),
        ),
        (false, false) => (
            Verdict::Stable,
            format!("floor ({what}) changes {pct:+.1}% over {}, no trend", format_span(span_ms)),
        ),
    }
}

/// When the floor grew and then stopped: over its latest part (the floor points in the last half of their
/// span, or the last two) it rose at less than a quarter of its overall rate. Returns the index of the
/// floor point it has held since, and for how long.
fn stopped_growing(t_h: &[f64], v: &[f64]) -> Option<(usize, f64)> {
    let n = v.len();
    let (first, last) = (t_h[0], t_h[n - 1]);
    let mid = (first + last) / 2.0;
    let k = t_h.iter().position(|&t| t >= mid).unwrap_or(n - 1).min(n - 2);
    let overall = (v[n - 1] - v[0]) / (last - first);
    let latest = (v[n - 1] - v[k]) / (last - t_h[k]);
    (n >= 3 && overall > 0.0 && latest < 0.25 * overall).then(|| (k, (last - t_h[k]) * MS_PER_HOUR))
}

/// How sure the verdict is: high with many floor points or cycles from exact GC events and a clear test,
/// low with two or three.
fn confidence(verdict: Verdict, n: usize, p_value: Option<f64>, source: FloorSource) -> Confidence {
    if verdict == Verdict::InsufficientData || n < 3 {
        return Confidence::Low;
    }
    let exact = matches!(source, FloorSource::MajorGcs | FloorSource::OldGeneration);
    let clear = p_value.is_some_and(|p| !(0.01..=0.5).contains(&p));
    match (n >= FEW_FLOOR_POINTS || exact, clear || n < FEW_FLOOR_POINTS) {
        (true, true) => Confidence::High,
        (true, false) | (false, true) => Confidence::Medium,
        (false, false) => Confidence::Low,
    }
}

/// The split index when one step explains the growth: splitting at one of the three largest jumps between
/// consecutive floor points leaves two runs of at least 3 points whose own Theil–Sen growths add up to less
/// than a quarter of the total growth.
fn level_shift(t: &[f64], v: &[f64], total_growth: f64) -> Option<usize> {
    let within = |range: std::ops::Range<usize>| -> f64 {
        let (tt, vv) = (&t[range.clone()], &v[range]);
        let slope = theil_sen(tt, vv).map_or(0.0, |s| s.0);
        (slope * (tt[tt.len() - 1] - tt[0])).abs()
    };
    let mut jumps: Vec<usize> = (3..=v.len() - 3).collect();
    jumps.sort_by(|&a, &b| (v[b] - v[b - 1]).abs().total_cmp(&(v[a] - v[a - 1]).abs()));
    jumps
        .into_iter()
        .take(3)
        .map(|k| (k, within(0..k) + within(k..v.len())))
        .filter(|&(_, g)| g < 0.25 * total_growth.abs())
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// A floor level as the evidence quotes it: megabytes with one decimal (a leak of a few hundred KB per
/// cycle must show), other sizes and units as usual.
pub fn format_level(v: f64, unit: Unit) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    match unit {
        Unit::Bytes if v.abs() >= MIB && v.abs() < 1024.0 * MIB => format!("{:.1} MB", v / MIB),
        Unit::Bytes => crate::units::format_bytes(v),
        _ => format!("{v:.3}"),
    }
}

fn format_p(p: Option<f64>) -> String {
    match p {
        Some(p) if p < 0.001 => "< 0.001".to_string(),
        Some(p) => format!("{p:.3}"),
        None => "n/a".to_string(),
    }
}

fn format_span(ms: f64) -> String {
    crate::units::format_duration_s(ms / 1000.0)
}

fn format_rate(per_hour: f64, unit: Unit) -> String {
    if unit == Unit::Bytes {
        format!("{}/h", crate::units::format_bytes(per_hour))
    } else {
        format!("{per_hour:.3}/h")
    }
}

/// GC statistics from events.
fn gc_stats(events: &[GcEvent]) -> Option<GcStats> {
    let (first, last) = (events.first()?, events.last()?);
    let pauses: Vec<f64> = events.iter().map(|e| e.pause_ms).collect();
    let total_pause_ms: f64 = pauses.iter().sum();
    let span_ms = (last.t_ms + last.pause_ms) - first.t_ms;
    let count = events.len() as f64;
    Some(GcStats {
        source: "events".to_string(),
        count,
        major: events.iter().filter(|e| e.kind == GcKind::Major).count() as f64,
        minor: events.iter().filter(|e| e.kind == GcKind::Minor).count() as f64,
        pause_p50_ms: quantile(&pauses, 0.5),
        pause_p95_ms: quantile(&pauses, 0.95),
        pause_max_ms: pauses.iter().copied().reduce(f64::max),
        total_pause_ms,
        gc_time_fraction: (span_ms > 0.0).then(|| total_pause_ms / span_ms),
        gc_per_minute: (span_ms > 0.0).then(|| count / (span_ms / 60_000.0)),
        span_s: span_ms / 1000.0,
    })
}

/// Increase of a cumulative counter over its snapshots, counting resets (a drop means a restart from 0).
fn counter_increase(values: impl Iterator<Item = f64>) -> f64 {
    let mut increase = 0.0;
    let mut previous: Option<f64> = None;
    for v in values {
        if let Some(p) = previous {
            increase += if v >= p { v - p } else { v };
        }
        previous = Some(v);
    }
    increase
}

/// GC statistics estimated from the `*gc_duration_seconds` histograms (prom-client's, by `kind`): counts and
/// time from the increase of `_count` and `_sum`, pause quantiles from the increase of the buckets
/// (linear interpolation within a bucket, as PromQL's `histogram_quantile`).
fn histogram_gc_stats(histograms: &[Histogram]) -> Option<GcStats> {
    let gc: Vec<&Histogram> = histograms
        .iter()
        .filter(|h| h.name.ends_with("gc_duration_seconds") && h.snapshots.len() >= 2)
        .collect();
    if gc.is_empty() {
        return None;
    }
    let (mut count, mut major, mut minor, mut total_s) = (0.0, 0.0, 0.0, 0.0);
    let mut merged: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    let mut span_ms: f64 = 0.0;
    // A kind that first appears after the first scrape (no major GC yet) counted from 0 before it.
    let first_scrape =
        gc.iter().filter_map(|h| h.snapshots.first()).map(|s| s.t_ms).fold(f64::INFINITY, f64::min);
    for h in &gc {
        let zero = h.snapshots.first().filter(|s| s.t_ms > first_scrape).map(|_| 0.0);
        let n = counter_increase(zero.into_iter().chain(h.snapshots.iter().filter_map(|s| s.count)));
        count += n;
        total_s += counter_increase(zero.into_iter().chain(h.snapshots.iter().filter_map(|s| s.sum)));
        match h.labels.iter().find(|(k, _)| k == "kind").map(|(_, v)| v.as_str()) {
            Some("major") => major += n,
            Some("minor") => minor += n,
            _ => {}
        }
        if let (Some(a), Some(b)) = (h.snapshots.first(), h.snapshots.last()) {
            span_ms = span_ms.max(b.t_ms - a.t_ms);
            for &(le, _) in &b.buckets {
                let cumulative = h
                    .snapshots
                    .iter()
                    .filter_map(|s| s.buckets.iter().find(|(l, _)| *l == le).map(|&(_, c)| c));
                let increase = counter_increase(zero.into_iter().chain(cumulative));
                merged.entry(le.to_bits()).or_insert((le, 0.0)).1 += increase;
            }
        }
    }
    let mut buckets: Vec<(f64, f64)> = merged.into_values().collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pause_quantile = |q: f64| -> Option<f64> {
        let total = buckets.last()?.1;
        if total <= 0.0 {
            return None;
        }
        let rank = q * total;
        let mut lower = (0.0, 0.0);
        for &(le, c) in &buckets {
            if c >= rank {
                if le.is_infinite() {
                    return Some(lower.0 * 1000.0);
                }
                let fraction = if c > lower.1 { (rank - lower.1) / (c - lower.1) } else { 1.0 };
                return Some((lower.0 + (le - lower.0) * fraction) * 1000.0);
            }
            lower = (le, c);
        }
        None
    };
    let max_bucket = buckets.windows(2).rev().find(|w| w[1].1 > w[0].1).map(|w| w[1].0);
    let max_bucket = max_bucket.or_else(|| buckets.iter().find(|b| b.1 > 0.0).map(|b| b.0));
    Some(GcStats {
        source: "histogram".to_string(),
        count,
        major,
        minor,
        pause_p50_ms: pause_quantile(0.5),
        pause_p95_ms: pause_quantile(0.95),
        pause_max_ms: max_bucket.filter(|b| b.is_finite()).map(|b| b * 1000.0),
        total_pause_ms: total_s * 1000.0,
        gc_time_fraction: (span_ms > 0.0).then(|| total_s * 1000.0 / span_ms),
        gc_per_minute: (span_ms > 0.0).then(|| count / (span_ms / 60_000.0)),
        span_s: span_ms / 1000.0,
    })
}
