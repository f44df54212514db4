//! "Export report": the worker writes a report of every loaded snapshot (in series order) and metrics
//! file, as one self-contained HTML file and as JSON, and the page hands it to the browser as a download.
//! String values from the heap are left out unless the user ticks "include string values"; the report
//! says which. Nothing leaves the machine: the file is made from a `blob:` URL.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

use super::dom::{self, el, set_attr};
use super::listeners::Listeners;
use super::views::{series, Context};
use crate::protocol::{Answer, Query};

/// The export controls in the page's header, shown once a file is loaded.
#[derive(Default)]
pub struct Export {
    /// The last download's `blob:` URL, revoked when the next one replaces it.
    last_url: RefCell<Option<String>>,
}

impl Export {
    /// Listens to the export buttons for the page's life.
    pub fn wire(self: &Rc<Self>, context: &Rc<Context>, listeners: &Listeners) {
        for (id, json) in [("export-report", false), ("export-json", true)] {
            let (export, context) = (Rc::downgrade(self), Rc::clone(context));
            listeners.on(&dom::by_id(id), "click", move |_| {
                if let Some(export) = export.upgrade() {
                    export.run(&context, json);
                }
            });
        }
    }

    fn run(self: &Rc<Self>, context: &Context, json: bool) {
        let include_strings = dom::by_id("export-strings")
            .dyn_into::<HtmlInputElement>()
            .map(|input| input.checked())
            .unwrap_or(false);
        let snapshots = series(context).into_iter().map(|(handle, _)| handle).collect();
        let metrics =
            context.files.metrics().into_iter().filter(|m| !m.combination).map(|m| m.handle).collect();
        let status = dom::by_id("export-status");
        status.set_text_content(Some("Writing the report…"));
        let export = Rc::downgrade(self);
        let query = Query::Report { snapshots, metrics, include_strings };
        context.port.query(0, query, move |reply| {
            let Some(export) = export.upgrade() else { return };
            match reply {
                Ok(Answer::Report { html, json: document }) => {
                    status.set_text_content(Some(""));
                    let (text, kind, name) = if json {
                        (document, "application/json", "heapscope-report.json")
                    } else {
                        (html, "text/html", "heapscope-report.html")
                    };
                    if let Err(message) = export.download(&text, kind, name) {
                        show_error(&status, &message);
                    }
                }
                Ok(_) => show_error(&status, "the worker answered another question"),
                Err(message) => show_error(&status, &message),
            }
        });
    }

    /// Hands `text` to the browser as a file named `name`.
    fn download(&self, text: &str, kind: &str, name: &str) -> Result<(), String> {
        let parts = js_sys::Array::of1(&text.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(kind);
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
            .map_err(|e| format!("cannot make the file: {e:?}"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
        let link = el("a", "", "").unchecked_into::<web_sys::HtmlAnchorElement>();
        link.set_href(&url);
        link.set_download(name);
        link.click();
        if let Some(old) = self.last_url.borrow_mut().replace(url) {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        Ok(())
    }
}

fn show_error(status: &HtmlElement, message: &str) {
    status.set_text_content(Some(message));
    set_attr(status, "data-testid", "error");
}
