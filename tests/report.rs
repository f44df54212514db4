//! Reports (`heapscope report`, `Workspace::report`) on the corpus's mapcache series: by default no string
//! value of the heap is in the HTML or the JSON, with `include_strings` the ones it lists are; the report
//! says which; the leak suspect is named; the HTML has no script, escapes what comes from the heap and
//! carries the metrics verdict with its chart.
//!
//! A string value is the name of a node of a string type that is not also a name: V8 interns property,
//! class and function names as strings on the heap too, and those the report keeps.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use heapscope::report::{html, Report, ReportOptions, Strings};
use heapscope::workspace::Workspace;
use serde_json::Value;

/// Values shorter than this are too likely to occur by chance in any text.
const MIN_VALUE_CHARS: usize = 9;
/// A trace step keeps the first 80 characters of a name: a leak would show that much.
const STEP_NAME_CHARS: usize = 80;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const SERIES: [&str; 3] = [
    "snapshots/mapcache-1.heapsnapshot.gz",
    "snapshots/mapcache-2.heapsnapshot.gz",
    "snapshots/mapcache-3.heapsnapshot.gz",
];
const METRICS: &str = "metrics/corpus/mapcache.memusage.ndjson";

/// The series and its metrics file loaded in a workspace (handles 1–3 and 4), reported both ways.
struct Reports {
    redacted: Report,
    included: Report,
}

fn reports() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let mut workspace = Workspace::new();
        for (handle, path) in (1..).zip(SERIES.iter().chain([&METRICS])) {
            let bytes = read(&fixture(path));
            workspace.open(handle, path, bytes.len() as u64);
            for chunk in bytes.chunks(1 << 20) {
                workspace.feed(handle, chunk).expect("feed");
            }
            workspace.finish(handle, &mut |_| {}).expect("a corpus file");
        }
        let report = |include_strings| {
            workspace.report(&[1, 2, 3], &[4], ReportOptions { include_strings }).expect("a report")
        };
        Reports { redacted: report(false), included: report(true) }
    })
}

/// The string values of a snapshot longer than [`MIN_VALUE_CHARS`] (see the module's note), read from the
/// file's JSON apart from heapscope's parser.
fn string_values(path: &Path) -> Vec<String> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&read(path)[..]).read_to_end(&mut text).expect("a gzip fixture");
    let json: Value = serde_json::from_slice(&text).expect("snapshot JSON");
    let meta = &json["snapshot"]["meta"];
    let field = |fields: &Value, name: &str| {
        fields.as_array().unwrap().iter().position(|f| f == name).unwrap_or_else(|| panic!("no field {name}"))
    };
    let names = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("").to_owned()).collect()
    };
    let (node_fields, edge_fields) = (&meta["node_fields"], &meta["edge_fields"]);
    let node_types = names(&meta["node_types"][0]);
    let edge_types = names(&meta["edge_types"][0]);
    let (node_width, edge_width) =
        (node_fields.as_array().unwrap().len(), edge_fields.as_array().unwrap().len());
    let (type_at, name_at) = (field(node_fields, "type"), field(node_fields, "name"));
    let (edge_type_at, edge_name_at) = (field(edge_fields, "type"), field(edge_fields, "name_or_index"));
    let strings = names(&json["strings"]);
    let number = |v: &Value| v.as_u64().expect("a number") as usize;

    let mut values = HashSet::new();
    let mut used_as_names = HashSet::new();
    for node in json["nodes"].as_array().unwrap().chunks(node_width) {
        let (node_type, name) = (&node_types[number(&node[type_at])], number(&node[name_at]));
        if matches!(node_type.as_str(), "string" | "concatenated string" | "sliced string") {
            values.insert(name);
        } else {
            used_as_names.insert(name);
        }
    }
    for edge in json["edges"].as_array().unwrap().chunks(edge_width) {
        if !matches!(edge_types[number(&edge[edge_type_at])].as_str(), "element" | "hidden") {
            used_as_names.insert(number(&edge[edge_name_at]));
        }
    }
    let mut out: Vec<String> = values
        .difference(&used_as_names)
        .map(|&i| strings[i].clone())
        .filter(|s| s.chars().count() >= MIN_VALUE_CHARS)
        .collect();
    out.sort();
    out
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Every string in a JSON document, joined by newlines.
fn json_strings(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push_str(k);
            out.push('\n');
            json_strings(v, out);
        }),
        _ => {}
    }
}

