//! The dominator tree over the edges that count (see `essential`), computed with the semi-NCA variant of
//! Lengauer–Tarjan: an iterative depth-first numbering, semi-dominators by path compression in reverse
//! order, then each immediate dominator as the nearest ancestor of the DFS parent whose number is at most
//! the semi-dominator. No recursion: a 10-million-node chain needs only the per-node arrays.
//!
//! Unreached nodes follow DevTools: a node no counted edge points at ("orphan") hangs from the root and is
//! searched from, as if the root had an edge to it; nodes still unreached after that (cycles kept only by
//! each other) are children of the root and dominate nothing.

use super::bitset::BitSet;
use super::graph::{EdgeSet, HeapGraph, NodeIdx};
use super::scratch::ColumnPool;

const NONE: u32 = u32::MAX;

/// Immediate dominators and an order to sum sizes in.
#[derive(Debug, Clone)]
pub struct DominatorTree {
    /// The immediate dominator of each node; the root's is itself.
    pub idom: Vec<u32>,
    /// Every node once, each after its immediate dominator (the root first).
    pub order: Vec<u32>,
}

/// Computes the dominator tree of `graph` from `root`, following only edges in `counted`. The retainer
/// index must have been built with `counted.by_slot`.
pub fn dominator_tree(
    graph: &HeapGraph,
    counted: &EdgeSet,
    root: NodeIdx,
    pool: &mut ColumnPool,
) -> DominatorTree {
    let n_nodes = graph.n_nodes();
    if n_nodes == 0 {
        return DominatorTree { idom: Vec::new(), order: Vec::new() };
    }
    // Everything below works on DFS numbers (`number[node]`, `order[number]`), so the per-vertex arrays are
    // read in order rather than scattered over the node order.
    let mut numbering = Numbering {
        graph,
        counted: &counted.by_edge,
        number: pool.u32s(n_nodes, NONE),
        order: pool.empty_u32s(),
        parent: pool.empty_u32s(),
        path: Vec::new(),
    };
    numbering.search_from(root.0, 0);
    if numbering.order.len() < n_nodes {
        for node in 0..n_nodes as u32 {
            if numbering.number[node as usize] == NONE && !has_counted_retainer(graph, &counted.by_slot, node)
            {
                numbering.search_from(node, 0);
            }
        }
    }
    let Numbering { number, mut order, parent, path, .. } = numbering;
    drop(path);
    let n_reached = order.len();

    // Semi-dominators in reverse DFS order, over the forest of processed vertices (see `link`). Every vertex
    // but the root gets its entry before any is read.
    let mut semi = pool.u32s(n_reached, 0);
    let mut forest = pool.u64s(n_reached, link(NONE, 0));
    let mut path = Vec::new();
    for w in (1..n_reached).rev() {
        let retainers = graph.retainer_slots(NodeIdx(order[w]));
        if retainers.len() == 1 {
            // A node with one retainer was either reached by that edge, whose owner is the DFS parent, or is
            // an orphan searched from the root: either way its semi-dominator is its DFS parent, and the
            // retainer need not be read.
            semi[w] = parent[w];
            forest[w] = link(parent[w], parent[w]);
            continue;
        }
        let mut best = w as u32;
        let mut has_counted_pred = false;
        for slot in retainers {
            if !counted.by_slot.contains(slot) {
                continue;
            }
            let from = graph.retainer_node[slot];
            has_counted_pred = true;
            let v = number[from.0 as usize];
            if v == NONE {
                continue;
            }
            let candidate = if v <= w as u32 {
                v
            } else {
                compress(v, &mut forest, &mut path);
                label(forest[v as usize])
            };
            best = best.min(candidate);
        }
        if !has_counted_pred {
            // An orphan: the root stands in as its only predecessor.
            best = 0;
        }
        semi[w] = best;
        forest[w] = link(parent[w], best);
    }
    pool.give_u64s(forest);
    drop(path);

    // Immediate dominators: the nearest dominator-tree ancestor of the DFS parent numbered at most the
    // semi-dominator, in DFS order. Each one replaces the vertex's semi-dominator, which is read only at that
    // step (the ancestors visited are earlier, already final).
    let mut idom_number = semi;
    for w in 1..n_reached {
        let semi_w = idom_number[w];
        let mut d = parent[w];
        while d > semi_w {
            d = idom_number[d as usize];
        }
        idom_number[w] = d;
    }
    pool.give_u32s(parent);

    // Back to node indices, in the DFS numbers' column (every reached node's entry is overwritten); nodes
    // never reached hang from the root.
    if n_reached < n_nodes {
        order.extend((0..n_nodes as u32).filter(|&node| number[node as usize] == NONE));
    }
    let mut idom = number;
    for &node in &order[n_reached..] {
        idom[node as usize] = root.0;
    }
    for (w, &dominator) in idom_number.iter().enumerate() {
        idom[order[w] as usize] = order[dominator as usize];
    }
    pool.give_u32s(idom_number);
    DominatorTree { idom, order }
}

