//! The GC pause chart: one dot per GC (minor, major, other) at its time, pause length on y; from a GC
//! duration histogram alone, the mean pause per scrape interval and kind.

use plotters::prelude::*;

use super::{
    axis, build_plot, draw_header, draw_markers, message_svg, time_axis, ChartMarker, DrawResult, LegendEntry,
};
use super::{markers_on, render_svg, HEIGHT};
use crate::metrics::trend::TrendReport;
use crate::metrics::{GcKind, Histogram, MetricsFile, TimeBase};

const MINOR: RGBColor = RGBColor(31, 119, 180);
const MAJOR: RGBColor = RGBColor(214, 39, 40);
const OTHER: RGBColor = RGBColor(150, 150, 150);

/// (time, pause ms, colour) of each dot.
type Dot = (f64, f64, RGBColor);

fn kind_color(kind: GcKind) -> RGBColor {
    match kind {
        GcKind::Minor => MINOR,
        GcKind::Major => MAJOR,
        GcKind::Incremental | GcKind::WeakCallbacks => OTHER,
    }
}

/// Mean pause per scrape interval and kind, from `*gc_duration_seconds` histograms.
fn histogram_dots(histograms: &[Histogram]) -> (Vec<Dot>, Option<TimeBase>) {
    let mut dots = Vec::new();
    let mut time_base = None;
    for h in histograms.iter().filter(|h| h.name.ends_with("gc_duration_seconds")) {
        let color = match h.labels.iter().find(|(k, _)| k == "kind").map(|(_, v)| v.as_str()) {
            Some("minor") => MINOR,
            Some("major") => MAJOR,
            _ => OTHER,
        };
        time_base = Some(h.time_base);
        for w in h.snapshots.windows(2) {
            let (Some(c0), Some(c1), Some(s0), Some(s1)) = (w[0].count, w[1].count, w[0].sum, w[1].sum)
            else {
                continue;
            };
            if c1 > c0 && s1 >= s0 {
                dots.push((w[1].t_ms, (s1 - s0) / (c1 - c0) * 1000.0, color));
            }
        }
    }
    (dots, time_base)
}

/// Draws GC pauses over time as an SVG document; `markers` as for the memory chart.
pub fn gc_pause_chart_svg(file: &MetricsFile, report: &TrendReport, markers: &[ChartMarker]) -> String {
    let (dots, time_base, per_interval) = match file.gc_events.first() {
        Some(first) => {
            let base = first.time_base;
            let dots: Vec<Dot> = file
                .gc_events
                .iter()
                .filter(|e| e.time_base == base)
                .map(|e| (e.t_ms, e.pause_ms, kind_color(e.kind)))
                .collect();
            (dots, Some(base), false)
        }
        None => {
            let (dots, base) = histogram_dots(&file.gc_histograms);
            (dots, base, true)
        }
    };
    let mut title = String::from("GC pauses");
    if let Some(gc) = &report.gc {
        let p95 = gc.pause_p95_ms.map_or(String::new(), |p| format!(", p95 {p:.1} ms"));
        let share =
            gc.gc_time_fraction.map_or(String::new(), |f| format!(", {:.1}% of the time in GC", f * 100.0));
        title = format!("GC pauses: {} GCs ({} major){p95}{share}", gc.count, gc.major);
    }
    let Some(time_base) = time_base.filter(|_| !dots.is_empty()) else {
        return message_svg(&title, "no GC events or GC duration histogram in these files");
    };
    let all_markers = markers_on(file, time_base, markers);
    render_svg(HEIGHT, |root| draw(root, &title, &dots, per_interval, &all_markers, time_base))
}

fn draw(
    root: &super::Area<'_>,
    title: &str,
    dots: &[Dot],
    per_interval: bool,
    markers: &[ChartMarker],
    time_base: TimeBase,
) -> DrawResult {
    root.fill(&WHITE)?;
    let t0 = dots.iter().map(|d| d.0).fold(f64::INFINITY, f64::min);
    let t1 = dots.iter().map(|d| d.0).fold(f64::NEG_INFINITY, f64::max);
    // Dots are drawn whole: pad the time range by 2% on each side.
    let pad = ((t1 - t0) * 0.02).max(1.0);
    let (t0, t1) = (t0 - pad, t1 + pad);
    let max_pause = dots.iter().map(|d| d.1).fold(0.0, f64::max);
    let x_axis = time_axis(t0, t1, time_base);
    let y_ticks = axis::millisecond_ticks(max_pause);
    let suffix = if per_interval { " (mean per scrape)" } else { "" };
    let legend = [("minor", MINOR), ("major", MAJOR), ("other", OTHER)]
        .into_iter()
        .filter(|(_, color)| dots.iter().any(|d| d.2 == *color))
        .map(|(name, color)| LegendEntry {
            label: format!("{name}{suffix}"),
            color,
            dashed: false,
            dot: true,
        })
        .collect::<Vec<_>>();
    draw_header(root, title, &legend)?;
    let mut chart = build_plot(root, &x_axis, (t0, t1), &y_ticks, "pause")?;
    chart.draw_series(dots.iter().map(|&(t, pause, color)| Circle::new((t, pause), 3, color.filled())))?;
    draw_markers(&mut chart, markers, (t0, t1), (y_ticks.first(), y_ticks.last()))
}
