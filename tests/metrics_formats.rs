//! The formats the corpus lacks, from hand-made fixtures in `tests/fixtures/metrics/handmade/`. They were
//! written from the formats' documentation and real examples (Prometheus' HTTP API and exposition format
//! docs, the OpenMetrics 1.0 spec, Grafana's CSV export, V8's `gc-tracer.cc` print formats, node's
//! out-of-memory report, `v8.getHeapStatistics()`'s fields), not captured from live systems. Also: format
//! sniffing, and errors and warnings that name the line.

use std::path::Path;

use heapscope::metrics::{self, ErrorKind, Format, GcKind, MetricsFile, Role, Series, TimeBase, Unit};

const MIB: f64 = 1024.0 * 1024.0;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/handmade").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> MetricsFile {
    metrics::parse(name, &fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn series<'a>(file: &'a MetricsFile, name: &str) -> &'a Series {
    file.series.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no series {name}"))
}

fn points(s: &Series) -> Vec<(f64, f64)> {
    s.t_ms.iter().copied().zip(s.values.iter().copied()).collect()
}

#[test]
fn prometheus_query_range_matrix() {
    let file = parse("query_range.json");
    assert_eq!(file.format, Format::PromQueryRange);
    let heap = series(&file, "nodejs_heap_size_used_bytes");
    assert_eq!(heap.role, Some(Role::HeapUsed));
    assert_eq!(heap.labels, [("instance".into(), "api-1:9100".into()), ("job".into(), "api".into())]);
    // NaN is a gap, not a sample; float seconds become milliseconds.
    assert_eq!(
        points(heap),
        [(1.7e12, 52_428_800.0), (1_700_000_015_500.0, 53_477_376.0), (1_700_000_045_000.0, 54_525_952.0)]
    );
    assert_eq!(series(&file, "nodejs_external_memory_bytes").len(), 2);
    let error = metrics::parse("query_error.json", &fixture("query_error.json")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected a successful query answer, found `status error invalid parameter"),
        "{error}"
    );
}

#[test]
fn grafana_csv_joined_by_time() {
    let file = parse("grafana_wide.csv");
    assert_eq!(file.format, Format::GrafanaCsv);
    let heap = series(&file, "nodejs_heap_size_used_bytes");
    assert_eq!((heap.role, heap.unit, heap.len()), (Some(Role::HeapUsed), Unit::Bytes, 6));
    assert_eq!(heap.labels[0], ("instance".to_string(), "api-1:9100".to_string()));
    // "2023-11-14 22:13:20" read as UTC; "50.5 MiB" undone into bytes.
    assert_eq!(heap.t_ms[0], 1_700_000_000_000.0);
    assert_eq!(heap.values[1], 50.5 * MIB);
    assert_eq!(series(&file, "process_resident_memory_bytes").len(), 7);
    assert_eq!(file.warnings.len(), 1);
    assert_eq!(file.warnings[0].line, 10);
    assert!(file.warnings[0].message.contains("expected a time in column 1, found `not a time`"));
}

#[test]
fn grafana_csv_series_as_rows() {
    let file = parse("grafana_series_rows.csv");
    let heap = series(&file, "heap used");
    assert_eq!((heap.role, heap.len(), heap.values[4]), (Some(Role::HeapUsed), 5, 44.0 * MIB));
    assert_eq!(series(&file, "rss").role, Some(Role::Rss));
}

#[test]
fn memory_usage_csv_and_json_array() {
    let file = parse("memusage.csv");
    assert_eq!(file.format, Format::MemoryUsage);
    let heap = series(&file, "heapUsed");
    assert_eq!(points(heap)[3], (1_709_287_230_500.0, 12.0 * MIB + 3000.0));
    // A bad cell drops the cell, with a warning, not the row.
    assert_eq!((series(&file, "rss").len(), heap.len()), (4, 5));
    assert_eq!(file.warnings.len(), 1);
    assert_eq!(file.warnings[0].line, 6);
    assert!(file.warnings[0].message.contains("expected a number in column `rss`, found `oops`"));

    let file = parse("memusage-array.json");
    let heap = series(&file, "heapUsed");
    assert_eq!(heap.time_base, TimeBase::ProcessStart);
    assert_eq!(points(heap)[1], (1750.0, 9.0 * MIB + 4096.0));
    assert_eq!(series(&file, "pid").unit, Unit::Other, "extra fields are kept");
}

#[test]
fn heap_statistics_with_a_broken_line() {
    let file = parse("heap-statistics.ndjson");
    assert_eq!(file.format, Format::HeapStatistics);
    assert_eq!(series(&file, "used_heap_size").len(), 6);
    assert_eq!(series(&file, "used_heap_size").role, Some(Role::HeapUsed));
    assert_eq!(file.heap_limit_bytes, Some(4144.0 * MIB));
    assert_eq!(file.n_skipped, 1);
    assert_eq!(file.warnings[0].line, 4);
    assert!(file.warnings[0].message.starts_with("expected a JSON object per line"));
    assert!(file.notes.iter().any(|n| n.contains("detached contexts")));
}

#[test]
fn open_metrics_text() {
    let file = parse("openmetrics.txt");
    assert_eq!(file.format, Format::OpenMetrics);
    let heap = series(&file, "nodejs_heap_size_used_bytes");
    assert_eq!(points(heap), [(1.7e12, 1.0e7), (1_700_000_015_250.0, 1.1e7)]);
    assert_eq!(heap.labels[0].1, "a\\b");
    assert_eq!(heap.labels[1].1, "say \"hi\"\nbye");
    let requests = series(&file, "app_requests_total");
    assert_eq!(requests.values, [10.0, 25.0], "the exemplar after # is not part of the value");
    assert!(file.series.iter().all(|s| !s.name.ends_with("_created")));
    let lag = series(&file, "nodejs_eventloop_lag_seconds");
    assert!(lag.values[0].is_nan() && lag.values[1] == f64::INFINITY);
    let gc = &file.gc_histograms[0];
    assert_eq!(gc.snapshots.len(), 2);
    assert_eq!(gc.snapshots[1].buckets, [(0.001, 5.0), (0.01, 17.0), (f64::INFINITY, 19.0)]);
    assert_eq!(file.warnings.len(), 1);
    assert_eq!(file.warnings[0].line, 25);
}

#[test]
fn trace_gc_nvp() {
    let file = parse("trace-gc-nvp.log");
    assert_eq!(file.format, Format::TraceGcNvp);
    let kinds: Vec<(f64, GcKind, f64)> =
        file.gc_events.iter().map(|e| (e.t_ms, e.kind, e.pause_ms)).collect();
    assert_eq!(
        kinds,
        [(51.0, GcKind::Minor, 0.9), (120.0, GcKind::Minor, 1.3), (812.0, GcKind::Major, 12.4)]
    );
    assert_eq!(file.gc_events[2].heap_after_bytes, Some(5_400_000.0));
    assert_eq!((file.warnings.len(), file.warnings[0].line), (1, 5));
    assert!(file.notes.iter().any(|n| n.starts_with("1 lines are not GC records")));
}

#[test]
fn out_of_memory_dump_with_glued_records() {
    let file = parse("oom.log");
    assert_eq!(file.format, Format::TraceGc);
    assert!(file.out_of_memory);
    let events: Vec<(f64, &str, f64)> =
        file.gc_events.iter().map(|e| (e.t_ms, e.name.as_str(), e.pause_ms)).collect();
    assert_eq!(
        events,
        [
            (75316.0, "Mark-Compact", 2650.92),
            (78456.0, "Mark-Compact (reduce)", 3130.2),
            (81023.0, "Mark-Compact", 2511.4)
        ]
    );
    assert_eq!(file.gc_events[0].reason.as_deref(), Some("allocation failure"));
    assert_eq!(file.gc_events[1].heap_after_bytes, Some(4046.1 * MIB));
}

#[test]
fn trace_gc_windows_isolates_pooled_and_node8() {
    let file = parse("windows-and-node8.trace-gc.log");
    let names: Vec<&str> = file.gc_events.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["Scavenge", "Minor Mark-Sweep", "Scavenge (interleaved)", "Mark-Compact", "Mark-sweep"]
    );
    let kinds: Vec<GcKind> = file.gc_events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [GcKind::Minor, GcKind::Minor, GcKind::Minor, GcKind::Major, GcKind::Major]);
    assert_eq!(file.gc_events[1].pause_ms, 2.1, "the pause after `pooled:`");
    assert_eq!(file.gc_events[3].reason.as_deref(), Some("finalize incremental marking via task"));
    assert_eq!(file.gc_events[4].reason.as_deref(), Some("allocation failure"));
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
}

#[test]
fn sniffing_by_content() {
    let cases: [(&str, &[u8], Format); 8] = [
        ("a.txt", b"{\"timestamp\":1700000000000,\"rss\":1,\"heapUsed\":2}\n", Format::MemoryUsage),
        ("a.txt", b"[{\"time\":\"2024-01-01T00:00:00Z\",\"heapUsed\":2}]", Format::MemoryUsage),
        ("a.txt", b"{\"t\":1,\"used_heap_size\":1,\"heap_size_limit\":2}\n", Format::HeapStatistics),
        ("a.txt", b"# HELP x y\n# TYPE x gauge\nx 1\n", Format::Prometheus),
        ("a.txt", b"x_total 1\n# EOF\n", Format::OpenMetrics),
        ("a.txt", b"[9:0x1]  5 ms: Scavenge 1 (2) -> 1 (2) MB, 0.1 / 0.0 ms  task;\n", Format::TraceGc),
        ("a.csv", b"\"Time\",\"A-series\"\n\"2024-01-01 00:00:00\",1\n", Format::GrafanaCsv),
        ("a.csv", b"time;heapUsed;rss\n1700000000000;1;2\n", Format::MemoryUsage),
    ];
    for (name, bytes, expected) in cases {
        assert_eq!(metrics::sniff(name, bytes), Ok(expected), "{}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    let error = metrics::parse("notes.txt", b"\n\nhello world\n").unwrap_err();
    assert_eq!(error.line, 1);
    assert!(matches!(error.kind, ErrorKind::UnknownFormat { .. }));
    assert!(
        error.to_string().starts_with("notes.txt line 1: not a metrics format heapscope knows"),
        "{error}"
    );
    assert!(error.to_string().ends_with("found `hello world`"), "{error}");

    let error = metrics::parse("a.json", b"[{\"timestamp\":1700000000000,\"heapUsed\":1},\n{\"timestamp\":")
        .unwrap_err();
    assert_eq!(error.line, 2);
    assert!(error.to_string().contains("expected a JSON array of sample objects"), "{error}");

    let error = metrics::parse("b.prom", b"# HELP x y\n# TYPE x gauge\n").unwrap_err();
    assert!(matches!(error.kind, ErrorKind::NoSamples { .. }), "{error}");

    assert!(metrics::parse("c.bin", &[0x00, 0xff, 0x13, 0x37]).is_err());
}

#[test]
fn bad_lines_are_counted_beyond_the_warning_cap() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!(
            "{{\"timestamp\":{},\"heapUsed\":{}}}\n",
            1_700_000_000_000u64 + i * 1000,
            1000 + i
        ));
        text.push_str("garbage\n");
    }
    let file = metrics::parse("m.ndjson", text.as_bytes()).unwrap();
    assert_eq!(series(&file, "heapUsed").len(), 200);
    assert_eq!(file.n_skipped, 200);
    assert_eq!(file.warnings.len(), metrics::MAX_WARNINGS + 1);
    assert_eq!(file.warnings[0].line, 2);
    assert_eq!(
        file.warnings.last().unwrap().message,
        "200 unreadable lines in all; only the first 50 are listed"
    );
}

#[test]
fn clinic_processstat_truncated_frame_keeps_the_whole_ones() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/fixtures/metrics/corpus/clinic/timers.28966.clinic-doctor/28966.clinic-doctor-processstat",
    );
    let bytes = std::fs::read(path).unwrap();
    let cut = &bytes[..bytes.len() - 10];
    let file = metrics::parse("28966.clinic-doctor-processstat", cut).unwrap();
    assert_eq!(series(&file, "heapUsed").len(), 253);
    assert_eq!(file.n_skipped, 1);
    assert!(file.warnings[0].message.starts_with("frame 254:"), "{:?}", file.warnings);
}

mod no_panics {
    use heapscope::chart::{gc_pause_chart_svg, memory_chart_svg};
    use heapscope::metrics::{self, trend};
    use proptest::prelude::*;

    fn corpus(name: &str) -> Vec<u8> {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/corpus").join(name);
        std::fs::read(path).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Damaged files (bytes overwritten, then cut) never panic the parsers, the analysis or the charts.
        #[test]
        fn damaged_files(which in 0usize..4, edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..40), cut in any::<prop::sample::Index>()) {
            let names = ["timers.memusage.ndjson", "timers.prom", "timers.trace-gc.log", "timers.events.ndjson"];
            let mut bytes = corpus(names[which]);
            for (at, byte) in edits {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            bytes.truncate(cut.index(bytes.len() + 1));
            if let Ok(file) = metrics::parse(names[which], &bytes) {
                let report = trend::analyze(&file, &trend::TrendOptions::default());
                prop_assert!(memory_chart_svg(&file, &report, &[]).ends_with("</svg>\n"));
                prop_assert!(gc_pause_chart_svg(&file, &report, &[]).ends_with("</svg>\n"));
            }
        }
    }
}

/// A `--trace-gc` log of major GCs whose floor climbs 8 → 32 MB over `climb_s`, then GCs every 2 s that hold it
/// there for a minute, then the out-of-memory crash.
fn filled_heap_log(climb_s: f64) -> String {
    let mut log = String::new();
    let mut record = |t_s: f64, after: f64| {
        log.push_str(&format!(
            "[1:0x1] {:>8.0} ms: Mark-Compact {:.1} ({:.1}) -> {after:.1} ({:.1}) MB, 5.0 / 0.0 ms  (average mu = 0.9, \
             current mu = 0.9) allocation failure; scavenge might not succeed\n",
            t_s * 1000.0,
            after + 4.0,
            after + 8.0,
            after + 8.0
        ))
    };
    for k in 0..=12 {
        record(f64::from(k) * climb_s / 12.0, 8.0 + 2.0 * f64::from(k));
    }
    for j in 1..=30 {
        record(climb_s + 2.0 * f64::from(j), 32.0);
    }
    log.push_str("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n");
    log
}

#[test]
fn a_floor_held_at_the_heap_limit_until_out_of_memory_is_a_leak_after_a_minute_of_climbing() {
    use heapscope::metrics::trend::{analyze, TrendOptions, Verdict};
    let verdict = |climb_s: f64| {
        let file = metrics::parse("oom.log", filled_heap_log(climb_s).as_bytes()).unwrap();
        assert!(file.out_of_memory);
        analyze(&file, &TrendOptions::default())
    };
    let leak = verdict(120.0);
    assert_eq!(leak.verdict, Verdict::Leak, "{}", leak.reason);
    assert!(leak.reason.contains("held at the heap's limit"), "{}", leak.reason);
    // Filled within the first 40 s (a working set too big for the heap, while the process starts): not a leak.
    let start_up = verdict(40.0);
    assert_ne!(start_up.verdict, Verdict::Leak, "{}", start_up.reason);
}
