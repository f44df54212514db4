//! The Object view: one object's numbers, its shortest path from a GC root (copyable as text), its
//! **retainer tree** opened lazily as DevTools does (retainers nearest to a root first, the first opened
//! along that path by itself, cycles marked), its properties as a tree (weak edges dimmed), and its
//! dominator chain beside them. The retainer rows opened live in the URL.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::port::Port;
use super::super::router::Route;
use super::super::tree::{Column, OnLoaded, RowView, TreeModel, TreeTable, PAGE_ROWS};
use super::rows::{edge_label, edge_row, edges_to, ObjectList, EDGE_COLUMNS};
use super::{fact, frame, open_object, Alive, Context, Snapshot};
use crate::protocol::{Answer, Handle, Query};
use crate::snapshot::distance::distance_label;
use crate::snapshot::{EdgeRow, NodeRow};
use crate::units::format_bytes;

/// How deep the retainer tree opens by itself along the path to a root (DevTools stops at 20 too).
const AUTO_EXPAND_DEPTH: usize = 20;

/// The three trees about one object.
#[derive(Clone, Copy, PartialEq)]
enum Tree {
    Retainers,
    Properties,
}

struct EdgeModel {
    port: Rc<Port>,
    handle: Handle,
    file: String,
    object: NodeRow,
    tree: Tree,
    route: Option<Rc<RefCell<Route>>>,
}

impl TreeModel for EdgeModel {
    type Item = EdgeRow;

    fn columns(&self) -> &'static [Column] {
        EDGE_COLUMNS
    }

    fn row(&self, item: &EdgeRow, ancestors: &[&EdgeRow]) -> RowView {
        let id = item.node.id;
        let cycle = id == self.object.id || ancestors.iter().any(|a| a.node.id == id);
        let expandable = match self.tree {
            Tree::Retainers => true,
            Tree::Properties => !matches!(item.node.node_type.as_str(), "number" | "string"),
        };
        edge_row(item, expandable, cycle)
    }

    fn load(&self, parent: Option<&EdgeRow>, offset: u32, done: OnLoaded<EdgeRow>) {
        let node = parent.map_or(self.object.node, |p| p.node.node);
        let query = match self.tree {
            Tree::Retainers => Query::Retainers { node, offset, limit: PAGE_ROWS, by_distance: true },
            Tree::Properties => Query::Edges { node, offset, limit: PAGE_ROWS },
        };
        self.port.query(self.handle, query, edges_to(done));
    }

    fn activate(&self, item: &EdgeRow) {
        open_object(&self.file, item.node.id);
    }

    /// Opens the first retainer while it leads towards a GC root, as DevTools does.
    fn auto_expand(&self, child: &EdgeRow, parent: Option<&EdgeRow>, depth: usize) -> bool {
        let parent_distance = parent.map_or(self.object.distance, |p| p.node.distance);
        let distance = child.node.distance;
        self.tree == Tree::Retainers
            && depth < AUTO_EXPAND_DEPTH
            && distance > 0
            && distance < parent_distance
    }

    fn expanded_path_changed(&self, path: Vec<String>) {
        if let Some(route) = &self.route {
            let mut route = route.borrow_mut();
            route.set_path("open", &path);
            route.replace();
        }
    }
}

/// What keeps the view alive: its trees and listeners.
struct ObjectView {
    _retainers: Rc<TreeTable<EdgeModel>>,
    _properties: Rc<TreeTable<EdgeModel>>,
    _chain: Rc<TreeTable<ObjectList>>,
    _listeners: Listeners,
}

pub fn show(context: &Rc<Context>, snapshot: &Snapshot, route: &Route, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-object", "Object");
    let typed = route.get("id").unwrap_or("").trim_start_matches('@').to_owned();
    let Ok(id) = typed.parse::<u32>() else {
        append(&section, el("p", "muted", &format!("\u{201c}{typed}\u{201d} is not an object id (@123)")));
        return Box::new(());
    };
    let holder: Rc<RefCell<Option<ObjectView>>> = Rc::default();
    let status = append(&section, el("p", "muted", "Looking the object up…"));
    let (context, route, file) = (Rc::clone(context), route.clone(), snapshot.name.clone());
    let handle = snapshot.handle;
    let weak = Rc::downgrade(&holder);
    context.port.clone().query(handle, Query::NodeById { id }, move |reply| {
        let Some(holder) = weak.upgrade() else { return };
        status.remove();
        match reply {
            Ok(Answer::Nodes(page)) if !page.rows.is_empty() => {
                let object = page.rows.into_iter().next().expect("one row");
                *holder.borrow_mut() = Some(build(&context, handle, &file, &route, &section, object));
            }
            Ok(_) => {
                append(&section, el("p", "muted", &format!("No object has id @{id} in {file}")));
            }
            Err(message) => {
                let p = append(&section, el("p", "error", &message));
                set_attr(&p, "data-testid", "error");
            }
        }
    });
    Box::new(holder)
}

