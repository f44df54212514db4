//! A [`Report`] as one self-contained HTML file: inline CSS, the charts as inline SVG, no script and no
//! request to anywhere, so it reads the same offline, from an e-mail attachment, or with JavaScript off.
//! Light and dark follow `prefers-color-scheme`. Every text is HTML-escaped: names come from the heap and
//! from metrics files, and may contain anything; the charts' SVG comes from our drawing code, which escapes
//! its own text.

use std::fmt::Write;

use super::{ComparisonSection, MetricsSection, Report, SnapshotSection, Strings};
use crate::chart::statistics_svg;
use crate::leaks::suspects::growth_text;
use crate::leaks::trace::TraceStep;
use crate::leaks::LeakReport;
use crate::snapshot::queries::NodeRow;
use crate::units::{format_bytes, format_count, format_signed_bytes, format_signed_count};

/// Width of the Statistics chart, in pixels.
const STATISTICS_WIDTH: u32 = 640;

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;\
--leak:#b42318;--grow:#b54708;--ok:#067647}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;\
--line:#3d444d;--leak:#ff7b72;--grow:#f0b357;--ok:#56d364}}\
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);background:var(--bg);\
margin:0 auto;max-width:72rem;padding:1.5rem}\
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}\
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}\
.muted{color:var(--muted)}.mode{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem}\
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:13px}\
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line);vertical-align:top;\
overflow-wrap:anywhere}th{background:var(--card)}td.n,th.n{text-align:right;white-space:nowrap}\
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}\
.verdict{font-weight:600;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}\
.leak{color:var(--leak)}.growing{color:var(--grow)}.stable{color:var(--ok)}\
.chart{background:#fff;color:#1f2328;border-radius:6px;padding:.5rem;overflow-x:auto;margin:.5rem 0}\
.chart svg{max-width:100%;height:auto}.suspect{background:var(--card);border:1px solid var(--line);\
border-radius:6px;padding:.5rem .75rem;margin:.75rem 0}nav a{margin-right:1rem}";

/// The report as an HTML document.
pub fn html(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    // Nothing in the file may load or run anything: a report is opened from anywhere.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         img-src data:\">",
    );
    let _ = write!(out, "<title>heapscope report</title><style>{STYLE}</style></head><body>");
    let _ =
        write!(out, "<h1>heapscope report</h1><p class=\"muted\">Made by {}.</p>", esc(&report.generator));
    out.push_str(&strings_notice(report.strings));
    contents(&mut out, report);
    if !report.metrics.is_empty() {
        out.push_str("<section id=\"metrics\"><h2>Memory metrics</h2>");
        report.metrics.iter().for_each(|section| metrics(&mut out, section));
        out.push_str("</section>");
    }
    if let Some(leaks_report) = &report.leaks {
        leaks(&mut out, leaks_report);
    }
    if let Some(comparison_section) = &report.comparison {
        comparison(&mut out, comparison_section);
    }
    for (i, section) in report.snapshots.iter().enumerate() {
        snapshot(&mut out, i, section);
    }
    out.push_str("</body></html>\n");
    out
}

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn strings_notice(strings: Strings) -> String {
    match strings {
        Strings::Redacted => "<p class=\"mode\" id=\"strings-redacted\"><strong>String values are redacted.</strong> \
             Each string from the heap is shown as its length and a short hash (<code>\"…\" 42 chars #a1b2c3</code>), \
             so equal strings still match; class, property and function names stay.</p>"
            .to_owned(),
        Strings::Included => "<p class=\"mode\" id=\"strings-included\"><strong>String values are included.</strong> \
             This report shows the heap's strings as they are: it may contain secrets (tokens, user data, request \
             bodies).</p>"
            .to_owned(),
    }
}

