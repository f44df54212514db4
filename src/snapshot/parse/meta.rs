//! The `snapshot` header: what it declares ([`SnapshotMeta`]) and the record layouts derived from it.
//!
//! The header is a small JSON object (about 1 KB) that the tokenizer captures whole and hands to
//! [`read_header`], which uses serde_json on it. The layouts say at which position of a node, edge or
//! location record each field heapscope needs sits, so the array readers never assume V8's field order.
//! This module does not read the big arrays.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ParseErrorKind;

/// The most fields a node, edge or location record may have.
pub(crate) const MAX_RECORD_FIELDS: usize = 32;

/// What a snapshot's header declares, plus the sections seen so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// `meta.node_fields`: names of the numbers making up one node record.
    pub node_fields: Vec<String>,
    /// The names of node types: the list `meta.node_types` gives for the `type` field.
    pub node_types: Vec<String>,
    /// `meta.edge_fields`: names of the numbers making up one edge record.
    pub edge_fields: Vec<String>,
    /// The names of edge types: the list `meta.edge_types` gives for the `type` field.
    pub edge_types: Vec<String>,
    /// `meta.location_fields`, empty when the snapshot has none.
    pub location_fields: Vec<String>,
    pub node_count: u64,
    pub edge_count: u64,
    pub trace_function_count: Option<u64>,
    pub extra_native_bytes: Option<u64>,
    /// Top-level keys in the order they were met, `snapshot` first; grows while parsing.
    pub sections: Vec<String>,
}

/// Positions of the node fields heapscope reads, within one node record.
#[derive(Clone, Debug)]
pub(crate) struct NodeLayout {
    pub n_fields: u32,
    pub type_pos: usize,
    pub name_pos: usize,
    pub id_pos: usize,
    pub self_size_pos: usize,
    pub edge_count_pos: usize,
    pub trace_node_id_pos: Option<usize>,
    pub detachedness_pos: Option<usize>,
    pub n_types: usize,
}

/// Positions of the edge fields within one edge record.
#[derive(Clone, Debug)]
pub(crate) struct EdgeLayout {
    pub type_pos: usize,
    pub name_pos: usize,
    pub to_node_pos: usize,
    /// For each edge type: whether `name_or_index` is a number (`element`, `hidden`), not a string index.
    pub name_is_index: Vec<bool>,
}

/// Positions of the location fields within one location record.
#[derive(Clone, Debug)]
pub(crate) struct LocationLayout {
    pub object_pos: usize,
    pub script_pos: usize,
    pub line_pos: usize,
    pub column_pos: usize,
}

/// Everything the array readers need from the header.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    pub meta: SnapshotMeta,
    pub nodes: NodeLayout,
    pub edges: EdgeLayout,
    pub locations: Option<LocationLayout>,
}

fn bad(message: impl Into<String>) -> ParseErrorKind {
    ParseErrorKind::BadHeader { message: message.into() }
}

fn string_list(value: Option<&Value>, what: &str) -> Result<Vec<String>, ParseErrorKind> {
    let items = value.and_then(Value::as_array).ok_or_else(|| bad(format!("`{what}` is not a list")))?;
    items
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| bad(format!("`{what}` holds a non-string"))))
        .collect()
}

fn count(header: &Value, key: &'static str) -> Result<Option<u64>, ParseErrorKind> {
    match header.get(key) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| bad(format!("`{key}` is not a non-negative integer"))),
    }
}

fn required_count(header: &Value, key: &'static str) -> Result<u64, ParseErrorKind> {
    let n = count(header, key)?.ok_or_else(|| bad(format!("`{key}` is missing")))?;
    if n > u64::from(u32::MAX) {
        return Err(ParseErrorKind::CountTooLarge { what: key, count: n, limit: u64::from(u32::MAX) });
    }
    Ok(n)
}

fn position(fields: &[String], list: &'static str, field: &'static str) -> Result<usize, ParseErrorKind> {
    fields.iter().position(|f| f == field).ok_or(ParseErrorKind::MissingField { list, field })
}

fn checked_width(fields: &[String], list: &'static str) -> Result<u32, ParseErrorKind> {
    if fields.len() > MAX_RECORD_FIELDS {
        return Err(ParseErrorKind::TooManyFields { list, count: fields.len(), limit: MAX_RECORD_FIELDS });
    }
    // MAX_RECORD_FIELDS is small, so the width always fits.
    Ok(fields.len() as u32)
}

/// The most node or edge types: type values are stored in a byte.
const MAX_TYPES: usize = 256;

/// The type-name list that `meta.<types_key>` gives for the field at `type_pos`.
fn type_names(meta: &Value, types_key: &str, type_pos: usize) -> Result<Vec<String>, ParseErrorKind> {
    let lists = meta
        .get(types_key)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("`meta.{types_key}` is missing")))?;
    let names = string_list(lists.get(type_pos), &format!("meta.{types_key}[{type_pos}]"))?;
    if names.len() > MAX_TYPES {
        return Err(bad(format!("`meta.{types_key}` lists {} types, more than {MAX_TYPES}", names.len())));
    }
    Ok(names)
}

