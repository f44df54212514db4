//! The type codes of one snapshot: which `node_type` / `edge_type` value means `hidden`, `object`, `weak`,
//! and so on. Snapshots list their type names in `meta`, so the codes differ between V8 versions; the
//! analyses compare against these resolved codes instead of names. A type the snapshot does not list gets a
//! code no node or edge can have. Likewise [`string_indices`] resolves a name DevTools compares against to
//! string indices once, so per-node checks compare integers.

use super::graph::{HeapGraph, StrIdx};

/// A code no `u8` type value equals: the snapshot does not list that type.
const ABSENT: u16 = u16::MAX;

/// Node type codes DevTools gives meaning to.
#[derive(Debug, Clone, Copy)]
pub struct NodeKinds {
    pub hidden: u16,
    pub array: u16,
    pub string: u16,
    pub object: u16,
    pub code: u16,
    pub closure: u16,
    pub regexp: u16,
    pub number: u16,
    pub native: u16,
    pub synthetic: u16,
    pub cons_string: u16,
    pub sliced_string: u16,
}

/// Edge type codes DevTools gives meaning to.
#[derive(Debug, Clone, Copy)]
pub struct EdgeKinds {
    pub context: u16,
    pub element: u16,
    pub property: u16,
    pub internal: u16,
    pub hidden: u16,
    pub shortcut: u16,
    pub weak: u16,
    /// DevTools knows an `invisible` type that V8 snapshots do not list; absent unless a snapshot does.
    pub invisible: u16,
}

/// The resolved node and edge type codes of a graph.
#[derive(Debug, Clone, Copy)]
pub struct Kinds {
    pub node: NodeKinds,
    pub edge: EdgeKinds,
}

fn code_of(names: &[String], name: &str) -> u16 {
    names.iter().position(|n| n == name).and_then(|i| u16::try_from(i).ok()).unwrap_or(ABSENT)
}

impl Kinds {
    pub fn of(graph: &HeapGraph) -> Self {
        let n = &graph.node_type_names;
        let e = &graph.edge_type_names;
        Kinds {
            node: NodeKinds {
                hidden: code_of(n, "hidden"),
                array: code_of(n, "array"),
                string: code_of(n, "string"),
                object: code_of(n, "object"),
                code: code_of(n, "code"),
                closure: code_of(n, "closure"),
                regexp: code_of(n, "regexp"),
                number: code_of(n, "number"),
                native: code_of(n, "native"),
                synthetic: code_of(n, "synthetic"),
                cons_string: code_of(n, "concatenated string"),
                sliced_string: code_of(n, "sliced string"),
            },
            edge: EdgeKinds {
                context: code_of(e, "context"),
                element: code_of(e, "element"),
                property: code_of(e, "property"),
                internal: code_of(e, "internal"),
                hidden: code_of(e, "hidden"),
                shortcut: code_of(e, "shortcut"),
                weak: code_of(e, "weak"),
                invisible: code_of(e, "invisible"),
            },
        }
    }

    /// Whether edges of type `edge_type` carry a string name (all but `element` and `hidden`, which carry an
    /// index).
    pub fn edge_has_string_name(&self, edge_type: u8) -> bool {
        let t = u16::from(edge_type);
        t != self.edge.element && t != self.edge.hidden
    }
}

/// Every index of the snapshot's string table whose text is `text` (V8 writes each string once, so usually
/// one or none).
pub fn string_indices(graph: &HeapGraph, text: &str) -> Vec<StrIdx> {
    graph.strings.indices_of(text)
}
