//! Charts drawn with plotters into SVG strings, the same drawing for the page, the CLI and the tests.
//!
//! [`memory_chart_svg`] draws the series that decided the verdict on its own scale, with its floor points
//! (named by the GC signal they came from), the fitted trend and the verdict's sentence of evidence, above
//! heap used / heap total / RSS / external memory together; [`gc_pause_chart_svg`] draws GC pauses over time. Both take optional markers
//! (snapshot capture times, `(t_ms, label)` on the chart's clock) besides the markers the files carry.
//! Axes use human units (see `axis`); series longer than [`MAX_POINTS_PER_SERIES`] are downsampled with LTTB
//! first, so a million-point series draws in milliseconds. Text is laid out without a font engine so the
//! drawing works in a Web Worker (see `text`).

mod axis;
mod gc_pauses;
mod memory;
mod statistics;
mod text;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::metrics::time::utc_parts;
use crate::metrics::TimeBase;

pub use gc_pauses::gc_pause_chart_svg;
pub use memory::memory_chart_svg;
pub use statistics::statistics_svg;

/// A labelled moment to mark on a chart: (time in ms on the chart's clock, label).
pub type ChartMarker = (f64, String);

/// Points a series keeps after downsampling (about two per horizontal pixel).
pub const MAX_POINTS_PER_SERIES: usize = 2000;

const WIDTH: u32 = 960;
const HEIGHT: u32 = 440;
const TITLE_SIZE: f64 = 19.0;
const LABEL_SIZE: f64 = 15.0;
/// Height of the title and legend rows above the plot.
const HEADER_HEIGHT: i32 = 58;

type Coord = Cartesian2d<axis::TickedRange, axis::TickedRange>;
type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type DrawResult<T = ()> = Result<T, DrawingAreaErrorKind<std::io::Error>>;

fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((text::FONT_FAMILY, size).into_font())
}

/// One entry of a hand-drawn legend.
struct LegendEntry {
    label: String,
    color: RGBColor,
    dashed: bool,
    dot: bool,
}

/// Draws the title and, below it, the legend entries in a row.
fn draw_header(root: &Area<'_>, title: &str, legend: &[LegendEntry]) -> DrawResult {
    root.draw_text(title, &font(TITLE_SIZE).color(&BLACK), (16, 8))?;
    let mut x = 20;
    let y = 38;
    for entry in legend {
        let style = entry.color.stroke_width(2);
        if entry.dot {
            root.draw(&Circle::new((x + 11, y), 4, entry.color.filled()))?;
        } else if entry.dashed {
            for k in 0..3 {
                root.draw(&PathElement::new(vec![(x + k * 8, y), (x + k * 8 + 5, y)], style))?;
            }
        } else {
            root.draw(&PathElement::new(vec![(x, y), (x + 22, y)], style))?;
        }
        root.draw_text(
            &entry.label,
            &font(LABEL_SIZE).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
            (x + 28, y),
        )?;
        x += 28 + text::text_width(&entry.label, LABEL_SIZE) + 18;
    }
    Ok(())
}

/// The x axis of a chart: ticks and a description.
struct TimeAxis {
    ticks: axis::Ticks,
    desc: String,
}

fn time_axis(t0: f64, t1: f64, time_base: TimeBase) -> TimeAxis {
    let wall_clock = time_base == TimeBase::Epoch;
    let ticks = axis::time_ticks(t0, t1, wall_clock);
    let desc = match time_base {
        TimeBase::Epoch => format!("time (UTC, {})", utc_parts(t0).0),
        TimeBase::ProcessStart => "time since process start".to_string(),
        TimeBase::Monotonic => "elapsed time".to_string(),
        TimeBase::Ordinal => "sample".to_string(),
    };
    TimeAxis { ticks, desc }
}

