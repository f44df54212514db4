//! The loaded files: what the worker said about each, and their tabs (name, size, progress while loading,
//! the error if it failed, a button to close it). A tab opens its file's first view.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement};

use super::dom::{self, append, el, set_attr};
use super::listeners::Listeners;
use super::router::Route;
use crate::protocol::{FileInfo, Handle, MetricsInfo, Phase, Progress, SnapshotInfo};
use crate::units::format_bytes;

/// Where a file is.
pub enum State {
    Loading,
    Failed,
    Snapshot(Rc<SnapshotInfo>),
    Metrics(Rc<MetricsInfo>),
}

pub struct File {
    pub handle: Handle,
    pub name: String,
    pub state: State,
    /// A timeline merged from several metrics files (it has no file of its own).
    pub combination: bool,
    tab: HtmlElement,
    progress: HtmlProgressElement,
    status: HtmlElement,
}

/// A loaded metrics file, under the name of its tab.
pub struct LoadedMetrics {
    pub handle: Handle,
    pub name: String,
    /// A timeline merged from several files.
    pub combination: bool,
    pub info: Rc<MetricsInfo>,
}

/// Every file opened in this page load, in the order they were opened.
#[derive(Default)]
pub struct Files {
    files: RefCell<Vec<File>>,
    listeners: Listeners,
}

