//! What DevTools calls a node. Its class name: `(system)` for hidden nodes, `(compiled code)`, `Function`
//! for closures, `RegExp`, the node's own name for objects and native nodes (an HTML-like `<div id=..>` cut
//! to `<div>`), and `(type)` for everything else. Its display name: the snapshot's name, except that
//! concatenated strings show their text, plain objects show some of their properties (`{a, b, …, z}`), and
//! detached DOM nodes get a `Detached ` prefix. Plain objects' class names come from `interfaces`.

use std::borrow::Cow;

use super::detachedness::Detachedness;
use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::jsstr::{format_property_name, utf16_len};
use super::kinds::Kinds;

/// A class name DevTools derives from the node type alone, or `None` for objects and native nodes, whose
/// class name is their own name.
pub fn class_name_of_type(kinds: &Kinds, node_type: u8, type_name: &str) -> Option<String> {
    let t = u16::from(node_type);
    let n = &kinds.node;
    Some(if t == n.hidden {
        "(system)".to_owned()
    } else if t == n.object || t == n.native {
        return None;
    } else if t == n.code {
        "(compiled code)".to_owned()
    } else if t == n.closure {
        "Function".to_owned()
    } else if t == n.regexp {
        "RegExp".to_owned()
    } else {
        format!("({type_name})")
    })
}

/// The class name of an object or native node named `name`: `<div id="a">` becomes `<div>`, and
/// `Detached <li class=x>` becomes `Detached <li>`. `None` when the name is used as it is.
pub fn cut_html_tag(name: &str) -> Option<String> {
    let search_from = if name.starts_with('<') {
        0
    } else if name.starts_with("Detached <") {
        "Detached ".len() + 1
    } else {
        return None;
    };
    Some(match name[search_from..].find(' ') {
        Some(space) => format!("{}>", &name[..search_from + space]),
        None => name.to_owned(),
    })
}

/// Whether DevTools treats names starting like `name` as HTML-like (class names go through [`cut_html_tag`]).
pub fn is_html_like(name: &str) -> bool {
    name.starts_with('<') || name.starts_with("Detached <")
}

/// The name DevTools shows for a node.
pub fn display_name<'g>(
    graph: &'g HeapGraph,
    kinds: &Kinds,
    detachedness: &Detachedness,
    node: NodeIdx,
) -> Cow<'g, str> {
    let n = node.0 as usize;
    let node_type = u16::from(graph.node_type[n]);
    let raw = graph.strings.get(graph.node_name[n]);
    if node_type == kinds.node.cons_string {
        return Cow::Owned(cons_string_text(graph, kinds, node));
    }
    if node_type == kinds.node.object && raw == "Object" {
        return Cow::Owned(plain_object_name(graph, kinds, node));
    }
    if detachedness.has_detached_prefix(graph, kinds, node) {
        return Cow::Owned(format!("Detached {raw}"));
    }
    Cow::Borrowed(raw)
}

/// The edge name of edge `e` as DevTools shows it: the index for `element` and `hidden` edges, the string
/// otherwise (a numeric shortcut name shown as its number).
pub fn edge_name<'g>(graph: &'g HeapGraph, kinds: &Kinds, e: usize) -> Cow<'g, str> {
    let edge_type = graph.edge_type[e];
    let name_or_index = graph.edge_name_or_index[e];
    if !kinds.edge_has_string_name(edge_type) {
        return Cow::Owned(name_or_index.to_string());
    }
    let name = graph.strings.get(StrIdx(name_or_index));
    if u16::from(edge_type) == kinds.edge.shortcut {
        if let Some(number) = super::jsstr::parse_int(name) {
            return Cow::Owned(number.to_string());
        }
    }
    Cow::Borrowed(name)
}

/// UTF-16 units of a concatenated string's text after which DevTools adds no more parts.
pub(crate) const CONS_TEXT_UNITS: usize = 1024;

