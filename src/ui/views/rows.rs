//! How classes, objects and edges are drawn as rows, the same in every view: sizes as people read them with
//! the exact bytes on hover and in `data-value`, distances as DevTools writes them, an object's name with
//! its `@id` after it; and how a page of them from the worker is handed to a tree.

use super::super::port::Reply;
use std::rc::Rc;

use super::super::port::Port;
use super::super::tree::{CellView, Column, OnLoaded, RowView, TreeModel, PAGE_ROWS};
use super::open_object;
use crate::protocol::{Answer, Handle, Query};
use crate::snapshot::distance::distance_label;
use crate::snapshot::{ClassRow, EdgeRow, NodeRow};
use crate::units::{format_bytes, format_count};

pub const NODE_COLUMNS: &[Column] = &[
    Column { title: "Object", col: "name", numeric: false },
    Column { title: "Distance", col: "distance", numeric: true },
    Column { title: "Shallow size", col: "shallow_size", numeric: true },
    Column { title: "Retained size", col: "retained_size", numeric: true },
];

pub const EDGE_COLUMNS: &[Column] = &[
    Column { title: "Object", col: "name", numeric: false },
    Column { title: "Edge", col: "edge", numeric: false },
    Column { title: "Distance", col: "distance", numeric: true },
    Column { title: "Shallow size", col: "shallow_size", numeric: true },
    Column { title: "Retained size", col: "retained_size", numeric: true },
];

pub const CLASS_COLUMNS: &[Column] = &[
    Column { title: "Constructor", col: "name", numeric: false },
    Column { title: "Distance", col: "distance", numeric: true },
    Column { title: "Count", col: "count", numeric: true },
    Column { title: "Shallow size", col: "shallow_size", numeric: true },
    Column { title: "Retained size", col: "retained_size", numeric: true },
];

/// A size cell: "1.2 MB", the exact bytes on hover and in `data-value`.
pub fn size(bytes: u64) -> CellView {
    CellView {
        text: format_bytes(bytes as f64),
        value: Some(bytes.to_string()),
        title: Some(format!("{} bytes", format_count(bytes))),
    }
}

pub fn count(n: u64) -> CellView {
    CellView { text: format_count(n), value: Some(n.to_string()), title: None }
}

pub fn distance(d: i32) -> CellView {
    CellView { text: distance_label(d), value: Some(d.to_string()), title: None }
}

/// The name cell: exactly the name (long strings are cut by CSS, whole on hover).
pub fn name(name: &str) -> CellView {
    CellView { text: name.to_owned(), value: None, title: Some(name.to_owned()) }
}

pub fn class_row(row: &ClassRow) -> RowView {
    RowView {
        cells: vec![
            name(&row.name),
            distance(row.distance),
            count(row.count),
            size(row.shallow_size),
            size(row.retained_size),
        ],
        expandable: row.count > 0,
        classes: "class",
        key: row.key.clone(),
        id: None,
    }
}

pub fn node_cells(row: &NodeRow) -> Vec<CellView> {
    vec![name(&row.name), distance(row.distance), size(row.self_size), size(row.retained_size)]
}

pub fn node_row(row: &NodeRow, expandable: bool) -> RowView {
    RowView {
        cells: node_cells(row),
        expandable,
        classes: if row.detached { "object detached" } else { "object" },
        key: row.id.to_string(),
        id: Some(row.id),
    }
}

/// An edge and the object at its other end; weak edges dimmed, a cycle (the object is already an ancestor)
/// marked and not expandable.
pub fn edge_row(row: &EdgeRow, expandable: bool, cycle: bool) -> RowView {
    let node = &row.node;
    let classes = match (cycle, row.edge_type == "weak") {
        (true, _) => "object cycle",
        (false, true) => "object weak",
        _ => "object",
    };
    let edge = CellView { text: edge_label(row), value: None, title: Some(row.edge_type.clone()) };
    RowView {
        cells: vec![
            name(&node.name),
            edge,
            distance(node.distance),
            size(node.self_size),
            size(node.retained_size),
        ],
        expandable: expandable && !cycle,
        classes,
        key: format!("{}", node.id),
        id: Some(node.id),
    }
}

/// An edge as DevTools names it: `[3]` for elements, the property name otherwise.
pub fn edge_label(row: &EdgeRow) -> String {
    match row.edge_type.as_str() {
        "element" | "hidden" => format!("[{}]", row.edge_name),
        _ => row.edge_name.clone(),
    }
}

/// Hands the worker's page of objects (or its error) to a tree.
pub fn nodes_to(done: OnLoaded<NodeRow>) -> impl FnOnce(Reply) {
    move |reply| {
        done(reply.and_then(|answer| match answer {
            Answer::Nodes(page) => Ok((page.rows, page.total)),
            _ => Err(ANOTHER_ANSWER.to_owned()),
        }))
    }
}

/// Hands the worker's page of edges (or its error) to a tree.
pub fn edges_to(done: OnLoaded<EdgeRow>) -> impl FnOnce(Reply) {
    move |reply| {
        done(reply.and_then(|answer| match answer {
            Answer::Edges(page) => Ok((page.rows, page.total)),
            _ => Err(ANOTHER_ANSWER.to_owned()),
        }))
    }
}

/// An answer of the wrong kind: a bug, said as such rather than shown as an empty list.
pub const ANOTHER_ANSWER: &str = "the worker answered another question";

/// A flat list of objects of one snapshot, each opening in the Object view: search results, a dominator
/// chain. `query` asks for the page from an offset.
pub struct ObjectList {
    pub port: Rc<Port>,
    pub handle: Handle,
    pub file: String,
    pub query: Box<dyn Fn(u32, u32) -> Query>,
}

impl TreeModel for ObjectList {
    type Item = NodeRow;

    fn columns(&self) -> &'static [Column] {
        NODE_COLUMNS
    }

    fn row(&self, item: &NodeRow, _ancestors: &[&NodeRow]) -> RowView {
        node_row(item, false)
    }

    fn load(&self, _parent: Option<&NodeRow>, offset: u32, done: OnLoaded<NodeRow>) {
        self.port.query(self.handle, (self.query)(offset, PAGE_ROWS), nodes_to(done));
    }

    fn activate(&self, item: &NodeRow) {
        open_object(&self.file, item.id);
    }
}
