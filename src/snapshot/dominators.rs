//! The dominator tree over the edges that count (see `essential`), computed with the semi-NCA variant of
//! Lengauer–Tarjan: an iterative depth-first numbering, semi-dominators by path compression in reverse
//! order, then each immediate dominator as the nearest ancestor of the DFS parent whose number is at most
//! the semi-dominator. No recursion: a 10-million-node chain needs only the per-node arrays.
//!
//! Unreached nodes follow DevTools: a node no counted edge points at ("orphan") hangs from the root and is
//! searched from, as if the root had an edge to it; nodes still unreached after that (cycles kept only by
//! each other) are children of the root and dominate nothing.

use super::bitset::BitSet;
use super::graph::{HeapGraph, NodeIdx};

const NONE: u32 = u32::MAX;

/// Immediate dominators and an order to sum sizes in.
#[derive(Debug, Clone)]
pub struct DominatorTree {
    /// The immediate dominator of each node; the root's is itself.
    pub idom: Vec<u32>,
    /// Every node once, each after its immediate dominator (the root first).
    pub order: Vec<u32>,
}

/// Computes the dominator tree of `graph` from `root`, following only edges in `counted`.
pub fn dominator_tree(graph: &HeapGraph, counted: &BitSet, root: NodeIdx) -> DominatorTree {
    let n_nodes = graph.n_nodes();
    if n_nodes == 0 {
        return DominatorTree { idom: Vec::new(), order: Vec::new() };
    }
    let mut numbering = Numbering {
        graph,
        counted,
        number: vec![NONE; n_nodes],
        order: Vec::with_capacity(n_nodes),
        parent: vec![NONE; n_nodes],
        cursor: vec![0; n_nodes],
    };
    numbering.search_from(root.0, root.0);
    if numbering.order.len() < n_nodes {
        for node in 0..n_nodes as u32 {
            if numbering.number[node as usize] == NONE && !has_counted_retainer(graph, counted, node) {
                numbering.search_from(node, root.0);
            }
        }
    }
    let Numbering { number, mut order, parent, cursor, .. } = numbering;
    let n_reached = order.len();

    // Semi-dominators, as DFS numbers, in reverse DFS order. `label` reuses the DFS cursor array.
    let mut semi = vec![NONE; n_nodes];
    let mut label = cursor;
    let mut ancestor = vec![NONE; n_nodes];
    let mut path = Vec::new();
    for i in (1..n_reached).rev() {
        let w = order[i] as usize;
        let mut best = i as u32;
        let mut has_counted_pred = false;
        for &e in graph.retainers_of(NodeIdx(w as u32)) {
            if !counted.contains(e.0 as usize) {
                continue;
            }
            has_counted_pred = true;
            let v = graph.edge_from[e.0 as usize].0;
            let v_number = number[v as usize];
            if v_number == NONE {
                continue;
            }
            let candidate = if v_number <= i as u32 {
                v_number
            } else {
                compress(v, &mut ancestor, &mut label, &mut path);
                label[v as usize]
            };
            best = best.min(candidate);
        }
        if !has_counted_pred {
            // An orphan: the root stands in as its only predecessor.
            best = 0;
        }
        semi[w] = best;
        label[w] = best;
        ancestor[w] = parent[w];
    }
    drop(label);
    drop(ancestor);

    // Immediate dominators in DFS order, overwriting the parent array.
    let mut idom = parent;
    idom[root.0 as usize] = root.0;
    for &w in &order[1..] {
        let w = w as usize;
        let mut d = idom[w];
        while number[d as usize] > semi[w] {
            d = idom[d as usize];
        }
        idom[w] = d;
    }
    if n_reached < n_nodes {
        for node in 0..n_nodes as u32 {
            if number[node as usize] == NONE {
                idom[node as usize] = root.0;
                order.push(node);
            }
        }
    }
    DominatorTree { idom, order }
}

/// Whether any counted edge points at `node`.
fn has_counted_retainer(graph: &HeapGraph, counted: &BitSet, node: u32) -> bool {
    graph.retainers_of(NodeIdx(node)).iter().any(|e| counted.contains(e.0 as usize))
}

/// Path compression: afterwards `label[v]` is the smallest semi-dominator number on the path from `v` up to
/// (not including) the first unprocessed ancestor, and that path is short-cut. Iterative: `path` is scratch.
fn compress(v: u32, ancestor: &mut [u32], label: &mut [u32], path: &mut Vec<u32>) {
    let mut x = v;
    while ancestor[ancestor[x as usize] as usize] != NONE {
        path.push(x);
        x = ancestor[x as usize];
    }
    while let Some(y) = path.pop() {
        let a = ancestor[y as usize] as usize;
        if label[a] < label[y as usize] {
            label[y as usize] = label[a];
        }
        ancestor[y as usize] = ancestor[a];
    }
}

/// Depth-first numbering over counted edges, iterative: each node keeps a cursor into its edges and the
/// search climbs back through `parent`.
struct Numbering<'g> {
    graph: &'g HeapGraph,
    counted: &'g BitSet,
    number: Vec<u32>,
    order: Vec<u32>,
    parent: Vec<u32>,
    cursor: Vec<u32>,
}

impl Numbering<'_> {
    fn visit(&mut self, node: u32, parent: u32) {
        self.number[node as usize] = self.order.len() as u32;
        self.order.push(node);
        self.parent[node as usize] = parent;
        self.cursor[node as usize] = self.graph.first_edge[node as usize];
    }

    fn search_from(&mut self, start: u32, parent: u32) {
        self.visit(start, parent);
        let mut v = start;
        loop {
            let end = self.graph.first_edge[v as usize + 1];
            let mut next = None;
            while self.cursor[v as usize] < end {
                let e = self.cursor[v as usize] as usize;
                self.cursor[v as usize] += 1;
                let w = self.graph.edge_to[e].0;
                if self.counted.contains(e) && self.number[w as usize] == NONE {
                    next = Some(w);
                    break;
                }
            }
            match next {
                Some(w) => {
                    self.visit(w, v);
                    v = w;
                }
                None if v == start => return,
                None => v = self.parent[v as usize],
            }
        }
    }
}
