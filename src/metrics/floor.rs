//! GC-aware floors: what a series returns to after garbage collection, one point per GC cycle, and the GC
//! signal each floor was built from.
//!
//! A JavaScript heap saws up and down. Scavenges (minor GCs) free the young generation often, but what
//! survives them is promoted to old space, where garbage piles up until a major GC (mark-compact), which may
//! run only every minute or two. So the heap that survives scavenges climbs between major GCs even in a
//! process that keeps nothing; only the heap right after a major GC tells what the process keeps. The floor
//! is built from the best signal a file has, in this order:
//!
//! 1. **Major GCs** from GC events on the series' clock (`--trace-gc`, `--trace-gc-nvp`, clinic): the heap
//!    after each major GC (a burst of them counts once). Exact, one point per cycle; used from two on.
//! 2. **Old generation** from heap-space statistics (`v8.getHeapSpaceStatistics()` logged beside
//!    `getHeapStatistics()`, prom-client's `nodejs_heap_space_size_used_bytes`): heap used minus new space.
//!    Scavenges only add to it, so each of its drops is a major GC, and the start of each cycle is a floor
//!    point. When it never drops, the old generation itself (windows' minima) is the floor.
//! 3. **GC drops** in the sampled series: the sawtooth's big drops (at least a quarter of the largest drop
//!    and four times the typical sample-to-sample change, with no immediate rebound) split it into GC
//!    cycles. A scavenge frees at most the young generation, about one or two samples' allocation; a major
//!    GC frees the garbage of many.
//! 4. **Windows**: the minimum of each of 20 windows, for a series without a sawtooth (external memory with
//!    no frees, a steady climb, noise).
//!
//! A cycle taken from samples gives its lowest sample: the heap that survives scavenges only climbs within
//! a cycle, so that is the sample nearest the GC that opened it. The cycle before the first drop (start-up,
//! warm-up) is left out.

use super::series::{GcEvent, GcKind, Role, Series, TimeBase, Unit};
use super::stats::quantile;
use serde::{Deserialize, Serialize};

/// Major GCs that start within this of a burst's first are that burst (a heap snapshot, or V8 when it frees
/// memory, runs full GCs back to back, milliseconds apart); a heap thrashing in major GCs for minutes gives
/// a point every quarter of a second.
const GC_BURST_MS: f64 = 250.0;
/// The noise of floors from GC events: twice the resolution of `--trace-gc` sizes (MB with one decimal), so
/// that a change of one unit is within the noise.
const TRACE_GC_NOISE: f64 = 0.2 * 1024.0 * 1024.0;
/// Windows used for the floor of a series without a sawtooth.
pub const FLOOR_WINDOWS: usize = 20;

/// The GC signal a floor was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorSource {
    /// Heap size after each major GC (burst), from GC events.
    MajorGcs,
    /// Old generation (heap used minus new space) at the start of each cycle between its drops.
    OldGeneration,
    /// Lower envelope of each GC cycle found from the sampled series' drops.
    GcCycles,
    /// Minimum of each of 20 windows (no sawtooth).
    Windows,
    /// Minimum of the old generation in each of 20 windows (it never dropped: no major GC freed anything).
    OldGenerationWindows,
}

impl FloorSource {
    /// How the floor reads in a sentence: "the heap after each major GC".
    pub fn describe(self) -> &'static str {
        match self {
            FloorSource::MajorGcs => "the heap after each major GC (GC log)",
            FloorSource::OldGeneration => "the old generation after each major GC (heap-space statistics)",
            FloorSource::GcCycles => "the post-GC low of each GC cycle (drops in the samples)",
            FloorSource::Windows => "the lowest sample of each of 20 windows (no GC drops)",
            FloorSource::OldGenerationWindows => {
                "the old generation (heap-space statistics), which no major GC brought down"
            }
        }
    }

    /// Whether each floor point closes a GC cycle (so "cycle after cycle" applies).
    pub fn is_cycles(self) -> bool {
        matches!(self, FloorSource::MajorGcs | FloorSource::OldGeneration | FloorSource::GcCycles)
    }
}