impl Files {
    /// Listens to the tab bar: a click on a tab shows its file, on its × closes it (`on_close`).
    pub fn listen(self: &Rc<Self>, on_close: impl Fn(Handle) + 'static) {
        let files = Rc::downgrade(self);
        self.listeners.on(&dom::by_id("files"), "click", move |event| {
            let Some(files) = files.upgrade() else { return };
            let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
                return;
            };
            let Some(tab) = target.closest(".file-tab").ok().flatten() else { return };
            let Some(handle) = tab.get_attribute("data-handle").and_then(|h| h.parse().ok()) else { return };
            if target.closest(".close").ok().flatten().is_some() {
                files.remove(handle);
                on_close(handle);
            } else if let Some(route) = files.home_route(handle) {
                route.go();
            }
        });
    }

    /// Adds a tab for a file about to be read (of `size` bytes, when known) or a combination being made.
    pub fn add(&self, handle: Handle, name: &str, size: Option<u64>, combination: bool) {
        let tab = el("li", "file-tab loading", "");
        set_attr(&tab, "data-handle", &handle.to_string());
        let title = append(&tab, el("button", "file-name", name));
        set_attr(&title, "type", "button");
        if let Some(size) = size {
            let size_text = append(&title, el("span", "file-size", &format_bytes(size as f64)));
            set_attr(&size_text, "title", &format!("{size} bytes"));
        }
        let close = append(&tab, el("button", "close", "×"));
        set_attr(&close, "aria-label", &format!("Close {name}"));
        set_attr(&close, "type", "button");
        let progress = append(&tab, el("progress", "", "")).unchecked_into::<HtmlProgressElement>();
        set_attr(&progress, "data-testid", "progress");
        progress.set_max(1.0);
        progress.set_value(0.0);
        let status = append(&tab, el("p", "file-status", "Waiting for the worker…"));
        let _ = dom::by_id("files").append_child(&tab);
        dom::by_id("landing").class_list().add_1("compact").ok();
        self.files.borrow_mut().push(File {
            handle,
            name: name.to_owned(),
            state: State::Loading,
            combination,
            tab,
            progress,
            status,
        });
    }

    pub fn show_progress(&self, progress: &Progress) {
        let files = self.files.borrow();
        let Some(file) = files.iter().find(|f| f.handle == progress.handle) else { return };
        let fraction = if progress.total == 0 { 0.0 } else { progress.done as f64 / progress.total as f64 };
        file.progress.set_value(fraction);
        let text = match progress.phase {
            Phase::Reading => format!(
                "Reading {} of {} ({:.0}%)",
                format_bytes(progress.done as f64),
                format_bytes(progress.total as f64),
                fraction * 100.0
            ),
            Phase::Analysing => format!("Analysing (step {} of {})…", progress.done + 1, progress.total),
        };
        file.status.set_text_content(Some(&text));
    }

    /// The worker analysed a file.
    pub fn loaded(&self, handle: Handle, info: FileInfo) {
        let mut files = self.files.borrow_mut();
        let Some(file) = files.iter_mut().find(|f| f.handle == handle) else { return };
        file.progress.remove();
        file.status.remove();
        file.tab.class_list().remove_1("loading").ok();
        file.state = match info {
            FileInfo::Snapshot(info) => State::Snapshot(Rc::new(info)),
            FileInfo::Metrics(info) => State::Metrics(Rc::new(info)),
        };
    }

    /// A file could not be read: its tab says why, in place of the progress. False when no tab has `handle`.
    pub fn failed(&self, handle: Handle, message: &str) -> bool {
        let mut files = self.files.borrow_mut();
        let Some(file) = files.iter_mut().find(|f| f.handle == handle) else { return false };
        file.progress.remove();
        file.tab.class_list().remove_1("loading").ok();
        file.tab.class_list().add_1("failed").ok();
        file.status.set_class_name("file-status error");
        set_attr(&file.status, "data-testid", "error");
        set_attr(&file.status, "role", "alert");
        file.status.set_text_content(Some(message));
        file.state = State::Failed;
        true
    }

    fn remove(&self, handle: Handle) {
        let mut files = self.files.borrow_mut();
        if let Some(at) = files.iter().position(|f| f.handle == handle) {
            files.remove(at).tab.remove();
        }
    }

    /// Marks the tab of the file a view shows.
    pub fn mark_current(&self, handle: Option<Handle>) {
        for file in self.files.borrow().iter() {
            let current = Some(file.handle) == handle;
            set_attr(&file.tab, "aria-current", if current { "page" } else { "false" });
        }
    }

    /// The view a file opens in: a snapshot's Overview, a metrics file's Trends.
    fn home_route(&self, handle: Handle) -> Option<Route> {
        let files = self.files.borrow();
        let file = files.iter().find(|f| f.handle == handle)?;
        match file.state {
            State::Snapshot(_) => Some(Route::new("overview").with("file", &file.name)),
            State::Metrics(_) => Some(Route::new("trends").with("file", &file.name)),
            _ => None,
        }
    }

    /// The newest loaded snapshot named `name` (or the newest of all when `name` is `None`).
    pub fn snapshot(&self, name: Option<&str>) -> Option<(Handle, String, Rc<SnapshotInfo>)> {
        self.files.borrow().iter().rev().find_map(|f| match &f.state {
            State::Snapshot(info) if name.is_none_or(|n| n == f.name) => {
                Some((f.handle, f.name.clone(), Rc::clone(info)))
            }
            _ => None,
        })
    }

    /// Every loaded snapshot, in the order they were opened.
    pub fn snapshots(&self) -> Vec<(Handle, String, Rc<SnapshotInfo>)> {
        self.files
            .borrow()
            .iter()
            .filter_map(|f| match &f.state {
                State::Snapshot(info) => Some((f.handle, f.name.clone(), Rc::clone(info))),
                _ => None,
            })
            .collect()
    }

    /// Every loaded metrics file (combinations too).
    pub fn metrics(&self) -> Vec<LoadedMetrics> {
        self.files
            .borrow()
            .iter()
            .filter_map(|f| match &f.state {
                State::Metrics(info) => Some(LoadedMetrics {
                    handle: f.handle,
                    name: f.name.clone(),
                    combination: f.combination,
                    info: Rc::clone(info),
                }),
                _ => None,
            })
            .collect()
    }

    /// Whether a file named `name` is still being read.
    pub fn is_loading(&self, name: &str) -> bool {
        self.files.borrow().iter().any(|f| f.name == name && matches!(f.state, State::Loading))
    }

    pub fn is_empty(&self) -> bool {
        self.files.borrow().is_empty()
    }
}
