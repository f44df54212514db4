//! Small helpers for building DOM elements from Rust without `unwrap`s scattered through the views.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("the page has a document")
}

/// Creates `<tag class="class">text</tag>`; empty `class`/`text` are left out.
pub fn el(tag: &str, class: &str, text: &str) -> HtmlElement {
    let element = document().create_element(tag).expect("valid tag name").unchecked_into::<HtmlElement>();
    if !class.is_empty() {
        element.set_class_name(class);
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    element
}

/// Appends `child` to `parent` and returns the child, for chaining.
pub fn append<T: AsRef<web_sys::Node>>(parent: &Element, child: T) -> T {
    // Appending a freshly created element cannot fail.
    let _ = parent.append_child(child.as_ref());
    child
}

/// The element with `id`, which the page's HTML always has.
pub fn by_id(id: &str) -> HtmlElement {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("index.html has no #{id}"))
        .unchecked_into::<HtmlElement>()
}

/// Sets an attribute, ignoring the (impossible for valid names) error.
pub fn set_attr(element: &Element, name: &str, value: &str) {
    let _ = element.set_attribute(name, value);
}
