//! One opened file on the page: its name, a progress bar while it loads, then the view of what the worker
//! found (a snapshot's Summary, or a metrics file's verdict and charts).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement};

use super::dom::{self, append, el, set_attr};
use super::port::Port;
use super::{metrics_view, snapshot_view};
use crate::protocol::{Handle, Phase, Progress};
use crate::units::format_bytes;
use crate::workspace::FileInfo;

/// Opens an object of a snapshot by its V8 id.
type GoToObject = Rc<dyn Fn(u32)>;

/// The DOM of one file's card.
pub struct FileCard {
    handle: Handle,
    port: Rc<Port>,
    progress: HtmlProgressElement,
    status: HtmlElement,
    body: HtmlElement,
    /// A card for several files merged (no file of its own).
    combination: bool,
    /// Opens an object of the card's snapshot by V8 id, once the snapshot is shown.
    go_to_object: RefCell<Option<GoToObject>>,
}

impl FileCard {
    /// Adds a card for a file about to be read (`size` known) or a combination being made (`None`).
    pub fn new(handle: Handle, name: &str, size: Option<u64>, port: Rc<Port>) -> Self {
        let files = dom::by_id("files");
        let card = el("section", "file-card", "");
        set_attr(&card, "data-handle", &handle.to_string());
        // Newest first: the file the user just dropped is the one they look at.
        let _ = files.prepend_with_node_1(&card);
        let title = append(&card, el("h2", "file-name", name));
        if let Some(size) = size {
            append(&title, el("span", "file-size", &format_bytes(size as f64)));
        }
        let progress = append(&card, el("progress", "", "")).unchecked_into::<HtmlProgressElement>();
        progress.set_max(1.0);
        progress.set_value(0.0);
        let status = append(&card, el("p", "file-status", "Waiting for the worker…"));
        let body = append(&card, el("div", "file-body", ""));
        Self {
            handle,
            port,
            progress,
            status,
            body,
            combination: size.is_none(),
            go_to_object: RefCell::default(),
        }
    }

    pub fn show_progress(&self, progress: &Progress) {
        let fraction = if progress.total == 0 { 0.0 } else { progress.done as f64 / progress.total as f64 };
        self.progress.set_value(fraction);
        let text = match progress.phase {
            Phase::Reading => format!(
                "Reading {} of {} ({:.0}%)",
                format_bytes(progress.done as f64),
                format_bytes(progress.total as f64),
                fraction * 100.0
            ),
            Phase::Analysing => format!("Analysing (step {} of {})…", progress.done + 1, progress.total),
        };
        self.status.set_text_content(Some(&text));
    }

    pub fn is_combination(&self) -> bool {
        self.combination
    }

    /// Shows the object with V8 id `id` in this card's object view and scrolls to it.
    pub fn show_object(&self, id: u32) {
        let go_to = self.go_to_object.borrow().clone();
        if let Some(go_to) = go_to {
            go_to(id);
            self.body.scroll_into_view();
        }
    }

    pub fn show_error(&self, message: &str) {
        self.progress.set_hidden(true);
        self.status.set_class_name("file-status error");
        set_attr(&self.status, "role", "alert");
        self.status.set_text_content(Some(message));
    }

    pub fn show_info(&self, info: FileInfo) {
        self.progress.set_hidden(true);
        self.status.set_text_content(Some(""));
        match info {
            FileInfo::Snapshot(snapshot) => {
                let go_to = snapshot_view::show(&self.body, self.handle, &snapshot, Rc::clone(&self.port));
                *self.go_to_object.borrow_mut() = Some(go_to);
            }
            FileInfo::Metrics(metrics) => metrics_view::show(&self.body, &metrics),
        }
    }
}
