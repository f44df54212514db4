//! Comparison: DevTools' Comparison of one snapshot against a base (by default the last of the series
//! against the one before), every class with its new and deleted objects and size delta, sortable by any
//! column, paged; a class opens into its new and its deleted objects, each opening in its snapshot's Object
//! view. The pair and the sort live in the URL.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::port::Port;
use super::super::router::Route;
use super::super::tree::{CellView, Column, OnLoaded, RowView, Sorting, TreeModel, TreeTable, PAGE_ROWS};
use super::leaks::series;
use super::rows::{node_cells, size, ANOTHER_ANSWER};
use super::{frame, open_object, Alive, Context};
use crate::protocol::{Answer, Handle, Query};
use crate::snapshot::compare::ClassDiffRow;
use crate::snapshot::NodeRow;
use crate::units::{format_count, format_signed_bytes, format_signed_count};

/// Classes shown per page.
const CLASS_ROWS: usize = 100;

/// The Comparison table's columns: header, `data-col`, and the row's value.
type Value = fn(&ClassDiffRow) -> i64;
const VALUES: [(&str, Value); 6] = [
    ("new_count", |r| r.new_count as i64),
    ("deleted_count", |r| r.deleted_count as i64),
    ("delta_count", |r| r.delta_count),
    ("alloc_size", |r| r.alloc_size as i64),
    ("freed_size", |r| r.freed_size as i64),
    ("size_delta", |r| r.size_delta),
];

const COLUMNS: &[Column] = &[
    Column { title: "Constructor", col: "name", numeric: false },
    Column { title: "# New", col: "new_count", numeric: true },
    Column { title: "# Deleted", col: "deleted_count", numeric: true },
    Column { title: "# Delta", col: "delta_count", numeric: true },
    Column { title: "Alloc. size", col: "alloc_size", numeric: true },
    Column { title: "Freed size", col: "freed_size", numeric: true },
    Column { title: "Size delta", col: "size_delta", numeric: true },
];

enum Item {
    Class(ClassDiffRow),
    /// The new (or deleted) objects of a class.
    Group {
        key: String,
        deleted: bool,
        count: u64,
    },
    /// An object of a group: `deleted` ones live in the base snapshot.
    Object {
        row: NodeRow,
        deleted: bool,
    },
}

struct Model {
    port: Rc<Port>,
    base: (Handle, String),
    current: (Handle, String),
    rows: Rc<Vec<ClassDiffRow>>,
}

impl TreeModel for Model {
    type Item = Item;

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn row(&self, item: &Item, _ancestors: &[&Item]) -> RowView {
        match item {
            Item::Class(row) => {
                let mut cells =
                    vec![CellView { text: row.name.clone(), value: Some(row.name.clone()), title: None }];
                for (i, (_, value)) in VALUES.iter().enumerate() {
                    let v = value(row);
                    let text = match i {
                        2 => format_signed_count(v),
                        5 => format_signed_bytes(v),
                        3 | 4 => size(v as u64).text,
                        _ => format_count(v.unsigned_abs()),
                    };
                    cells.push(CellView { text, value: Some(v.to_string()), title: None });
                }
                RowView { cells, expandable: true, classes: "class", key: row.key.clone(), id: None }
            }
            Item::Group { deleted, count, key } => {
                let label =
                    if *deleted { "Deleted objects (as they were in the base)" } else { "New objects" };
                let mut cells = vec![CellView::text(label)];
                cells.extend((0..6).map(|_| CellView::text("")));
                cells[if *deleted { 2 } else { 1 }] = CellView::text(format_count(*count));
                let class = if *deleted { "group deleted-objects" } else { "group new-objects" };
                RowView {
                    cells,
                    expandable: *count > 0,
                    classes: class,
                    key: format!("{key}/{deleted}"),
                    id: None,
                }
            }
            Item::Object { row, deleted } => {
                let mut cells = node_cells(row);
                cells.truncate(1);
                cells.extend((0..6).map(|_| CellView::text("")));
                // Its shallow size, under what it adds (a new object) or frees (a deleted one).
                cells[if *deleted { 5 } else { 4 }] = size(row.self_size);
                RowView {
                    cells,
                    expandable: false,
                    classes: "object",
                    key: row.id.to_string(),
                    id: Some(row.id),
                }
            }
        }
    }

    fn load(&self, parent: Option<&Item>, offset: u32, done: OnLoaded<Item>) {
        match parent {
            None => {
                let start = (offset as usize).min(self.rows.len());
                let end = (start + CLASS_ROWS).min(self.rows.len());
                done(Ok((self.rows[start..end].iter().cloned().map(Item::Class).collect(), self.rows.len())));
            }
            Some(Item::Class(row)) => {
                let groups = vec![
                    Item::Group { key: row.key.clone(), deleted: false, count: row.new_count },
                    Item::Group { key: row.key.clone(), deleted: true, count: row.deleted_count },
                ];
                done(Ok((groups, 2)));
            }
            Some(Item::Group { key, deleted, .. }) => {
                let query = Query::CompareObjects {
                    base: self.base.0,
                    key: key.clone(),
                    deleted: *deleted,
                    offset,
                    limit: PAGE_ROWS,
                };
                let deleted = *deleted;
                self.port.query(self.current.0, query, move |reply| {
                    done(reply.and_then(|answer| match answer {
                        Answer::Nodes(page) => {
                            let objects =
                                page.rows.into_iter().map(|row| Item::Object { row, deleted }).collect();
                            Ok((objects, page.total))
                        }
                        _ => Err(ANOTHER_ANSWER.to_owned()),
                    }))
                });
            }
            Some(Item::Object { .. }) => done(Ok((Vec::new(), 0))),
        }
    }

