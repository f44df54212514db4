//! A report to hand to a colleague: what the analysed snapshots and metrics files say, as one document that
//! serialises to the JSON of `heapscope report --json` and renders to one self-contained HTML file
//! ([`html`]). Per snapshot, its totals, DevTools' Statistics and its largest classes and objects; per
//! metrics file, the verdict with its reason and chart; with two snapshots or more, the Comparison of the
//! last two and the leak suspects with their owner paths. String values from the heap are redacted unless
//! [`ReportOptions::include_strings`] says otherwise ([`redact`]).
//!
//! The [`ReportBuilder`] takes the snapshots one at a time, oldest first, so a caller that loads them from
//! disk holds at most two whole graphs (the last and the one before it, which the Comparison needs); the
//! earlier ones are kept as their leak-analysis digests.

mod html;
pub mod redact;

use serde::{Deserialize, Serialize};

use crate::chart::memory_chart_svg;
use crate::leaks::digest::Digest;
use crate::leaks::survivors::shape_of;
use crate::leaks::trace::path_text;
use crate::leaks::LeakReport;
use crate::metrics::trend::{analyze, TrendOptions, TrendReport};
use crate::metrics::MetricsFile;
use crate::snapshot::compare::{compare, ClassDiffRow};
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::queries::{NodeRow, Summary};
use crate::snapshot::HeapSnapshot;

pub use html::html;

/// Classes and objects listed per snapshot.
const TOP_ROWS: usize = 20;
/// Comparison rows listed (the largest size changes).
const COMPARISON_ROWS: usize = 25;
/// Strings listed per snapshot.
const TOP_STRINGS: usize = 10;

/// What goes into a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOptions {
    /// Keep the heap's string values instead of their length and hash.
    pub include_strings: bool,
}

/// Whether a report's string values are the heap's or their redacted stand-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strings {
    /// Each string value is shown as its length and a short hash (see [`redact::string_value`]).
    Redacted,
    Included,
}

/// The report: the `--json` document, and what [`html`] draws.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// `heapscope <version>`.
    pub generator: String,
    pub strings: Strings,
    /// Oldest first.
    pub snapshots: Vec<SnapshotSection>,
    pub metrics: Vec<MetricsSection>,
    /// The last snapshot against the one before it; `None` with fewer than two snapshots.
    pub comparison: Option<ComparisonSection>,
    /// Leak suspects across the snapshots; `None` with fewer than two snapshots.
    pub leaks: Option<LeakReport>,
}

/// One snapshot: totals, Statistics, its largest classes and objects (by retained size).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotSection {
    pub name: String,
    pub summary: Summary,
    /// The largest strings (by retained size): a big JSON text or a pile of copies is a common way to
    /// hold memory, and equal hashes show the copies when the values are redacted.
    pub top_strings: Vec<NodeRow>,
}

/// One metrics file (or a directory's files combined): the trend analysis and its chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricsSection {
    pub name: String,
    pub trend: TrendReport,
    /// The memory chart, an SVG document (its text escaped by the drawing backend).
    pub chart_svg: String,
}

/// DevTools' Comparison of the last snapshot (`current`) against the one before it (`base`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComparisonSection {
    pub base: String,
    pub current: String,
    pub new_count: u64,
    pub deleted_count: u64,
    pub size_delta: i64,
    /// Classes with new or deleted objects, of which `classes` lists the largest size changes.
    pub class_count: usize,
    pub classes: Vec<ClassDiffRow>,
}

/// Builds a [`Report`] from snapshots given one at a time, oldest first, and metrics files.
pub struct ReportBuilder {
    options: ReportOptions,
    snapshots: Vec<SnapshotSection>,
    digests: Vec<Digest>,
    comparison: Option<ComparisonSection>,
    leaks: Option<LeakReport>,
    metrics: Vec<MetricsSection>,
}

impl ReportBuilder {
    pub fn new(options: ReportOptions) -> Self {
        ReportBuilder {
            options,
            snapshots: Vec::new(),
            digests: Vec::new(),
            comparison: None,
            leaks: None,
            metrics: Vec::new(),
        }
    }

    /// Adds a snapshot that is not the last: its section, and its digest for the leak analysis.
    pub fn earlier_snapshot(&mut self, name: &str, snapshot: &HeapSnapshot) {
        self.snapshots.push(self.snapshot_section(name, snapshot));
        let digest = Digest::of(snapshot, crate::leaks::role_of(&self.digests));
        self.digests.push(digest);
    }

