//! Text in charts without a font engine.
//!
//! plotters asks a font engine for text sizes when it lays out captions (`ChartBuilder::caption`,
//! `DrawingArea::titled`), legends (`configure_series_labels`, via `MultiLineText`) and labels of right-hand
//! axes. On `wasm32` plotters 0.3.7 answers those questions through the DOM (`document.createElement`),
//! which a Web Worker does not have, and its `ab_glyph` font feature is compiled only for non-wasm targets.
//! Plain label drawing needs no layout: the SVG backend writes `<text>` elements and the viewer renders
//! them. So the charts never use those plotters features; they place titles and legends themselves with
//! [`text_width`], computed from the advance widths of DejaVu Sans, the font the SVG asks for first. The
//! same drawing thus comes out the same natively, in tests and in the worker, with no font file bundled.
//! `tests/chart_svg.rs` guards the rule.

/// Font family the charts ask for: DejaVu Sans (whose metrics [`text_width`] uses), then look-alikes.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Advance widths of ASCII 32..=126 in DejaVu Sans (units per em: 2048), read from its `hmtx` table.
const ADVANCES: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577,
    1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401,
    2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298,
    569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075,
    1303, 690, 1303, 1716,
];
/// Width of characters outside ASCII (a digit's width: µ, ≈ and most symbols are close to it).
const OTHER_ADVANCE: f64 = 1303.0;
/// plotters' SVG backend writes `font-size` as the style's size divided by this.
const SVG_FONT_SIZE_DIVISOR: f64 = 1.24;

/// Width in pixels of `text` drawn at plotters font size `size`.
pub(crate) fn text_width(text: &str, size: f64) -> i32 {
    let em = size / SVG_FONT_SIZE_DIVISOR;
    let units: f64 = text
        .chars()
        .map(|c| match u32::from(c) {
            code @ 32..=126 => f64::from(ADVANCES[(code - 32) as usize]),
            _ => OTHER_ADVANCE,
        })
        .sum();
    (units / 2048.0 * em).ceil() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font() {
        // Digits are 1303/2048 em; at size 15.5 (12.5 px em) "1000" is 4 × 7.95 px.
        assert_eq!(text_width("1000", 15.5), 32);
        assert!(text_width("WWW", 14.0) > text_width("iii", 14.0) * 2);
    }
}
