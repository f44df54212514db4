//! V8 heap snapshots: the streaming parser, the columnar graph and DevTools' analyses over it.
//!
//! Analyses, in the order `analysis` runs them: `detachedness` (DOM state), `flags` (page-owned nodes),
//! `essential` (edges that count for dominators), `shallow` (size reattribution), `dominators`, `retained`,
//! `distance`, `interfaces` and `classes` (class names, with `names`), `summary`, `statistics`. Queries:
//! `queries` and `paths`, over the node lists of `lists` (built on first use), and `search`. Across
//! snapshots: `compare` (DevTools' Comparison). Helpers: `kinds` (type codes), `ephemeron` (WeakMap
//! edges), `jsstr` (JavaScript string rules), `bitset`.

pub mod analysis;
pub mod bitset;
pub mod classes;
pub mod compare;
pub mod detachedness;
pub mod distance;
pub mod dominators;
pub(crate) mod ephemeron;
pub mod essential;
pub mod flags;
pub mod graph;
pub mod interfaces;
pub(crate) mod jsstr;
pub mod kinds;
pub mod lists;
pub(crate) mod names;
pub mod parse;
pub(crate) mod paths;
pub(crate) mod queries;
pub mod retained;
pub mod scratch;
pub mod search;
pub mod shallow;
pub mod statistics;
pub mod summary;

pub use analysis::{AnalysisPhase, HeapSnapshot};
pub use queries::{summary_json, ClassRow, EdgeRow, NodeRow, Page, Summary, SummaryJson};
pub use search::{SearchError, SearchField, SearchQuery};
