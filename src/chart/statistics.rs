//! DevTools' Statistics as a chart: the snapshot's total split into code, strings, JS arrays, typed arrays,
//! system objects and the rest (other JavaScript objects), one stacked bar with a legend, as an SVG string
//! (no script, no fonts measured: it draws the same in the page, a worker and a report).

use crate::snapshot::statistics::Statistics;
use crate::units::format_bytes;

/// The parts, in the bar's order: label, colour, bytes.
fn parts(stats: &Statistics) -> [(&'static str, &'static str, u64); 6] {
    let v8 = &stats.v8heap;
    let named = v8.code + v8.strings + v8.js_arrays + stats.native.typed_arrays + v8.system;
    [
        ("Code", "#f59e0b", v8.code),
        ("Strings", "#8b5cf6", v8.strings),
        ("JS arrays", "#10b981", v8.js_arrays),
        ("Typed arrays", "#06b6d4", stats.native.typed_arrays),
        ("System objects", "#94a3b8", v8.system),
        ("Other JS objects", "#3b82f6", stats.total.saturating_sub(named)),
    ]
}

/// The chart, `width` pixels wide.
pub fn statistics_svg(stats: &Statistics, width: u32) -> String {
    const BAR_Y: u32 = 8;
    const BAR_H: u32 = 22;
    const ROW_H: u32 = 20;
    let parts = parts(stats);
    let total = stats.total.max(1) as f64;
    let legend_top = BAR_Y + BAR_H + 14;
    let height = legend_top + ROW_H * 3;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"statistics\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Statistics: the total split by kind\">"
    );
    let mut x = 0.0;
    for (label, colour, bytes) in parts {
        let w = f64::from(width) * bytes as f64 / total;
        if w > 0.0 {
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{BAR_Y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{colour}\">\
                 <title>{label}: {} ({bytes} bytes)</title></rect>",
                format_bytes(bytes as f64)
            ));
        }
        x += w;
    }
    for (i, (label, colour, bytes)) in parts.iter().enumerate() {
        let (column, row) = (i as u32 % 2, i as u32 / 2);
        let lx = column * width / 2;
        let ly = legend_top + row * ROW_H;
        let share = 100.0 * *bytes as f64 / total;
        svg.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"currentColor\">{label}: {} ({share:.1}%)</text>",
            ly,
            lx + 18,
            ly + 11,
            format_bytes(*bytes as f64)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::statistics::{NativeStatistics, V8HeapStatistics};

    #[test]
    fn the_parts_add_up_to_the_total_and_each_is_drawn() {
        let stats = Statistics {
            total: 1000,
            native: NativeStatistics { total: 100, typed_arrays: 100 },
            v8heap: V8HeapStatistics { total: 900, code: 200, js_arrays: 100, strings: 300, system: 50 },
        };
        assert_eq!(parts(&stats).iter().map(|p| p.2).sum::<u64>(), 1000);
        let svg = statistics_svg(&stats, 400);
        assert_eq!(svg.matches("<rect").count(), 12, "six bar parts and six legend keys");
        assert!(svg.contains("Strings: 300 B (30.0%)"), "{svg}");
    }
}
