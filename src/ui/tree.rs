//! Tables and trees whose rows arrive page by page from the worker: the one widget behind every list on the
//! page (the Summary with classes opening into their objects, an object's properties and retainer tree, the
//! dominator tree, search results, the dominator chain).
//!
//! A [`TreeModel`] says what the columns are, how an item is drawn and how to ask for a page of children;
//! the [`TreeTable`] owns the rows. Children are asked for when a row is expanded and dropped (DOM and data)
//! when it is collapsed; "Show more" asks for the next page. Three listeners serve the whole tree (click,
//! key, header click), and find the row from the event's target; they go when the tree is dropped. A page
//! that fails shows its error in place with a retry, and the rest of the tree stays usable.
//!
//! Keys: ↑/↓ move, → expands (or steps into), ← collapses (or steps out), Enter opens the row's object.
//! Each row's `name` cell holds exactly the item's name; arrows and `@id`s are drawn by CSS from attributes.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, KeyboardEvent};

use super::dom::{append, el, set_attr};
use super::listeners::Listeners;
use crate::units::format_count;

/// A column: its header, its `data-col` name, and whether it holds numbers (right-aligned).
pub struct Column {
    pub title: &'static str,
    pub col: &'static str,
    pub numeric: bool,
}

/// One cell as drawn: the text, the exact number (`data-value`), a tooltip.
pub struct CellView {
    pub text: String,
    pub value: Option<String>,
    pub title: Option<String>,
}

impl CellView {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), value: None, title: None }
    }
}

/// One row as drawn.
pub struct RowView {
    pub cells: Vec<CellView>,
    /// Whether the row opens into children.
    pub expandable: bool,
    /// Extra CSS classes (`weak`, `cycle`, …).
    pub classes: &'static str,
    /// Identifies the row among its siblings (`data-key`), for paths kept in the URL.
    pub key: String,
    /// A V8 id drawn after the name (`data-id`), for rows that are objects.
    pub id: Option<u32>,
}

/// What a page of children brings: the items and how many there are in all.
pub type Loaded<I> = Result<(Vec<I>, usize), String>;
/// Called once with a page of children.
pub type OnLoaded<I> = Box<dyn FnOnce(Loaded<I>)>;

/// What a tree shows and how it asks for it.
pub trait TreeModel: 'static {
    type Item: 'static;
    fn columns(&self) -> &'static [Column];
    /// Draws `item`, whose ancestors are `ancestors` (top level first).
    fn row(&self, item: &Self::Item, ancestors: &[&Self::Item]) -> RowView;
    /// Asks for the children of `parent` (the top level when `None`) from `offset` on.
    fn load(&self, parent: Option<&Self::Item>, offset: u32, done: OnLoaded<Self::Item>);
    /// The user opened a row (Enter, or a click on its name).
    fn activate(&self, item: &Self::Item);
    /// Whether the first child of a row just expanded opens by itself (DevTools opens the retainers along
    /// the path to a GC root).
    fn auto_expand(&self, _child: &Self::Item, _parent: Option<&Self::Item>, _depth: usize) -> bool {
        false
    }
    /// The deepest row the user opened, as the keys from the top level down (empty when none is open).
    fn expanded_path_changed(&self, _path: Vec<String>) {}
}

/// A page that came back: for which row, asked when (its token), and what it brought.
type Answered<I> = (usize, u32, Loaded<I>);

