//! The view of one metrics file: the verdict in a sentence of evidence, its confidence and the GC signal the
//! floor was built from, the charts the worker drew (the deciding series on its own scale with its floor
//! points), and the numbers per series (slope, p-value, floor, time to the heap limit) and for GC.

use web_sys::HtmlElement;

use super::dom::{append, el, set_attr};
use super::table::{number, text, Table};
use super::views::fact;
use crate::metrics::trend::{SeriesTrend, Verdict};
use crate::metrics::Unit;
use crate::protocol::MetricsInfo;
use crate::units::{format_bytes, format_count, format_duration_s};

pub fn show(body: &HtmlElement, info: &MetricsInfo) {
    let report = &info.report;
    let verdict = append(body, el("p", &format!("verdict {}", verdict_class(report.verdict)), ""));
    set_attr(&verdict, "data-field", "verdict");
    verdict.set_text_content(Some(&format!("Verdict: {}. {}", report.verdict.as_str(), report.reason)));
    let facts = append(body, el("dl", "facts", ""));
    fact(&facts, "Format", &report.format, "format");
    if let Some(series) = &report.verdict_series {
        fact(&facts, "Decided by", series, "verdict-series");
    }
    let decider = report.series.iter().find(|s| Some(s.display_name()) == report.verdict_series);
    if let Some(confidence) = decider.and_then(|s| s.confidence) {
        fact(&facts, "Confidence", confidence.as_str(), "confidence");
    }
    if let Some((source, s)) = decider.and_then(|s| Some((s.floor_source?, s))) {
        let built = format!("{}, {} points (drawn on the chart)", source.describe(), s.floor.len());
        fact(&facts, "Floor built from", &built, "floor-source");
    }
    if let Some(limit) = report.heap_limit_bytes {
        fact(&facts, "Heap limit", &format_bytes(limit), "heap-limit");
    }
    for note in &report.notes {
        append(body, el("p", "muted", note));
    }

    append(body, el("h3", "", "Memory over time"));
    let chart = append(body, el("div", "chart memory-chart", ""));
    chart.set_inner_html(&info.memory_chart_svg);
    if let Some(svg) = &info.gc_chart_svg {
        append(body, el("h3", "", "GC pauses"));
        let chart = append(body, el("div", "chart gc-chart", ""));
        chart.set_inner_html(svg);
    }

    append(body, el("h3", "", "Series"));
    let table = Table::new(
        body,
        "series",
        &[
            "Series",
            "Samples#",
            "Verdict",
            "Floor start#",
            "Floor end#",
            "Growth / hour#",
            "p-value#",
            "Time to limit#",
        ],
    );
    for series in &report.series {
        table.row(series_cells(series));
    }
    if let Some(gc) = &report.gc {
        append(body, el("h3", "", "Garbage collection"));
        let facts = append(body, el("dl", "facts", ""));
        let count = format!("{:.0} ({:.0} major, {:.0} minor)", gc.count, gc.major, gc.minor);
        fact(&facts, "Collections", &count, "gc-count");
        let pauses = format!(
            "p50 {}, p95 {}, max {}",
            millis(gc.pause_p50_ms),
            millis(gc.pause_p95_ms),
            millis(gc.pause_max_ms)
        );
        fact(&facts, "Pauses", &pauses, "gc-pauses");
        if let Some(share) = gc.gc_time_fraction {
            fact(&facts, "Time in GC", &format!("{:.1}%", share * 100.0), "gc-share");
        }
    }
    if !report.warnings.is_empty() {
        append(body, el("h3", "", &format!("Warnings ({})", report.warnings.len())));
        let list = append(body, el("ul", "warnings", ""));
        for warning in &report.warnings {
            append(&list, el("li", "", &warning.to_string()));
        }
    }
}

fn series_cells(series: &SeriesTrend) -> Vec<super::table::Cell> {
    let value = |v: Option<f64>| match (v, series.unit) {
        (Some(v), Unit::Bytes) => format_bytes(v),
        (Some(v), _) => format!("{v:.3}"),
        (None, _) => "–".to_string(),
    };
    let slope = match series.slope_bytes_per_hour {
        Some(s) if s >= 0.0 => format!("+{}", format_bytes(s)),
        Some(s) => format_bytes(s),
        None => "–".to_string(),
    };
    let name = series.display_name();
    vec![
        text(name),
        number(format_count(series.samples as u64)),
        text(series.verdict.as_str()),
        number(value(series.floor_start)),
        number(value(series.floor_end)),
        number(slope),
        number(series.p_value.map_or("–".to_string(), |p| format!("{p:.3}"))),
        number(series.time_to_limit_s.map_or("–".to_string(), format_duration_s)),
    ]
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Leak => "leak",
        Verdict::Growing => "growing",
        Verdict::Stable => "stable",
        Verdict::InsufficientData => "insufficient",
    }
}

fn millis(ms: Option<f64>) -> String {
    ms.map_or("–".to_string(), |ms| format!("{ms:.1} ms"))
}