/// A series' floor.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub source: FloorSource,
    /// `(t_ms, value)`, one per GC cycle (or window), in time order.
    pub points: Vec<(f64, f64)>,
    /// Scavenges (minor GCs) seen in the GC events on the series' clock, when any.
    pub minor_gcs: usize,
    /// How far a floor point may sit above the true post-GC level: the median step from each cycle's lowest
    /// sample to the next one (allocation or promotion within one sample interval); for GC events, twice
    /// the resolution of `--trace-gc`'s sizes.
    pub noise: f64,
    /// `(t_ms, value)`: every post-GC level between the floor points, scavenges included (the heap after
    /// each GC of a log, the old generation's samples, the sampled heap's local minima); empty for windows.
    /// A step shows in it as one jump; a leak as a steeper climb.
    pub post_gc: Vec<(f64, f64)>,
}

/// The floor of a series. `old_generation` is the heap-used series minus new space, when the file has heap
/// space figures; `gc_events` are the file's GC events (only those on the series' clock are used).
pub fn floor(series: &Series, old_generation: Option<&Series>, gc_events: &[GcEvent]) -> Floor {
    let on_clock = |e: &&GcEvent| e.time_base == series.time_base;
    let minor_gcs = if series.role == Some(Role::HeapUsed) {
        gc_events.iter().filter(on_clock).filter(|e| e.kind == GcKind::Minor).count()
    } else {
        0
    };
    let majors = major_gc_floor(gc_events, series.time_base);
    let make = |source, (points, noise), post_gc| Floor { source, points, minor_gcs, noise, post_gc };
    let samples = |s: &Series| s.t_ms.iter().copied().zip(s.values.iter().copied()).collect();
    if series.role == Some(Role::HeapUsed) {
        if majors.len() >= 2 {
            let after_each: Vec<(f64, f64)> = gc_events
                .iter()
                .filter(on_clock)
                .filter_map(|e| Some((e.t_ms + e.pause_ms, e.heap_after_bytes?)))
                .collect();
            return make(FloorSource::MajorGcs, (majors, TRACE_GC_NOISE), after_each);
        }
        if let Some(old) = old_generation {
            let drops = drops_of_monotone(&old.values);
            if drops.is_empty() {
                // No major GC freed anything: the old generation itself is the floor.
                return make(FloorSource::OldGenerationWindows, (window_floor(old), 0.0), Vec::new());
            }
            return make(FloorSource::OldGeneration, cycle_floors(old, &drops), samples(old));
        }
    }
    let is_heap = series.role == Some(Role::HeapUsed);
    let mut drops = big_drops(&series.values);
    if is_heap {
        let by_lows = drops_in_lows(&series.values);
        if by_lows.len() > drops.len() {
            drops = by_lows;
        }
    }
    if drops.len() >= 2 || (is_heap && !drops.is_empty()) {
        let floor = cycle_floors(series, &drops);
        // A heap's floor is only known after GCs; other quantities fall back to windows.
        if floor.0.len() >= 3 || is_heap {
            return make(FloorSource::GcCycles, floor, local_minima(series));
        }
    }
    make(FloorSource::Windows, (window_floor(series), 0.0), Vec::new())
}

/// The old generation: heap used minus new space, at the times both are sampled; `None` without a
/// new-space series of the same clock.
pub fn old_generation(series: &[Series], heap_used: &Series) -> Option<Series> {
    let new_space = series.iter().find(|s| {
        s.unit == Unit::Bytes
            && s.time_base == heap_used.time_base
            && s.labels.iter().filter(|(k, _)| k != "space").eq(heap_used.labels.iter())
            && is_new_space(s)
    })?;
    let mut old = Series::new(
        format!("{} - {}", heap_used.display_name(), new_space.display_name()),
        heap_used.labels.clone(),
        Unit::Bytes,
        heap_used.time_base,
    );
    let mut j = 0;
    for (&t, &v) in heap_used.t_ms.iter().zip(&heap_used.values) {
        while j < new_space.len() && new_space.t_ms[j] < t {
            j += 1;
        }
        if j < new_space.len() && new_space.t_ms[j] == t {
            old.push(t, v - new_space.values[j]);
        }
    }
    (old.len() >= 3).then_some(old)
}

/// `new_space.space_used_size` (heap-space statistics) or `nodejs_heap_space_size_used_bytes{space="new"}`.
fn is_new_space(s: &Series) -> bool {
    s.name == "new_space.space_used_size"
        || (s.name.ends_with("heap_space_size_used_bytes")
            && s.labels.iter().any(|(k, v)| k == "space" && v == "new"))
}

