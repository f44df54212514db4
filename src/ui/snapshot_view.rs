//! The view of one analysed heap snapshot: headline numbers and Statistics, the Summary (classes by
//! retained size), the largest objects, and for a chosen object its retainers, its path from a GC root,
//! its references and its dominators. Rows beyond the first page are asked for only when wanted.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use super::dom::{append, el, set_attr};
use super::port::Port;
use super::table::{more_button, number, on, text, Cell, Table};
use crate::protocol::{Handle, Query};
use crate::snapshot::distance::distance_label;
use crate::snapshot::queries::{ClassRow, EdgeRow, NodeRow, Page};
use crate::units::{format_bytes, format_count};
use crate::workspace::{Answer, SnapshotInfo};

/// Rows asked for per page of a detail table.
const PAGE_ROWS: u32 = 25;
/// Rows asked for per page of the Summary.
const CLASS_PAGE_ROWS: u32 = 100;

/// Everything a view needs to ask the worker about this snapshot.
#[derive(Clone)]
struct Context {
    port: Rc<Port>,
    handle: Handle,
    /// The right-hand panel, showing the chosen class's objects or the chosen object.
    detail: HtmlElement,
}

/// Shows the snapshot in `body`; returns a function that opens the object with a given V8 id in the detail
/// panel (for links from other views).
pub fn show(body: &HtmlElement, handle: Handle, info: &SnapshotInfo, port: Rc<Port>) -> Rc<dyn Fn(u32)> {
    let summary = &info.summary;
    let facts = append(body, el("dl", "facts", ""));
    fact(&facts, "Nodes", &format_count(summary.node_count as u64), "node-count");
    fact(&facts, "Edges", &format_count(summary.edge_count as u64), "edge-count");
    fact(&facts, "Total size", &format_bytes(summary.total_size as f64), "total-size");
    let s = &summary.statistics;
    let v8 = &s.v8heap;
    let split = format!(
        "code {}, strings {}, JS arrays {}, system {}",
        format_bytes(v8.code as f64),
        format_bytes(v8.strings as f64),
        format_bytes(v8.js_arrays as f64),
        format_bytes(v8.system as f64)
    );
    fact(&facts, "V8 heap", &format!("{} ({split})", format_bytes(v8.total as f64)), "v8-heap");
    let native = format!(
        "{} (typed arrays {})",
        format_bytes(s.native.total as f64),
        format_bytes(s.native.typed_arrays as f64)
    );
    fact(&facts, "Native", &native, "native");
    if let Some(bytes) = info.analyser_memory_bytes {
        let memory =
            format!("{} (the file: {})", format_bytes(bytes as f64), format_bytes(info.file_bytes as f64));
        fact(&facts, "Worker memory", &memory, "worker-memory");
    }
    fact(&facts, "Node fields", &info.meta.node_fields.join(", "), "node-fields");
    fact(&facts, "Edge fields", &info.meta.edge_fields.join(", "), "edge-fields");

    let columns = append(body, el("div", "snapshot-columns", ""));
    let left = append(&columns, el("div", "snapshot-classes", ""));
    let detail = append(&columns, el("div", "snapshot-detail", ""));
    let context = Context { port, handle, detail };

    append(&left, el("h3", "", "Summary: classes by retained size"));
    let filter = append(&left, el("input", "class-filter", "")).unchecked_into::<HtmlInputElement>();
    filter.set_type("search");
    filter.set_placeholder("Class filter");
    set_attr(&filter, "aria-label", "Show only classes whose name contains");
    let go_to = append(&left, el("input", "go-to-id", "")).unchecked_into::<HtmlInputElement>();
    go_to.set_type("search");
    go_to.set_placeholder("Go to object @id");
    set_attr(&go_to, "aria-label", "Show the object with this V8 id");
    let (context_for_id, id_input) = (context.clone(), go_to.clone());
    on(&go_to, "change", Box::new(move || go_to_object(&context_for_id, &id_input.value())));
    let list = append(&left, el("div", "class-list", ""));
    // The first page came with the snapshot's first view.
    let first = Page { offset: 0, total: info.class_count, rows: summary.classes.clone() };
    class_table(&list, String::new()).show(&context, Answer::Classes(first));
    let (context_for_filter, filter_input) = (context.clone(), filter.clone());
    on(
        &filter,
        "input",
        Box::new(move || {
            clear(&list);
            class_table(&list, filter_input.value()).load(&context_for_filter, 0);
        }),
    );

    append(&context.detail, el("h3", "", "Largest objects"));
    let objects = Table::new(&context.detail, "objects", &NODE_HEADERS);
    for row in &summary.top_objects {
        add_node_row(&context, &objects, row);
    }
    Rc::new(move |id| go_to_object(&context, &id.to_string()))
}