/// Builds the plot area with time on x and `y_ticks` on y, and draws the mesh.
fn build_plot<'a, 'b>(
    root: &'a Area<'b>,
    x: &TimeAxis,
    (t0, t1): (f64, f64),
    y_ticks: &axis::Ticks,
    y_desc: &str,
) -> DrawResult<ChartContext<'a, SVGBackend<'b>, Coord>> {
    let plot = root.margin(HEADER_HEIGHT, 12, 8, 44);
    let mut chart = ChartBuilder::on(&plot).x_label_area_size(48).y_label_area_size(84).build_cartesian_2d(
        axis::TickedRange { lo: t0, hi: t1, ticks: x.ticks.values.clone() },
        axis::TickedRange { lo: y_ticks.first(), hi: y_ticks.last(), ticks: y_ticks.values.clone() },
    )?;
    let x_label = |v: &f64| x.ticks.label(*v);
    let y_label = |v: &f64| y_ticks.label(*v);
    chart
        .configure_mesh()
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .x_labels(x.ticks.values.len())
        .y_labels(y_ticks.values.len())
        .label_style(font(LABEL_SIZE))
        .axis_desc_style(font(LABEL_SIZE))
        .x_desc(x.desc.clone())
        .y_desc(y_desc)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    Ok(chart)
}

/// Draws vertical dashed lines with labels at the given times (those inside the x range).
fn draw_markers(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Coord>,
    markers: &[ChartMarker],
    (t0, t1): (f64, f64),
    (y0, y1): (f64, f64),
) -> DrawResult {
    let color = RGBColor(90, 90, 90);
    for (k, (t, label)) in markers.iter().filter(|(t, _)| (t0..=t1).contains(t)).enumerate() {
        chart.draw_series(DashedLineSeries::new(vec![(*t, y0), (*t, y1)], 4, 4, color.stroke_width(1)))?;
        let y = y1 - (y1 - y0) * (0.02 + 0.06 * (k % 2) as f64);
        // Labels near the right edge go to the left of their line so they stay inside the chart.
        let near_right_edge = (t - t0) > 0.85 * (t1 - t0);
        let (text, h_pos) = if near_right_edge {
            (format!("{label} "), HPos::Right)
        } else {
            (format!(" {label}"), HPos::Left)
        };
        let style = font(LABEL_SIZE - 2.0).color(&color).pos(Pos::new(h_pos, VPos::Top));
        chart.draw_series(std::iter::once(Text::new(text, (*t, y), style)))?;
    }
    Ok(())
}

/// An SVG that only says why there is no chart.
/// The markers to draw on a chart on `time_base`: the file's own (snapshot captures, drawn at their start)
/// and then the caller's.
fn markers_on(
    file: &crate::metrics::MetricsFile,
    time_base: TimeBase,
    extra: &[ChartMarker],
) -> Vec<ChartMarker> {
    let mut markers: Vec<ChartMarker> = file
        .markers
        .iter()
        .filter(|m| m.time_base == time_base && !m.label.ends_with(" end"))
        .map(|m| (m.t_ms, m.label.trim_end_matches(" start").to_string()))
        .collect();
    markers.extend(extra.iter().cloned());
    markers
}

/// Runs `draw` on a fresh SVG drawing of the standard width and `height` and returns the SVG text.
fn render_svg(height: u32, draw: impl FnOnce(&Area<'_>) -> DrawResult) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        // The string backend cannot fail; a failed drawing would only leave the SVG incomplete.
        let _ = draw(&root).and_then(|()| root.present());
    }
    svg
}

fn message_svg(title: &str, message: &str) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 160)).into_drawing_area();
        let drawn = root.fill(&WHITE).and_then(|()| {
            root.draw_text(title, &font(TITLE_SIZE).color(&BLACK), (16, 8))?;
            root.draw_text(message, &font(LABEL_SIZE).color(&RGBColor(90, 90, 90)), (16, 60))
        });
        // The string backend cannot fail; a failed drawing would only leave the SVG incomplete.
        let _ = drawn.and_then(|()| root.present());
    }
    svg
}
