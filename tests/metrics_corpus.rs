//! Every metric file of the corpus (node v20.20.2, prom-client 15.1.3, clinic doctor 11.0.0; copied into
//! `tests/fixtures/metrics/corpus/`) parses into the expected series, and the verdicts hold: the steady
//! program gives `stable` from every file, the four leak programs `leak` or, where the 3-6 s run leaves
//! only two major GCs after its warm-up, `growing` (timers through external memory).
//!
//! Expected counts and values were read from the files with other tools (`wc -l`, `grep -c`, a Python
//! decoder of the clinic protobuf frames), not computed by heapscope.

use std::path::{Path, PathBuf};

use heapscope::metrics::trend::{analyze, TrendOptions, Verdict};
use heapscope::metrics::{self, Format, GcKind, MetricsFile, Role, Series, TimeBase};

const MIB: f64 = 1024.0 * 1024.0;
const PROGRAMS: [&str; 5] = ["mapcache", "listeners", "closure", "timers", "steady"];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/corpus")
}

fn parse_path(path: &Path) -> MetricsFile {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy();
    metrics::parse(&name, &bytes).unwrap_or_else(|e| panic!("{e}"))
}

fn parse(name: &str) -> MetricsFile {
    parse_path(&corpus_dir().join(name))
}

fn parse_clinic(dir: &str) -> MetricsFile {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join("clinic").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    metrics::combine(paths.iter().map(|p| parse_path(p)).collect())
}

fn series<'a>(file: &'a MetricsFile, name: &str) -> &'a Series {
    file.series
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no series {name} in {}", file.file_name))
}

#[test]
fn memory_usage_ndjson() {
    for (program, n_lines) in PROGRAMS.iter().zip([50, 50, 38, 31, 52]) {
        let file = parse(&format!("{program}.memusage.ndjson"));
        assert_eq!(file.format, Format::MemoryUsage);
        let names: Vec<&str> = file.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"], "{program}");
        assert!(
            file.series.iter().all(|s| s.len() == n_lines && s.time_base == TimeBase::Epoch),
            "{program}"
        );
        assert!(file.warnings.is_empty(), "{program}: {:?}", file.warnings);
    }
    // First line of timers.memusage.ndjson, last line of steady.memusage.ndjson.
    let timers = parse("timers.memusage.ndjson");
    assert_eq!(series(&timers, "heapUsed").values[0], 5_600_184.0);
    assert_eq!(series(&timers, "external").t_ms[0], 1_795_668_340_416.0);
    assert_eq!(series(&timers, "arrayBuffers").role, Some(Role::ArrayBuffers));
    let steady = parse("steady.memusage.ndjson");
    let rss = series(&steady, "rss");
    assert_eq!((rss.t_ms[51], rss.values[51]), (1_795_668_349_395.0, 109_617_152.0));
}

#[test]
fn prometheus_scrapes() {
    for (program, (scrapes, no_data)) in PROGRAMS.iter().zip([(12, 4), (11, 5), (10, 5), (10, 4), (11, 6)]) {
        let file = parse(&format!("{program}.prom"));
        assert_eq!(file.format, Format::Prometheus);
        let heap = series(&file, "nodejs_heap_size_used_bytes");
        assert_eq!(heap.len(), scrapes, "{program}");
        assert_eq!(heap.role, Some(Role::HeapUsed));
        assert_eq!(heap.labels, [("app".to_string(), program.to_string())]);
        assert_eq!(series(&file, "process_resident_memory_bytes").role, Some(Role::Rss));
        let spaces: Vec<&Series> =
            file.series.iter().filter(|s| s.name == "nodejs_heap_space_size_used_bytes").collect();
        assert_eq!(spaces.len(), 9, "{program}: one series per heap space");
        // prom-client's "no data" int64-max event-loop minimum is left out and reported.
        let min_lag =
            file.series.iter().find(|s| s.name == "nodejs_eventloop_lag_min_seconds").map_or(0, |s| s.len());
        assert_eq!(min_lag, scrapes - no_data, "{program}");
        assert!(file.warnings.iter().any(|w| w
            .message
            .starts_with(&format!("{no_data} samples of nodejs_eventloop_lag_min_seconds"))));
        let gc: Vec<_> =
            file.gc_histograms.iter().filter(|h| h.name == "nodejs_gc_duration_seconds").collect();
        assert!(!gc.is_empty(), "{program}");
        for h in gc {
            for snapshot in &h.snapshots {
                let bounds: Vec<f64> = snapshot.buckets.iter().map(|b| b.0).collect();
                assert_eq!(bounds, [0.001, 0.01, 0.1, 1.0, 2.0, 5.0, f64::INFINITY], "{program}");
                assert_eq!(
                    snapshot.count,
                    Some(snapshot.buckets[6].1),
                    "{program}: +Inf bucket equals _count"
                );
            }
        }
    }
    let steady = parse("steady.prom");
    assert_eq!(series(&steady, "nodejs_heap_size_used_bytes").t_ms[0], 1_795_668_344_799.0);
    let timers = parse("timers.prom");
    let external = series(&timers, "nodejs_external_memory_bytes");
    assert_eq!((external.t_ms[9], external.values[9]), (1_795_668_343_771.0, 58_306_091.0));
    // mapcache's last scrape: 54 minor GCs, 4 major, 2 incremental.
    let mapcache = parse("mapcache.prom");
    let count_of = |kind: &str| {
        let h = mapcache
            .gc_histograms
            .iter()
            .find(|h| h.labels.iter().any(|(k, v)| k == "kind" && v == kind))
            .unwrap();
        h.snapshots.last().unwrap().count.unwrap()
    };
    assert_eq!((count_of("minor"), count_of("major"), count_of("incremental")), (54.0, 4.0, 2.0));
}

