//! DevTools' shallow sizes. When a snapshot has user roots (it was not taken with "expose internals"), each
//! `hidden` or `array` node, and each `system / ExternalStringData`, that is reachable through non-weak
//! edges from exactly one other node (through any chain of such nodes) gives its self size to that owner, so
//! an object's backing store counts as part of the object. Totals do not change; the Summary then skips the
//! nodes left at 0. Owners that are synthetic (or the root) keep nothing.

use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx};
use super::kinds::Kinds;

const UNVISITED: u32 = u32::MAX;
const MULTIPLE_OWNERS: u32 = u32::MAX - 1;

/// Whether DevTools sees user roots: the root has an edge to a non-synthetic node or to the
/// `(Document DOM trees)` root.
pub fn has_user_roots(graph: &HeapGraph, kinds: &Kinds) -> bool {
    graph.n_nodes() > 0 && graph.edges_of(ROOT).any(|e| is_user_root(graph, kinds, graph.edge_to[e as usize]))
}

/// DevTools' `isUserRoot` for a child of the root.
pub fn is_user_root(graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> bool {
    u16::from(graph.node_type[node.0 as usize]) != kinds.node.synthetic
        || super::flags::is_document_dom_trees_root(graph, kinds, node)
}

/// Moves self sizes of owned nodes to their owner, in place: afterwards `graph.self_size` is DevTools'
/// shallow size. Does nothing on snapshots without user roots.
pub fn reattribute(graph: &mut HeapGraph, kinds: &Kinds) {
    if !has_user_roots(graph, kinds) {
        return;
    }
    let n_nodes = graph.n_nodes();
    let mut owners = vec![UNVISITED; n_nodes];
    let mut worklist = Vec::with_capacity(n_nodes);
    for (node, owner) in owners.iter_mut().enumerate() {
        let node_type = u16::from(graph.node_type[node]);
        let can_be_owned = node_type == kinds.node.hidden
            || node_type == kinds.node.array
            || (node_type == kinds.node.native
                && graph.strings.get(graph.node_name[node]) == "system / ExternalStringData");
        if !can_be_owned {
            *owner = node as u32;
            worklist.push(node as u32);
        }
    }
    // A monotone fixpoint (unvisited → one owner → several owners): the visiting order does not matter.
    while let Some(node) = worklist.pop() {
        let owner = owners[node as usize];
        for e in graph.edges_of(NodeIdx(node)) {
            if u16::from(graph.edge_type[e as usize]) == kinds.edge.weak {
                continue;
            }
            let target = graph.edge_to[e as usize].0;
            let current = owners[target as usize];
            if current == UNVISITED {
                owners[target as usize] = owner;
                worklist.push(target);
            } else if current != target && current != owner && current != MULTIPLE_OWNERS {
                owners[target as usize] = MULTIPLE_OWNERS;
                worklist.push(target);
            }
        }
    }
    for (node, &owner) in owners.iter().enumerate() {
        if owner == UNVISITED || owner == MULTIPLE_OWNERS || owner as usize == node {
            continue;
        }
        let owner = NodeIdx(owner);
        if owner == ROOT || u16::from(graph.node_type[owner.0 as usize]) == kinds.node.synthetic {
            continue;
        }
        let owned = NodeIdx(node as u32);
        let moved = graph.self_size(owned);
        let total = graph.self_size(owner) + moved;
        set_self_size(graph, owned, 0);
        set_self_size(graph, owner, total);
    }
}

/// Writes a self size into the graph's `u32` column and its side table for sizes of 4 GiB or more.
fn set_self_size(graph: &mut HeapGraph, node: NodeIdx, size: u64) {
    match u32::try_from(size) {
        Ok(small) if small != u32::MAX => {
            graph.node_self_size[node.0 as usize] = small;
            graph.large_self_sizes.remove(&node);
        }
        _ => {
            graph.node_self_size[node.0 as usize] = u32::MAX;
            graph.large_self_sizes.insert(node, size);
        }
    }
}
