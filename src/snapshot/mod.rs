//! V8 heap snapshots: the streaming parser, the columnar graph and DevTools' analyses over it.

pub mod graph;
pub mod parse;
