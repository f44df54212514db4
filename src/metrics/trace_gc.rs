//! `node --trace-gc` and `--trace-gc-nvp` output into GC events and heap-after-GC series.
//!
//! A `--trace-gc` record reads `[pid:isolate]  T ms: Kind[ (reduce)] A (B) -> C (D) MB, [pooled: P MB, ]
//! pause / external ms [(+ incremental marking details)] (average mu = …, current mu = …) reason; detail`:
//! T is milliseconds since the isolate started, A and C the heap's object size before and after, B and D its
//! committed size, in MiB. Kinds: Scavenge, Minor Mark-Sweep / Minor Mark-Compact (young generation),
//! Mark-Compact and Mark-sweep (full heap), with `(reduce)`, `(interleaved)`, `(during sweeping)` tags. The
//! isolate prefix may be a Windows address (`[1234:000001D2C3B4E5F0]`) or missing (node 8); old nodes wrote
//! reasons in brackets. The "Last few GCs" dump of an out-of-memory crash repeats records, sometimes glued
//! on one line; they are split apart, and the crash sets [`MetricsFile::out_of_memory`].
//!
//! `--trace-gc-nvp` prints `pause=… gc=s … total_size_before=… total_size_after=…` per GC (newer V8 prints a
//! JSON object with `start_object_size`/`end_object_size`); both are read.
//!
//! Lines that are not GC records (the program's own output on the same stdout) are counted in a note.

use super::error::{excerpt, MetricsError};
use super::records::{FieldValue, FlatRecord};
use super::series::{GcEvent, GcKind, Role, Series, TimeBase, Unit};
use super::sniff::is_trace_gc_line;
use super::{Format, MetricsFile};

const MIB: f64 = 1024.0 * 1024.0;

/// Splits a line at each `[pid:isolate]` prefix after the first, undoing the OOM dump's gluing.
fn split_glued(line: &str) -> Vec<&str> {
    let mut starts = vec![0];
    starts.extend(
        line.match_indices('[')
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && isolate_prefix_len(&line[i..]).is_some()),
    );
    starts.push(line.len());
    starts.windows(2).map(|w| line[w[0]..w[1]].trim()).filter(|s| !s.is_empty()).collect()
}

/// The length of a `[digits:hexdigits]` prefix (with or without `0x`), if `text` starts with one. It reads
/// no further than the first byte that cannot belong to one, so trying it at every `[` of a line is linear.
fn isolate_prefix_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let run = |from: usize, accept: fn(&u8) -> bool| {
        from + bytes.get(from..).map_or(0, |rest| rest.iter().take_while(|b| accept(b)).count())
    };
    if bytes.first() != Some(&b'[') {
        return None;
    }
    let pid_end = run(1, u8::is_ascii_digit);
    if pid_end == 1 || bytes.get(pid_end) != Some(&b':') {
        return None;
    }
    let hex_start = if bytes[pid_end + 1..].starts_with(b"0x") { pid_end + 3 } else { pid_end + 1 };
    let hex_end = run(hex_start, u8::is_ascii_hexdigit);
    (hex_end > hex_start && bytes.get(hex_end) == Some(&b']')).then_some(hex_end + 1)
}

/// The time and the rest of a record: `[pid:isolate]   T ms: rest` or `T ms: rest`; `None` unless the time
/// is a finite number.
fn split_time(record: &str) -> Option<(f64, &str)> {
    let record = &record[isolate_prefix_len(record).unwrap_or(0)..];
    let (time, rest) = record.split_once(" ms: ")?;
    Some((finite(time.trim())?, rest.trim()))
}