fn build(
    context: &Rc<Context>,
    handle: Handle,
    file: &str,
    route: &Route,
    section: &HtmlElement,
    object: NodeRow,
) -> ObjectView {
    let title = section.first_element_child().expect("the view has a title");
    title.set_text_content(Some(&object.name));
    set_attr(&title, "data-id", &object.id.to_string());
    let facts = append(section, el("dl", "facts", ""));
    fact(&facts, "Class", &object.class_name, "object-class");
    fact(&facts, "Type", &object.node_type, "object-type");
    fact(&facts, "Shallow size", &format_bytes(object.self_size as f64), "object-shallow")
        .set_title(&format!("{} bytes", object.self_size));
    fact(&facts, "Retained size", &format_bytes(object.retained_size as f64), "object-retained")
        .set_title(&format!("{} bytes", object.retained_size));
    fact(&facts, "Distance", &distance_label(object.distance), "object-distance");

    let listeners = Listeners::default();
    let path = append(section, el("div", "root-path", ""));
    path_from_root(context, handle, &object, &path, &listeners);

    let columns = append(section, el("div", "object-columns", ""));
    let left = append(&columns, el("div", "object-trees", ""));
    let right = append(&columns, el("div", "object-side", ""));
    append(&left, el("h3", "", "Retainers"));
    let edge_model = |tree, route| EdgeModel {
        port: Rc::clone(&context.port),
        handle,
        file: file.to_owned(),
        object: object.clone(),
        tree,
        route,
    };
    let shared_route = Rc::new(RefCell::new(route.clone()));
    let retainers = TreeTable::new(
        &left,
        "retainers",
        edge_model(Tree::Retainers, Some(shared_route)),
        None,
        route.path("open"),
    );
    append(&left, el("h3", "", "Properties"));
    let properties =
        TreeTable::new(&left, "properties", edge_model(Tree::Properties, None), None, Vec::new());
    append(&right, el("h3", "", "Dominators, nearest first"));
    // The dominator chain: the object and the objects that alone keep it alive, up to the root.
    let node = object.node;
    let chain_model = ObjectList {
        port: Rc::clone(&context.port),
        handle,
        file: file.to_owned(),
        query: Box::new(move |offset, limit| Query::DominatorChain { node, offset, limit }),
    };
    let chain = TreeTable::new(&right, "dominators", chain_model, None, Vec::new());
    retainers.focus();
    ObjectView { _retainers: retainers, _properties: properties, _chain: chain, _listeners: listeners }
}

/// The shortest path from a GC root, as steps that open each object, and a button that copies it as text.
fn path_from_root(
    context: &Rc<Context>,
    handle: Handle,
    object: &NodeRow,
    into: &HtmlElement,
    listeners: &Listeners,
) {
    append(into, el("h3", "", "Shortest path from a GC root"));
    let copy = append(into, el("button", "copy-path small", "Copy as text"));
    set_attr(&copy, "type", "button");
    let list = append(into, el("ol", "path-steps", ""));
    let text: Rc<RefCell<String>> = Rc::default();
    let query = Query::PathToRoot { node: object.node, offset: 0, limit: 1000 };
    let (list_for_answer, text_for_answer, object_for_answer) =
        (list.clone(), Rc::clone(&text), object.clone());
    context.port.query(handle, query, move |reply| match reply {
        Ok(Answer::Edges(page)) => {
            let mut lines = Vec::new();
            for row in &page.rows {
                let step = format!("{} @{} .{}", row.node.name, row.node.id, edge_label(row));
                let li = append(&list_for_answer, el("li", "", ""));
                let button = append(&li, el("button", "step", &step));
                set_attr(&button, "data-id", &row.node.id.to_string());
                lines.push(step);
            }
            lines.push(format!("{} @{}", object_for_answer.name, object_for_answer.id));
            append(&list_for_answer, el("li", "path-end", lines.last().map_or("", |l| l.as_str())));
            *text_for_answer.borrow_mut() = lines.join("\n");
        }
        Ok(_) => {}
        Err(message) => {
            let li = append(&list_for_answer, el("li", "error", &message));
            set_attr(&li, "data-testid", "error");
        }
    });
    let file = context.files.snapshots().into_iter().find(|(h, _, _)| *h == handle).map(|(_, name, _)| name);
    listeners.on(&list, "click", move |event| {
        let id = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("button.step").ok().flatten())
            .and_then(|b| b.get_attribute("data-id"))
            .and_then(|id| id.parse().ok());
        if let (Some(id), Some(file)) = (id, &file) {
            open_object(file, id);
        }
    });
    let copy_for_click = copy.clone();
    listeners.on(&copy, "click", move |_| {
        let Some(window) = web_sys::window() else { return };
        let _ = window.navigator().clipboard().write_text(&text.borrow());
        copy_for_click.set_text_content(Some("Copied"));
    });
}
