//! Which edges count for the dominator tree (DevTools' "essential edges"). Not counted: weak edges, self
//! edges, shortcut edges except from the root (there they mark the global objects), the WeakMap table's edge
//! to a value (the key's edge already retains it, and gives more useful dominators), and edges from a node
//! that is not page-owned into a page-owned one.

use super::bitset::BitSet;
use super::ephemeron::WeakMapEdgeNames;
use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::kinds::Kinds;

/// The edges that count, as edge indices (for walking edges forwards) and as retainer slots (for walking
/// them backwards; see [`HeapGraph::build_retainers_carrying`]).
#[derive(Debug, Clone)]
pub struct CountedEdges {
    pub by_edge: BitSet,
    pub by_slot: BitSet,
}

/// One bit per edge: set when the edge counts for dominators.
pub fn essential_edges(graph: &HeapGraph, kinds: &Kinds, page_owned: &BitSet) -> BitSet {
    let mut weak_map_names = WeakMapEdgeNames::new(graph);
    // Edges are visited in order, so the set is written a word at a time.
    let mut words = BitSet::word_writer(graph.n_edges());
    for node in 0..graph.n_nodes() as u32 {
        let from = NodeIdx(node);
        // Only edges from a node that is not page-owned can be dropped for pointing into the page.
        let checks_owned_target = from != ROOT && !page_owned.contains(node as usize);
        for e in graph.edges_of(from) {
            let i = e as usize;
            let edge_type = u16::from(graph.edge_type[i]);
            let to = graph.edge_to[i];
            let counts = edge_type != kinds.edge.weak
                && to != from
                && (from == ROOT || edge_type != kinds.edge.shortcut)
                && !(checks_owned_target && page_owned.contains(to.0 as usize))
                && !(edge_type == kinds.edge.internal
                    && weak_map_names.get(StrIdx(graph.edge_name_or_index[i])).is_some_and(|name| {
                        name.table_id.parse::<u64>() == Ok(u64::from(graph.node_id[node as usize]))
                    }));
            words.push(counts);
        }
    }
    words.finish()
}
