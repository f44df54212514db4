//! Search: objects by name (string values included) as a substring or a regular expression, by class name,
//! or by `@id`, as DevTools' search does; results page by page, largest retained size first, each opening
//! in the Object view. The query lives in the URL; a query the worker refuses (a bad regular expression)
//! shows its error here.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::super::dom::{append, el, set_attr};
use super::super::listeners::Listeners;
use super::super::router::Route;
use super::super::tree::TreeTable;
use super::rows::ObjectList;
use super::{frame, Alive, Context, Snapshot};
use crate::protocol::Query;
use crate::snapshot::{SearchField, SearchQuery};

struct SearchView {
    results: RefCell<Option<Rc<TreeTable<ObjectList>>>>,
    _listeners: Listeners,
}

pub fn show(context: &Rc<Context>, snapshot: &Snapshot, route: &Route, body: &HtmlElement) -> Alive {
    let section = frame(body, "view-search", &format!("Search {}", snapshot.name));
    let form = append(&section, el("form", "search-form", ""));
    let input = append(&form, el("input", "search-text", "")).unchecked_into::<HtmlInputElement>();
    input.set_type("search");
    input.set_placeholder("Text, /regex/ with the box ticked, or @id  ( / )");
    set_attr(&input, "aria-label", "Search for");
    set_attr(&input, "data-testid", "search-input");
    input.set_value(route.get("q").unwrap_or(""));
    let field = append(&form, el("select", "search-field", "")).unchecked_into::<HtmlSelectElement>();
    set_attr(&field, "aria-label", "Search in");
    for (value, label) in [("name", "names and strings"), ("class", "class names")] {
        let option = append(&field, el("option", "", label));
        set_attr(&option, "value", value);
    }
    field.set_value(route.get("in").unwrap_or("name"));
    let regex = checkbox(&form, "regex", "Regular expression", route.get("regex") == Some("1"));
    let case = checkbox(&form, "case", "Match case", route.get("case") == Some("1"));
    let go = append(&form, el("button", "", "Search"));
    set_attr(&go, "type", "submit");
    let results = append(&section, el("div", "search-results", ""));

    let listeners = Listeners::default();
    let view = Rc::new(SearchView { results: RefCell::default(), _listeners: listeners });
    let (context_for_submit, file, handle) = (Rc::clone(context), snapshot.name.clone(), snapshot.handle);
    let weak = Rc::downgrade(&view);
    let (input_for_submit, results_for_submit) = (input.clone(), results.clone());
    let run = move |record: bool| {
        let Some(view) = weak.upgrade() else { return };
        let text = input_for_submit.value();
        let mut route = Route::new("search").with("file", &file).with("q", &text).with("in", &field.value());
        route.set("regex", if regex.checked() { "1" } else { "" });
        route.set("case", if case.checked() { "1" } else { "" });
        if record {
            route.replace();
        }
        results_for_submit.set_inner_html("");
        if text.trim().is_empty() {
            return;
        }
        let search = SearchQuery {
            text,
            field: if field.value() == "class" { SearchField::Class } else { SearchField::Name },
            case_sensitive: case.checked(),
            regex: regex.checked(),
        };
        let model = ObjectList {
            port: Rc::clone(&context_for_submit.port),
            handle,
            file: file.clone(),
            query: Box::new(move |offset, limit| Query::Search { search: search.clone(), offset, limit }),
        };
        let tree = TreeTable::new(&results_for_submit, "search-results", model, None, Vec::new());
        *view.results.borrow_mut() = Some(tree);
    };
    let run = Rc::new(run);
    let run_on_submit = Rc::clone(&run);
    view._listeners.on(&form, "submit", move |event| {
        event.prevent_default();
        run_on_submit(true);
    });
    if route.get("q").is_some() {
        run(false);
    }
    let _ = input.focus();
    Box::new(view)
}

fn checkbox(form: &HtmlElement, name: &str, label: &str, checked: bool) -> HtmlInputElement {
    let wrapper = append(form, el("label", "check", ""));
    let input = append(&wrapper, el("input", "", "")).unchecked_into::<HtmlInputElement>();
    input.set_type("checkbox");
    input.set_name(name);
    input.set_checked(checked);
    set_attr(&input, "data-testid", &format!("search-{name}"));
    append(&wrapper, el("span", "", &format!(" {label}")));
    input
}