/// Sorting offered by the headers: the sorted column and direction, and what to do on a header click.
pub struct Sorting {
    pub col: &'static str,
    pub descending: bool,
    pub on_sort: Box<dyn Fn(&'static str)>,
}

/// Rows asked for at a time when nothing else is said.
pub const PAGE_ROWS: u32 = 50;
/// Pages read while looking for a row of a path to restore.
const PATH_SEARCH_PAGES: u32 = 20;

struct Entry<I> {
    /// `None` for the invisible root whose children are the top level.
    item: Option<I>,
    parent: usize,
    depth: usize,
    tr: Option<HtmlElement>,
    key: String,
    /// The row is an object (it has an `@id`): Enter and a click on its name open it.
    is_object: bool,
    expandable: bool,
    expanded: bool,
    children: Vec<usize>,
    total: usize,
    /// The "Show more", "Loading…" or error row under the children.
    tail: Option<HtmlElement>,
    /// Bumped on each expand and collapse: a page asked for before then is dropped when it comes.
    token: u32,
    /// Keys of a path still to open below this row.
    pending: Vec<String>,
    pages_searched: u32,
}

impl<I> Entry<I> {
    fn new(item: Option<I>, parent: usize, depth: usize) -> Self {
        Entry {
            item,
            parent,
            depth,
            tr: None,
            key: String::new(),
            is_object: false,
            expandable: true,
            expanded: false,
            children: Vec::new(),
            total: 0,
            tail: None,
            token: 0,
            pending: Vec::new(),
            pages_searched: 0,
        }
    }
}

pub struct TreeTable<M: TreeModel> {
    model: M,
    table: HtmlElement,
    body: HtmlElement,
    entries: RefCell<Vec<Option<Entry<M::Item>>>>,
    selected: Cell<usize>,
    listeners: Listeners,
    /// Set while the model is asked for a page; answers given during the call wait in `answered_at_once`.
    asking: Cell<bool>,
    answered_at_once: RefCell<Vec<Answered<M::Item>>>,
}

const ROOT: usize = 0;

impl<M: TreeModel> TreeTable<M> {
    /// A tree in `parent`, asking for its top level at once; `open` is a path of keys to open as it loads.
    pub fn new(
        parent: &Element,
        class: &str,
        model: M,
        sorting: Option<Sorting>,
        open: Vec<String>,
    ) -> Rc<Self> {
        let table = append(parent, el("table", &format!("tree {class}"), ""));
        set_attr(&table, "tabindex", "0");
        set_attr(&table, "role", "treegrid");
        let head = append(&table, el("thead", "", ""));
        let head_row = append(&head, el("tr", "", ""));
        for column in model.columns() {
            let th = append(&head_row, el("th", if column.numeric { "num" } else { "" }, column.title));
            set_attr(&th, "data-col", column.col);
            if let Some(sorting) = &sorting {
                th.class_list().add_1("sortable").ok();
                if sorting.col == column.col {
                    set_attr(&th, "aria-sort", if sorting.descending { "descending" } else { "ascending" });
                }
            }
        }
        let body = append(&table, el("tbody", "", ""));
        let mut root = Entry::new(None, ROOT, 0);
        root.pending = open;
        let tree = Rc::new(TreeTable {
            model,
            table,
            body,
            entries: RefCell::new(vec![Some(root)]),
            selected: Cell::new(ROOT),
            listeners: Listeners::default(),
            asking: Cell::new(false),
            answered_at_once: RefCell::default(),
        });
        tree.listen(sorting);
        tree.load(ROOT, 0);
        tree
    }

    pub fn element(&self) -> &HtmlElement {
        &self.table
    }

    fn listen(self: &Rc<Self>, sorting: Option<Sorting>) {
        let weak = Rc::downgrade(self);
        self.listeners.on(&self.body, "click", move |event| {
            if let Some(tree) = weak.upgrade() {
                tree.on_click(&event);
            }
        });
        let weak = Rc::downgrade(self);
        self.listeners.on(&self.table, "keydown", move |event| {
            if let Some(tree) = weak.upgrade() {
                tree.on_key(&event);
            }
        });
        if let (Some(sorting), Some(head)) = (sorting, self.table.first_element_child()) {
            let weak = Rc::downgrade(self);
            self.listeners.on(&head, "click", move |event| {
                let Some(tree) = weak.upgrade() else { return };
                let col = target_element(&event)
                    .and_then(|t| t.closest("th").ok().flatten())
                    .and_then(|th| th.get_attribute("data-col"));
                let column = col.and_then(|c| tree.model.columns().iter().find(|column| column.col == c));
                if let Some(column) = column {
                    (sorting.on_sort)(column.col);
                }
            });
        }
    }

