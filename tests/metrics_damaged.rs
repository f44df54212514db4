//! Damaged and hostile metrics files: the parsers answer with samples or with an error that names a line or
//! a byte, and never panic.
//!
//! Two parts. Regressions: one fixture per input that once panicked or let an out-of-range number through
//! (`tests/fixtures/metrics/regressions/`), each with the outcome a user should see. Properties: every
//! format's real fixture, damaged one way per test (cut, bytes flipped, inserted or deleted, lines duplicated
//! or swapped, multi-byte or invalid UTF-8 inserted, numbers replaced by huge, negative or non-numbers) and
//! all ways at once, parses to `Ok` with sane series or to an `Err` whose message says where.

use std::path::Path;
use std::sync::OnceLock;

use heapscope::metrics::{self, Format, MetricsError, MetricsFile, Series, MAX_WARNINGS};
use proptest::prelude::*;

const MIB: f64 = 1024.0 * 1024.0;

fn read(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics").join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn regression(name: &str) -> Result<MetricsFile, MetricsError> {
    metrics::parse(name, &read(&format!("regressions/{name}")))
}

fn series<'a>(file: &'a MetricsFile, name: &str) -> &'a Series {
    file.series.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no series {name}"))
}

/// Whether `message` says `line N`, `lines N` or `byte N`.
fn names_a_place(message: &str) -> bool {
    ["line ", "lines ", "byte "].iter().any(|word| {
        message
            .match_indices(word)
            .any(|(i, _)| message[i + word.len()..].starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[test]
fn a_multi_byte_sep_delimiter_is_used_as_the_delimiter() {
    // `sep=é` used to make the CSV reader split `é` in the middle of its UTF-8 bytes and panic.
    let file = regression("grafana-sep-multibyte.csv").unwrap();
    assert_eq!(file.format, Format::GrafanaCsv);
    let heap = series(&file, "nodejs_heap_size_used_bytes");
    assert_eq!(heap.labels, [("instance".to_string(), "api-1:9100".to_string())]);
    assert_eq!(heap.t_ms, [1_700_000_000_000.0, 1_700_000_010_000.0, 1_700_000_020_000.0]);
    assert_eq!(heap.values, [50.5 * MIB, 51.0 * MIB, 51.5 * MIB]);
    assert_eq!(series(&file, "process_resident_memory_bytes").values, [120.0 * MIB, 121.0 * MIB]);
}

#[test]
fn a_sep_line_without_one_delimiter_character_is_an_error_on_its_line() {
    let error = regression("grafana-sep-two-chars.csv").unwrap_err();
    assert_eq!(error.line, 1);
    assert_eq!(
        error.to_string(),
        "grafana-sep-two-chars.csv line 1: expected one delimiter character after `sep=`, found `sep=;;`"
    );
    let error = metrics::parse("m.csv", b"sep=\ntime,heapUsed\n1,2\n").unwrap_err();
    assert!(error.to_string().starts_with("m.csv line 1: expected a delimiter character after `sep=`"));
}

#[test]
fn json_with_a_multi_byte_character_across_the_sniffers_4_kib_window() {
    // The sniffer looked for v8.getHeapStatistics() keys in the first 4096 bytes by slicing there.
    let file = regression("memusage-multibyte-at-4096.ndjson").unwrap();
    assert_eq!(file.format, Format::MemoryUsage);
    assert_eq!(series(&file, "heapUsed").values, [1000.0, 1001.0, 1002.0, 1003.0]);
}

#[test]
fn trace_gc_records_with_times_or_sizes_that_are_not_finite_are_skipped() {
    let file = regression("trace-gc-nonfinite.log").unwrap();
    let times: Vec<f64> = file.gc_events.iter().map(|e| e.t_ms).collect();
    assert_eq!(times, [40.0]);
    // Lines 1 and 2 have no readable time (program output); lines 3 and 5 are GC records with bad numbers.
    let skipped: Vec<usize> = file.warnings.iter().map(|w| w.line).collect();
    assert_eq!(skipped, [3, 5]);
    assert!(file.notes.iter().any(|n| n.starts_with("2 lines are not GC records")), "{:?}", file.notes);
}

#[test]
fn prometheus_samples_with_timestamps_that_are_not_finite_are_skipped() {
    let file = regression("prometheus-nonfinite-timestamps.prom").unwrap();
    let a = series(&file, "a_bytes");
    assert_eq!((a.t_ms.clone(), a.values.clone()), (vec![1.7e12, 1_700_000_060_000.0], vec![3.0, 4.0]));
    let skipped: Vec<usize> = file.warnings.iter().map(|w| w.line).collect();
    assert_eq!(skipped, [3, 4]);
    assert!(file.warnings[0].message.starts_with("expected a finite timestamp"), "{:?}", file.warnings);
}

#[test]
fn memory_usage_rows_with_times_that_are_not_finite_are_skipped() {
    let file = regression("memusage-nonfinite-time.csv").unwrap();
    let heap = series(&file, "heapUsed");
    assert_eq!((heap.t_ms.clone(), heap.values.clone()), (vec![1.0, 2.0], vec![7.0, 8.0]));
    assert_eq!(file.warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn query_range_times_out_of_range_are_skipped() {
    let file = regression("query-range-infinite-time.json").unwrap();
    assert_eq!(file.series[0].t_ms, [1.7e12, 1_700_000_015_000.0]);
    assert_eq!(file.n_skipped, 1);
}

#[test]
fn a_process_start_time_that_is_not_a_number_does_not_move_trace_gc_times_to_nan() {
    let prom = regression("prometheus-start-time-nan.prom").unwrap();
    let log = metrics::parse("timers.trace-gc.log", &read("corpus/timers.trace-gc.log")).unwrap();
    let first_gc_ms = log.gc_events[0].t_ms;
    let combined = metrics::combine(vec![prom, log]);
    // The last finite start time (1700000000 s) places the log, whose first GC is at 254 ms.
    assert_eq!(combined.process_start_epoch_ms, Some(1.7e12));
    assert_eq!((first_gc_ms, combined.gc_events[0].t_ms), (254.0, 1.7e12 + 254.0));
    assert!(combined.series.iter().all(|s| s.t_ms.iter().all(|t| t.is_finite())));
}

#[test]
fn clinic_processstat_without_memory_samples_says_where() {
    // Found by fuzzing: an empty processstat file was an error that named no line or byte.
    let error = regression("empty.clinic-doctor-processstat").unwrap_err();
    assert_eq!(
        error.to_string(),
        "empty.clinic-doctor-processstat line 1: expected length-prefixed ProcessStat protobuf frames with rss \
         or heapUsed, found `(an empty file)`"
    );
    let error = regression("no-memory.clinic-doctor-processstat").unwrap_err();
    assert!(
        error.to_string().ends_with("found `no frame with rss or heapUsed from byte 0 to byte 20`"),
        "{error}"
    );
}

#[test]
fn whole_file_errors_name_lines_too() {
    let error = metrics::parse("b.prom", b"# HELP x y\n# TYPE x gauge\nx{a=1} 2\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "b.prom: read as prometheus but no sample could be read from lines 1–3 (expected lines like \
         `metric_name{label=\"v\"} 1.5`); the first unreadable: line 3: expected a quoted label value, \
         found `x{a=1} 2`"
    );
    let error = metrics::parse("q.json", b"{\"resultType\":\"matrix\",\n\"status\":\"error\"}").unwrap_err();
    assert_eq!(error.line, 2, "{error}");
    // Bytes that are not UTF-8 after the sniffer's 64 KiB window.
    let mut text = Vec::new();
    for i in 0..2000 {
        text.extend(format!("{{\"timestamp\":{},\"heapUsed\":{i}}}\n", 1_700_000_000_000u64 + i).bytes());
    }
    let at = text.len();
    text.extend(b"\xff\n");
    let error = metrics::parse("m.ndjson", &text).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("m.ndjson line 2001: expected UTF-8 text, found `byte {at} that is not UTF-8`")
    );
    let error = metrics::parse("1.clinic-doctor-processstat", &[0, 9, 9, 1, 2]).unwrap_err();
    assert!(error.to_string().contains("frame 1: at byte 0, 9 bytes announced, 3 left"), "{error}");
}

/// Every format heapscope reads, as a real or hand-made fixture: (file name to parse under, path).
const FIXTURES: &[(&str, &str)] = &[
    ("timers.memusage.ndjson", "corpus/timers.memusage.ndjson"),
    ("memusage-array.json", "handmade/memusage-array.json"),
    ("memusage.csv", "handmade/memusage.csv"),
    ("heap-statistics.ndjson", "handmade/heap-statistics.ndjson"),
    ("timers.events.ndjson", "corpus/timers.events.ndjson"),
    ("timers.prom", "corpus/timers.prom"),
    ("openmetrics.txt", "handmade/openmetrics.txt"),
    ("query_range.json", "handmade/query_range.json"),
    ("grafana_wide.csv", "handmade/grafana_wide.csv"),
    ("grafana_series_rows.csv", "handmade/grafana_series_rows.csv"),
    ("grafana-sep-multibyte.csv", "regressions/grafana-sep-multibyte.csv"),
    ("timers.trace-gc.log", "corpus/timers.trace-gc.log"),
    ("oom.log", "handmade/oom.log"),
    ("windows-and-node8.trace-gc.log", "handmade/windows-and-node8.trace-gc.log"),
    ("trace-gc-nvp.log", "handmade/trace-gc-nvp.log"),
    (
        "28966.clinic-doctor-processstat",
        "corpus/clinic/timers.28966.clinic-doctor/28966.clinic-doctor-processstat",
    ),
    (
        "28966.clinic-doctor-systeminfo",
        "corpus/clinic/timers.28966.clinic-doctor/28966.clinic-doctor-systeminfo",
    ),
    (
        "28966.clinic-doctor-traceevent",
        "corpus/clinic/timers.28966.clinic-doctor/28966.clinic-doctor-traceevent",
    ),
];

fn fixtures() -> &'static [(&'static str, Vec<u8>)] {
    static FILES: OnceLock<Vec<(&str, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| FIXTURES.iter().map(|&(name, path)| (name, read(path))).collect())
}

#[test]
fn every_fixture_parses_undamaged_as_its_format() {
    let formats: Vec<Format> = fixtures()
        .iter()
        .map(|(name, bytes)| metrics::parse(name, bytes).unwrap_or_else(|e| panic!("{e}")).format)
        .collect();
    for format in [
        Format::MemoryUsage,
        Format::HeapStatistics,
        Format::Events,
        Format::Prometheus,
        Format::OpenMetrics,
        Format::PromQueryRange,
        Format::GrafanaCsv,
        Format::TraceGc,
        Format::TraceGcNvp,
        Format::ClinicProcessStat,
        Format::ClinicSystemInfo,
        Format::ClinicTraceEvent,
    ] {
        assert!(formats.contains(&format), "no fixture of {format:?}");
    }
}

/// Parses damaged bytes and checks the outcome: sane series, short warnings, or an error that says where.
fn check(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    match metrics::parse(name, bytes) {
        Ok(file) => {
            let mut samples = file.gc_events.len() + file.markers.len();
            for s in &file.series {
                prop_assert_eq!(s.t_ms.len(), s.values.len(), "{}: ragged series", s.name);
                prop_assert!(s.t_ms.iter().all(|t| t.is_finite()), "{}: a time that is not finite", s.name);
                samples += s.len();
            }
            prop_assert!(samples <= bytes.len(), "{} samples from {} bytes", samples, bytes.len());
            prop_assert!(file.warnings.len() <= MAX_WARNINGS + 1);
            for w in &file.warnings {
                prop_assert!(w.message.chars().count() <= 400, "a warning quotes too much: {}", w.message);
            }
        }
        Err(error) => {
            let message = error.to_string();
            prop_assert!(names_a_place(&message), "the error names no line or byte: {}", message);
            prop_assert!(message.chars().count() <= 1000, "the error quotes too much: {}", message);
        }
    }
    Ok(())
}

/// One kind of damage, with where it strikes as fractions of the file (so one value fits every fixture).
#[derive(Debug, Clone)]
enum Damage {
    Truncate(prop::sample::Index),
    Flip(prop::sample::Index, u8),
    Insert(prop::sample::Index, Vec<u8>),
    Delete(prop::sample::Index, usize),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    InsertText(prop::sample::Index, &'static str),
    ReplaceNumber(prop::sample::Index, &'static str),
}

const MULTI_BYTE: &[&str] = &["é", "€", "😀", "\u{feff}", "µ", "\u{2028}", "é\"é", "Ω,é;\t"];
const INVALID_UTF8: &[&[u8]] =
    &[b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\x80\x80", b"\0"];
const NUMBERS: &[&str] = &[
    "1e308",
    "-1e308",
    "1e309",
    "-1",
    "-0",
    "NaN",
    "nan",
    "+Inf",
    "-inf",
    "infinity",
    "99999999999999999999999999",
    "18446744073709551616",
    "9223372036854775807",
    "4294967296",
    "1e-320",
    "0",
    "0x10",
    "1.",
    ".5e",
    "",
];

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1))
        .collect()
}

impl Damage {
    fn apply(&self, bytes: &mut Vec<u8>) {
        match self {
            Damage::Truncate(at) => bytes.truncate(at.index(bytes.len() + 1)),
            Damage::Flip(at, mask) if !bytes.is_empty() => {
                let i = at.index(bytes.len());
                bytes[i] ^= mask | 1;
            }
            Damage::Flip(..) => {}
            Damage::Insert(at, inserted) => {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, inserted.iter().copied());
            }
            Damage::Delete(at, n) => {
                let i = at.index(bytes.len() + 1);
                bytes.drain(i..(i + n).min(bytes.len()));
            }
            Damage::DuplicateLine(which) => {
                let (start, end) = line_range(bytes, which);
                let line = bytes[start..end].to_vec();
                bytes.splice(end..end, line);
            }
            Damage::SwapLines(a, b) => {
                let (mut first, mut second) = (line_range(bytes, a), line_range(bytes, b));
                if first.0 > second.0 {
                    std::mem::swap(&mut first, &mut second);
                }
                if first.1 <= second.0 {
                    let swapped = [
                        &bytes[..first.0],
                        &bytes[second.0..second.1],
                        &bytes[first.1..second.0],
                        &bytes[first.0..first.1],
                        &bytes[second.1..],
                    ]
                    .concat();
                    *bytes = swapped;
                }
            }
            Damage::InsertText(at, text) => {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, text.bytes());
            }
            Damage::ReplaceNumber(which, number) => {
                let numbers = number_spans(bytes);
                if !numbers.is_empty() {
                    let (start, end) = numbers[which.index(numbers.len())];
                    bytes.splice(start..end, number.bytes());
                }
            }
        }
    }
}

/// The byte range of one line (with its `\n`).
fn line_range(bytes: &[u8], which: &prop::sample::Index) -> (usize, usize) {
    let starts = line_starts(bytes);
    let k = which.index(starts.len());
    (starts[k], starts.get(k + 1).copied().unwrap_or(bytes.len()))
}

/// Byte ranges of the runs of digits, `.`, `e` and signs that start with a digit.
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || matches!(bytes[i], b'.' | b'e' | b'E' | b'+' | b'-'))
            {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

fn index() -> impl Strategy<Value = prop::sample::Index> {
    any::<prop::sample::Index>()
}

fn truncate() -> impl Strategy<Value = Damage> {
    index().prop_map(Damage::Truncate)
}
fn flip() -> impl Strategy<Value = Damage> {
    (index(), any::<u8>()).prop_map(|(at, mask)| Damage::Flip(at, mask))
}
fn insert() -> impl Strategy<Value = Damage> {
    (index(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Damage::Insert(at, b))
}
fn delete() -> impl Strategy<Value = Damage> {
    (index(), 1usize..64).prop_map(|(at, n)| Damage::Delete(at, n))
}
fn duplicate_line() -> impl Strategy<Value = Damage> {
    index().prop_map(Damage::DuplicateLine)
}
fn swap_lines() -> impl Strategy<Value = Damage> {
    (index(), index()).prop_map(|(a, b)| Damage::SwapLines(a, b))
}
fn multi_byte() -> impl Strategy<Value = Damage> {
    (index(), prop::sample::select(MULTI_BYTE)).prop_map(|(at, text)| Damage::InsertText(at, text))
}
fn invalid_utf8() -> impl Strategy<Value = Damage> {
    (index(), prop::sample::select(INVALID_UTF8)).prop_map(|(at, b)| Damage::Insert(at, b.to_vec()))
}
fn bad_number() -> impl Strategy<Value = Damage> {
    (index(), prop::sample::select(NUMBERS)).prop_map(|(at, n)| Damage::ReplaceNumber(at, n))
}
fn any_damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        truncate(),
        flip(),
        insert(),
        delete(),
        duplicate_line(),
        swap_lines(),
        multi_byte(),
        invalid_utf8(),
        bad_number()
    ]
}

