//! The Summary: a snapshot's objects grouped by class, sorted by any column (retained size, largest first,
//! at first, as DevTools opens it), filtered by class name; a class opens in place into its objects, page by
//! page, and an object opens in the Object view. Sort, filter and the opened class live in the URL.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::port::Port;
use super::super::router::Route;
use super::super::tree::{CellView, Column, OnLoaded, RowView, Sorting, TreeModel, TreeTable, PAGE_ROWS};
use super::rows::{class_row, node_row, ANOTHER_ANSWER, CLASS_COLUMNS};
use super::{frame, open_object, Alive, Context, Snapshot};
use crate::protocol::{Answer, ClassOrder, Handle, Query};
use crate::snapshot::{ClassRow, NodeRow};

/// Classes asked for per page.
const CLASS_ROWS: u32 = 100;

enum Item {
    Class(ClassRow),
    Object(NodeRow),
}

struct Model {
    port: Rc<Port>,
    handle: Handle,
    file: String,
    filter: String,
    order: ClassOrder,
    ascending: bool,
    route: Rc<RefCell<Route>>,
}

impl TreeModel for Model {
    type Item = Item;

    fn columns(&self) -> &'static [Column] {
        CLASS_COLUMNS
    }

    fn row(&self, item: &Item, _ancestors: &[&Item]) -> RowView {
        match item {
            Item::Class(row) => class_row(row),
            Item::Object(row) => {
                // Under the class's columns: no count of its own.
                let mut view = node_row(row, false);
                view.cells.insert(2, CellView::text(""));
                view
            }
        }
    }

    fn load(&self, parent: Option<&Item>, offset: u32, done: OnLoaded<Item>) {
        let query = match parent {
            None => Query::Classes {
                offset,
                limit: CLASS_ROWS,
                filter: self.filter.clone(),
                order: self.order,
                ascending: self.ascending,
            },
            Some(Item::Class(class)) => Query::Instances { class: class.class, offset, limit: PAGE_ROWS },
            Some(Item::Object(_)) => return done(Ok((Vec::new(), 0))),
        };
        self.port.query(self.handle, query, move |reply| {
            done(reply.and_then(|answer| match answer {
                Answer::Classes(page) => Ok((page.rows.into_iter().map(Item::Class).collect(), page.total)),
                Answer::Nodes(page) => Ok((page.rows.into_iter().map(Item::Object).collect(), page.total)),
                _ => Err(ANOTHER_ANSWER.to_owned()),
            }))
        });
    }

    fn activate(&self, item: &Item) {
        if let Item::Object(row) = item {
            open_object(&self.file, row.id);
        }
    }

    fn expanded_path_changed(&self, path: Vec<String>) {
        let mut route = self.route.borrow_mut();
        route.set_path("open", &path);
        route.replace();
    }
}

struct SummaryView {
    context: Rc<Context>,
    snapshot: Snapshot,
    section: HtmlElement,
    route: Rc<RefCell<Route>>,
    tree: RefCell<Option<Rc<TreeTable<Model>>>>,
    listeners: Listeners,
}

pub fn show(context: &Rc<Context>, snapshot: &Snapshot, route: &Route, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-summary", &format!("Summary of {}", snapshot.name));
    let controls = append(&section, el("p", "controls", ""));
    let filter = append(&controls, el("input", "class-filter", "")).unchecked_into::<HtmlInputElement>();
    filter.set_type("search");
    filter.set_placeholder("Class filter  ( / )");
    set_attr(&filter, "aria-label", "Show only classes whose name contains");
    set_attr(&filter, "data-testid", "class-filter");
    filter.set_value(route.get("filter").unwrap_or(""));
    let view = Rc::new(SummaryView {
        context: Rc::clone(context),
        snapshot: Snapshot {
            handle: snapshot.handle,
            name: snapshot.name.clone(),
            info: Rc::clone(&snapshot.info),
        },
        section,
        route: Rc::new(RefCell::new(route.clone())),
        tree: RefCell::default(),
        listeners: Listeners::default(),
    });
    let weak = Rc::downgrade(&view);
    let input = filter.clone();
    view.listeners.on(&filter, "input", move |_| {
        if let Some(view) = weak.upgrade() {
            let mut route = view.route.borrow().clone();
            route.set("filter", &input.value());
            route.set("open", "");
            route.replace();
            *view.route.borrow_mut() = route;
            view.rebuild();
        }
    });
    view.rebuild();
    if let Some(tree) = view.tree.borrow().as_ref() {
        tree.focus();
    }
    Box::new(view)
}

impl SummaryView {
    /// (Re)builds the table for the route's sort and filter, opening the route's path.
    fn rebuild(self: &Rc<Self>) {
        let route = self.route.borrow().clone();
        let order = route.get("sort").and_then(ClassOrder::of_column).unwrap_or_default();
        let ascending = route.get("asc") == Some("1");
        let model = Model {
            port: Rc::clone(&self.context.port),
            handle: self.snapshot.handle,
            file: self.snapshot.name.clone(),
            filter: route.get("filter").unwrap_or("").to_owned(),
            order,
            ascending,
            route: Rc::clone(&self.route),
        };
        let weak: Weak<Self> = Rc::downgrade(self);
        let sorting = Sorting {
            col: order.column(),
            descending: !ascending,
            on_sort: Box::new(move |col| {
                if let Some(view) = weak.upgrade() {
                    view.sort_by(col);
                }
            }),
        };
        let old = self.tree.borrow_mut().take();
        if let Some(old) = old {
            old.element().remove();
        }
        let tree = TreeTable::new(&self.section, "classes", model, Some(sorting), route.path("open"));
        *self.tree.borrow_mut() = Some(tree);
    }

    /// A header was clicked: sort by it (again: the other way). Names sort A→Z first, numbers largest first.
    fn sort_by(self: &Rc<Self>, col: &'static str) {
        let Some(order) = ClassOrder::of_column(col) else { return };
        let mut route = self.route.borrow().clone();
        let current = route.get("sort").and_then(ClassOrder::of_column).unwrap_or_default();
        let ascending =
            if current == order { route.get("asc") != Some("1") } else { order == ClassOrder::Name };
        route.set("sort", col);
        route.set("asc", if ascending { "1" } else { "" });
        route.set("open", "");
        route.replace();
        *self.route.borrow_mut() = route;
        self.rebuild();
        if let Some(tree) = self.tree.borrow().as_ref() {
            let _ = tree.element().focus();
        }
    }
}
