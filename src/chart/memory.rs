//! The memory chart: heap used, heap total, RSS, external and array-buffer memory over time, the post-GC
//! floor points and fitted trend of the series that decided the verdict (and of the heap), and markers.

use plotters::prelude::*;

use super::{
    axis, build_plot, draw_header, draw_markers, message_svg, time_axis, ChartMarker, DrawResult, LegendEntry,
};
use super::{markers_on, render_svg, MAX_POINTS_PER_SERIES};
use crate::metrics::downsample::lttb;
use crate::metrics::trend::{SeriesTrend, TrendReport};
use crate::metrics::{MetricsFile, Role, Series, TimeBase};

/// Roles drawn, with their legend names and colours, back to front.
const ROLES: [(Role, &str, RGBColor); 5] = [
    (Role::Rss, "RSS", RGBColor(150, 150, 150)),
    (Role::HeapTotal, "heap total", RGBColor(158, 202, 225)),
    (Role::External, "external", RGBColor(255, 127, 14)),
    (Role::ArrayBuffers, "array buffers", RGBColor(148, 103, 189)),
    (Role::HeapUsed, "heap used", RGBColor(31, 119, 180)),
];
const FLOOR_COLOR: RGBColor = RGBColor(20, 140, 60);
const TREND_COLOR: RGBColor = RGBColor(214, 39, 40);

/// The series drawn for a role: on the chart's clock, sampled series before those derived from GC logs
/// (which only see the heap at GCs), then the one with most samples.
fn series_for(file: &MetricsFile, role: Role, time_base: TimeBase) -> Option<&Series> {
    file.series
        .iter()
        .filter(|s| s.role == Some(role) && s.time_base == time_base && !s.is_empty())
        .max_by_key(|s| (!s.name.ends_with("_after_gc"), s.len()))
}

/// The chart's clock: that of the series which decided the verdict, else of the first memory series.
fn chart_time_base(file: &MetricsFile, report: &TrendReport) -> Option<TimeBase> {
    let decider = report.series.iter().find(|s| Some(display(s)) == report.verdict_series);
    decider
        .map(|s| s.time_base)
        .or_else(|| file.series.iter().find(|s| s.role.is_some()).map(|s| s.time_base))
}

fn display(s: &SeriesTrend) -> String {
    if s.labels.is_empty() {
        return s.name.clone();
    }
    let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{}{{{}}}", s.name, labels.join(","))
}

/// Draws the memory chart of a (combined) metrics file and its trend report as an SVG document.
/// `markers` are extra labelled times (epoch ms when the chart's clock is wall-clock time).
pub fn memory_chart_svg(file: &MetricsFile, report: &TrendReport, markers: &[ChartMarker]) -> String {
    let title = format!("Memory: {}", report.verdict.as_str());
    let Some(time_base) = chart_time_base(file, report) else {
        return message_svg(&title, "no memory series to draw");
    };
    let drawn: Vec<(&Series, &str, RGBColor)> = ROLES
        .iter()
        .filter_map(|&(role, name, color)| Some((series_for(file, role, time_base)?, name, color)))
        .collect();
    if drawn.is_empty() {
        return message_svg(&title, "no memory series to draw");
    }
    let all_markers = markers_on(file, time_base, markers);
    let trends = trends_to_draw(report, &drawn, time_base);
    render_svg(|root| draw(root, &title, report, &drawn, &trends, &all_markers, time_base))
}

/// The trends drawn: the verdict series' and that of the heap-used series on the chart.
fn trends_to_draw<'a>(
    report: &'a TrendReport,
    drawn: &[(&Series, &str, RGBColor)],
    time_base: TimeBase,
) -> Vec<&'a SeriesTrend> {
    let heap_used =
        drawn.iter().find(|(s, _, _)| s.role == Some(Role::HeapUsed)).map(|(s, _, _)| s.name.as_str());
    report
        .series
        .iter()
        .filter(|t| t.time_base == time_base && t.floor_start.is_some())
        .filter(|t| {
            Some(display(t)) == report.verdict_series
                || (t.role == Some(Role::HeapUsed) && Some(t.name.as_str()) == heap_used)
        })
        .collect()
}

fn draw(
    root: &super::Area<'_>,
    title: &str,
    report: &TrendReport,
    drawn: &[(&Series, &str, RGBColor)],
    trends: &[&SeriesTrend],
    markers: &[ChartMarker],
    time_base: TimeBase,
) -> DrawResult {
    root.fill(&WHITE)?;
    let t0 = drawn.iter().filter_map(|(s, _, _)| s.t_ms.first()).copied().fold(f64::INFINITY, f64::min);
    let t1 = drawn.iter().filter_map(|(s, _, _)| s.t_ms.last()).copied().fold(f64::NEG_INFINITY, f64::max);
    let t1 = if t1 > t0 { t1 } else { t0 + 1.0 };
    let max_value = drawn.iter().flat_map(|(s, _, _)| s.values.iter()).copied().fold(0.0, f64::max);
    let x_axis = time_axis(t0, t1, time_base);
    let y_ticks = axis::byte_ticks(max_value.max(1.0));
    let mut legend: Vec<LegendEntry> = drawn
        .iter()
        .map(|(_, name, color)| LegendEntry {
            label: name.to_string(),
            color: *color,
            dashed: false,
            dot: false,
        })
        .collect();
    if !trends.is_empty() {
        legend.push(LegendEntry {
            label: "post-GC floor".into(),
            color: FLOOR_COLOR,
            dashed: false,
            dot: true,
        });
        legend.push(LegendEntry {
            label: "floor trend".into(),
            color: TREND_COLOR,
            dashed: true,
            dot: false,
        });
    }
    let full_title = match &report.verdict_series {
        Some(series) => format!("{title} ({series})"),
        None => title.to_string(),
    };
    draw_header(root, &full_title, &legend)?;
    let mut chart = build_plot(root, &x_axis, (t0, t1), &y_ticks, "bytes")?;
    for (series, _, color) in drawn {
        let kept = lttb(&series.t_ms, &series.values, MAX_POINTS_PER_SERIES);
        let points = kept.iter().map(|&i| (series.t_ms[i], series.values[i]));
        chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
    }
    for trend in trends {
        chart.draw_series(trend.floor.iter().map(|p| Circle::new((p[0], p[1]), 4, FLOOR_COLOR.filled())))?;
        if let (Some(start), Some(end)) = (trend.floor_start, trend.floor_end) {
            let span_ms = trend.span_s * 1000.0;
            let series_end = drawn
                .iter()
                .find(|(s, _, _)| s.name == trend.name)
                .and_then(|(s, _, _)| s.t_ms.last().copied());
            let end_t = series_end.unwrap_or(t1);
            let line = vec![(end_t - span_ms, start), (end_t, end)];
            chart.draw_series(DashedLineSeries::new(line, 10, 6, TREND_COLOR.stroke_width(2)))?;
        }
    }
    draw_markers(&mut chart, markers, (t0, t1), (y_ticks.first(), y_ticks.last()))
}
