//! Class names for plain objects (`object` nodes named `Object`), as DevTools infers them. First the most
//! common property lists become "interfaces": an object's leading property names (not `__proto__`, as many
//! as fit in 120 UTF-16 units) form a candidate like `{id, name, email}`, and every candidate shared by at
//! least 2 objects and by at least one plain object in 1000 is kept, most common first. Then each plain
//! object takes the interface with the most properties among those whose properties it all has (the earlier
//! one on ties); objects matching none stay `Object`.
//!
//! Property names are compared as JavaScript strings (UTF-16 order). They are ranked once, so the per-object
//! work is on integers; objects with the same property set share one lookup.
//!
//! DevTools' Comparison classifies the base snapshot's plain objects with the *other* snapshot's interfaces,
//! so the definitions are kept as text and [`match_definitions`] matches a graph against foreign ones.

use rustc_hash::FxHashMap;

use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::jsstr::{format_property_name, utf16_cmp, utf16_len};
use super::kinds::{string_indices, Kinds};

const MAX_INTERFACE_NAME_UNITS: usize = 120;
const MIN_OBJECTS_PER_INTERFACE: f64 = 2.0;
const OBJECTS_PER_INTERFACE_PROPORTION: f64 = 1000.0;
const NO_RANK: u32 = u32::MAX;

/// An interface: its name such as `{id, name}` and its property names (as in the snapshot, unformatted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceDefinition {
    pub name: String,
    pub properties: Vec<String>,
}

/// The interfaces and each plain object's match.
#[derive(Debug, Clone, Default)]
pub struct Interfaces {
    /// The interfaces, most common first (the order breaks ties between equally long matches).
    pub definitions: Vec<InterfaceDefinition>,
    /// `(node, interface)` for each plain object that matches one (an index into `definitions`), in node
    /// order.
    pub matches: Vec<(u32, u32)>,
}

/// Whether `node` is a plain JavaScript object (DevTools' `isPlainJSObject`); `object_names` are the string
/// indices of `Object` ([`string_indices`]).
pub fn is_plain_object(graph: &HeapGraph, kinds: &Kinds, object_names: &[StrIdx], node: usize) -> bool {
    u16::from(graph.node_type[node]) == kinds.node.object && object_names.contains(&graph.node_name[node])
}

/// Infers interfaces and matches every plain object against them.
pub fn infer_and_match(graph: &HeapGraph, kinds: &Kinds) -> Interfaces {
    let plain_objects = plain_objects(graph, kinds);
    if plain_objects.is_empty() {
        return Interfaces::default();
    }
    let ranks = PropertyRanks::new(graph, kinds, &plain_objects);
    let inferred = infer(graph, kinds, &ranks, &plain_objects);
    let tree =
        PropertyTree::new(inferred.iter().enumerate().map(|(i, d)| (d.properties.as_slice(), i as u32)));
    let matches = match_objects(graph, kinds, &ranks, &plain_objects, &tree);
    let definitions = inferred
        .into_iter()
        .map(|d| InterfaceDefinition {
            name: d.name,
            properties: d
                .properties
                .iter()
                .map(|&r| graph.strings.get(ranks.names[r as usize].0).to_owned())
                .collect(),
        })
        .collect();
    Interfaces { definitions, matches }
}

/// Matches every plain object of `graph` against `definitions` (another snapshot's), as DevTools does when
/// it applies one snapshot's interfaces to another. A definition with a property no plain object here has
/// can match nothing, but keeps its place in the tie-breaking order.
pub fn match_definitions(
    graph: &HeapGraph,
    kinds: &Kinds,
    definitions: &[InterfaceDefinition],
) -> Interfaces {
    let plain_objects = plain_objects(graph, kinds);
    let ranks = PropertyRanks::new(graph, kinds, &plain_objects);
    let rank_of_text: FxHashMap<&str, u32> =
        ranks.names.iter().enumerate().map(|(r, &(s, _))| (graph.strings.get(s), r as u32)).collect();
    let ranked: Vec<(Vec<u32>, u32)> = definitions
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let mut properties: Vec<u32> =
                d.properties.iter().map(|p| rank_of_text.get(p.as_str()).copied()).collect::<Option<_>>()?;
            properties.sort_unstable();
            properties.dedup();
            Some((properties, i as u32))
        })
        .collect();
    let tree = PropertyTree::new(ranked.iter().map(|(p, i)| (p.as_slice(), *i)));
    let matches = match_objects(graph, kinds, &ranks, &plain_objects, &tree);
    Interfaces { definitions: definitions.to_vec(), matches }
}

