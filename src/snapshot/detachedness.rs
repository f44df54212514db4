//! DOM link state ("detachedness") as DevTools propagates it. Embedders mark some native objects attached
//! (1) or detached (2); DevTools spreads attached to every native object reachable from an attached one,
//! then detached to native objects reachable only from detached ones, never through JavaScript objects or
//! hidden, weak or invisible edges. Detached native objects are then shown as `Detached <name>`.
//!
//! For old snapshots without the `detachedness` field, native objects whose name starts with `Detached ` are
//! taken as detached and nothing is propagated or renamed. The graph's column is propagated in place (moved
//! out of the graph), as DevTools overwrites its own.

use super::graph::{HeapGraph, NodeIdx};
use super::kinds::Kinds;

pub const UNKNOWN: u8 = 0;
pub const ATTACHED: u8 = 1;
pub const DETACHED: u8 = 2;

/// The propagated states, one per node, and whether DevTools renames detached nodes.
#[derive(Debug, Clone)]
pub struct Detachedness {
    pub state: Vec<u8>,
    /// True when the snapshot had a `detachedness` field: detached native nodes then get the `Detached `
    /// prefix on their name.
    pub renames_detached: bool,
}

impl Detachedness {
    /// Whether DevTools shows `node` with a `Detached ` prefix added to its name.
    pub fn has_detached_prefix(&self, graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> bool {
        let n = node.0 as usize;
        self.renames_detached
            && self.state[n] == DETACHED
            && u16::from(graph.node_type[n]) == kinds.node.native
    }
}

/// Computes every node's DOM link state (DevTools' `propagateDOMState`), taking the graph's
/// `node_detachedness` column as the seed and leaving `None` in its place.
pub fn propagate(graph: &mut HeapGraph, kinds: &Kinds) -> Detachedness {
    let native = kinds.node.native;
    let Some(seed) = graph.node_detachedness.take() else {
        let state = (0..graph.n_nodes())
            .map(|n| {
                let is_native = u16::from(graph.node_type[n]) == native;
                if is_native && graph.strings.get(graph.node_name[n]).starts_with("Detached ") {
                    DETACHED
                } else {
                    UNKNOWN
                }
            })
            .collect();
        return Detachedness { state, renames_detached: false };
    };

    let graph = &*graph;
    let mut walk = Propagation {
        graph,
        native,
        state: seed,
        visited: vec![false; graph.n_nodes()],
        attached: Vec::new(),
        detached: Vec::new(),
    };
    for node in 0..graph.n_nodes() {
        let known = walk.state[node];
        if known != UNKNOWN {
            walk.visit(node, known);
        }
    }
    let propagates = |edge_type: u8| {
        let t = u16::from(edge_type);
        t != kinds.edge.hidden && t != kinds.edge.invisible && t != kinds.edge.weak
    };
    while let Some(node) = walk.attached.pop() {
        for e in graph.edges_of(NodeIdx(node)) {
            if propagates(graph.edge_type[e as usize]) {
                walk.visit(graph.edge_to[e as usize].0 as usize, ATTACHED);
            }
        }
    }
    while let Some(node) = walk.detached.pop() {
        if walk.state[node as usize] == ATTACHED {
            continue;
        }
        for e in graph.edges_of(NodeIdx(node)) {
            if propagates(graph.edge_type[e as usize]) {
                walk.visit(graph.edge_to[e as usize].0 as usize, DETACHED);
            }
        }
    }
    Detachedness { state: walk.state, renames_detached: true }
}

/// The work lists of [`propagate`].
struct Propagation<'g> {
    graph: &'g HeapGraph,
    native: u16,
    state: Vec<u8>,
    visited: Vec<bool>,
    attached: Vec<u32>,
    detached: Vec<u32>,
}

impl Propagation<'_> {
    /// Gives `node` its state the first time it is reached and queues it for further propagation.
    fn visit(&mut self, node: usize, new_state: u8) {
        if self.visited[node] {
            return;
        }
        self.visited[node] = true;
        // The state is not propagated through JavaScript: every entry point into embedder code is a native
        // node that knows its own state.
        if u16::from(self.graph.node_type[node]) != self.native {
            return;
        }
        self.state[node] = new_state;
        match new_state {
            ATTACHED => self.attached.push(node as u32),
            DETACHED => self.detached.push(node as u32),
            _ => {}
        }
    }
}
