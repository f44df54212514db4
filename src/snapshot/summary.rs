//! DevTools' Summary view: per class, the number of objects, their shallow and retained sizes and the
//! smallest distance; the largest objects overall. Nodes whose shallow size is 0 are left out, as in
//! DevTools. (A class's objects are listed by `lists`.)
//!
//! A class's retained size counts an object only when no dominator-tree ancestor of the same class was
//! counted (its size is already inside that ancestor's). Rows are published under DevTools' public keys;
//! when two classes share a key (two name origins with one text, see `classes`), the later one replaces the
//! earlier in the earlier one's place, as in DevTools' `aggregatesWithFilter`.

use rustc_hash::FxHashMap;

use super::bitset::BitSet;
use super::classes::ClassTable;
use super::flags::ROOT;
use super::graph::{HeapGraph, NodeIdx};
use super::scratch::ColumnPool;

const NONE: u32 = u32::MAX;

/// One Summary row.
#[derive(Debug, Clone)]
pub struct ClassAggregate {
    /// The class, an index into the class table.
    pub class: u32,
    pub count: u32,
    pub shallow_size: u64,
    pub retained_size: u64,
    /// The smallest distance of the class's objects.
    pub distance: i32,
}

/// The Summary rows, sorted by retained size.
#[derive(Debug, Clone, Default)]
pub struct ClassSummary {
    pub rows: Vec<ClassAggregate>,
}

/// Per-class totals before publishing.
#[derive(Debug, Clone, Copy)]
struct Totals {
    count: u32,
    shallow_size: u64,
    retained_size: u64,
    distance: i32,
    first_node: u32,
}

/// Builds the Summary from the analyses and the classes' retained sizes ([`class_retained_sizes`]).
pub fn summarize(
    graph: &HeapGraph,
    classes: &ClassTable,
    distances: &[i32],
    class_retained: &[u64],
) -> ClassSummary {
    let n_classes = classes.classes.len();
    let mut totals: Vec<Totals> = class_retained
        .iter()
        .map(|&retained_size| Totals {
            count: 0,
            shallow_size: 0,
            retained_size,
            distance: i32::MAX,
            first_node: NONE,
        })
        .collect();
    for node in 0..graph.n_nodes() {
        let size = graph.self_size(NodeIdx(node as u32));
        if size == 0 {
            continue;
        }
        let t = &mut totals[classes.node_class[node] as usize];
        if t.count == 0 {
            t.first_node = node as u32;
        }
        t.count += 1;
        t.shallow_size += size;
        t.distance = t.distance.min(distances[node]);
    }

    // Publish in DevTools' insertion order (first counted node of each class), merging equal keys.
    let mut by_first_node: Vec<u32> =
        (0..n_classes as u32).filter(|&c| totals[c as usize].count > 0).collect();
    by_first_node.sort_unstable_by_key(|&c| totals[c as usize].first_node);
    let mut position_of_key: FxHashMap<String, usize> = FxHashMap::default();
    let mut published: Vec<u32> = Vec::with_capacity(by_first_node.len());
    for class in by_first_node {
        match position_of_key.entry(classes.classes[class as usize].key()) {
            std::collections::hash_map::Entry::Occupied(at) => published[*at.get()] = class,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(published.len());
                published.push(class);
            }
        }
    }
    drop(position_of_key);
    // Stable: ties keep the publishing order.
    published.sort_by(|&a, &b| {
        let (ta, tb) = (&totals[a as usize], &totals[b as usize]);
        tb.retained_size.cmp(&ta.retained_size).then(tb.shallow_size.cmp(&ta.shallow_size))
    });

    let rows = published
        .iter()
        .map(|&class| {
            let t = &totals[class as usize];
            ClassAggregate {
                class,
                count: t.count,
                shallow_size: t.shallow_size,
                retained_size: t.retained_size,
                distance: t.distance,
            }
        })
        .collect();
    ClassSummary { rows }
}

/// Each class's retained size: a walk of the dominator tree that counts a node only when no ancestor of its
/// class was counted, with the classes counted on the current path marked in `on_path`. The tree is kept
/// as first-child and next-sibling links (two pooled columns, one pass to build), and walked without a
/// stack: down to a first child, across to the next sibling, back up through the immediate dominators.
pub fn class_retained_sizes(
    graph: &HeapGraph,
    classes: &ClassTable,
    retained: &[u64],
    idom: &[u32],
    pool: &mut ColumnPool,
) -> Vec<u64> {
    let mut class_retained = vec![0u64; classes.classes.len()];
    let n_nodes = graph.n_nodes();
    if n_nodes == 0 {
        return class_retained;
    }
    let mut first_child = pool.u32s(n_nodes, NONE);
    let mut next_sibling = pool.u32s(n_nodes, NONE);
    for node in (0..n_nodes).filter(|&node| node != ROOT.0 as usize).rev() {
        let dominator = idom[node] as usize;
        next_sibling[node] = first_child[dominator];
        first_child[dominator] = node as u32;
    }
    let mut on_path = vec![false; class_retained.len()];
    // The nodes that put their class on the path, to take it off when their subtree is done.
    let mut opened = BitSet::new(n_nodes);
    let mut node = ROOT.0 as usize;
    'walk: loop {
        let class = classes.node_class[node] as usize;
        let has_children = first_child[node] != NONE;
        if !on_path[class] && graph.self_size(NodeIdx(node as u32)) != 0 {
            class_retained[class] += retained[node];
            if has_children {
                on_path[class] = true;
                opened.insert(node);
            }
        }
        if has_children {
            node = first_child[node] as usize;
            continue;
        }
        // Leave the node, and each ancestor whose last child it was.
        loop {
            if opened.contains(node) {
                on_path[classes.node_class[node] as usize] = false;
            }
            if node == ROOT.0 as usize {
                break 'walk;
            }
            if next_sibling[node] != NONE {
                node = next_sibling[node] as usize;
                break;
            }
            node = idom[node] as usize;
        }
    }
    pool.give_u32s(first_child);
    pool.give_u32s(next_sibling);
    class_retained
}

/// The `n` nodes with the largest retained sizes, the root excluded, largest first (ties by node index).
pub fn top_objects(retained: &[u64], n: usize) -> Vec<u32> {
    let mut best: Vec<u32> = Vec::with_capacity(n.min(retained.len()) + 1);
    if n == 0 {
        return best;
    }
    let before = |a: u32, b: u32| {
        retained[a as usize] > retained[b as usize] || (retained[a as usize] == retained[b as usize] && a < b)
    };
    // Nodes come in index order, so a node ties with the last of a full list only to lose: once full, the
    // list's smallest size is a bar to pass, tested without touching the list.
    let mut bar = None;
    for node in 1..retained.len() as u32 {
        if bar.is_some_and(|bar| retained[node as usize] <= bar) {
            continue;
        }
        let at = best.partition_point(|&b| before(b, node));
        best.insert(at, node);
        best.truncate(n);
        if best.len() == n {
            bar = Some(retained[best[n - 1] as usize]);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_objects_skip_the_root_and_break_ties_by_index() {
        let retained = [100, 5, 9, 9, 1];
        assert_eq!(top_objects(&retained, 3), [2, 3, 1]);
        assert_eq!(top_objects(&retained, usize::MAX), [2, 3, 1, 4]);
    }
}