#[test]
fn trace_gc_logs() {
    for (program, (n_gcs, n_major)) in PROGRAMS.iter().zip([(65, 8), (56, 6), (30, 10), (11, 6), (96, 6)]) {
        let file = parse(&format!("{program}.trace-gc.log"));
        assert_eq!(file.format, Format::TraceGc);
        assert_eq!(file.gc_events.len(), n_gcs, "{program}");
        assert_eq!(file.gc_events.iter().filter(|e| e.kind == GcKind::Major).count(), n_major, "{program}");
        assert!(file.warnings.is_empty(), "{program}: {:?}", file.warnings);
        assert_eq!(series(&file, "heap_used_after_gc").len(), n_gcs);
    }
    // Second line of steady.trace-gc.log and last line of closure.trace-gc.log.
    let steady = parse("steady.trace-gc.log");
    let e = &steady.gc_events[1];
    assert_eq!((e.t_ms, e.name.as_str(), e.pause_ms), (67.0, "Scavenge", 0.75));
    assert_eq!((e.heap_before_bytes, e.heap_after_bytes), (Some(4.9 * MIB), Some(4.5 * MIB)));
    let closure = parse("closure.trace-gc.log");
    let e = closure.gc_events.last().unwrap();
    assert_eq!(
        (e.t_ms, e.name.as_str(), e.heap_after_bytes),
        (3706.0, "Mark-Compact (reduce)", Some(35.0 * MIB))
    );
    assert_eq!(e.reason.as_deref(), Some("heap profiler"));
}

#[test]
fn snapshot_events() {
    for program in PROGRAMS {
        let file = parse(&format!("{program}.events.ndjson"));
        assert_eq!(file.format, Format::Events);
        let labels: Vec<&str> = file.markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "snapshot 1 start",
                "snapshot 1 end",
                "snapshot 2 start",
                "snapshot 2 end",
                "snapshot 3 start",
                "snapshot 3 end"
            ]
        );
        assert_eq!(series(&file, "memoryUsage.heapUsed").len(), 3, "{program}");
    }
    let mapcache = parse("mapcache.events.ndjson");
    assert_eq!(mapcache.markers[2].t_ms, 1_795_668_327_309.0);
    assert_eq!(series(&mapcache, "memoryUsage.heapUsed").values[2], 13_512_896.0);
}

#[test]
fn clinic_doctor_folders() {
    for (dir, frames, t0, rss0, heap_used0, (n_major, n_minor)) in [
        ("mapcache.22523.clinic-doctor", 456, 1_795_667_728_642.0, 57_679_872.0, 7_775_224.0, (8, 59)),
        ("timers.28966.clinic-doctor", 254, 1_795_668_164_421.0, 58_466_304.0, 7_297_320.0, (6, 9)),
    ] {
        let file = parse_clinic(dir);
        assert_eq!(
            file.formats,
            [Format::ClinicProcessStat, Format::ClinicSystemInfo, Format::ClinicTraceEvent]
        );
        let rss = series(&file, "rss");
        assert_eq!((rss.len(), rss.t_ms[0], rss.values[0]), (frames, t0, rss0));
        assert_eq!(series(&file, "heapUsed").values[0], heap_used0);
        assert_eq!(file.gc_events.iter().filter(|e| e.kind == GcKind::Major).count(), n_major);
        assert_eq!(file.gc_events.iter().filter(|e| e.kind == GcKind::Minor).count(), n_minor);
        // The systeminfo clock moves the trace events onto the samples' wall clock.
        let first_gc = &file.gc_events[0];
        assert_eq!(first_gc.time_base, TimeBase::Epoch);
        assert!((t0 - 2000.0..rss.t_ms[frames - 1]).contains(&first_gc.t_ms), "{dir}: {}", first_gc.t_ms);
    }
}

#[test]
fn trace_gc_aligns_with_snapshot_events() {
    let dir = corpus_dir();
    let files = ["mapcache.memusage.ndjson", "mapcache.events.ndjson", "mapcache.trace-gc.log"];
    let combined = metrics::combine(files.iter().map(|f| parse_path(&dir.join(f))).collect());
    assert!(combined.gc_events.iter().all(|e| e.time_base == TimeBase::Epoch));
    // Each snapshot's heap-profiler GCs now fall within its start and end events.
    let starts: Vec<f64> =
        combined.markers.iter().filter(|m| m.label.ends_with("start")).map(|m| m.t_ms).collect();
    let ends: Vec<f64> =
        combined.markers.iter().filter(|m| m.label.ends_with("end")).map(|m| m.t_ms).collect();
    for e in combined.gc_events.iter().filter(|e| e.reason.as_deref() == Some("heap profiler")) {
        assert!(
            starts.iter().zip(&ends).any(|(s, end)| (*s - 5.0..=*end).contains(&e.t_ms)),
            "GC at {}",
            e.t_ms
        );
    }
}