/// Heap after each burst of major GCs (the burst's lowest), at the burst's end. A burst is the major GCs
/// that start within [`GC_BURST_MS`] of its first: a heap that thrashes in major GCs for minutes before
/// dying of out-of-memory gives many points, not one for all of them.
fn major_gc_floor(events: &[GcEvent], time_base: TimeBase) -> Vec<(f64, f64)> {
    let mut floor: Vec<(f64, f64)> = Vec::new();
    let mut burst_start = f64::NEG_INFINITY;
    for e in events.iter().filter(|e| e.kind == GcKind::Major && e.time_base == time_base) {
        let Some(after) = e.heap_after_bytes else { continue };
        let end = e.t_ms + e.pause_ms;
        match floor.last_mut() {
            Some(last) if e.t_ms - burst_start < GC_BURST_MS => *last = (end, last.1.min(after)),
            _ => {
                floor.push((end, after));
                burst_start = e.t_ms;
            }
        }
    }
    floor
}

/// The floor of each cycle that starts at a drop: its lowest sample. Within a cycle the heap that survives
/// scavenges only climbs (promotion), so the lowest sample is the one nearest the major GC that opened it.
/// Also returns the floor's noise: the median step from a cycle's lowest sample to the next sample.
fn cycle_floors(series: &Series, drops: &[usize]) -> (Vec<(f64, f64)>, f64) {
    let (t, v) = (&series.t_ms, &series.values);
    let mut bounds = drops.to_vec();
    bounds.push(v.len());
    let lowest: Vec<usize> = bounds
        .windows(2)
        .map(|w| (w[0]..w[1]).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(w[0]))
        .collect();
    let steps: Vec<f64> = lowest.iter().filter_map(|&i| Some((v.get(i + 1)? - v[i]).abs())).collect();
    (lowest.iter().map(|&i| (t[i], v[i])).collect(), quantile(&steps, 0.5).unwrap_or(0.0))
}

/// The samples lower than the one before and not higher than the one after: the heap just after a GC.
fn local_minima(series: &Series) -> Vec<(f64, f64)> {
    let v = &series.values;
    (1..v.len().saturating_sub(1))
        .filter(|&i| v[i] < v[i - 1] && v[i] <= v[i + 1])
        .map(|i| (series.t_ms[i], v[i]))
        .collect()
}

fn window_floor(series: &Series) -> Vec<(f64, f64)> {
    let (t, v) = (&series.t_ms, &series.values);
    let window = v.len().div_ceil(FLOOR_WINDOWS).max(1);
    (0..v.len())
        .step_by(window)
        .map(|start| {
            let end = (start + window).min(v.len());
            let i = (start..end).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(start);
            (t[i], v[i])
        })
        .collect()
}

/// Indices where the series drops by a GC-sized amount: at least a quarter of the largest drop and four
/// times the median non-zero change between samples, and not followed by a rebound of half the drop (noise
/// jumps back; after a GC the heap climbs again slowly).
fn big_drops(v: &[f64]) -> Vec<usize> {
    let changes: Vec<f64> = v.windows(2).map(|w| (w[1] - w[0]).abs()).filter(|d| *d > 0.0).collect();
    let Some(typical) = quantile(&changes, 0.5) else { return Vec::new() };
    let largest = v.windows(2).map(|w| w[0] - w[1]).fold(0.0, f64::max);
    let threshold = (0.25 * largest).max(4.0 * typical);
    if largest <= 0.0 || largest < threshold {
        return Vec::new();
    }
    (1..v.len())
        .filter(|&i| {
            let drop = v[i - 1] - v[i];
            let rebound = v.get(i + 1).map_or(0.0, |next| next - v[i]);
            drop >= threshold && rebound < 0.5 * drop
        })
        .collect()
}