/// A finite number (`inf` and `NaN` are not sizes or times).
fn finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Parses the part after `T ms: ` of a `--trace-gc` record.
fn parse_record(t_ms: f64, rest: &str) -> Result<GcEvent, &'static str> {
    let first_digit = rest.find(|c: char| c.is_ascii_digit()).ok_or("sizes `A (B) -> C (D) MB`")?;
    let name = rest[..first_digit].trim().to_string();
    let kind = if name.starts_with("Scavenge") || name.starts_with("Minor") {
        GcKind::Minor
    } else if name.starts_with("Mark-") {
        GcKind::Major
    } else {
        return Err("a GC kind (Scavenge, Mark-Compact, Mark-sweep, Minor Mark-Sweep)");
    };
    let rest = &rest[first_digit..];
    let (sizes, after_sizes) = rest.split_once(" MB,").ok_or("sizes ending in `MB,`")?;
    let numbers: Vec<f64> = sizes
        .split(|c: char| c == '(' || c == ')' || c.is_whitespace() || c == '-' || c == '>')
        .filter(|s| !s.is_empty())
        .map(finite)
        .collect::<Option<_>>()
        .ok_or("sizes `A (B) -> C (D) MB`")?;
    let [before, _total_before, after, total_after] = numbers[..] else {
        return Err("four sizes `A (B) -> C (D) MB`");
    };
    let mut timing = after_sizes.trim_start();
    if let Some(pooled) = timing.strip_prefix("pooled:") {
        timing = pooled.split_once("MB,").ok_or("`pooled: P MB,`")?.1.trim_start();
    }
    let pause_text = timing.split(|c: char| c == '/' || c.is_whitespace()).next().unwrap_or("");
    let pause_ms = finite(pause_text).ok_or("a pause `p / e ms`")?;
    Ok(GcEvent {
        t_ms,
        time_base: TimeBase::ProcessStart,
        kind,
        name,
        pause_ms,
        heap_before_bytes: Some(before * MIB),
        heap_after_bytes: Some(after * MIB),
        heap_total_after_bytes: Some(total_after * MIB),
        reason: reason(timing),
    })
}

/// The GC reason: what follows the last parenthesised group (`allocation failure`, `heap profiler`...), or
/// the first `[bracketed]` reason of old nodes.
fn reason(timing: &str) -> Option<String> {
    let tail = match timing.rfind(')') {
        Some(close) => &timing[close + 1..],
        None => match timing.find('[') {
            Some(open) => &timing[open + 1..],
            None => timing.trim_start_matches(|c: char| c.is_ascii_digit() || " ./ms".contains(c)),
        },
    };
    let reason = tail.split([';', ']']).next().unwrap_or("").trim().trim_end_matches('.');
    (!reason.is_empty()).then(|| reason.to_string())
}

/// Parses the part after `T ms: ` of a `--trace-gc-nvp` record, key=value or JSON.
fn parse_nvp(t_ms: f64, rest: &str) -> Result<GcEvent, &'static str> {
    let owned: Vec<(String, String)>;
    let pairs: Vec<(&str, &str)> = if rest.starts_with('{') {
        let record: FlatRecord<'_> = serde_json::from_str(rest).map_err(|_| "a JSON object of GC fields")?;
        owned = record
            .fields
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    FieldValue::Number(x) => x.to_string(),
                    FieldValue::Text(t) => t.to_string(),
                    FieldValue::Other => String::new(),
                };
                (k.to_string(), value)
            })
            .collect();
        owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    } else {
        rest.split_whitespace().filter_map(|pair| pair.split_once('=')).collect()
    };
    let get = |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let number = |keys: &[&str]| keys.iter().find_map(|k| get(k).and_then(finite));
    let pause_ms = number(&["pause"]).ok_or("`pause=` in a --trace-gc-nvp record")?;
    let gc = get("gc").ok_or("`gc=` in a --trace-gc-nvp record")?;
    let kind = match gc {
        "s" | "mmc" | "mms" | "minor_ms" | "scavenge" => GcKind::Minor,
        _ => GcKind::Major,
    };
    Ok(GcEvent {
        t_ms,
        time_base: TimeBase::ProcessStart,
        kind,
        name: gc.to_string(),
        pause_ms,
        heap_before_bytes: number(&["start_object_size", "total_size_before"]),
        heap_after_bytes: number(&["end_object_size", "total_size_after"]),
        heap_total_after_bytes: number(&["end_memory_size"]),
        reason: get("reason").map(str::to_string),
    })
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let text = String::from_utf8_lossy(bytes);
    let nvp = text.lines().take(200).any(|l| l.contains("pause=") && l.contains(" gc="))
        || text.lines().take(200).any(|l| l.contains(" ms: {\"pause\""));
    let mut file = MetricsFile::new(file_name, if nvp { Format::TraceGcNvp } else { Format::TraceGc });
    let mut n_other_lines = 0usize;
    let mut in_oom_dump = false;
    for (idx, line) in text.lines().enumerate() {
        let line_no = idx + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with("<--- Last few GCs --->") {
            in_oom_dump = true;
            continue;
        }
        if trimmed.starts_with("<--- JS stacktrace --->") {
            in_oom_dump = false;
            continue;
        }
        if trimmed.contains("heap out of memory") || trimmed.contains("Reached heap limit") {
            file.out_of_memory = true;
            n_other_lines += 1;
            continue;
        }
        for record in split_glued(trimmed) {
            let Some((t_ms, rest)) = split_time(record) else {
                n_other_lines += 1;
                continue;
            };
            let parsed = if nvp && !is_trace_gc_line(record) {
                parse_nvp(t_ms, rest)
            } else {
                parse_record(t_ms, rest)
            };
            match parsed {
                // The OOM dump repeats records printed before; keep each GC once.
                Ok(event)
                    if in_oom_dump && file.gc_events.iter().rev().take(16).any(|e| e.t_ms == event.t_ms) => {}
                Ok(event) => file.gc_events.push(event),
                Err(expected) => {
                    file.skip(line_no, format!("expected {expected}, found `{}`", excerpt(record)))
                }
            }
        }
    }
    if file.gc_events.is_empty() {
        return Err(MetricsError::no_samples(&file, bytes, "expected lines like `[123:0x55d0]  40 ms: Scavenge 4.6 (4.7) -> 4.2 (5.7) MB, 0.97 / 0.00 ms ...`"));
    }
    file.gc_events.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    if n_other_lines > 0 {
        file.notes
            .push(format!("{n_other_lines} lines are not GC records (program output) and were ignored"));
    }
    if file.out_of_memory {
        file.notes.push("the process died: JavaScript heap out of memory".to_string());
    }
    file.series = heap_series(&file.gc_events);
    Ok(file)
}