    fn activate(&self, item: &Item) {
        if let Item::Object { row, deleted } = item {
            let file = if *deleted { &self.base.1 } else { &self.current.1 };
            open_object(file, row.id);
        }
    }
}

struct ComparisonView {
    context: Rc<Context>,
    route: RefCell<Route>,
    pair: ((Handle, String), (Handle, String)),
    rows: RefCell<Rc<Vec<ClassDiffRow>>>,
    list: HtmlElement,
    tree: RefCell<Option<Rc<TreeTable<Model>>>>,
    _listeners: Listeners,
}

pub fn show(context: &Rc<Context>, route: &Route, body: &HtmlElement) -> Option<Alive> {
    let section = frame(body, "view-comparison", "Comparison");
    let members = series(context);
    if members.len() < 2 {
        append(&section, el("p", "muted", "Load two or more snapshots to compare them."));
        return None;
    }
    let find = |name: Option<&str>, fallback: usize| {
        name.and_then(|n| members.iter().find(|(_, m)| m == n))
            .cloned()
            .unwrap_or_else(|| members[fallback].clone())
    };
    let current = find(route.get("file"), members.len() - 1);
    let base = find(route.get("base"), members.len() - 2);
    let controls = append(&section, el("p", "compare-controls", ""));
    let base_select = select(&controls, "Base", "compare-base", &members, &base.1);
    let current_select = select(&controls, "compared with", "compare-current", &members, &current.1);
    let totals = append(&section, el("p", "comparison-totals muted", "Comparing…"));
    let list = append(&section, el("div", "comparison-table", ""));
    let listeners = Listeners::default();
    for select in [&base_select, &current_select] {
        let (base_select, current_select) = (base_select.clone(), current_select.clone());
        listeners.on(select, "change", move |_| {
            Route::new("comparison")
                .with("base", &base_select.value())
                .with("file", &current_select.value())
                .go();
        });
    }
    let view = Rc::new(ComparisonView {
        context: Rc::clone(context),
        route: RefCell::new(route.clone()),
        pair: (base.clone(), current.clone()),
        rows: RefCell::default(),
        list,
        tree: RefCell::default(),
        _listeners: listeners,
    });
    let weak = Rc::downgrade(&view);
    context.port.query(current.0, Query::Compare { base: base.0 }, move |reply| {
        let Some(view) = weak.upgrade() else { return };
        match reply {
            Ok(Answer::Comparison(rows)) => {
                totals.set_text_content(Some(&totals_text(&rows)));
                *view.rows.borrow_mut() = Rc::new(rows);
                view.rebuild();
            }
            Ok(_) => {}
            Err(message) => {
                totals.set_text_content(Some(&message));
                set_attr(&totals, "data-testid", "error");
            }
        }
    });
    Some(Box::new(view))
}

impl ComparisonView {
    /// Sorts the rows as the route says and draws them. Sorts are stable: ties keep the core's order.
    fn rebuild(self: &Rc<Self>) {
        let route = self.route.borrow().clone();
        let col = route
            .get("sort")
            .and_then(|c| COLUMNS.iter().find(|column| column.col == c))
            .map_or("size_delta", |c| c.col);
        let ascending = route.get("asc") == Some("1");
        let mut rows = (**self.rows.borrow()).clone();
        match VALUES.iter().find(|(c, _)| *c == col) {
            Some((_, value)) if ascending => rows.sort_by_key(value),
            Some((_, value)) => rows.sort_by_key(|r| std::cmp::Reverse(value(r))),
            None if ascending => rows.sort_by(|a, b| a.name.cmp(&b.name)),
            None => rows.sort_by(|a, b| b.name.cmp(&a.name)),
        }
        let model = Model {
            port: Rc::clone(&self.context.port),
            base: self.pair.0.clone(),
            current: self.pair.1.clone(),
            rows: Rc::new(rows),
        };
        let weak: Weak<Self> = Rc::downgrade(self);
        let sorting = Sorting {
            col,
            descending: !ascending,
            on_sort: Box::new(move |clicked| {
                let Some(view) = weak.upgrade() else { return };
                let mut route = view.route.borrow().clone();
                let was = route.get("sort").unwrap_or("size_delta").to_owned();
                let ascending =
                    if was == clicked { route.get("asc") != Some("1") } else { clicked == "name" };
                route.set("sort", clicked);
                route.set("asc", if ascending { "1" } else { "" });
                route.replace();
                *view.route.borrow_mut() = route;
                view.rebuild();
            }),
        };
        self.list.set_inner_html("");
        let tree = TreeTable::new(&self.list, "comparison", model, Some(sorting), Vec::new());
        *self.tree.borrow_mut() = Some(tree);
    }
}

fn totals_text(rows: &[ClassDiffRow]) -> String {
    let new: u64 = rows.iter().map(|r| r.new_count).sum();
    let deleted: u64 = rows.iter().map(|r| r.deleted_count).sum();
    let delta: i64 = rows.iter().map(|r| r.size_delta).sum();
    format!(
        "{} classes changed: {} new, {} deleted objects, size delta {}",
        format_count(rows.len() as u64),
        format_count(new),
        format_count(deleted),
        format_signed_bytes(delta)
    )
}

fn select(
    parent: &HtmlElement,
    label: &str,
    class: &str,
    members: &[(Handle, String)],
    chosen: &str,
) -> HtmlSelectElement {
    append(parent, el("span", "", &format!("{label} ")));
    let select = append(parent, el("select", class, "")).unchecked_into::<HtmlSelectElement>();
    for (_, name) in members {
        let option = append(&select, el("option", "", name));
        set_attr(&option, "value", name);
    }
    select.set_value(chosen);
    append(parent, el("span", "", " "));
    select
}
