//! `heapscope inspect FILE @ID [--limit N] [--json]`: one object of a heap snapshot: what it references, what
//! references it, its dominators up to the root and the shortest path from a GC root to it.

use std::ffi::OsString;
use std::io::Write;

use heapscope::snapshot::{EdgeRow, HeapSnapshot, Page};

use super::output;
use super::summary::{load_snapshot, write_node_header, write_node_row};

/// Rows per list unless `--limit` says otherwise.
const DEFAULT_LIMIT: usize = 20;

const USAGE: &str = "usage: heapscope inspect FILE @ID [--limit N] [--json]";

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut path = None;
    let mut id = None;
    let mut json = false;
    let mut limit = DEFAULT_LIMIT;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => json = true,
            Long("limit") => {
                limit = output::count_value(&mut parser, "--limit")?;
            }
            Value(value) if path.is_none() => path = Some(value),
            Value(value) if id.is_none() => id = Some(parse_id(&value)?),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let (Some(path), Some(id)) = (path, id) else { return Err(USAGE.into()) };
    let snapshot = load_snapshot(&path)?;
    let node = snapshot
        .node_by_id(id)
        .ok_or_else(|| format!("{}: no object with id @{id}", path.to_string_lossy()))?;
    let report = Report {
        object: snapshot.node_row(node),
        edges: snapshot.edges(node, 0, limit),
        retainers: snapshot.retainers(node, 0, limit),
        dominator_chain: snapshot.dominator_chain(node, 0, limit),
        path_to_root: snapshot.path_to_root(node, 0, usize::MAX),
    };
    output::to_stdout(
        |out| if json { output::json(out, &report) } else { write_text(out, &snapshot, &report) },
    )
}

/// `@123` or `123`.
fn parse_id(value: &OsString) -> Result<u32, String> {
    let text = value.to_string_lossy();
    text.strip_prefix('@')
        .unwrap_or(&text)
        .parse()
        .map_err(|_| format!("`{text}` is not an object id like @123"))
}

#[derive(serde::Serialize)]
struct Report {
    object: heapscope::snapshot::NodeRow,
    edges: Page<EdgeRow>,
    retainers: Page<EdgeRow>,
    dominator_chain: Page<heapscope::snapshot::NodeRow>,
    path_to_root: Page<EdgeRow>,
}

fn write_text(out: &mut dyn Write, snapshot: &HeapSnapshot, report: &Report) -> std::io::Result<()> {
    write_node_header(out)?;
    write_node_row(out, &report.object, "")?;
    for (title, page) in [("References", &report.edges), ("Retainers", &report.retainers)] {
        writeln!(out)?;
        writeln!(out, "{title} ({} of {})", page.rows.len(), page.total)?;
        write_node_header(out)?;
        for row in &page.rows {
            write_node_row(out, &row.node, &format!("{} ", edge_label(row)))?;
        }
    }
    writeln!(out)?;
    let chain = &report.dominator_chain;
    writeln!(out, "Dominators, up to the root ({} of {})", chain.rows.len(), chain.total)?;
    write_node_header(out)?;
    for row in &chain.rows {
        write_node_row(out, row, "")?;
    }
    writeln!(out)?;
    let path = &report.path_to_root;
    if path.total == 0 && report.object.node != heapscope::snapshot::flags::ROOT {
        writeln!(out, "Not reachable from a GC root without weak edges.")?;
    } else {
        writeln!(out, "Path from the root ({} edges)", path.total)?;
        write_node_header(out)?;
        write_node_row(out, &snapshot.node_row(heapscope::snapshot::flags::ROOT), "")?;
        for row in &path.rows {
            write_node_row(out, &row.node, &format!("{} ", edge_label(row)))?;
        }
    }
    Ok(())
}

/// An edge as DevTools writes it: `.name`, `[3]`, `{internal}`, `[[weak]]`, `->context`.
fn edge_label(row: &EdgeRow) -> String {
    let name = &row.edge_name;
    match row.edge_type.as_str() {
        "context" => format!("->{name}"),
        "element" => format!("[{name}]"),
        "weak" => format!("[[{name}]]"),
        "property" | "shortcut" if !name.contains(' ') => format!(".{name}"),
        "property" | "shortcut" => format!("[\"{name}\"]"),
        _ => format!("{{{name}}}"),
    }
}
