//! `heapscope diff A B [--top N] [--json]`: DevTools' Comparison view of snapshot B against base A: per class,
//! the objects new in B and the objects of A gone from B (matched by V8 node id), with counts and shallow
//! sizes, largest growth first.

use std::ffi::OsString;
use std::io::Write;

use heapscope::snapshot::compare::{compare, ClassDiff, ClassDiffRow, Comparison};
use heapscope::units::{format_count, format_signed_bytes, format_signed_count};

use super::output;
use super::summary::{bytes, class_label, load_snapshot};

/// Rows in the text table unless `--top` says otherwise (the JSON has every class).
const DEFAULT_TOP: usize = 30;

const USAGE: &str = "usage: heapscope diff BASE CURRENT [--top N] [--json]";

pub fn run(args: Vec<OsString>) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut paths = Vec::new();
    let mut json = false;
    let mut top = DEFAULT_TOP;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("json") => json = true,
            Long("top") => {
                top = output::count_value(&mut parser, "--top")?;
            }
            Value(value) if paths.len() < 2 => paths.push(value),
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let [base_path, current_path] = <[OsString; 2]>::try_from(paths).map_err(|_| USAGE.to_owned())?;
    let base = load_snapshot(&base_path)?;
    let current = load_snapshot(&current_path)?;
    let comparison = compare(&base, &current);
    output::to_stdout(|out| {
        if json {
            output::json(out, &DiffJson::of(&comparison))
        } else {
            let title = format!("{} against {}", current_path.to_string_lossy(), base_path.to_string_lossy());
            write_text(out, &title, &comparison, top)
        }
    })
}

/// The JSON of `diff --json`.
#[derive(serde::Serialize)]
pub struct DiffJson {
    totals: TotalsJson,
    classes: Vec<ClassDiffRow>,
}

#[derive(serde::Serialize)]
struct TotalsJson {
    new_count: u64,
    deleted_count: u64,
    size_delta: i64,
}

impl DiffJson {
    pub fn of(comparison: &Comparison) -> Self {
        DiffJson {
            totals: TotalsJson {
                new_count: comparison.new_count(),
                deleted_count: comparison.deleted_count(),
                size_delta: comparison.size_delta(),
            },
            classes: comparison.classes.iter().map(ClassDiffRow::from).collect(),
        }
    }
}

fn write_text(out: &mut dyn Write, title: &str, comparison: &Comparison, top: usize) -> std::io::Result<()> {
    writeln!(out, "{title}")?;
    writeln!(
        out,
        "  {} new, {} deleted objects; size delta {}",
        format_count(comparison.new_count()),
        format_count(comparison.deleted_count()),
        format_signed_bytes(comparison.size_delta())
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "  {:>9}  {:>9}  {:>9}  {:>10}  {:>10}  {:>11}  class",
        "# new", "# deleted", "# delta", "alloc", "freed", "size delta"
    )?;
    for class in comparison.classes.iter().take(top) {
        write_row(out, class)?;
    }
    if comparison.classes.len() > top {
        writeln!(out, "  … {} more classes (--top N, or --json for all)", comparison.classes.len() - top)?;
    }
    Ok(())
}

fn write_row(out: &mut dyn Write, class: &ClassDiff) -> std::io::Result<()> {
    writeln!(
        out,
        "  {:>9}  {:>9}  {:>9}  {:>10}  {:>10}  {:>11}  {}",
        format_count(class.new_count),
        format_count(class.deleted_count),
        format_signed_count(class.delta_count()),
        bytes(class.alloc_size),
        bytes(class.freed_size),
        format_signed_bytes(class.size_delta()),
        class_label(&class.key, &class.name)
    )
}