/// Text of a concatenated string: its parts' names in order, stopping once [`CONS_TEXT_UNITS`] UTF-16 units
/// are reached.
pub(crate) fn cons_string_text(graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> String {
    let mut text = String::new();
    append_string_text(graph, kinds, node, &mut text, &mut 0);
    text
}

/// Appends the text of string `node` (its parts' names in order, for a concatenated string) to `text`, whose
/// length is `units` UTF-16 units, until [`CONS_TEXT_UNITS`] are reached.
pub(crate) fn append_string_text(
    graph: &HeapGraph,
    kinds: &Kinds,
    node: NodeIdx,
    text: &mut String,
    units: &mut usize,
) {
    // A cycle of concatenated strings would never add text; DevTools would spin, we stop.
    const MAX_PARTS_VISITED: usize = 1 << 20;
    let mut stack = vec![node];
    let mut visited = 0;
    while let Some(part) = stack.pop() {
        if *units >= CONS_TEXT_UNITS || visited >= MAX_PARTS_VISITED {
            break;
        }
        visited += 1;
        if u16::from(graph.node_type[part.0 as usize]) != kinds.node.cons_string {
            let piece = graph.strings.get(graph.node_name[part.0 as usize]);
            text.push_str(piece);
            *units += utf16_len(piece);
            continue;
        }
        let (first, second) = cons_parts(graph, kinds, part);
        stack.push(second);
        stack.push(first);
    }
}

/// The `first` and `second` parts of a concatenated string; a missing part reads as node 0, as in DevTools.
pub(crate) fn cons_parts(graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> (NodeIdx, NodeIdx) {
    let (mut first, mut second) = (0, 0);
    for e in graph.edges_of(node) {
        let e = e as usize;
        if first != 0 && second != 0 {
            break;
        }
        if u16::from(graph.edge_type[e]) == kinds.edge.internal {
            match graph.strings.get(StrIdx(graph.edge_name_or_index[e])) {
                "first" => first = graph.edge_to[e].0,
                "second" => second = graph.edge_to[e].0,
                _ => {}
            }
        }
    }
    (NodeIdx(first), NodeIdx(second))
}

/// DevTools' name for a plain object: property names taken alternately from the start and the end of its
/// property edges while the name stays within 100 UTF-16 units (at least one), e.g. `{a, b, …, y, z}`.
fn plain_object_name(graph: &HeapGraph, kinds: &Kinds, node: NodeIdx) -> String {
    let property_name = |e: u32| -> Option<&str> {
        let e = e as usize;
        if u16::from(graph.edge_type[e]) != kinds.edge.property {
            return None;
        }
        let name = graph.strings.get(StrIdx(graph.edge_name_or_index[e]));
        (name != "__proto__").then_some(name)
    };
    let edges = graph.edges_of(node);
    let (mut from_start, mut from_end) = (edges.start, edges.end);
    let mut start = String::from("{");
    let mut end = String::from("}");
    let (mut start_units, mut end_units) = (1, 1);
    let mut take_from_end = false;
    while from_start < from_end {
        let e = if take_from_end { from_end - 1 } else { from_start };
        let Some(name) = property_name(e) else {
            if take_from_end {
                from_end -= 1;
            } else {
                from_start += 1;
            }
            continue;
        };
        let formatted = format_property_name(name);
        let formatted_units = utf16_len(&formatted);
        if start_units > 1 && start_units + end_units + formatted_units > 100 {
            break;
        }
        if take_from_end {
            from_end -= 1;
            end = if end_units > 1 { format!("{formatted}, {end}") } else { format!("{formatted}{end}") };
            end_units += formatted_units + if end_units > 1 { 2 } else { 0 };
        } else {
            from_start += 1;
            if start_units > 1 {
                start.push_str(", ");
                start_units += 2;
            }
            start.push_str(&formatted);
            start_units += formatted_units;
        }
        take_from_end = !take_from_end;
    }
    if from_start < from_end {
        start.push_str(", …");
    }
    if end_units > 1 {
        start.push_str(", ");
    }
    start + &end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_like_names_are_cut_at_the_first_space() {
        assert_eq!(cut_html_tag("<div id=\"a\" class=b>").as_deref(), Some("<div>"));
        assert_eq!(cut_html_tag("<li>").as_deref(), Some("<li>"));
        assert_eq!(cut_html_tag("Detached <li class=x>").as_deref(), Some("Detached <li>"));
        assert_eq!(cut_html_tag("Detached Node / Histogram"), None);
        assert_eq!(cut_html_tag("Window / x"), None);
    }
}
