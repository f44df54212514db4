//! The page: drop zone, file picker, the example button, one card per opened file, and the views across
//! the loaded snapshots (Comparison, Leaks) once there are two.
//!
//! The page never holds a graph. It posts [`Request`]s to the worker (an opened file's bytes follow in chunks,
//! see [`upload`]) and renders the [`Response`]s it gets back. Requests made before the worker says
//! [`Response::Ready`] are queued, because a worker drops messages that arrive before its wasm is running.
#![deny(clippy::unwrap_used)]

mod dom;
mod file_card;
mod metrics_view;
mod port;
mod series_view;
mod snapshot_view;
mod table;
mod upload;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use rustc_hash::FxHashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement, MessageEvent, Worker};

use crate::protocol::{Handle, Phase, Request, Response};
use file_card::FileCard;
use port::Port;
use upload::Upload;

/// Where Trunk puts the worker's loader (see `index.html`).
const WORKER_URL: &str = "./worker_loader.js";
/// The snapshot behind the "Open example" button, bundled with the app.
const EXAMPLE_URL: &str = "./example/mapcache-2.heapsnapshot.gz";

/// The page's state: the channel to the worker and the cards of opened files.
struct App {
    port: Rc<Port>,
    next_handle: Cell<Handle>,
    cards: RefCell<Vec<(Handle, Rc<FileCard>)>>,
    /// Files whose bytes are still being sent to the worker.
    uploads: RefCell<FxHashMap<Handle, Rc<Upload>>>,
    /// Metrics files opened one by one (not combinations), which the user may combine.
    metrics: RefCell<Vec<Handle>>,
    /// The loaded snapshots as a series: Comparison and Leaks once there are two.
    series: Rc<series_view::Series>,
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
    let app = Rc::new(App {
        series: series_view::Series::new(Rc::clone(&port)),
        port,
        next_handle: Cell::new(1),
        cards: RefCell::default(),
        uploads: RefCell::default(),
        metrics: RefCell::default(),
    });
    register_service_worker();
    listen_to_worker(&app);
    wire_drop_zone(&app);
    wire_file_picker(&app);
    wire_example_button(&app);
    wire_combine_button(&app);
}

/// Caches the app for offline use (see `www/sw.js`); the page works without it.
fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let registration = window.navigator().service_worker().register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = JsFuture::from(registration).await {
            web_sys::console::warn_2(
                &"heapscope: no offline copy (service worker not registered)".into(),
                &e,
            );
        }
    });
}

fn listen_to_worker(app: &Shared) {
    let app_for_messages = Rc::clone(app);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<Response>(event.data()) {
            Ok(response) => on_response(&app_for_messages, response),
            Err(e) => web_sys::console::error_1(&format!("heapscope: unreadable worker message: {e}").into()),
        }
    });
    app.port.worker().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

fn on_response(app: &Shared, response: Response) {
    match response {
        Response::Ready => {
            app.port.set_ready();
            dom::by_id("status").set_text_content(Some(""));
        }
        Response::Progress(progress) => {
            if progress.phase == Phase::Reading {
                if let Some(upload) = app.upload(progress.handle) {
                    upload.chunk_consumed();
                }
            }
            if let Some(card) = app.card(progress.handle) {
                card.show_progress(&progress);
            }
        }
        Response::Opened { handle, info } => {
            app.end_upload(handle);
            let is_metrics = matches!(*info, crate::workspace::FileInfo::Metrics(_));
            let snapshot = match &*info {
                crate::workspace::FileInfo::Snapshot(s) => Some((s.name.clone(), s.max_js_object_id)),
                crate::workspace::FileInfo::Metrics(_) => None,
            };
            if let Some(card) = app.card(handle) {
                card.show_info(*info);
                if let Some((name, max_id)) = snapshot {
                    app.series.add(handle, &name, max_id, Rc::clone(&card));
                }
                if is_metrics && !card.is_combination() {
                    app.metrics.borrow_mut().push(handle);
                    update_combine_bar(app);
                }
            }
        }
        Response::Answer { seq, answer, .. } => app.port.deliver(seq, answer),
        Response::Failed { handle, error } => {
            app.end_upload(handle);
            match app.card(handle) {
                Some(card) => card.show_error(&error.message),
                None => dom::by_id("status").set_text_content(Some(&error.message)),
            }
        }
    }
}

