//! Data-driven checks for graphs written in the heap notation: a computed result against an expected table
//! or tree written as text, each check named by the rule it is about. A failure lists every mismatch by
//! node handle (or class, or suspect) and column, under the rule's name:
//!
//! ```text
//! rule `shallow sizes: an array with one owner gives it its size` broke (1 of 2 rows):
//!   line 2, node `t`, shallow: expected 0, got 200
//! ```
//!
//! Tables are `|`-separated with a header line (leading and trailing `|` optional, `---` lines skipped);
//! trees are indented, one node per line. Distances are written as DevTools shows them: `1`, `system+2`,
//! or `-` for unreachable.

use std::fmt::Write as _;

use heapscope::snapshot::distance::distance_label;
use heapscope::snapshot::graph::NodeIdx;

use super::heap_notation::{Analysed, LeakRun};

/// A table written as text.
struct Table {
    header: Vec<String>,
    /// Each row with its line in the table text (1-based, the header is line 1).
    rows: Vec<(usize, Vec<String>)>,
}

fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split('|').map(|c| c.trim().to_owned()).collect()
}

fn table(rule: &str, text: &str) -> Table {
    let mut lines = text.lines().enumerate().filter(|(_, l)| {
        !l.trim().is_empty() && !l.trim().chars().all(|c| matches!(c, '-' | '|' | ' ' | ':'))
    });
    let (_, header) =
        lines.next().unwrap_or_else(|| panic!("rule `{rule}`: the expected table has no header"));
    let header = cells(header);
    let rows: Vec<(usize, Vec<String>)> = lines
        .map(|(i, l)| {
            let row = cells(l);
            assert_eq!(
                row.len(),
                header.len(),
                "rule `{rule}`: table line {} has {} cells for {} columns",
                i + 1,
                row.len(),
                header.len()
            );
            (i + 1, row)
        })
        .collect();
    Table { header, rows }
}

/// Mismatches of one check, reported together.
struct Report<'r> {
    rule: &'r str,
    checked: usize,
    problems: Vec<String>,
}

impl<'r> Report<'r> {
    fn new(rule: &'r str) -> Self {
        Report { rule, checked: 0, problems: Vec::new() }
    }

    fn compare(&mut self, place: &str, column: &str, expected: &str, actual: &str) {
        if expected != actual {
            self.problems.push(format!("{place}, {column}: expected {expected}, got {actual}"));
        }
    }

    fn finish(self, what: &str) {
        if self.problems.is_empty() {
            return;
        }
        let mut message = format!(
            "rule `{}` broke ({} problems in {} {what}):\n",
            self.rule,
            self.problems.len(),
            self.checked
        );
        for problem in &self.problems {
            let _ = writeln!(message, "  {problem}");
        }
        panic!("{message}");
    }
}

/// Checks a per-node table. Columns: `node` (a handle, first), then any of `class`, `name`, `type`,
/// `shallow`, `retained`, `distance`, `dominator` (a handle), `detached` (`yes`/`no`), `id`.
pub fn check_nodes(heap: &Analysed, rule: &str, expected: &str) {
    let table = table(rule, expected);
    assert_eq!(
        table.header.first().map(String::as_str),
        Some("node"),
        "rule `{rule}`: the first column is `node`"
    );
    let mut report = Report::new(rule);
    for (line, row) in &table.rows {
        report.checked += 1;
        let node = heap.node(&row[0]);
        let snapshot = &heap.snapshot;
        let shown = snapshot.node_row(node);
        let place = format!("line {line}, node `{}`", row[0]);
        for (column, want) in table.header.iter().zip(row).skip(1) {
            let actual = match column.as_str() {
                "class" => shown.class_name.clone(),
                "name" => shown.name.clone(),
                "type" => shown.node_type.clone(),
                "shallow" => shown.self_size.to_string(),
                "retained" => shown.retained_size.to_string(),
                "distance" => distance_label(shown.distance),
                "dominator" => heap.handle(snapshot.immediate_dominator(node)).to_owned(),
                "detached" => if shown.detached { "yes" } else { "no" }.to_owned(),
                "id" => shown.id.to_string(),
                other => panic!("rule `{rule}`: unknown node column `{other}`"),
            };
            report.compare(&place, column, want, &actual);
        }
    }
    report.finish("rows");
}

/// Checks rows of the Summary. Columns: `class` (a class name) or `key` (DevTools' class key, for classes
/// that share a name), then any of `class`, `count`, `shallow`, `retained`, `distance`. A row with count `0`
/// says the class has no row at all. Classes not listed are not checked.
pub fn check_summary(heap: &Analysed, rule: &str, expected: &str) {
    let table = table(rule, expected);
    let by_key = table.header.iter().any(|c| c == "key");
    let id_column = if by_key { "key" } else { "class" };
    let id_at = table
        .header
        .iter()
        .position(|c| c == id_column)
        .unwrap_or_else(|| panic!("rule `{rule}`: the Summary table needs a `class` or `key` column"));
    let classes = heap.snapshot.classes_page(0, usize::MAX).rows;
    let mut report = Report::new(rule);
    for (line, row) in &table.rows {
        report.checked += 1;
        let wanted = &row[id_at];
        let matching: Vec<_> =
            classes.iter().filter(|c| if by_key { &c.key == wanted } else { &c.name == wanted }).collect();
        let place = format!("line {line}, class `{wanted}`");
        let expects_absent = table.header.iter().zip(row).any(|(c, v)| c == "count" && v == "0");
        let class = match (matching.as_slice(), expects_absent) {
            ([], true) => continue,
            ([], false) => {
                let names: Vec<&str> = classes.iter().map(|c| c.key.as_str()).collect();
                report.problems.push(format!("{place}: no such Summary row (rows: {})", names.join(" ")));
                continue;
            }
            ([class], false) => *class,
            (found, true) => {
                report
                    .problems
                    .push(format!("{place}: expected no Summary row, got {} objects", found[0].count));
                continue;
            }
            (found, false) => {
                let keys: Vec<&str> = found.iter().map(|c| c.key.as_str()).collect();
                panic!(
                    "rule `{rule}`: {place} names {} rows ({}); use a `key` column",
                    found.len(),
                    keys.join(" ")
                );
            }
        };
        for (column, want) in table.header.iter().zip(row) {
            let actual = match column.as_str() {
                "class" => class.name.clone(),
                "key" => class.key.clone(),
                "count" => class.count.to_string(),
                "shallow" => class.shallow_size.to_string(),
                "retained" => class.retained_size.to_string(),
                "distance" => distance_label(class.distance),
                other => panic!("rule `{rule}`: unknown Summary column `{other}`"),
            };
            report.compare(&place, column, want, &actual);
        }
    }
    report.finish("rows");
}

