//! `heapscope trend FILE... [--json] [--svg OUT.svg] [--heap-limit BYTES]`: reads memory-metric files (a
//! directory stands for the files in it, e.g. a clinic doctor folder), combines them as one run, and prints
//! the leak verdict with the numbers behind it; `--svg` also draws the memory chart.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use heapscope::chart;
use heapscope::metrics::trend::{self, TrendOptions, TrendReport};
use heapscope::metrics::{self, MetricsFile};
use heapscope::units::{format_bytes, format_duration_s};

use super::output;

struct Args {
    files: Vec<PathBuf>,
    json: bool,
    svg: Option<PathBuf>,
    heap_limit: Option<f64>,
}

fn parse_args(args: Vec<OsString>) -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut out = Args { files: Vec::new(), json: false, svg: None, heap_limit: None };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => out.json = true,
            Long("svg") => out.svg = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("heap-limit") => {
                let text = parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())?;
                out.heap_limit = Some(parse_bytes(&text).ok_or_else(|| {
                    format!("--heap-limit expects bytes (e.g. 4294967296, 4096M or 4G), found `{text}`")
                })?);
            }
            Value(path) => out.files.push(path.into()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if out.files.is_empty() {
        return Err("usage: heapscope trend FILE... [--json] [--svg OUT.svg] [--heap-limit BYTES]".into());
    }
    Ok(out)
}

/// Bytes from `4294967296`, `4096M`, `4G`, `512MB` (K/M/G are powers of 1024).
fn parse_bytes(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let number: f64 = text[..split].parse().ok()?;
    let factor = match text[split..].trim().to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1.0,
        "K" => 1024.0,
        "M" => 1024.0 * 1024.0,
        "G" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some(number * factor)
}

/// The files a path stands for: itself, or the files of a directory (sorted).
fn expand(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    Ok(files)
}

/// Reads and parses the metrics file at `path`, or each file of a directory; errors name the file.
pub fn load_metrics(path: &Path) -> Result<Vec<MetricsFile>, String> {
    let mut parsed = Vec::new();
    for file in expand(path)? {
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let name =
            file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        parsed.push(metrics::parse(&name, &bytes).map_err(|e| e.to_string())?);
    }
    Ok(parsed)
}

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    let args = parse_args(args)?;
    let mut parsed: Vec<MetricsFile> = Vec::new();
    for path in &args.files {
        parsed.extend(load_metrics(path)?);
    }
    let file = metrics::combine(parsed);
    let options = TrendOptions { heap_limit_bytes: args.heap_limit, ..TrendOptions::default() };
    let report = trend::analyze(&file, &options);
    if let Some(svg_path) = &args.svg {
        let svg = chart::memory_chart_svg(&file, &report, &[]);
        std::fs::write(svg_path, svg).map_err(|e| format!("{}: {e}", svg_path.display()))?;
    }
    output::to_stdout(|out| {
        if args.json {
            output::json(out, &report)
        } else {
            out.write_all(render_text(&report).as_bytes())
        }
    })
}

fn render_text(report: &TrendReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("verdict: {}  ({})\n", report.verdict.as_str().to_uppercase(), report.reason));
    let decider = report
        .series
        .iter()
        .find(|s| report.verdict_series.as_deref().is_some_and(|v| v.starts_with(&s.name)));
    if let Some(s) = decider {
        if let (Some(confidence), Some(source)) = (s.confidence, s.floor_source) {
            out.push_str(&format!(
                "confidence: {}; floor: {}, {} points\n",
                confidence.as_str(),
                source.describe(),
                s.floor.len()
            ));
        }
    }
    out.push_str(&format!("files: {} [{}]\n", report.file_name, report.format));
    if let Some(limit) = report.heap_limit_bytes {
        out.push_str(&format!("heap limit: {}\n", format_bytes(limit)));
    }
    out.push_str(&format!(
        "\n{:<44} {:>7}  {:<17} {:>21} {:>13} {:>8} {:>10}\n",
        "series", "samples", "verdict", "floor start -> end", "slope/hour", "p", "to limit"
    ));
    for s in &report.series {
        let name = s.display_name();
        let floor = match (s.floor_start, s.floor_end) {
            (Some(a), Some(b)) => format!("{} -> {}", format_bytes(a), format_bytes(b)),
            _ => "-".to_string(),
        };
        out.push_str(&format!(
            "{:<44} {:>7}  {:<17} {:>21} {:>13} {:>8} {:>10}\n",
            truncate(&name, 44),
            s.samples,
            s.verdict.as_str(),
            floor,
            s.slope_bytes_per_hour.map_or("-".into(), format_bytes),
            s.p_value.map_or("-".into(), |p| format!("{p:.3}")),
            s.time_to_limit_s.map_or("-".into(), format_duration_s),
        ));
    }
    if let Some(gc) = &report.gc {
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1} ms"));
        out.push_str(&format!(
            "\ngc ({}): {} GCs ({} major, {} minor) over {}, pause p50 {} p95 {} max {}, {} of the time in GC, {}/min\n",
            gc.source,
            gc.count,
            gc.major,
            gc.minor,
            format_duration_s(gc.span_s),
            ms(gc.pause_p50_ms),
            ms(gc.pause_p95_ms),
            ms(gc.pause_max_ms),
            gc.gc_time_fraction.map_or("-".into(), |f| format!("{:.1}%", f * 100.0)),
            gc.gc_per_minute.map_or("-".into(), |r| format!("{r:.0}")),
        ));
    }
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    for warning in &report.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}
