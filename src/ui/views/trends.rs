//! Trends: every loaded metrics file (and combined timeline) with its verdict, the sentence of evidence,
//! the charts with the floor points and the numbers per series; a button merges the files into one timeline.
//! The route's `file` scrolls to that file.

use std::rc::Rc;

use web_sys::HtmlElement;

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::metrics_view;
use super::super::router::Route;
use super::{frame, Alive, Context};

pub fn show(context: &Rc<Context>, route: &Route, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-trends", "Memory metrics");
    let metrics = context.files.metrics();
    let listeners = Listeners::default();
    if metrics.is_empty() {
        append(&section, el("p", "muted", "No metrics file is loaded: drop a process.memoryUsage() log, a Prometheus scrape or a --trace-gc log."));
        return Box::new(listeners);
    }
    let singles = metrics.iter().filter(|m| !m.combination).count();
    if singles >= 2 {
        let button = append(
            &section,
            el("button", "combine", &format!("Combine the {singles} metrics files into one timeline")),
        );
        set_attr(&button, "type", "button");
        set_attr(&button, "data-testid", "combine");
        let combine = Rc::clone(&context.combine);
        listeners.on(&button, "click", move |_| combine());
    }
    let wanted = route.get("file");
    for metrics in &metrics {
        let card = append(&section, el("article", "metrics-file", ""));
        set_attr(&card, "data-handle", &metrics.handle.to_string());
        append(&card, el("h3", "file-name", &metrics.name));
        metrics_view::show(&card, &metrics.info);
        if wanted == Some(metrics.name.as_str()) {
            card.scroll_into_view();
        }
    }
    Box::new(listeners)
}
