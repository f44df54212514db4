//! Page-owned nodes (DevTools' `pageObject` flag): everything reachable without weak edges from the root's
//! shortcut edges (the global objects) and from the `(Document DOM trees)` root. The dominator tree ignores
//! edges from nodes that are not page-owned into page-owned ones, so objects the debugger or V8 internals
//! also hold keep their page-side dominators.

use super::bitset::BitSet;
use super::graph::{HeapGraph, NodeIdx};
use super::kinds::Kinds;

/// The root node: node 0 in every V8 snapshot.
pub const ROOT: NodeIdx = NodeIdx(0);

/// Whether `node` is the synthetic `(Document DOM trees)` root of a browser snapshot.
pub fn is_document_dom_trees_root(graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> bool {
    let n = node.0 as usize;
    u16::from(graph.node_type[n]) == kinds.node.synthetic
        && graph.strings.get(graph.node_name[n]) == "(Document DOM trees)"
}

/// The set of page-owned nodes.
pub fn page_owned_nodes(graph: &HeapGraph, kinds: &Kinds) -> BitSet {
    let mut owned = BitSet::new(graph.n_nodes());
    let mut to_visit = Vec::new();
    if graph.n_nodes() == 0 {
        return owned;
    }
    for e in graph.edges_of(ROOT) {
        let edge_type = u16::from(graph.edge_type[e as usize]);
        let target = graph.edge_to[e as usize];
        let is_entry = if edge_type == kinds.edge.element {
            is_document_dom_trees_root(graph, kinds, target)
        } else {
            edge_type == kinds.edge.shortcut
        };
        if is_entry {
            owned.insert(target.0 as usize);
            to_visit.push(target.0);
        }
    }
    while let Some(node) = to_visit.pop() {
        for e in graph.edges_of(NodeIdx(node)) {
            let child = graph.edge_to[e as usize].0;
            if owned.contains(child as usize) || u16::from(graph.edge_type[e as usize]) == kinds.edge.weak {
                continue;
            }
            owned.insert(child as usize);
            to_visit.push(child);
        }
    }
    owned
}
