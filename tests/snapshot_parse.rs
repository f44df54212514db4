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

/// Checks the retainer index against the edge list: every edge appears once, under its target, beside its
/// owner, and each node's retainers are in edge order.
fn assert_retainers_are_the_reversed_edges(name: &str, graph: &mut HeapGraph) {
    graph.build_retainers();
    let mut seen = vec![false; graph.n_edges()];
    for node in 0..graph.n_nodes() as u32 {
        let node = NodeIdx(node);
        let retainers: Vec<_> = graph.retainer_edges(node).collect();
        assert_eq!(retainers.len(), graph.retainer_slots(node).len(), "{name}: every slot has its edge");
        assert!(retainers.windows(2).all(|w| w[0].0 < w[1].0), "{name}: retainers of {node:?} in edge order");
        for (edge, owner) in retainers {
            assert_eq!(graph.edge_to[edge.0 as usize], node, "{name}");
            assert!(graph.edges_of(owner).contains(&edge.0), "{name}: {owner:?} owns {edge:?}");
            assert!(!std::mem::replace(&mut seen[edge.0 as usize], true), "{name}: {edge:?} listed twice");
        }
    }
    assert!(seen.iter().all(|&s| s), "{name}: every edge is some node's retainer");
}

#[test]
fn corpus_matches_an_independent_json_reading() {
    for (name, gz) in corpus() {
        let text = gunzip(&gz);
        let graph = parse_whole(&gz).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_serde_json(&name, &text, &graph);
        assert_eq!(graph.extra_native_bytes, 0, "{name}: Node and this Chromium write 0 or nothing");
        assert_eq!(
            parse_whole(&text).as_ref(),
            Ok(&graph),
            "{name}: plain text and gzip give the same graph"
        );
        let mut graph = graph;
        assert_retainers_are_the_reversed_edges(&name, &mut graph);
        // Memory budget: the graph with its retainer index stays near the text size (measured: 1.05 to
        // 1.31 on these files, 1.10 on a 332 MB one); columns sized past their counts would break this.
        let ratio = graph.heap_bytes() as f64 / text.len() as f64;
        assert!(ratio < 1.35, "{name}: the graph takes {ratio:.2} bytes per byte of text");
    }
}

#[test]
fn random_chunk_sizes_give_the_same_graph_as_one_chunk() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, gz) in corpus() {
        let whole = parse_whole(&gz).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = gunzip(&gz);
        for input in [&gz, &text] {
            let chunked = parse_in_random_chunks(input, &mut rng).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(chunked == whole, "{name}: chunked parse differs from the one-chunk parse");
        }
    }
}

/// Where each top-level section of a snapshot text starts, found by plain search (not by the parser).
fn section_starts(text: &[u8]) -> Vec<(usize, Section)> {
    let find = |key: &str| {
        let needle = format!("\"{key}\":");
        text.windows(needle.len()).position(|w| w == needle.as_bytes()).map(|at| at + needle.len())
    };
    let mut starts: Vec<_> = [
        ("snapshot", Section::Header),
        ("nodes", Section::Nodes),
        ("edges", Section::Edges),
        ("strings", Section::Strings),
        ("locations", Section::Locations),
    ]
    .into_iter()
    .filter_map(|(key, section)| find(key).map(|at| (at, section)))
    .collect();
    starts.sort_by_key(|(at, _)| *at);
    starts
}