    /// Adds the last snapshot. `previous`, the snapshot given just before it (whole, as the Comparison needs
    /// it), is `None` when it is the only one.
    pub fn last_snapshot(&mut self, name: &str, snapshot: &HeapSnapshot, previous: Option<&HeapSnapshot>) {
        if let (Some(base), Some(base_section)) = (previous, self.snapshots.last()) {
            let comparison = compare(base, snapshot);
            let mut classes: Vec<ClassDiffRow> = comparison.classes.iter().map(ClassDiffRow::from).collect();
            classes.sort_by_key(|c| std::cmp::Reverse(c.size_delta.unsigned_abs()));
            let class_count = classes.len();
            classes.truncate(COMPARISON_ROWS);
            self.comparison = Some(ComparisonSection {
                base: base_section.name.clone(),
                current: name.to_owned(),
                new_count: comparison.new_count(),
                deleted_count: comparison.deleted_count(),
                size_delta: comparison.size_delta(),
                class_count,
                classes,
            });
        }
        if !self.digests.is_empty() {
            let mut leaks = crate::leaks::report(&self.digests, snapshot);
            if !self.options.include_strings {
                redact_leaks(snapshot, &mut leaks);
            }
            self.leaks = Some(leaks);
        }
        self.snapshots.push(self.snapshot_section(name, snapshot));
    }

    /// Adds a metrics file: its trend, as `heapscope trend` finds it, and its chart.
    pub fn metrics(&mut self, name: &str, file: &MetricsFile) {
        let trend = analyze(file, &TrendOptions::default());
        let chart_svg = memory_chart_svg(file, &trend, &[]);
        self.metrics.push(MetricsSection { name: name.to_owned(), trend, chart_svg });
    }

    pub fn finish(self) -> Report {
        Report {
            generator: format!("heapscope {}", env!("CARGO_PKG_VERSION")),
            strings: if self.options.include_strings { Strings::Included } else { Strings::Redacted },
            snapshots: self.snapshots,
            metrics: self.metrics,
            comparison: self.comparison,
            leaks: self.leaks,
        }
    }

    fn snapshot_section(&self, name: &str, snapshot: &HeapSnapshot) -> SnapshotSection {
        let mut summary = snapshot.summary(TOP_ROWS, TOP_ROWS);
        let mut top_strings: Vec<NodeRow> =
            largest_strings(snapshot, TOP_STRINGS).into_iter().map(|n| snapshot.node_row(n)).collect();
        if !self.options.include_strings {
            summary.top_objects.iter_mut().chain(&mut top_strings).for_each(redact::node_row);
        }
        SnapshotSection { name: name.to_owned(), summary, top_strings }
    }
}

impl Report {
    /// The report of `snapshots` (name and analysed snapshot, oldest first) and `metrics` files.
    pub fn build(
        snapshots: &[(&str, &HeapSnapshot)],
        metrics: &[(&str, &MetricsFile)],
        options: ReportOptions,
    ) -> Report {
        let mut builder = ReportBuilder::new(options);
        if let Some(((last_name, last), earlier)) = snapshots.split_last() {
            for (name, snapshot) in earlier {
                builder.earlier_snapshot(name, snapshot);
            }
            builder.last_snapshot(last_name, last, earlier.last().map(|(_, s)| *s));
        }
        for (name, file) in metrics {
            builder.metrics(name, file);
        }
        builder.finish()
    }
}

/// The `n` strings with the largest retained sizes, largest first (ties by node index).
fn largest_strings(snapshot: &HeapSnapshot, n: usize) -> Vec<NodeIdx> {
    let graph = &snapshot.graph;
    let is_string: Vec<bool> = graph.node_type_names.iter().map(|t| redact::is_string_type(t)).collect();
    let mut best: Vec<(std::cmp::Reverse<u64>, u32)> = Vec::with_capacity(n + 1);
    for node in 0..snapshot.n_nodes() as u32 {
        if !is_string.get(usize::from(graph.node_type[node as usize])).copied().unwrap_or(false) {
            continue;
        }
        let key = (std::cmp::Reverse(snapshot.retained_size(NodeIdx(node))), node);
        if best.len() == n && best.last().is_some_and(|last| key >= *last) {
            continue;
        }
        let at = best.partition_point(|b| *b < key);
        best.insert(at, key);
        best.truncate(n);
    }
    best.into_iter().map(|(_, node)| NodeIdx(node)).collect()
}

/// Redacts the suspects' and clusters' traces (made from `last`) and the text built from them: owner paths
/// and cluster paths are rebuilt from the redacted steps, and a title that quotes the last step's edge gets
/// the redacted edge (the rest of a title is class names and numbers).
fn redact_leaks(last: &HeapSnapshot, leaks: &mut LeakReport) {
    for suspect in &mut leaks.suspects {
        let edge_before = suspect.trace.last().map(|s| s.edge.clone());
        suspect.trace.iter_mut().for_each(|step| redact::trace_step(last, step));
        if let (Some(before), Some(after)) = (edge_before, suspect.trace.last()) {
            if before != after.edge {
                suspect.title = suspect.title.replace(&before, &after.edge);
            }
        }
        suspect.owner_path = path_text(&suspect.trace);
    }
    for cluster in leaks.survivors.iter_mut().flat_map(|s| s.clusters.iter_mut()) {
        cluster.trace.iter_mut().for_each(|step| redact::trace_step(last, step));
        cluster.path = shape_of(&cluster.trace);
    }
}
