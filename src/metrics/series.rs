//! The parsed form every metrics format ends in: named time series, GC events, GC histograms and markers.
//!
//! Parsers build these with [`SeriesSet`], which groups samples by name and labels; the trend analysis and
//! the charts read them. Nothing here knows a file format.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// What a timestamp counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBase {
    /// Milliseconds since the Unix epoch (wall-clock time).
    Epoch,
    /// Milliseconds since the process (V8 isolate) started, as `--trace-gc` prints them.
    ProcessStart,
    /// Milliseconds of a monotonic clock with an unknown origin (clinic's trace events without systeminfo).
    Monotonic,
    /// Sample order only: the file carried no time at all.
    Ordinal,
}

/// The unit of a series' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Bytes,
    Seconds,
    Milliseconds,
    Count,
    Ratio,
    Other,
}

/// What a series measures, when it is one of the memory quantities the trend analysis knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Bytes used by JavaScript objects in the V8 heap (`heapUsed`, `used_heap_size`, the `--trace-gc` "after").
    HeapUsed,
    /// Bytes V8 reserved for the heap (`heapTotal`).
    HeapTotal,
    /// Resident set size of the process.
    Rss,
    /// Memory of C++ objects bound to JavaScript objects (`external`), which includes `arrayBuffers`.
    External,
    /// Backing stores of `ArrayBuffer`s and `Buffer`s.
    ArrayBuffers,
    /// V8's heap size limit.
    HeapLimit,
}

impl Role {
    /// Whether growth of this quantity means the process keeps memory (as opposed to pages V8 or the
    /// allocator hold on to).
    pub fn is_retained(self) -> bool {
        matches!(self, Role::HeapUsed | Role::External | Role::ArrayBuffers)
    }
}

/// One named time series. `t_ms` and `values` have the same length; `t_ms` is sorted when the source was.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    /// Label pairs in source order (Prometheus labels, Grafana legend labels); empty for plain fields.
    pub labels: Vec<(String, String)>,
    pub unit: Unit,
    pub role: Option<Role>,
    pub time_base: TimeBase,
    pub t_ms: Vec<f64>,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(
        name: impl Into<String>,
        labels: Vec<(String, String)>,
        unit: Unit,
        time_base: TimeBase,
    ) -> Self {
        Series {
            name: name.into(),
            labels,
            unit,
            role: None,
            time_base,
            t_ms: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn push(&mut self, t_ms: f64, value: f64) {
        self.t_ms.push(t_ms);
        self.values.push(value);
    }

    /// `name{a="1",b="2"}`, the way Prometheus writes a series.
    pub fn display_name(&self) -> String {
        series_label(&self.name, self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Sorts the samples by time (stable, so equal timestamps keep file order).
    pub fn sort_by_time(&mut self) {
        if self.t_ms.windows(2).all(|w| w[0] <= w[1]) {
            return;
        }
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by(|&a, &b| self.t_ms[a].total_cmp(&self.t_ms[b]));
        self.t_ms = order.iter().map(|&i| self.t_ms[i]).collect();
        self.values = order.iter().map(|&i| self.values[i]).collect();
    }
}

/// The kind of a garbage collection, in V8's two families plus the incremental steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GcKind {
    /// Young generation: Scavenge, Minor Mark-Sweep (Minor Mark-Compact).
    Minor,
    /// Full heap: Mark-Compact, Mark-sweep.
    Major,
    /// An incremental marking step.
    Incremental,
    /// Weak callback processing.
    WeakCallbacks,
}

/// One garbage collection, from `--trace-gc`, `--trace-gc-nvp` or clinic's trace events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GcEvent {
    /// Start of the pause.
    pub t_ms: f64,
    pub time_base: TimeBase,
    pub kind: GcKind,
    /// V8's name for it: `Scavenge`, `Mark-Compact (reduce)`, `MajorGC`...
    pub name: String,
    pub pause_ms: f64,
    pub heap_before_bytes: Option<f64>,
    pub heap_after_bytes: Option<f64>,
    /// Heap size (committed) after the collection, when known.
    pub heap_total_after_bytes: Option<f64>,
    pub reason: Option<String>,
}

/// A Prometheus histogram over time: one cumulative snapshot per scrape.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Histogram {
    pub name: String,
    /// Labels without `le`.
    pub labels: Vec<(String, String)>,
    pub time_base: TimeBase,
    pub snapshots: Vec<HistogramSnapshot>,
}

/// A histogram's state at one scrape: cumulative bucket counts by upper bound (sorted, `+Inf` last), sum and
/// count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistogramSnapshot {
    pub t_ms: f64,
    pub buckets: Vec<(f64, f64)>,
    pub sum: Option<f64>,
    pub count: Option<f64>,
}

/// A labelled moment, such as a heap snapshot's capture.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Marker {
    pub t_ms: f64,
    pub time_base: TimeBase,
    pub label: String,
}

/// Collects samples into series keyed by name and labels, in first-seen order.
#[derive(Debug, Default)]
pub(crate) struct SeriesSet {
    series: Vec<Series>,
    /// `name`, or `name\0key\0value...` for labelled series.
    index: FxHashMap<String, usize>,
    key: String,
}

impl SeriesSet {
    /// The series with this name and labels, created with `make` on first use.
    pub fn entry<L: AsRef<str>>(
        &mut self,
        name: &str,
        labels: &[(L, L)],
        make: impl FnOnce() -> Series,
    ) -> &mut Series {
        let idx = self.position(name, labels, make);
        &mut self.series[idx]
    }

    /// The position of the series with this name and labels, created with `make` on first use; a parser
    /// that sees one series over and over (a CSV column) keeps it, to look the name up only once.
    pub fn position<L: AsRef<str>>(
        &mut self,
        name: &str,
        labels: &[(L, L)],
        make: impl FnOnce() -> Series,
    ) -> usize {
        self.key.clear();
        self.key.push_str(name);
        for (k, v) in labels {
            for part in [k.as_ref(), v.as_ref()] {
                self.key.push('\0');
                self.key.push_str(part);
            }
        }
        match self.index.get(self.key.as_str()) {
            Some(&idx) => idx,
            None => {
                self.index.insert(self.key.clone(), self.series.len());
                self.series.push(make());
                self.series.len() - 1
            }
        }
    }

    /// The series at a position [`SeriesSet::position`] gave.
    pub fn at(&mut self, idx: usize) -> &mut Series {
        &mut self.series[idx]
    }

    pub fn into_series(self) -> Vec<Series> {
        let mut series = self.series;
        for s in &mut series {
            s.sort_by_time();
        }
        series
    }
}
/// A series' name with its labels, `name{a="1",b="2"}`, the way Prometheus writes it (just `name` without
/// labels). The one place a series label is formatted.
pub fn series_label<'a>(name: &str, labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let labels: Vec<String> = labels.into_iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    if labels.is_empty() {
        name.to_owned()
    } else {
        format!("{name}{{{}}}", labels.join(","))
    }
}
