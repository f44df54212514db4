//! The page's views, one per route: a snapshot's Overview, Summary, Object, Dominators and Search; the
//! Trends of the metrics files; the Comparison and Leaks across snapshots.
//!
//! [`show`] builds the view a route names into `#view` and returns what keeps it alive (its trees and
//! listeners); the page drops that when it shows the next view, which removes the view's listeners and
//! frees its rows. Answers to a view's questions hold only weak references to it. A view whose file is not
//! loaded (a link opened before its files, or a reload) says which file to open, and appears once it is.

mod comparison;
mod dominators;
mod leaks;
mod object;
mod overview;
mod rows;
mod search;
mod summary;
mod trends;

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlElement;

use super::dom::{append, el, set_attr};
use super::files::Files;
use super::port::Port;
use super::router::Route;
use crate::protocol::{Handle, SnapshotInfo};
pub use leaks::series;

/// What every view may use: the worker, the loaded files, the order of the snapshot series.
pub struct Context {
    pub port: Rc<Port>,
    pub files: Rc<Files>,
    /// Snapshot handles oldest first, when the user moved one from where its ids put it.
    pub series_order: RefCell<Option<Vec<Handle>>>,
    /// Merges the loaded metrics files into one timeline.
    pub combine: Rc<dyn Fn()>,
}

impl Context {
    /// Builds the current view again (after a change it shows, such as the series' order).
    pub fn rerender(&self) {
        let event = web_sys::Event::new("hashchange");
        if let (Some(window), Ok(event)) = (web_sys::window(), event) {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// Keeps a view alive while it is shown.
pub type Alive = Box<dyn Any>;

/// One snapshot a view is about.
pub struct Snapshot {
    pub handle: Handle,
    pub name: String,
    pub info: Rc<SnapshotInfo>,
}

/// The views that are about one snapshot, in the order of the view bar.
const SNAPSHOT_VIEWS: [(&str, &str); 4] =
    [("overview", "Overview"), ("summary", "Summary"), ("dominators", "Dominators"), ("search", "Search")];

/// Shows `route` in `container` (emptied first).
pub fn show(context: &Rc<Context>, route: &Route, container: &HtmlElement) -> Option<Alive> {
    container.set_inner_html("");
    let snapshot = route.get("file").and_then(|name| context.files.snapshot(Some(name))).or_else(|| {
        let is_snapshot_view = route.get("file").is_none() && route.view != "trends";
        is_snapshot_view.then(|| context.files.snapshot(None)).flatten()
    });
    let snapshot = snapshot.map(|(handle, name, info)| Snapshot { handle, name, info });
    context.files.mark_current(snapshot.as_ref().map(|s| s.handle));
    view_bar(context, route, snapshot.as_ref(), container);
    let body = append(container, el("div", "view-body", ""));
    match route.view.as_str() {
        "trends" => return Some(trends::show(context, route, &body)),
        "comparison" => return comparison::show(context, route, &body),
        "leaks" => return leaks::show(context, &body),
        _ => {}
    }
    let Some(snapshot) = snapshot else {
        waiting_for(context, route, &body);
        return None;
    };
    Some(match route.view.as_str() {
        "summary" => summary::show(context, &snapshot, route, &body),
        "object" => object::show(context, &snapshot, route, &body),
        "dominators" => dominators::show(context, &snapshot, route, &body),
        "search" => search::show(context, &snapshot, route, &body),
        _ => overview::show(context, &snapshot, &body),
    })
}

/// The bar of views: a snapshot's views, then those across files.
fn view_bar(context: &Context, route: &Route, snapshot: Option<&Snapshot>, container: &HtmlElement) {
    let nav = append(container, el("nav", "view-bar", ""));
    set_attr(&nav, "aria-label", "Views");
    let link = |view: &str, label: &str, target: Route| {
        let a = append(&nav, el("a", "view-link", label));
        set_attr(&a, "href", &target.to_hash());
        if route.view == view || (route.view.is_empty() && view == "overview") {
            set_attr(&a, "aria-current", "page");
        }
    };
    if let Some(snapshot) = snapshot {
        for (view, label) in SNAPSHOT_VIEWS {
            link(view, label, Route::new(view).with("file", &snapshot.name));
        }
        if route.view == "object" {
            link("object", "Object", route.clone());
        }
    }
    if !context.files.metrics().is_empty() {
        link("trends", "Trends", Route::new("trends"));
    }
    if context.files.snapshots().len() >= 2 {
        link("comparison", "Comparison", Route::new("comparison"));
        link("leaks", "Leaks", Route::new("leaks"));
    }
}

/// Says which file a route needs before its view can show.
fn waiting_for(context: &Context, route: &Route, body: &HtmlElement) {
    let text = match route.get("file") {
        Some(name) if context.files.is_loading(name) => format!("Loading {name}…"),
        Some(name) => format!("This view is of {name}: open that file (drop it here) to see it."),
        None if context.files.is_empty() => String::new(),
        None => "Open a heap snapshot to see this view.".to_owned(),
    };
    if !text.is_empty() {
        let p = append(body, el("p", "waiting", &text));
        set_attr(&p, "data-testid", "waiting");
    }
}

/// A view's container with its `data-testid` and a title.
fn frame(body: &HtmlElement, testid: &str, title: &str) -> HtmlElement {
    let section = append(body, el("section", "view", ""));
    set_attr(&section, "data-testid", testid);
    append(&section, el("h2", "view-title", title));
    section
}

/// Appends a `<dt>label</dt><dd data-field=..>value</dd>` pair.
pub fn fact(list: &HtmlElement, label: &str, value: &str, field: &str) -> HtmlElement {
    append(list, el("dt", "", label));
    let dd = append(list, el("dd", "", value));
    set_attr(&dd, "data-field", field);
    dd
}

/// Goes to the Object view of the object with V8 id `id` in snapshot `file`.
pub fn open_object(file: &str, id: u32) {
    Route::new("object").with("file", file).with("id", &id.to_string()).go();
}