/// Checks the dominator tree against an indented tree of handles, each optionally followed by its retained
/// size (`m 240`). Each listed node must be immediately dominated by the node it is listed under, and must
/// dominate exactly the nodes listed under it, unless a `...` line under it says "and others".
pub fn check_dominators(heap: &Analysed, rule: &str, tree: &str) {
    let snapshot = &heap.snapshot;
    let mut report = Report::new(rule);
    // The open ancestors (indent, node), and per listed node: whether its children are all listed, and those.
    let mut stack: Vec<(usize, NodeIdx)> = Vec::new();
    let mut listed: Vec<(NodeIdx, bool, Vec<NodeIdx>)> = Vec::new();
    for (i, line) in tree.lines().enumerate() {
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        while stack.last().is_some_and(|&(at, _)| at >= indent) {
            stack.pop();
        }
        let parent = stack.last().map(|&(_, p)| p);
        if text == "..." {
            let parent =
                parent.unwrap_or_else(|| panic!("rule `{rule}`: `...` on tree line {} has no parent", i + 1));
            if let Some(entry) = listed.iter_mut().find(|(n, _, _)| *n == parent) {
                entry.1 = false;
            }
            continue;
        }
        let (handle, retained) = match text.rsplit_once(' ') {
            Some((h, r)) if !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()) => (h.trim(), Some(r)),
            _ => (text, None),
        };
        report.checked += 1;
        let node = heap.node(handle);
        let place = format!("tree line {}, node `{handle}`", i + 1);
        if let Some(parent) = parent {
            report.compare(
                &place,
                "dominator",
                heap.handle(parent),
                heap.handle(snapshot.immediate_dominator(node)),
            );
            if let Some(entry) = listed.iter_mut().find(|(n, _, _)| *n == parent) {
                entry.2.push(node);
            }
        }
        if let Some(retained) = retained {
            report.compare(&place, "retained", retained, &snapshot.retained_size(node).to_string());
        }
        listed.push((node, true, Vec::new()));
        stack.push((indent, node));
    }
    for (node, complete, children) in &listed {
        if !complete {
            continue;
        }
        let extra: Vec<&str> = (0..snapshot.n_nodes() as u32)
            .map(NodeIdx)
            .filter(|&n| n != *node && snapshot.immediate_dominator(n) == *node && !children.contains(&n))
            .map(|n| heap.handle(n))
            .collect();
        if !extra.is_empty() {
            report.problems.push(format!(
                "node `{}` also dominates {} (not in the tree; add them or a `...` line)",
                heap.handle(*node),
                extra.join(", ")
            ));
        }
    }
    report.finish("nodes");
}

/// Checks a leak report's suspects, in rank order; the table lists all of them (a header alone: none).
/// Columns: any of `kind`, `holder` (a handle of the last snapshot), `class`, `entries` and `growth` (per
/// snapshot, `4 → 8 → 12`, entries and retained bytes), `path` (the owner path), `title`, `reason`.
pub fn check_suspects(run: &LeakRun, rule: &str, expected: &str) {
    let table = table(rule, expected);
    let suspects = &run.report.suspects;
    let mut report = Report::new(rule);
    report.checked = table.rows.len();
    if suspects.len() != table.rows.len() {
        let found: Vec<String> = suspects
            .iter()
            .map(|s| format!("{} at `{}` ({})", s.kind, run.last_handles[s.node.0 as usize], s.title))
            .collect();
        report.problems.push(format!(
            "expected {} suspects, got {}: [{}]",
            table.rows.len(),
            suspects.len(),
            found.join("; ")
        ));
    }
    for ((line, row), suspect) in table.rows.iter().zip(suspects) {
        let place = format!("line {line}, suspect #{}", line - 1);
        for (column, want) in table.header.iter().zip(row) {
            let joined = |values: Vec<String>| values.join(" → ");
            let actual = match column.as_str() {
                "kind" => suspect.kind.to_owned(),
                "holder" => run.last_handles[suspect.node.0 as usize].clone(),
                "class" => suspect.class_name.clone(),
                "entries" => joined(
                    suspect
                        .growth
                        .iter()
                        .map(|g| g.entries.map_or_else(|| "?".to_owned(), |e| e.to_string()))
                        .collect(),
                ),
                "growth" => joined(
                    suspect
                        .growth
                        .iter()
                        .map(|g| g.retained_size.map_or_else(|| "?".to_owned(), |b| b.to_string()))
                        .collect(),
                ),
                "path" => suspect.owner_path.clone(),
                "title" => suspect.title.clone(),
                "reason" => suspect.evidence.reason.clone(),
                other => panic!("rule `{rule}`: unknown suspect column `{other}`"),
            };
            report.compare(&place, column, want, &actual);
        }
    }
    report.finish("suspects");
}
