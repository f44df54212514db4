//! Retained sizes (a node's shallow size plus the retained sizes of the nodes it immediately dominates) and
//! the dominator tree's children lists.

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

/// The children of each node in the dominator tree (CSR), in node order.
#[derive(Debug, Clone, Default)]
pub struct DominatorChildren {
    first: Vec<u32>,
    children: Vec<u32>,
}

impl DominatorChildren {
    /// Groups the nodes by immediate dominator, in columns from `pool` (see [`DominatorChildren::give_back`]).
    pub fn new(idom: &[u32], root: NodeIdx, pool: &mut ColumnPool) -> Self {
        let n_nodes = idom.len();
        let mut first = pool.u32s(n_nodes + 1, 0);
        for (node, &dominator) in idom.iter().enumerate() {
            if node != root.0 as usize {
                first[dominator as usize + 1] += 1;
            }
        }
        for i in 0..n_nodes {
            first[i + 1] += first[i];
        }
        let mut children = pool.u32s(first[n_nodes] as usize, 0);
        // Fill each group from its end, walking nodes backwards: `first[d]` ends at the group's start.
        for (node, &dominator) in idom.iter().enumerate().rev() {
            if node != root.0 as usize {
                let slot = &mut first[dominator as usize + 1];
                *slot -= 1;
                children[*slot as usize] = node as u32;
            }
        }
        first.rotate_left(1);
        first[n_nodes] = children.len() as u32;
        DominatorChildren { first, children }
    }

    /// Returns the columns to `pool`.
    pub fn give_back(self, pool: &mut ColumnPool) {
        pool.give_u32s(self.first);
        pool.give_u32s(self.children);
    }

    /// The nodes `node` immediately dominates.
    pub fn of(&self, node: NodeIdx) -> &[u32] {
        let n = node.0 as usize;
        match (self.first.get(n), self.first.get(n + 1)) {
            (Some(&start), Some(&end)) => &self.children[start as usize..end as usize],
            _ => &[],
        }
    }
}
