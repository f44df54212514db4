//! Dominator tree, retained sizes and class retained sizes against a naive reference on random graphs
//! (cycles, self-loops, unreachable nodes, weak and shortcut edges), and long chains that would overflow the
//! stack of any recursive implementation.
//!
//! The reference follows the definition DevTools' worker implements: only counted edges retain (not weak,
//! not self edges, not shortcuts except from the root); a node no counted edge reaches but that no counted
//! edge points at either ("orphan") hangs from the root as if the root pointed at it; nodes still unreached
//! are children of the root. Dominator sets come from the textbook fixpoint
//! `Dom(v) = {v} ∪ ⋂ Dom(p)` over predecessors `p`.

use heapscope::snapshot::bitset::BitSet;
use heapscope::snapshot::dominators::dominator_tree;
use heapscope::snapshot::flags::ROOT;
use heapscope::snapshot::graph::{EdgeSet, HeapGraph, NodeIdx, StrIdx};
use heapscope::snapshot::retained::retained_sizes;
use heapscope::snapshot::scratch::ColumnPool;
use heapscope::snapshot::HeapSnapshot;
use proptest::prelude::*;

const EDGE_TYPES: [&str; 7] = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
const ELEMENT: u8 = 1;
const PROPERTY: u8 = 2;
const SHORTCUT: u8 = 5;
const WEAK: u8 = 6;
/// Class names of the random objects (node 0 is the synthetic root).
const NAMES: [&str; 4] = ["", "A", "B", "C"];

/// A graph of `object` nodes (node 0 a `synthetic` root) with the given self sizes, name indices (into
/// [`NAMES`]) and edges `(from, to, type)`.
fn graph(sizes: &[u32], names: &[u32], edges: &[(u32, u32, u8)]) -> HeapGraph {
    let n = sizes.len();
    let mut g = HeapGraph {
        node_type_names: ["hidden", "array", "string", "object", "synthetic"].map(String::from).to_vec(),
        edge_type_names: EDGE_TYPES.map(String::from).to_vec(),
        ..HeapGraph::default()
    };
    for name in NAMES.iter().chain(["edge"].iter()) {
        g.strings.push(name).expect("string");
    }
    g.node_type = (0..n).map(|i| if i == 0 { 4 } else { 3 }).collect();
    g.node_name = names.iter().map(|&s| StrIdx(s)).collect();
    g.node_id = (0..n as u32).map(|i| 2 * i + 1).collect();
    g.node_self_size = sizes.to_vec();
    let mut sorted = edges.to_vec();
    sorted.sort_by_key(|&(from, _, _)| from);
    g.first_edge = vec![0; n + 1];
    for &(from, _, _) in &sorted {
        g.first_edge[from as usize + 1] += 1;
    }
    for i in 0..n {
        g.first_edge[i + 1] += g.first_edge[i];
    }
    g.edge_type = sorted.iter().map(|e| e.2).collect();
    g.edge_name_or_index =
        sorted.iter().map(|e| if e.2 == ELEMENT { e.1 } else { NAMES.len() as u32 }).collect();
    g.edge_to = sorted.iter().map(|e| NodeIdx(e.1)).collect();
    g.build_retainers();
    g
}

/// Which edges retain, by DevTools' rules for these edge types: not weak, not self edges, no shortcuts but
/// the root's, and nothing from outside the page into it (the page: what the root's shortcuts reach without
/// weak edges). Builds the retainer index carrying them.
fn counted_edges(g: &mut HeapGraph) -> EdgeSet {
    let n = g.n_nodes();
    let mut page = vec![false; n];
    let mut stack: Vec<u32> = g
        .edges_of(ROOT)
        .filter(|&e| g.edge_type[e as usize] == SHORTCUT)
        .map(|e| g.edge_to[e as usize].0)
        .collect();
    while let Some(v) = stack.pop() {
        if std::mem::replace(&mut page[v as usize], true) {
            continue;
        }
        stack.extend(
            g.edges_of(NodeIdx(v))
                .filter(|&e| g.edge_type[e as usize] != WEAK)
                .map(|e| g.edge_to[e as usize].0),
        );
    }
    let mut counted = BitSet::new(g.n_edges());
    for from in 0..n as u32 {
        for e in g.edges_of(NodeIdx(from)) {
            let t = g.edge_type[e as usize];
            let to = g.edge_to[e as usize].0;
            let into_page = from != 0 && page[to as usize] && !page[from as usize];
            if t != WEAK && to != from && (t != SHORTCUT || from == 0) && !into_page {
                counted.insert(e as usize);
            }
        }
    }
    g.build_retainers_marking(|_, _, e| counted.contains(e as usize))
}

