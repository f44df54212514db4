//! A snapshot's Overview: its totals, DevTools' Statistics as a chart, the largest classes and objects, and
//! at a glance the verdicts of the loaded metrics files and the leak suspects across the loaded snapshots,
//! each leading to its view.

use std::rc::Rc;

use web_sys::HtmlElement;

use super::super::dom::{append, el, set_attr};
use super::super::router::Route;
use super::super::tree::{Column, OnLoaded, RowView, TreeModel, TreeTable};
use super::rows::{class_row, node_row, CLASS_COLUMNS, NODE_COLUMNS};
use super::{fact, frame, leaks, open_object, Alive, Context, Snapshot};
use crate::chart::statistics_svg;
use crate::snapshot::{ClassRow, NodeRow};
use crate::units::{format_bytes, format_count};

/// Rows of each "largest" table.
const TOP_ROWS: usize = 10;

/// A table of rows the view already has (the first view's classes and objects came with the snapshot).
struct Given<T> {
    rows: Vec<T>,
    draw: fn(&T) -> RowView,
    columns: &'static [Column],
    on_open: Box<dyn Fn(&T)>,
}

impl<T: Clone + 'static> TreeModel for Given<T> {
    type Item = T;

    fn columns(&self) -> &'static [Column] {
        self.columns
    }

    fn row(&self, item: &T, _ancestors: &[&T]) -> RowView {
        let mut row = (self.draw)(item);
        row.expandable = false;
        row
    }

    fn load(&self, _parent: Option<&T>, _offset: u32, done: OnLoaded<T>) {
        done(Ok((self.rows.clone(), self.rows.len())));
    }

    fn activate(&self, item: &T) {
        (self.on_open)(item);
    }
}

pub fn show(context: &Rc<Context>, snapshot: &Snapshot, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-overview", &snapshot.name);
    let info = &snapshot.info;
    let summary = &info.summary;
    let facts = append(&section, el("dl", "facts", ""));
    fact(&facts, "Nodes", &format_count(summary.node_count as u64), "node-count");
    fact(&facts, "Edges", &format_count(summary.edge_count as u64), "edge-count");
    fact(&facts, "Total size", &format_bytes(summary.total_size as f64), "total-size")
        .set_title(&format!("{} bytes", summary.total_size));
    fact(&facts, "File", &format_bytes(info.file_bytes as f64), "file-size")
        .set_title(&format!("{} bytes", info.file_bytes));
    if let Some(bytes) = info.analyser_memory_bytes {
        fact(&facts, "Worker memory", &format_bytes(bytes as f64), "worker-memory");
    }
    fact(&facts, "Node fields", &info.meta.node_fields.join(", "), "node-fields");

    append(&section, el("h3", "", "Statistics"));
    let chart = append(&section, el("div", "chart statistics-chart", ""));
    chart.set_inner_html(&statistics_svg(&summary.statistics, 560));

    let glance = append(&section, el("div", "glance", ""));
    verdicts_at_a_glance(context, &glance);
    let suspects = append(&glance, el("div", "suspects-glance", ""));
    leaks::at_a_glance(context, &suspects);

    let columns = append(&section, el("div", "overview-columns", ""));
    let left = append(&columns, el("div", "", ""));
    let right = append(&columns, el("div", "", ""));
    let summary_link = append(&left, el("h3", "", ""));
    let a = append(&summary_link, el("a", "", "Largest classes →"));
    set_attr(&a, "href", &Route::new("summary").with("file", &snapshot.name).to_hash());
    let file = snapshot.name.clone();
    let classes = Given::<ClassRow> {
        rows: summary.classes.iter().take(TOP_ROWS).cloned().collect(),
        draw: class_row,
        columns: CLASS_COLUMNS,
        on_open: Box::new(move |class| {
            Route::new("summary").with("file", &file).with("open", &class.key).go();
        }),
    };
    let classes = TreeTable::new(&left, "top-classes", classes, None, Vec::new());
    append(&right, el("h3", "", "Largest objects"));
    let file = snapshot.name.clone();
    let objects = Given::<NodeRow> {
        rows: summary.top_objects.iter().take(TOP_ROWS).cloned().collect(),
        draw: |row| node_row(row, false),
        columns: NODE_COLUMNS,
        on_open: Box::new(move |row| open_object(&file, row.id)),
    };
    let objects = TreeTable::new(&right, "top-objects", objects, None, Vec::new());
    Box::new((classes, objects))
}

/// One line per loaded metrics file: its verdict and the sentence of evidence, linking to Trends.
fn verdicts_at_a_glance(context: &Context, into: &HtmlElement) {
    let metrics = context.files.metrics();
    if metrics.is_empty() {
        return;
    }
    append(into, el("h3", "", "Memory metrics"));
    let list = append(into, el("ul", "verdicts", ""));
    for metrics in metrics {
        let info = &metrics.info;
        let li = append(&list, el("li", "", ""));
        let a = append(
            &li,
            el(
                "a",
                &format!("verdict-tag {}", info.report.verdict.as_str().replace(' ', "-")),
                info.report.verdict.as_str(),
            ),
        );
        set_attr(&a, "href", &Route::new("trends").with("file", &metrics.name).to_hash());
        append(&li, el("span", "", &format!(" {}: {}", metrics.name, info.report.reason)));
    }
}
