//! Merging the files of one run into one [`MetricsFile`], with their clocks on one time base.
//!
//! Clocks: clinic's trace events (monotonic) move to wall-clock time with the systeminfo offset. A
//! `--trace-gc` log counts from process start; it moves to wall-clock time when the run's snapshot events
//! are loaded too (each heap snapshot forces a burst of `heap profiler` GCs, matched in order to the
//! snapshot-start markers), or else from Prometheus' `process_start_time_seconds` (to the second). Series
//! that cannot be aligned keep their own time base and are analysed on their own.

use super::series::{GcEvent, Marker, TimeBase};
use super::{Format, MetricsFile};

/// Bursts of GCs closer than this belong to one snapshot.
const BURST_GAP_MS: f64 = 200.0;

/// Merges the files (in order); a single file comes back unchanged.
pub fn combine(mut files: Vec<MetricsFile>) -> MetricsFile {
    if files.len() == 1 {
        return files.remove(0);
    }
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    let mut out = MetricsFile::new(&names.join(" + "), Format::Combined);
    out.formats.clear();
    for file in files {
        out.formats.push(file.format);
        for w in file.warnings {
            let message = format!("{}: {}", file.file_name, w.message);
            out.warnings.push(super::Warning { line: w.line, message });
        }
        out.notes.extend(file.notes.into_iter().map(|n| format!("{}: {n}", file.file_name)));
        out.n_skipped += file.n_skipped;
        out.series.extend(file.series);
        out.gc_events.extend(file.gc_events);
        out.gc_histograms.extend(file.gc_histograms);
        out.markers.extend(file.markers);
        out.out_of_memory |= file.out_of_memory;
        out.heap_limit_bytes = match (out.heap_limit_bytes, file.heap_limit_bytes) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        out.monotonic_offset_ms = out.monotonic_offset_ms.or(file.monotonic_offset_ms);
        out.process_start_epoch_ms = out.process_start_epoch_ms.or(file.process_start_epoch_ms);
    }
    if let Some(offset) = out.monotonic_offset_ms {
        shift(&mut out, TimeBase::Monotonic, offset);
    }
    let start = out
        .process_start_epoch_ms
        .or_else(|| start_from_snapshots(&out.gc_events, &out.markers))
        .or_else(|| {
            let s = out.series.iter().find(|s| s.name.ends_with("process_start_time_seconds"))?;
            let start = s.values.iter().rev().map(|seconds| seconds * 1000.0).find(|ms| ms.is_finite())?;
            out.notes.push(
                "--trace-gc times placed on the clock with process_start_time_seconds (1 s precision)".into(),
            );
            Some(start)
        });
    if let Some(start) = start {
        out.process_start_epoch_ms = Some(start);
        shift(&mut out, TimeBase::ProcessStart, start);
    }
    out.gc_events.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    out.markers.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    out
}

/// Moves everything on `from` to wall-clock time by adding `offset_ms`.
fn shift(file: &mut MetricsFile, from: TimeBase, offset_ms: f64) {
    for s in file.series.iter_mut().filter(|s| s.time_base == from) {
        s.t_ms.iter_mut().for_each(|t| *t += offset_ms);
        s.time_base = TimeBase::Epoch;
    }
    for e in file.gc_events.iter_mut().filter(|e| e.time_base == from) {
        e.t_ms += offset_ms;
        e.time_base = TimeBase::Epoch;
    }
    for h in file.gc_histograms.iter_mut().filter(|h| h.time_base == from) {
        h.snapshots.iter_mut().for_each(|s| s.t_ms += offset_ms);
        h.time_base = TimeBase::Epoch;
    }
    for m in file.markers.iter_mut().filter(|m| m.time_base == from) {
        m.t_ms += offset_ms;
        m.time_base = TimeBase::Epoch;
    }
}

/// Epoch ms of process start, from the snapshot-start markers and the `heap profiler` GC bursts of the
/// same snapshots (the median offset of the pairs), when their counts agree.
fn start_from_snapshots(events: &[GcEvent], markers: &[Marker]) -> Option<f64> {
    let starts: Vec<f64> = markers
        .iter()
        .filter(|m| {
            m.time_base == TimeBase::Epoch && m.label.starts_with("snapshot") && m.label.ends_with("start")
        })
        .map(|m| m.t_ms)
        .collect();
    let mut bursts: Vec<f64> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for e in events.iter().filter(|e| e.time_base == TimeBase::ProcessStart) {
        if e.reason.as_deref() == Some("heap profiler") {
            if e.t_ms - last > BURST_GAP_MS {
                bursts.push(e.t_ms);
            }
            last = e.t_ms;
        }
    }
    if starts.is_empty() || starts.len() != bursts.len() {
        return None;
    }
    let mut offsets: Vec<f64> = starts.iter().zip(&bursts).map(|(s, b)| s - b).collect();
    offsets.sort_by(f64::total_cmp);
    Some(offsets[offsets.len() / 2])
}
