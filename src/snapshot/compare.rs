//! DevTools' Comparison view: snapshot B against a base snapshot A, objects matched by V8 node id. Per
//! class: the objects new in B (`new_count`, `alloc_size`), the objects of A gone from B (`deleted_count`,
//! `freed_size`) and the deltas, with the Summary's class keys; and, per class, the lists of new and of
//! deleted objects.
//!
//! DevTools' rules, followed exactly: only objects with a non-zero shallow size count; sizes are shallow
//! sizes; an object whose class differs between the snapshots counts as deleted from one class and new in
//! the other; A's plain objects are classified with B's interfaces (`interfaces::match_definitions`), so a
//! `{a, b}` row means the same in both; where two classes of one snapshot share a key, the one whose first
//! object comes last stands for the key (as in the Summary). Classes with neither new nor deleted objects
//! are left out.
//!
//! Cost: one sort of `(key, id, node)` triples per snapshot (12 bytes per counted node) and one merge.

use rustc_hash::FxHashMap;

use super::analysis::HeapSnapshot;
use super::classes::{classify, ClassTable};
use super::graph::{HeapGraph, NodeIdx};
use super::interfaces::match_definitions;
use super::scratch::ColumnPool;

const NONE: u32 = u32::MAX;

/// One row of the Comparison view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassDiff {
    /// DevTools' class key (`scriptId,line,column,Name` or `,Name`).
    pub key: String,
    pub name: String,
    pub new_count: u64,
    pub deleted_count: u64,
    /// Shallow bytes of the new objects.
    pub alloc_size: u64,
    /// Shallow bytes of the deleted objects (as they were in the base).
    pub freed_size: u64,
    /// The new objects, nodes of the compared snapshot, in id order.
    pub added: Vec<NodeIdx>,
    /// The deleted objects, nodes of the base snapshot, in id order.
    pub deleted: Vec<NodeIdx>,
}

impl ClassDiff {
    pub fn delta_count(&self) -> i64 {
        self.new_count as i64 - self.deleted_count as i64
    }

    pub fn size_delta(&self) -> i64 {
        self.alloc_size as i64 - self.freed_size as i64
    }
}

/// A Comparison row as the CLI's JSON and the page show it (no object lists).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClassDiffRow {
    pub key: String,
    pub name: String,
    pub new_count: u64,
    pub deleted_count: u64,
    pub delta_count: i64,
    pub alloc_size: u64,
    pub freed_size: u64,
    pub size_delta: i64,
}

impl From<&ClassDiff> for ClassDiffRow {
    fn from(c: &ClassDiff) -> Self {
        ClassDiffRow {
            key: c.key.clone(),
            name: c.name.clone(),
            new_count: c.new_count,
            deleted_count: c.deleted_count,
            delta_count: c.delta_count(),
            alloc_size: c.alloc_size,
            freed_size: c.freed_size,
            size_delta: c.size_delta(),
        }
    }
}

/// The Comparison of a snapshot against a base.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Rows by size delta, largest growth first.
    pub classes: Vec<ClassDiff>,
}

impl Comparison {
    pub fn new_count(&self) -> u64 {
        self.classes.iter().map(|c| c.new_count).sum()
    }

    pub fn deleted_count(&self) -> u64 {
        self.classes.iter().map(|c| c.deleted_count).sum()
    }

    pub fn size_delta(&self) -> i64 {
        self.classes.iter().map(ClassDiff::size_delta).sum()
    }

    /// The row with class key `key`.
    pub fn class(&self, key: &str) -> Option<&ClassDiff> {
        self.classes.iter().find(|c| c.key == key)
    }
}

/// Compares `current` against `base`.
pub fn compare(base: &HeapSnapshot, current: &HeapSnapshot) -> Comparison {
    let mut keys = KeyInterner::default();
    let base_interfaces = match_definitions(&base.graph, &base.kinds, &current.interface_definitions);
    let mut pool = ColumnPool::new(base.n_nodes());
    let base_classes = classify(&base.graph, &base.kinds, &base.detachedness, &base_interfaces, &mut pool);
    drop(base_interfaces);
    let base_objects = counted_objects(&base.graph, &base_classes, &mut keys);
    drop(base_classes);
    let current_objects = counted_objects(&current.graph, &current.classes, &mut keys);

    let mut classes = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < base_objects.len() || j < current_objects.len() {
        let key = match (base_objects.get(i), current_objects.get(j)) {
            (Some(a), Some(b)) => a.key.min(b.key),
            (Some(a), None) => a.key,
            (None, Some(b)) => b.key,
            (None, None) => break,
        };
        let i_end = i + base_objects[i..].iter().take_while(|o| o.key == key).count();
        let j_end = j + current_objects[j..].iter().take_while(|o| o.key == key).count();
        let diff = diff_class(base, &base_objects[i..i_end], current, &current_objects[j..j_end], &keys, key);
        if diff.new_count > 0 || diff.deleted_count > 0 {
            classes.push(diff);
        }
        (i, j) = (i_end, j_end);
    }
    // Stable: equal deltas keep key order.
    classes.sort_by_key(|c| std::cmp::Reverse(c.size_delta()));
    Comparison { classes }
}