/// Reads the captured text of the `snapshot` object.
pub(crate) fn read_header(text: &[u8]) -> Result<Header, ParseErrorKind> {
    let header: Value = serde_json::from_slice(text).map_err(|e| bad(e.to_string()))?;
    let meta = header.get("meta").filter(|m| m.is_object()).ok_or_else(|| bad("`meta` is missing"))?;

    let node_fields = string_list(meta.get("node_fields"), "meta.node_fields")?;
    let edge_fields = string_list(meta.get("edge_fields"), "meta.edge_fields")?;
    let location_fields = match meta.get("location_fields") {
        None => Vec::new(),
        some => string_list(some, "meta.location_fields")?,
    };

    let node_type_pos = position(&node_fields, "node_fields", "type")?;
    let node_types = type_names(meta, "node_types", node_type_pos)?;
    let nodes = NodeLayout {
        n_fields: checked_width(&node_fields, "node_fields")?,
        type_pos: node_type_pos,
        name_pos: position(&node_fields, "node_fields", "name")?,
        id_pos: position(&node_fields, "node_fields", "id")?,
        self_size_pos: position(&node_fields, "node_fields", "self_size")?,
        edge_count_pos: position(&node_fields, "node_fields", "edge_count")?,
        trace_node_id_pos: node_fields.iter().position(|f| f == "trace_node_id"),
        detachedness_pos: node_fields.iter().position(|f| f == "detachedness"),
        n_types: node_types.len(),
    };

    let edge_type_pos = position(&edge_fields, "edge_fields", "type")?;
    let edge_types = type_names(meta, "edge_types", edge_type_pos)?;
    checked_width(&edge_fields, "edge_fields")?;
    let edges = EdgeLayout {
        type_pos: edge_type_pos,
        name_pos: position(&edge_fields, "edge_fields", "name_or_index")?,
        to_node_pos: position(&edge_fields, "edge_fields", "to_node")?,
        name_is_index: edge_types.iter().map(|t| t == "element" || t == "hidden").collect(),
    };

    let locations = if location_fields.is_empty() {
        None
    } else {
        checked_width(&location_fields, "location_fields")?;
        Some(LocationLayout {
            object_pos: position(&location_fields, "location_fields", "object_index")?,
            script_pos: position(&location_fields, "location_fields", "script_id")?,
            line_pos: position(&location_fields, "location_fields", "line")?,
            column_pos: position(&location_fields, "location_fields", "column")?,
        })
    };

    let node_count = required_count(&header, "node_count")?;
    if node_count == 0 {
        return Err(bad("`node_count` is 0, but every snapshot has at least its root node"));
    }
    let meta = SnapshotMeta {
        node_count,
        edge_count: required_count(&header, "edge_count")?,
        trace_function_count: count(&header, "trace_function_count")?,
        extra_native_bytes: count(&header, "extra_native_bytes")?,
        node_fields,
        node_types,
        edge_fields,
        edge_types,
        location_fields,
        sections: vec!["snapshot".to_owned()],
    };
    Ok(Header { meta, nodes, edges, locations })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE20_HEADER: &str = r#"{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],
        "node_types":[["hidden","array","string"],"string","number","number","number","number","number"],
        "edge_fields":["type","name_or_index","to_node"],
        "edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],
        "location_fields":["object_index","script_id","line","column"]},
        "node_count":3,"edge_count":2,"trace_function_count":0}"#;

    #[test]
    fn reads_layouts_from_the_field_lists() {
        let header = read_header(NODE20_HEADER.as_bytes()).expect("valid header");
        assert_eq!(header.nodes.n_fields, 7);
        assert_eq!(header.nodes.edge_count_pos, 4);
        assert_eq!(header.nodes.trace_node_id_pos, Some(5));
        assert_eq!(header.meta.node_types, ["hidden", "array", "string"]);
        assert_eq!(header.edges.name_is_index, [false, true, false, false, true, false, false]);
        assert_eq!(header.meta.trace_function_count, Some(0));
        assert_eq!(header.meta.extra_native_bytes, None);
        assert!(header.locations.is_some());
    }

    #[test]
    fn missing_edge_count_field_is_named() {
        let text = NODE20_HEADER.replace("\"edge_count\",", "");
        let err = read_header(text.as_bytes()).expect_err("no edge_count field");
        assert_eq!(err, ParseErrorKind::MissingField { list: "node_fields", field: "edge_count" });
    }

    #[test]
    fn absurd_node_count_is_refused_before_any_allocation() {
        let text = NODE20_HEADER.replace("\"node_count\":3", "\"node_count\":1000000000000");
        let err = read_header(text.as_bytes()).expect_err("count too large");
        assert!(matches!(err, ParseErrorKind::CountTooLarge { what: "node_count", .. }));
    }
}