/// The plain objects of `graph`, in node order.
fn plain_objects(graph: &HeapGraph, kinds: &Kinds) -> Vec<u32> {
    let object_names = string_indices(graph, "Object");
    (0..graph.n_nodes())
        .filter(|&n| is_plain_object(graph, kinds, &object_names, n))
        .map(|n| n as u32)
        .collect()
}

/// Each plain object's best interface in `tree`, as `(node, interface)` in node order.
fn match_objects(
    graph: &HeapGraph,
    kinds: &Kinds,
    ranks: &PropertyRanks,
    plain_objects: &[u32],
    tree: &PropertyTree,
) -> Vec<(u32, u32)> {
    let mut matches = Vec::new();
    let mut memo: FxHashMap<Box<[u32]>, Option<u32>> = FxHashMap::default();
    let mut properties = Vec::new();
    for &node in plain_objects {
        properties.clear();
        properties.extend(
            graph
                .edges_of(NodeIdx(node))
                .filter(|&e| u16::from(graph.edge_type[e as usize]) == kinds.edge.property)
                .map(|e| ranks.rank_of(graph.edge_name_or_index[e as usize])),
        );
        properties.sort_unstable();
        let found = match memo.get(properties.as_slice()) {
            Some(&found) => found,
            None => {
                let found = tree.best_match(&properties);
                memo.insert(properties.clone().into_boxed_slice(), found);
                found
            }
        };
        if let Some(interface) = found {
            matches.push((node, interface));
        }
    }
    matches
}

/// Property names of plain objects, ranked in JavaScript string order (equal texts share a rank).
struct PropertyRanks {
    /// Rank by string index; [`NO_RANK`] for strings that are no plain object's property name.
    rank: Vec<u32>,
    /// Per rank: the name and the UTF-16 length of its formatted form.
    names: Vec<(StrIdx, usize)>,
    proto: u32,
}

impl PropertyRanks {
    fn new(graph: &HeapGraph, kinds: &Kinds, plain_objects: &[u32]) -> Self {
        let mut rank = vec![NO_RANK; graph.strings.len()];
        let mut distinct = Vec::new();
        for &node in plain_objects {
            for e in graph.edges_of(NodeIdx(node)) {
                let e = e as usize;
                let s = graph.edge_name_or_index[e] as usize;
                if u16::from(graph.edge_type[e]) == kinds.edge.property
                    && s < rank.len()
                    && rank[s] == NO_RANK
                {
                    rank[s] = 0;
                    distinct.push(StrIdx(s as u32));
                }
            }
        }
        distinct.sort_by(|&a, &b| utf16_cmp(graph.strings.get(a), graph.strings.get(b)));
        let mut names: Vec<(StrIdx, usize)> = Vec::with_capacity(distinct.len());
        for s in distinct {
            let text = graph.strings.get(s);
            let same_as_previous = names.last().is_some_and(|&(prev, _)| graph.strings.get(prev) == text);
            if !same_as_previous {
                names.push((s, utf16_len(&format_property_name(text))));
            }
            rank[s.0 as usize] = (names.len() - 1) as u32;
        }
        let proto = names
            .iter()
            .position(|&(s, _)| graph.strings.get(s) == "__proto__")
            .map_or(NO_RANK, |r| r as u32);
        PropertyRanks { rank, names, proto }
    }

    fn rank_of(&self, name: u32) -> u32 {
        self.rank.get(name as usize).copied().unwrap_or(NO_RANK)
    }
}

/// An inferred interface: its name and its property ranks, sorted.
struct Definition {
    name: String,
    properties: Vec<u32>,
}

