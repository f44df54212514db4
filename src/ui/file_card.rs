//! One opened file on the page: its name, a progress bar while it loads, then what the worker found.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement};

use super::dom::{self, append, el, set_attr};
use super::format;
use crate::protocol::{Handle, Phase, Progress};
use crate::workspace::{Answer, FileInfo, SnapshotInfo};

/// The DOM of one file's card.
pub struct FileCard {
    progress: HtmlProgressElement,
    status: HtmlElement,
    body: HtmlElement,
}

impl FileCard {
    /// Adds a card for a file that is about to be read.
    pub fn new(handle: Handle, name: &str, size: u64) -> Self {
        let files = dom::by_id("files");
        let card = el("section", "file-card", "");
        set_attr(&card, "data-handle", &handle.to_string());
        // Newest first: the file the user just dropped is the one they look at.
        let _ = files.prepend_with_node_1(&card);
        let title = append(&card, el("h2", "file-name", name));
        append(&title, el("span", "file-size", &format::bytes(size)));
        let progress = append(&card, el("progress", "", "")).unchecked_into::<HtmlProgressElement>();
        progress.set_max(1.0);
        progress.set_value(0.0);
        let status = append(&card, el("p", "file-status", "Waiting for the worker…"));
        let body = append(&card, el("div", "file-body", ""));
        Self { progress, status, body }
    }

    pub fn show_progress(&self, progress: &Progress) {
        let fraction = if progress.total == 0 { 0.0 } else { progress.done as f64 / progress.total as f64 };
        self.progress.set_value(fraction);
        let text = match progress.phase {
            Phase::Reading => format!(
                "Reading {} of {} ({:.0}%)",
                format::bytes(progress.done),
                format::bytes(progress.total),
                fraction * 100.0
            ),
            Phase::Analysing => "Analysing…".to_string(),
        };
        self.status.set_text_content(Some(&text));
    }

    pub fn show_error(&self, message: &str) {
        self.progress.set_hidden(true);
        self.status.set_class_name("file-status error");
        set_attr(&self.status, "role", "alert");
        self.status.set_text_content(Some(message));
    }

    pub fn show_info(&self, info: &FileInfo) {
        self.progress.set_hidden(true);
        self.status.set_text_content(Some(""));
        match info {
            FileInfo::Snapshot(snapshot) => self.show_snapshot(snapshot),
        }
    }

    pub fn show_answer(&self, _seq: u32, answer: &Answer) {
        match *answer {}
    }

    fn show_snapshot(&self, info: &SnapshotInfo) {
        let facts = append(&self.body, el("dl", "facts", ""));
        fact(&facts, "Nodes", &format::count(info.node_count), "node-count");
        fact(&facts, "Edges", &format::count(info.edge_count), "edge-count");
        fact(&facts, "Node fields", &info.meta.node_fields.join(", "), "node-fields");
        fact(&facts, "Edge fields", &info.meta.edge_fields.join(", "), "edge-fields");
    }
}

/// Appends a `<dt>label</dt><dd data-field=..>value</dd>` pair.
fn fact(list: &HtmlElement, label: &str, value: &str, field: &str) {
    append(list, el("dt", "", label));
    let dd = append(list, el("dd", "", value));
    set_attr(&dd, "data-field", field);
}