impl App {
    fn card(&self, handle: Handle) -> Option<Rc<FileCard>> {
        self.cards.borrow().iter().find(|(h, _)| *h == handle).map(|(_, card)| Rc::clone(card))
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

    /// Opens a file: a card for it on the page, its bytes to the worker.
    fn open(self: &Rc<Self>, file: &File) {
        let handle = self.new_handle();
        let size = file.size() as u64;
        let card = Rc::new(FileCard::new(handle, &file.name(), Some(size), Rc::clone(&self.port)));
        self.cards.borrow_mut().push((handle, Rc::clone(&card)));
        let upload = Rc::new(Upload::default());
        self.uploads.borrow_mut().insert(handle, Rc::clone(&upload));
        self.port.send(&Request::Open { handle, name: file.name(), size }, None);
        let app = Rc::clone(self);
        let file = file.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(message) = upload::send_file(&app.port, handle, &file, &upload).await {
                app.end_upload(handle);
                app.port.send(&Request::Close { handle }, None);
                card.show_error(&message);
            }
        });
    }

    /// Merges every metrics file opened so far into one timeline, on a card of its own.
    fn combine_metrics(&self) {
        let sources = self.metrics.borrow().clone();
        let handle = self.new_handle();
        let name = format!("{} metrics files on one timeline", sources.len());
        let card = Rc::new(FileCard::new(handle, &name, None, Rc::clone(&self.port)));
        self.cards.borrow_mut().push((handle, card));
        self.port.send(&Request::Combine { handle, sources }, None);
    }
}

/// Offers to combine the metrics files once there are two or more.
fn update_combine_bar(app: &Shared) {
    let bar = dom::by_id("combine-bar");
    let n = app.metrics.borrow().len();
    bar.set_hidden(n < 2);
    dom::by_id("combine").set_text_content(Some(&format!("Combine the {n} metrics files into one timeline")));
}

fn wire_combine_button(app: &Shared) {
    let app = Rc::clone(app);
    let on_click = Closure::<dyn FnMut()>::new(move || app.combine_metrics());
    let _ =
        dom::by_id("combine").add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

fn open_list(app: &Shared, files: Option<FileList>) {
    let Some(files) = files else { return };
    for i in 0..files.length() {
        if let Some(file) = files.get(i) {
            app.open(&file);
        }
    }
}

fn wire_drop_zone(app: &Shared) {
    let zone = dom::by_id("drop-zone");
    let over = Closure::<dyn FnMut(DragEvent)>::new(|event: DragEvent| {
        event.prevent_default();
        let _ = dom::by_id("drop-zone").class_list().add_1("dragging");
    });
    let leave = Closure::<dyn FnMut(DragEvent)>::new(|_event: DragEvent| {
        let _ = dom::by_id("drop-zone").class_list().remove_1("dragging");
    });
    let app = Rc::clone(app);
    let drop = Closure::<dyn FnMut(DragEvent)>::new(move |event: DragEvent| {
        event.prevent_default();
        let _ = dom::by_id("drop-zone").class_list().remove_1("dragging");
        open_list(&app, event.data_transfer().and_then(|d| d.files()));
    });
    // The whole window accepts drops, so a file dropped beside the zone is not opened as a page.
    let target = web_sys::window().expect("the page has a window");
    let _ = target.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = target.add_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
    let _ = zone.add_event_listener_with_callback("dragleave", leave.as_ref().unchecked_ref());
    over.forget();
    drop.forget();
    leave.forget();
}

fn wire_file_picker(app: &Shared) {
    let app = Rc::clone(app);
    let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let input = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let Some(input) = input {
            open_list(&app, input.files());
            input.set_value("");
        }
    });
    let _ = dom::by_id("file-input")
        .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

fn wire_example_button(app: &Shared) {
    let app = Rc::clone(app);
    let on_click = Closure::<dyn FnMut()>::new(move || {
        let app = Rc::clone(&app);
        wasm_bindgen_futures::spawn_local(async move {
            match fetch_example().await {
                Ok(file) => app.open(&file),
                Err(message) => dom::by_id("status").set_text_content(Some(&message)),
            }
        });
    });
    let _ = dom::by_id("open-example")
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
}

/// Fetches the bundled example snapshot (same origin) and wraps it as a `File`.
async fn fetch_example() -> Result<File, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(EXAMPLE_URL))
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
    let name = EXAMPLE_URL.rsplit('/').next().unwrap_or("example.heapsnapshot.gz");
    File::new_with_blob_sequence(&parts, name).map_err(|e| format!("{e:?}"))
}
