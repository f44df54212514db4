//! Files opened from a link: `#url=<address>` (one or several) asks the page to download published
//! snapshots or metrics and analyse them here, with the route's view following them.
//!
//! A link must not make the browser fetch from an address the user did not see: the page first lists the
//! hosts and files and fetches only after the user confirms. Addresses other than `https:` and
//! `http://localhost` / `http://127.0.0.1` are refused (the Content-Security-Policy allows no others). The
//! body is read as it arrives and goes to the worker through the same chunks as a dropped file
//! (`upload::send_response`), with its progress. A network or CORS failure says what the host must send.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::{self, append, el, set_attr};
use super::listeners::Listeners;
use super::router::Route;

/// The confirmation shown for a link's files, and the addresses already offered in this page load.
#[derive(Default)]
pub struct Remote {
    offered: RefCell<Vec<String>>,
    panel: RefCell<Option<(HtmlElement, Listeners)>>,
}

/// A link's address, checked.
pub struct Address {
    pub url: String,
    pub host: String,
    /// The file's name: the last part of its path.
    pub name: String,
}

impl Remote {
    /// Offers to download the route's `url=` files not offered yet; `fetch` runs with them once confirmed.
    pub fn offer(&self, route: &Route, fetch: impl Fn(Vec<Address>) + 'static) {
        let new: Vec<String> = route
            .all("url")
            .into_iter()
            .filter(|url| !self.offered.borrow().iter().any(|o| o == url))
            .map(str::to_owned)
            .collect();
        if new.is_empty() {
            return;
        }
        self.offered.borrow_mut().extend(new.iter().cloned());
        let (addresses, refused): (Vec<_>, Vec<_>) =
            new.iter().map(|url| check(url)).partition(Result::is_ok);
        let addresses: Vec<Address> = addresses.into_iter().filter_map(Result::ok).collect();
        let panel = el("section", "remote-confirm", "");
        set_attr(&panel, "data-testid", "url-confirm-panel");
        set_attr(&panel, "role", "dialog");
        set_attr(&panel, "aria-label", "Download the files of this link?");
        let main = dom::document().query_selector("main").ok().flatten();
        if let Some(main) = main {
            let _ = main.prepend_with_node_1(&panel);
        }
        for message in refused.into_iter().filter_map(Result::err) {
            let p = append(&panel, el("p", "error", &message));
            set_attr(&p, "data-testid", "error");
        }
        let listeners = Listeners::default();
        if !addresses.is_empty() {
            let intro = "This link asks heapscope to download these files and analyse them in this tab \
                         (nothing is uploaded anywhere):";
            append(&panel, el("p", "", intro));
            let list = append(&panel, el("ul", "remote-files", ""));
            for address in &addresses {
                let li = append(&list, el("li", "", ""));
                append(&li, el("strong", "", &address.host));
                append(&li, el("span", "", &format!(" {}", address.url)));
            }
            let buttons = append(&panel, el("p", "", ""));
            let confirm = append(&buttons, el("button", "", "Download and open"));
            set_attr(&confirm, "data-testid", "url-confirm");
            set_attr(&confirm, "type", "button");
            let cancel = append(&buttons, el("button", "", "Cancel"));
            set_attr(&cancel, "data-testid", "url-cancel");
            set_attr(&cancel, "type", "button");
            let chosen = RefCell::new(Some(addresses));
            let panel_for_confirm = panel.clone();
            listeners.on(&confirm, "click", move |_| {
                panel_for_confirm.remove();
                if let Some(addresses) = chosen.borrow_mut().take() {
                    fetch(addresses);
                }
            });
            let panel_for_cancel = panel.clone();
            listeners.on(&cancel, "click", move |_| panel_for_cancel.remove());
            let _ = confirm.focus();
        }
        // The previous panel, if any, goes with its listeners.
        if let Some((old, _)) = self.panel.borrow_mut().replace((panel, listeners)) {
            old.remove();
        }
    }
}

/// The address if the page may fetch it, or why not.
fn check(url: &str) -> Result<Address, String> {
    let parsed = web_sys::Url::new(url).map_err(|_| format!("\u{201c}{url}\u{201d} is not an address"))?;
    let protocol = parsed.protocol();
    let hostname = parsed.hostname();
    let local = matches!(hostname.as_str(), "localhost" | "127.0.0.1");
    if protocol != "https:" && !(protocol == "http:" && local) {
        return Err(format!(
            "{url}: only https: addresses (and http://localhost or http://127.0.0.1) can be opened from a link"
        ));
    }
    let path = parsed.pathname();
    let name = path.rsplit('/').find(|part| !part.is_empty()).unwrap_or("download");
    let name = js_sys::decode_uri_component(name).map(String::from).unwrap_or_else(|_| name.to_owned());
    Ok(Address { url: parsed.href(), host: parsed.host(), name })
}

/// Fetches an address: the response if the host sent the file, or what went wrong in the user's words.
pub async fn fetch(address: &Address) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let origin = window.location().origin().unwrap_or_default();
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&address.url)).await.map_err(|_| {
        format!(
            "cannot download {}: the host did not answer, or did not allow this page to read the file. A host \
             that publishes files for heapscope must answer with the header \
             `Access-Control-Allow-Origin: *` (or `Access-Control-Allow-Origin: {origin}`)",
            address.url
        )
    })?;
    let response = response.unchecked_into::<web_sys::Response>();
    if !response.ok() {
        return Err(format!("cannot download {}: the host answered HTTP {}", address.url, response.status()));
    }
    Ok(response)
}

/// The size the host announced, if it did.
pub fn announced_size(response: &web_sys::Response) -> Option<u64> {
    response.headers().get("content-length").ok().flatten().and_then(|length| length.parse().ok())
}
