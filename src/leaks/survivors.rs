//! The three-snapshot technique: objects allocated between the baseline S1 and the target S2 (absent in S1,
//! present in S2) that are still alive in the final S3. Counted per class (S2's class names, as DevTools'
//! `className()`), and grouped into clusters by the shape of their owner path in S3, as memlab does: same
//! edge names and classes = same cluster, with element indices and numeric keys written `[]` and a run of
//! repeated steps (a linked list such as `_idleNext (Timeout)` or `context → originalThing → someMethod`)
//! written once with `+`. Clusters are ranked by the retained size of their objects in S3.
//!
//! Only the survivors that are not owned by another survivor (cluster roots) are traced, and V8 internals
//! (code, shapes, hidden structures) are never a cluster root: they follow the objects that need them.

use rustc_hash::FxHashMap;

use crate::snapshot::graph::NodeIdx;
use crate::snapshot::HeapSnapshot;

use super::digest::Digest;
use super::trace::{owner_trace, path_text, step_label, TraceStep};

/// At most this many distinct owners are traced; survivors owned elsewhere form no cluster.
const MAX_TRACED_OWNERS: usize = 2_000;
/// Clusters with fewer objects are left out.
pub const MIN_CLUSTER_OBJECTS: u64 = 10;

/// Three-snapshot survivors of one class.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SurvivorClass {
    pub name: String,
    pub count: u64,
    /// Shallow bytes in S2.
    pub shallow_size: u64,
}

/// Survivors that share an owner-path shape.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    /// The shape, one line (`(GC roots) → … → sessions (Set) → [] (Session)`).
    pub path: String,
    /// Survivors in the cluster: its roots and the survivors they own.
    pub count: u64,
    /// The cluster's roots: the survivors not owned by another survivor (one per list entry, say).
    pub roots: u64,
    /// Their retained size in S3.
    pub retained_size: u64,
    /// The most common class of the objects.
    pub class_name: String,
    /// The owner path of the cluster's largest object in S3.
    pub trace: Vec<TraceStep>,
}

/// The result of the three-snapshot technique.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Survivors {
    pub total_count: u64,
    pub total_shallow_size: u64,
    /// Per class, largest shallow size first.
    pub classes: Vec<SurvivorClass>,
    /// Largest retained size first.
    pub clusters: Vec<Cluster>,
}

/// The survivors of S1 → S2 in S3 (`last`).
pub fn survivors(s1: &Digest, s2: &Digest, last: &HeapSnapshot) -> Survivors {
    // Walk the last snapshot's nodes (no index by id: a series keeps within 1.6 × its largest file) and look
    // each id up in the digests.
    let graph = &last.graph;
    let mut per_class: FxHashMap<u32, (u64, u64)> = FxHashMap::default();
    let mut in_last: Vec<NodeIdx> = Vec::new();
    for node in 0..graph.n_nodes() {
        let id = graph.node_id[node];
        if s1.has(id) {
            continue;
        }
        let Some((class_name, shallow)) = s2.class_and_size_of_new(id) else { continue };
        let entry = per_class.entry(class_name).or_default();
        entry.0 += 1;
        entry.1 += u64::from(shallow);
        in_last.push(NodeIdx(node as u32));
    }
    let mut classes: Vec<SurvivorClass> = per_class
        .into_iter()
        .map(|(name, (count, shallow_size))| SurvivorClass {
            name: s2.class_names[name as usize].clone(),
            count,
            shallow_size,
        })
        .collect();
    classes.sort_by(|a, b| b.shallow_size.cmp(&a.shallow_size).then(a.name.cmp(&b.name)));
    let total_count = classes.iter().map(|c| c.count).sum();
    let total_shallow_size = classes.iter().map(|c| c.shallow_size).sum();
    let clusters = clusters(last, &in_last);
    Survivors { total_count, total_shallow_size, classes, clusters }
}

/// Whether `node` is a V8 internal that never roots a cluster (code, shapes, hidden structures, arrays'
/// backing stores, numbers, synthetic groups).
pub fn is_internal(snapshot: &HeapSnapshot, node: NodeIdx) -> bool {
    let n = node.0 as usize;
    let kinds = &snapshot.kinds.node;
    let t = u16::from(snapshot.graph.node_type[n]);
    let class = &snapshot.classes.classes[snapshot.classes.node_class[n] as usize].name;
    t == kinds.hidden
        || t == kinds.code
        || t == kinds.array
        || t == kinds.number
        || t == kinds.synthetic
        || class.starts_with("system /")
        || class == "(object shape)"
}

