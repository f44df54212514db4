//! Streams an opened `File` to the worker: the page reads it slice by slice with
//! `Blob.slice(..).arrayBuffer()` and transfers (not copies) each slice to the worker, at most
//! [`CHUNKS_IN_FLIGHT`] ahead of the chunks the worker has consumed. A file fetched from a link
//! (`#url=`) takes the same path: its response body is read as it arrives and cut into the same slices.
//!
//! Why the page reads and not the worker: Chromium hands a blob's bytes to the thread that asked for them in
//! tasks of that thread, so a worker busy parsing cannot receive the next slice meanwhile. Measured on a
//! 332 MB snapshot: reading inside the worker added 0.6 s (of 1.6 s) to reading and parsing; read here, the
//! slices arrive while the worker parses. The page's part is small tasks (a slice landing, a message posted),
//! so it stays responsive; the tab holds at most a few slices, never the whole file.

use std::cell::{Cell, RefCell};

use js_sys::{ArrayBuffer, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use super::port::Port;
use crate::protocol::{Handle, Request};

/// Bytes per slice: progress moves at least every 4 MiB, and a slice is parsed in a few milliseconds.
const CHUNK_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Slices sent but not yet consumed: enough that the worker never waits for the next one.
const CHUNKS_IN_FLIGHT: u32 = 3;

/// One file on its way to the worker: how many of its chunks the worker has not consumed yet, and whether
/// to stop (the worker failed on it, or it was closed).
#[derive(Default)]
pub struct Upload {
    in_flight: Cell<u32>,
    /// Resolves the promise the sending loop waits on while too many chunks are in flight.
    wake: RefCell<Option<Function>>,
    stopped: Cell<bool>,
}

impl Upload {
    /// The worker consumed a chunk.
    pub fn chunk_consumed(&self) {
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
        self.wake_sender();
    }

    /// Sends nothing more.
    pub fn stop(&self) {
        self.stopped.set(true);
        self.wake_sender();
    }

    fn wake_sender(&self) {
        let wake = self.wake.borrow_mut().take();
        if let Some(wake) = wake {
            let _ = wake.call0(&JsValue::NULL);
        }
    }

    /// Waits until another chunk may be sent; false if the upload was stopped.
    async fn may_send(&self) -> bool {
        while !self.stopped.get() && self.in_flight.get() >= CHUNKS_IN_FLIGHT {
            let woken = Promise::new(&mut |resolve, _reject| *self.wake.borrow_mut() = Some(resolve));
            let _ = JsFuture::from(woken).await;
        }
        !self.stopped.get()
    }
}

/// Sends `file` to the worker as the chunks of the already opened `handle`, then [`Request::EndOfFile`].
/// Returns why the file could not be read, if it could not; stopping is not an error.
pub async fn send_file(port: &Port, handle: Handle, file: &File, upload: &Upload) -> Result<(), String> {
    let size = file.size();
    let mut offset = 0.0;
    while offset < size {
        let end = (offset + CHUNK_BYTES).min(size);
        let bytes = read_slice(file, offset, end).await?;
        if !upload.may_send().await {
            return Ok(());
        }
        upload.in_flight.set(upload.in_flight.get() + 1);
        port.send(&Request::Chunk { handle }, Some(&bytes));
        offset = end;
    }
    if !upload.stopped.get() {
        port.send(&Request::EndOfFile { handle }, None);
    }
    Ok(())
}

/// Sends the body of a fetched `response` to the worker as the chunks of the already opened `handle`, then
/// [`Request::EndOfFile`]; the body is read as it arrives and never held whole.
pub async fn send_response(
    port: &Port,
    handle: Handle,
    response: &web_sys::Response,
    upload: &Upload,
) -> Result<(), String> {
    let body = response.body().ok_or("the response has no body")?;
    let reader = body.get_reader().unchecked_into::<web_sys::ReadableStreamDefaultReader>();
    let mut slice = js_sys::Uint8Array::new_with_length(CHUNK_BYTES as u32);
    let mut filled = 0u32;
    let mut received = 0u64;
    loop {
        let read = JsFuture::from(reader.read())
            .await
            .map_err(|e| format!("the download stopped after {received} bytes: {}", js_error_text(&e)))?;
        let done = js_sys::Reflect::get(&read, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        let value = js_sys::Reflect::get(&read, &"value".into()).ok();
        if let Some(mut bytes) = value.and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok()) {
            received += u64::from(bytes.length());
            // Fills the slice; a full slice goes to the worker, the rest of the bytes start the next one.
            while bytes.length() > 0 {
                let take = bytes.length().min(slice.length() - filled);
                slice.set(&bytes.subarray(0, take), filled);
                filled += take;
                bytes = bytes.subarray(take, bytes.length());
                if filled == slice.length() {
                    if !upload.may_send().await {
                        let _ = reader.cancel();
                        return Ok(());
                    }
                    upload.in_flight.set(upload.in_flight.get() + 1);
                    port.send(&Request::Chunk { handle }, Some(&slice.buffer()));
                    slice = js_sys::Uint8Array::new_with_length(CHUNK_BYTES as u32);
                    filled = 0;
                }
            }
        }
        if done {
            break;
        }
    }
    if filled > 0 && upload.may_send().await {
        upload.in_flight.set(upload.in_flight.get() + 1);
        port.send(&Request::Chunk { handle }, Some(&slice.slice(0, filled).buffer()));
    }
    if !upload.stopped.get() {
        port.send(&Request::EndOfFile { handle }, None);
    }
    Ok(())
}

async fn read_slice(file: &File, offset: f64, end: f64) -> Result<ArrayBuffer, String> {
    let blob = file
        .slice_with_f64_and_f64(offset, end)
        .map_err(|e| format!("cannot slice the file at byte {offset}: {e:?}"))?;
    let bytes = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| format!("cannot read the file at byte {offset}: {}", js_error_text(&e)))?;
    bytes.dyn_into::<ArrayBuffer>().map_err(|_| format!("reading the file at byte {offset} gave no bytes"))
}

/// A DOM exception's message ("The requested file could not be read…"), or its debug form.
pub fn js_error_text(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
