//! The charts: what the SVG of a corpus run contains (series, floor, markers, human-unit labels), GC pause
//! charts from events and from a histogram, downsampling of a million-point series, and the rule that keeps
//! the drawing free of font-engine calls (which panic in a Web Worker).

use std::path::Path;

use heapscope::chart::{gc_pause_chart_svg, memory_chart_svg, MAX_POINTS_PER_SERIES};
use heapscope::metrics::trend::{analyze, TrendOptions};
use heapscope::metrics::{self, MetricsFile, Role, Series, TimeBase, Unit};

fn corpus(names: &[&str]) -> MetricsFile {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics/corpus");
    let files = names
        .iter()
        .map(|n| metrics::parse(n, &std::fs::read(dir.join(n)).unwrap()).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    metrics::combine(files)
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

/// (stroke colour, number of points) of each polyline.
fn polylines(svg: &str) -> Vec<(String, usize)> {
    svg.split("<polyline")
        .skip(1)
        .map(|p| {
            let attr = |name: &str| {
                p.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next()).unwrap_or("")
            };
            (attr("stroke").to_string(), attr("points").split_whitespace().count())
        })
        .collect()
}

/// The longest polyline drawn in this colour.
fn longest(svg: &str, stroke: &str) -> usize {
    polylines(svg).into_iter().filter(|(s, _)| s == stroke).map(|(_, n)| n).max().unwrap_or(0)
}

#[test]
fn memory_chart_of_a_corpus_run() {
    let file = corpus(&["mapcache.memusage.ndjson", "mapcache.events.ndjson", "mapcache.trace-gc.log"]);
    let report = analyze(&file, &TrendOptions::default());
    let svg = memory_chart_svg(&file, &report, &[(1_795_668_328_000.0, "alert".to_string())]);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Memory: growing (heapUsed), high confidence"), "{}", &svg[..600]);
    // The verdict's sentence of evidence, as the report words it (wrapped, so its first words).
    let heap = report.series.iter().find(|s| s.name == "heapUsed").unwrap();
    let first_words: String = heap.reason.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
    assert!(svg.contains(&first_words), "{first_words}");
    // The deciding series alone on top, then RSS, heap total, external, array buffers and heap used, each
    // with its 50 samples.
    assert_eq!(polylines(&svg).iter().filter(|(s, n)| s == "#1F77B4" && *n == 50).count(), 2);
    for stroke in ["#969696", "#9ECAE1", "#FF7F0E", "#9467BD"] {
        assert_eq!(longest(&svg, stroke), 50, "{stroke}");
    }
    assert!(polylines(&svg).iter().filter(|(s, _)| s == "#D62728").count() > 10, "the dashed floor trend");
    for label in
        ["RSS", "heap used", "post-GC floor", "floor: heap after 5 major GCs (GC log)", "snapshot 1", "alert"]
    {
        assert!(svg.contains(label), "{label}");
    }
    assert!(svg.contains(">150 MB<") || svg.contains(">\n150 MB\n<"), "byte ticks in MB");
    assert!(svg.contains("04:45:25"), "wall-clock ticks");
    assert!(svg.contains("time (UTC, 2026-11-26)"));
    // The heap's floor points in both panels (one per major-GC burst) plus the two legends' dots.
    assert_eq!(count(&svg, "<circle"), 2 * heap.floor.len() + 2);
}

#[test]
fn gc_pause_chart_from_events_and_from_a_histogram() {
    let file = corpus(&["steady.trace-gc.log"]);
    let report = analyze(&file, &TrendOptions::default());
    let svg = gc_pause_chart_svg(&file, &report, &[]);
    assert!(svg.contains("GC pauses: 96 GCs (6 major)"), "{}", &svg[..400]);
    assert_eq!(count(&svg, "<circle"), 96 + 2, "one dot per GC plus minor and major legend dots");
    assert!(svg.contains("time since process start"));
    assert!(svg.contains(" ms<") || svg.contains(" ms\n"), "pause ticks in ms");

    let file = corpus(&["steady.prom"]);
    let report = analyze(&file, &TrendOptions::default());
    let svg = gc_pause_chart_svg(&file, &report, &[]);
    assert!(svg.contains("minor (mean per scrape)"));
}

#[test]
fn charts_without_data_say_so() {
    let file = corpus(&["steady.events.ndjson"]);
    let report = analyze(&file, &TrendOptions::default());
    let svg = gc_pause_chart_svg(&file, &report, &[]);
    assert!(svg.contains("no GC events or GC duration histogram in these files"));
}

#[test]
fn a_million_points_are_downsampled() {
    let mut s = Series::new("heapUsed", Vec::new(), Unit::Bytes, TimeBase::Epoch);
    s.role = Some(Role::HeapUsed);
    for i in 0..1_000_000u32 {
        let t = 1.7e12 + f64::from(i) * 1000.0;
        s.push(t, 50e6 + f64::from(i % 1000) * 30e3 + f64::from(i) * 10.0);
    }
    let mut file = metrics::parse("x.ndjson", b"{\"timestamp\":1700000000000,\"rss\":1}\n").unwrap();
    file.series = vec![s];
    let report = analyze(&file, &TrendOptions::default());
    let svg = memory_chart_svg(&file, &report, &[]);
    assert_eq!(longest(&svg, "#1F77B4"), MAX_POINTS_PER_SERIES);
    assert!(svg.len() < 400_000, "{} bytes", svg.len());
}

/// plotters lays out captions, `titled` areas, legends (`MultiLineText`) and right-hand axis labels with a
/// font engine that, on wasm32, calls the DOM; the chart code must not use them (see `src/chart/text.rs`).
#[test]
fn chart_code_uses_no_font_layout() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/chart");
    let forbidden = [
        ".caption(",
        ".titled(",
        "configure_series_labels",
        "MultiLineText",
        "LabelAreaPosition::Right",
        "right_y_label_area_size",
    ];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for (no, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for f in forbidden {
                assert!(!code.contains(f), "{}:{}: uses {f}", path.display(), no + 1);
            }
        }
    }
}
