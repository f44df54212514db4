//! The memory chart, in two panels under the verdict's sentence of evidence. The top panel draws the series
//! that decided the verdict alone, on its own scale (a heap that triples fills it, whatever RSS does), with
//! its floor points, named by the GC signal they came from and the number of GC cycles, and the fitted
//! trend. The bottom panel draws heap used, heap total, RSS, external and array-buffer memory together, with
//! the heap's floor, and the markers (snapshot captures).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{
    axis, build_plot, draw_header, draw_markers, font, message_svg, text, time_axis, Area, ChartMarker,
    DrawResult, LegendEntry, HEIGHT, LABEL_SIZE, TITLE_SIZE, WIDTH,
};
use super::{markers_on, render_svg, MAX_POINTS_PER_SERIES};
use crate::metrics::downsample::lttb;
use crate::metrics::trend::{format_level, FloorSource, SeriesTrend, TrendReport};
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
const DECIDER_COLOR: RGBColor = RGBColor(31, 119, 180);
/// Lines of the evidence sentence at most, and their height.
const EVIDENCE_LINES: usize = 3;
const EVIDENCE_LINE_HEIGHT: i32 = 20;
/// Height of the strip with the verdict and its evidence above the panels.
const EVIDENCE_HEIGHT: u32 = 40 + EVIDENCE_LINES as u32 * EVIDENCE_LINE_HEIGHT as u32;

/// The series drawn for a role: on the chart's clock, sampled series before those derived from GC logs
/// (which only see the heap at GCs), then the one with most samples.
fn series_for(file: &MetricsFile, role: Role, time_base: TimeBase) -> Option<&Series> {
    file.series
        .iter()
        .filter(|s| s.role == Some(role) && s.time_base == time_base && !s.is_empty())
        .max_by_key(|s| (!s.name.ends_with("_after_gc"), s.len()))
}

/// The trend of the series that decided the verdict, and that series.
fn decider<'a>(file: &'a MetricsFile, report: &'a TrendReport) -> Option<(&'a SeriesTrend, &'a Series)> {
    let trend = report.series.iter().find(|s| Some(s.display_name()) == report.verdict_series)?;
    let series = file.series.iter().find(|s| {
        s.name == trend.name
            && s.time_base == trend.time_base
            && s.labels.iter().cloned().collect::<std::collections::BTreeMap<_, _>>() == trend.labels
    })?;
    Some((trend, series))
}

/// Draws the memory chart of a (combined) metrics file and its trend report as an SVG document.
/// `markers` are extra labelled times (epoch ms when the chart's clock is wall-clock time).
pub fn memory_chart_svg(file: &MetricsFile, report: &TrendReport, markers: &[ChartMarker]) -> String {
    let title = format!("Memory: {}", report.verdict.as_str());
    let decided = decider(file, report);
    let Some(time_base) = decided
        .map(|(t, _)| t.time_base)
        .or_else(|| file.series.iter().find(|s| s.role.is_some()).map(|s| s.time_base))
    else {
        return message_svg(&title, "no memory series to draw");
    };
    let drawn: Vec<(&Series, &str, RGBColor)> = ROLES
        .iter()
        .filter_map(|&(role, name, color)| Some((series_for(file, role, time_base)?, name, color)))
        .collect();
    if drawn.is_empty() && decided.is_none() {
        return message_svg(&title, "no memory series to draw");
    }
    let all_markers = markers_on(file, time_base, markers);
    let heap_trend = heap_trend(report, &drawn, time_base);
    let height = EVIDENCE_HEIGHT + HEIGHT * (u32::from(decided.is_some()) + u32::from(!drawn.is_empty()));
    render_svg(height, |root| {
        root.fill(&WHITE)?;
        let (strip, rest) = root.split_vertically(EVIDENCE_HEIGHT);
        draw_evidence(&strip, &title, report, decided.map(|(t, _)| t))?;
        let rest = match decided {
            Some((trend, series)) => {
                let (top, bottom) = rest.split_vertically(HEIGHT);
                draw_decider(&top, trend, series, &all_markers)?;
                bottom
            }
            None => rest,
        };
        if drawn.is_empty() {
            return Ok(());
        }
        draw_overview(&rest, &drawn, heap_trend, &all_markers, time_base)
    })
}

/// The trend of the heap-used series drawn in the overview, when it has a floor.
fn heap_trend<'a>(
    report: &'a TrendReport,
    drawn: &[(&Series, &str, RGBColor)],
    time_base: TimeBase,
) -> Option<&'a SeriesTrend> {
    let heap_used = drawn.iter().find(|(s, _, _)| s.role == Some(Role::HeapUsed)).map(|(s, _, _)| s)?;
    report.series.iter().find(|t| {
        t.time_base == time_base
            && t.role == Some(Role::HeapUsed)
            && t.name == heap_used.name
            && !t.floor.is_empty()
    })
}

/// The verdict, its confidence and series, and the sentence of evidence wrapped to the chart's width.
fn draw_evidence(
    area: &Area<'_>,
    title: &str,
    report: &TrendReport,
    trend: Option<&SeriesTrend>,
) -> DrawResult {
    let confidence = trend.and_then(|t| t.confidence).map(|c| format!(", {} confidence", c.as_str()));
    let heading = match &report.verdict_series {
        Some(series) => format!("{title} ({series}){}", confidence.unwrap_or_default()),
        None => title.to_string(),
    };
    area.draw_text(&heading, &font(TITLE_SIZE).color(&BLACK), (16, 8))?;
    let evidence = trend.map_or(report.reason.as_str(), |t| t.reason.as_str());
    let max_width = WIDTH as i32 - 40;
    for (k, line) in wrap(evidence, max_width).iter().take(EVIDENCE_LINES).enumerate() {
        let y = 40 + k as i32 * EVIDENCE_LINE_HEIGHT;
        area.draw_text(line, &font(LABEL_SIZE).color(&RGBColor(60, 60, 60)), (20, y))?;
    }
    Ok(())
}

