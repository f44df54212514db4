//! DevTools' classes: every node gets a class, the unit of the Summary view. A class is a class name (see
//! `names` and `interfaces`) and, for `object` nodes with a script location, that location: objects made
//! by two constructors of the same name are two classes. Each class has DevTools' public key,
//! `scriptId,line,column,Name` with a location and `,Name` without.
//!
//! DevTools identifies a location-less class by the string index of its name, and names it derives (such as
//! `(system)` or `Detached X`) get fresh indices; only when the Summary is published are classes keyed by
//! text. This table keeps those identities apart the same way (see [`NameOrigin`]), so that the rare case of
//! two identities sharing a text (an object named `RegExp` beside `regexp` nodes) is resolved as DevTools
//! resolves it, in `summary`.

use super::scratch::ColumnPool;
use rustc_hash::FxHashMap;

use super::detachedness::Detachedness;
use super::graph::{HeapGraph, StrIdx};
use super::interfaces::{is_plain_object, Interfaces};
use super::kinds::{string_indices, Kinds};
use super::names::{class_name_of_type, cut_html_tag, is_html_like};

const NONE: u32 = u32::MAX;

/// A script location: script id, line, column.
pub type ScriptLocation = (u32, u32, u32);

/// Where DevTools gets a location-less class's name string from; equal origins are one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NameOrigin {
    /// The node's own name in the snapshot's string table.
    Snapshot(StrIdx),
    /// A name DevTools builds (fixed names, `(type)`, cut HTML tags), identified by its text.
    Derived(u32),
    /// `Detached ` plus the node's own name.
    DetachedPrefix(StrIdx),
    /// An inferred interface, by its index.
    Interface(u32),
}

/// One class.
#[derive(Debug, Clone)]
pub struct Class {
    pub name: String,
    pub location: Option<ScriptLocation>,
}

impl Class {
    /// DevTools' public class key.
    pub fn key(&self) -> String {
        match self.location {
            Some((script, line, column)) => format!("{script},{line},{column},{}", self.name),
            None => format!(",{}", self.name),
        }
    }
}

/// Every node's class.
#[derive(Debug, Clone, Default)]
pub struct ClassTable {
    pub classes: Vec<Class>,
    /// The class of each node, an index into `classes`.
    pub node_class: Vec<u32>,
}

/// Assigns every node its class.
pub fn classify(
    graph: &HeapGraph,
    kinds: &Kinds,
    detachedness: &Detachedness,
    interfaces: &Interfaces,
    pool: &mut ColumnPool,
) -> ClassTable {
    let mut builder = Builder::default();
    let by_type: Vec<Option<u32>> = graph
        .node_type_names
        .iter()
        .enumerate()
        .map(|(t, name)| {
            let t = u8::try_from(t).ok()?;
            class_name_of_type(kinds, t, name).map(|derived| builder.derived(derived))
        })
        .collect();
    let interface_classes: Vec<u32> = (0..interfaces.definitions.len() as u32)
        .map(|i| builder.class(NameOrigin::Interface(i), || interfaces.definitions[i as usize].name.clone()))
        .collect();
    let mut by_name = vec![NONE; graph.strings.len()];
    let mut by_detached_name: FxHashMap<StrIdx, u32> = FxHashMap::default();
    let locations = NodeLocations::new(graph, pool);
    let object_names = string_indices(graph, "Object");
    // Matches come in node order, as the nodes are visited.
    let mut interface_matches = interfaces.matches.iter().peekable();

    let mut node_class = pool.empty_u32s();
    for node in 0..graph.n_nodes() {
        let node_type = graph.node_type[node];
        let class = if let Some(Some(class)) = by_type.get(usize::from(node_type)) {
            *class
        } else {
            let name = graph.node_name[node];
            let named_class = if is_plain_object(graph, kinds, &object_names, node) {
                match interface_matches.next_if(|&&(matched, _)| matched == node as u32) {
                    Some(&(_, interface)) => interface_classes[interface as usize],
                    None => builder.own_name(graph, &mut by_name, name),
                }
            } else if detachedness.has_detached_prefix(graph, kinds, super::graph::NodeIdx(node as u32)) {
                *by_detached_name.entry(name).or_insert_with(|| {
                    let detached = format!("Detached {}", graph.strings.get(name));
                    match cut_html_tag(&detached) {
                        Some(cut) => builder.derived(cut),
                        None => builder.class(NameOrigin::DetachedPrefix(name), || detached),
                    }
                })
            } else {
                builder.own_name(graph, &mut by_name, name)
            };
            match locations.of(node) {
                Some(location) if u16::from(node_type) == kinds.node.object => {
                    builder.located(named_class, location)
                }
                _ => named_class,
            }
        };
        node_class.push(class);
    }
    locations.give_back(pool);
    ClassTable { classes: builder.classes, node_class }
}

