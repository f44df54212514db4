//! Filling [`HeapGraph`] columns from parsed records, with every range check on the way.
//!
//! The array readers hand over one complete record (node, edge or location) at a time as raw numbers in
//! the snapshot's field order; [`GraphBuilder`] picks the fields by the header's layouts, checks types,
//! node references and widths, and appends to the columns. Column capacity grows in bounded steps and
//! never past the header's claimed counts, so a hostile count cannot make it allocate ahead of the data.
//! String references are checked at the end, since `strings` comes after `nodes` and `edges`.

use super::error::{ParseError, ParseErrorKind, Section};
use super::meta::{EdgeLayout, Header, LocationLayout, NodeLayout};
use crate::snapshot::graph::{HeapGraph, Location, NodeIdx, StrIdx};

/// The largest self size accepted: 2^53 - 1 bytes, the largest integer DevTools (JavaScript) holds exactly.
const MAX_SELF_SIZE: u64 = (1 << 53) - 1;

/// Columns first grow to this many records, then double, capped by the claimed count.
const FIRST_CAPACITY: usize = 1 << 12;

/// The capacity a column needs before appending one record, given its length and the claimed total.
fn grown_capacity(len: usize, claimed: usize) -> usize {
    claimed.min(len.saturating_mul(2).max(FIRST_CAPACITY))
}

fn reserve_for_one<T>(column: &mut Vec<T>, claimed: usize) {
    if column.len() == column.capacity() {
        column.reserve_exact(grown_capacity(column.len(), claimed) - column.len());
    }
}

/// Division by the node field count, done by multiplication: one per edge is too slow as a `div`.
///
/// For offsets below 2^32 it uses Lemire's constant `c = 2^64 / width` rounded up: the quotient is the
/// high half of `c * offset` and the offset is a multiple of `width` exactly when the low half is below `c`
/// ("Faster remainder by direct computation", Lemire, Kaser, Kurz, 2019).
#[derive(Clone, Copy, Debug)]
struct NodeOffsets {
    width: u64,
    reciprocal: u64,
}

impl NodeOffsets {
    fn new(width: u32) -> Self {
        let width = u64::from(width.max(1));
        NodeOffsets { width, reciprocal: (u64::MAX / width).wrapping_add(1) }
    }

    /// `(offset / width, offset % width == 0)`.
    #[inline]
    fn split(self, offset: u64) -> (u64, bool) {
        if offset <= u64::from(u32::MAX) && self.width > 1 {
            let product = u128::from(self.reciprocal) * u128::from(offset);
            ((product >> 64) as u64, (product as u64) < self.reciprocal)
        } else {
            (offset / self.width, offset.is_multiple_of(self.width))
        }
    }
}

/// The largest string index referenced so far and where, checked once the string count is known.
#[derive(Clone, Debug)]
struct StringRef {
    index: u64,
    field: &'static str,
    offset: u64,
    section: Section,
}

/// Receives records and builds the graph.
#[derive(Debug)]
pub(crate) struct GraphBuilder {
    graph: HeapGraph,
    nodes: NodeLayout,
    node_offsets: NodeOffsets,
    edges: EdgeLayout,
    locations: Option<LocationLayout>,
    claimed_nodes: usize,
    claimed_edges: usize,
    /// Sum of the `edge_count` fields read so far.
    node_edge_total: u64,
    max_string_ref: Option<StringRef>,
    /// Where the `nodes` array closed, once it has.
    nodes_end: Option<u64>,
    edges_done: bool,
    strings_done: bool,
}

fn check_u32(value: u64, field: &'static str) -> Result<u32, ParseErrorKind> {
    u32::try_from(value).map_err(|_| ParseErrorKind::NumberOutOfRange {
        field,
        value,
        max: u64::from(u32::MAX),
    })
}

