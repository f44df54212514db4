//! The page: a landing that says what files work and how to get them, the drop zone and file picker, a tab
//! per opened file, and the views (`views`), one per route of the URL hash (`router`).
//!
//! The page never holds a graph. It posts [`Request`]s to the worker (an opened file's bytes follow in chunks,
//! see [`upload`]) and renders the [`Response`]s it gets back. Requests made before the worker says
//! [`Response::Ready`] are queued, because a worker drops messages that arrive before its wasm is running.
//! On every `hashchange` the current view is dropped (its listeners and rows go with it) and the route's
//! view is built; a view waiting for its file is built again when a file finishes loading.
#![deny(clippy::unwrap_used)]

mod dom;
mod export;
mod files;
mod launch;
mod listeners;
mod metrics_view;
mod port;
mod remote;
mod router;
mod table;
mod tree;
mod update;
mod upload;
mod views;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use rustc_hash::FxHashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement, KeyboardEvent, MessageEvent, Worker};

use crate::protocol::{FileInfo, Handle, Phase, Request, Response};
use files::Files;
use listeners::Listeners;
use port::Port;
use router::Route;
use upload::Upload;

/// Where Trunk puts the worker's loader (see `index.html`).
const WORKER_URL: &str = "./worker_loader.js";
/// The example: three snapshots of a process whose cache leaks, and its memoryUsage log.
const EXAMPLE_URLS: [&str; 4] = [
    "./example/mapcache-1.heapsnapshot.gz",
    "./example/mapcache-2.heapsnapshot.gz",
    "./example/mapcache-3.heapsnapshot.gz",
    "./example/mapcache.memusage.ndjson",
];

/// The page's state: the channel to the worker, the files, the view shown.
struct App {
    context: Rc<views::Context>,
    next_handle: Cell<Handle>,
    /// Files whose bytes are still being sent to the worker.
    uploads: RefCell<FxHashMap<Handle, Rc<Upload>>>,
    /// What keeps the current view alive; replaced on each route.
    view: RefCell<Option<views::Alive>>,
    /// Listeners for the page's lifetime (drop zone, picker, example, hash, keys).
    listeners: Listeners,
    /// Files a link (`#url=`) asks to download, once the user confirms.
    remote: remote::Remote,
    export: Rc<export::Export>,
}

type Shared = Rc<App>;

/// Entry point of the page's wasm.
pub fn start() {
    console_error_panic_hook::set_once();
    let worker = match Worker::new(WORKER_URL) {
        Ok(worker) => worker,
        Err(e) => {
            dom::by_id("status").set_text_content(Some(&format!("cannot start the worker: {e:?}")));
            return;
        }
    };
    let port = Rc::new(Port::new(worker));
    let app = Rc::new_cyclic(|weak: &std::rc::Weak<App>| {
        let weak = weak.clone();
        let combine = Rc::new(move || {
            if let Some(app) = weak.upgrade() {
                app.combine_metrics();
            }
        });
        App {
            context: Rc::new(views::Context {
                port,
                files: Rc::new(Files::default()),
                series_order: RefCell::default(),
                combine,
            }),
            next_handle: Cell::new(1),
            uploads: RefCell::default(),
            view: RefCell::default(),
            listeners: Listeners::default(),
            remote: remote::Remote::default(),
            export: Rc::default(),
        }
    });
    update::watch();
    let weak = Rc::downgrade(&app);
    launch::consume(move |file| weak.upgrade().iter().for_each(|app| app.open(&file)));
    listen_to_worker(&app);
    wire_inputs(&app);
    app.export.wire(&app.context, &app.listeners);
    let port = Rc::clone(&app.context.port);
    app.context.files.listen(move |handle| port.send(&Request::Close { handle }, None));
    app.show_route();
    app.offer_remote();
    // The page's state lives as long as the page; everything else holds it weakly.
    PAGE.with(|page| *page.borrow_mut() = Some(app));
}

