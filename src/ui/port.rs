//! The page's end of the channel to the worker: queues messages until the worker is ready and routes each
//! answer, or the error that replaced it, back to whoever asked.
//!
//! State lives in `Cell`/`RefCell`s with short borrows, so an answer's callback may itself send a query.
//! Views hand in callbacks that hold only weak references to themselves, so a view that was left is freed
//! at once and its late answers fall on the floor.

use std::cell::{Cell, RefCell};

use js_sys::{Array, ArrayBuffer, Object, Reflect};
use rustc_hash::FxHashMap;
use wasm_bindgen::JsValue;
use web_sys::Worker;

use crate::protocol::Answer;
use crate::protocol::{Handle, Query, Request};

/// An answer, or what went wrong in the worker, in the user's words.
pub type Reply = Result<Answer, String>;

type OnAnswer = Box<dyn FnOnce(Reply)>;

pub struct Port {
    worker: Worker,
    ready: Cell<bool>,
    /// Messages posted before the worker was ready, each with the buffer it transfers, if any.
    queued: RefCell<Vec<(JsValue, Option<ArrayBuffer>)>>,
    next_seq: Cell<u32>,
    waiting: RefCell<FxHashMap<u32, OnAnswer>>,
}

impl Port {
    pub fn new(worker: Worker) -> Self {
        Self {
            worker,
            ready: Cell::new(false),
            queued: RefCell::default(),
            next_seq: Cell::new(1),
            waiting: RefCell::default(),
        }
    }

    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// The worker said `Ready`: send what waited.
    pub fn set_ready(&self) {
        self.ready.set(true);
        let queued = std::mem::take(&mut *self.queued.borrow_mut());
        for (message, bytes) in queued {
            self.post(&message, bytes.as_ref());
        }
    }

    /// Posts `request` (with `bytes` beside it, transferred to the worker: the page's buffer is emptied), or
    /// queues it until the worker is ready.
    pub fn send(&self, request: &Request, bytes: Option<&ArrayBuffer>) {
        let request = match serde_wasm_bindgen::to_value(request) {
            Ok(value) => value,
            Err(e) => {
                web_sys::console::error_1(&format!("heapscope: cannot encode a request: {e}").into());
                return;
            }
        };
        let message = Object::new();
        let _ = Reflect::set(&message, &"request".into(), &request);
        if let Some(bytes) = bytes {
            let _ = Reflect::set(&message, &"bytes".into(), bytes);
        }
        if self.ready.get() {
            self.post(&message, bytes);
        } else {
            self.queued.borrow_mut().push((message.into(), bytes.cloned()));
        }
    }

    /// Asks a query about a file; `on_answer` runs once, with the answer or the worker's error.
    pub fn query(&self, handle: Handle, query: Query, on_answer: impl FnOnce(Reply) + 'static) {
        let seq = self.next_seq.get();
        self.next_seq.set(seq.wrapping_add(1));
        self.waiting.borrow_mut().insert(seq, Box::new(on_answer));
        self.send(&Request::Query { handle, seq, query }, None);
    }

    /// Hands an answer (or the error that replaced it) to whoever asked for it.
    pub fn deliver(&self, seq: u32, reply: Reply) {
        let on_answer = self.waiting.borrow_mut().remove(&seq);
        if let Some(on_answer) = on_answer {
            on_answer(reply);
        }
    }

    fn post(&self, message: &JsValue, bytes: Option<&ArrayBuffer>) {
        let posted = match bytes {
            Some(bytes) => self.worker.post_message_with_transfer(message, &Array::of1(bytes)),
            None => self.worker.post_message(message),
        };
        if let Err(e) = posted {
            web_sys::console::error_2(&"heapscope: postMessage failed".into(), &e);
        }
    }
}