const STRING_TYPES: [&str; 3] = ["string", "concatenated string", "sliced string"];
const STRING_CLASSES: [&str; 3] = ["(string)", "(concatenated string)", "(sliced string)"];

/// The report's text that is not a string's name: class, property, function and file names, metrics
/// series. A string value may equal one of them (V8 interns names as strings; a program logs its metrics
/// file's name), or sit inside one (` connection` in `{request, listening, connection}`): that is no leak.
/// Left out: string nodes' names, and the titles and paths built from trace steps.
fn names_text(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| names_text(v, out)),
        Value::Object(map) => {
            let is = |key: &str, among: &[&str]| {
                map.get(key).and_then(Value::as_str).is_some_and(|t| among.contains(&t))
            };
            let a_string = is("type", &STRING_TYPES) || is("class_name", &STRING_CLASSES);
            for (key, v) in map {
                let built_from_steps = matches!(key.as_str(), "title" | "owner_path" | "path");
                let value_of_a_string = a_string && key == "name";
                if !built_from_steps && !value_of_a_string {
                    names_text(v, out);
                }
            }
        }
        _ => {}
    }
}

/// The values of `values` found in the report's HTML or JSON (whole, or as a trace step's cut), other than
/// inside its names ([`names_text`]).
fn values_in(report: &Report, values: &[String]) -> Vec<String> {
    let html = html(report);
    let json_value = serde_json::to_value(report).expect("JSON");
    let mut json = String::new();
    json_strings(&json_value, &mut json);
    let mut names = String::new();
    names_text(&json_value, &mut names);
    values
        .iter()
        .filter(|value| {
            let cut: String = value.chars().take(STEP_NAME_CHARS).collect();
            let shown = json.contains(cut.as_str()) || html.contains(&escape_html(&cut));
            shown && !names.contains(value.as_str())
        })
        .cloned()
        .collect()
}

#[test]
fn a_redacted_report_holds_no_string_value_of_the_heap() {
    let report = &reports().redacted;
    assert_eq!(report.strings, Strings::Redacted);
    for path in SERIES {
        let values = string_values(&fixture(path));
        assert!(values.len() > 100, "{path}: only {} string values", values.len());
        let found = values_in(report, &values);
        assert!(found.is_empty(), "{path}: {} values in the report, e.g. {:?}", found.len(), found);
    }
    let text = html(report);
    assert!(text.contains("String values are redacted"));
    // Redacted strings keep their length and hash, so the largest strings still read as a list.
    let strings = &report.snapshots[2].top_strings;
    assert!(!strings.is_empty());
    assert!(
        strings.iter().all(|s| s.name.starts_with("\"…\" ") && s.name.contains(" chars #")),
        "{strings:?}"
    );
}

#[test]
fn included_strings_are_in_the_report_and_it_says_so() {
    let report = &reports().included;
    assert_eq!(report.strings, Strings::Included);
    let text = html(report);
    assert!(text.contains("String values are included"));
    let json = serde_json::to_value(report).expect("JSON");
    assert_eq!(json["strings"], "included");
    assert_eq!(serde_json::to_value(&reports().redacted).expect("JSON")["strings"], "redacted");
    // The script sources Node keeps are the largest strings: their text (cut by DevTools' rule for
    // concatenated strings) is what the report lists, escaped.
    let shown = &report.snapshots[2].top_strings;
    assert!(shown.iter().any(|s| s.name.contains("'use strict'")), "{shown:?}");
    for string in shown {
        assert!(text.contains(&escape_html(&string.name)), "{:?} not in the HTML", string.name);
    }
    let values = string_values(&fixture(SERIES[2]));
    assert!(!values_in(report, &values).is_empty(), "no string value of the last snapshot is shown");
}

#[test]
fn the_mapcache_series_names_the_response_cache_map() {
    for report in [&reports().redacted, &reports().included] {
        let leaks = report.leaks.as_ref().expect("leaks with three snapshots");
        assert_eq!(leaks.snapshot_count, 3);
        let first = &leaks.suspects[0];
        assert_eq!(first.class_name, "Map");
        assert!(first.title.contains("responseCache"), "{}", first.title);
        assert!(first.owner_path.ends_with("responseCache (Map)"), "{}", first.owner_path);
        assert!(html(report).contains("responseCache (Map)"));
        let comparison = report.comparison.as_ref().expect("a comparison");
        // Snapshots are named by the names they were opened under.
        let names = (comparison.base.as_str(), comparison.current.as_str());
        assert_eq!(names, ("snapshots/mapcache-2.heapsnapshot.gz", "snapshots/mapcache-3.heapsnapshot.gz"));
        assert!(comparison.classes.iter().any(|c| c.name == "CachedResponse" && c.new_count == 3000));
        assert_eq!(report.snapshots.len(), 3);
    }
}