/// A fresh Summary table in `list` for the classes matching `filter`. Each gets a section of its own, so the
/// answer to an earlier filter, arriving late, fills a section no longer on the page.
fn class_table(list: &HtmlElement, filter: String) -> PagedTable {
    let section = append(list, el("div", "", ""));
    let query =
        Rc::new(move |offset| Query::Classes { offset, limit: CLASS_PAGE_ROWS, filter: filter.clone() });
    PagedTable::new(&section, "classes", &["Class", "Count#", "Shallow#", "Retained#", "Distance#"], query)
}

/// A page query: the query for the rows from `offset` on.
type PageQuery = Rc<dyn Fn(u32) -> Query>;

/// A table filled page by page: where it sits, the table, and how to ask for more.
#[derive(Clone)]
struct PagedTable {
    section: HtmlElement,
    table: Rc<Table>,
    query: PageQuery,
}

impl PagedTable {
    fn new(section: &HtmlElement, class: &str, headers: &[&str], query: PageQuery) -> Self {
        Self { section: section.clone(), table: Rc::new(Table::new(section, class, headers)), query }
    }

    /// Asks for the rows from `offset` on.
    fn load(&self, context: &Context, offset: u32) {
        let (context_inner, paged) = (context.clone(), self.clone());
        context
            .port
            .query(context.handle, (self.query)(offset), move |answer| paged.show(&context_inner, answer));
    }

    /// Appends a page of any kind of row, then offers the next page.
    fn show(&self, context: &Context, answer: Answer) {
        let total = match answer {
            Answer::Classes(page) => {
                page.rows.iter().for_each(|row| add_class_row(context, &self.table, row));
                page.total
            }
            Answer::Nodes(page) => {
                page.rows.iter().for_each(|row| add_node_row(context, &self.table, row));
                page.total
            }
            Answer::Edges(page) => {
                page.rows.iter().for_each(|row| add_edge_row(context, &self.table, row));
                page.total
            }
            // Answers about several snapshots go to the series views, never to a snapshot's table.
            Answer::Comparison(_) | Answer::Leaks(_) => 0,
        };
        if total == 0 {
            append(&self.section, el("p", "muted", "none"));
        }
        let (context, paged) = (context.clone(), self.clone());
        more_button(
            &self.section,
            self.table.len(),
            total,
            Rc::new(move |offset| paged.load(&context, offset)),
        );
    }
}

fn add_class_row(context: &Context, table: &Table, row: &ClassRow) {
    let cells = vec![
        text(row.name.clone()),
        number(format_count(row.count)),
        number(format_bytes(row.shallow_size as f64)),
        number(format_bytes(row.retained_size as f64)),
        number(distance_label(row.distance)),
    ];
    let (context, class) = (context.clone(), row.clone());
    table.row(cells, Some(Box::new(move || show_class(&context, &class))));
}

pub const NODE_HEADERS: [&str; 5] = ["Object", "Shallow#", "Retained#", "Distance#", "Class"];

pub fn node_cells(row: &NodeRow) -> Vec<Cell> {
    vec![
        text(format!("{} @{}", shorten(&row.name), row.id)),
        number(format_bytes(row.self_size as f64)),
        number(format_bytes(row.retained_size as f64)),
        number(distance_label(row.distance)),
        text(row.class_name.clone()),
    ]
}

fn add_node_row(context: &Context, table: &Table, row: &NodeRow) {
    let context = context.clone();
    let node = row.clone();
    table.row(node_cells(row), Some(Box::new(move || show_object(&context, &node))));
}

/// Replaces the detail panel with the objects of one class.
fn show_class(context: &Context, class: &ClassRow) {
    clear(&context.detail);
    append(&context.detail, el("h3", "", &format!("{} ({} objects)", class.name, format_count(class.count))));
    let section = append(&context.detail, el("div", "instances", ""));
    let class = class.class;
    let query = Rc::new(move |offset| Query::Instances { class, offset, limit: PAGE_ROWS });
    PagedTable::new(&section, "nodes", &NODE_HEADERS, query).load(context, 0);
}