impl GraphBuilder {
    pub fn new(header: &Header) -> Self {
        let graph = HeapGraph {
            node_type_names: header.meta.node_types.clone(),
            edge_type_names: header.meta.edge_types.clone(),
            first_edge: vec![0],
            node_detachedness: header.nodes.detachedness_pos.map(|_| Vec::new()),
            extra_native_bytes: header.meta.extra_native_bytes.unwrap_or(0),
            ..HeapGraph::default()
        };
        GraphBuilder {
            graph,
            nodes: header.nodes.clone(),
            node_offsets: NodeOffsets::new(header.nodes.n_fields),
            edges: header.edges.clone(),
            locations: header.locations.clone(),
            // read_header caps both counts at u32::MAX, which fits usize on every target heapscope has.
            claimed_nodes: header.meta.node_count as usize,
            claimed_edges: header.meta.edge_count as usize,
            node_edge_total: 0,
            max_string_ref: None,
            nodes_end: None,
            edges_done: false,
            strings_done: false,
        }
    }

    #[inline(always)]
    fn note_string_ref(&mut self, index: u64, field: &'static str, offset: u64, section: Section) {
        if self.max_string_ref.as_ref().is_none_or(|max| index > max.index) {
            self.max_string_ref = Some(StringRef { index, field, offset, section });
        }
    }

    /// Checks a node reference (`to_node`, `object_index`): a field offset of an existing node.
    #[inline]
    fn node_at(&self, value: u64, field: &'static str) -> Result<NodeIdx, ParseErrorKind> {
        let (index, exact) = self.node_offsets.split(value);
        if !exact {
            return Err(ParseErrorKind::NodeOffsetMisaligned {
                field,
                value,
                node_field_count: self.nodes.n_fields,
            });
        }
        if index >= self.claimed_nodes as u64 {
            return Err(ParseErrorKind::NodeOffsetOutOfRange {
                field,
                value,
                n_nodes: self.claimed_nodes as u64,
            });
        }
        // index < claimed_nodes <= u32::MAX.
        Ok(NodeIdx(index as u32))
    }

    /// Appends one node record; `offset` is where the record ends in the text.
    #[inline]
    pub fn push_node(&mut self, record: &[u64], offset: u64) -> Result<(), ParseError> {
        self.try_push_node(record, offset).map_err(|kind| ParseError::new(kind, offset, Section::Nodes))
    }

    #[inline]
    fn try_push_node(&mut self, record: &[u64], offset: u64) -> Result<(), ParseErrorKind> {
        let index = self.graph.node_type.len();
        if index == self.claimed_nodes {
            return Err(ParseErrorKind::TooManyRecords {
                what: "node_count",
                claimed: self.claimed_nodes as u64,
            });
        }
        let layout = &self.nodes;
        let node_type = record[layout.type_pos];
        if node_type >= layout.n_types as u64 {
            return Err(ParseErrorKind::UnknownNodeType {
                node: index as u64,
                value: node_type,
                n_types: layout.n_types,
            });
        }
        let name = check_u32(record[layout.name_pos], "name")?;
        let id = check_u32(record[layout.id_pos], "id")?;
        let self_size = record[layout.self_size_pos];
        if self_size > MAX_SELF_SIZE {
            return Err(ParseErrorKind::NumberOutOfRange {
                field: "self_size",
                value: self_size,
                max: MAX_SELF_SIZE,
            });
        }
        let edge_count = check_u32(record[layout.edge_count_pos], "edge_count")?;
        let trace_node_id = match layout.trace_node_id_pos {
            Some(pos) => check_u32(record[pos], "trace_node_id")?,
            None => 0,
        };
        let detachedness = match layout.detachedness_pos {
            Some(pos) => Some(u8::try_from(record[pos]).map_err(|_| ParseErrorKind::NumberOutOfRange {
                field: "detachedness",
                value: record[pos],
                max: u64::from(u8::MAX),
            })?),
            None => None,
        };
        self.node_edge_total += u64::from(edge_count);
        let first_edge = check_u32(self.node_edge_total, "the sum of edge_count")?;

        let claimed = self.claimed_nodes;
        let graph = &mut self.graph;
        if graph.node_type.len() == graph.node_type.capacity() {
            reserve_for_one(&mut graph.node_type, claimed);
            reserve_for_one(&mut graph.node_name, claimed);
            reserve_for_one(&mut graph.node_id, claimed);
            reserve_for_one(&mut graph.node_self_size, claimed);
            reserve_for_one(&mut graph.first_edge, claimed + 1);
            if let Some(column) = &mut graph.node_detachedness {
                reserve_for_one(column, claimed);
            }
            if let Some(column) = &mut graph.node_trace_id {
                reserve_for_one(column, claimed);
            }
        }
        // node_type < n_types, and read_header keeps n_types within u8.
        graph.node_type.push(node_type as u8);
        graph.node_name.push(StrIdx(name));
        graph.node_id.push(id);
        match u32::try_from(self_size) {
            Ok(size) if size != u32::MAX => graph.node_self_size.push(size),
            _ => {
                graph.large_self_sizes.insert(NodeIdx(index as u32), self_size);
                graph.node_self_size.push(u32::MAX);
            }
        }
        graph.first_edge.push(first_edge);
        if let (Some(column), Some(value)) = (&mut graph.node_detachedness, detachedness) {
            column.push(value);
        }
        match &mut graph.node_trace_id {
            Some(column) => column.push(trace_node_id),
            None if trace_node_id != 0 => {
                let mut column = Vec::with_capacity(graph.node_type.capacity());
                column.resize(index, 0);
                column.push(trace_node_id);
                graph.node_trace_id = Some(column);
            }
            None => {}
        }
        self.note_string_ref(u64::from(name), "name", offset, Section::Nodes);
        Ok(())
    }

