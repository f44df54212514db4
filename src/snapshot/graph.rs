//! `HeapGraph`: a parsed heap snapshot kept as columns.
//!
//! Nodes and edges are struct-of-arrays indexed by [`NodeIdx`] and [`EdgeIdx`] (`u32`, the position of the
//! node or edge in the snapshot, not V8's node `id`). Outgoing edges are stored in CSR form: the edges of node
//! `n` are `first_edge[n]..first_edge[n + 1]`. The reverse (retainer) index is built once by
//! [`HeapGraph::build_retainers`]: it keeps each retainer's owner only (the edge itself is found again in the
//! owner's edges when a query asks), which saves a `u32` per edge and a column to scatter. Strings stay in the snapshot's own table and are referred to by [`StrIdx`].
//! Rare data lives in side tables: self sizes of 4 GiB or more, trace node ids (absent unless the snapshot
//! was taken with allocation tracking). This module owns the storage only; the parser fills it and the
//! analyses read it.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::bitset::BitSet;

/// Index of a node in the snapshot's node order (node 0 is the synthetic root); not V8's node id. In messages
/// and JSON it is a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct NodeIdx(pub u32);

/// Index of an edge in the snapshot's edge order. In messages and JSON it is a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct EdgeIdx(pub u32);

/// Index into the snapshot's string table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StrIdx(pub u32);

/// The snapshot's strings, stored back to back in one buffer.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct StringTable {
    text: String,
    /// `ends[i]` is the end of string `i` in `text`; its start is `ends[i - 1]` (or 0).
    ends: Vec<u32>,
}

impl StringTable {
    /// Appends one string; returns `None` if the table would exceed 4 GiB of text.
    pub fn push(&mut self, s: &str) -> Option<StrIdx> {
        let idx = u32::try_from(self.ends.len()).ok()?;
        let end = u32::try_from(self.text.len() + s.len()).ok()?;
        self.text.push_str(s);
        self.ends.push(end);
        Some(StrIdx(idx))
    }