/// Words of `text` in lines at most `max_width` pixels wide at the label size.
fn wrap(text: &str, max_width: i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if text::text_width(&candidate, LABEL_SIZE) > max_width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The legend name of a floor: its GC signal and the number of points.
fn floor_label(trend: &SeriesTrend) -> String {
    let n = trend.floor.len();
    match trend.floor_source {
        Some(FloorSource::MajorGcs) => format!("floor: heap after {n} major GCs (GC log)"),
        Some(FloorSource::OldGeneration) => format!("floor: old generation after {n} major GCs"),
        Some(FloorSource::GcCycles) => format!("floor: low of {n} GC cycles (samples)"),
        Some(FloorSource::Windows | FloorSource::OldGenerationWindows) | None => {
            format!("floor: lowest of {n} windows")
        }
    }
}

/// The series that decided the verdict, alone on its own scale, with its floor points and trend.
fn draw_decider(
    area: &Area<'_>,
    trend: &SeriesTrend,
    series: &Series,
    markers: &[ChartMarker],
) -> DrawResult {
    let (t0, t1) = span(&[series]);
    let max_value = series.values.iter().copied().fold(0.0, f64::max);
    let x_axis = time_axis(t0, t1, series.time_base);
    let y_ticks = axis::byte_ticks(max_value.max(1.0));
    let legend = [
        LegendEntry { label: trend.display_name(), color: DECIDER_COLOR, dashed: false, dot: false },
        LegendEntry { label: floor_label(trend), color: FLOOR_COLOR, dashed: false, dot: true },
        LegendEntry { label: "floor trend".into(), color: TREND_COLOR, dashed: true, dot: false },
    ];
    draw_header(area, "The series that decided, on its own scale", &legend)?;
    let mut chart = build_plot(area, &x_axis, (t0, t1), &y_ticks, "bytes")?;
    draw_line(&mut chart, series, DECIDER_COLOR)?;
    draw_floor(&mut chart, trend, t1)?;
    let floor_values = trend.floor.iter().map(|p| p[1]);
    // Label each floor point with its value when there are few, so the sentence can be checked.
    if trend.floor.len() <= 12 {
        let style = font(LABEL_SIZE - 3.0).color(&FLOOR_COLOR).pos(Pos::new(HPos::Center, VPos::Top));
        let labels = trend.floor.iter().zip(floor_values).map(|(p, v)| {
            Text::new(format_level(v, trend.unit), (p[0], p[1] - 0.02 * y_ticks.last()), style.clone())
        });
        chart.draw_series(labels)?;
    }
    draw_markers(&mut chart, markers, (t0, t1), (y_ticks.first(), y_ticks.last()))
}

/// Every memory series together, with the heap's floor.
fn draw_overview(
    area: &Area<'_>,
    drawn: &[(&Series, &str, RGBColor)],
    heap_trend: Option<&SeriesTrend>,
    markers: &[ChartMarker],
    time_base: TimeBase,
) -> DrawResult {
    let series: Vec<&Series> = drawn.iter().map(|(s, _, _)| *s).collect();
    let (t0, t1) = span(&series);
    let max_value = series.iter().flat_map(|s| s.values.iter()).copied().fold(0.0, f64::max);
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
    if heap_trend.is_some() {
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
    draw_header(area, "All memory series", &legend)?;
    let mut chart = build_plot(area, &x_axis, (t0, t1), &y_ticks, "bytes")?;
    for (series, _, color) in drawn {
        draw_line(&mut chart, series, *color)?;
    }
    if let Some(trend) = heap_trend {
        let end = drawn.iter().find(|(s, _, _)| s.name == trend.name).and_then(|(s, _, _)| s.t_ms.last());
        draw_floor(&mut chart, trend, end.copied().unwrap_or(t1))?;
    }
    draw_markers(&mut chart, markers, (t0, t1), (y_ticks.first(), y_ticks.last()))
}

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, super::Coord>;

/// The time span of some series (at least 1 ms).
fn span(series: &[&Series]) -> (f64, f64) {
    let t0 = series.iter().filter_map(|s| s.t_ms.first()).copied().fold(f64::INFINITY, f64::min);
    let t1 = series.iter().filter_map(|s| s.t_ms.last()).copied().fold(f64::NEG_INFINITY, f64::max);
    (t0, if t1 > t0 { t1 } else { t0 + 1.0 })
}

fn draw_line(chart: &mut Chart<'_, '_>, series: &Series, color: RGBColor) -> DrawResult {
    let kept = lttb(&series.t_ms, &series.values, MAX_POINTS_PER_SERIES);
    let points = kept.iter().map(|&i| (series.t_ms[i], series.values[i]));
    chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
    Ok(())
}

/// A trend's floor points and its fitted line over the series' span, ending at `end_t`.
fn draw_floor(chart: &mut Chart<'_, '_>, trend: &SeriesTrend, end_t: f64) -> DrawResult {
    chart.draw_series(trend.floor.iter().map(|p| Circle::new((p[0], p[1]), 4, FLOOR_COLOR.filled())))?;
    if let (Some(start), Some(end)) = (trend.floor_start, trend.floor_end) {
        let line = vec![(end_t - trend.span_s * 1000.0, start), (end_t, end)];
        chart.draw_series(DashedLineSeries::new(line, 10, 6, TREND_COLOR.stroke_width(2)))?;
    }
    Ok(())
}