#[test]
fn truncated_corpus_files_give_a_truncation_error_in_the_right_section() {
    let mut rng = Rng(42);
    for (name, gz) in corpus() {
        let text = gunzip(&gz);
        let starts = section_starts(&text);
        let mut cuts = vec![0, 1, 2, 20, text.len() - 1];
        for (at, _) in &starts {
            cuts.extend([*at, *at + 1 + rng.below(1000)]);
        }
        cuts.extend((0..4).map(|_| rng.below(text.len())));
        for cut in cuts {
            let result = parse_in_random_chunks(&text[..cut], &mut rng);
            let err = result.expect_err(&format!("{name} cut at {cut} must not parse"));
            let message = err.to_string();
            if cut == 0 {
                assert!(matches!(err.kind, ParseErrorKind::NotASnapshot { .. }), "{name}: {message}");
                continue;
            }
            assert!(matches!(err.kind, ParseErrorKind::Truncated { .. }), "{name} cut at {cut}: {message}");
            assert_eq!(err.offset, cut as u64, "{name}: a truncation is reported where the input ends");
            assert!(message.starts_with(&format!("truncated in {} at byte {cut}", err.section)), "{message}");
            // Inside a section's value the error names that section (section values end before the next key).
            if let Some((_, section)) = starts.iter().rev().find(|(at, _)| *at < cut) {
                let value_end =
                    starts.iter().find(|(at, _)| *at >= cut).map_or(text.len() - 1, |(at, _)| *at);
                let in_value = text[cut..value_end].iter().filter(|&&b| b == b',').count() > 1;
                if in_value {
                    assert_eq!(&err.section, section, "{name} cut at {cut}: {message}");
                }
            }
        }
    }
}

#[test]
fn truncated_gzip_files_give_an_error() {
    let mut rng = Rng(7);
    for (name, gz) in corpus().into_iter().take(4) {
        for cut in [1, 2, 10, gz.len() / 3, gz.len() - 9, gz.len() - 4, gz.len() - 1] {
            let err = parse_in_random_chunks(&gz[..cut], &mut rng).expect_err("cut gzip");
            assert!(
                matches!(err.kind, ParseErrorKind::Truncated { .. } | ParseErrorKind::Gzip { .. }),
                "{name} cut at {cut}: {err}"
            );
        }
    }
}

#[test]
fn parse_reader_reports_progress_up_to_the_file_size() {
    let (_, gz) = &corpus()[0];
    let mut seen = Vec::new();
    let graph = parse_reader(gz.as_slice(), 1 << 16, |bytes| seen.push(bytes)).expect("valid fixture");
    assert!(graph.n_nodes() > 0);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "progress only grows");
    assert_eq!(seen.last().copied(), Some(gz.len() as u64));
}

#[test]
fn meta_is_available_once_the_header_is_read() {
    // One snapshot per producer: Node 20 and Chromium.
    for (name, gz) in corpus().into_iter().filter(|(name, _)| name.ends_with("-1.heapsnapshot.gz")) {
        let text = gunzip(&gz);
        let header_end = section_starts(&text)[1].0;
        let mut parser = SnapshotParser::new();
        // `...},\n"nodes":` ends the header: stop just before its closing brace.
        let before_brace = header_end - "},\n\"nodes\":".len();
        assert_eq!(text[before_brace], b'}', "{name}");
        parser.feed(&text[..before_brace]).expect("prefix");
        assert!(parser.meta().is_none(), "{name}");
        parser.feed(&text[before_brace..header_end]).expect("header");
        let meta = parser.meta().expect("header read").clone();
        let doc: Value = serde_json::from_slice(&text).expect("JSON");
        let snapshot = &doc["snapshot"];
        assert_eq!(meta.node_fields, names(&snapshot["meta"]["node_fields"]), "{name}");
        assert_eq!(meta.edge_fields, names(&snapshot["meta"]["edge_fields"]), "{name}");
        assert_eq!(meta.location_fields, names(&snapshot["meta"]["location_fields"]), "{name}");
        assert_eq!(meta.node_count, snapshot["node_count"].as_u64().expect("count"), "{name}");
        assert_eq!(meta.edge_count, snapshot["edge_count"].as_u64().expect("count"), "{name}");
        assert_eq!(meta.trace_function_count, snapshot["trace_function_count"].as_u64(), "{name}");
        parser.feed(&text[header_end..]).expect("rest");
        let keys: Vec<String> = doc.as_object().expect("object").keys().cloned().collect();
        let mut seen = parser.meta().expect("meta").sections.clone();
        let mut expected = keys;
        seen.sort();
        expected.sort();
        assert_eq!(seen, expected, "{name}: every section is listed");
        let is_chrome = name.starts_with("domleak");
        assert_eq!(meta.node_fields.len(), if is_chrome { 6 } else { 7 }, "{name}");
        assert_eq!(meta.node_fields.contains(&"trace_node_id".to_owned()), !is_chrome, "{name}");
    }
}

