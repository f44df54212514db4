//! Files opened from the desktop: an installed heapscope is registered (`www/manifest.webmanifest`'s
//! `file_handlers`) as an app for `.heapsnapshot` files, and the browser hands the files it was launched
//! with to `window.launchQueue`. They are opened like dropped files.
//!
//! `launchQueue` is Chromium's alone and web-sys does not bind it, so it is looked up by name and the page
//! does nothing where it is missing.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

type Consumer = Closure<dyn FnMut(JsValue)>;

thread_local! {
    /// The consumer handed to `launchQueue.setConsumer`, which calls it for every launch of the page's life.
    static CONSUMER: RefCell<Option<Consumer>> = const { RefCell::new(None) };
}

/// Calls `open` with each file the app is launched with, now and for later launches into this page.
pub fn consume(open: impl Fn(File) + 'static) {
    let Some(window) = web_sys::window() else { return };
    let Ok(queue) = Reflect::get(&window, &"launchQueue".into()) else { return };
    let Some(set_consumer) = method(&queue, "setConsumer") else { return };
    let open = std::rc::Rc::new(open);
    let consumer = Consumer::new(move |params: JsValue| {
        let Ok(handles) = Reflect::get(&params, &"files".into()) else { return };
        let Ok(handles) = handles.dyn_into::<Array>() else { return };
        let open = std::rc::Rc::clone(&open);
        // One after another, so the tabs come in the order the files were given.
        wasm_bindgen_futures::spawn_local(async move {
            for handle in handles.iter() {
                match file_of(&handle).await {
                    Ok(file) => open(file),
                    Err(e) => web_sys::console::warn_2(&"heapscope: cannot read a launched file".into(), &e),
                }
            }
        });
    });
    if set_consumer.call1(&queue, consumer.as_ref()).is_ok() {
        CONSUMER.with(|slot| *slot.borrow_mut() = Some(consumer));
    }
}

/// `object[name]` if it is a function; `None` for `undefined` and anything else.
fn method(object: &JsValue, name: &str) -> Option<Function> {
    if object.is_undefined() || object.is_null() {
        return None;
    }
    Reflect::get(object, &name.into()).ok()?.dyn_into::<Function>().ok()
}

/// The `File` behind a `FileSystemFileHandle` (its `getFile()`).
async fn file_of(handle: &JsValue) -> Result<File, JsValue> {
    let get_file = method(handle, "getFile").ok_or_else(|| JsValue::from_str("not a file handle"))?;
    let promise = get_file.call0(handle)?.dyn_into::<Promise>()?;
    JsFuture::from(promise).await?.dyn_into::<File>()
}
