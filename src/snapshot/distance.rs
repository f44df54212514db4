//! Distances from the GC roots, as DevTools computes them: a breadth-first search over non-weak edges,
//! first from the user roots (the root's children that are not synthetic, e.g. global objects) at
//! distance 1, then from the root for everything else, counted from [`BASE_SYSTEM_DISTANCE`]. A few V8
//! internal edges are skipped (a native context's `sloppy_function_map`, descriptor links in
//! `(map descriptors)` arrays), and a WeakMap value takes the later of its key's and its table's edges.
//! Nodes never reached keep [`NO_DISTANCE`].

use rustc_hash::FxHashSet;

use super::ephemeron::WeakMapEdgeNames;
use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::jsstr::parse_int;
use super::kinds::{string_indices, Kinds};
use super::scratch::ColumnPool;
use super::shallow::is_user_root;

/// The distance of nodes not reachable from the root.
pub const NO_DISTANCE: i32 = -5;
/// The distance DevTools gives the root when user roots exist; system-only objects count from here.
pub const BASE_SYSTEM_DISTANCE: i32 = 100_000_000;

/// A distance as people read it: DevTools counts objects reachable only from system roots from
/// [`BASE_SYSTEM_DISTANCE`] (shown `system+n`) and gives unreachable ones [`NO_DISTANCE`] (shown `-`).
pub fn distance_label(distance: i32) -> String {
    match distance {
        NO_DISTANCE => "-".to_owned(),
        d if d >= BASE_SYSTEM_DISTANCE => format!("system+{}", d - BASE_SYSTEM_DISTANCE),
        d => d.to_string(),
    }
}

/// Every node's distance from the roots.
pub fn distances(graph: &HeapGraph, kinds: &Kinds, pool: &mut ColumnPool) -> Vec<i32> {
    // A spent `u32` column, filled once and retyped in place.
    let mut distances: Vec<i32> =
        pool.u32s(graph.n_nodes(), NO_DISTANCE as u32).into_iter().map(|d| d as i32).collect();
    if graph.n_nodes() == 0 {
        return distances;
    }
    let mut search = Search {
        graph,
        kinds,
        native_context_names: string_indices(graph, "system / NativeContext"),
        map_descriptors_names: string_indices(graph, "(map descriptors)"),
        sloppy_function_map_names: string_indices(graph, "sloppy_function_map"),
        weak_map_names: WeakMapEdgeNames::new(graph),
        pending_weak_map_entries: FxHashSet::default(),
        queue: pool.empty_u32s(),
    };
    for e in graph.edges_of(ROOT) {
        let child = graph.edge_to[e as usize];
        if is_user_root(graph, kinds, child) {
            distances[child.0 as usize] = 1;
            search.queue.push(child.0);
        }
    }
    let found_user_roots = !search.queue.is_empty();
    search.run(&mut distances);
    distances[ROOT.0 as usize] = if found_user_roots { BASE_SYSTEM_DISTANCE } else { 0 };
    search.queue.clear();
    search.queue.push(ROOT.0);
    search.run(&mut distances);
    pool.give_u32s(search.queue);
    distances
}

/// One breadth-first search; the WeakMap bookkeeping carries over from the user-root pass to the system
/// pass, as in DevTools.
struct Search<'g> {
    graph: &'g HeapGraph,
    kinds: &'g Kinds,
    native_context_names: Vec<StrIdx>,
    map_descriptors_names: Vec<StrIdx>,
    sloppy_function_map_names: Vec<StrIdx>,
    weak_map_names: WeakMapEdgeNames,
    /// WeakMap entries whose first edge was seen and skipped.
    pending_weak_map_entries: FxHashSet<&'g str>,
    queue: Vec<u32>,
}

impl<'g> Search<'g> {
    fn run(&mut self, distances: &mut [i32]) {
        let graph = self.graph;
        let mut next = 0;
        while let Some(&node) = self.queue.get(next) {
            next += 1;
            let child_distance = distances[node as usize] + 1;
            let node_filter = self.node_filter(NodeIdx(node));
            for e in graph.edges_of(NodeIdx(node)) {
                let i = e as usize;
                if u16::from(graph.edge_type[i]) == self.kinds.edge.weak {
                    continue;
                }
                let child = graph.edge_to[i].0;
                if distances[child as usize] != NO_DISTANCE || !self.follows(node_filter, i) {
                    continue;
                }
                distances[child as usize] = child_distance;
                self.queue.push(child);
            }
        }
    }

    /// Which of DevTools' per-node edge rules applies to the edges of `node`.
    fn node_filter(&self, node: NodeIdx) -> NodeFilter {
        let n = node.0 as usize;
        let node_type = u16::from(self.graph.node_type[n]);
        let name = self.graph.node_name[n];
        if node_type == self.kinds.node.hidden && self.native_context_names.contains(&name) {
            NodeFilter::NativeContext
        } else if node_type == self.kinds.node.array && self.map_descriptors_names.contains(&name) {
            NodeFilter::MapDescriptors
        } else {
            NodeFilter::Plain
        }
    }

    /// Whether the search may follow edge `i` (not weak, target not yet reached).
    fn follows(&mut self, node_filter: NodeFilter, i: usize) -> bool {
        let graph = self.graph;
        let edge_type = graph.edge_type[i];
        let name_or_index = graph.edge_name_or_index[i];
        match node_filter {
            NodeFilter::NativeContext => {
                if self.kinds.edge_has_string_name(edge_type)
                    && self.sloppy_function_map_names.contains(&StrIdx(name_or_index))
                {
                    return false;
                }
            }
            NodeFilter::MapDescriptors => {
                // Descriptor arrays hold [count, enum cache, (key, type, descriptor)*]; maps may share them,
                // so DevTools skips every descriptor value link (index 3k+1 from 2 on).
                let index = if self.kinds.edge_has_string_name(edge_type) {
                    parse_int(graph.strings.get(StrIdx(name_or_index)))
                } else {
                    Some(f64::from(name_or_index))
                };
                return index.is_none_or(|index| index < 2.0 || index % 3.0 != 1.0);
            }
            NodeFilter::Plain => {}
        }
        if u16::from(edge_type) == self.kinds.edge.internal {
            if let Some(name) = self.weak_map_names.get(graph, StrIdx(name_or_index)) {
                // Skip the first of the entry's two edges; the second (reached later, so no closer) sets
                // the value's distance.
                if !self.pending_weak_map_entries.remove(name.entry) {
                    self.pending_weak_map_entries.insert(name.entry);
                    return false;
                }
            }
        }
        true
    }
}

#[derive(Debug, Clone, Copy)]
enum NodeFilter {
    Plain,
    NativeContext,
    MapDescriptors,
}
