//! Messages between the page (UI thread) and the worker, and the answers the CLI shares with them.
//!
//! Both sides are Rust: the page builds a [`Request`], the worker answers with [`Response`]s. They cross the
//! thread boundary as JS values via serde-wasm-bindgen (in `ui/` and `worker/`); this module knows nothing
//! of JS. A file's bytes do not go through serde: each chunk travels beside a [`Request::Chunk`] as an
//! `ArrayBuffer` transferred (not copied) to the worker. Answers to queries are pages of rows, never whole
//! tables.

use serde::{Deserialize, Serialize};

use crate::leaks::LeakReport;
use crate::metrics::trend::TrendReport;
use crate::snapshot::compare::ClassDiffRow;
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::parse::SnapshotMeta;
use crate::snapshot::queries::{ClassRow, EdgeRow, NodeRow, Page, Summary};
use crate::snapshot::SearchQuery;

/// The page's name for a file it asked the worker to open; chosen by the page, unique per page load.
pub type Handle = u32;

/// What the page asks of the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Request {
    /// A file of `size` bytes is coming under `handle`: its bytes follow in [`Request::Chunk`]s, in order.
    Open { handle: Handle, name: String, size: u64 },
    /// The next bytes of an opened file, in the `ArrayBuffer` posted beside this request. The worker answers
    /// each with a [`Phase::Reading`] [`Progress`], which tells the page the chunk is consumed, or with a
    /// [`Response::Failed`]; chunks of a file that already failed are dropped without an answer.
    Chunk { handle: Handle },
    /// Every chunk of an opened file has been sent: analyse it (dropped, like its chunks, if it failed).
    EndOfFile { handle: Handle },
    /// Answer a query about an opened file; `seq` is echoed so the page can drop stale answers.
    Query { handle: Handle, seq: u32, query: Query },
    /// Merge loaded metrics files into one timeline, opened under a new `handle`.
    Combine { handle: Handle, sources: Vec<Handle> },
    /// Forget a file and free its memory.
    Close { handle: Handle },
}

/// A question about an opened file. Lists are paged with `offset`/`limit`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Query {
    /// Classes of a snapshot, by retained size; only those whose name contains `filter` (ignoring case) when
    /// it is not empty.
    Classes {
        offset: u32,
        limit: u32,
        #[serde(default)]
        filter: String,
        /// The column sorted by (by default retained size, largest first, as DevTools opens it).
        #[serde(default)]
        order: ClassOrder,
        #[serde(default)]
        ascending: bool,
    },
    /// Objects of one class (an index into the class list), by retained size.
    Instances { class: u32, offset: u32, limit: u32 },
    /// A node's outgoing references.
    Edges { node: NodeIdx, offset: u32, limit: u32 },
    /// The references that keep a node alive, in DevTools' order, or nearest to a GC root first.
    Retainers {
        node: NodeIdx,
        offset: u32,
        limit: u32,
        #[serde(default)]
        by_distance: bool,
    },
    /// The shortest path from a GC root to a node, avoiding weak edges: the edges from the root down.
    PathToRoot { node: NodeIdx, offset: u32, limit: u32 },
    /// A node's dominators, from the node up to the root.
    DominatorChain { node: NodeIdx, offset: u32, limit: u32 },
    /// The nodes a node dominates (retains alone), by retained size.
    DominatorChildren { node: NodeIdx, offset: u32, limit: u32 },
    /// One node's row, looked up by V8's `@id`; an empty page when no object has that id.
    NodeById { id: u32 },
    /// DevTools' Comparison of this snapshot against the snapshot `base`: every class row.
    Compare { base: Handle },
    /// The objects of one Comparison class (by key): new in this snapshot, or (`deleted`) gone from `base`
    /// (rows of the base snapshot then).
    CompareObjects { base: Handle, key: String, deleted: bool, offset: u32, limit: u32 },
    /// Leak suspects and the three-snapshot technique over `earlier` (oldest first) then this snapshot.
    Leaks { earlier: Vec<Handle> },
    /// Objects found by a search, largest retained size first (the last search's matches are kept for its
    /// next pages).
    Search { search: SearchQuery, offset: u32, limit: u32 },
    /// A report of loaded snapshots (oldest first) and metrics files, string values redacted unless
    /// `include_strings`; asked of any loaded file.
    Report { snapshots: Vec<Handle>, metrics: Vec<Handle>, include_strings: bool },
}

