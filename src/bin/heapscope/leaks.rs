//! `heapscope leaks S1 S2 [S3 …] [--json] [--fail-on-leak]`: leak suspects across snapshots of one process
//! (oldest first), with their owner paths, growth and evidence, and the three-snapshot technique's clusters.
//! With `--fail-on-leak` the exit status is 1 when there is a suspect: a CI gate.

use std::ffi::OsString;
use std::io::Write;

use heapscope::leaks::survivors::Cluster;
use heapscope::leaks::suspects::{growth_text, Suspect};
use heapscope::leaks::trace::TraceStep;
use heapscope::leaks::{LeakReport, Series};
use heapscope::snapshot::HeapSnapshot;
use heapscope::units::format_count;

use super::output;
use super::summary::{bytes, load_snapshot};

const USAGE: &str =
    "usage: heapscope leaks S1 S2 [S3 …] [--json] [--fail-on-leak]   (snapshots oldest first)";
/// Clusters shown in the text output (the JSON has all).
const TEXT_CLUSTERS: usize = 5;

/// Runs the command; `Ok(true)` when `--fail-on-leak` was given and a suspect was found.
pub fn run(args: Vec<OsString>) -> Result<bool, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut paths = Vec::new();
    let mut json = false;
    let mut fail_on_leak = false;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => json = true,
            Long("fail-on-leak") => fail_on_leak = true,
            Value(value) => paths.push(value),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    if paths.is_empty() {
        return Err(USAGE.into());
    }
    let mut series = Series::new();
    let mut newest_id = 0;
    for (i, path) in paths.iter().enumerate() {
        // One whole snapshot at a time: the earlier ones are digested and dropped before the next is read.
        let snapshot = load_snapshot(path)?;
        check_oldest_first(path, &snapshot, &mut newest_id)?;
        if i + 1 < paths.len() {
            series.push_earlier(&snapshot);
        } else {
            series.set_last(snapshot);
        }
    }
    let report = series.report().ok_or(USAGE)?;
    output::to_stdout(|out| {
        if json {
            output::json(out, &LeaksJson::of(&report))
        } else {
            write_text(out, &report)
        }
    })?;
    Ok(fail_on_leak && !report.suspects.is_empty())
}

/// Checks that `snapshot` (read from `path`) is not older than the one before it, whose largest JS object
/// id is `newest_id`, and moves `newest_id` on: ids only grow in one process, and the leak analysis reads
/// the series oldest first.
pub fn check_oldest_first(
    path: &OsString,
    snapshot: &HeapSnapshot,
    newest_id: &mut u32,
) -> Result<(), String> {
    let max_id = snapshot.max_js_object_id();
    if max_id < *newest_id {
        return Err(format!(
            "{}: its objects are older than the previous snapshot's (largest JS object id @{max_id} < @{newest_id}): \
             give the snapshots of one process oldest first",
            path.to_string_lossy()
        ));
    }
    *newest_id = max_id;
    Ok(())
}

/// The JSON of `leaks --json`.
#[derive(serde::Serialize)]
struct LeaksJson<'r> {
    suspects: &'r [Suspect],
    clusters: &'r [Cluster],
    three_snapshot: Option<&'r [heapscope::leaks::survivors::SurvivorClass]>,
    snapshot_count: usize,
}

impl<'r> LeaksJson<'r> {
    fn of(report: &'r LeakReport) -> Self {
        LeaksJson {
            suspects: &report.suspects,
            clusters: report.survivors.as_ref().map_or(&[], |s| s.clusters.as_slice()),
            three_snapshot: report.survivors.as_ref().map(|s| s.classes.as_slice()),
            snapshot_count: report.snapshot_count,
        }
    }
}

fn write_text(out: &mut dyn Write, report: &LeakReport) -> std::io::Result<()> {
    if report.suspects.is_empty() {
        let what = if report.snapshot_count > 1 {
            "nothing grows steadily across the snapshots"
        } else {
            "no object holds a large share of the heap"
        };
        writeln!(out, "No leak suspect: {what}.")?;
    }
    for (rank, suspect) in report.suspects.iter().enumerate() {
        writeln!(out, "#{} [{}] {}", rank + 1, suspect.kind, suspect.title)?;
        writeln!(out, "   held by: {}", suspect.owner_path)?;
        let (entries, retained) = growth_text(&suspect.growth);
        writeln!(out, "   entries: {entries}   retained: {retained}")?;
        writeln!(out, "   why: {}", suspect.evidence.reason)?;
        writeln!(out, "   trace: {}", trace_ids(&suspect.trace))?;
        writeln!(out)?;
    }
    if let Some(survivors) = &report.survivors {
        writeln!(
            out,
            "Three-snapshot technique: {} objects new in S2 still alive in the last snapshot ({} in S2)",
            format_count(survivors.total_count),
            bytes(survivors.total_shallow_size)
        )?;
        for cluster in survivors.clusters.iter().take(TEXT_CLUSTERS) {
            let what = format!("{} × {}", format_count(cluster.roots), cluster.class_name);
            writeln!(
                out,
                "  {what:<32} {:>9} objects {:>10}  {}",
                format_count(cluster.count),
                bytes(cluster.retained_size),
                cluster.path
            )?;
        }
    }
    Ok(())
}

/// `@12 → @34 → …`, for looking the steps up with `heapscope inspect`.
fn trace_ids(trace: &[TraceStep]) -> String {
    trace.iter().map(|s| format!("@{}", s.id)).collect::<Vec<_>>().join(" → ")
}