fn infer(graph: &HeapGraph, kinds: &Kinds, ranks: &PropertyRanks, plain_objects: &[u32]) -> Vec<Definition> {
    // Candidates in first-seen order, keyed by their property list (equal lists give equal names).
    let mut index_of: FxHashMap<Box<[u32]>, usize> = FxHashMap::default();
    let mut candidates: Vec<(Vec<u32>, u32)> = Vec::new();
    let mut properties = Vec::new();
    for &node in plain_objects {
        properties.clear();
        let mut name_units = 1;
        for e in graph.edges_of(NodeIdx(node)) {
            let e = e as usize;
            if u16::from(graph.edge_type[e]) != kinds.edge.property {
                continue;
            }
            let rank = ranks.rank_of(graph.edge_name_or_index[e]);
            if rank == ranks.proto || rank == NO_RANK {
                continue;
            }
            let formatted_units = ranks.names[rank as usize].1;
            if name_units > 1 && name_units + formatted_units > MAX_INTERFACE_NAME_UNITS {
                break;
            }
            if name_units != 1 {
                name_units += 2;
            }
            name_units += formatted_units;
            properties.push(rank);
        }
        if properties.is_empty() {
            continue;
        }
        match index_of.get(properties.as_slice()) {
            Some(&i) => candidates[i].1 += 1,
            None => {
                index_of.insert(properties.clone().into_boxed_slice(), candidates.len());
                candidates.push((properties.clone(), 1));
            }
        }
    }
    drop(index_of);
    // Stable: equally common candidates keep their first-seen order.
    candidates.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
    let min_count =
        MIN_OBJECTS_PER_INTERFACE.max(plain_objects.len() as f64 / OBJECTS_PER_INTERFACE_PROPORTION);
    candidates
        .into_iter()
        .take_while(|&(_, count)| f64::from(count) >= min_count)
        .map(|(properties, _)| {
            let listed: Vec<_> = properties
                .iter()
                .map(|&r| format_property_name(graph.strings.get(ranks.names[r as usize].0)))
                .collect();
            let name = format!("{{{}}}", listed.join(", "));
            let mut sorted = properties;
            sorted.sort_unstable();
            Definition { name, properties: sorted }
        })
        .collect()
}

/// A trie of the interfaces' sorted property lists, for subset matching.
struct PropertyTree {
    nodes: Vec<TreeNode>,
}

#[derive(Default)]
struct TreeNode {
    /// Transitions by property rank.
    next: FxHashMap<u32, u32>,
    greatest_next: Option<u32>,
    /// The first interface whose property list ends here: (property count, interface index).
    interface: Option<(usize, u32)>,
}

impl PropertyTree {
    /// A tree of `(sorted property ranks, interface index)` definitions, in priority order.
    fn new<'d>(definitions: impl Iterator<Item = (&'d [u32], u32)>) -> Self {
        let mut nodes = vec![TreeNode::default()];
        for (properties, index) in definitions {
            let mut at = 0;
            for &property in properties {
                at = match nodes[at].next.get(&property) {
                    Some(&next) => next as usize,
                    None => {
                        let next = nodes.len();
                        nodes.push(TreeNode::default());
                        let node = &mut nodes[at];
                        node.next.insert(property, next as u32);
                        node.greatest_next = Some(node.greatest_next.map_or(property, |g| g.max(property)));
                        next
                    }
                };
            }
            nodes[at].interface.get_or_insert((properties.len(), index));
        }
        PropertyTree { nodes }
    }

    /// The interface with the most properties, all present in `properties` (sorted), earliest on ties.
    fn best_match(&self, properties: &[u32]) -> Option<u32> {
        let better = |a: Option<(usize, u32)>, b: Option<(usize, u32)>| match (a, b) {
            (Some(x), Some(y)) => Some(if y.0 > x.0 || (y.0 == x.0 && y.1 < x.1) { y } else { x }),
            (x, None) => x,
            (None, y) => y,
        };
        let mut best = self.nodes[0].interface;
        let mut states = vec![0u32];
        let mut next_states = Vec::new();
        for &property in properties {
            next_states.clear();
            for &state in &states {
                let node = &self.nodes[state as usize];
                // Properties come in increasing order: past the greatest transition, a state is spent.
                if node.greatest_next.is_some_and(|g| property < g) && !next_states.contains(&state) {
                    next_states.push(state);
                }
                if let Some(&child) = node.next.get(&property) {
                    if !next_states.contains(&child) {
                        next_states.push(child);
                    }
                    best = better(best, self.nodes[child as usize].interface);
                }
            }
            std::mem::swap(&mut states, &mut next_states);
            if states.is_empty() {
                break;
            }
        }
        best.map(|(_, index)| index)
    }
}