/// Major GCs in a finely sampled heap whose sawtooth hides them: the heap just after each scavenge (the
/// local minima) only climbs between major GCs, with promotion, so its falls are major GCs, however large
/// the scavenges' own drops in the raw samples (a young generation that fills 4 MB a second hides a major GC
/// that frees 10 MB from [`big_drops`]). The falls of the lows that count are those above the widest gap
/// (a ratio of two at least) in their sizes, above 2% of the lows' median level and 256 KiB (a low sampled a
/// moment later after its scavenge sits a little above the next), and they must leave three lows a cycle on
/// average: lows of noise, or of a sawtooth sampled too coarsely to resolve its scavenges, fall by every
/// amount. Returns the raw index of the low after each fall.
fn drops_in_lows(v: &[f64]) -> Vec<usize> {
    let lows: Vec<usize> =
        (1..v.len().saturating_sub(1)).filter(|&i| v[i] < v[i - 1] && v[i] <= v[i + 1]).collect();
    let levels: Vec<f64> = lows.iter().map(|&i| v[i]).collect();
    let smallest_fall = (0.02 * quantile(&levels, 0.5).unwrap_or(0.0)).max(256.0 * 1024.0);
    let fall = |w: &[usize]| v[w[0]] - v[w[1]];
    let mut falls: Vec<f64> = lows.windows(2).map(fall).filter(|&f| f > 0.0).collect();
    falls.sort_by(|a, b| b.total_cmp(a));
    falls.push(0.0);
    // The widest gap: the largest ratio of a fall to the next smaller one.
    let Some(threshold) = falls
        .windows(2)
        .filter(|w| w[0] >= smallest_fall)
        .max_by(|a, b| (a[0] * b[1]).total_cmp(&(b[0] * a[1])))
        .filter(|w| w[0] >= 2.0 * w[1])
        .map(|w| w[0])
    else {
        return Vec::new();
    };
    let drops: Vec<usize> = lows.windows(2).filter(|w| fall(w) >= threshold).map(|w| w[1]).collect();
    if lows.len() < 3 * (drops.len() + 1) {
        return Vec::new();
    }
    drops
}