thread_local! {
    static PAGE: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

fn listen_to_worker(app: &Shared) {
    let weak = Rc::downgrade(app);
    app.listeners.on(app.context.port.worker(), "message", move |event| {
        let Some(app) = weak.upgrade() else { return };
        let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
        match serde_wasm_bindgen::from_value::<Response>(event.data()) {
            Ok(response) => app.on_response(response),
            Err(e) => web_sys::console::error_1(&format!("heapscope: unreadable worker message: {e}").into()),
        }
    });
}

impl App {
    fn on_response(&self, response: Response) {
        let files = &self.context.files;
        match response {
            Response::Ready => {
                self.context.port.set_ready();
                dom::by_id("status").set_text_content(Some(""));
            }
            Response::Progress(progress) => {
                if progress.phase == Phase::Reading {
                    if let Some(upload) = self.upload(progress.handle) {
                        upload.chunk_consumed();
                    }
                }
                files.show_progress(&progress);
            }
            Response::Opened { handle, info } => {
                self.end_upload(handle);
                // The first file opens its view (a snapshot's Overview, metrics' Trends) unless the URL names one.
                if Route::current().view.is_empty() {
                    let first_view = match &*info {
                        FileInfo::Snapshot(snapshot) => Route::new("overview").with("file", &snapshot.name),
                        FileInfo::Metrics(metrics) => Route::new("trends").with("file", &metrics.name),
                    };
                    first_view.replace();
                }
                files.loaded(handle, *info);
                dom::by_id("export").set_hidden(false);
                self.show_route();
            }
            Response::Answer { seq, answer, .. } => self.context.port.deliver(seq, Ok(answer)),
            Response::QueryFailed { seq, error, .. } => self.context.port.deliver(seq, Err(error.message)),
            Response::Failed { handle, error } => {
                self.end_upload(handle);
                if handle == 0 || !files.failed(handle, &error.message) {
                    let status = dom::by_id("status");
                    status.set_text_content(Some(&error.message));
                    dom::set_attr(&status, "data-testid", "error");
                }
            }
        }
    }

    /// Drops the view shown and builds the current route's.
    fn show_route(&self) {
        let route = Route::current();
        self.view.borrow_mut().take();
        let container = dom::by_id("view");
        let alive = views::show(&self.context, &route, &container);
        *self.view.borrow_mut() = alive;
    }

    fn new_handle(&self) -> Handle {
        let handle = self.next_handle.get();
        self.next_handle.set(handle + 1);
        handle
    }

    fn upload(&self, handle: Handle) -> Option<Rc<Upload>> {
        self.uploads.borrow().get(&handle).cloned()
    }

    /// Stops sending a file's bytes, if they are still being sent.
    fn end_upload(&self, handle: Handle) {
        let upload = self.uploads.borrow_mut().remove(&handle);
        if let Some(upload) = upload {
            upload.stop();
        }
    }

    /// Opens a file: a tab for it, its bytes to the worker.
    fn open(self: &Rc<Self>, file: &File) {
        let handle = self.new_handle();
        let size = file.size() as u64;
        self.context.files.add(handle, &file.name(), Some(size), false);
        let upload = Rc::new(Upload::default());
        self.uploads.borrow_mut().insert(handle, Rc::clone(&upload));
        let port = &self.context.port;
        port.send(&Request::Open { handle, name: file.name(), size }, None);
        let app = Rc::clone(self);
        let file = file.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(message) = upload::send_file(&app.context.port, handle, &file, &upload).await {
                app.end_upload(handle);
                app.context.port.send(&Request::Close { handle }, None);
                app.context.files.failed(handle, &message);
            }
        });
    }

    /// Offers to download the files a link names (`#url=`), not yet offered in this page load.
    fn offer_remote(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.remote.offer(&Route::current(), move |addresses| {
            if let Some(app) = weak.upgrade() {
                for address in addresses {
                    app.open_remote(address);
                }
            }
        });
    }

    /// Downloads a file the user agreed to and streams it to the worker as it arrives, with its tab.
    fn open_remote(self: &Rc<Self>, address: remote::Address) {
        let handle = self.new_handle();
        self.context.files.add(handle, &address.name, None, false);
        let upload = Rc::new(Upload::default());
        self.uploads.borrow_mut().insert(handle, Rc::clone(&upload));
        let app = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let port = &app.context.port;
            let sent = match remote::fetch(&address).await {
                Ok(response) => {
                    let size = remote::announced_size(&response).unwrap_or(0);
                    port.send(&Request::Open { handle, name: address.name.clone(), size }, None);
                    upload::send_response(port, handle, &response, &upload).await
                }
                Err(message) => Err(message),
            };
            if let Err(message) = sent {
                app.end_upload(handle);
                port.send(&Request::Close { handle }, None);
                app.context.files.failed(handle, &message);
            }
        });
    }

    /// Merges every metrics file opened so far into one timeline, in a tab of its own.
    fn combine_metrics(&self) {
        let sources: Vec<Handle> = self
            .context
            .files
            .metrics()
            .into_iter()
            .filter(|metrics| !metrics.combination)
            .map(|metrics| metrics.handle)
            .collect();
        let handle = self.new_handle();
        let name = format!("{} metrics files on one timeline", sources.len());
        self.context.files.add(handle, &name, None, true);
        self.context.port.send(&Request::Combine { handle, sources }, None);
    }
}

