//! heapscope's Summary numbers against Chrome DevTools' own, on every corpus snapshot.
//!
//! `tests/fixtures/oracle/NAME.devtools.json` is the output of `../shared/oracle/oracle.mjs` (DevTools' heap
//! snapshot worker code run under node) for the three snapshots of each corpus series, copied from
//! `../shared/oracle/expected/`; the snapshots are in `tests/fixtures/snapshots/`. Every number must be equal:
//! node and edge counts, total size, the Statistics view, the 50 largest classes (key, name, count, shallow
//! size, retained size, distance, in order) and the 20 largest objects.

use std::fs::File;
use std::path::{Path, PathBuf};

use heapscope::snapshot::parse::parse_reader;
use heapscope::snapshot::HeapSnapshot;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn analyze(snapshot_name: &str) -> HeapSnapshot {
    let path = fixtures().join("snapshots").join(format!("{snapshot_name}.gz"));
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let graph = parse_reader(file, 1 << 20, |_| {}).unwrap_or_else(|e| panic!("{snapshot_name}: {e}"));
    HeapSnapshot::analyze(graph)
}

/// JavaScript's `s.slice(0, 200)` on a name, as the oracle stores names.
fn first_200_utf16_units(s: &str) -> String {
    let units: Vec<u16> = s.encode_utf16().take(200).collect();
    String::from_utf16_lossy(&units)
}

fn check_series(series: &str) {
    let path = fixtures().join("oracle").join(format!("{series}.devtools.json"));
    let expected: Value =
        serde_json::from_reader(File::open(&path).expect("oracle file")).expect("oracle JSON");
    let files = expected["files"].as_array().expect("files");
    assert_eq!(files.len(), 3, "{series}: three snapshots");
    let mut problems = Vec::new();
    for file in files {
        let name =
            Path::new(file["file"].as_str().expect("file name")).file_name().unwrap().to_string_lossy();
        let devtools = &file["devtools"];
        let snapshot = analyze(&name);
        let ours = serde_json::to_value(snapshot.summary(50, 20)).expect("summary JSON");
        let mut differ = |what: String, theirs: &Value, mine: &Value| {
            if theirs != mine {
                problems.push(format!("{name}: {what}: DevTools {theirs}, heapscope {mine}"));
            }
        };
        differ("node_count".into(), &devtools["node_count"], &ours["node_count"]);
        differ("edge_count".into(), &devtools["edge_count"], &ours["edge_count"]);
        differ("total size".into(), &devtools["statistics"]["total"], &ours["total_size"]);
        differ("statistics".into(), &devtools["statistics"], &ours["statistics"]);
        let their_classes = devtools["top_classes_by_retained"].as_array().expect("classes");
        assert_eq!(their_classes.len(), 50, "{name}: the oracle lists 50 classes");
        for (i, theirs) in their_classes.iter().enumerate() {
            let mine = &ours["classes"][i];
            for field in ["key", "name", "count", "shallow_size", "retained_size", "distance"] {
                differ(format!("class #{i} ({}) {field}", theirs["key"]), &theirs[field], &mine[field]);
            }
        }
        let their_objects = devtools["top_objects_by_retained"].as_array().expect("objects");
        assert_eq!(their_objects.len(), 20, "{name}: the oracle lists 20 objects");
        for (i, theirs) in their_objects.iter().enumerate() {
            let mine = &ours["top_objects"][i];
            for field in ["id", "class_name", "type", "self_size", "retained_size", "distance"] {
                differ(format!("object #{i} (@{}) {field}", theirs["id"]), &theirs[field], &mine[field]);
            }
            let my_name = Value::from(first_200_utf16_units(mine["name"].as_str().unwrap_or_default()));
            differ(format!("object #{i} (@{}) name", theirs["id"]), &theirs["name"], &my_name);
        }
    }
    assert!(problems.is_empty(), "{} differences:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn closure_series_matches_devtools() {
    check_series("closure");
}

#[test]
fn listeners_series_matches_devtools() {
    check_series("listeners");
}

#[test]
fn mapcache_series_matches_devtools() {
    check_series("mapcache");
}

#[test]
fn steady_series_matches_devtools() {
    check_series("steady");
}

#[test]
fn timers_series_matches_devtools() {
    check_series("timers");
}

#[test]
fn chrome_domleak_series_matches_devtools() {
    check_series("domleak");
}