/// Heap used and committed after each GC, as series.
fn heap_series(events: &[GcEvent]) -> Vec<Series> {
    let mut used = Series::new("heap_used_after_gc", Vec::new(), Unit::Bytes, TimeBase::ProcessStart);
    used.role = Some(Role::HeapUsed);
    let mut total = Series::new("heap_total_after_gc", Vec::new(), Unit::Bytes, TimeBase::ProcessStart);
    total.role = Some(Role::HeapTotal);
    for event in events {
        let end_ms = event.t_ms + event.pause_ms;
        // Two finite numbers near f64's limit add up to infinity: such a record places nothing on the clock.
        if !end_ms.is_finite() {
            continue;
        }
        if let Some(after) = event.heap_after_bytes {
            used.push(end_ms, after);
        }
        if let Some(total_after) = event.heap_total_after_bytes {
            total.push(end_ms, total_after);
        }
    }
    [used, total].into_iter().filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_variants() {
        let e = parse_record(39.0, "Scavenge 4.6 (4.7) -> 4.2 (5.7) MB, 0.97 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ").unwrap();
        assert_eq!((e.kind, e.pause_ms, e.heap_after_bytes), (GcKind::Minor, 0.97, Some(4.2 * MIB)));
        assert_eq!(e.reason.as_deref(), Some("allocation failure"));
        let e = parse_record(1.0, "Scavenge (interleaved) 5.1 (6.6) -> 4.4 (7.6) MB, pooled: 0.0 MB, 1.25 / 0.00 ms  (average mu = 1.000, current mu = 1.000) task; ").unwrap();
        assert_eq!((e.name.as_str(), e.pause_ms), ("Scavenge (interleaved)", 1.25));
        let e = parse_record(49766.0, "Mark-sweep 1398.0 (1457.0) -> 1398.0 (1457.0) MB, 1641.5 / 0.0 ms [allocation failure] [GC in old space requested].").unwrap();
        assert_eq!((e.kind, e.reason.as_deref()), (GcKind::Major, Some("allocation failure")));
        assert!(parse_record(1.0, "Compaction 1 (2) -> 1 (2) MB, 1 / 0 ms").is_err());
    }

    #[test]
    fn glued_records_split_at_isolate_prefixes() {
        let parts = split_glued("[8:0x5d3b650]  1 ms: Mark-sweep 1 (2) -> 1 (2) MB, 1.0 / 0.0 ms  x[8:0x5d3b650]  2 ms: Mark-sweep 1 (2) -> 1 (2) MB, 2.0 / 0.0 ms  y");
        assert_eq!(parts.len(), 2);
        assert!(parts[1].starts_with("[8:0x5d3b650]  2 ms"));
        assert_eq!(isolate_prefix_len("[1234:000001D2C3B4E5F0] 5 ms"), Some(23));
        assert_eq!(isolate_prefix_len("[8:0x5d3b650]"), Some(13));
        for not_one in ["[info] 5 ms", "[8:0x]", "[:1f]", "[8:1f", "[8:1g]", "[", "8:1f]"] {
            assert_eq!(isolate_prefix_len(not_one), None, "{not_one}");
        }
    }
}