    /// The string at `idx`, or `""` when out of range.
    pub fn get(&self, idx: StrIdx) -> &str {
        let i = idx.0 as usize;
        let Some(&end) = self.ends.get(i) else { return "" };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// Every index whose string is `text`; only strings of its length are compared.
    pub fn indices_of(&self, text: &str) -> Vec<StrIdx> {
        let mut start = 0;
        let mut found = Vec::new();
        for (i, &end) in self.ends.iter().enumerate() {
            if end.wrapping_sub(start) as usize == text.len()
                && self.text.as_bytes().get(start as usize..end as usize) == Some(text.as_bytes())
            {
                found.push(StrIdx(i as u32));
            }
            start = end;
        }
        found
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

    /// Releases spare capacity once the table is complete.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
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
///
/// Invariants the parser guarantees: `n_nodes >= 1` (node 0 is the root); every node column has `n_nodes`
/// entries and every edge column `n_edges`; `first_edge` has `n_nodes + 1` entries, starts at 0, never
/// decreases and ends at `n_edges`; every `node_type`/`edge_type` value indexes its type-name list; every
/// `edge_to` and location is a node; every `node_name`, and the `edge_name_or_index` of edges whose type is
/// not `element`/`hidden`, indexes `strings`; self sizes are below 2^53.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct HeapGraph {
    /// Names of node types, indexed by the values in `node_type` (from `meta.node_types`).
    pub node_type_names: Vec<String>,
    /// Names of edge types, indexed by the values in `edge_type` (from `meta.edge_types`).
    pub edge_type_names: Vec<String>,

    pub node_type: Vec<u8>,
    pub node_name: Vec<StrIdx>,
    /// V8's node id (a `SnapshotObjectId`, 32 bits in V8): stable across snapshots of one process; not dense.
    pub node_id: Vec<u32>,
    /// `self_size` in bytes; `u32::MAX` means "4 GiB or more, see `large_self_sizes`". Read it through
    /// [`HeapGraph::self_size`].
    pub node_self_size: Vec<u32>,
    /// Self sizes of `u32::MAX` bytes or more, by node (a side table: real snapshots have none or a few).
    pub large_self_sizes: FxHashMap<NodeIdx, u64>,
    /// `trace_node_id`, only when the snapshot has that field and some node has a non-zero value
    /// (allocation tracking was on); otherwise every trace id is 0.
    pub node_trace_id: Option<Vec<u32>>,
    /// `detachedness` (0 unknown, 1 attached, 2 detached), when the snapshot has that field.
    pub node_detachedness: Option<Vec<u8>>,
    /// CSR offsets: the edges of node `n` are `first_edge[n]..first_edge[n + 1]`; length is `n_nodes + 1`.
    pub first_edge: Vec<u32>,

    pub edge_type: Vec<u8>,
    /// A string index for named edges, a number for `element` and `hidden` edges.
    pub edge_name_or_index: Vec<u32>,
    pub edge_to: Vec<NodeIdx>,

    /// CSR offsets into `retainer_node`, length `n_nodes + 1`; empty until `build_retainers`.
    pub first_retainer: Vec<u32>,
    /// The owners of the edges into each node ("retainer slots"), grouped by target node, each group in edge
    /// order (so an owner's edges into one node are side by side); empty until `build_retainers`.
    pub retainer_node: Vec<NodeIdx>,

    pub strings: StringTable,
    pub locations: Vec<Location>,
    /// The header's `extra_native_bytes` (Chrome: native memory outside the graph), 0 when absent.
    pub extra_native_bytes: u64,
}

impl HeapGraph {
    pub fn n_nodes(&self) -> usize {
        self.node_type.len()
    }

    pub fn n_edges(&self) -> usize {
        self.edge_type.len()
    }

    /// The outgoing edges of `node`, as a range of edge indices.
    pub fn edges_of(&self, node: NodeIdx) -> Range<u32> {
        let n = node.0 as usize;
        self.first_edge[n]..self.first_edge[n + 1]
    }

    /// The self size of `node` in bytes.
    pub fn self_size(&self, node: NodeIdx) -> u64 {
        match self.node_self_size[node.0 as usize] {
            u32::MAX => self.large_self_sizes.get(&node).copied().unwrap_or(u64::from(u32::MAX)),
            size => u64::from(size),
        }
    }

    /// The trace node id of `node` (0 when the snapshot has none).
    pub fn trace_node_id(&self, node: NodeIdx) -> u32 {
        self.node_trace_id.as_ref().map_or(0, |ids| ids[node.0 as usize])
    }

    /// The name of `node`'s type (`object`, `closure`, ...).
    pub fn node_type_name(&self, node: NodeIdx) -> &str {
        self.node_type_names.get(usize::from(self.node_type[node.0 as usize])).map_or("", String::as_str)
    }

    /// The name of `edge`'s type (`property`, `element`, ...).
    pub fn edge_type_name(&self, edge: EdgeIdx) -> &str {
        self.edge_type_names.get(usize::from(self.edge_type[edge.0 as usize])).map_or("", String::as_str)
    }

    /// Bytes held by the graph's columns and tables (their capacities).
    pub fn heap_bytes(&self) -> usize {
        fn bytes<T>(column: &Vec<T>) -> usize {
            column.capacity() * std::mem::size_of::<T>()
        }
        bytes(&self.node_type)
            + bytes(&self.node_name)
            + bytes(&self.node_id)
            + bytes(&self.node_self_size)
            + self.large_self_sizes.capacity() * std::mem::size_of::<(NodeIdx, u64)>()
            + self.node_trace_id.as_ref().map_or(0, bytes)
            + self.node_detachedness.as_ref().map_or(0, bytes)
            + bytes(&self.first_edge)
            + bytes(&self.edge_type)
            + bytes(&self.edge_name_or_index)
            + bytes(&self.edge_to)
            + bytes(&self.first_retainer)
            + bytes(&self.retainer_node)
            + self.strings.heap_bytes()
            + bytes(&self.locations)
    }

    /// Whether the retainer index has been built.
    pub fn has_retainers(&self) -> bool {
        self.first_retainer.len() == self.n_nodes() + 1
    }

    /// The retainer slots of `node` (indices into `retainer_node`); empty until [`HeapGraph::build_retainers`]
    /// ran.
    pub fn retainer_slots(&self, node: NodeIdx) -> Range<usize> {
        let n = node.0 as usize;
        match (self.first_retainer.get(n), self.first_retainer.get(n + 1)) {
            (Some(&start), Some(&end)) => start as usize..end as usize,
            _ => 0..0,
        }
    }

    /// The nodes owning the edges pointing at `node`, in edge order, one per edge.
    pub fn retaining_nodes_of(&self, node: NodeIdx) -> &[NodeIdx] {
        &self.retainer_node[self.retainer_slots(node)]
    }

    /// The edges pointing at `node`, each with its owner, in edge order; empty until
    /// [`HeapGraph::build_retainers`] ran. Each distinct owner's edges are scanned once, so a page of
    /// retainers costs at most one pass over the edges.
    pub fn retainer_edges(&self, node: NodeIdx) -> RetainerEdges<'_> {
        RetainerEdges { graph: self, node, slots: self.retainer_slots(node), owner: None, next_edge: 0 }
    }

    /// Builds `first_retainer` and `retainer_node` (a counting sort of edges by target). Does nothing when
    /// already built. O(nodes + edges), no allocation besides the two columns.
    pub fn build_retainers(&mut self) {
        if !self.has_retainers() {
            self.build_retainers_marking(|_, _, _| false);
        }
    }

    /// Builds the retainer index (again, if it was built) and asks `marks(graph, owner, edge)` of every edge
    /// on the way (once each, in reverse edge order). Returns the marked edges as edge indices and as
    /// retainer slots: the index has no edge column to map one to the other later, and a pass of its own
    /// over the edges would cost as much again.
    pub fn build_retainers_marking(
        &mut self,
        mut marks: impl FnMut(&HeapGraph, NodeIdx, u32) -> bool,
    ) -> EdgeSet {
        let n_nodes = self.n_nodes();
        // Counting sort without scratch: first_retainer[t] first counts the edges into t, then (prefix sum)
        // the end of t's group; walking the edges backwards and decrementing leaves it at the group's start,
        // with each group in edge order.
        let mut first_retainer = vec![0u32; n_nodes + 1];
        for to in &self.edge_to {
            first_retainer[to.0 as usize] += 1;
        }
        for i in 1..n_nodes {
            first_retainer[i] += first_retainer[i - 1];
        }
        first_retainer[n_nodes] = self.n_edges() as u32;
        let mut retainer_node = vec![NodeIdx(0); self.n_edges()];
        let mut marked =
            EdgeSet { by_edge: BitSet::new(self.n_edges()), by_slot: BitSet::new(self.n_edges()) };
        for owner in (0..n_nodes).rev() {
            let owner = NodeIdx(owner as u32);
            for edge in self.edges_of(owner).rev() {
                let slot = &mut first_retainer[self.edge_to[edge as usize].0 as usize];
                *slot -= 1;
                retainer_node[*slot as usize] = owner;
                if marks(self, owner, edge) {
                    marked.by_edge.insert(edge as usize);
                    marked.by_slot.insert(*slot as usize);
                }
            }
        }
        self.first_retainer = first_retainer;
        self.retainer_node = retainer_node;
        marked
    }
}

/// A set of edges as edge indices (for walking edges forwards) and as retainer slots (for walking them
/// backwards); see [`HeapGraph::build_retainers_marking`].
#[derive(Debug, Clone)]
pub struct EdgeSet {
    pub by_edge: BitSet,
    pub by_slot: BitSet,
}

/// The edges into one node with their owners (see [`HeapGraph::retainer_edges`]).
pub struct RetainerEdges<'g> {
    graph: &'g HeapGraph,
    node: NodeIdx,
    slots: Range<usize>,
    /// The owner whose edges are being scanned, and the next of its edges to look at.
    owner: Option<NodeIdx>,
    next_edge: u32,
}

