//! Tables of rows that arrive page by page: a header, a body, and a "Show more" button that asks for the
//! next page only when the user wants it.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::{append, el};

/// One cell: its text and whether it is a number (right-aligned).
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

pub fn text(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), numeric: false }
}

pub fn number(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), numeric: true }
}

/// A table under construction.
pub struct Table {
    body: HtmlElement,
}

impl Table {
    /// Appends an empty table with `headers` (a trailing `#` marks a numeric column) to `parent`.
    pub fn new(parent: &HtmlElement, class: &str, headers: &[&str]) -> Self {
        let element = append(parent, el("table", class, ""));
        let head = append(&element, el("thead", "", ""));
        let head_row = append(&head, el("tr", "", ""));
        for header in headers {
            let (label, numeric) = match header.strip_suffix('#') {
                Some(label) => (label, true),
                None => (*header, false),
            };
            append(&head_row, el("th", if numeric { "num" } else { "" }, label));
        }
        let body = append(&element, el("tbody", "", ""));
        Self { body }
    }

    /// Appends a row; `on_click`, if given, makes it clickable.
    pub fn row(&self, cells: Vec<Cell>, on_click: Option<Box<dyn FnMut()>>) -> HtmlElement {
        let tr = append(&self.body, el("tr", "", ""));
        for cell in cells {
            append(&tr, el("td", if cell.numeric { "num" } else { "" }, &cell.text));
        }
        if let Some(on_click) = on_click {
            tr.set_class_name("clickable");
            on(&tr, "click", on_click);
        }
        tr
    }

    /// Rows shown so far.
    pub fn len(&self) -> u32 {
        self.body.child_element_count()
    }
}

/// Adds a "Show more" button under `table` when `shown < total`; clicking it calls `load_more(shown)` and
/// removes the button (the next page adds a new one if there is still more).
pub fn more_button(parent: &HtmlElement, shown: u32, total: usize, load_more: Rc<dyn Fn(u32)>) {
    if (shown as usize) >= total {
        return;
    }
    let label = format!("Show more ({} of {} shown)", shown, total);
    let button = append(parent, el("button", "more", &label));
    let button_for_click = button.clone();
    on(
        &button,
        "click",
        Box::new(move || {
            button_for_click.remove();
            load_more(shown);
        }),
    );
}

/// Adds an event listener for the element's lifetime.
pub fn on(element: &HtmlElement, event: &str, handler: Box<dyn FnMut()>) {
    let closure = Closure::<dyn FnMut()>::wrap(handler);
    let _ = element.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
}