#[test]
fn the_html_stands_alone_without_script() {
    let text = html(&reports().redacted);
    let lower = text.to_ascii_lowercase();
    for forbidden in ["<script", "javascript:", "<link", " src=", "<iframe", "<object", "@import", "url("] {
        assert!(!lower.contains(forbidden), "the HTML has {forbidden}");
    }
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(text.contains("prefers-color-scheme:dark"));
    assert!(text.contains("Statistics"));
}

#[test]
fn the_metrics_verdict_and_chart_are_in_the_report() {
    let report = &reports().redacted;
    let metrics = &report.metrics[0];
    assert!(metrics.name.ends_with("mapcache.memusage.ndjson"), "{}", metrics.name);
    // The corpus's mapcache run grows for the length of its memoryUsage log.
    let verdict = metrics.trend.verdict.as_str();
    assert!(matches!(verdict, "growing" | "leak"), "{verdict}");
    let text = html(report);
    let section = &text[text.find("id=\"metrics\"").expect("a metrics section")..];
    assert!(section.contains(&format!("<span class=\"verdict {verdict}\">{verdict}</span>")));
    assert!(section.contains(&escape_html(&metrics.trend.reason)));
    assert!(section.contains("<svg"), "no chart");
    assert!(text.matches("<svg").count() >= 4, "a chart per snapshot's Statistics and the metrics'");
}

#[test]
fn text_from_the_heap_is_escaped() {
    let mut report = reports().included.clone();
    let hostile = "<script>alert('x')</script>&<img src=x onerror=alert(1)>";
    report.snapshots[0].name = hostile.to_owned();
    report.snapshots[0].top_strings[0].name = hostile.to_owned();
    if let Some(leaks) = &mut report.leaks {
        leaks.suspects[0].trace[0].edge = hostile.to_owned();
        leaks.suspects[0].title = hostile.to_owned();
    }
    let text = html(&report);
    assert!(!text.contains("<script") && !text.contains("<img"), "unescaped text");
    assert!(text.contains(&escape_html(hostile)));
}

fn heapscope(args: &[&std::ffi::OsStr]) -> (bool, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .arg("report")
        .args(args)
        .output()
        .expect("run heapscope");
    (out.status.success(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn cli_writes_the_html_file_and_the_json() {
    let (s2, s3) = (fixture(SERIES[1]), fixture(SERIES[2]));
    let metrics = fixture(METRICS);
    let out = std::env::temp_dir().join(format!("heapscope-report-{}.html", std::process::id()));
    let (ok, _, stderr) =
        heapscope(&[s2.as_os_str(), s3.as_os_str(), metrics.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    assert!(ok, "{stderr}");
    let text = std::fs::read_to_string(&out).expect("the report file");
    let _ = std::fs::remove_file(&out);
    assert!(text.contains("String values are redacted") && !text.contains("<script"));
    assert!(text.contains("mapcache-3.heapsnapshot.gz") && text.contains("mapcache.memusage.ndjson"));
    assert!(text.contains("Leak suspects") && text.contains("Comparison"));

    let (ok, stdout, stderr) = heapscope(&[s3.as_os_str(), "--json".as_ref(), "--include-strings".as_ref()]);
    assert!(ok, "{stderr}");
    let json: Value = serde_json::from_slice(&stdout).expect("JSON on stdout");
    assert_eq!(json["strings"], "included");
    assert_eq!(json["snapshots"].as_array().map(Vec::len), Some(1));
    assert!(json["comparison"].is_null() && json["leaks"].is_null(), "one snapshot: no comparison, no leaks");
    assert!(json["snapshots"][0]["top_strings"][0]["name"].as_str().is_some_and(|s| !s.contains(" chars #")));

    // Snapshots out of order are refused, as `heapscope leaks` does.
    let (ok, _, stderr) = heapscope(&[s3.as_os_str(), s2.as_os_str(), "--json".as_ref()]);
    assert!(!ok && stderr.contains("oldest first"), "{stderr}");
}