/// Whether any counted edge points at `node`.
fn has_counted_retainer(graph: &HeapGraph, counted_slots: &BitSet, node: u32) -> bool {
    graph.retainer_slots(NodeIdx(node)).any(|slot| counted_slots.contains(slot))
}

/// A processed vertex in the forest the semi-dominator pass builds: its (compressed) ancestor, NONE until
/// linked, and the smallest semi-dominator number on the path up to that ancestor. Packed in one `u64`, as
/// path compression reads both of every vertex it passes (and a `u64` column can be reused later).
const fn link(ancestor: u32, label: u32) -> u64 {
    ((label as u64) << 32) | ancestor as u64
}

fn ancestor(link: u64) -> u32 {
    link as u32
}

fn label(link: u64) -> u32 {
    (link >> 32) as u32
}

/// Path compression: afterwards `forest[v].label` is the smallest semi-dominator number on the path from `v`
/// up to (not including) the first unprocessed ancestor, and that path is short-cut. Iterative: `path` is
/// scratch.
fn compress(v: u32, forest: &mut [u64], path: &mut Vec<u32>) {
    let mut x = v;
    while ancestor(forest[ancestor(forest[x as usize]) as usize]) != NONE {
        path.push(x);
        x = ancestor(forest[x as usize]);
    }
    while let Some(y) = path.pop() {
        let y_link = forest[y as usize];
        let a = forest[ancestor(y_link) as usize];
        forest[y as usize] = link(ancestor(a), label(y_link).min(label(a)));
    }
}

/// Depth-first numbering over counted edges, iterative: the search path is an explicit stack holding, for
/// each node on it, its DFS number and the edges still to look at. The stack only holds the current path, so
/// it stays small and cache-resident on real heaps (a chain of n nodes needs 12·n bytes, less than the
/// semi-dominator pass needs anyway).
struct Numbering<'g> {
    graph: &'g HeapGraph,
    counted: &'g BitSet,
    /// DFS number by node.
    number: Vec<u32>,
    /// Node by DFS number.
    order: Vec<u32>,
    /// DFS parent by DFS number.
    parent: Vec<u32>,
    /// The search path.
    path: Vec<PathStep>,
}

/// A node on the search path: its DFS number and its edges not yet looked at.
struct PathStep {
    number: u32,
    next_edge: u32,
    end: u32,
}

impl Numbering<'_> {
    fn visit(&mut self, node: u32, parent: u32) {
        let number = self.order.len() as u32;
        self.number[node as usize] = number;
        self.order.push(node);
        self.parent.push(parent);
        let edges = self.graph.edges_of(NodeIdx(node));
        self.path.push(PathStep { number, next_edge: edges.start, end: edges.end });
    }

    /// Numbers everything reachable from `start`, whose DFS parent is `parent` (a DFS number).
    fn search_from(&mut self, start: u32, parent: u32) {
        self.visit(start, parent);
        while let Some(step) = self.path.last_mut() {
            let mut next = None;
            while step.next_edge < step.end {
                let e = step.next_edge as usize;
                step.next_edge += 1;
                let w = self.graph.edge_to[e].0;
                if self.counted.contains(e) && self.number[w as usize] == NONE {
                    next = Some(w);
                    break;
                }
            }
            match next {
                Some(w) => {
                    let parent = step.number;
                    self.visit(w, parent);
                }
                None => {
                    self.path.pop();
                }
            }
        }
    }
}
