//! Leaks: the suspects across the loaded snapshots, ranked, each with its kind, its growth per snapshot as a
//! small chart, its owner path as steps that open each object in the last snapshot's Object view, and the
//! evidence; then the three-snapshot technique's clusters. Also the order of the series (by V8 ids, which
//! only grow; the user can move a snapshot earlier) and the suspects at a glance for the Overview.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::router::Route;
use super::super::table::{number, text, Table};
use super::{frame, open_object, Alive, Context};
use crate::leaks::suspects::{growth_text, Suspect};
use crate::leaks::LeakReport;
use crate::protocol::{Answer, Handle, Query};
use crate::units::{format_bytes, format_count};

/// The loaded snapshots oldest first: by their largest object id, unless the user reordered them.
pub fn series(context: &Context) -> Vec<(Handle, String)> {
    let mut snapshots = context.files.snapshots();
    snapshots.sort_by_key(|(_, _, info)| info.max_js_object_id);
    let mut ordered: Vec<(Handle, String)> = snapshots.into_iter().map(|(h, name, _)| (h, name)).collect();
    if let Some(order) = context.series_order.borrow().as_ref() {
        if order.len() == ordered.len() && ordered.iter().all(|(h, _)| order.contains(h)) {
            ordered.sort_by_key(|(h, _)| order.iter().position(|o| o == h));
        }
    }
    ordered
}

pub fn show(context: &Rc<Context>, body: &HtmlElement) -> Option<Alive> {
    let section = frame(body, "view-leaks", "Leak suspects");
    let members = series(context);
    if members.len() < 2 {
        append(
            &section,
            el("p", "muted", "Load two or more snapshots of one process, taken some time apart."),
        );
        return None;
    }
    let listeners = Listeners::default();
    series_order(context, &section, &members, &listeners);
    let (earlier, (last, last_name)) = {
        let (last, earlier) = members.split_last().expect("two or more");
        (earlier.iter().map(|(h, _)| *h).collect::<Vec<_>>(), last.clone())
    };
    let status = append(&section, el("p", "muted", "Looking for what grows…"));
    let report_box = append(&section, el("div", "leak-report", ""));
    let holder = Rc::new(());
    let alive = Rc::downgrade(&holder);
    context.port.query(last, Query::Leaks { earlier }, move |reply| {
        if alive.upgrade().is_none() {
            return;
        }
        status.remove();
        match reply {
            Ok(Answer::Leaks(report)) => show_report(&report_box, &report),
            Ok(_) => {}
            Err(message) => {
                let p = append(&report_box, el("p", "error", &message));
                set_attr(&p, "data-testid", "error");
            }
        }
    });
    // Trace steps open the object in the last snapshot.
    listeners.on(&section, "click", move |event| {
        if let Some(id) = clicked_id(&event, "button.step") {
            open_object(&last_name, id);
        }
    });
    Some(Box::new((holder, listeners)))
}

/// The order used, oldest first, each after the first with a button to move it one place earlier.
fn series_order(
    context: &Rc<Context>,
    section: &HtmlElement,
    members: &[(Handle, String)],
    listeners: &Listeners,
) {
    let order = append(section, el("ol", "series-order", ""));
    for (i, (handle, name)) in members.iter().enumerate() {
        let item = append(&order, el("li", "", name));
        if i > 0 {
            let up = append(&item, el("button", "small move-earlier", "move earlier"));
            set_attr(&up, "data-handle", &handle.to_string());
        }
    }
    let (context, handles) = (Rc::clone(context), members.iter().map(|(h, _)| *h).collect::<Vec<_>>());
    listeners.on(&order, "click", move |event| {
        let Some(handle) = clicked_id(&event, "button.move-earlier") else { return };
        let mut handles = handles.clone();
        if let Some(at) = handles.iter().position(|h| *h == handle).filter(|at| *at > 0) {
            handles.swap(at - 1, at);
            *context.series_order.borrow_mut() = Some(handles);
            context.rerender();
        }
    });
}

/// The number in `data-id` / `data-handle` of the element matching `selector` that was clicked.
fn clicked_id(event: &web_sys::Event, selector: &str) -> Option<u32> {
    let target = event.target()?.dyn_into::<Element>().ok()?;
    let button = target.closest(selector).ok()??;
    let value = button.get_attribute("data-id").or_else(|| button.get_attribute("data-handle"))?;
    value.parse().ok()
}

fn show_report(view: &HtmlElement, report: &LeakReport) {
    if report.suspects.is_empty() {
        append(
            view,
            el("p", "no-suspect", "No leak suspect: nothing grows steadily across these snapshots."),
        );
    }
    for (rank, suspect) in report.suspects.iter().enumerate() {
        show_suspect(view, rank + 1, suspect);
    }
    if let Some(survivors) = &report.survivors {
        let title = format!(
            "Three-snapshot technique: {} objects new in the 2nd snapshot are still alive in the last",
            format_count(survivors.total_count)
        );
        append(view, el("h3", "", &title));
        let table = Table::new(view, "clusters", &["Roots#", "Class", "Objects#", "Retained#", "Held by"]);
        for cluster in survivors.clusters.iter().take(10) {
            table.row(vec![
                number(format_count(cluster.roots)),
                text(cluster.class_name.clone()),
                number(format_count(cluster.count)),
                number(format_bytes(cluster.retained_size as f64)),
                text(cluster.path.clone()),
            ]);
        }
    }
}

fn show_suspect(view: &HtmlElement, rank: usize, suspect: &Suspect) {
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
    for step in &suspect.trace {
        let label = if step.edge.is_empty() { step.class_name.clone() } else { step.edge.clone() };
        let li = append(&steps, el("li", "", ""));
        let button =
            append(&li, el("button", "step", &format!("{label} ({}) @{}", step.class_name, step.id)));
        set_attr(&button, "data-id", &step.id.to_string());
    }
    let (entries, retained) = growth_text(&suspect.growth);
    let facts = format!("entries {entries} · retained {retained} · {}", suspect.evidence.reason);
    append(&item, el("p", "evidence", &facts));
}

/// The top suspects in a line each, for the Overview, when two or more snapshots are loaded.
pub fn at_a_glance(context: &Rc<Context>, into: &HtmlElement) {
    let members = series(context);
    if members.len() < 2 {
        return;
    }
    append(into, el("h3", "", &format!("Leak suspects across the {} snapshots", members.len())));
    let list = append(into, el("ul", "suspects-glance-list", ""));
    append(&list, el("li", "muted", "Looking for what grows…"));
    let (last, earlier) = members.split_last().expect("two or more");
    let earlier = earlier.iter().map(|(h, _)| *h).collect();
    context.port.query(last.0, Query::Leaks { earlier }, move |reply| {
        list.set_inner_html("");
        let text = match reply {
            Ok(Answer::Leaks(report)) if report.suspects.is_empty() => vec!["No leak suspect.".to_owned()],
            Ok(Answer::Leaks(report)) => {
                report.suspects.iter().take(3).map(|s| format!("[{}] {}", s.kind, s.title)).collect()
            }
            Ok(_) => Vec::new(),
            Err(message) => vec![message],
        };
        for line in text {
            let li = append(&list, el("li", "", ""));
            let a = append(&li, el("a", "", &line));
            set_attr(&a, "href", &Route::new("leaks").to_hash());
        }
    });
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
