//! The parser's error type: what went wrong, at which byte, in which section of the snapshot.
//!
//! Every way a `.heapsnapshot` can be wrong has its own [`ParseErrorKind`] variant carrying the offending
//! values, so callers can react to a kind and users read a sentence naming the byte offset and section.
//! This module owns the types and their wording only; the checks live where the data is read.

use std::fmt;

/// The part of the snapshot being read when an error happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    /// Outside any section: the top-level object, its keys and separators.
    TopLevel,
    /// The `snapshot` header object (meta, counts).
    Header,
    Nodes,
    Edges,
    Strings,
    Locations,
    /// A section heapscope skips, by its key (`trace_tree`, `samples`, `scopes`, ...).
    Skipped(String),
    /// The gzip layer around the JSON text.
    Gzip,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::TopLevel => f.write_str("the top-level object"),
            Section::Header => f.write_str("`snapshot`"),
            Section::Nodes => f.write_str("`nodes`"),
            Section::Edges => f.write_str("`edges`"),
            Section::Strings => f.write_str("`strings`"),
            Section::Locations => f.write_str("`locations`"),
            Section::Skipped(name) => write!(f, "`{name}`"),
            Section::Gzip => f.write_str("the gzip stream"),
        }
    }
}

/// Why a snapshot could not be read. Each variant carries the values that were wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input is not a heap snapshot; `looks_like` says what it seems to be instead.
    NotASnapshot { looks_like: String },
    /// The input ended before the snapshot was complete.
    Truncated {
        /// Records the section should hold (from `node_count`/`edge_count`), when known.
        records_expected: Option<u64>,
        /// Complete records read so far in the section.
        records_read: u64,
        /// Numbers per record (the length of the section's field list); 1 for strings.
        fields_per_record: u32,
    },
    /// A byte that JSON does not allow at this place.
    InvalidJson { expected: &'static str, found: u8 },
    /// Containers nested deeper than heapscope follows.
    NestingTooDeep { limit: u32 },
    /// A required section (`nodes`, `edges`, `strings`) never appeared.
    MissingSection { name: &'static str },
    /// A section appeared twice.
    DuplicateSection { name: String },
    /// The `snapshot` header is not what V8 writes (missing or malformed `meta`, counts, type lists).
    BadHeader { message: String },
    /// The `snapshot` header is larger than any real one.
    HeaderTooLarge { limit_bytes: u64 },
    /// A field list in `meta` lacks a field heapscope needs.
    MissingField { list: &'static str, field: &'static str },
    /// A field list in `meta` has more fields than heapscope accepts.
    TooManyFields { list: &'static str, count: usize, limit: usize },
    /// A claimed count is larger than heapscope can index (`u32`).
    CountTooLarge { what: &'static str, count: u64, limit: u64 },
    /// The number of records read differs from the count the header claims.
    CountMismatch { what: &'static str, claimed: u64, found: u64 },
    /// An array's length is not a whole number of records.
    PartialRecord { fields_per_record: u32, values_in_last: u32 },
    /// The nodes' `edge_count` fields do not add up to the number of edges.
    EdgeCountSumMismatch { sum_of_node_edge_counts: u64, edges: u64 },
    /// A node type index beyond `meta.node_types[0]`.
    UnknownNodeType { node: u64, value: u64, n_types: usize },
    /// An edge type index beyond `meta.edge_types[0]`.
    UnknownEdgeType { edge: u64, value: u64, n_types: usize },
    /// A node reference (`to_node`, `object_index`) that is not a multiple of the node field count.
    NodeOffsetMisaligned { field: &'static str, value: u64, node_field_count: u32 },
    /// A node reference past the last node.
    NodeOffsetOutOfRange { field: &'static str, value: u64, n_nodes: u64 },
    /// A string index past the end of the `strings` array.
    StringIndexOutOfRange { field: &'static str, index: u64, n_strings: u64 },
    /// More records than the header's count: the array goes on past `claimed` records.
    TooManyRecords { what: &'static str, claimed: u64 },
    /// A number too large for its field.
    NumberOutOfRange { field: &'static str, value: u64, max: u64 },
    /// A value that is not a non-negative integer where one is required (`-1`, `2.5`, `1e3`).
    NotAnInteger { field: String, text: String },
    /// An integer with more digits than any 64-bit value.
    NumberTooLong { field: String, digits: u64 },
    /// The string table would exceed 4 GiB of text.
    StringTableTooLarge,
    /// Bytes after the end of the top-level object.
    TrailingData { found: u8 },
    /// The gzip stream is corrupt or incomplete.
    Gzip { message: String },
    /// Reading the input failed (only from [`parse_reader`](super::parse_reader)).
    Io { message: String },
}

/// An error with the byte offset and section where it was found.
///
/// For gzip input, `offset` counts bytes of the decompressed JSON text (a gzip-layer error counts
/// compressed bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub offset: u64,
    pub section: Section,
}

impl ParseError {
    pub fn new(kind: ParseErrorKind, offset: u64, section: Section) -> Self {
        ParseError { kind, offset, section }
    }
}

impl std::error::Error for ParseError {}

/// A byte as a user reads it: the character when printable, else its hex value.
struct ShownByte(u8);

impl fmt::Display for ShownByte {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            b if b.is_ascii_graphic() => write!(f, "`{}`", b as char),
            b' ' => f.write_str("a space"),
            b'\n' => f.write_str("a line break"),
            b => write!(f, "byte 0x{b:02x}"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ParseErrorKind as K;
        let (section, offset) = (&self.section, self.offset);
        match &self.kind {
            K::NotASnapshot { looks_like } => {
                write!(f, "not a V8 heap snapshot: this looks like {looks_like}")
            }
            K::Truncated { records_expected, records_read, fields_per_record } => {
                write!(f, "truncated in {section} at byte {offset}")?;
                let unit = match section {
                    Section::Nodes => "nodes",
                    Section::Edges => "edges",
                    Section::Locations => "locations",
                    Section::Strings => "strings",
                    _ => return f.write_str(": the file ends before the snapshot is complete"),
                };
                match records_expected {
                    Some(expected) => write!(
                        f,
                        ": expected {expected} {unit} ×{fields_per_record} values, got {records_read} complete"
                    ),
                    None => write!(f, ": got {records_read} {unit}, then the file ends"),
                }
            }
            K::InvalidJson { expected, found } => {
                write!(f, "invalid JSON in {section} at byte {offset}: expected {expected}, found {}", ShownByte(*found))
            }
            K::NestingTooDeep { limit } => {
                write!(f, "in {section} at byte {offset}: arrays/objects nested deeper than {limit} levels")
            }
            K::MissingSection { name } => {
                write!(f, "the snapshot has no `{name}` section (input ended at byte {offset})")
            }
            K::DuplicateSection { name } => write!(f, "section `{name}` appears twice (second at byte {offset})"),
            K::BadHeader { message } => write!(f, "bad `snapshot` header at byte {offset}: {message}"),
            K::HeaderTooLarge { limit_bytes } => {
                write!(f, "the `snapshot` header is larger than {limit_bytes} bytes (at byte {offset})")
            }
            K::MissingField { list, field } => {
                write!(f, "bad `snapshot` header at byte {offset}: `meta.{list}` has no `{field}` field")
            }
            K::TooManyFields { list, count, limit } => {
                write!(f, "bad `snapshot` header at byte {offset}: `meta.{list}` has {count} fields, more than {limit}")
            }
            K::CountTooLarge { what, count, limit } => {
                write!(f, "in {section} at byte {offset}: {what} = {count} is larger than the limit {limit}")
            }
            K::CountMismatch { what, claimed, found } => write!(
                f,
                "in {section} at byte {offset}: the header says {what} = {claimed}, but the file has {found}"
            ),
            K::PartialRecord { fields_per_record, values_in_last } => write!(
                f,
                "in {section} at byte {offset}: the array ends in the middle of a record \
                 ({values_in_last} of {fields_per_record} values)"
            ),
            K::EdgeCountSumMismatch { sum_of_node_edge_counts, edges } => write!(
                f,
                "in {section} at byte {offset}: the nodes' edge_count fields add up to {sum_of_node_edge_counts}, \
                 but there are {edges} edges"
            ),
            K::UnknownNodeType { node, value, n_types } => write!(
                f,
                "in {section} at byte {offset}: node {node} has type {value}, but there are only {n_types} node types"
            ),
            K::UnknownEdgeType { edge, value, n_types } => write!(
                f,
                "in {section} at byte {offset}: edge {edge} has type {value}, but there are only {n_types} edge types"
            ),
            K::NodeOffsetMisaligned { field, value, node_field_count } => write!(
                f,
                "in {section} at byte {offset}: {field} = {value} is not a multiple of the node field count \
                 {node_field_count}"
            ),
            K::NodeOffsetOutOfRange { field, value, n_nodes } => write!(
                f,
                "in {section} at byte {offset}: {field} = {value} points past the last of {n_nodes} nodes"
            ),
            K::StringIndexOutOfRange { field, index, n_strings } => write!(
                f,
                "in {section} at byte {offset}: {field} = {index} is past the end of the {n_strings} strings"
            ),
            K::TooManyRecords { what, claimed } => write!(
                f,
                "in {section} at byte {offset}: the header says {what} = {claimed}, but the array holds more"
            ),
            K::NumberTooLong { field, digits } => {
                write!(f, "in {section} at byte {offset}: {field} has {digits} digits, more than any 64-bit number")
            }
            K::NumberOutOfRange { field, value, max } => {
                write!(f, "in {section} at byte {offset}: {field} = {value} is larger than {max}")
            }
            K::NotAnInteger { field, text } => write!(
                f,
                "in {section} at byte {offset}: {field} must be a non-negative integer, found `{text}`"
            ),
            K::StringTableTooLarge => {
                write!(f, "in {section} at byte {offset}: the strings exceed 4 GiB of text")
            }
            K::TrailingData { found } => {
                write!(f, "unexpected {} at byte {offset} after the end of the snapshot", ShownByte(*found))
            }
            K::Gzip { message } => write!(f, "the gzip stream is broken at byte {offset}: {message}"),
            K::Io { message } => write!(f, "reading the file failed after {offset} bytes: {message}"),
        }
    }
}
