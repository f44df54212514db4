//! `heapscope leaks` on real three-snapshot series: for every leaking program the first suspect names the
//! planted leak's kind and owner path; controls get no suspect; the three-snapshot technique's per-class
//! counts equal the oracle's (`three_snapshot` in `tests/fixtures/oracle/NAME.devtools.json`).
//!
//! Series: the corpus's five Node programs and its Chrome page (`tests/fixtures/snapshots/`, truth below),
//! the leak corpus of `scripts/leak-corpus/` (`tests/fixtures/leaks/cases.json`), and its held-out set
//! (`tests/fixtures/leaks/holdout/`), which was not looked at while the detectors were written.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn series_files(dir: &Path, name: &str) -> Vec<String> {
    (1..=3).map(|i| dir.join(format!("{name}-{i}.heapsnapshot.gz")).to_string_lossy().into_owned()).collect()
}

fn heapscope(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope")).args(args).output().expect("run heapscope")
}

fn leaks_json(files: &[String]) -> Value {
    let mut args = vec!["leaks".to_owned()];
    args.extend_from_slice(files);
    args.push("--json".into());
    let output = heapscope(&args);
    assert!(output.status.success(), "heapscope leaks: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

/// Whether `names` appear in order along the suspect's trace (each matched by a step's edge, or by the start
/// of its class: Chrome names the window's class `Window / <origin>`).
/// A series' truth: the first suspect's kind and the names along its owner path; `None` for a control.
type Truth<'a> = Option<(&'a str, &'a [&'a str])>;

fn trace_has_path(suspect: &Value, names: &[&str]) -> bool {
    let steps = suspect["trace"].as_array().expect("trace");
    let mut wanted = names.iter().peekable();
    for step in steps {
        if let Some(name) = wanted.peek() {
            let class = step["class_name"].as_str().unwrap_or("");
            if step["edge"] == **name || class == **name || class.starts_with(&format!("{name} /")) {
                wanted.next();
            }
        }
    }
    wanted.peek().is_none()
}

/// The first suspect is of `kind` with an owner path through `path`; `None` means no suspect at all.
fn check(dir: &Path, name: &str, expected: Truth) -> Result<(), String> {
    let report = leaks_json(&series_files(dir, name));
    let suspects = report["suspects"].as_array().expect("suspects");
    match (expected, suspects.first()) {
        (None, None) => Ok(()),
        (None, Some(s)) => Err(format!("{name}: control got suspect [{}] {}", s["kind"], s["owner_path"])),
        (Some((kind, _)), None) => Err(format!("{name}: no suspect, expected {kind}")),
        (Some((kind, path)), Some(s)) => {
            if s["kind"] != kind || !trace_has_path(s, path) {
                Err(format!(
                    "{name}: first suspect [{}] {}, expected {kind} through {path:?}",
                    s["kind"], s["owner_path"]
                ))
            } else if s["growth"].as_array().map(Vec::len) != Some(3)
                || s["retained_size"].as_u64() == Some(0)
            {
                Err(format!("{name}: a suspect has three growth points and a retained size"))
            } else {
                Ok(())
            }
        }
    }
}

fn check_cases(dir: &Path) {
    let cases: Value =
        serde_json::from_reader(File::open(dir.join("cases.json")).expect("cases")).expect("JSON");
    let problems: Vec<String> = cases
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|case| {
            let name = case["name"].as_str().unwrap();
            let path: Vec<&str> =
                case["owner_path"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            let expected = case["kind"].as_str().map(|kind| (kind, path.as_slice()));
            check(dir, name, expected).err()
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn corpus_programs_first_suspect_is_the_planted_leak() {
    let dir = fixtures().join("snapshots");
    let truth: [(&str, Truth); 6] = [
        ("mapcache", Some(("collection", &["responseCache"]))),
        ("listeners", Some(("listeners", &["bus", "_events", "config-changed"]))),
        ("closure", Some(("closure", &["theThing"]))),
        ("timers", Some(("timers", &["timerListMap", "1000"]))),
        ("domleak", Some(("detached-dom", &["widgetCache"]))),
        ("steady", None),
    ];
    let problems: Vec<String> =
        truth.iter().filter_map(|(name, expected)| check(&dir, name, *expected).err()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn other_node_versions_find_the_closure_leak() {
    let dir = fixtures().join("snapshots");
    for name in ["node18-closure", "node22-closure", "tracked-closure"] {
        check(&dir, name, Some(("closure", &["theThing"]))).unwrap();
    }
}

#[test]
fn leak_corpus_first_suspect_is_the_planted_leak() {
    check_cases(&fixtures().join("leaks"));
}

#[test]
fn held_out_leak_corpus_first_suspect_is_the_planted_leak() {
    check_cases(&fixtures().join("leaks/holdout"));
}

#[test]
fn three_snapshot_counts_equal_the_oracle() {
    let mut problems = Vec::new();
    for series in ["mapcache", "listeners", "closure", "timers", "steady", "domleak"] {
        let oracle: Value = serde_json::from_reader(
            File::open(fixtures().join("oracle").join(format!("{series}.devtools.json"))).unwrap(),
        )
        .unwrap();
        let expected = &oracle["three_snapshot"];
        let report = leaks_json(&series_files(&fixtures().join("snapshots"), series));
        let ours = report["three_snapshot"].as_array().expect("three_snapshot");
        let total: u64 = ours.iter().map(|c| c["count"].as_u64().unwrap()).sum();
        let size: u64 = ours.iter().map(|c| c["shallow_size"].as_u64().unwrap()).sum();
        if total != expected["total_count"].as_u64().unwrap()
            || size != expected["total_shallow_size"].as_u64().unwrap()
        {
            problems.push(format!(
                "{series}: {total} objects, {size} B ≠ oracle {} objects, {} B",
                expected["total_count"], expected["total_shallow_size"]
            ));
        }
        for row in expected["top"].as_array().unwrap() {
            let mine = ours.iter().find(|c| c["name"] == row["name"]);
            if mine.map(|c| (&c["count"], &c["shallow_size"])) != Some((&row["count"], &row["shallow_size"]))
            {
                problems.push(format!(
                    "{series}: {} = {:?}, oracle {} × {} B",
                    row["name"], mine, row["count"], row["shallow_size"]
                ));
            }
        }
        let clusters = report["clusters"].as_array().expect("clusters");
        if series != "steady" && clusters.is_empty() {
            problems.push(format!("{series}: no cluster"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fail_on_leak_gates_ci() {
    let dir = fixtures().join("snapshots");
    for (name, status) in [("mapcache", 1), ("steady", 0)] {
        let mut args = vec!["leaks".to_owned()];
        args.extend(series_files(&dir, name));
        args.push("--fail-on-leak".into());
        assert_eq!(heapscope(&args).status.code(), Some(status), "{name}");
    }
}

#[test]
fn snapshots_out_of_order_are_refused_with_a_reason() {
    let mut files = series_files(&fixtures().join("snapshots"), "mapcache");
    files.reverse();
    let mut args = vec!["leaks".to_owned()];
    args.extend(files);
    let output = heapscope(&args);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("oldest first"));
}
