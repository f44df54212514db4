//! Keeping the page current: registers the service worker (`www/sw.js`), which keeps this build for offline
//! use, and offers the next build when one is deployed.
//!
//! The browser looks for a new `sw.js` when the page is opened or reloaded; this module also asks every few
//! minutes and whenever the tab becomes visible again, so a tab left open learns of a deployment. A new
//! worker precaches its build and then waits. The page shows a banner (`update-available`) and never reloads
//! by itself, since a reload would drop the files being analysed. When the person clicks Reload, the waiting
//! worker is asked to take over, and the page reloads once it controls the page (`controllerchange`), so
//! the reloaded page is served by the new build.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState, Window};

use super::dom;
use super::listeners::Listeners;

/// How often an open tab asks whether a new build was deployed.
const CHECK_EVERY_MS: i32 = 5 * 60 * 1000;
/// What `www/sw.js` takes as "take over now".
const SKIP_WAITING: &str = "skip-waiting";

/// What keeps the watch going; lives as long as the page.
#[derive(Default)]
struct Watch {
    listeners: Listeners,
    /// The periodic update check, kept so its closure is not freed while the interval calls it.
    timer: RefCell<Option<Closure<dyn FnMut()>>>,
    /// Whether a worker controlled the page already: the first one to take control is the first install
    /// (no update to offer), any later one is a new build.
    controlled: Cell<bool>,
    /// Set when the person clicked Reload: the next `controllerchange` reloads the page.
    reload_requested: Cell<bool>,
}

thread_local! {
    /// The watch, for the page's life (the page's other state lives in `mod.rs`'s `PAGE`).
    static WATCH: RefCell<Option<Rc<Watch>>> = const { RefCell::new(None) };
}

/// Registers the service worker and watches for new builds; the page works without either.
pub fn watch() {
    let Some(window) = web_sys::window() else { return };
    // Absent where service workers are not allowed (a page not served over https or from localhost).
    let available =
        Reflect::get(&window.navigator(), &"serviceWorker".into()).is_ok_and(|v| !v.is_undefined());
    if !available {
        return;
    }
    let container = window.navigator().service_worker();
    let watch = Rc::new(Watch::default());
    watch.controlled.set(container.controller().is_some());
    let weak = Rc::downgrade(&watch);
    watch.listeners.on(&container, "controllerchange", move |_| {
        if let Some(watch) = weak.upgrade() {
            on_controller_change(&watch);
        }
    });
    WATCH.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&watch)));
    let registration = container.register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        match JsFuture::from(registration).await {
            Ok(registration) => {
                watch_registration(&watch, &window, &container, registration.unchecked_into())
            }
            Err(e) => web_sys::console::warn_2(&"heapscope: service worker not registered".into(), &e),
        }
    });
}

fn on_controller_change(watch: &Rc<Watch>) {
    if watch.reload_requested.get() {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    } else if watch.controlled.replace(true) {
        // Another tab took the new build: this one keeps running the old until the person reloads.
        offer(watch, None);
    }
}

fn watch_registration(
    watch: &Rc<Watch>,
    window: &Window,
    container: &ServiceWorkerContainer,
    registration: ServiceWorkerRegistration,
) {
    // A build installed earlier (in this tab's load, or by another tab) may be waiting already.
    if registration.waiting().is_some() && container.controller().is_some() {
        offer(watch, Some(&registration));
    }
    let weak = Rc::downgrade(watch);
    let (found, container) = (registration.clone(), container.clone());
    watch.listeners.on(&registration, "updatefound", move |_| {
        let (Some(watch), Some(installing)) = (weak.upgrade(), found.installing()) else { return };
        let (worker, registration, container) = (installing.clone(), found.clone(), container.clone());
        let weak = Rc::downgrade(&watch);
        watch.listeners.on(&installing, "statechange", move |_| {
            // With no controller this is the first install, which takes over by itself: nothing to offer.
            if worker.state() == ServiceWorkerState::Installed && container.controller().is_some() {
                if let Some(watch) = weak.upgrade() {
                    offer(&watch, Some(&registration));
                }
            }
        });
    });
    let check = registration.clone();
    let timer = Closure::<dyn FnMut()>::new(move || check_for_update(&check));
    let _ = window.set_interval_with_callback_and_timeout_and_arguments_0(
        timer.as_ref().unchecked_ref(),
        CHECK_EVERY_MS,
    );
    *watch.timer.borrow_mut() = Some(timer);
    if let Some(document) = window.document() {
        let visible = document.clone();
        watch.listeners.on(&document, "visibilitychange", move |_| {
            if !visible.hidden() {
                check_for_update(&registration);
            }
        });
    }
}

/// Asks the browser to fetch `sw.js` again; a changed one installs as a new worker (see `updatefound`).
fn check_for_update(registration: &ServiceWorkerRegistration) {
    let Ok(promise) = registration.update() else { return };
    // Offline, or the server is down: the next check will do.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}

/// Shows the update banner once; its button hands over to the waiting worker (if the new build is already
/// active, from another tab, it just reloads).
fn offer(watch: &Rc<Watch>, registration: Option<&ServiceWorkerRegistration>) {
    let document = dom::document();
    if document.get_element_by_id("update").is_some() {
        return;
    }
    let banner = dom::el("p", "update", "A new version of heapscope is available — ");
    banner.set_id("update");
    dom::set_attr(&banner, "role", "status");
    dom::set_attr(&banner, "data-testid", "update-available");
    // style.css has no rule for it: inline, with the page's colours.
    dom::set_attr(
        &banner,
        "style",
        "margin: 8px 0 0; padding: 6px 12px; border: 1px solid var(--accent); border-radius: 6px; \
         background: var(--accent-bg)",
    );
    let button = dom::append(&banner, dom::el("button", "small", "Reload"));
    dom::set_attr(&button, "type", "button");
    dom::set_attr(&button, "data-testid", "update-reload");
    let weak = Rc::downgrade(watch);
    let registration = registration.cloned();
    watch.listeners.on(&button, "click", move |_| {
        let Some(watch) = weak.upgrade() else { return };
        match registration.as_ref().and_then(ServiceWorkerRegistration::waiting) {
            Some(waiting) => {
                watch.reload_requested.set(true);
                let _ = waiting.post_message(&SKIP_WAITING.into());
            }
            None => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        }
    });
    if let Some(header) = document.query_selector("header.top").ok().flatten() {
        let _ = header.append_child(&banner);
    }
}
