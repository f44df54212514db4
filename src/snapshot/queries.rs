//! Paged queries over an analysed snapshot, for the web worker and the CLI: the Summary's classes and their
//! objects, a node's edges and retainers, and its place in the dominator tree. Every list is paged with
//! `offset`/`limit` and reports its total, and a page costs only its own rows: a node with a million
//! retainers is never walked whole.

use serde::{Deserialize, Serialize};

use super::analysis::HeapSnapshot;
use super::flags::ROOT;
use super::graph::{EdgeIdx, NodeIdx};
use super::names::{display_name, edge_name};
use super::statistics::Statistics;
use super::summary::top_objects;

/// A page of rows out of `total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub offset: usize,
    pub total: usize,
    pub rows: Vec<T>,
}

impl<T> Page<T> {
    /// Rows `offset..offset + limit` of `items` (clamped), each turned into a row by `row`.
    fn of<I: Copy>(items: &[I], offset: usize, limit: usize, row: impl FnMut(I) -> T) -> Self {
        let start = offset.min(items.len());
        let end = start.saturating_add(limit).min(items.len());
        Page { offset, total: items.len(), rows: items[start..end].iter().copied().map(row).collect() }
    }
}

/// One node, with what DevTools shows for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRow {
    /// The node's index in the snapshot (what queries take; not V8's id).
    pub node: NodeIdx,
    /// V8's node id (shown as `@id`).
    pub id: u32,
    pub name: String,
    pub class_name: String,
    #[serde(rename = "type")]
    pub node_type: String,
    /// DevTools' shallow size, in bytes.
    pub self_size: u64,
    pub retained_size: u64,
    /// DevTools' distance: 1 for user roots; 100000000 + n for nodes reachable only from system roots; -5
    /// when unreachable.
    pub distance: i32,
    /// True when DevTools shows the node as detached from the DOM.
    pub detached: bool,
}

/// One edge, with the node at its other end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeRow {
    pub edge: EdgeIdx,
    pub edge_name: String,
    pub edge_type: String,
    /// The edge's target (for outgoing edges) or source (for retainers).
    pub node: NodeRow,
}

/// One Summary row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRow {
    /// The row's position, which `class_instances` takes.
    pub class: u32,
    /// DevTools' class key: `scriptId,line,column,Name` or `,Name`.
    pub key: String,
    pub name: String,
    pub count: u64,
    pub shallow_size: u64,
    pub retained_size: u64,
    /// The smallest distance among the class's objects.
    pub distance: i32,
}

/// The snapshot's headline numbers with its largest classes and objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub node_count: usize,
    pub edge_count: usize,
    pub total_size: u64,
    pub statistics: Statistics,
    pub classes: Vec<ClassRow>,
    pub top_objects: Vec<NodeRow>,
}

/// Queries take node indices of this snapshot (below [`HeapSnapshot::n_nodes`]); callers holding indices from
/// elsewhere check them first, as the workspace does.
impl HeapSnapshot {
    /// What DevTools shows for `node`.
    pub fn node_row(&self, node: NodeIdx) -> NodeRow {
        let n = node.0 as usize;
        let class = self.classes.node_class[n] as usize;
        NodeRow {
            node,
            id: self.graph.node_id[n],
            name: display_name(&self.graph, &self.kinds, &self.detachedness, node).into_owned(),
            class_name: self.classes.classes[class].name.clone(),
            node_type: self.graph.node_type_name(node).to_owned(),
            self_size: self.shallow_size(node),
            retained_size: self.retained_size(node),
            distance: self.distance(node),
            detached: self.detachedness.state[n] == super::detachedness::DETACHED,
        }
    }

    pub(crate) fn edge_row(&self, edge: EdgeIdx, other_end: NodeIdx) -> EdgeRow {
        EdgeRow {
            edge,
            edge_name: edge_name(&self.graph, &self.kinds, edge.0 as usize).into_owned(),
            edge_type: self.graph.edge_type_name(edge).to_owned(),
            node: self.node_row(other_end),
        }
    }

    /// The headline numbers, the `top_classes` largest classes and the `top_objects` largest objects (the
    /// root excluded), both by retained size.
    pub fn summary(&self, top_classes: usize, top_objects_count: usize) -> Summary {
        Summary {
            node_count: self.n_nodes(),
            edge_count: self.n_edges(),
            total_size: self.total_size(),
            statistics: self.statistics().clone(),
            classes: self.classes_page(0, top_classes).rows,
            top_objects: top_objects(&self.retained, top_objects_count)
                .into_iter()
                .map(|n| self.node_row(NodeIdx(n)))
                .collect(),
        }
    }

    /// Summary rows by retained size, largest first.
    pub fn classes_page(&self, offset: usize, limit: usize) -> Page<ClassRow> {
        self.classes_matching("", offset, limit)
    }

    /// Summary rows whose class name contains `filter` (ignoring case, as DevTools' class filter does), by
    /// retained size, largest first; every row when `filter` is empty. Each row keeps its position in the
    /// whole Summary (`ClassRow::class`).
    pub fn classes_matching(&self, filter: &str, offset: usize, limit: usize) -> Page<ClassRow> {
        let row = |position: usize| {
            let aggregate = &self.summary.rows[position];
            let class = &self.classes.classes[aggregate.class as usize];
            ClassRow {
                class: position as u32,
                key: class.key(),
                name: class.name.clone(),
                count: u64::from(aggregate.count),
                shallow_size: aggregate.shallow_size,
                retained_size: aggregate.retained_size,
                distance: aggregate.distance,
            }
        };
        let filter = filter.to_lowercase();
        let matching: Vec<usize> = (0..self.summary.rows.len())
            .filter(|&position| {
                let aggregate = &self.summary.rows[position];
                filter.is_empty()
                    || self.classes.classes[aggregate.class as usize].name.to_lowercase().contains(&filter)
            })
            .collect();
        Page::of(&matching, offset, limit, row)
    }

