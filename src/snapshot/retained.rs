//! Retained sizes: a node's shallow size plus the retained sizes of the nodes it immediately dominates.

use super::dominators::DominatorTree;
use super::graph::{HeapGraph, NodeIdx};
use super::scratch::ColumnPool;

/// Every node's retained size in bytes, summed bottom-up along `tree.order`.
pub fn retained_sizes(graph: &HeapGraph, tree: &DominatorTree, pool: &mut ColumnPool) -> Vec<u64> {
    let mut retained = pool.u64s(0, 0);
    retained.extend((0..graph.n_nodes() as u32).map(|n| graph.self_size(NodeIdx(n))));
    for &node in tree.order.iter().skip(1).rev() {
        let size = retained[node as usize];
        retained[tree.idom[node as usize] as usize] += size;
    }
    retained
}