    /// Appends one edge record; `offset` is where the record ends in the text.
    #[inline]
    pub fn push_edge(&mut self, record: &[u64], offset: u64) -> Result<(), ParseError> {
        self.try_push_edge(record, offset).map_err(|kind| ParseError::new(kind, offset, Section::Edges))
    }

    #[inline]
    fn try_push_edge(&mut self, record: &[u64], offset: u64) -> Result<(), ParseErrorKind> {
        let index = self.graph.edge_type.len();
        if index == self.claimed_edges {
            return Err(ParseErrorKind::TooManyRecords {
                what: "edge_count",
                claimed: self.claimed_edges as u64,
            });
        }
        let layout = &self.edges;
        let edge_type = record[layout.type_pos];
        // Converted with a check: on wasm32 `as usize` would truncate 2^32 + 1 to a valid type.
        let known_type = usize::try_from(edge_type).ok().and_then(|t| layout.name_is_index.get(t));
        let Some(&name_is_index) = known_type else {
            let n_types = layout.name_is_index.len();
            return Err(ParseErrorKind::UnknownEdgeType { edge: index as u64, value: edge_type, n_types });
        };
        let name_or_index = check_u32(record[layout.name_pos], "name_or_index")?;
        let to = self.node_at(record[layout.to_node_pos], "to_node")?;

        let claimed = self.claimed_edges;
        let graph = &mut self.graph;
        if graph.edge_type.len() == graph.edge_type.capacity() {
            reserve_for_one(&mut graph.edge_type, claimed);
            reserve_for_one(&mut graph.edge_name_or_index, claimed);
            reserve_for_one(&mut graph.edge_to, claimed);
        }
        // edge_type indexes name_is_index, which read_header keeps within u8.
        graph.edge_type.push(edge_type as u8);
        graph.edge_name_or_index.push(name_or_index);
        graph.edge_to.push(to);
        if !name_is_index {
            self.note_string_ref(u64::from(name_or_index), "name_or_index", offset, Section::Edges);
        }
        Ok(())
    }

    /// Appends one location record; `offset` is where the record ends in the text.
    pub fn push_location(&mut self, record: &[u64], offset: u64) -> Result<(), ParseError> {
        self.try_push_location(record).map_err(|kind| ParseError::new(kind, offset, Section::Locations))
    }

    fn try_push_location(&mut self, record: &[u64]) -> Result<(), ParseErrorKind> {
        let Some(layout) = &self.locations else {
            return Err(ParseErrorKind::MissingField { list: "location_fields", field: "object_index" });
        };
        let location = Location {
            node: self.node_at(record[layout.object_pos], "object_index")?,
            script_id: check_u32(record[layout.script_pos], "script_id")?,
            line: check_u32(record[layout.line_pos], "line")?,
            column: check_u32(record[layout.column_pos], "column")?,
        };
        // One location per node at most, so the claimed node count bounds the column.
        if self.graph.locations.len() == self.claimed_nodes {
            return Err(ParseErrorKind::TooManyRecords {
                what: "node_count (locations)",
                claimed: self.claimed_nodes as u64,
            });
        }
        reserve_for_one(&mut self.graph.locations, self.claimed_nodes);
        self.graph.locations.push(location);
        Ok(())
    }