    /// The objects of Summary row `class`, largest retained size first (ties by V8 id). Costs its page once
    /// the class index is built (on the first call, see `lists`).
    pub fn class_instances(&self, class: u32, offset: usize, limit: usize) -> Page<NodeRow> {
        self.node_page(self.class_members(class), offset, limit)
    }

    /// Rows `offset..offset + limit` of `nodes` (a list a query returned, such as search results), in order.
    pub fn node_page(&self, nodes: &[NodeIdx], offset: usize, limit: usize) -> Page<NodeRow> {
        Page::of(nodes, offset, limit, |n| self.node_row(n))
    }

    /// The outgoing edges of `node`, in snapshot order.
    pub fn edges(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<EdgeRow> {
        let range = self.graph.edges_of(node);
        let total = range.len();
        let start = range.start.saturating_add(offset.min(total) as u32);
        let end = start.saturating_add(limit.min(total) as u32).min(range.end);
        Page {
            offset,
            total,
            rows: (start..end).map(|e| self.edge_row(EdgeIdx(e), self.graph.edge_to[e as usize])).collect(),
        }
    }

    /// The edges that keep `node` alive, as DevTools' Retainers view lists them: every edge into it but weak
    /// and invisible ones and the root's (its `retainingEdgesFilter`), the last edge first (the order of
    /// DevTools' retainer index). Costs a pass over the node's retainers, whatever the page.
    pub fn retainers(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<EdgeRow> {
        let shown = self.shown_retainers(node);
        Page::of(&shown, offset, limit, |(edge, owner)| self.edge_row(edge, owner))
    }

    /// The Retainers of [`Self::retainers`] nearest to a GC root first (by the retainer's distance, ties
    /// in DevTools' order), as DevTools' retainer tree opens: its first row leads along a shortest path.
    pub fn retainers_by_distance(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<EdgeRow> {
        let mut shown = self.shown_retainers(node);
        // Unreachable retainers (distance -5) go last, not first.
        shown.sort_by_key(|&(_, owner)| u32::try_from(self.distance(owner)).unwrap_or(u32::MAX));
        Page::of(&shown, offset, limit, |(edge, owner)| self.edge_row(edge, owner))
    }

    fn shown_retainers(&self, node: NodeIdx) -> Vec<(EdgeIdx, NodeIdx)> {
        let edge_kinds = &self.kinds.edge;
        let mut shown: Vec<(EdgeIdx, NodeIdx)> = self
            .graph
            .retainer_edges(node)
            .filter(|&(edge, owner)| {
                let edge_type = u16::from(self.graph.edge_type[edge.0 as usize]);
                owner != ROOT && edge_type != edge_kinds.weak && edge_type != edge_kinds.invisible
            })
            .collect();
        shown.reverse();
        shown
    }

    /// The dominators of `node`, from `node` itself up to the root.
    pub fn dominator_chain(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<NodeRow> {
        let mut chain = vec![node.0];
        let mut current = node;
        while current != self.immediate_dominator(current) {
            current = self.immediate_dominator(current);
            chain.push(current.0);
        }
        Page::of(&chain, offset, limit, |n| self.node_row(NodeIdx(n)))
    }

    /// The nodes `node` immediately dominates, largest retained size first (ties by V8 id). Costs its page
    /// once the dominator tree's index is built (on the first call, see `lists`).
    pub fn dominator_children(&self, node: NodeIdx, offset: usize, limit: usize) -> Page<NodeRow> {
        self.node_page(self.dominated_nodes(node), offset, limit)
    }
}

/// The document `heapscope summary --json` prints, fields in this order; names as in DevTools' oracle output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryJson {
    pub node_count: usize,
    pub edge_count: usize,
    pub total_size: u64,
    pub statistics: Statistics,
    pub classes: Vec<ClassJson>,
    pub top_objects: Vec<ObjectJson>,
}

/// One class of [`SummaryJson`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassJson {
    pub key: String,
    pub name: String,
    pub count: u64,
    pub shallow_size: u64,
    pub retained_size: u64,
    pub distance: i32,
}

/// One object of [`SummaryJson`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectJson {
    pub id: u32,
    pub name: String,
    pub class_name: String,
    #[serde(rename = "type")]
    pub node_type: String,
    pub self_size: u64,
    pub retained_size: u64,
    pub distance: i32,
}

/// The `top` largest classes and objects by retained size with the headline numbers, as
/// `heapscope summary --json` prints them.
pub fn summary_json(snapshot: &HeapSnapshot, top: usize) -> SummaryJson {
    let summary = snapshot.summary(top, top);
    SummaryJson {
        node_count: summary.node_count,
        edge_count: summary.edge_count,
        total_size: summary.total_size,
        statistics: summary.statistics,
        classes: summary
            .classes
            .into_iter()
            .map(|c| ClassJson {
                key: c.key,
                name: c.name,
                count: c.count,
                shallow_size: c.shallow_size,
                retained_size: c.retained_size,
                distance: c.distance,
            })
            .collect(),
        top_objects: summary
            .top_objects
            .into_iter()
            .map(|o| ObjectJson {
                id: o.id,
                name: o.name,
                class_name: o.class_name,
                node_type: o.node_type,
                self_size: o.self_size,
                retained_size: o.retained_size,
                distance: o.distance,
            })
            .collect(),
    }
}