/// A three-node snapshot in Node 20's layout: root -[element 0]-> Foo, root -[shortcut "prop"]-> "s",
/// Foo -[property "prop"]-> "s"; one location, on Foo.
const TINY: &str = r#"{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"location_fields":["object_index","script_id","line","column"]},"node_count":3,"edge_count":3,"trace_function_count":0},
"nodes":[9,1,1,0,2,0,0
,3,2,3,32,1,0,1
,2,3,5,16,0,0,0],
"edges":[1,0,7
,5,4,14
,2,4,14],
"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[7,1,2,3],
"strings":["","Root","Foo","s","prop"]}"#;

/// Checks that `graph` is TINY's graph, column by column, written out by hand.
fn assert_is_tiny(graph: &HeapGraph) {
    assert_eq!(graph.n_nodes(), 3);
    assert_eq!(graph.node_type, [9, 3, 2]);
    assert_eq!(graph.node_name, [StrIdx(1), StrIdx(2), StrIdx(3)]);
    assert_eq!(graph.node_id, [1, 3, 5]);
    assert_eq!((0..3).map(|n| graph.self_size(NodeIdx(n))).collect::<Vec<_>>(), [0, 32, 16]);
    assert_eq!(graph.first_edge, [0, 2, 3, 3]);
    assert_eq!(graph.edge_type, [1, 5, 2]);
    assert_eq!(graph.edge_name_or_index, [0, 4, 4]);
    assert_eq!(graph.edge_to, [NodeIdx(1), NodeIdx(2), NodeIdx(2)]);
    assert_eq!(graph.node_type_name(NodeIdx(1)), "object");
    assert_eq!(graph.strings.get(graph.node_name[1]), "Foo");
    assert_eq!(graph.locations.len(), 1);
    assert_eq!((graph.locations[0].node, graph.locations[0].line), (NodeIdx(1), 2));
    assert_eq!(graph.node_trace_id, None, "all-zero trace ids need no column");
}

fn parse_text(text: &str) -> Result<HeapGraph, ParseError> {
    let mut parser = SnapshotParser::new();
    for byte in text.as_bytes() {
        parser.feed(std::slice::from_ref(byte))?;
    }
    let byte_by_byte = parser.finish();
    assert_eq!(parse_whole(text.as_bytes()), byte_by_byte, "one chunk and one byte at a time agree");
    byte_by_byte
}

/// Parses TINY with `from` replaced by `to` (which must occur) and returns the error.
fn tiny_error(from: &str, to: &str) -> ParseError {
    assert!(TINY.contains(from), "{from}");
    parse_text(&TINY.replacen(from, to, 1)).expect_err("the edit makes the snapshot invalid")
}

#[test]
fn tiny_snapshot_reads_byte_by_byte() {
    assert_is_tiny(&parse_text(TINY).expect("valid"));
}

#[test]
fn retainers_group_edges_by_target() {
    let mut graph = parse_text(TINY).expect("valid");
    assert!(!graph.has_retainers());
    graph.build_retainers();
    assert_eq!(graph.first_retainer, [0, 0, 1, 3]);
    use heapscope::snapshot::graph::EdgeIdx;
    assert_eq!(
        graph.retainer_edges(NodeIdx(2)).collect::<Vec<_>>(),
        [(EdgeIdx(1), NodeIdx(0)), (EdgeIdx(2), NodeIdx(1))]
    );
    assert_eq!(graph.retainer_node, [NodeIdx(0), NodeIdx(0), NodeIdx(1)]);
    assert_eq!(graph.retaining_nodes_of(NodeIdx(2)), [NodeIdx(0), NodeIdx(1)]);
    assert_eq!(graph.retainer_edges(NodeIdx(0)).count(), 0);
}

