//! `heapscope info FILE [--json]`: a snapshot's header (field lists, counts) without analysing it.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;

use heapscope::snapshot::parse::{SnapshotMeta, SnapshotParser};

use super::output;

/// Bytes read from disk per step; the parser never sees the whole file at once.
const CHUNK_BYTES: usize = 4 << 20;

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut path = None;
    let mut json = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => json = true,
            Value(value) if path.is_none() => path = Some(value),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let path = path.ok_or("usage: heapscope info FILE [--json]")?;
    let shown = path.to_string_lossy().into_owned();
    let (meta, nodes, edges) = read_header_and_counts(&path).map_err(|e| format!("{shown}: {e}"))?;
    output::to_stdout(|out| {
        if json {
            let report =
                serde_json::json!({ "file": shown, "meta": meta, "node_count": nodes, "edge_count": edges });
            output::json(out, &report)
        } else {
            writeln!(out, "{shown}")?;
            writeln!(out, "  nodes        {nodes}")?;
            writeln!(out, "  edges        {edges}")?;
            writeln!(out, "  node fields  {}", meta.node_fields.join(", "))?;
            writeln!(out, "  edge fields  {}", meta.edge_fields.join(", "))
        }
    })
}

/// Streams the whole file through the parser, which validates it, and returns its header and counts.
fn read_header_and_counts(path: &OsString) -> Result<(SnapshotMeta, u64, u64), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut parser = SnapshotParser::new();
    let mut buffer = vec![0u8; CHUNK_BYTES];
    loop {
        let n = file.read(&mut buffer).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        parser.feed(&buffer[..n]).map_err(|e| e.to_string())?;
    }
    let meta = parser.meta().cloned();
    let graph = parser.finish().map_err(|e| e.to_string())?;
    let meta = meta.ok_or("no snapshot header")?;
    Ok((meta, graph.node_type.len() as u64, graph.edge_type.len() as u64))
}