    fn on_click(self: &Rc<Self>, event: &Event) {
        let Some(target) = target_element(event) else { return };
        let Some(tr) = target.closest("tr").ok().flatten() else { return };
        if target.closest("button.retry").ok().flatten().is_some() || tr.class_list().contains("more") {
            if let Some(parent) = index_attr(&tr, "data-tail") {
                self.load_next(parent);
            }
            return;
        }
        let Some(index) = index_attr(&tr, "data-i") else { return };
        self.select(index);
        // An object's name opens the object; elsewhere a click opens or closes the row.
        let on_object_name = target.closest(".open[data-id]").ok().flatten().is_some();
        let expandable = self.with_entry(index, |e| e.expandable).unwrap_or(false);
        if expandable && !on_object_name {
            self.toggle(index);
        } else {
            self.activate(index);
        }
    }

    fn on_key(self: &Rc<Self>, event: &Event) {
        let Some(event) = event.dyn_ref::<KeyboardEvent>() else { return };
        let selected = self.selected.get();
        let handled = match event.key().as_str() {
            "ArrowDown" => self.move_selection(true),
            "ArrowUp" => self.move_selection(false),
            "ArrowRight" if selected != ROOT => {
                match self.with_entry(selected, |e| (e.expandable, e.expanded, e.children.first().copied())) {
                    Some((true, false, _)) => self.toggle(selected),
                    Some((_, true, Some(child))) => self.select(child),
                    _ => {}
                }
                true
            }
            "ArrowLeft" if selected != ROOT => {
                match self.with_entry(selected, |e| (e.expanded, e.parent)) {
                    Some((true, _)) => self.toggle(selected),
                    Some((false, parent)) if parent != ROOT => self.select(parent),
                    _ => {}
                }
                true
            }
            "Enter" if selected != ROOT => {
                match self.with_entry(selected, |e| (e.is_object, e.expandable)) {
                    Some((false, true)) => self.toggle(selected),
                    _ => self.activate(selected),
                }
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    }

    /// Moves the selection to the next (or previous) row on screen.
    fn move_selection(&self, down: bool) -> bool {
        let current = self.with_entry(self.selected.get(), |e| e.tr.clone()).flatten();
        let mut next = match &current {
            Some(tr) if down => tr.next_element_sibling(),
            Some(tr) => tr.previous_element_sibling(),
            None => self.body.first_element_child(),
        };
        while let Some(row) = next {
            if let Some(index) = index_attr(&row, "data-i") {
                self.select(index);
                return true;
            }
            next = if down { row.next_element_sibling() } else { row.previous_element_sibling() };
        }
        true
    }

    /// Selects a row (and keeps it in sight).
    pub fn select(&self, index: usize) {
        if let Some(old) = self.with_entry(self.selected.get(), |e| e.tr.clone()).flatten() {
            old.class_list().remove_1("selected").ok();
            set_attr(&old, "aria-selected", "false");
        }
        self.selected.set(index);
        if let Some(tr) = self.with_entry(index, |e| e.tr.clone()).flatten() {
            tr.class_list().add_1("selected").ok();
            set_attr(&tr, "aria-selected", "true");
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            tr.scroll_into_view_with_scroll_into_view_options(&options);
        }
    }

    /// Selects the first row and puts the keyboard in the tree.
    pub fn focus(&self) {
        if self.selected.get() == ROOT {
            self.move_selection(true);
        }
        let _ = self.table.focus();
    }

    fn activate(&self, index: usize) {
        let entries = self.entries.borrow();
        if let Some(item) = entries.get(index).and_then(|e| e.as_ref()).and_then(|e| e.item.as_ref()) {
            self.model.activate(item);
        }
    }

    fn with_entry<T>(&self, index: usize, f: impl FnOnce(&Entry<M::Item>) -> T) -> Option<T> {
        self.entries.borrow().get(index).and_then(|e| e.as_ref()).map(f)
    }

    fn toggle(self: &Rc<Self>, index: usize) {
        let expanded = self.with_entry(index, |e| e.expanded).unwrap_or(false);
        if expanded {
            self.collapse(index);
        } else {
            self.expand(index);
        }
        self.model.expanded_path_changed(self.path_of(if expanded { self.parent_of(index) } else { index }));
    }

    fn parent_of(&self, index: usize) -> usize {
        self.with_entry(index, |e| e.parent).unwrap_or(ROOT)
    }

    /// Keys from the top level down to `index`.
    fn path_of(&self, mut index: usize) -> Vec<String> {
        let mut path = Vec::new();
        while index != ROOT {
            match self.with_entry(index, |e| (e.key.clone(), e.parent)) {
                Some((key, parent)) => {
                    path.push(key);
                    index = parent;
                }
                None => break,
            }
        }
        path.reverse();
        path
    }

    fn expand(self: &Rc<Self>, index: usize) {
        {
            let mut entries = self.entries.borrow_mut();
            let Some(entry) = entries.get_mut(index).and_then(|e| e.as_mut()) else { return };
            if !entry.expandable || entry.expanded {
                return;
            }
            entry.expanded = true;
            if let Some(tr) = &entry.tr {
                tr.class_list().replace("collapsed", "expanded").ok();
                set_attr(tr, "aria-expanded", "true");
            }
        }
        self.load(index, 0);
    }

    fn collapse(&self, index: usize) {
        let mut entries = self.entries.borrow_mut();
        let children = match entries.get_mut(index).and_then(|e| e.as_mut()) {
            Some(entry) => {
                entry.expanded = false;
                entry.token = entry.token.wrapping_add(1);
                entry.pending.clear();
                if let Some(tr) = &entry.tr {
                    tr.class_list().replace("expanded", "collapsed").ok();
                    set_attr(tr, "aria-expanded", "false");
                }
                if let Some(tail) = entry.tail.take() {
                    tail.remove();
                }
                std::mem::take(&mut entry.children)
            }
            None => return,
        };
        // Frees the subtree without recursion: its depth is the user's to choose.
        let mut stack = children;
        while let Some(child) = stack.pop() {
            if let Some(entry) = entries.get_mut(child).and_then(|e| e.take()) {
                if let Some(tr) = entry.tr {
                    tr.remove();
                }
                if let Some(tail) = entry.tail {
                    tail.remove();
                }
                stack.extend(entry.children);
            }
        }
        if entries.get(self.selected.get()).is_none_or(|e| e.is_none()) {
            self.selected.set(index);
        }
    }

    fn load_next(self: &Rc<Self>, parent: usize) {
        if let Some(offset) = self.with_entry(parent, |e| e.children.len()) {
            self.load(parent, offset as u32);
        }
    }

    /// Asks for the children of `parent` from `offset` on, showing "Loading…" where they will go.
    fn load(self: &Rc<Self>, parent: usize, offset: u32) {
        let token = self.with_entry(parent, |e| e.token).unwrap_or(0);
        self.set_tail(parent, Tail::Loading);
        let weak: Weak<Self> = Rc::downgrade(self);
        let done: OnLoaded<M::Item> = Box::new(move |loaded| {
            let Some(tree) = weak.upgrade() else { return };
            if tree.asking.get() {
                // The model answered at once, while the tree still lends it the parent item.
                tree.answered_at_once.borrow_mut().push((parent, token, loaded));
            } else {
                tree.loaded(parent, token, loaded);
            }
        });
        self.asking.set(true);
        {
            let entries = self.entries.borrow();
            let item = entries.get(parent).and_then(|e| e.as_ref()).and_then(|e| e.item.as_ref());
            self.model.load(item, offset, done);
        }
        self.asking.set(false);
        let answered = std::mem::take(&mut *self.answered_at_once.borrow_mut());
        for (parent, token, loaded) in answered {
            self.loaded(parent, token, loaded);
        }
    }

    fn loaded(self: &Rc<Self>, parent: usize, token: u32, loaded: Loaded<M::Item>) {
        if self.with_entry(parent, |e| e.token) != Some(token) {
            return;
        }
        let (items, total) = match loaded {
            Ok(page) => page,
            Err(message) => {
                self.set_tail(parent, Tail::Error(message));
                return;
            }
        };
        let first_new = self.with_entry(parent, |e| e.children.len()).unwrap_or(0);
        let added = self.add_rows(parent, items, total);
        self.set_tail(parent, Tail::More);
        self.continue_path(parent, first_new, added);
    }

    /// Adds rows for `items` under `parent`, after the rows already there.
    fn add_rows(&self, parent: usize, items: Vec<M::Item>, total: usize) -> usize {
        let depth = self.with_entry(parent, |e| if parent == ROOT { 0 } else { e.depth + 1 }).unwrap_or(0);
        let anchor = self.last_row_under(parent);
        let fragment = super::dom::document().create_document_fragment();
        let mut indices = Vec::with_capacity(items.len());
        {
            let mut entries = self.entries.borrow_mut();
            for item in items {
                let view = {
                    let ancestors = ancestors(&entries, parent);
                    self.model.row(&item, &ancestors)
                };
                let index = entries.len();
                let tr = self.draw_row(&view, index, depth);
                let _ = fragment.append_child(&tr);
                let mut entry = Entry::new(Some(item), parent, depth);
                entry.tr = Some(tr);
                entry.key = view.key;
                entry.is_object = view.id.is_some();
                entry.expandable = view.expandable;
                entries.push(Some(entry));
                indices.push(index);
            }
            if let Some(entry) = entries.get_mut(parent).and_then(|e| e.as_mut()) {
                entry.children.extend(&indices);
                entry.total = total;
            }
        }
        match anchor {
            Some(anchor) => {
                let _ = anchor.after_with_node_1(&fragment);
            }
            None => {
                let _ = self.body.prepend_with_node_1(&fragment);
            }
        }
        indices.len()
    }

    fn draw_row(&self, view: &RowView, index: usize, depth: usize) -> HtmlElement {
        let tr = el("tr", view.classes, "");
        set_attr(&tr, "data-testid", "row");
        set_attr(&tr, "data-i", &index.to_string());
        set_attr(&tr, "data-key", &view.key);
        set_attr(&tr, "aria-level", &(depth + 1).to_string());
        if view.expandable {
            tr.class_list().add_1("collapsed").ok();
            set_attr(&tr, "aria-expanded", "false");
        }
        for (column, cell) in self.model.columns().iter().zip(&view.cells) {
            let td = append(&tr, el("td", if column.numeric { "num" } else { "" }, ""));
            set_attr(&td, "data-col", column.col);
            if column.col == "name" {
                let name = append(&td, el("span", "open", &cell.text));
                if let Some(id) = view.id {
                    set_attr(&name, "data-id", &id.to_string());
                }
                td.style().set_property("padding-left", &format!("{}px", 6 + depth * 16)).ok();
            } else {
                td.set_text_content(Some(&cell.text));
            }
            if let Some(value) = &cell.value {
                set_attr(&td, "data-value", value);
            }
            if let Some(title) = &cell.title {
                set_attr(&td, "title", title);
            }
        }
        tr
    }

    /// The last row drawn in `index`'s subtree (its own row if it has no children on screen).
    fn last_row_under(&self, index: usize) -> Option<HtmlElement> {
        let entries = self.entries.borrow();
        let mut at = index;
        loop {
            let entry = entries.get(at).and_then(|e| e.as_ref())?;
            match entry.children.last() {
                Some(&child) => at = child,
                None => return entry.tr.clone(),
            }
        }
    }

    fn set_tail(&self, parent: usize, tail: Tail) {
        let (shown, total, depth) = match self.with_entry(parent, |e| (e.children.len(), e.total, e.depth)) {
            Some(facts) => facts,
            None => return,
        };
        let old =
            self.entries.borrow_mut().get_mut(parent).and_then(|e| e.as_mut()).and_then(|e| e.tail.take());
        if let Some(old) = old {
            old.remove();
        }
        let text = match &tail {
            Tail::Loading => "Loading…".to_string(),
            Tail::More if shown < total => {
                format!("Show more ({} of {} shown)", format_count(shown as u64), format_count(total as u64))
            }
            Tail::More if total == 0 => "none".to_string(),
            Tail::More => return,
            Tail::Error(message) => message.clone(),
        };
        let tr = el("tr", "tail", "");
        set_attr(&tr, "data-tail", &parent.to_string());
        let td = append(&tr, el("td", "", ""));
        set_attr(&td, "colspan", &self.model.columns().len().to_string());
        let indent = 6 + if parent == ROOT { 0 } else { (depth + 1) * 16 };
        td.style().set_property("padding-left", &format!("{indent}px")).ok();
        match tail {
            Tail::More if shown < total => {
                tr.class_list().add_1("more").ok();
                append(&td, el("button", "more", &text));
            }
            Tail::Error(_) => {
                let message = append(&td, el("span", "error", &text));
                set_attr(&message, "data-testid", "error");
                set_attr(&message, "role", "alert");
                append(&td, el("button", "retry", "Retry"));
            }
            _ => {
                td.set_class_name("muted");
                td.set_text_content(Some(&text));
            }
        }
        match self.last_row_under(parent) {
            Some(anchor) if parent != ROOT || shown > 0 => {
                let _ = anchor.after_with_node_1(&tr);
            }
            _ => {
                let _ = self.body.append_child(&tr);
            }
        }
        if let Some(entry) = self.entries.borrow_mut().get_mut(parent).and_then(|e| e.as_mut()) {
            entry.tail = Some(tr);
        }
    }

    /// After a page of `parent`'s children came: opens the next row of a path being restored, or the
    /// first child when the model opens it by itself.
    fn continue_path(self: &Rc<Self>, parent: usize, first_new: usize, added: usize) {
        let (pending, children, total, searched) = match self
            .with_entry(parent, |e| (e.pending.clone(), e.children.clone(), e.total, e.pages_searched))
        {
            Some(facts) => facts,
            None => return,
        };
        if let Some((next, rest)) = pending.split_first() {
            let found =
                children.iter().copied().find(|&c| self.with_entry(c, |e| &e.key == next) == Some(true));
            match found {
                Some(child) => {
                    self.clear_pending(parent);
                    if let Some(entry) = self.entries.borrow_mut().get_mut(child).and_then(|e| e.as_mut()) {
                        entry.pending = rest.to_vec();
                    }
                    // The path ends at the deepest row that was open: it opens too.
                    self.select(child);
                    self.expand(child);
                }
                None if children.len() < total && searched < PATH_SEARCH_PAGES => {
                    if let Some(entry) = self.entries.borrow_mut().get_mut(parent).and_then(|e| e.as_mut()) {
                        entry.pages_searched += 1;
                    }
                    self.load_next(parent);
                }
                None => self.clear_pending(parent),
            }
            return;
        }
        if first_new != 0 || added == 0 {
            return;
        }
        let child = children[0];
        let opens = {
            let entries = self.entries.borrow();
            let parent_item = entries.get(parent).and_then(|e| e.as_ref()).and_then(|e| e.item.as_ref());
            let child_entry = entries.get(child).and_then(|e| e.as_ref());
            match child_entry.and_then(|e| Some((e.item.as_ref()?, e.expandable, e.depth))) {
                Some((item, true, depth)) => self.model.auto_expand(item, parent_item, depth),
                _ => false,
            }
        };
        if opens {
            self.expand(child);
        }
    }

    fn clear_pending(&self, index: usize) {
        if let Some(entry) = self.entries.borrow_mut().get_mut(index).and_then(|e| e.as_mut()) {
            entry.pending.clear();
        }
    }
}

/// What sits under a row's children.
enum Tail {
    Loading,
    More,
    Error(String),
}

fn ancestors<I>(entries: &[Option<Entry<I>>], mut index: usize) -> Vec<&I> {
    let mut chain = Vec::new();
    while index != ROOT {
        let Some(entry) = entries.get(index).and_then(|e| e.as_ref()) else { break };
        if let Some(item) = &entry.item {
            chain.push(item);
        }
        index = entry.parent;
    }
    chain.reverse();
    chain
}

fn target_element(event: &Event) -> Option<Element> {
    event.target().and_then(|t| t.dyn_into::<Element>().ok())
}

fn index_attr(element: &Element, name: &str) -> Option<usize> {
    element.get_attribute(name).and_then(|v| v.parse().ok())
}