#[test]
fn sections_in_any_order_and_unknown_sections_are_skipped() {
    let reordered = r#"{"snapshot":HEADER,"strings":["","Root","Foo","s","prop"],"scopes":[-2,0,{"x":[1.5e3,"]"]}],
        "edges":[1,0,7,5,4,14,2,4,14],"extra":{"a":"}\"","b":[[[]]],"c":null,"d":true},
        "locations":[7,1,2,3],"nodes":[9,1,1,0,2,0,0,3,2,3,32,1,0,1,2,3,5,16,0,0,0],"samples":[]}"#;
    let header_start = TINY.find("{\"meta\"").expect("header");
    let header_end = TINY.find("},\n\"nodes\"").expect("header end") + 1;
    let text = reordered.replace("HEADER", &TINY[header_start..header_end]);
    assert_is_tiny(&parse_text(&text).expect("valid"));
}

#[test]
fn field_order_comes_from_meta() {
    // Chrome's layout (no trace_node_id) with the fields permuted, and edges with to_node first.
    let text = TINY
        .replace(
            r#""node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"]"#,
            r#""node_fields":["id","edge_count","type","detachedness","self_size","name"]"#,
        )
        .replace(
            r#""string","number","number","number","number","number"],"edge_fields""#,
            r#""edge_fields""#,
        )
        .replace(r#""node_types":["#, r#""node_types":["number","number","#)
        .replace(
            r#""object shape"],"edge_fields""#,
            r#""object shape"],"number","number","string"],"edge_fields""#,
        )
        .replace(
            r#""edge_fields":["type","name_or_index","to_node"]"#,
            r#""edge_fields":["to_node","type","name_or_index"]"#,
        )
        .replace(r#""edge_types":[["#, r#""edge_types":["node",["#)
        .replace(r#""weak"],"string_or_number","node"]"#, r#""weak"],"string_or_number"]"#)
        .replace(
            "[9,1,1,0,2,0,0\n,3,2,3,32,1,0,1\n,2,3,5,16,0,0,0]",
            "[1,2,9,0,0,1, 3,1,3,1,32,2, 5,0,2,0,16,3]",
        )
        .replace("[1,0,7\n,5,4,14\n,2,4,14]", "[6,1,0,12,5,4,12,2,4]")
        .replace(r#""locations":[7,"#, r#""locations":[6,"#);
    let graph = parse_text(&text).expect("valid");
    assert_eq!(graph.node_id, [1, 3, 5]);
    assert_eq!(graph.first_edge, [0, 2, 3, 3]);
    assert_eq!(graph.edge_to, [NodeIdx(1), NodeIdx(2), NodeIdx(2)]);
    assert_eq!(graph.node_detachedness, Some(vec![0, 1, 0]));
    assert_eq!(graph.locations[0].node, NodeIdx(1));
}

#[test]
fn strings_decode_escapes_and_survive_lone_surrogates() {
    let text = TINY.replace(r#""Foo""#, r#""F\u00f6\"o\\\n\ud83d\ude00 \ud800 \udfff end""#);
    let graph = parse_text(&text).expect("valid");
    assert_eq!(graph.strings.get(StrIdx(2)), "Fö\"o\\\n😀 \u{fffd} \u{fffd} end");
}

#[test]
fn gzip_input_gives_the_same_graph() {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(TINY.as_bytes()).expect("compress");
    let gz = encoder.finish().expect("compress");
    let mut parser = SnapshotParser::new();
    for byte in &gz {
        parser.feed(std::slice::from_ref(byte)).expect("valid gzip");
    }
    assert_is_tiny(&parser.finish().expect("valid"));
    let mut corrupt = gz.clone();
    corrupt[gz.len() / 2] ^= 0xff;
    corrupt[gz.len() / 2 + 1] ^= 0x55;
    let err = parse_whole(&corrupt).expect_err("corrupt gzip");
    assert!(matches!(err.kind, ParseErrorKind::Gzip { .. } | ParseErrorKind::InvalidJson { .. }), "{err}");
}

#[test]
fn foreign_files_are_named() {
    let looks_like = |bytes: &[u8]| match parse_whole(bytes).expect_err("not a snapshot").kind {
        ParseErrorKind::NotASnapshot { looks_like } => looks_like,
        other => panic!("{other:?}"),
    };
    assert_eq!(looks_like(b""), "an empty file");
    assert!(looks_like(br#"{"nodes":[{"id":1,"callFrame":{}}],"startTime":0}"#).contains("CPU profile"));
    assert!(looks_like(br#"{"traceEvents":[]}"#).contains("Chrome trace"));
    assert!(looks_like(b"# HELP nodejs_heap_size_used_bytes\n").contains("Prometheus"));
    assert!(looks_like(br#"[{"ts":1}]"#).contains("JSON array"));
    assert!(looks_like(b"\x00\x01binary").contains("binary"));
    let err = parse_whole(b"{}").expect_err("empty object");
    assert_eq!(err.to_string(), "not a V8 heap snapshot: this looks like an empty JSON object");
}

#[test]
fn truncation_message_names_section_byte_and_counts() {
    let cut = TINY.find("5,4,14").expect("second edge");
    let err = parse_text(&TINY[..cut + 2]).expect_err("truncated");
    assert_eq!(err.section, Section::Edges);
    assert_eq!(err.offset, cut as u64 + 2);
    assert_eq!(
        err.to_string(),
        format!("truncated in `edges` at byte {}: expected 3 edges ×3 values, got 1 complete", cut + 2)
    );
}

/// Each edit of TINY and the error it must give: (from, to, expected kind, section).
#[test]
fn every_inconsistency_has_its_own_error() {
    use ParseErrorKind as K;
    let cases: Vec<(&str, &str, K, Section)> = vec![
        (
            "\"node_count\":3",
            "\"node_count\":4",
            K::CountMismatch { what: "node_count", claimed: 4, found: 3 },
            Section::Nodes,
        ),
        (
            "\"node_count\":3",
            "\"node_count\":2",
            K::TooManyRecords { what: "node_count", claimed: 2 },
            Section::Nodes,
        ),
        (
            "\"edge_count\":3",
            "\"edge_count\":4",
            K::CountMismatch { what: "edge_count", claimed: 4, found: 3 },
            Section::Edges,
        ),
        (
            "\"edge_count\":3",
            "\"edge_count\":1000000000000",
            K::CountTooLarge { what: "edge_count", count: 1_000_000_000_000, limit: u32::MAX as u64 },
            Section::Header,
        ),
        (
            "[1,0,7\n",
            "[1,0,8\n",
            K::NodeOffsetMisaligned { field: "to_node", value: 8, node_field_count: 7 },
            Section::Edges,
        ),
        (
            "[1,0,7\n",
            "[1,0,21\n",
            K::NodeOffsetOutOfRange { field: "to_node", value: 21, n_nodes: 3 },
            Section::Edges,
        ),
        (
            "[9,1,1,",
            "[9,99,1,",
            K::StringIndexOutOfRange { field: "name", index: 99, n_strings: 5 },
            Section::Nodes,
        ),
        (
            ",2,4,14]",
            ",2,5,14]",
            K::StringIndexOutOfRange { field: "name_or_index", index: 5, n_strings: 5 },
            Section::Edges,
        ),
        (",3,2,3,32", ",15,2,3,32", K::UnknownNodeType { node: 1, value: 15, n_types: 15 }, Section::Nodes),
        (",5,4,14", ",7,4,14", K::UnknownEdgeType { edge: 1, value: 7, n_types: 7 }, Section::Edges),
        (
            ",2,3,5,16",
            ",2,3,4294967296,16",
            K::NumberOutOfRange { field: "id", value: 1 << 32, max: u32::MAX as u64 },
            Section::Nodes,
        ),
        (
            ",3,2,3,32,",
            ",3,2,3,9007199254740992,",
            K::NumberOutOfRange { field: "self_size", value: 1 << 53, max: (1 << 53) - 1 },
            Section::Nodes,
        ),
        (
            ",5,4,14",
            ",4294967298,4,14",
            K::UnknownEdgeType { edge: 1, value: (1 << 32) + 2, n_types: 7 },
            Section::Edges,
        ),
        (
            ",0,1\n",
            ",0,256\n",
            K::NumberOutOfRange { field: "detachedness", value: 256, max: 255 },
            Section::Nodes,
        ),
        (
            ",2,3,5,16",
            ",2,3,-5,16",
            K::NotAnInteger { field: "id".into(), text: "-5".into() },
            Section::Nodes,
        ),
        (
            ",2,3,5,16",
            ",2,3,5.5,16",
            K::NotAnInteger { field: "id".into(), text: "5.5".into() },
            Section::Nodes,
        ),
        (
            ",2,3,5,16",
            ",2,3,123456789012345678901,16",
            K::NumberTooLong { field: "id".into(), digits: 21 },
            Section::Nodes,
        ),
        (
            "[9,1,1,0,2,",
            "[9,1,1,0,3,",
            K::EdgeCountSumMismatch { sum_of_node_edge_counts: 4, edges: 3 },
            Section::Nodes,
        ),
        (
            "16,0,0,0]",
            "16,0,0,0,1]",
            K::PartialRecord { fields_per_record: 7, values_in_last: 1 },
            Section::Nodes,
        ),
        ("16,0,0,0]", "16,0,0,0,]", K::InvalidJson { expected: "a number", found: b']' }, Section::Nodes),
        ("\"prop\"]}", "\"prop\"]}}", K::TrailingData { found: b'}' }, Section::TopLevel),
        (
            "\"samples\":[]",
            "\"strings\":[]",
            K::DuplicateSection { name: "strings".into() },
            Section::TopLevel,
        ),
        (
            ",\n\"strings\":[\"\",\"Root\",\"Foo\",\"s\",\"prop\"]",
            "",
            K::MissingSection { name: "strings" },
            Section::TopLevel,
        ),
        (
            "\"node_count\":3,\"edge_count\":3",
            "\"node_count\":0,\"edge_count\":0",
            K::BadHeader {
                message: "`node_count` is 0, but every snapshot has at least its root node".into(),
            },
            Section::Header,
        ),
        (
            "\"edge_count\",",
            "",
            K::MissingField { list: "node_fields", field: "edge_count" },
            Section::Header,
        ),
        (
            "\"locations\":[7,",
            "\"locations\":[8,",
            K::NodeOffsetMisaligned { field: "object_index", value: 8, node_field_count: 7 },
            Section::Locations,
        ),
        (
            "\"prop\"]",
            "\"prop\" \"x\"]",
            K::InvalidJson { expected: "`,` or `]`", found: b'"' },
            Section::Strings,
        ),
        ("\"strings\":[", "\"strings\":{", K::InvalidJson { expected: "`[`", found: b'{' }, Section::Strings),
    ];
    for (from, to, kind, section) in cases {
        let err = tiny_error(from, to);
        assert_eq!((&err.kind, &err.section), (&kind, &section), "{from} -> {to}: {err}");
        let message = err.to_string();
        assert!(message.contains(&format!("at byte {}", err.offset)), "{message}");
    }
}

#[test]
fn error_offsets_point_at_the_offending_record() {
    let text = TINY.replacen("[1,0,7\n", "[1,0,8\n", 1);
    let err = parse_text(&text).expect_err("misaligned");
    let record = text.find("[1,0,8").expect("edit") as u64;
    assert!((record..record + 8).contains(&err.offset), "offset {} near {record}", err.offset);
    assert_eq!(
        err.to_string(),
        format!("in `edges` at byte {}: to_node = 8 is not a multiple of the node field count 7", err.offset)
    );
}

#[test]
fn a_huge_claimed_count_does_not_allocate_ahead_of_the_data() {
    // 4 * 10^9 nodes claimed (within u32), three present: the parser must fail on the count, not on memory.
    let err = tiny_error("\"node_count\":3", "\"node_count\":4000000000");
    assert_eq!(
        err.kind,
        ParseErrorKind::CountMismatch { what: "node_count", claimed: 4_000_000_000, found: 3 }
    );
}

#[test]
fn large_self_sizes_go_to_the_side_table() {
    let graph = parse_text(&TINY.replacen(",3,2,3,32,", ",3,2,3,6000000000,", 1)).expect("valid");
    assert_eq!(graph.self_size(NodeIdx(1)), 6_000_000_000);
    assert_eq!(graph.self_size(NodeIdx(2)), 16);
}

#[test]
fn extra_native_bytes_reach_the_graph() {
    let text = TINY.replacen(
        "\"trace_function_count\":0}",
        "\"trace_function_count\":0,\"extra_native_bytes\":1234}",
        1,
    );
    assert_eq!(parse_text(&text).expect("valid").extra_native_bytes, 1234);
}

#[test]
fn nonzero_trace_ids_get_a_column() {
    let graph = parse_text(&TINY.replacen("16,0,0,0]", "16,0,77,0]", 1)).expect("valid");
    assert_eq!(graph.node_trace_id, Some(vec![0, 0, 77]));
}

/// Strategy: TINY with a few random byte edits (replace, insert, delete), to reach deep parser states.
fn mutated_tiny() -> impl Strategy<Value = Vec<u8>> {
    let edit = (0..TINY.len(), any::<u8>(), 0..3u8);
    proptest::collection::vec(edit, 1..6).prop_map(|edits| {
        let mut bytes = TINY.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match op {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        bytes
    })
}

/// Feeds `bytes` in chunks cut at `cuts`; any outcome is fine except a panic, and chunking never matters.
fn check_no_panic_and_chunking_agnostic(bytes: &[u8], cuts: &[usize]) {
    let whole = parse_whole(bytes);
    let mut parser = SnapshotParser::new();
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut at = 0;
    let mut fed = Ok(());
    for point in points.into_iter().chain([bytes.len()]) {
        fed = fed.and_then(|()| parser.feed(&bytes[at..point]));
        at = point;
    }
    let chunked = fed.and_then(|()| parser.finish());
    match (&whole, &chunked) {
        (Ok(a), Ok(b)) => assert!(a == b),
        (Err(a), Err(b)) => {
            assert_eq!(a.kind, b.kind);
            assert!(!a.to_string().is_empty());
        }
        _ => panic!("one chunk: {whole:?}\nchunked: {chunked:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400),
                                   cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        check_no_panic_and_chunking_agnostic(&bytes, &cuts);
    }

    #[test]
    fn mutated_snapshots_never_panic(bytes in mutated_tiny(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        check_no_panic_and_chunking_agnostic(&bytes, &cuts);
    }
}

/// Regression (found by fuzzing): after a gzip snapshot failed in its header, dropping the parser let
/// flate2 flush the rest of the text into the failed reader, which panicked on an offset underflow.
#[test]
fn regression_gzip_parser_dropped_after_a_header_error_does_not_panic() {
    use std::io::Write;
    let broken = TINY.replacen(r#""type","name""#, r#""type" "name""#, 1);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(broken.as_bytes()).expect("compress");
    let gz = encoder.finish().expect("compress");
    for chunk_size in [1, 7, gz.len()] {
        let mut parser = SnapshotParser::new();
        let fed: Result<(), ParseError> = gz.chunks(chunk_size).try_for_each(|chunk| parser.feed(chunk));
        let err = fed.and_then(|()| parser.finish().map(drop)).expect_err("broken header");
        assert!(matches!(err.kind, ParseErrorKind::BadHeader { .. }), "{err}");
    }
}
