//! `heapscope trend`: the JSON the issue specifies, the SVG chart, `--heap-limit`, directories (a clinic
//! doctor folder), and an error that names the file and line.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics").join(name)
}

fn trend(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heapscope")).arg("trend").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_report_of_a_run() {
    let memusage = fixture("corpus/timers.memusage.ndjson");
    let prom = fixture("corpus/timers.prom");
    let (ok, stdout, stderr) = trend(&[memusage.as_os_str(), prom.as_os_str(), "--json".as_ref()]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["format"], "memory-usage+prometheus");
    assert_eq!(json["verdict"], "leak");
    assert_eq!(json["verdict_series"], "external");
    assert!(json["warnings"].is_array());
    let series = json["series"].as_array().unwrap();
    let external = series.iter().find(|s| s["name"] == "external").unwrap();
    for key in [
        "labels",
        "unit",
        "samples",
        "verdict",
        "slope_bytes_per_hour",
        "p_value",
        "floor_start",
        "floor_end",
        "time_to_limit_s",
    ] {
        assert!(external.get(key).is_some(), "series lacks {key}");
    }
    assert_eq!(external["samples"], 31);
    assert_eq!(external["unit"], "bytes");
    let prom_heap = series.iter().find(|s| s["name"] == "nodejs_heap_size_used_bytes").unwrap();
    assert_eq!(prom_heap["labels"]["app"], "timers");
    assert_eq!(json["gc"]["source"], "histogram");
}

#[test]
fn heap_limit_gives_a_time_to_limit_and_svg_is_written() {
    let memusage = fixture("corpus/listeners.memusage.ndjson");
    let svg = std::env::temp_dir().join(format!("heapscope-trend-{}.svg", std::process::id()));
    let (ok, stdout, stderr) = trend(&[
        memusage.as_os_str(),
        "--heap-limit".as_ref(),
        "64M".as_ref(),
        "--svg".as_ref(),
        svg.as_os_str(),
        "--json".as_ref(),
    ]);
    assert!(ok, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["heap_limit_bytes"], 64.0 * 1024.0 * 1024.0);
    let heap = json["series"].as_array().unwrap().iter().find(|s| s["name"] == "heapUsed").unwrap();
    let seconds = heap["time_to_limit_s"].as_f64().unwrap();
    let floor_end = heap["floor_end"].as_f64().unwrap();
    let slope_per_s = heap["slope_bytes_per_hour"].as_f64().unwrap() / 3600.0;
    assert!((seconds - (64.0 * 1024.0 * 1024.0 - floor_end) / slope_per_s).abs() < 1e-6 * seconds);
    let drawn = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_file(&svg).unwrap();
    assert!(drawn.starts_with("<svg") && drawn.contains("Memory: leak"));
}

#[test]
fn text_report_of_a_clinic_folder() {
    let dir = fixture("corpus/clinic/timers.28966.clinic-doctor");
    let (ok, stdout, stderr) = trend(&[dir.as_os_str()]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("verdict: LEAK  (external: "), "{stdout}");
    assert!(stdout.contains("\nconfidence: "), "{stdout}");
    assert!(stdout.contains("gc (events): 15 GCs (6 major, 9 minor)"), "{stdout}");
}

#[test]
fn unreadable_input_names_file_and_line() {
    let bad = std::env::temp_dir().join(format!("heapscope-bad-{}.json", std::process::id()));
    std::fs::write(&bad, "[{\"timestamp\":1700000000000,\"heapUsed\":1},\n{oops}]").unwrap();
    let (ok, _, stderr) = trend(&[bad.as_os_str()]);
    std::fs::remove_file(&bad).unwrap();
    assert!(!ok);
    assert!(stderr.contains("line 2: expected a JSON array of sample objects"), "{stderr}");
    let (ok, _, stderr) = trend(&["--heap-limit".as_ref(), "lots".as_ref(), "x".as_ref()]);
    assert!(!ok && stderr.contains("--heap-limit expects bytes"), "{stderr}");
}