fn open_list(app: &Shared, files: Option<FileList>) {
    let Some(files) = files else { return };
    for i in 0..files.length() {
        if let Some(file) = files.get(i) {
            app.open(&file);
        }
    }
}

/// The drop zone (the whole window accepts drops, so a file dropped beside it is not opened as a page),
/// the file picker, the example button, the hash, and the page's keys.
fn wire_inputs(app: &Shared) {
    let Some(window) = web_sys::window() else { return };
    let zone = dom::by_id("drop-zone");
    app.listeners.on(&window, "dragover", |event| {
        event.prevent_default();
        let _ = dom::by_id("drop-zone").class_list().add_1("dragging");
    });
    app.listeners.on(&zone, "dragleave", |_| {
        let _ = dom::by_id("drop-zone").class_list().remove_1("dragging");
    });
    let weak = Rc::downgrade(app);
    app.listeners.on(&window, "drop", move |event| {
        event.prevent_default();
        let _ = dom::by_id("drop-zone").class_list().remove_1("dragging");
        let (Some(app), Some(event)) = (weak.upgrade(), event.dyn_ref::<DragEvent>()) else { return };
        open_list(&app, event.data_transfer().and_then(|d| d.files()));
    });
    let weak = Rc::downgrade(app);
    app.listeners.on(&dom::by_id("file-input"), "change", move |event| {
        let input = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let (Some(app), Some(input)) = (weak.upgrade(), input) {
            open_list(&app, input.files());
            input.set_value("");
        }
    });
    let weak = Rc::downgrade(app);
    app.listeners.on(&dom::by_id("open-example"), "click", move |_| {
        let Some(app) = weak.upgrade() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            for url in EXAMPLE_URLS {
                match fetch_file(url).await {
                    Ok(file) => app.open(&file),
                    Err(message) => dom::by_id("status").set_text_content(Some(&message)),
                }
            }
        });
    });
    let weak = Rc::downgrade(app);
    app.listeners.on(&window, "hashchange", move |_| {
        if let Some(app) = weak.upgrade() {
            app.show_route();
            app.offer_remote();
        }
    });
    app.listeners.on(&window, "keydown", on_page_key);
}

/// `/` puts the cursor in the view's filter or search box; Backspace or Escape (outside a text box) goes
/// back to the previous view.
fn on_page_key(event: web_sys::Event) {
    let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return;
    }
    let in_text = dom::document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    match event.key().as_str() {
        "/" if !in_text => {
            let input = dom::document()
                .query_selector("#view input[type=search]")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
            if let Some(input) = input {
                event.prevent_default();
                let _ = input.focus();
                input.select();
            }
        }
        "Backspace" | "Escape" if !in_text => {
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                event.prevent_default();
                let _ = history.back();
            }
        }
        _ => {}
    }
}

/// Fetches a file bundled with the app (same origin) and wraps it as a `File`.
async fn fetch_file(url: &str) -> Result<File, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("cannot load the example: {e:?}"))?
        .unchecked_into::<web_sys::Response>();
    if !response.ok() {
        return Err(format!("cannot load the example: HTTP {}", response.status()));
    }
    let blob = JsFuture::from(response.blob().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("cannot read the example: {e:?}"))?;
    let parts = Array::of1(&blob);
    let name = url.rsplit('/').next().unwrap_or("example");
    File::new_with_blob_sequence(&parts, name).map_err(|e| format!("{e:?}"))
}