/// The Summary columns classes can be sorted by; ties are broken by name, as DevTools does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassOrder {
    Name,
    Count,
    ShallowSize,
    #[default]
    RetainedSize,
    Distance,
}

impl ClassOrder {
    /// The order of a Summary column named as in the page's `data-col`.
    pub fn of_column(col: &str) -> Option<ClassOrder> {
        Some(match col {
            "name" => ClassOrder::Name,
            "count" => ClassOrder::Count,
            "shallow_size" => ClassOrder::ShallowSize,
            "retained_size" => ClassOrder::RetainedSize,
            "distance" => ClassOrder::Distance,
            _ => return None,
        })
    }

    pub fn column(self) -> &'static str {
        match self {
            ClassOrder::Name => "name",
            ClassOrder::Count => "count",
            ClassOrder::ShallowSize => "shallow_size",
            ClassOrder::RetainedSize => "retained_size",
            ClassOrder::Distance => "distance",
        }
    }
}

/// What the worker tells the page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Response {
    /// The worker's wasm is loaded; requests sent before this are lost.
    Ready,
    /// Loading or analysis progressed.
    Progress(Progress),
    /// A file was read and analysed.
    Opened { handle: Handle, info: Box<FileInfo> },
    /// The answer to a [`Request::Query`].
    Answer { handle: Handle, seq: u32, answer: Answer },
    /// A [`Request::Query`] failed; the file stays loaded and usable.
    QueryFailed { handle: Handle, seq: u32, error: ErrorReport },
    /// Opening, reading or combining a file failed; the file (if any) is no longer loading.
    Failed { handle: Handle, error: ErrorReport },
}

/// Where a file is in its loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Reading,
    Analysing,
}

/// Progress of one file: `done` out of `total` units (bytes while reading, steps while analysing).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    pub handle: Handle,
    pub phase: Phase,
    pub done: u64,
    pub total: u64,
}

/// An error as the user sees it: one sentence saying what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReport {
    pub message: String,
}

impl ErrorReport {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl std::fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the page learns about a file once it is analysed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum FileInfo {
    Snapshot(SnapshotInfo),
    Metrics(MetricsInfo),
}

/// A metrics file's verdict with the numbers behind it, and its charts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricsInfo {
    pub name: String,
    pub file_bytes: u64,
    pub report: TrendReport,
    /// Heap used / total / RSS over time with the post-GC floor and the fitted trend (SVG).
    pub memory_chart_svg: String,
    /// GC pauses over time (SVG), when the file has GC events or histograms.
    pub gc_chart_svg: Option<String>,
}

/// A heap snapshot's header, headline numbers, largest classes and largest objects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub name: String,
    pub file_bytes: u64,
    pub meta: SnapshotMeta,
    pub summary: Summary,
    /// Rows of the Summary in all (`summary` carries the first [`FIRST_CLASSES`]).
    pub class_count: usize,
    /// The largest V8 id of a JavaScript object: snapshots of one process are in the order they were taken
    /// when these grow (see `HeapSnapshot::max_js_object_id`).
    #[serde(default)]
    pub max_js_object_id: u32,
    /// Memory held by the process doing the analysis after this file was analysed, when the host can tell
    /// (the worker reports its wasm memory); for checking the memory budget against the file's size.
    pub analyser_memory_bytes: Option<u64>,
}

/// Classes shown with a snapshot's first view; more come page by page.
pub const FIRST_CLASSES: usize = 100;
/// Largest objects shown with a snapshot's first view.
pub const FIRST_OBJECTS: usize = 20;

/// One page of answers to a [`Query`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "page")]
pub enum Answer {
    Classes(Page<ClassRow>),
    Nodes(Page<NodeRow>),
    Edges(Page<EdgeRow>),
    Comparison(Vec<ClassDiffRow>),
    Leaks(Box<LeakReport>),
    /// A report as one self-contained HTML file, and the same content as JSON.
    Report {
        html: String,
        json: String,
    },
}
