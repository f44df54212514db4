//! DevTools' shallow sizes. When a snapshot has user roots (it was not taken with "expose internals"), each
//! `hidden` or `array` node, and each `system / ExternalStringData`, that is reachable through non-weak
//! edges from exactly one other node (through any chain of such nodes) gives its self size to that owner, so
//! an object's backing store counts as part of the object. Totals do not change; the Summary then skips the
//! nodes left at 0. Owners that are synthetic (or the root) keep nothing.

use super::bitset::BitSet;
use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx};
use super::kinds::Kinds;
use super::scratch::ColumnPool;

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
pub fn reattribute(graph: &mut HeapGraph, kinds: &Kinds, pool: &mut ColumnPool) {
    if !has_user_roots(graph, kinds) {
        return;
    }
    let n_nodes = graph.n_nodes();
    // Only nodes that can be owned ever change owner; the set (a bit per node, cache-resident) spares the
    // spreading a read of the large `owners` column for every edge into any other node.
    let mut ownable = BitSet::new(n_nodes);
    let mut owners = pool.empty_u32s();
    owners.extend((0..n_nodes).map(|node| {
        let node_type = u16::from(graph.node_type[node]);
        let can_be_owned = node_type == kinds.node.hidden
            || node_type == kinds.node.array
            || (node_type == kinds.node.native
                && graph.strings.get(graph.node_name[node]) == "system / ExternalStringData");
        if can_be_owned {
            ownable.insert(node);
            UNVISITED
        } else {
            node as u32
        }
    }));
    // A monotone fixpoint (unvisited → one owner → several owners), so the visiting order does not matter:
    // every self-owned node spreads its ownership once, in node order, then the owned nodes whose owner
    // changed spread theirs.
    let mut spread = Spread { graph, weak: kinds.edge.weak, ownable, owners, worklist: Vec::new() };
    for node in 0..n_nodes as u32 {
        if spread.owners[node as usize] == node {
            spread.from(node);
        }
    }
    while let Some(node) = spread.worklist.pop() {
        spread.from(node);
    }
    let owners = spread.owners;
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
    pool.give_u32s(owners);
}

/// The ownership propagation of [`reattribute`].
struct Spread<'g> {
    graph: &'g HeapGraph,
    weak: u16,
    /// The nodes that can be owned; every other node owns itself for good.
    ownable: BitSet,
    /// Per node: its owner, [`UNVISITED`] or [`MULTIPLE_OWNERS`].
    owners: Vec<u32>,
    /// Owned nodes whose owner changed and must spread it again.
    worklist: Vec<u32>,
}

impl Spread<'_> {
    /// Gives `node`'s owner to the nodes it points at through non-weak edges.
    fn from(&mut self, node: u32) {
        let owner = self.owners[node as usize];
        for e in self.graph.edges_of(NodeIdx(node)) {
            if u16::from(self.graph.edge_type[e as usize]) == self.weak {
                continue;
            }
            let target = self.graph.edge_to[e as usize].0;
            if !self.ownable.contains(target as usize) {
                continue;
            }
            let current = self.owners[target as usize];
            if current == UNVISITED {
                self.owners[target as usize] = owner;
                self.worklist.push(target);
            } else if current != target && current != owner && current != MULTIPLE_OWNERS {
                self.owners[target as usize] = MULTIPLE_OWNERS;
                self.worklist.push(target);
            }
        }
    }
}

/// Writes a self size into the graph's `u32` column and its side table for sizes of 4 GiB or more.
fn set_self_size(graph: &mut HeapGraph, node: NodeIdx, size: u64) {
    match u32::try_from(size) {
        Ok(small) if small != u32::MAX => {
            // Only a size that was large has a side-table entry to drop.
            if std::mem::replace(&mut graph.node_self_size[node.0 as usize], small) == u32::MAX {
                graph.large_self_sizes.remove(&node);
            }
        }
        _ => {
            graph.node_self_size[node.0 as usize] = u32::MAX;
            graph.large_self_sizes.insert(node, size);
        }
    }
}
