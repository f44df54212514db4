//! Keeping the heap's string values out of a report. A string node's name is its value (a token, a request
//! body, a user's e-mail), so wherever a node name of one of the string types reaches a report it goes
//! through [`string_value`], which writes it as its length and a short hash: equal strings still read
//! equal, and nothing of the text is left. Names that are not values stay: class names, property and
//! variable names, function names, script locations. V8 also writes a WeakMap entry's value name into the
//! name of the edge from its table (`part of key (…) -> value (…) pair in WeakMap …`); that value is
//! redacted inside the edge name.

use crate::leaks::trace::TraceStep;
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::queries::NodeRow;
use crate::snapshot::HeapSnapshot;

/// V8's node types whose name is the string's text.
const STRING_TYPES: [&str; 3] = ["string", "concatenated string", "sliced string"];

/// Whether a node of V8 type `node_type` has its value as its name.
pub fn is_string_type(node_type: &str) -> bool {
    STRING_TYPES.contains(&node_type)
}

/// A string value as a report shows it by default: `"…" 42 chars #a1b2c3`, the hash being the top 24 bits
/// of the value's 64-bit FNV-1a (stable across runs and machines, unlike std's randomly keyed hasher).
pub fn string_value(text: &str) -> String {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = text.bytes().fold(FNV_OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME));
    format!("\"…\" {} chars #{:06x}", text.chars().count(), hash >> 40)
}

/// Redacts the name of a node row that is a string.
pub fn node_row(row: &mut NodeRow) {
    if is_string_type(&row.node_type) {
        row.name = string_value(&row.name);
    }
}

/// Redacts a trace step made from `snapshot`: the name of a string it leads to (hashed whole, not as the
/// step's shortened name, so it matches the same string elsewhere in the report) and a WeakMap value in its
/// edge name.
pub fn trace_step(snapshot: &HeapSnapshot, step: &mut TraceStep) {
    if let Some(node) = node_of(snapshot, step.node) {
        if is_string_type(snapshot.graph.node_type_name(node)) {
            step.name = string_value(&snapshot.node_row(node).name);
        }
    }
    if step.edge_type == "internal" {
        if let Some(edge) = weak_map_edge(snapshot, &step.edge) {
            step.edge = edge;
        }
    }
}

/// `node` when it is a node of `snapshot`.
fn node_of(snapshot: &HeapSnapshot, node: NodeIdx) -> Option<NodeIdx> {
    ((node.0 as usize) < snapshot.n_nodes()).then_some(node)
}

/// V8's name for the edge from a WeakMap's table to an entry's value, with the value's name redacted when
/// the value is a string; `None` when `edge` is not such a name or there is nothing to redact. The name is
/// `part of key (KEY @id) -> value (VALUE @id) pair in WeakMap (table @id)`; the value's id says which node
/// it is (its name may itself contain any of those words).
fn weak_map_edge(snapshot: &HeapSnapshot, edge: &str) -> Option<String> {
    const VALUE: &str = " -> value (";
    const TAIL: &str = ") pair in WeakMap (table @";
    if !edge.starts_with("part of key (") {
        return None;
    }
    let value_start = edge.find(VALUE)? + VALUE.len();
    let value_end = edge.rfind(TAIL)?;
    let (_, id) = edge.get(value_start..value_end)?.rsplit_once(" @")?;
    let node = snapshot.node_by_id(id.parse().ok()?)?;
    if !is_string_type(snapshot.graph.node_type_name(node)) {
        return None;
    }
    let redacted = string_value(&snapshot.node_row(node).name);
    // The key's part is left as V8 wrote it: WeakMap keys are objects or symbols, never strings.
    Some(format!("{}{redacted} @{id}{}", &edge[..value_start], &edge[value_end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_read_equal_and_different_ones_differ() {
        let a = string_value("Bearer eyJhbGciOiJIUzI1NiJ9");
        assert_eq!(a, string_value("Bearer eyJhbGciOiJIUzI1NiJ9"));
        assert_ne!(a, string_value("Bearer eyJhbGciOiJIUzI1NiJ8"));
        assert!(a.starts_with("\"…\" 27 chars #"), "{a}");
        assert!(!a.contains("Bearer"));
        assert_eq!(a.len(), "\"…\" 27 chars #".len() + 6);
    }
}
