//! Event listeners owned by whoever added them: dropping a [`Listeners`] removes every listener it holds
//! from its target and frees the closure with it.
//!
//! Views keep one `Listeners` each and register one listener per table or tree (rows are found from the
//! event's target), so leaving a view frees all its closures: nothing is `forget()`-ed per row, and browsing
//! for an hour does not grow the page's memory.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

type Handler = Closure<dyn FnMut(Event)>;

#[derive(Default)]
pub struct Listeners {
    bound: RefCell<Vec<(EventTarget, &'static str, Handler)>>,
}

impl Listeners {
    /// Calls `handler` on each `event` at `target` until these listeners are dropped.
    pub fn on(&self, target: &EventTarget, event: &'static str, handler: impl FnMut(Event) + 'static) {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        self.bound.borrow_mut().push((target.clone(), event, closure));
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        for (target, event, closure) in self.bound.get_mut().drain(..) {
            let _ = target.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
    }
}
