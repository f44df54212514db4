//! The shortest path from a GC root to a node, avoiding weak edges: followed backwards from the node, each
//! step takes a retainer one closer by DevTools' distances, so the path has exactly the node's distance in
//! edges (counted from the root, or from the system base for nodes reached only through system roots).

use super::analysis::HeapSnapshot;
use super::distance::NO_DISTANCE;
use super::flags::ROOT;
use super::graph::{EdgeIdx, NodeIdx};
use super::queries::{EdgeRow, Page};

impl HeapSnapshot {
    /// The edges of a shortest path from the root to `node`, root first; `None` when `node` is not reachable
    /// from the root. Each step scans one node's retainers (and their owners' edges, to find the edges).
    pub fn path_to_root_edges(&self, node: NodeIdx) -> Option<Vec<EdgeIdx>> {
        if node.0 as usize >= self.n_nodes() || self.distance(node) == NO_DISTANCE {
            return None;
        }
        let weak = self.kinds.edge.weak;
        let root_distance = self.distance(ROOT);
        let mut path = Vec::new();
        let mut current = node;
        while current != ROOT {
            let distance = self.distance(current);
            // User roots got distance 1 straight from the root's edges, whatever their type.
            let root_edge_is_enough = distance == 1 || distance == root_distance + 1;
            let mut weak_root_edge = None;
            let step = self.graph.retainer_edges(current).find(|&(edge, from)| {
                let is_weak = u16::from(self.graph.edge_type[edge.0 as usize]) == weak;
                if from == ROOT {
                    if is_weak && distance == 1 {
                        weak_root_edge.get_or_insert((edge, from));
                    }
                    return root_edge_is_enough && !is_weak;
                }
                !is_weak && self.distance(from) == distance - 1 && self.distance(from) != NO_DISTANCE
            });
            let (edge, from) = step.or(weak_root_edge)?;
            path.push(edge);
            current = from;
            if path.len() > self.n_nodes() {
                return None;
            }
        }
        path.reverse();
        Some(path)
    }

    /// The path from the root to `node` as rows (each edge with the node it leads to), root first; an empty
    /// page when `node` is unreachable.
    pub fn path_to_root(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<EdgeRow> {
        let path = self.path_to_root_edges(node).unwrap_or_default();
        let start = offset.min(path.len());
        let end = start.saturating_add(limit).min(path.len());
        Page {
            offset,
            total: path.len(),
            rows: path[start..end]
                .iter()
                .map(|&e| self.edge_row(e, self.graph.edge_to[e.0 as usize]))
                .collect(),
        }
    }
}