fn contents(out: &mut String, report: &Report) {
    out.push_str("<nav>");
    if !report.metrics.is_empty() {
        out.push_str("<a href=\"#metrics\">Memory metrics</a>");
    }
    if report.leaks.is_some() {
        out.push_str("<a href=\"#leaks\">Leak suspects</a>");
    }
    if report.comparison.is_some() {
        out.push_str("<a href=\"#comparison\">Comparison</a>");
    }
    for (i, s) in report.snapshots.iter().enumerate() {
        let _ = write!(out, "<a href=\"#snapshot-{i}\">{}</a>", esc(&s.name));
    }
    out.push_str("</nav>");
}

/// A table: header cells (`"#"`-prefixed ones right-aligned, for numbers) and rows of cells of escaped HTML.
fn table(out: &mut String, headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let numeric: Vec<bool> = headers.iter().map(|h| h.starts_with('#')).collect();
    out.push_str("<table><thead><tr>");
    for (h, &n) in headers.iter().zip(&numeric) {
        let _ =
            write!(out, "<th{}>{}</th>", if n { " class=\"n\"" } else { "" }, esc(h.trim_start_matches('#')));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for (cell, &n) in row.iter().zip(numeric.iter().chain(std::iter::repeat(&false))) {
            let _ = write!(out, "<td{}>{cell}</td>", if n { " class=\"n\"" } else { "" });
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn bytes(n: u64) -> String {
    format_bytes(n as f64)
}

fn metrics(out: &mut String, section: &MetricsSection) {
    let trend = &section.trend;
    let verdict = trend.verdict.as_str();
    let _ = write!(
        out,
        "<h3>{}</h3><p><span class=\"verdict {}\">{}</span> — {}</p>",
        esc(&section.name),
        verdict.replace(' ', "-"),
        esc(verdict),
        esc(&trend.reason)
    );
    let _ = write!(out, "<p class=\"muted\">Format: {}", esc(&trend.format));
    if let Some(series) = &trend.verdict_series {
        let _ = write!(out, "; decided by <code>{}</code>", esc(series));
    }
    out.push_str(".</p>");
    for note in trend.notes.iter().chain(trend.warnings.iter().map(|w| &w.message)) {
        let _ = write!(out, "<p class=\"muted\">{}</p>", esc(note));
    }
    let _ = write!(out, "<div class=\"chart\">{}</div>", section.chart_svg);
    table(
        out,
        &["Series", "Verdict", "Why", "#Samples"],
        trend.series.iter().map(|s| {
            vec![
                format!("<code>{}</code>", esc(&s.display_name())),
                format!(
                    "<span class=\"verdict {}\">{}</span>",
                    s.verdict.as_str().replace(' ', "-"),
                    esc(s.verdict.as_str())
                ),
                esc(&s.reason),
                format_count(s.samples as u64),
            ]
        }),
    );
}

fn leaks(out: &mut String, report: &LeakReport) {
    let _ = write!(
        out,
        "<section id=\"leaks\"><h2>Leak suspects</h2><p class=\"muted\">Across {} snapshots, oldest first.</p>",
        report.snapshot_count
    );
    if report.suspects.is_empty() {
        out.push_str("<p>No leak suspect: nothing grows steadily across the snapshots.</p>");
    }
    for (rank, s) in report.suspects.iter().enumerate() {
        let (entries, retained) = growth_text(&s.growth);
        let _ = write!(
            out,
            "<div class=\"suspect\"><h3>#{} <code>[{}]</code> {}</h3>\
             <p><strong>Held by:</strong> <code>{}</code></p>\
             <p><strong>Entries:</strong> {}; <strong>retained:</strong> {}</p><p><strong>Why:</strong> {}</p>",
            rank + 1,
            esc(&s.kind),
            esc(&s.title),
            esc(&s.owner_path),
            esc(&entries),
            esc(&retained),
            esc(&s.evidence.reason)
        );
        trace(out, &s.trace);
        out.push_str("</div>");
    }
    if let Some(survivors) = &report.survivors {
        let _ = write!(
            out,
            "<h3>Three-snapshot technique</h3><p>{} objects new in the second snapshot are still alive in the \
             last ({} in the second).</p>",
            format_count(survivors.total_count),
            bytes(survivors.total_shallow_size)
        );
        table(
            out,
            &["Held by", "Class", "#Roots", "#Objects", "#Retained"],
            survivors.clusters.iter().map(|c| {
                vec![
                    format!("<code>{}</code>", esc(&c.path)),
                    esc(&c.class_name),
                    format_count(c.roots),
                    format_count(c.count),
                    bytes(c.retained_size),
                ]
            }),
        );
    }
    out.push_str("</section>");
}

/// An owner path, step by step: the edge taken, the object's class and name, its V8 id.
fn trace(out: &mut String, steps: &[TraceStep]) {
    table(
        out,
        &["Edge", "Class", "Name", "#Id"],
        steps.iter().map(|s| {
            let edge = if s.elided > 0 {
                format!("{} <span class=\"muted\">({} like steps left out)</span>", esc(&s.edge), s.elided)
            } else {
                esc(&s.edge)
            };
            vec![edge, esc(&s.class_name), esc(&s.name), format!("@{}", s.id)]
        }),
    );
}

fn comparison(out: &mut String, c: &ComparisonSection) {
    let _ = write!(
        out,
        "<section id=\"comparison\"><h2>Comparison</h2><p><strong>{}</strong> against <strong>{}</strong>: \
         {} new objects, {} deleted, size {} ({} classes changed; the {} largest changes below).</p>",
        esc(&c.current),
        esc(&c.base),
        format_count(c.new_count),
        format_count(c.deleted_count),
        format_signed_bytes(c.size_delta),
        format_count(c.class_count as u64),
        c.classes.len()
    );
    table(
        out,
        &["Class", "#New", "#Deleted", "#Delta", "#Alloc. size", "#Freed size", "#Size delta"],
        c.classes.iter().map(|r| {
            vec![
                esc(&r.name),
                format_count(r.new_count),
                format_count(r.deleted_count),
                format_signed_count(r.delta_count),
                bytes(r.alloc_size),
                bytes(r.freed_size),
                format_signed_bytes(r.size_delta),
            ]
        }),
    );
    out.push_str("</section>");
}

fn snapshot(out: &mut String, index: usize, section: &SnapshotSection) {
    let s = &section.summary;
    let _ = write!(
        out,
        "<section id=\"snapshot-{index}\"><h2>Snapshot: {}</h2><p>{} nodes, {} edges, total {}.</p>\
         <h3>Statistics</h3><div class=\"chart\">{}</div>",
        esc(&section.name),
        format_count(s.node_count as u64),
        format_count(s.edge_count as u64),
        bytes(s.total_size),
        statistics_svg(&s.statistics, STATISTICS_WIDTH)
    );
    out.push_str("<h3>Classes by retained size</h3>");
    table(
        out,
        &["Class", "#Objects", "#Shallow size", "#Retained size", "#Distance"],
        s.classes.iter().map(|c| {
            vec![
                esc(&c.name),
                format_count(c.count),
                bytes(c.shallow_size),
                bytes(c.retained_size),
                c.distance.to_string(),
            ]
        }),
    );
    out.push_str("<h3>Objects by retained size</h3>");
    objects(out, &s.top_objects);
    out.push_str("<h3>Largest strings</h3>");
    objects(out, &section.top_strings);
    out.push_str("</section>");
}

fn objects(out: &mut String, rows: &[NodeRow]) {
    table(
        out,
        &["Object", "Class", "#Id", "#Shallow size", "#Retained size"],
        rows.iter().map(|o| {
            vec![
                esc(&o.name),
                esc(&o.class_name),
                format!("@{}", o.id),
                bytes(o.self_size),
                bytes(o.retained_size),
            ]
        }),
    );
}
