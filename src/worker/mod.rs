//! The Web Worker: feeds the chunks of files the page sends into the [`Workspace`] and answers the page's
//! requests.
//!
//! It is deliberately thin. Each message from the page is `{request, bytes?}`: `request` is a [`Request`]
//! crossed with serde-wasm-bindgen, `bytes` the `ArrayBuffer` of a [`Request::Chunk`]. The page reads the
//! file (see `ui::upload`), so this thread only parses; each chunk is copied into wasm memory, fed to the
//! workspace and answered with a progress message, and the file is analysed at [`Request::EndOfFile`].
//! Panics are forwarded to the page as a [`Response::Failed`] before the worker dies.
#![deny(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::protocol::FileInfo;
use crate::protocol::{ErrorReport, Request, Response};
use crate::workspace::Workspace;

/// Starts the worker: installs the message handler and tells the page it is ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("internal error in the analysis worker: {info}");
        web_sys::console::error_1(&message.clone().into());
        post(&Response::Failed { handle: 0, error: ErrorReport::new(message) });
    }));
    let workspace = Rc::new(RefCell::new(Workspace::new()));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle_message(&workspace, &event.data());
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&Response::Ready);
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(response: &Response) {
    match serde_wasm_bindgen::to_value(response) {
        Ok(value) => {
            if let Err(e) = scope().post_message(&value) {
                web_sys::console::error_2(&"heapscope worker: postMessage failed".into(), &e);
            }
        }
        Err(e) => web_sys::console::error_1(&format!("heapscope worker: {e}").into()),
    }
}

fn handle_message(workspace: &Rc<RefCell<Workspace>>, data: &JsValue) {
    let request = Reflect::get(data, &"request".into())
        .map_err(|_| "no request".to_string())
        .and_then(|value| serde_wasm_bindgen::from_value::<Request>(value).map_err(|e| e.to_string()));
    let request = match request {
        Ok(request) => request,
        Err(e) => {
            post(&Response::Failed { handle: 0, error: ErrorReport::new(format!("bad request: {e}")) });
            return;
        }
    };
    match request {
        Request::Open { handle, name, size } => workspace.borrow_mut().open(handle, &name, size),
        // Chunks and ends of a file that failed on an earlier chunk (the page was told) or was closed are
        // dropped: the page may have sent them before it heard.
        Request::Chunk { handle } | Request::EndOfFile { handle }
            if !workspace.borrow().is_reading(handle) => {}
        Request::Chunk { handle } => {
            let bytes =
                Reflect::get(data, &"bytes".into()).ok().and_then(|b| b.dyn_into::<ArrayBuffer>().ok());
            let Some(bytes) = bytes else {
                workspace.borrow_mut().close(handle);
                post(&Response::Failed { handle, error: ErrorReport::new("a chunk came without its bytes") });
                return;
            };
            let chunk = Uint8Array::new(&bytes).to_vec();
            let response = match workspace.borrow_mut().feed(handle, &chunk) {
                Ok(progress) => Response::Progress(progress),
                Err(error) => Response::Failed { handle, error },
            };
            post(&response);
        }
        Request::EndOfFile { handle } => {
            let info = workspace.borrow_mut().finish(handle, &mut |p| post(&Response::Progress(p)));
            let response = match info {
                Ok(mut info) => {
                    if let FileInfo::Snapshot(snapshot) = &mut info {
                        snapshot.analyser_memory_bytes = Some(wasm_memory_bytes());
                    }
                    Response::Opened { handle, info: Box::new(info) }
                }
                Err(error) => Response::Failed { handle, error },
            };
            let opened = matches!(response, Response::Opened { .. });
            post(&response);
            if opened {
                // While the user reads the Overview: the first tree opened should not pay for the indexes.
                workspace.borrow().prepare_lists(handle);
            }
        }
        Request::Query { handle, seq, query } => {
            let response = match workspace.borrow().query(handle, &query) {
                Ok(answer) => Response::Answer { handle, seq, answer },
                Err(error) => Response::QueryFailed { handle, seq, error },
            };
            post(&response);
        }
        Request::Combine { handle, sources } => {
            let response = match workspace.borrow_mut().combine(handle, &sources) {
                Ok(info) => Response::Opened { handle, info: Box::new(info) },
                Err(error) => Response::Failed { handle, error },
            };
            post(&response);
        }
        Request::Close { handle } => workspace.borrow_mut().close(handle),
    }
}

/// The worker's wasm memory (it only grows): what all loaded files and their analyses take.
fn wasm_memory_bytes() -> u64 {
    const WASM_PAGE_BYTES: u64 = 64 * 1024;
    core::arch::wasm32::memory_size(0) as u64 * WASM_PAGE_BYTES
}
