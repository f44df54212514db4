//! The views over several snapshots of one process, shown once two are loaded:
//!
//! - **Comparison**: DevTools' Comparison of one snapshot against a base (both chosen; by default the last
//!   against the one before): the class table, sortable by any column and paged; a class opens into its new
//!   and its deleted objects, and an object opens in its snapshot's object view.
//! - **Leaks**: the suspects ranked, each with its kind, its owner path as steps that open the object in the
//!   last snapshot's object view, and its growth across the snapshots as a small chart; then the
//!   three-snapshot technique's clusters.
//!
//! The snapshots are put in the order they were taken, which their objects' ids tell (V8 ids only grow);
//! the user can move a snapshot earlier.

use std::cell::{Cell as StdCell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::dom::{append, by_id, el, set_attr};
use super::file_card::FileCard;
use super::port::Port;
use super::snapshot_view::{node_cells, NODE_HEADERS};
use super::table::{more_button, on, Table};
use crate::leaks::suspects::{growth_text, Suspect};
use crate::leaks::LeakReport;
use crate::protocol::{Handle, Query};
use crate::snapshot::compare::ClassDiffRow;
use crate::units::{format_bytes, format_count, format_signed_bytes, format_signed_count};
use crate::workspace::Answer;

/// Comparison rows shown at first and per "Show more".
const CLASS_ROWS: usize = 100;
/// Objects per page when a class is opened.
const OBJECT_ROWS: u32 = 20;

/// One loaded snapshot of the series.
struct Member {
    handle: Handle,
    name: String,
    max_id: u32,
    card: Rc<FileCard>,
}

/// The Comparison table's columns: header, `data-col`, and the row's value.
type Column = (&'static str, &'static str, fn(&ClassDiffRow) -> i64);

const COLUMNS: [Column; 7] = [
    ("Class", "name", |_| 0),
    ("# New", "new_count", |r| r.new_count as i64),
    ("# Deleted", "deleted_count", |r| r.deleted_count as i64),
    ("# Delta", "delta_count", |r| r.delta_count),
    ("Alloc. size", "alloc_size", |r| r.alloc_size as i64),
    ("Freed size", "freed_size", |r| r.freed_size as i64),
    ("Size delta", "size_delta", |r| r.size_delta),
];

/// The series and its two views.
pub struct Series {
    port: Rc<Port>,
    members: RefCell<Vec<Member>>,
    /// The Comparison's base and compared snapshot (handles), once chosen.
    pair: StdCell<Option<(Handle, Handle)>>,
    /// The Comparison's rows and sort (column index, descending).
    rows: RefCell<Vec<ClassDiffRow>>,
    sort: StdCell<(usize, bool)>,
    /// Answers to older requests are dropped: each render bumps this.
    generation: StdCell<u32>,
}

impl Series {
    pub fn new(port: Rc<Port>) -> Rc<Self> {
        Rc::new(Series {
            port,
            members: RefCell::default(),
            pair: StdCell::new(None),
            rows: RefCell::default(),
            sort: StdCell::new((6, true)),
            generation: StdCell::new(0),
        })
    }

    /// A snapshot finished loading: it joins the series in the order of its ids.
    pub fn add(self: &Rc<Self>, handle: Handle, name: &str, max_id: u32, card: Rc<FileCard>) {
        {
            let mut members = self.members.borrow_mut();
            let at = members.partition_point(|m| m.max_id <= max_id);
            members.insert(at, Member { handle, name: name.to_owned(), max_id, card });
        }
        self.pair.set(None);
        self.render();
    }

    fn render(self: &Rc<Self>) {
        self.generation.set(self.generation.get().wrapping_add(1));
        let root = by_id("series");
        root.set_inner_html("");
        let n = self.members.borrow().len();
        root.set_hidden(n < 2);
        if n < 2 {
            return;
        }
        append(&root, el("h2", "", &format!("Across the {n} snapshots")));
        self.render_order(&root);
        let tabs = append(&root, el("nav", "tabs", ""));
        let comparison = append(&root, el("section", "series-view", ""));
        set_attr(&comparison, "data-testid", "view-comparison");
        let leaks = append(&root, el("section", "series-view", ""));
        set_attr(&leaks, "data-testid", "view-leaks");
        for (label, view, other) in [("Leaks", &leaks, &comparison), ("Comparison", &comparison, &leaks)] {
            let button = append(&tabs, el("button", "tab", label));
            let (view, other) = (view.clone(), other.clone());
            on(
                &button,
                "click",
                Box::new(move || {
                    view.set_hidden(false);
                    other.set_hidden(true);
                }),
            );
        }
        comparison.set_hidden(true);
        self.render_leaks(&leaks);
        self.render_comparison(&comparison);
    }

    /// The order used, oldest first, with a button to move each snapshot one place earlier.
    fn render_order(self: &Rc<Self>, root: &HtmlElement) {
        let order = append(root, el("ol", "series-order", ""));
        for (i, member) in self.members.borrow().iter().enumerate() {
            let item = append(&order, el("li", "", &member.name));
            if i > 0 {
                let up = append(&item, el("button", "small", "move earlier"));
                let series = Rc::clone(self);
                on(
                    &up,
                    "click",
                    Box::new(move || {
                        series.members.borrow_mut().swap(i - 1, i);
                        series.pair.set(None);
                        series.render();
                    }),
                );
            }
        }
    }

    fn is_current(&self, generation: u32) -> bool {
        self.generation.get() == generation
    }

    fn card_of(&self, handle: Handle) -> Option<Rc<FileCard>> {
        self.members.borrow().iter().find(|m| m.handle == handle).map(|m| Rc::clone(&m.card))
    }

    // ---- Leaks

    fn render_leaks(self: &Rc<Self>, view: &HtmlElement) {
        let (earlier, last) = {
            let members = self.members.borrow();
            let handles: Vec<Handle> = members.iter().map(|m| m.handle).collect();
            (handles[..handles.len() - 1].to_vec(), handles[handles.len() - 1])
        };
        let status = append(view, el("p", "muted", "Looking for what grows…"));
        let (series, view, generation) = (Rc::clone(self), view.clone(), self.generation.get());
        self.port.query(last, Query::Leaks { earlier }, move |answer| {
            if !series.is_current(generation) {
                return;
            }
            status.remove();
            if let Answer::Leaks(report) = answer {
                series.show_report(&view, last, &report);
            }
        });
    }

    fn show_report(&self, view: &HtmlElement, last: Handle, report: &LeakReport) {
        if report.suspects.is_empty() {
            append(
                view,
                el("p", "no-suspect", "No leak suspect: nothing grows steadily across these snapshots."),
            );
        }
        for (rank, suspect) in report.suspects.iter().enumerate() {
            self.show_suspect(view, last, rank + 1, suspect);
        }
        if let Some(survivors) = &report.survivors {
            let title = format!(
                "Three-snapshot technique: {} objects new in the 2nd snapshot are still alive in the last",
                format_count(survivors.total_count)
            );
            append(view, el("h3", "", &title));
            let table =
                Table::new(view, "clusters", &["Roots#", "Class", "Objects#", "Retained#", "Held by"]);
            for cluster in survivors.clusters.iter().take(10) {
                let cells = vec![
                    super::table::number(format_count(cluster.roots)),
                    super::table::text(cluster.class_name.clone()),
                    super::table::number(format_count(cluster.count)),
                    super::table::number(format_bytes(cluster.retained_size as f64)),
                    super::table::text(cluster.path.clone()),
                ];
                table.row(cells, None);
            }
        }
    }

    fn show_suspect(&self, view: &HtmlElement, last: Handle, rank: usize, suspect: &Suspect) {
        let item = append(view, el("article", "suspect", ""));
        set_attr(&item, "data-testid", "suspect");
        set_attr(&item, "data-kind", &suspect.kind);
        let head = append(&item, el("header", "", ""));
        append(&head, el("span", "rank", &format!("#{rank}")));
        append(&head, el("span", &format!("kind kind-{}", suspect.kind), &suspect.kind));
        append(&head, el("span", "suspect-title", &suspect.title));
        let chart = append(&item, el("div", "growth", ""));
        chart.set_inner_html(&growth_svg(suspect));
        let path = append(&item, el("p", "owner-path", ""));
        append(&path, el("span", "muted", "held by "));
        append(&path, el("span", "owner-path-text", &suspect.owner_path));
        let steps = append(&item, el("ol", "trace", ""));
        let card = self.card_of(last);
        for step in &suspect.trace {
            let label = if step.edge.is_empty() { step.class_name.clone() } else { step.edge.clone() };
            let li = append(&steps, el("li", "", ""));
            let button =
                append(&li, el("button", "step", &format!("{label} ({}) @{}", step.class_name, step.id)));
            set_attr(&button, "data-id", &step.id.to_string());
            if let Some(card) = card.clone() {
                let id = step.id;
                on(&button, "click", Box::new(move || card.show_object(id)));
            }
        }
        let (entries, retained) = growth_text(&suspect.growth);
        let facts = format!("entries {entries} · retained {retained} · {}", suspect.evidence.reason);
        append(&item, el("p", "evidence", &facts));
    }

    // ---- Comparison

    fn render_comparison(self: &Rc<Self>, view: &HtmlElement) {
        let pair = self.pair.get().unwrap_or_else(|| {
            let members = self.members.borrow();
            let n = members.len();
            (members[n - 2].handle, members[n - 1].handle)
        });
        self.pair.set(Some(pair));
        let controls = append(view, el("p", "compare-controls", ""));
        let base = self.select(&controls, "Base", "compare-base", pair.0);
        let current = self.select(&controls, "compared", "compare-current", pair.1);
        for select in [&base, &current] {
            let (series, base, current) = (Rc::clone(self), base.clone(), current.clone());
            let on_change = move || {
                let (Ok(b), Ok(c)) = (base.value().parse(), current.value().parse()) else { return };
                series.pair.set(Some((b, c)));
                series.render();
                if let Some(tab) =
                    by_id("series").query_selector("[data-testid=view-comparison]").ok().flatten()
                {
                    if let Ok(tab) = tab.dyn_into::<HtmlElement>() {
                        tab.set_hidden(false);
                    }
                }
                if let Some(other) = by_id("series").query_selector("[data-testid=view-leaks]").ok().flatten()
                {
                    if let Ok(other) = other.dyn_into::<HtmlElement>() {
                        other.set_hidden(true);
                    }
                }
            };
            on(select, "change", Box::new(on_change));
        }
        let list = append(view, el("div", "comparison-table", ""));
        append(&list, el("p", "muted", "Comparing…"));
        let (series, generation) = (Rc::clone(self), self.generation.get());
        self.port.query(pair.1, Query::Compare { base: pair.0 }, move |answer| {
            if !series.is_current(generation) {
                return;
            }
            if let Answer::Comparison(rows) = answer {
                *series.rows.borrow_mut() = rows;
                series.show_rows(&list, pair);
            }
        });
    }

    fn select(&self, parent: &HtmlElement, label: &str, class: &str, chosen: Handle) -> HtmlSelectElement {
        append(parent, el("span", "", &format!("{label} ")));
        let select = append(parent, el("select", class, "")).unchecked_into::<HtmlSelectElement>();
        for member in self.members.borrow().iter() {
            let option = append(&select, el("option", "", &member.name));
            set_attr(&option, "value", &member.handle.to_string());
            if member.handle == chosen {
                set_attr(&option, "selected", "");
            }
        }
        append(parent, el("span", "", " "));
        select
    }

    /// (Re)draws the Comparison table in the current sort, the first `CLASS_ROWS` rows.
    fn show_rows(self: &Rc<Self>, list: &HtmlElement, pair: (Handle, Handle)) {
        list.set_inner_html("");
        let (column, descending) = self.sort.get();
        {
            let mut rows = self.rows.borrow_mut();
            // Stable sorts: rows that tie keep their order (the core's, by size delta).
            let value = COLUMNS[column].2;
            match (column, descending) {
                (0, false) => rows.sort_by(|a, b| a.name.cmp(&b.name)),
                (0, true) => rows.sort_by(|a, b| b.name.cmp(&a.name)),
                (_, false) => rows.sort_by_key(value),
                (_, true) => rows.sort_by_key(|r| std::cmp::Reverse(value(r))),
            }
        }
        let total = self.rows.borrow().len();
        let summary = {
            let rows = self.rows.borrow();
            let new: u64 = rows.iter().map(|r| r.new_count).sum();
            let deleted: u64 = rows.iter().map(|r| r.deleted_count).sum();
            let delta: i64 = rows.iter().map(|r| r.size_delta).sum();
            format!(
                "{} classes changed: {} new, {} deleted objects, size delta {}",
                format_count(total as u64),
                format_count(new),
                format_count(deleted),
                format_signed_bytes(delta)
            )
        };
        append(list, el("p", "comparison-totals", &summary));
        let table = append(list, el("table", "comparison", ""));
        let head = append(&table, el("thead", "", ""));
        let head_row = append(&head, el("tr", "", ""));
        for (i, (label, col, _)) in COLUMNS.iter().enumerate() {
            let arrow = if i == column {
                if descending {
                    " ▼"
                } else {
                    " ▲"
                }
            } else {
                ""
            };
            let th = append(
                &head_row,
                el("th", if i == 0 { "sortable" } else { "num sortable" }, &format!("{label}{arrow}")),
            );
            set_attr(&th, "data-col", col);
            let (series, list) = (Rc::clone(self), list.clone());
            on(
                &th,
                "click",
                Box::new(move || {
                    let (current, descending) = series.sort.get();
                    series.sort.set((i, if current == i { !descending } else { i != 0 }));
                    series.show_rows(&list, pair);
                }),
            );
        }
        let body = append(&table, el("tbody", "", ""));
        self.append_rows(&body, list, 0, pair);
    }

    fn append_rows(
        self: &Rc<Self>,
        body: &HtmlElement,
        list: &HtmlElement,
        from: usize,
        pair: (Handle, Handle),
    ) {
        let rows = self.rows.borrow();
        let end = (from + CLASS_ROWS).min(rows.len());
        for row in &rows[from..end] {
            let tr = append(body, el("tr", "clickable", ""));
            set_attr(&tr, "data-testid", "row");
            set_attr(&tr, "data-key", &row.key);
            for (i, (_, col, value)) in COLUMNS.iter().enumerate() {
                let (text, class) = if i == 0 {
                    (row.name.clone(), "")
                } else {
                    let v = value(row);
                    let shown = match i {
                        3 => format_signed_count(v),
                        6 => format_signed_bytes(v),
                        4 | 5 => format_bytes(v as f64),
                        _ => format_count(v.unsigned_abs()),
                    };
                    (shown, "num")
                };
                let td = append(&tr, el("td", class, &text));
                set_attr(&td, "data-col", col);
                let exact = if i == 0 { row.name.clone() } else { value(row).to_string() };
                set_attr(&td, "data-value", &exact);
            }
            let (series, tr_for_click, key) = (Rc::clone(self), tr.clone(), row.key.clone());
            let opened = Rc::new(StdCell::new(None::<HtmlElement>));
            on(
                &tr,
                "click",
                Box::new(move || match opened.take() {
                    Some(expansion) => expansion.remove(),
                    None => opened.set(Some(series.expand(&tr_for_click, &key, pair))),
                }),
            );
        }
        drop(rows);
        let series = Rc::clone(self);
        let (body, list) = (body.clone(), list.clone());
        let total = self.rows.borrow().len();
        more_button(
            &list.clone(),
            end as u32,
            total,
            Rc::new(move |shown| series.append_rows(&body, &list, shown as usize, pair)),
        );
    }

    /// A row under a class row with its new and its deleted objects.
    fn expand(self: &Rc<Self>, tr: &HtmlElement, key: &str, pair: (Handle, Handle)) -> HtmlElement {
        let expansion = el("tr", "expansion", "");
        let _ = tr.after_with_node_1(&expansion);
        let cell = append(&expansion, el("td", "", ""));
        set_attr(&cell, "colspan", &COLUMNS.len().to_string());
        for (title, deleted) in [("New objects", false), ("Deleted objects (as they were in the base)", true)]
        {
            append(&cell, el("h4", "", title));
            let section =
                append(&cell, el("div", if deleted { "deleted-objects" } else { "new-objects" }, ""));
            let table = Rc::new(Table::new(&section, "nodes", &NODE_HEADERS));
            self.load_objects(&section, table, key.to_owned(), deleted, 0, pair);
        }
        expansion
    }

    fn load_objects(
        self: &Rc<Self>,
        section: &HtmlElement,
        table: Rc<Table>,
        key: String,
        deleted: bool,
        offset: u32,
        pair: (Handle, Handle),
    ) {
        let (base, current) = pair;
        let owner = if deleted { base } else { current };
        let query = Query::CompareObjects { base, key: key.clone(), deleted, offset, limit: OBJECT_ROWS };
        let (series, section) = (Rc::clone(self), section.clone());
        self.port.query(current, query, move |answer| {
            let Answer::Nodes(page) = answer else { return };
            let card = series.card_of(owner);
            for row in &page.rows {
                let (card, id) = (card.clone(), row.id);
                let open: Option<Box<dyn FnMut()>> =
                    card.map(|card| Box::new(move || card.show_object(id)) as Box<dyn FnMut()>);
                table.row(node_cells(row), open);
            }
            if page.total == 0 {
                append(&section, el("p", "muted", "none"));
            }
            let (series_more, section_more, table_more) =
                (Rc::clone(&series), section.clone(), Rc::clone(&table));
            more_button(
                &section,
                table.len(),
                page.total,
                Rc::new(move |shown| {
                    series_more.load_objects(
                        &section_more,
                        Rc::clone(&table_more),
                        key.clone(),
                        deleted,
                        shown,
                        pair,
                    )
                }),
            );
        });
    }
}

/// A small line chart of the suspect's retained size per snapshot (inline SVG, no script).
fn growth_svg(suspect: &Suspect) -> String {
    const W: f64 = 160.0;
    const H: f64 = 40.0;
    const PAD: f64 = 4.0;
    // Retained sizes where known, else the entry counts (a timer leak's earlier sizes are not kept).
    let known = suspect.growth.iter().all(|g| g.retained_size.is_some());
    let values: Vec<f64> = suspect
        .growth
        .iter()
        .map(|g| if known { g.retained_size.unwrap_or(0) as f64 } else { f64::from(g.entries.unwrap_or(0)) })
        .collect();
    let max = values.iter().copied().fold(1.0, f64::max);
    let n = values.len().max(2) as f64 - 1.0;
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (PAD + (W - 2.0 * PAD) * i as f64 / n, H - PAD - (H - 2.0 * PAD) * v / max))
        .collect();
    let line: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let dots: String =
        points.iter().map(|(x, y)| format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\"/>")).collect();
    format!(
        "<svg class=\"sparkline\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" \
         aria-label=\"growth per snapshot\"><polyline points=\"{}\"/>{dots}</svg>",
        line.join(" ")
    )
}
