//! What an earlier snapshot of a series leaves behind once its graph is dropped: for every object its V8 id
//! and class name, the retained size of every object that retains at least [`KEPT_RETAINED_BYTES`], the
//! entry count of every object with at least [`KEPT_ENTRIES`] entries, and per-class counts. The last
//! snapshot of a series is kept whole; the earlier ones need only this (8 bytes per node plus small
//! tables), which keeps `leaks` within 1.6 × the largest file.

use rustc_hash::FxHashMap;

use crate::snapshot::graph::NodeIdx;
use crate::snapshot::HeapSnapshot;

use super::entries::entry_count;

/// Retained sizes below this are not kept (an object that small in an earlier snapshot counts as 0 there).
pub const KEPT_RETAINED_BYTES: u64 = 1024;
/// Entry counts below this are not kept (counted as 0).
pub const KEPT_ENTRIES: u32 = 8;

/// An earlier snapshot's digest.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    /// `(id, class name, shallow size)` of every node, by id; the name indexes `class_names`; sizes of 4 GiB
    /// or more are kept as `u32::MAX`.
    objects: Vec<(u32, u32, u32)>,
    pub class_names: Vec<String>,
    /// `(id, retained size)` of the objects that retain at least [`KEPT_RETAINED_BYTES`], by id.
    retained: Vec<(u32, u64)>,
    /// Entry counts (see `entries`) of objects with at least [`KEPT_ENTRIES`], by id.
    entries: FxHashMap<u32, u32>,
    /// Per class name: object count.
    class_counts: FxHashMap<String, u64>,
    /// The snapshot's total size.
    pub total_size: u64,
}

impl Digest {
    pub fn of(snapshot: &HeapSnapshot) -> Digest {
        let graph = &snapshot.graph;
        let classes = &snapshot.classes;
        let mut name_index: FxHashMap<&str, u32> = FxHashMap::default();
        let mut class_names: Vec<String> = Vec::new();
        let name_of_class: Vec<u32> = classes
            .classes
            .iter()
            .map(|c| {
                *name_index.entry(c.name.as_str()).or_insert_with(|| {
                    class_names.push(c.name.clone());
                    (class_names.len() - 1) as u32
                })
            })
            .collect();
        let mut objects: Vec<(u32, u32, u32)> = (0..graph.n_nodes())
            .map(|n| {
                let shallow = u32::try_from(snapshot.shallow_size(NodeIdx(n as u32))).unwrap_or(u32::MAX);
                (graph.node_id[n], name_of_class[classes.node_class[n] as usize], shallow)
            })
            .collect();
        objects.sort_unstable();
        let mut retained: Vec<(u32, u64)> = (0..graph.n_nodes())
            .map(|n| (graph.node_id[n], snapshot.retained_size(NodeIdx(n as u32))))
            .filter(|&(_, r)| r >= KEPT_RETAINED_BYTES)
            .collect();
        retained.sort_unstable();
        let entries = (0..graph.n_nodes())
            .filter_map(|n| {
                let count = entry_count(snapshot, NodeIdx(n as u32));
                (count >= KEPT_ENTRIES).then_some((graph.node_id[n], count))
            })
            .collect();
        let mut class_counts: FxHashMap<String, u64> = FxHashMap::default();
        for &(_, name, _) in &objects {
            *class_counts.entry(class_names[name as usize].clone()).or_default() += 1;
        }
        Digest { objects, class_names, retained, entries, class_counts, total_size: snapshot.total_size() }
    }

    /// Whether an object with V8 id `id` is in the snapshot.
    pub fn has(&self, id: u32) -> bool {
        self.objects.binary_search_by_key(&id, |&(i, _, _)| i).is_ok()
    }

    /// Every object as `(id, class name index, shallow size)`, ascending by id.
    pub fn objects_with_size(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.objects.iter().copied()
    }

    /// The retained size of the object with id `id` (0 when absent or below [`KEPT_RETAINED_BYTES`]).
    pub fn retained(&self, id: u32) -> u64 {
        self.retained.binary_search_by_key(&id, |&(i, _)| i).map_or(0, |at| self.retained[at].1)
    }

    /// The entry count of the object with id `id` (0 when absent or below [`KEPT_ENTRIES`]).
    pub fn entries(&self, id: u32) -> u32 {
        self.entries.get(&id).copied().unwrap_or(0)
    }

    /// The number of objects whose class is named `name`.
    pub fn class_count(&self, name: &str) -> u64 {
        self.class_counts.get(name).copied().unwrap_or(0)
    }
}