impl Iterator for RetainerEdges<'_> {
    type Item = (EdgeIdx, NodeIdx);

    fn next(&mut self) -> Option<(EdgeIdx, NodeIdx)> {
        let owner = self.graph.retainer_node[self.slots.next()?];
        if self.owner != Some(owner) {
            self.owner = Some(owner);
            self.next_edge = self.graph.first_edge[owner.0 as usize];
        }
        // An owner's edges into the node fill consecutive slots in edge order, so the scan resumes where the
        // previous slot's edge was found.
        let end = self.graph.first_edge[owner.0 as usize + 1];
        while self.next_edge < end {
            let edge = self.next_edge;
            self.next_edge += 1;
            if self.graph.edge_to[edge as usize] == self.node {
                return Some((EdgeIdx(edge), owner));
            }
        }
        // Unreachable for an index built from these edges.
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.slots.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Node 0 → 1, 0 → 2 twice, 1 → 2 twice, 2 → 0: repeated edges between one pair of nodes.
    fn graph_with_repeated_edges() -> HeapGraph {
        let targets = [1, 2, 2, 2, 2, 0];
        HeapGraph {
            node_type: vec![0; 3],
            first_edge: vec![0, 3, 5, 6],
            edge_type: vec![0; targets.len()],
            edge_name_or_index: vec![0; targets.len()],
            edge_to: targets.iter().map(|&t| NodeIdx(t)).collect(),
            ..HeapGraph::default()
        }
    }

    #[test]
    fn retainer_edges_find_each_repeated_edge_once() {
        let mut graph = graph_with_repeated_edges();
        let marked = graph.build_retainers_marking(|_, owner, edge| owner == NodeIdx(1) && edge == 4);
        let into_2: Vec<_> = graph.retainer_edges(NodeIdx(2)).collect();
        assert_eq!(
            into_2,
            [
                (EdgeIdx(1), NodeIdx(0)),
                (EdgeIdx(2), NodeIdx(0)),
                (EdgeIdx(3), NodeIdx(1)),
                (EdgeIdx(4), NodeIdx(1))
            ]
        );
        assert_eq!(graph.retainer_edges(NodeIdx(0)).collect::<Vec<_>>(), [(EdgeIdx(5), NodeIdx(2))]);
        assert!(marked.by_edge.contains(4) && !marked.by_edge.contains(3));
        // Groups follow target order (node 0: slot 0, node 1: slot 1, node 2: slots 2 to 5); edge 4 is last.
        let slot_of_edge_4 = graph.retainer_slots(NodeIdx(2)).end - 1;
        assert!(marked.by_slot.contains(slot_of_edge_4));
        assert_eq!((0..6).filter(|&s| marked.by_slot.contains(s)).count(), 1);
    }
}
