//! `heapscope report S1 [S2 S3 …] [METRICS …] -o report.html [--json] [--include-strings]`: one report to
//! share, as a self-contained HTML file (or its JSON with `--json`): per snapshot its totals, Statistics and
//! largest classes and objects; per metrics file (or directory, its files combined) the verdict and chart;
//! with two snapshots or more, the Comparison of the last two and the leak suspects. String values from
//! the heap are redacted unless `--include-strings` is given. Each file is sniffed like the page does: a
//! heap snapshot (plain or gzip) or a metrics export. Snapshots are read one at a time, oldest first; the
//! earlier ones are digested and dropped, and only the last two are held whole (the Comparison needs both).

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use heapscope::metrics;
use heapscope::report::{html, ReportBuilder, ReportOptions};
use heapscope::workspace::{sniff, Kind};

use super::leaks::check_oldest_first;
use super::output;
use super::summary::load_snapshot;
use super::trend::load_metrics;

const USAGE: &str =
    "usage: heapscope report S1 [S2 S3 …] [METRICS …] [-o OUT] [--json] [--include-strings]   \
                     (snapshots oldest first)";

/// Bytes read from the start of a file to tell a snapshot from a metrics export.
const SNIFF_BYTES: usize = 4096;

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut paths = Vec::new();
    let mut out_path: Option<PathBuf> = None;
    let mut json = false;
    let mut options = ReportOptions::default();
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('o') | Long("output") => out_path = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("json") => json = true,
            Long("include-strings") => options.include_strings = true,
            Value(value) => paths.push(value),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    if paths.is_empty() {
        return Err(USAGE.into());
    }
    let mut snapshots = Vec::new();
    let mut metrics_paths = Vec::new();
    for path in paths {
        if is_snapshot(Path::new(&path))? {
            snapshots.push(path);
        } else {
            metrics_paths.push(path);
        }
    }

    let mut builder = ReportBuilder::new(options);
    let mut previous = None;
    let mut newest_id = 0;
    for (i, path) in snapshots.iter().enumerate() {
        let snapshot = load_snapshot(path)?;
        check_oldest_first(path, &snapshot, &mut newest_id)?;
        let name = file_name(Path::new(path));
        if i + 1 == snapshots.len() {
            builder.last_snapshot(&name, &snapshot, previous.as_ref());
        } else {
            builder.earlier_snapshot(&name, &snapshot);
            // Only the one before the last is kept whole; the others are dropped here, before the next read.
            previous = (i + 2 == snapshots.len()).then_some(snapshot);
        }
    }
    for path in &metrics_paths {
        let file = metrics::combine(load_metrics(Path::new(path))?);
        builder.metrics(&file_name(Path::new(path)), &file);
    }
    let report = builder.finish();

    let write = |out: &mut dyn Write| {
        if json {
            output::json(out, &report)
        } else {
            out.write_all(html(&report).as_bytes())
        }
    };
    match out_path {
        Some(path) => {
            let mut file =
                std::io::BufWriter::new(File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?);
            write(&mut file).and_then(|()| file.flush()).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => output::to_stdout(write),
    }
}

/// Whether the file at `path` is a heap snapshot (a directory is a folder of metrics files).
fn is_snapshot(path: &Path) -> Result<bool, String> {
    if path.is_dir() {
        return Ok(false);
    }
    let mut file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    // What the prefix leaves undecided after this many bytes is not a snapshot (whose first key comes first).
    Ok(sniff(&prefix, true) == Some(Kind::HeapSnapshot))
}

/// The name a file is shown under: its file name.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