#[derive(Default)]
struct Builder {
    classes: Vec<Class>,
    /// Per class: the id of its name's text.
    class_text: Vec<u32>,
    texts: FxHashMap<String, u32>,
    by_origin: FxHashMap<NameOrigin, u32>,
    located: FxHashMap<(ScriptLocation, u32), u32>,
}

impl Builder {
    fn text_id(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.texts.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.insert(text.to_owned(), id);
        id
    }

    fn class(&mut self, origin: NameOrigin, name: impl FnOnce() -> String) -> u32 {
        if let Some(&class) = self.by_origin.get(&origin) {
            return class;
        }
        let name = name();
        let text = self.text_id(&name);
        self.classes.push(Class { name, location: None });
        self.class_text.push(text);
        let class = (self.classes.len() - 1) as u32;
        self.by_origin.insert(origin, class);
        class
    }

    /// The class of a name DevTools builds, by its text.
    fn derived(&mut self, text: String) -> u32 {
        let id = self.text_id(&text);
        self.class(NameOrigin::Derived(id), || text)
    }

    /// The class of an object or native node named `name`, memoized per string.
    fn own_name(&mut self, graph: &HeapGraph, by_name: &mut [u32], name: StrIdx) -> u32 {
        let cached = by_name.get(name.0 as usize).copied().unwrap_or(NONE);
        if cached != NONE {
            return cached;
        }
        let text = graph.strings.get(name);
        let class = if is_html_like(text) {
            self.derived(cut_html_tag(text).unwrap_or_else(|| text.to_owned()))
        } else {
            self.class(NameOrigin::Snapshot(name), || text.to_owned())
        };
        if let Some(slot) = by_name.get_mut(name.0 as usize) {
            *slot = class;
        }
        class
    }

    /// The class of an object with a location. DevTools keys these by text (location and name), so two
    /// location-less classes with one text share their located classes.
    fn located(&mut self, named_class: u32, location: ScriptLocation) -> u32 {
        let key = (location, self.class_text[named_class as usize]);
        if let Some(&class) = self.located.get(&key) {
            return class;
        }
        let name = self.classes[named_class as usize].name.clone();
        self.classes.push(Class { name, location: Some(location) });
        self.class_text.push(key.1);
        let class = (self.classes.len() - 1) as u32;
        self.located.insert(key, class);
        class
    }
}

/// The script location of each node (the `locations` section, which is not in node order; a later entry
/// for a node wins, as in DevTools): an index from node to entry, in a column from the pool.
struct NodeLocations<'g> {
    graph: &'g HeapGraph,
    /// Per node: its entry in `graph.locations`, or [`NONE`].
    entry: Vec<u32>,
}

impl<'g> NodeLocations<'g> {
    fn new(graph: &'g HeapGraph, pool: &mut ColumnPool) -> Self {
        let mut entry = pool.u32s(graph.n_nodes(), NONE);
        for (i, location) in graph.locations.iter().enumerate() {
            if let Some(slot) = entry.get_mut(location.node.0 as usize) {
                *slot = i as u32;
            }
        }
        NodeLocations { graph, entry }
    }

    fn of(&self, node: usize) -> Option<ScriptLocation> {
        let location = self.graph.locations.get(*self.entry.get(node)? as usize)?;
        Some((location.script_id, location.line, location.column))
    }

    fn give_back(self, pool: &mut ColumnPool) {
        pool.give_u32s(self.entry);
    }
}
