//! Static tables the views draw whole (a metrics file's series, the leak clusters): a header and rows of
//! text, no listeners. Lists that page or open use `tree`.

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

    /// Appends a row.
    pub fn row(&self, cells: Vec<Cell>) {
        let tr = append(&self.body, el("tr", "", ""));
        for cell in cells {
            append(&tr, el("td", if cell.numeric { "num" } else { "" }, &cell.text));
        }
    }
}