/// Shows the object whose V8 id is typed (`@123` or `123`), or says there is none.
fn go_to_object(context: &Context, typed: &str) {
    let typed = typed.trim();
    if typed.is_empty() {
        return;
    }
    let Ok(id) = typed.trim_start_matches('@').parse::<u32>() else {
        clear(&context.detail);
        append(
            &context.detail,
            el("p", "muted", &format!("\u{201c}{typed}\u{201d} is not an object id (@123)")),
        );
        return;
    };
    let context_for_answer = context.clone();
    context.port.query(context.handle, Query::NodeById { id }, move |answer| match answer {
        Answer::Nodes(page) if !page.rows.is_empty() => show_object(&context_for_answer, &page.rows[0]),
        _ => {
            clear(&context_for_answer.detail);
            append(
                &context_for_answer.detail,
                el("p", "muted", &format!("No object has id @{id} in this snapshot")),
            );
        }
    });
}

/// Replaces the detail panel with one object: its numbers, path from a GC root, retainers, references
/// and dominators.
fn show_object(context: &Context, node: &NodeRow) {
    clear(&context.detail);
    let title =
        append(&context.detail, el("h3", "object-title", &format!("{} @{}", shorten(&node.name), node.id)));
    set_attr(&title, "data-node", &node.node.0.to_string());
    let facts = append(&context.detail, el("dl", "facts", ""));
    fact(&facts, "Class", &node.class_name, "object-class");
    fact(&facts, "Type", &node.node_type, "object-type");
    fact(&facts, "Shallow size", &format_bytes(node.self_size as f64), "object-shallow");
    fact(&facts, "Retained size", &format_bytes(node.retained_size as f64), "object-retained");
    fact(&facts, "Distance", &distance_label(node.distance), "object-distance");

    let n = node.node;
    edge_section(context, "Path from a GC root", "path", move |offset| Query::PathToRoot {
        node: n,
        offset,
        limit: 100,
    });
    edge_section(context, "Retainers", "retainers", move |offset| Query::Retainers {
        node: n,
        offset,
        limit: PAGE_ROWS,
    });
    edge_section(context, "References", "references", move |offset| Query::Edges {
        node: n,
        offset,
        limit: PAGE_ROWS,
    });
    append(&context.detail, el("h3", "", "Dominators (who alone keeps it alive), nearest first"));
    let section = append(&context.detail, el("div", "dominators", ""));
    let query = Rc::new(move |offset| Query::DominatorChain { node: n, offset, limit: PAGE_ROWS });
    PagedTable::new(&section, "nodes", &NODE_HEADERS, query).load(context, 0);
}

/// A titled table of edges, filled page by page.
fn edge_section(context: &Context, title: &str, class: &str, query: impl Fn(u32) -> Query + 'static) {
    append(&context.detail, el("h3", "", title));
    let section = append(&context.detail, el("div", class, ""));
    let headers = ["Edge", "Object", "Shallow#", "Retained#", "Distance#", "Class"];
    PagedTable::new(&section, "edges", &headers, Rc::new(query)).load(context, 0);
}

fn add_edge_row(context: &Context, table: &Table, row: &EdgeRow) {
    let mut cells = vec![text(format!("{} ({})", row.edge_name, row.edge_type))];
    cells.extend(node_cells(&row.node));
    let context = context.clone();
    let node = row.node.clone();
    table.row(cells, Some(Box::new(move || show_object(&context, &node))));
}

fn clear(element: &HtmlElement) {
    element.set_inner_html("");
}

/// Long names (strings' contents) are cut for the table; the full text is in the object's view.
fn shorten(name: &str) -> String {
    const MAX_CHARS: usize = 80;
    if name.chars().count() <= MAX_CHARS {
        name.to_string()
    } else {
        let cut: String = name.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}

/// Appends a `<dt>label</dt><dd data-field=..>value</dd>` pair.
pub fn fact(list: &HtmlElement, label: &str, value: &str, field: &str) {
    append(list, el("dt", "", label));
    let dd = append(list, el("dd", "", value));
    set_attr(&dd, "data-field", field);
}
