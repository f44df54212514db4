//! The page's state in the URL hash: which view, of which file, showing what. Reload, back and forward
//! restore a view from it, and a link reproduces it once the same files are loaded (files are named by
//! their file name: handles last one page load only).
//!
//! The hash reads `#/VIEW?key=value&…` (or `#key=value&…` for the default view), values URI-encoded; a path of rows opened in a tree (`open`) is
//! its keys, each encoded, joined by `/`. Moving to another view or object adds a history entry; a change
//! within a view (sort, filter, an expanded row) replaces the current one.

use wasm_bindgen::JsValue;

/// A view and its parameters, as in the hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub view: String,
    params: Vec<(String, String)>,
}

impl Route {
    pub fn new(view: &str) -> Self {
        Route { view: view.to_owned(), params: Vec::new() }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.set(key, value);
        self
    }

    /// Every value of a parameter that may repeat (`url`).
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.params.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Sets a parameter; an empty value removes it.
    pub fn set(&mut self, key: &str, value: &str) {
        self.params.retain(|(k, _)| k != key);
        if !value.is_empty() {
            self.params.push((key.to_owned(), value.to_owned()));
        }
    }

    /// A tree path parameter: the keys of the rows opened, top first.
    pub fn path(&self, key: &str) -> Vec<String> {
        self.get(key).map(|raw| raw.split('/').map(decode).collect()).unwrap_or_default()
    }

    pub fn set_path(&mut self, key: &str, path: &[String]) {
        let raw: Vec<String> = path.iter().map(|k| encode(k)).collect();
        self.set(key, &raw.join("/"));
    }

    /// The route in the current URL.
    pub fn current() -> Route {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        Route::parse(&hash)
    }

    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#').trim_start_matches('/');
        // `#url=…` (parameters without a view) reads as the default view with them.
        let (view, query) = match hash.split_once('?') {
            Some(parts) => parts,
            None if hash.contains('=') => ("", hash),
            None => (hash, ""),
        };
        let params = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                // Paths keep their keys encoded until `path` splits them.
                let value = if key == "open" { value.to_owned() } else { decode(value) };
                (decode(key), value)
            })
            .collect();
        Route { view: decode(view), params }
    }

    pub fn to_hash(&self) -> String {
        let mut hash = format!("#/{}", encode(&self.view));
        for (i, (key, value)) in self.params.iter().enumerate() {
            let value = if key == "open" { value.clone() } else { encode(value) };
            hash.push(if i == 0 { '?' } else { '&' });
            hash.push_str(&format!("{}={value}", encode(key)));
        }
        hash
    }

    /// Goes to this route: a new history entry, and the page shows it (on `hashchange`).
    pub fn go(&self) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&self.to_hash());
        }
    }

    /// Records this route as the current one without a new history entry or a new view.
    pub fn replace(&self) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&self.to_hash()));
        }
    }
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text).map(String::from).unwrap_or_else(|_| text.to_owned())
}
