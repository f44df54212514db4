//! Analysis throughput, one group per stage of `HeapSnapshot::analyze` (setup outside the timed loop), and
//! the whole way from snapshot bytes to the Summary (`full`, in MB/s of snapshot text).
//!
//! Inputs: the `listeners-3` fixture (15 MB of text, decompressed before timing) and, when
//! `HEAPSCOPE_BIG_SNAPSHOT` names one, a large generated snapshot (`node --max-old-space-size=8192 large.js
//! OUTDIR 300` from the corpus generators gives 333 MB). Run: `HEAPSCOPE_BIG_SNAPSHOT=/tmp/big/
//! large-300mb.heapsnapshot cargo bench --bench snapshot`. Peak memory is measured on the CLI, which streams
//! the file (see the report's `race.sh` command), not here, where the whole text sits in memory.

use std::io::Read;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use heapscope::snapshot::classes::classify;
use heapscope::snapshot::detachedness::propagate;
use heapscope::snapshot::distance::distances;
use heapscope::snapshot::dominators::dominator_tree;
use heapscope::snapshot::essential::EssentialEdges;
use heapscope::snapshot::flags::{page_owned_nodes, ROOT};
use heapscope::snapshot::graph::{EdgeSet, HeapGraph};
use heapscope::snapshot::interfaces::infer_and_match;
use heapscope::snapshot::kinds::Kinds;
use heapscope::snapshot::parse::SnapshotParser;
use heapscope::snapshot::retained::retained_sizes;
use heapscope::snapshot::scratch::ColumnPool;
use heapscope::snapshot::shallow::reattribute;
use heapscope::snapshot::summary::{class_retained_sizes, summarize};
use heapscope::snapshot::{summary_json, HeapSnapshot};

const FIXTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/listeners-3.heapsnapshot.gz");
/// Chunks as the worker reads them.
const CHUNK: usize = 4 << 20;

/// A snapshot's text and its graph, parsed once.
struct Input {
    name: &'static str,
    text: Vec<u8>,
}

fn inputs() -> Vec<Input> {
    let gz = std::fs::read(Path::new(FIXTURE)).expect("fixture");
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut text).expect("gzip fixture");
    let mut inputs = vec![Input { name: "listeners-3", text }];
    if let Some(path) = std::env::var_os("HEAPSCOPE_BIG_SNAPSHOT") {
        let text = std::fs::read(&path).expect("HEAPSCOPE_BIG_SNAPSHOT names a readable file");
        inputs.push(Input { name: "big", text });
    }
    inputs
}

fn parse(text: &[u8]) -> HeapGraph {
    let mut parser = SnapshotParser::new();
    for chunk in text.chunks(CHUNK) {
        parser.feed(chunk).expect("valid snapshot");
    }
    parser.finish().expect("valid snapshot")
}

/// Everything up to (not including) the dominator tree, as `analyze` has it then.
fn prepared(text: &[u8]) -> (HeapGraph, Kinds) {
    let mut graph = parse(text);
    graph.build_retainers();
    let kinds = Kinds::of(&graph);
    reattribute(&mut graph, &kinds, &mut ColumnPool::default());
    (graph, kinds)
}

/// The edges that count for dominators, found while the retainer index is built, as `analyze` does.
fn counted_edges(graph: &mut HeapGraph) -> EdgeSet {
    let kinds = Kinds::of(graph);
    let page_owned = page_owned_nodes(graph, &kinds);
    let mut essential = EssentialEdges::new(graph, &kinds, &page_owned);
    graph.build_retainers_marking(|graph, from, edge| essential.counts(graph, from, edge))
}

fn stages(c: &mut Criterion) {
    for input in inputs() {
        let id = |stage: &str| BenchmarkId::new(stage.to_owned(), input.name);
        let raw = parse(&input.text);
        let mut group = c.benchmark_group("graph");
        group.sample_size(10);
        group.bench_function(id("retainers"), |b| {
            b.iter_batched(|| raw.clone(), |mut g| g.build_retainers(), BatchSize::LargeInput)
        });
        group.bench_function(id("retainers_and_essential_edges"), |b| {
            b.iter_batched(|| raw.clone(), |mut g| counted_edges(&mut g), BatchSize::LargeInput)
        });
        drop(raw);
        let (graph, kinds) = prepared(&input.text);
        group.bench_function(id("dom_state"), |b| {
            b.iter_batched(|| graph.clone(), |mut g| propagate(&mut g, &kinds), BatchSize::LargeInput)
        });
        group.finish();

        let mut graph = graph;
        let counted = counted_edges(&mut graph);
        let mut group = c.benchmark_group("dominators");
        group.sample_size(10);
        group.bench_function(id("dominator_tree"), |b| {
            b.iter(|| dominator_tree(&graph, &counted, ROOT, &mut ColumnPool::default()))
        });
        group.finish();

        let tree = dominator_tree(&graph, &counted, ROOT, &mut ColumnPool::default());
        let mut group = c.benchmark_group("retained");
        group.sample_size(10);
        group.bench_function(id("retained_sizes"), |b| {
            b.iter(|| retained_sizes(&graph, &tree, &mut ColumnPool::default()))
        });
        group.finish();

        let mut group = c.benchmark_group("distances");
        group.sample_size(10);
        group.bench_function(id("distances"), |b| {
            b.iter(|| distances(&graph, &kinds, &mut ColumnPool::default()))
        });
        group.finish();

        let detachedness = propagate(&mut graph.clone(), &kinds);
        let mut group = c.benchmark_group("classes");
        group.sample_size(10);
        group.bench_function(id("interfaces"), |b| b.iter(|| infer_and_match(&graph, &kinds)));
        let interfaces = infer_and_match(&graph, &kinds);
        group.bench_function(id("classify"), |b| {
            b.iter(|| classify(&graph, &kinds, &detachedness, &interfaces, &mut ColumnPool::default()))
        });
        group.finish();

        let retained = retained_sizes(&graph, &tree, &mut ColumnPool::default());
        let node_distances = distances(&graph, &kinds, &mut ColumnPool::default());
        let classes = classify(&graph, &kinds, &detachedness, &interfaces, &mut ColumnPool::default());
        let mut group = c.benchmark_group("summary");
        group.sample_size(10);
        group.bench_function(id("class_retained_sizes"), |b| {
            b.iter(|| {
                class_retained_sizes(&graph, &classes, &retained, &tree.idom, &mut ColumnPool::default())
            })
        });
        let class_retained =
            class_retained_sizes(&graph, &classes, &retained, &tree.idom, &mut ColumnPool::default());
        group.bench_function(id("summarize"), |b| {
            b.iter(|| summarize(&graph, &classes, &node_distances, &class_retained))
        });
        group.finish();
    }
}

fn full(c: &mut Criterion) {
    let mut group = c.benchmark_group("full");
    group.sample_size(10);
    for input in inputs() {
        group.throughput(Throughput::Bytes(input.text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse_to_summary", input.name), &input.text, |b, text| {
            b.iter(|| summary_json(&HeapSnapshot::analyze(parse(text)), 50))
        });
    }
    group.finish();
}

criterion_group!(benches, full, stages);
criterion_main!(benches);