/// Verdict per program for: memoryUsage samples, Prometheus scrapes, the --trace-gc log, all of a run.
///
/// These runs last 3 to 6 s. After the warm-up (the first tenth of the run, where the first major GC runs
/// while the program builds its working set) most have two major GCs left: the floor rose once, which
/// cannot tell a step from a leak, so heapscope says `growing`, not `leak`. Where the heap grows without
/// any major GC bringing it down (closure) or external memory grows (timers), it is a leak; but closure's
/// old generation from prom-client, which no major GC brought down over its 4 s, is only `growing` (over a
/// process's first minute that is how it builds its working set). The steady program is stable in every
/// file.
#[test]
fn corpus_verdicts() {
    use Verdict::{Growing as G, Leak as L, Stable as S};
    let dir = corpus_dir();
    let options = TrendOptions::default();
    // memusage, prom, trace-gc, combined
    let expected = [
        ("mapcache", [G, G, G, G]),
        ("listeners", [L, G, G, G]),
        ("closure", [L, G, L, L]),
        ("timers", [L, L, G, L]),
        ("steady", [S, S, S, S]),
    ];
    let kinds = ["memusage.ndjson", "prom", "trace-gc.log"];
    for (program, verdicts) in expected {
        for (kind, verdict) in kinds.iter().zip(verdicts) {
            let report = analyze(&parse(&format!("{program}.{kind}")), &options);
            assert_eq!(report.verdict, verdict, "{program}.{kind}: {}", report.reason);
        }
        let all: Vec<MetricsFile> = kinds
            .iter()
            .chain(&["events.ndjson"])
            .map(|k| parse_path(&dir.join(format!("{program}.{k}"))))
            .collect();
        let report = analyze(&metrics::combine(all), &options);
        assert_eq!(report.verdict, verdicts[3], "{program} combined: {}", report.reason);
    }
    let timers = analyze(&parse("timers.memusage.ndjson"), &options);
    assert_eq!(timers.verdict_series.as_deref(), Some("external"));
    let timers = analyze(&parse("timers.prom"), &options);
    assert_eq!(timers.verdict_series.as_deref(), Some("nodejs_external_memory_bytes{app=\"timers\"}"));
    let mapcache = analyze(&parse("mapcache.memusage.ndjson"), &options);
    assert_eq!(mapcache.verdict_series.as_deref(), Some("heapUsed"));

    let clinic_mapcache = analyze(&parse_clinic("mapcache.22523.clinic-doctor"), &options);
    assert_eq!(clinic_mapcache.verdict, Verdict::Growing, "{}", clinic_mapcache.reason);
    let clinic_timers = analyze(&parse_clinic("timers.28966.clinic-doctor"), &options);
    assert_eq!(
        (clinic_timers.verdict, clinic_timers.verdict_series.as_deref()),
        (Verdict::Leak, Some("external"))
    );

    // Three samples of memoryUsage inside the snapshot events are too few for a verdict.
    let events = analyze(&parse("steady.events.ndjson"), &options);
    assert_eq!(events.verdict, Verdict::InsufficientData);
}

#[test]
fn rss_growth_alone_is_a_note_not_a_leak() {
    let report = analyze(&parse("steady.memusage.ndjson"), &TrendOptions::default());
    let rss = report.series.iter().find(|s| s.name == "rss").unwrap();
    // RSS climbs 55 → 100 MB in the first second, then creeps: a plateau at most, never a leak.
    assert!(rss.verdict <= Verdict::Growing, "{}", rss.reason);
    assert_eq!(report.verdict, Verdict::Stable);
    let noted = report.notes.iter().any(|n| n.starts_with("rss grows"));
    assert_eq!(noted, rss.verdict == Verdict::Growing, "{:?}", report.notes);
}

#[test]
fn gc_statistics_from_events_and_from_histograms() {
    let options = TrendOptions::default();
    let gc = analyze(&parse("mapcache.trace-gc.log"), &options).gc.unwrap();
    assert_eq!((gc.source.as_str(), gc.count, gc.major, gc.minor), ("events", 65.0, 8.0, 57.0));
    assert!(
        gc.pause_max_ms.unwrap() >= gc.pause_p95_ms.unwrap()
            && gc.pause_p95_ms.unwrap() >= gc.pause_p50_ms.unwrap()
    );
    // From the histogram: increases between the first scrape (3 minor) and the last (54 minor, 4 major, 2 incremental).
    let gc = analyze(&parse("mapcache.prom"), &options).gc.unwrap();
    assert_eq!((gc.source.as_str(), gc.count, gc.major, gc.minor), ("histogram", 57.0, 4.0, 51.0));
    assert!(gc.gc_time_fraction.unwrap() > 0.0 && gc.gc_time_fraction.unwrap() < 0.2);
}
