//! Parse-only throughput: bytes of snapshot text (or gzip) to a validated `HeapGraph`, in MB/s.
//!
//! Inputs: the fixture snapshots (plain text decompressed outside the timed loop, and the gzip file
//! itself), plus a large generated snapshot when `HEAPSCOPE_BIG_SNAPSHOT` names one (make it with
//! `node --max-old-space-size=8192 large.js OUTDIR 300` from the corpus generators). Chunks are 4 MiB, as
//! the worker reads them.

use std::io::Read;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use heapscope::snapshot::parse::SnapshotParser;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots");
const CHUNK: usize = 4 << 20;

fn parse(bytes: &[u8]) -> usize {
    let mut parser = SnapshotParser::new();
    for chunk in bytes.chunks(CHUNK) {
        parser.feed(chunk).expect("valid snapshot");
    }
    parser.finish().expect("valid snapshot").n_nodes()
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for name in ["listeners-3", "domleak-3"] {
        let gz = std::fs::read(Path::new(FIXTURES).join(format!("{name}.heapsnapshot.gz"))).expect("fixture");
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice()).read_to_end(&mut text).expect("gzip fixture");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("text", name), &text, |b, text| b.iter(|| parse(text)));
        group.bench_with_input(BenchmarkId::new("gzip", name), &gz, |b, gz| b.iter(|| parse(gz)));
    }
    if let Some(path) = std::env::var_os("HEAPSCOPE_BIG_SNAPSHOT") {
        let text = std::fs::read(&path).expect("HEAPSCOPE_BIG_SNAPSHOT names a readable file");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("text", "big"), &text, |b, text| b.iter(|| parse(text)));
    }
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