/// Drops of a series that only grows between major GCs (the old generation): each fall of more than 2% of
/// the level and 256 KiB; a fall over consecutive samples (sweeping after the GC) counts once.
fn drops_of_monotone(v: &[f64]) -> Vec<usize> {
    let is_drop = |i: usize| v[i - 1] - v[i] > (0.02 * v[i - 1].abs()).max(256.0 * 1024.0);
    (1..v.len()).filter(|&i| is_drop(i) && (i < 2 || !is_drop(i - 1))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: f64 = 1024.0 * 1024.0;

    fn series(name: &str, labels: &[(&str, &str)], role: Option<Role>, values: &[f64]) -> Series {
        let labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut s = Series::new(name, labels, Unit::Bytes, TimeBase::Epoch);
        s.role = role;
        for (i, v) in values.iter().enumerate() {
            s.push(i as f64 * 15_000.0, v * MB);
        }
        s
    }

    fn gc(t_ms: f64, kind: GcKind, after_mb: f64) -> GcEvent {
        GcEvent {
            t_ms,
            time_base: TimeBase::Epoch,
            kind,
            name: String::new(),
            pause_ms: 5.0,
            heap_before_bytes: None,
            heap_after_bytes: Some(after_mb * MB),
            heap_total_after_bytes: None,
            reason: None,
        }
    }

    #[test]
    fn major_gcs_in_a_burst_count_once_and_scavenges_are_counted() {
        let heap = series("heap_used_after_gc", &[], Some(Role::HeapUsed), &[10.0, 20.0, 12.0, 22.0]);
        let events = [
            gc(1_000.0, GcKind::Minor, 15.0),
            gc(5_000.0, GcKind::Major, 11.0),
            gc(5_100.0, GcKind::Major, 10.5),
            gc(60_000.0, GcKind::Major, 12.0),
        ];
        let floor = floor(&heap, None, &events);
        assert_eq!(floor.source, FloorSource::MajorGcs);
        assert_eq!(floor.minor_gcs, 1);
        assert_eq!(floor.post_gc.len(), 4, "the heap after every GC, scavenges included");
        let values: Vec<f64> = floor.points.iter().map(|p| p.1 / MB).collect();
        assert_eq!(values, [10.5, 12.0]);
    }

    #[test]
    fn a_heap_thrashing_in_major_gcs_keeps_its_floor_points() {
        // A major GC every 200 ms for 10 s, each leaving 0.1 MB more: a point for every two (each burst is
        // the GCs within 250 ms of its first), climbing, not one point for the lot.
        let heap = series("heap_used_after_gc", &[], Some(Role::HeapUsed), &[10.0, 15.0]);
        let events: Vec<GcEvent> =
            (0..50).map(|i| gc(f64::from(i) * 200.0, GcKind::Major, 10.0 + 0.1 * f64::from(i))).collect();
        let floor = floor(&heap, None, &events);
        assert_eq!(floor.source, FloorSource::MajorGcs);
        assert_eq!(floor.points.len(), 25);
        assert!(floor.points.windows(2).all(|w| w[1].1 > w[0].1));
    }

    #[test]
    fn old_generation_drops_are_major_gcs() {
        // Heap used = old generation + new space; the old generation climbs, then a major GC drops it.
        let old = [10.0, 14.0, 18.0, 11.0, 15.0, 19.0, 23.0, 12.0, 16.0];
        let new = [3.0, 1.0, 5.0, 2.0, 6.0, 1.0, 4.0, 2.0, 3.0];
        let used: Vec<f64> = old.iter().zip(&new).map(|(o, n)| o + n).collect();
        let heap = series("nodejs_heap_size_used_bytes", &[], Some(Role::HeapUsed), &used);
        let spaces =
            [series("nodejs_heap_space_size_used_bytes", &[("space", "new")], None, &new), heap.clone()];
        let old_gen = old_generation(&spaces, &heap).unwrap();
        assert_eq!(old_gen.values.iter().map(|v| v / MB).collect::<Vec<_>>(), old);
        let floor = floor(&heap, Some(&old_gen), &[]);
        assert_eq!(floor.source, FloorSource::OldGeneration);
        assert_eq!(floor.points.iter().map(|p| p.1 / MB).collect::<Vec<_>>(), [11.0, 12.0]);
        // Another instance's new space is not this heap's.
        let other =
            [series("nodejs_heap_space_size_used_bytes", &[("space", "new"), ("pod", "b")], None, &new)];
        assert!(old_generation(&other, &heap).is_none());
    }

    #[test]
    fn an_old_generation_that_never_drops_is_its_own_floor() {
        let old: Vec<f64> = (0..40).map(|i| 10.0 + f64::from(i)).collect();
        let heap = series("used_heap_size", &[], Some(Role::HeapUsed), &old);
        let floor = floor(&heap, Some(&heap), &[]);
        assert_eq!(floor.source, FloorSource::OldGenerationWindows);
        assert_eq!(floor.points.len(), 20);
    }

    #[test]
    fn major_gcs_hidden_by_a_fast_young_generation_are_falls_of_the_lows() {
        // Every second the young generation gains 4 MB and a scavenge every third sample frees it, promoting
        // 0.5 MB; every 12 samples a major GC brings the old generation back to 10 MB (+0.3 MB a cycle).
        // Scavenges drop 8 MB, major GCs about as much: the raw drops do not tell them apart.
        let values: Vec<f64> = (0..60)
            .map(|i| {
                let old = 10.0 + 0.3 * f64::from(i / 12) + 0.5 * f64::from((i % 12) / 3);
                old + 4.0 * f64::from(i % 3)
            })
            .collect();
        let heap = series("heapUsed", &[], Some(Role::HeapUsed), &values);
        let floor = floor(&heap, None, &[]);
        assert_eq!(floor.source, FloorSource::GcCycles);
        let lows: Vec<f64> = floor.points.iter().map(|p| (p.1 / MB * 10.0).round() / 10.0).collect();
        assert_eq!(lows, [10.3, 10.6, 10.9, 11.2], "one point per major GC, the first cycle left out");
    }

    #[test]
    fn a_sampled_sawtooth_splits_at_its_big_drops() {
        // Teeth of 8 samples climbing 1 MB a sample; each major GC drops to a floor 1 MB above the last.
        let values: Vec<f64> = (0..36).map(|i| f64::from(5 + i / 8 + i % 8)).collect();
        let heap = series("heapUsed", &[], Some(Role::HeapUsed), &values);
        let floor = floor(&heap, None, &[]);
        assert_eq!(floor.source, FloorSource::GcCycles);
        assert_eq!(floor.points.iter().map(|p| p.1 / MB).collect::<Vec<_>>(), [6.0, 7.0, 8.0, 9.0]);
        assert_eq!(floor.noise / MB, 1.0, "the step from each cycle's low to the next sample");
    }
}
