//! Metrics throughput, one group per stage: parsing (MB/s of file text), trend analysis and chart drawing.
//!
//! Inputs are generated before timing: 1,000,000 `process.memoryUsage()` NDJSON samples (a sawtooth with a
//! slow leak, ~123 MB), ~100 MB of Prometheus scrapes (the corpus' `mapcache.prom` scrapes repeated with
//! advancing `# SCRAPE` times) and ~10 MB of `--trace-gc` output (the corpus log repeated with advancing
//! times). Run: `cargo bench --bench metrics`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use heapscope::chart::memory_chart_svg;
use heapscope::metrics::{self, trend};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/metrics/corpus");

fn memory_usage_ndjson(n: usize) -> Vec<u8> {
    let mut out = String::with_capacity(n * 130);
    for i in 0..n {
        let heap_used = 50_000_000 + (i % 500) * 40_000 + i * 20;
        out.push_str(&format!(
            "{{\"timestamp\":{},\"rss\":{},\"heapTotal\":{},\"heapUsed\":{heap_used},\"external\":2069227,\"arrayBuffers\":16950}}\n",
            1_700_000_000_000u64 + i as u64 * 100,
            150_000_000 + i,
            90_000_000 + (i % 500) * 10_000,
        ));
    }
    out.into_bytes()
}

/// The corpus scrapes repeated until `target` bytes, each copy's `# SCRAPE` times moved past the last.
fn prometheus_scrapes(target: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CORPUS}/mapcache.prom")).expect("corpus fixture");
    let mut out = String::with_capacity(target + text.len());
    let mut copy = 0u64;
    while out.len() < target {
        for line in text.lines() {
            match line.strip_prefix("# SCRAPE ").and_then(|rest| rest.split(' ').next()?.parse::<u64>().ok())
            {
                Some(t) => out.push_str(&format!("# SCRAPE {}\n", t + copy * 60_000)),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        copy += 1;
    }
    out.into_bytes()
}

fn trace_gc_log(target: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("{CORPUS}/steady.trace-gc.log")).expect("corpus fixture");
    let mut out = String::with_capacity(target + text.len());
    let mut offset = 0.0;
    while out.len() < target {
        for line in text.lines() {
            let Some((prefix, rest)) = line.split_once(" ms: ") else { continue };
            let (isolate, t) = prefix.rsplit_once(' ').unwrap_or(("", prefix));
            let t: f64 = t.trim().parse().unwrap_or(0.0);
            out.push_str(&format!("{isolate} {:8.0} ms: {rest}\n", t + offset));
        }
        offset += 4000.0;
    }
    out.into_bytes()
}

fn parse(c: &mut Criterion) {
    let inputs = [
        ("memory_usage_1M_samples", "m.ndjson", memory_usage_ndjson(1_000_000)),
        ("prometheus_100MB", "m.prom", prometheus_scrapes(100 << 20)),
        ("trace_gc_10MB", "m.log", trace_gc_log(10 << 20)),
    ];
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    for (name, file_name, bytes) in &inputs {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| b.iter(|| metrics::parse(file_name, bytes).expect("parses")));
    }
    group.finish();
}

fn analyze_and_draw(c: &mut Criterion) {
    let file = metrics::parse("m.ndjson", &memory_usage_ndjson(1_000_000)).expect("parses");
    let options = trend::TrendOptions::default();
    let report = trend::analyze(&file, &options);
    let mut group = c.benchmark_group("trend");
    group.sample_size(10);
    group.bench_function("analyze_5x1M_samples", |b| b.iter(|| trend::analyze(&file, &options)));
    group.bench_function("memory_chart_5x1M_samples", |b| b.iter(|| memory_chart_svg(&file, &report, &[])));
    group.finish();
}

criterion_group!(benches, parse, analyze_and_draw);
criterion_main!(benches);
