//! The Web Worker: reads `File`s in chunks into the [`Workspace`] and answers the page's requests.
//!
//! It is deliberately thin. Each message from the page is `{request, file?}`: `request` is a
//! [`Request`] crossed with serde-wasm-bindgen, `file` the `File` an `Open` request refers to. Files are read
//! with `Blob.slice(..).arrayBuffer()` one chunk at a time, so the tab never holds a whole file; each chunk
//! is copied into one reused buffer and fed to the workspace, and progress is posted after every chunk.
//! Panics are forwarded to the page as a [`Response::Failed`] before the worker dies.
#![deny(clippy::unwrap_used)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

use crate::protocol::{ErrorReport, Handle, Request, Response};
use crate::workspace::{FileInfo, Workspace};

/// Bytes read from the `File` per step: large enough to keep the parser busy, small enough for memory.
const CHUNK_BYTES: usize = 4 << 20;

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
        Request::Open { handle, name, size } => {
            let file = Reflect::get(data, &"file".into()).ok().and_then(|f| f.dyn_into::<File>().ok());
            let Some(file) = file else {
                post(&Response::Failed { handle, error: ErrorReport::new("no file came with the request") });
                return;
            };
            workspace.borrow_mut().open(handle, &name, size);
            let workspace = Rc::clone(workspace);
            wasm_bindgen_futures::spawn_local(async move {
                let response = match read_file(&workspace, handle, &file).await {
                    Ok(()) => {
                        let info =
                            workspace.borrow_mut().finish(handle, &mut |p| post(&Response::Progress(p)));
                        match info {
                            Ok(mut info) => {
                                if let FileInfo::Snapshot(snapshot) = &mut info {
                                    snapshot.analyser_memory_bytes = Some(wasm_memory_bytes());
                                }
                                Response::Opened { handle, info: Box::new(info) }
                            }
                            Err(error) => Response::Failed { handle, error },
                        }
                    }
                    Err(error) => Response::Failed { handle, error },
                };
                post(&response);
            });
        }
        Request::Query { handle, seq, query } => {
            let response = match workspace.borrow().query(handle, &query) {
                Ok(answer) => Response::Answer { handle, seq, answer },
                Err(error) => Response::Failed { handle, error },
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

/// Streams a `File` into the workspace chunk by chunk, posting progress after each.
async fn read_file(
    workspace: &Rc<RefCell<Workspace>>,
    handle: Handle,
    file: &File,
) -> Result<(), ErrorReport> {
    let size = file.size();
    let mut buffer = vec![0u8; CHUNK_BYTES];
    let mut offset = 0f64;
    while offset < size {
        let end = (offset + CHUNK_BYTES as f64).min(size);
        let blob = file
            .slice_with_f64_and_f64(offset, end)
            .map_err(|e| ErrorReport::new(format!("cannot slice the file at byte {offset}: {e:?}")))?;
        let array_buffer = JsFuture::from(blob.array_buffer())
            .await
            .map_err(|e| ErrorReport::new(format!("cannot read the file at byte {offset}: {e:?}")))?;
        let bytes = Uint8Array::new(&array_buffer);
        let n = bytes.length() as usize;
        bytes.copy_to(&mut buffer[..n]);
        let progress = workspace.borrow_mut().feed(handle, &buffer[..n])?;
        post(&Response::Progress(progress));
        offset = end;
    }
    Ok(())
}
