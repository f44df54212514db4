//! `heapscope summary FILE [--top N] [--json]`: DevTools' Summary of a heap snapshot: counts, total size,
//! the Statistics view, the largest classes and the largest objects by retained size. Also home of the
//! snapshot loading and the table formatting that `inspect` shares.

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;

use heapscope::snapshot::distance::distance_label;
use heapscope::snapshot::parse::parse_reader;
use heapscope::snapshot::{summary_json, HeapSnapshot, NodeRow};
use heapscope::units::{format_bytes, format_count};

use super::output;

/// Bytes read from disk per step; the parser never sees the whole file at once.
const CHUNK_BYTES: usize = 1 << 20;
/// Rows per list unless `--top` says otherwise.
const DEFAULT_TOP: usize = 50;

const USAGE: &str = "usage: heapscope summary FILE [--top N] [--json]";

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut path = None;
    let mut json = false;
    let mut top = DEFAULT_TOP;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => json = true,
            Long("top") => {
                top = output::count_value(&mut parser, "--top")?;
            }
            Value(value) if path.is_none() => path = Some(value),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let path = path.ok_or(USAGE)?;
    let snapshot = load_snapshot(&path)?;
    output::to_stdout(|out| {
        if json {
            output::json(out, &summary_json(&snapshot, top))
        } else {
            write_text(out, &path.to_string_lossy(), &snapshot, top)
        }
    })
}

/// Reads and analyses a snapshot file (plain or gzip-compressed); errors name the file.
pub fn load_snapshot(path: &OsString) -> Result<HeapSnapshot, String> {
    let shown = path.to_string_lossy();
    let file = File::open(path).map_err(|e| format!("{shown}: {e}"))?;
    let graph = parse_reader(file, CHUNK_BYTES, |_| {}).map_err(|e| format!("{shown}: {e}"))?;
    Ok(HeapSnapshot::analyze(graph))
}

fn write_text(out: &mut dyn Write, file: &str, snapshot: &HeapSnapshot, top: usize) -> std::io::Result<()> {
    let summary = snapshot.summary(top, top);
    let s = &summary.statistics;
    writeln!(out, "{file}")?;
    writeln!(
        out,
        "  {} nodes, {} edges, total {}",
        format_count(summary.node_count as u64),
        format_count(summary.edge_count as u64),
        bytes(summary.total_size)
    )?;
    writeln!(
        out,
        "  V8 heap {} (code {}, strings {}, JS arrays {}, system {}); native {} (typed arrays {})",
        bytes(s.v8heap.total),
        bytes(s.v8heap.code),
        bytes(s.v8heap.strings),
        bytes(s.v8heap.js_arrays),
        bytes(s.v8heap.system),
        bytes(s.native.total),
        bytes(s.native.typed_arrays)
    )?;
    writeln!(out)?;
    writeln!(out, "Classes by retained size")?;
    writeln!(out, "  {:>10}  {:>10}  {:>10}  {:>9}  class", "retained", "shallow", "count", "distance")?;
    for class in &summary.classes {
        writeln!(
            out,
            "  {:>10}  {:>10}  {:>10}  {:>9}  {}",
            bytes(class.retained_size),
            bytes(class.shallow_size),
            format_count(class.count),
            distance_label(class.distance),
            class_label(&class.key, &class.name)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Objects by retained size")?;
    write_node_header(out)?;
    for object in &summary.top_objects {
        write_node_row(out, object, "")?;
    }
    Ok(())
}

/// A class as people read it: `Name`, or `Name [script:line:column]` for classes keyed by a location.
pub fn class_label(key: &str, name: &str) -> String {
    match key.strip_suffix(name).and_then(|location| location.strip_suffix(',')) {
        Some("") | None => name.to_owned(),
        Some(location) => format!("{name} [{}]", location.replace(',', ":")),
    }
}

/// The column header for [`write_node_row`].
pub fn write_node_header(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "  {:>10}  {:>10}  {:>9}  object", "retained", "shallow", "distance")
}

/// One node as a table row: sizes, distance, then `prefix`, the class, the name and `@id`.
pub fn write_node_row(out: &mut dyn Write, node: &NodeRow, prefix: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:>10}  {:>10}  {:>9}  {prefix}{} @{}",
        bytes(node.retained_size),
        bytes(node.self_size),
        distance_label(node.distance),
        node_label(node),
        node.id
    )
}

/// `Class name` (or just the class when the name adds nothing), cut to a readable length.
fn node_label(node: &NodeRow) -> String {
    const MAX_NAME_CHARS: usize = 60;
    let name: String = node.name.chars().take(MAX_NAME_CHARS).collect();
    let name = if name.len() < node.name.len() { format!("{name}…") } else { name };
    if name.is_empty() || name == node.class_name {
        node.class_name.clone()
    } else {
        format!("{} {:?}", node.class_name, name)
    }
}

/// A byte count as people read it.
pub fn bytes(n: u64) -> String {
    format_bytes(n as f64)
}
