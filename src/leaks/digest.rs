//! What an earlier snapshot of a series leaves behind once its graph is dropped: the retained size and entry
//! count of every object that retains at least [`KEPT_RETAINED_BYTES`] and per-class counts; for the first
//! snapshot, every object's V8 id (what "new" means); for the second, the three-snapshot technique's target,
//! the id, class name and shallow size of each object that is new since the first. The last snapshot of a
//! series is kept whole; the earlier ones need only this (4 bytes a node for the first, 12 a new object for
//! the second, plus the larger objects), which keeps `leaks` within 1.6 × the largest file.

use rustc_hash::FxHashMap;

use crate::snapshot::graph::NodeIdx;
use crate::snapshot::HeapSnapshot;

use super::entries::entry_count;

/// Retained sizes below this are not kept (an object that small in an earlier snapshot counts as 0 there;
/// growth needs far more, see `suspects::MIN_RETAINED_GROWTH`).
pub const KEPT_RETAINED_BYTES: u64 = 4096;

/// What an earlier snapshot is to the series.
pub enum Role<'a> {
    /// The first snapshot: every id is kept.
    First,
    /// The three-snapshot technique's target (the second): its objects new since `first` are kept.
    Target { first: &'a Digest },
    /// Any other earlier snapshot.
    Other,
}

/// An earlier snapshot's digest.
#[derive(Debug, Clone, Default)]
pub struct Digest {
    /// [`Role::First`]: every object's id, ascending.
    ids: Vec<u32>,
    /// [`Role::Target`]: `(id, class name, shallow size)` of each object not in the first snapshot, by id; the
    /// name indexes `class_names`, sizes of 4 GiB or more are `u32::MAX`.
    new_objects: Vec<(u32, u32, u32)>,
    pub class_names: Vec<String>,
    /// The objects that retain at least [`KEPT_RETAINED_BYTES`]: ids ascending, and in the same order their
    /// retained sizes and entry counts (see `entries`).
    large_ids: Vec<u32>,
    large_retained: Vec<u64>,
    large_entries: Vec<u32>,
    /// Per class name: object count.
    class_counts: FxHashMap<String, u64>,
    /// The snapshot's total size.
    pub total_size: u64,
}

impl Digest {
    /// The digest of `snapshot` in its `role`.
    pub fn of(snapshot: &HeapSnapshot, role: Role) -> Digest {
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
        let mut class_counts: FxHashMap<String, u64> = FxHashMap::default();
        let mut counts = vec![0u64; class_names.len()];
        for &class in &classes.node_class {
            counts[name_of_class[class as usize] as usize] += 1;
        }
        for (name, count) in class_names.iter().zip(counts) {
            class_counts.insert(name.clone(), count);
        }
        let mut ids = Vec::new();
        let mut new_objects = Vec::new();
        match role {
            Role::First => {
                ids = graph.node_id.clone();
                ids.sort_unstable();
            }
            Role::Target { first } => {
                new_objects = (0..graph.n_nodes())
                    .filter(|&n| !first.has(graph.node_id[n]))
                    .map(|n| {
                        let shallow =
                            u32::try_from(snapshot.shallow_size(NodeIdx(n as u32))).unwrap_or(u32::MAX);
                        (graph.node_id[n], name_of_class[classes.node_class[n] as usize], shallow)
                    })
                    .collect();
                new_objects.sort_unstable();
            }
            Role::Other => {}
        }
        let mut large: Vec<(u32, u64, u32)> = (0..graph.n_nodes() as u32)
            .map(NodeIdx)
            .filter(|&n| snapshot.retained_size(n) >= KEPT_RETAINED_BYTES)
            .map(|n| (graph.node_id[n.0 as usize], snapshot.retained_size(n), entry_count(snapshot, n)))
            .collect();
        large.sort_unstable();
        Digest {
            ids,
            new_objects,
            class_names,
            large_ids: large.iter().map(|l| l.0).collect(),
            large_retained: large.iter().map(|l| l.1).collect(),
            large_entries: large.iter().map(|l| l.2).collect(),
            class_counts,
            total_size: snapshot.total_size(),
        }
    }

    /// Whether an object with V8 id `id` is in the snapshot (the first snapshot's digest knows every id; the
    /// others answer `false`).
    pub fn has(&self, id: u32) -> bool {
        self.ids.binary_search(&id).is_ok()
    }

    /// The class name (an index into `class_names`) and shallow size of the object with id `id`, when it is
    /// one of the objects new since the first snapshot that a [`Role::Target`] digest keeps.
    pub fn class_and_size_of_new(&self, id: u32) -> Option<(u32, u32)> {
        let at = self.new_objects.binary_search_by_key(&id, |o| o.0).ok()?;
        Some((self.new_objects[at].1, self.new_objects[at].2))
    }

    /// The retained size of the object with id `id`; `None` when absent or below [`KEPT_RETAINED_BYTES`].
    pub fn retained(&self, id: u32) -> Option<u64> {
        self.large_ids.binary_search(&id).ok().map(|at| self.large_retained[at])
    }

    /// The entry count of the object with id `id`; `None` when absent or retaining less than
    /// [`KEPT_RETAINED_BYTES`].
    pub fn entries(&self, id: u32) -> Option<u32> {
        self.large_ids.binary_search(&id).ok().map(|at| self.large_entries[at])
    }

    /// The number of objects whose class is named `name`.
    pub fn class_count(&self, name: &str) -> u64 {
        self.class_counts.get(name).copied().unwrap_or(0)
    }
}
