//! Which edges count for the dominator tree (DevTools' "essential edges"). Not counted: weak edges, self
//! edges, shortcut edges except from the root (there they mark the global objects), the WeakMap table's edge
//! to a value (the key's edge already retains it, and gives more useful dominators), and edges from a node
//! that is not page-owned into a page-owned one.

use super::bitset::BitSet;
use super::ephemeron::WeakMapEdgeNames;
use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::kinds::Kinds;

/// DevTools' rules for which edges count, asked edge by edge (see [`HeapGraph::build_retainers_marking`]).
pub struct EssentialEdges<'a> {
    kinds: &'a Kinds,
    page_owned: &'a BitSet,
    weak_map_names: WeakMapEdgeNames,
}

impl<'a> EssentialEdges<'a> {
    pub fn new(graph: &HeapGraph, kinds: &'a Kinds, page_owned: &'a BitSet) -> Self {
        EssentialEdges { kinds, page_owned, weak_map_names: WeakMapEdgeNames::new(graph) }
    }

    /// Whether `edge`, one of `from`'s, counts for dominators.
    #[inline]
    pub fn counts(&mut self, graph: &HeapGraph, from: NodeIdx, edge: u32) -> bool {
        let edge_kinds = &self.kinds.edge;
        let i = edge as usize;
        let edge_type = u16::from(graph.edge_type[i]);
        let to = graph.edge_to[i];
        let from_root = from == ROOT;
        // Only edges from a node that is not page-owned can be dropped for pointing into the page.
        let counts = edge_type != edge_kinds.weak
            && to != from
            && (from_root
                || (edge_type != edge_kinds.shortcut
                    && (self.page_owned.contains(from.0 as usize)
                        || !self.page_owned.contains(to.0 as usize))));
        counts
            && !(edge_type == edge_kinds.internal
                && self.weak_map_names.get(graph, StrIdx(graph.edge_name_or_index[i])).is_some_and(|name| {
                    name.table_id.parse::<u64>() == Ok(u64::from(graph.node_id[from.0 as usize]))
                }))
    }
}
