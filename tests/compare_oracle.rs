//! `heapscope diff` against Chrome DevTools' Comparison view, for every consecutive pair of snapshots of every
//! corpus series (`comparisons` in `tests/fixtures/oracle/NAME.devtools.json`, made by DevTools' own
//! `aggregatesForDiff` + `calculateSnapshotDiff` under node): the totals, the number of classes, and every
//! field of the 50 classes with the largest size delta and of the 50 with the largest count delta.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const FIELDS: [&str; 7] =
    ["name", "new_count", "deleted_count", "delta_count", "alloc_size", "freed_size", "size_delta"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The fixture of a snapshot the oracle names by its path when it was made.
fn snapshot_fixture(oracle_path: &str) -> PathBuf {
    let name = Path::new(oracle_path).file_name().expect("file name").to_string_lossy();
    fixtures().join("snapshots").join(format!("{name}.gz"))
}

fn diff_json(base: &Path, current: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(["diff", base.to_str().unwrap(), current.to_str().unwrap(), "--json"])
        .output()
        .expect("run heapscope");
    assert!(output.status.success(), "heapscope diff: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn check_series(series: &str) {
    let path = fixtures().join("oracle").join(format!("{series}.devtools.json"));
    let expected: Value = serde_json::from_reader(File::open(&path).expect("oracle file")).expect("JSON");
    let comparisons = expected["comparisons"].as_array().expect("comparisons");
    assert_eq!(comparisons.len(), 2, "{series}: 1→2 and 2→3");
    let mut problems = Vec::new();
    for devtools in comparisons {
        let (base, current) = (devtools["base"].as_str().unwrap(), devtools["current"].as_str().unwrap());
        let ours = diff_json(&snapshot_fixture(base), &snapshot_fixture(current));
        let pair = format!("{series}: {} → {}", Path::new(base).display(), Path::new(current).display());
        if ours["totals"] != devtools["totals"] {
            problems.push(format!("{pair}: totals {} ≠ DevTools' {}", ours["totals"], devtools["totals"]));
        }
        let classes = ours["classes"].as_array().expect("classes");
        if classes.len() as u64 != devtools["class_count"].as_u64().unwrap() {
            problems.push(format!(
                "{pair}: {} classes ≠ DevTools' {}",
                classes.len(),
                devtools["class_count"]
            ));
        }
        let deltas: Vec<i64> = classes.iter().map(|c| c["size_delta"].as_i64().unwrap()).collect();
        assert!(deltas.windows(2).all(|w| w[0] >= w[1]), "{pair}: classes by size delta, descending");
        for list in ["top_by_size_delta", "top_by_delta_count"] {
            for row in devtools[list].as_array().expect("rows") {
                let key = row["key"].as_str().unwrap();
                let Some(mine) = classes.iter().find(|c| c["key"] == key) else {
                    problems.push(format!("{pair}: class {key} missing"));
                    continue;
                };
                for field in FIELDS.iter().filter(|&&f| mine[f] != row[f]) {
                    problems
                        .push(format!("{pair}: {key}.{field} = {} ≠ DevTools' {}", mine[field], row[field]));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn mapcache() {
    check_series("mapcache");
}

#[test]
fn listeners() {
    check_series("listeners");
}

#[test]
fn closure() {
    check_series("closure");
}

#[test]
fn timers() {
    check_series("timers");
}

#[test]
fn steady() {
    check_series("steady");
}

#[test]
fn chrome_domleak() {
    check_series("domleak");
}

#[test]
fn node18_closure() {
    check_series("node18-closure");
}

#[test]
fn node22_closure() {
    check_series("node22-closure");
}

#[test]
fn tracked_closure() {
    check_series("tracked-closure");
}