/// Dominator sets by the reference definition: `dom[v][u]` is true when `u` dominates `v`.
fn naive_dominators(g: &HeapGraph, counted: &BitSet) -> Vec<Vec<bool>> {
    let n = g.n_nodes();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for from in 0..n {
        for e in g.edges_of(NodeIdx(from as u32)) {
            if counted.contains(e as usize) {
                preds[g.edge_to[e as usize].0 as usize].push(from);
            }
        }
    }
    let reach = |preds: &Vec<Vec<usize>>| {
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (to, ps) in preds.iter().enumerate() {
            for &p in ps {
                succs[p].push(to);
            }
        }
        let mut seen = vec![false; n];
        let mut stack = vec![0];
        seen[0] = true;
        while let Some(v) = stack.pop() {
            for &w in &succs[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    };
    let reached_from_root = reach(&preds);
    for v in 1..n {
        if !reached_from_root[v] && preds[v].is_empty() {
            preds[v].push(0);
        }
    }
    let reached = reach(&preds);
    let mut dom: Vec<Vec<bool>> = (0..n).map(|v| (0..n).map(|u| v != 0 || u == 0).collect()).collect();
    loop {
        let mut changed = false;
        for v in 1..n {
            if !reached[v] {
                continue;
            }
            let mut next = vec![true; n];
            for &p in preds[v].iter().filter(|&&p| reached[p]) {
                for u in 0..n {
                    next[u] &= dom[p][u];
                }
            }
            next[v] = true;
            if next != dom[v] {
                dom[v] = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for v in 1..n {
        if !reached[v] {
            dom[v] = (0..n).map(|u| u == 0 || u == v).collect();
        }
    }
    dom
}

/// The immediate dominator: the strict dominator dominated by all the others.
fn naive_idom(dom: &[Vec<bool>], v: usize) -> usize {
    if v == 0 {
        return 0;
    }
    let strict: Vec<usize> = (0..dom.len()).filter(|&u| u != v && dom[v][u]).collect();
    *strict.iter().max_by_key(|&&u| dom[u].iter().filter(|&&d| d).count()).expect("the root dominates")
}

fn naive_retained(dom: &[Vec<bool>], sizes: &[u32]) -> Vec<u64> {
    (0..dom.len()).map(|v| (0..dom.len()).filter(|&u| dom[u][v]).map(|u| u64::from(sizes[u])).sum()).collect()
}

/// Class retained sizes by their definition: the sum over objects of a class (shallow size not 0) that have
/// no strict dominator of the same class with a shallow size.
fn naive_class_retained(dom: &[Vec<bool>], sizes: &[u32], names: &[u32], retained: &[u64]) -> Vec<u64> {
    let mut per_name = vec![0u64; NAMES.len()];
    for v in 1..dom.len() {
        let covered = (0..dom.len()).any(|u| u != v && dom[v][u] && names[u] == names[v] && sizes[u] != 0);
        if sizes[v] != 0 && !covered {
            per_name[names[v] as usize] += retained[v];
        }
    }
    per_name
}

/// Self sizes, name indices and edges of a graph, as [`graph`] takes them.
type GraphParts = (Vec<u32>, Vec<u32>, Vec<(u32, u32, u8)>);

fn arbitrary_graph() -> impl Strategy<Value = GraphParts> {
    (2usize..24).prop_flat_map(|n| {
        let sizes = prop::collection::vec(prop_oneof![Just(0u32), 1u32..100], n);
        let names = prop::collection::vec(1u32..NAMES.len() as u32, n);
        let edge = (
            0..n as u32,
            0..n as u32,
            prop_oneof![Just(ELEMENT), Just(PROPERTY), Just(SHORTCUT), Just(WEAK)],
        );
        let edges = prop::collection::vec(edge, 0..3 * n);
        (sizes, names, edges).prop_map(|(mut sizes, mut names, edges)| {
            sizes[0] = 0;
            names[0] = 0;
            (sizes, names, edges)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn dominators_and_retained_sizes_match_the_definition((sizes, names, edges) in arbitrary_graph()) {
        let g = graph(&sizes, &names, &edges);
        let mut g = g;
        let counted = counted_edges(&mut g);
        let dom = naive_dominators(&g, &counted.by_edge);
        let tree = dominator_tree(&g, &counted, ROOT, &mut ColumnPool::default());
        for v in 0..g.n_nodes() {
            prop_assert_eq!(tree.idom[v] as usize, naive_idom(&dom, v), "idom of node {}", v);
        }
        prop_assert_eq!(retained_sizes(&g, &tree, &mut ColumnPool::default()), naive_retained(&dom, &sizes));
    }

    #[test]
    fn analysis_matches_the_definition((sizes, names, edges) in arbitrary_graph()) {
        let mut g = graph(&sizes, &names, &edges);
        let counted = counted_edges(&mut g);
        let dom = naive_dominators(&g, &counted.by_edge);
        let retained = naive_retained(&dom, &sizes);
        let snapshot = HeapSnapshot::analyze(g);
        for (v, &retained_size) in retained.iter().enumerate() {
            let node = NodeIdx(v as u32);
            prop_assert_eq!(snapshot.immediate_dominator(node).0 as usize, naive_idom(&dom, v));
            prop_assert_eq!(snapshot.retained_size(node), retained_size);
        }
        let expected = naive_class_retained(&dom, &sizes, &names, &retained);
        let summary = snapshot.summary(usize::MAX, 0);
        for class in &summary.classes {
            let name = NAMES.iter().position(|&n| n == class.name).expect("a class per name");
            prop_assert_eq!(class.retained_size, expected[name], "class {}", &class.name);
            let count = (1..sizes.len()).filter(|&v| names[v] as usize == name && sizes[v] != 0).count();
            prop_assert_eq!(class.count, count as u64);
        }
    }
}

/// Root → 1 → 2 → … → n-1, every node also pointing back at its predecessor.
fn chain(n: u32) -> HeapGraph {
    let mut edges: Vec<(u32, u32, u8)> = (0..n - 1).map(|i| (i, i + 1, PROPERTY)).collect();
    edges.extend((2..n).map(|i| (i, i - 1, PROPERTY)));
    let sizes: Vec<u32> = (0..n).map(|i| u32::from(i != 0)).collect();
    let names: Vec<u32> = (0..n).map(|i| if i == 0 { 0 } else { 1 + i % 3 }).collect();
    graph(&sizes, &names, &edges)
}

#[test]
fn ten_million_node_chain_has_a_chain_of_dominators() {
    let n = 10_000_000;
    let mut g = chain(n);
    let counted = counted_edges(&mut g);
    let tree = dominator_tree(&g, &counted, ROOT, &mut ColumnPool::default());
    assert!(
        (1..n as usize).all(|v| tree.idom[v] as usize == v - 1),
        "each node dominated by its predecessor"
    );
    let retained = retained_sizes(&g, &tree, &mut ColumnPool::default());
    assert_eq!(retained[1], u64::from(n) - 1);
    assert_eq!(retained[n as usize - 1], 1);
}

#[test]
fn whole_analysis_of_a_million_node_chain() {
    let n = 1_000_000;
    let snapshot = HeapSnapshot::analyze(chain(n));
    let last = NodeIdx(n - 1);
    assert_eq!(snapshot.retained_size(NodeIdx(1)), u64::from(n) - 1);
    assert_eq!(snapshot.dominator_chain(last, 0, 0).total, n as usize);
    assert_eq!(snapshot.path_to_root(last, 0, 0).total, n as usize - 1);
    // Only the topmost object of each class counts towards its class.
    let summary = snapshot.summary(10, 1);
    let total: u64 = summary.classes.iter().map(|c| c.retained_size).sum();
    assert_eq!(total, 3 * u64::from(n) - 6, "classes A, B, C start at nodes 3, 1, 2");
}