/// Applies the damage to every fixture and checks each outcome.
fn damage_every_format(damage: &[Damage]) -> Result<(), TestCaseError> {
    for (name, original) in fixtures() {
        let mut bytes = original.clone();
        for d in damage {
            d.apply(&mut bytes);
        }
        check(name, &bytes)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn truncated(d in truncate()) { damage_every_format(&[d])?; }

    #[test]
    fn bytes_flipped(d in prop::collection::vec(flip(), 1..16)) { damage_every_format(&d)?; }

    #[test]
    fn bytes_inserted(d in prop::collection::vec(insert(), 1..8)) { damage_every_format(&d)?; }

    #[test]
    fn bytes_deleted(d in prop::collection::vec(delete(), 1..8)) { damage_every_format(&d)?; }

    #[test]
    fn lines_duplicated(d in prop::collection::vec(duplicate_line(), 1..8)) { damage_every_format(&d)?; }

    #[test]
    fn lines_swapped(d in prop::collection::vec(swap_lines(), 1..8)) { damage_every_format(&d)?; }

    #[test]
    fn multi_byte_characters_inserted(d in prop::collection::vec(multi_byte(), 1..8)) { damage_every_format(&d)?; }

    #[test]
    fn invalid_utf8_inserted(d in prop::collection::vec(invalid_utf8(), 1..4)) { damage_every_format(&d)?; }

    #[test]
    fn numbers_replaced(d in prop::collection::vec(bad_number(), 1..16)) { damage_every_format(&d)?; }

    #[test]
    fn damaged_every_way(d in prop::collection::vec(any_damage(), 1..12)) { damage_every_format(&d)?; }
}
