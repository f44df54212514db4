//! The snapshot parser against real snapshots (Node 20 and Chromium, `tests/fixtures/snapshots/`, gzipped)
//! and hand-made broken ones.
//!
//! The real files are checked against an independent reading of the same JSON with serde_json, fed in
//! random chunk sizes (compressed and not), and cut at many offsets. Hand-made snapshots pin one error kind
//! each. The last tests feed arbitrary and mutated bytes (proptest) and only require "no panic".

use std::io::Read;

use heapscope::snapshot::graph::{HeapGraph, NodeIdx, StrIdx};
use heapscope::snapshot::parse::{parse_reader, ParseError, ParseErrorKind, Section, SnapshotParser};
use proptest::prelude::*;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots");

/// Every fixture snapshot: (name, gzipped bytes).
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(FIXTURES)
        .expect("fixture folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".heapsnapshot.gz"))
        .collect();
    files.sort();
    assert!(files.len() >= 18, "expected the 15 Node and 3 Chrome snapshots, found {}", files.len());
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (name, std::fs::read(&path).expect("read fixture"))
        })
        .collect()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut text).expect("valid gzip fixture");
    text
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A chunk size: mostly small (to cross every kind of boundary), sometimes large.
    fn chunk_size(&mut self) -> usize {
        match self.below(10) {
            0..=2 => 1 + self.below(4),
            3..=6 => 1 + self.below(300),
            _ => 1 + self.below(200_000),
        }
    }
}

fn parse_whole(bytes: &[u8]) -> Result<HeapGraph, ParseError> {
    let mut parser = SnapshotParser::new();
    parser.feed(bytes)?;
    parser.finish()
}

fn parse_in_random_chunks(bytes: &[u8], rng: &mut Rng) -> Result<HeapGraph, ParseError> {
    let mut parser = SnapshotParser::new();
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + rng.chunk_size()).min(bytes.len());
        parser.feed(&bytes[at..end])?;
        assert_eq!(parser.bytes_consumed(), end as u64);
        at = end;
    }
    parser.finish()
}

fn numbers(doc: &Value, key: &str) -> Vec<u64> {
    doc[key].as_array().expect("array").iter().map(|v| v.as_u64().expect("non-negative integer")).collect()
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().expect("list").iter().map(|v| v.as_str().expect("string").to_owned()).collect()
}

/// Compares every column of `graph` with serde_json's reading of the same text.
fn assert_matches_serde_json(name: &str, text: &[u8], graph: &HeapGraph) {
    let doc: Value = serde_json::from_slice(text).expect("fixture is JSON");
    let meta = &doc["snapshot"]["meta"];
    let node_fields = names(&meta["node_fields"]);
    let edge_fields = names(&meta["edge_fields"]);
    let at = |fields: &[String], f: &str| fields.iter().position(|x| x == f).expect("field present");
    let nodes = numbers(&doc, "nodes");
    let edges = numbers(&doc, "edges");
    let (nf, ef) = (node_fields.len(), edge_fields.len());
    assert_eq!(graph.n_nodes(), nodes.len() / nf, "{name}: node count");
    assert_eq!(graph.n_edges(), edges.len() / ef, "{name}: edge count");
    assert_eq!(graph.node_type_names, names(&meta["node_types"][at(&node_fields, "type")]), "{name}");
    assert_eq!(graph.edge_type_names, names(&meta["edge_types"][at(&edge_fields, "type")]), "{name}");

    let mut first_edge = 0;
    for (n, node) in nodes.chunks(nf).enumerate() {
        let idx = NodeIdx(n as u32);
        assert_eq!(u64::from(graph.node_type[n]), node[at(&node_fields, "type")], "{name}: type of node {n}");
        assert_eq!(
            u64::from(graph.node_name[n].0),
            node[at(&node_fields, "name")],
            "{name}: name of node {n}"
        );
        assert_eq!(u64::from(graph.node_id[n]), node[at(&node_fields, "id")], "{name}: id of node {n}");
        assert_eq!(graph.self_size(idx), node[at(&node_fields, "self_size")], "{name}: size of node {n}");
        assert_eq!(graph.edges_of(idx).start, first_edge, "{name}: first edge of node {n}");
        first_edge += node[at(&node_fields, "edge_count")] as u32;
        if let Some(pos) = node_fields.iter().position(|f| f == "detachedness") {
            let column = graph.node_detachedness.as_ref().expect("detachedness column");
            assert_eq!(u64::from(column[n]), node[pos], "{name}: detachedness of node {n}");
        }
        if let Some(pos) = node_fields.iter().position(|f| f == "trace_node_id") {
            assert_eq!(u64::from(graph.trace_node_id(idx)), node[pos], "{name}: trace id of node {n}");
        }
    }
    assert_eq!(graph.first_edge.last().copied(), Some(first_edge), "{name}: CSR end");

    for (e, edge) in edges.chunks(ef).enumerate() {
        assert_eq!(u64::from(graph.edge_type[e]), edge[at(&edge_fields, "type")], "{name}: type of edge {e}");
        assert_eq!(u64::from(graph.edge_name_or_index[e]), edge[at(&edge_fields, "name_or_index")], "{name}");
        assert_eq!(
            u64::from(graph.edge_to[e].0) * nf as u64,
            edge[at(&edge_fields, "to_node")],
            "{name}: edge {e}"
        );
    }

    let strings = names(&doc["strings"]);
    assert_eq!(graph.strings.len(), strings.len(), "{name}: string count");
    for (s, expected) in strings.iter().enumerate() {
        assert_eq!(graph.strings.get(StrIdx(s as u32)), expected, "{name}: string {s}");
    }

    let location_fields = names(&meta["location_fields"]);
    let locations = numbers(&doc, "locations");
    let lf = location_fields.len();
    assert_eq!(graph.locations.len(), locations.len() / lf, "{name}: location count");
    for (location, raw) in graph.locations.iter().zip(locations.chunks(lf)) {
        assert_eq!(u64::from(location.node.0) * nf as u64, raw[at(&location_fields, "object_index")]);
        assert_eq!(u64::from(location.script_id), raw[at(&location_fields, "script_id")]);
        assert_eq!(u64::from(location.line), raw[at(&location_fields, "line")]);
        assert_eq!(u64::from(location.column), raw[at(&location_fields, "column")]);
    }
}

#[test]
fn corpus_matches_an_independent_json_reading() {
    for (name, gz) in corpus() {
        let text = gunzip(&gz);
        let graph = parse_whole(&gz).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_serde_json(&name, &text, &graph);
        assert_eq!(
            parse_whole(&text).as_ref(),
            Ok(&graph),
            "{name}: plain text and gzip give the same graph"
        );
    }
}