fn clusters(last: &HeapSnapshot, survivors: &[NodeIdx]) -> Vec<Cluster> {
    let mut is_survivor = crate::snapshot::bitset::BitSet::new(last.n_nodes());
    for node in survivors {
        is_survivor.insert(node.0 as usize);
    }
    // Cluster roots (survivors not owned by a survivor), grouped by owner; each root counts the survivors
    // it owns (a chain of survivors is one root holding the whole chain).
    let mut root_of: FxHashMap<u32, u32> = FxHashMap::default();
    let mut owned_survivors: FxHashMap<u32, u64> = FxHashMap::default();
    for &node in survivors {
        let mut chain = vec![node.0];
        let mut at = node;
        let root = loop {
            if let Some(&root) = root_of.get(&at.0) {
                break root;
            }
            let owner = last.immediate_dominator(at);
            if owner == at || !is_survivor.contains(owner.0 as usize) {
                break at.0;
            }
            at = owner;
            chain.push(at.0);
        };
        for n in chain {
            root_of.insert(n, root);
        }
        *owned_survivors.entry(root).or_default() += 1;
    }
    let mut by_owner: FxHashMap<u32, Vec<NodeIdx>> = FxHashMap::default();
    for &node in survivors {
        let owner = last.immediate_dominator(node);
        if is_survivor.contains(owner.0 as usize) || is_internal(last, node) {
            continue;
        }
        by_owner.entry(owner.0).or_default().push(node);
    }
    let mut owners: Vec<(u32, u64)> = by_owner
        .iter()
        .map(|(&owner, nodes)| (owner, nodes.iter().map(|&n| last.retained_size(n)).sum()))
        .collect();
    owners.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    owners.truncate(MAX_TRACED_OWNERS);

    let mut by_shape: FxHashMap<String, Cluster> = FxHashMap::default();
    let mut class_votes: FxHashMap<String, FxHashMap<String, u64>> = FxHashMap::default();
    for (owner, _) in owners {
        let owner_steps = owner_trace(last, NodeIdx(owner));
        for &node in &by_owner[&owner] {
            let mut steps = owner_steps.clone();
            if let Some(edge) = owner_edge_to(last, NodeIdx(owner), node) {
                steps.push(super::trace::step(last, edge));
            }
            let shape = shape_of(&steps);
            let retained = last.retained_size(node);
            let class_name =
                last.classes.classes[last.classes.node_class[node.0 as usize] as usize].name.clone();
            *class_votes.entry(shape.clone()).or_default().entry(class_name.clone()).or_default() += 1;
            let cluster = by_shape.entry(shape.clone()).or_insert_with(|| Cluster {
                path: shape,
                count: 0,
                roots: 0,
                retained_size: 0,
                class_name,
                trace: Vec::new(),
            });
            let largest_so_far = cluster.trace.last().map_or(0, |s| last.retained_size(s.node));
            if cluster.trace.is_empty() || retained > largest_so_far {
                cluster.trace = steps;
            }
            cluster.count += owned_survivors.get(&node.0).copied().unwrap_or(1);
            cluster.roots += 1;
            cluster.retained_size += retained;
        }
    }
    let mut clusters: Vec<Cluster> = by_shape
        .into_values()
        .filter(|c| c.count >= MIN_CLUSTER_OBJECTS)
        .map(|mut c| {
            if let Some(votes) = class_votes.get(&c.path) {
                if let Some((name, _)) = votes.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
                    c.class_name = name.clone();
                }
            }
            c
        })
        .collect();
    clusters.sort_by(|a, b| b.retained_size.cmp(&a.retained_size).then(a.path.cmp(&b.path)));
    clusters
}

/// A strong edge from `owner` to `node`, a named one preferred.
fn owner_edge_to(
    snapshot: &HeapSnapshot,
    owner: NodeIdx,
    node: NodeIdx,
) -> Option<crate::snapshot::graph::EdgeIdx> {
    let graph = &snapshot.graph;
    let weak = snapshot.kinds.edge.weak;
    graph
        .edges_of(owner)
        .find(|&e| graph.edge_to[e as usize] == node && u16::from(graph.edge_type[e as usize]) != weak)
        .map(crate::snapshot::graph::EdgeIdx)
}

/// The shape of a trace: each step's label with indices and numeric names as `[]`, runs of a repeated block
/// of up to three steps written once with `+`.
pub fn shape_of(steps: &[TraceStep]) -> String {
    let labels: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut s = s.clone();
            if s.edge.parse::<f64>().is_ok() {
                s.edge = String::new();
                s.edge_type = "element".into();
            }
            step_label(&s, i + 1 == steps.len())
        })
        .collect();
    collapse_runs(&labels).join(" → ")
}

/// Collapses immediate repetitions of blocks of 1 to 3 labels: `a b b b c` → `a b+ c`.
pub fn collapse_runs(labels: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    let mut i = 0;
    'outer: while i < labels.len() {
        for period in 1..=3 {
            let block = &labels[i..(i + period).min(labels.len())];
            if block.len() < period {
                break;
            }
            let mut repeats = 1;
            while i + (repeats + 1) * period <= labels.len()
                && labels[i + repeats * period..i + (repeats + 1) * period] == *block
            {
                repeats += 1;
            }
            if repeats > 1 {
                let n = block.len();
                for (k, label) in block.iter().enumerate() {
                    out.push(if k + 1 == n { format!("{label}+") } else { label.clone() });
                }
                i += repeats * period;
                continue 'outer;
            }
        }
        out.push(labels[i].clone());
        i += 1;
    }
    out
}

/// The trace of a cluster as one line.
pub fn cluster_text(cluster: &Cluster) -> String {
    path_text(&cluster.trace)
}

#[cfg(test)]
mod tests {
    use super::collapse_runs;

    fn labels(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn runs_of_one_to_three_steps_collapse() {
        assert_eq!(collapse_runs(&labels("a b b b c")), labels("a b+ c"));
        assert_eq!(collapse_runs(&labels("a x y x y x y c")), labels("a x y+ c"));
        assert_eq!(collapse_runs(&labels("r p q s p q s")), labels("r p q s+"));
        assert_eq!(collapse_runs(&labels("a b c")), labels("a b c"));
    }
}