/// DevTools' merge of one class's objects, both lists in id order.
fn diff_class(
    base: &HeapSnapshot,
    base_objects: &[CountedObject],
    current: &HeapSnapshot,
    current_objects: &[CountedObject],
    keys: &KeyInterner,
    key: u32,
) -> ClassDiff {
    let (text, name) = &keys.rows[key as usize];
    let mut diff = ClassDiff {
        key: text.clone(),
        name: name.clone(),
        new_count: 0,
        deleted_count: 0,
        alloc_size: 0,
        freed_size: 0,
        added: Vec::new(),
        deleted: Vec::new(),
    };
    let delete = |diff: &mut ClassDiff, o: &CountedObject| {
        diff.deleted.push(NodeIdx(o.node));
        diff.deleted_count += 1;
        diff.freed_size += base.shallow_size(NodeIdx(o.node));
    };
    let add = |diff: &mut ClassDiff, o: &CountedObject| {
        diff.added.push(NodeIdx(o.node));
        diff.new_count += 1;
        diff.alloc_size += current.shallow_size(NodeIdx(o.node));
    };
    let (mut i, mut j) = (0, 0);
    while i < base_objects.len() && j < current_objects.len() {
        let (a, b) = (&base_objects[i], &current_objects[j]);
        if a.id < b.id {
            delete(&mut diff, a);
            i += 1;
        } else if a.id > b.id {
            add(&mut diff, b);
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    base_objects[i..].iter().for_each(|o| delete(&mut diff, o));
    current_objects[j..].iter().for_each(|o| add(&mut diff, o));
    diff
}

/// Class keys of both snapshots, interned: key text and class name per key number.
#[derive(Default)]
struct KeyInterner {
    by_text: FxHashMap<String, u32>,
    rows: Vec<(String, String)>,
}

impl KeyInterner {
    fn intern(&mut self, key: String, name: &str) -> u32 {
        if let Some(&k) = self.by_text.get(&key) {
            return k;
        }
        let k = self.rows.len() as u32;
        self.rows.push((key.clone(), name.to_owned()));
        self.by_text.insert(key, k);
        k
    }
}

/// An object that counts in a comparison: its interned class key, V8 id and node.
#[derive(Clone, Copy)]
struct CountedObject {
    key: u32,
    id: u32,
    node: u32,
}

/// The objects with a non-zero shallow size, sorted by class key and id. Each class key stands for the class
/// whose first counted object comes last, as DevTools publishes its aggregates; the other classes of that
/// key are left out.
fn counted_objects(graph: &HeapGraph, classes: &ClassTable, keys: &mut KeyInterner) -> Vec<CountedObject> {
    let counts = |node: usize| graph.self_size(NodeIdx(node as u32)) != 0;
    let mut first_node = vec![NONE; classes.classes.len()];
    for node in (0..graph.n_nodes()).filter(|&n| counts(n)) {
        let class = classes.node_class[node] as usize;
        if first_node[class] == NONE {
            first_node[class] = node as u32;
        }
    }
    let mut standing: FxHashMap<String, (u32, u32)> = FxHashMap::default();
    for (class, &first) in first_node.iter().enumerate().filter(|(_, &f)| f != NONE) {
        let entry = standing.entry(classes.classes[class].key()).or_insert((first, class as u32));
        if first > entry.0 {
            *entry = (first, class as u32);
        }
    }
    let mut key_of_class = vec![NONE; classes.classes.len()];
    for (text, (_, class)) in standing {
        key_of_class[class as usize] = keys.intern(text, &classes.classes[class as usize].name);
    }
    let mut objects: Vec<CountedObject> = (0..graph.n_nodes())
        .filter(|&n| counts(n))
        .filter_map(|node| {
            let key = key_of_class[classes.node_class[node] as usize];
            (key != NONE).then(|| CountedObject { key, id: graph.node_id[node], node: node as u32 })
        })
        .collect();
    objects.sort_unstable_by_key(|o| (o.key, o.id));
    objects
}
