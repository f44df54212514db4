//! Retained sizes (a node's shallow size plus the retained sizes of the nodes it immediately dominates) and
//! the dominator tree's children lists, each sorted by retained size, largest first.

use super::dominators::DominatorTree;
use super::graph::{HeapGraph, NodeIdx};

/// Every node's retained size in bytes, summed bottom-up along `tree.order`.
pub fn retained_sizes(graph: &HeapGraph, tree: &DominatorTree) -> Vec<u64> {
    let mut retained: Vec<u64> = (0..graph.n_nodes() as u32).map(|n| graph.self_size(NodeIdx(n))).collect();
    for &node in tree.order.iter().skip(1).rev() {
        let size = retained[node as usize];
        retained[tree.idom[node as usize] as usize] += size;
    }
    retained
}

/// The children of each node in the dominator tree (CSR), largest retained size first, ties by node index.
#[derive(Debug, Clone, Default)]
pub struct DominatorChildren {
    first: Vec<u32>,
    children: Vec<u32>,
}

impl DominatorChildren {
    pub fn new(idom: &[u32], root: NodeIdx, retained: &[u64]) -> Self {
        let n_nodes = idom.len();
        let mut first = vec![0u32; n_nodes + 1];
        for (node, &dominator) in idom.iter().enumerate() {
            if node != root.0 as usize {
                first[dominator as usize + 1] += 1;
            }
        }
        for i in 0..n_nodes {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut children = vec![0u32; first[n_nodes] as usize];
        for (node, &dominator) in idom.iter().enumerate() {
            if node != root.0 as usize {
                let slot = &mut fill[dominator as usize];
                children[*slot as usize] = node as u32;
                *slot += 1;
            }
        }
        for window in first.windows(2) {
            let slice = &mut children[window[0] as usize..window[1] as usize];
            if slice.len() > 1 {
                slice.sort_unstable_by(|&a, &b| retained[b as usize].cmp(&retained[a as usize]).then(a.cmp(&b)));
            }
        }
        DominatorChildren { first, children }
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
