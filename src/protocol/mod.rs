//! Messages between the page (UI thread) and the worker, and the answers the CLI shares with them.
//!
//! Both sides are Rust: the page builds a [`Request`], the worker answers with [`Response`]s. They cross the
//! thread boundary as JS values via serde-wasm-bindgen (in `ui/` and `worker/`); this module knows nothing
//! of JS. A file's bytes do not go through serde: each chunk travels beside a [`Request::Chunk`] as an
//! `ArrayBuffer` transferred (not copied) to the worker. Answers to queries are pages of rows, never whole
//! tables.

use serde::{Deserialize, Serialize};

use crate::snapshot::graph::NodeIdx;

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
    },
    /// Objects of one class (an index into the class list), by retained size.
    Instances { class: u32, offset: u32, limit: u32 },
    /// A node's outgoing references.
    Edges { node: NodeIdx, offset: u32, limit: u32 },
    /// The references that keep a node alive.
    Retainers { node: NodeIdx, offset: u32, limit: u32 },
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
    Opened { handle: Handle, info: Box<crate::workspace::FileInfo> },
    /// The answer to a [`Request::Query`].
    Answer { handle: Handle, seq: u32, answer: crate::workspace::Answer },
    /// A request failed; the file (if any) is no longer loading.
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
