//! `HeapGraph`: a parsed heap snapshot kept as columns.
//!
//! Nodes and edges are struct-of-arrays indexed by [`NodeIdx`] and [`EdgeIdx`] (`u32`, the position of the
//! node or edge in the snapshot, not V8's node `id`). Outgoing edges are stored in CSR form: the edges of node
//! `n` are `first_edge[n]..first_edge[n + 1]`. The reverse (retainer) index is built once by
//! [`HeapGraph::build_retainers`]. Strings stay in the snapshot's own table and are referred to by [`StrIdx`].
//! This module owns the storage only; the parser fills it and the analyses read it.

/// Index of a node in the snapshot's node order (node 0 is the synthetic root).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeIdx(pub u32);

/// Index of an edge in the snapshot's edge order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdgeIdx(pub u32);

/// Index into the snapshot's string table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StrIdx(pub u32);

/// The snapshot's strings, stored back to back in one buffer.
#[derive(Default, Debug, Clone)]
pub struct StringTable {
    text: String,
    /// `ends[i]` is the end of string `i` in `text`; its start is `ends[i - 1]` (or 0).
    ends: Vec<u32>,
}

impl StringTable {
    /// Appends one string; returns `None` if the table would exceed 4 GiB of text.
    pub fn push(&mut self, s: &str) -> Option<StrIdx> {
        let idx = u32::try_from(self.ends.len()).ok()?;
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).ok()?);
        Some(StrIdx(idx))
    }

    /// The string at `idx`, or `""` when out of range.
    pub fn get(&self, idx: StrIdx) -> &str {
        let i = idx.0 as usize;
        let Some(&end) = self.ends.get(i) else { return "" };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start as usize..end as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held by the table.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }
}

/// A script location attached to a node (the `locations` section).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub node: NodeIdx,
    pub script_id: u32,
    pub line: u32,
    pub column: u32,
}

/// A parsed heap snapshot. Columns are filled by the parser and never change afterwards, except for the
/// retainer index, which [`HeapGraph::build_retainers`] adds.
#[derive(Default, Debug, Clone)]
pub struct HeapGraph {
    /// Names of node types, indexed by the values in `node_type` (from `meta.node_types[0]`).
    pub node_type_names: Vec<String>,
    /// Names of edge types, indexed by the values in `edge_type` (from `meta.edge_types[0]`).
    pub edge_type_names: Vec<String>,

    pub node_type: Vec<u8>,
    pub node_name: Vec<StrIdx>,
    /// V8's node id: stable across snapshots of one process; not dense.
    pub node_id: Vec<u64>,
    pub node_self_size: Vec<u64>,
    /// `trace_node_id`, when the snapshot has that field.
    pub node_trace_id: Option<Vec<u32>>,
    /// `detachedness` (0 unknown, 1 attached, 2 detached), when the snapshot has that field.
    pub node_detachedness: Option<Vec<u8>>,
    /// CSR offsets: the edges of node `n` are `first_edge[n]..first_edge[n + 1]`; length is `n_nodes + 1`.
    pub first_edge: Vec<u32>,

    pub edge_type: Vec<u8>,
    /// A string index for named edges, a number for `element` and `hidden` edges.
    pub edge_name_or_index: Vec<u32>,
    pub edge_to: Vec<NodeIdx>,

    /// CSR offsets into `retainer_edge`, length `n_nodes + 1`; empty until `build_retainers`.
    pub first_retainer: Vec<u32>,
    /// Edge indices grouped by target node.
    pub retainer_edge: Vec<EdgeIdx>,
    /// The node owning each edge, needed to walk retainers; empty until `build_retainers`.
    pub edge_from: Vec<NodeIdx>,

    pub strings: StringTable,
    pub locations: Vec<Location>,
}
