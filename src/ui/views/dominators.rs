//! The Dominator tree: the objects that alone keep the most memory alive, each opening into what it
//! dominates, children by retained size (the worker keeps a children index, so a page costs only its
//! rows). The rows opened live in the URL.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlElement;

use super::super::port::Port;
use super::super::router::Route;
use super::super::tree::{Column, OnLoaded, RowView, TreeModel, TreeTable, PAGE_ROWS};
use super::rows::{node_row, nodes_to, NODE_COLUMNS};
use super::{frame, open_object, Alive, Context, Snapshot};
use crate::protocol::{Handle, Query};
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::NodeRow;

struct Model {
    port: Rc<Port>,
    handle: Handle,
    file: String,
    route: Rc<RefCell<Route>>,
}

impl TreeModel for Model {
    type Item = NodeRow;

    fn columns(&self) -> &'static [Column] {
        NODE_COLUMNS
    }

    fn row(&self, item: &NodeRow, _ancestors: &[&NodeRow]) -> RowView {
        node_row(item, item.retained_size > item.self_size)
    }

    fn load(&self, parent: Option<&NodeRow>, offset: u32, done: OnLoaded<NodeRow>) {
        // The snapshot's root (node 0) dominates the top level.
        let node = parent.map_or(NodeIdx(0), |p| p.node);
        let query = Query::DominatorChildren { node, offset, limit: PAGE_ROWS };
        self.port.query(self.handle, query, nodes_to(done));
    }

    fn activate(&self, item: &NodeRow) {
        open_object(&self.file, item.id);
    }

    fn expanded_path_changed(&self, path: Vec<String>) {
        let mut route = self.route.borrow_mut();
        route.set_path("open", &path);
        route.replace();
    }
}

pub fn show(context: &Rc<Context>, snapshot: &Snapshot, route: &Route, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-dominators", &format!("Dominator tree of {}", snapshot.name));
    let model = Model {
        port: Rc::clone(&context.port),
        handle: snapshot.handle,
        file: snapshot.name.clone(),
        route: Rc::new(RefCell::new(route.clone())),
    };
    let tree = TreeTable::new(&section, "dominator-tree", model, None, route.path("open"));
    tree.focus();
    Box::new(tree)
}