    /// Appends one string of the `strings` section; `offset` is where it ends.
    pub fn push_string(&mut self, text: &str, offset: u64) -> Result<(), ParseError> {
        match self.graph.strings.push(text) {
            Some(_) => Ok(()),
            None => Err(ParseError::new(ParseErrorKind::StringTableTooLarge, offset, Section::Strings)),
        }
    }

    /// Checks the record count when the `nodes` array closes at `offset`.
    pub fn end_nodes(&mut self, offset: u64) -> Result<(), ParseError> {
        self.nodes_end = Some(offset);
        let found = self.graph.node_type.len();
        if found != self.claimed_nodes {
            let kind = ParseErrorKind::CountMismatch {
                what: "node_count",
                claimed: self.claimed_nodes as u64,
                found: found as u64,
            };
            return Err(ParseError::new(kind, offset, Section::Nodes));
        }
        Ok(())
    }

    /// Checks the record count when the `edges` array closes at `offset`.
    pub fn end_edges(&mut self, offset: u64) -> Result<(), ParseError> {
        self.edges_done = true;
        let found = self.graph.edge_type.len();
        if found != self.claimed_edges {
            let kind = ParseErrorKind::CountMismatch {
                what: "edge_count",
                claimed: self.claimed_edges as u64,
                found: found as u64,
            };
            return Err(ParseError::new(kind, offset, Section::Edges));
        }
        Ok(())
    }

    /// Notes that the `strings` array closed.
    pub fn end_strings(&mut self) {
        self.strings_done = true;
    }

    /// Final checks once the whole text has been read (`end` is its length).
    pub fn finish(mut self, end: u64) -> Result<HeapGraph, ParseError> {
        let missing = |name| ParseError::new(ParseErrorKind::MissingSection { name }, end, Section::TopLevel);
        let Some(nodes_end) = self.nodes_end else { return Err(missing("nodes")) };
        if !self.edges_done {
            return Err(missing("edges"));
        }
        if !self.strings_done {
            return Err(missing("strings"));
        }
        let n_edges = self.graph.edge_type.len() as u64;
        if self.node_edge_total != n_edges {
            let kind = ParseErrorKind::EdgeCountSumMismatch {
                sum_of_node_edge_counts: self.node_edge_total,
                edges: n_edges,
            };
            return Err(ParseError::new(kind, nodes_end, Section::Nodes));
        }
        let n_strings = self.graph.strings.len() as u64;
        if let Some(max) = self.max_string_ref.take().filter(|max| max.index >= n_strings) {
            let kind =
                ParseErrorKind::StringIndexOutOfRange { field: max.field, index: max.index, n_strings };
            return Err(ParseError::new(kind, max.offset, max.section));
        }
        self.graph.strings.shrink_to_fit();
        self.graph.locations.shrink_to_fit();
        Ok(self.graph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_offsets_divide_like_division() {
        for width in [1, 2, 5, 6, 7, 32] {
            let offsets = NodeOffsets::new(width);
            let width = u64::from(width);
            let samples = (0..2000).chain([u64::from(u32::MAX) - 1, u64::from(u32::MAX), 1 << 33, u64::MAX]);
            for offset in samples.chain((0..2000).map(|k| u64::from(u32::MAX) - k * 3)) {
                assert_eq!(
                    offsets.split(offset),
                    (offset / width, offset % width == 0),
                    "{offset} / {width}"
                );
            }
        }
    }

    #[test]
    fn capacity_grows_in_bounded_steps_up_to_the_claim() {
        assert_eq!(grown_capacity(0, 10), 10);
        assert_eq!(grown_capacity(0, 1_000_000_000), FIRST_CAPACITY);
        assert_eq!(grown_capacity(FIRST_CAPACITY, 1_000_000_000), 2 * FIRST_CAPACITY);
        assert_eq!(grown_capacity(600_000_000, 1_000_000_000), 1_000_000_000);
    }
}
