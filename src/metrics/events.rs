//! Timestamped events as NDJSON, `{"timestamp":…,"event":"snapshot_start",…}`, as the corpus harness (and
//! many hand-rolled loggers) write them. Snapshot events become markers for the charts; numbers inside the
//! events (a `memoryUsage` object) become samples; a `--max-old-space-size` in `execArgv` gives the heap limit.

use super::error::MetricsError;
use super::memory_usage;
use super::records::{for_each_json_record, FieldValue, SampleSink};
use super::series::{Marker, TimeBase};
use super::{Format, MetricsFile};

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::Events);
    let text = super::sniff::utf8(file_name, bytes)?;
    let mut sink = SampleSink::new(memory_usage::field_info);
    let mut n_events = 0;
    for_each_json_record(&mut file, text, |file, line, record| {
        let Some(event) = record.text("event").map(str::to_string) else {
            file.skip(line, "expected an object with an \"event\" field");
            return;
        };
        let Some(t_ms) = sink.time_of(file, line, &record) else { return };
        n_events += 1;
        if event.contains("snapshot") {
            let index = match record.get("index") {
                Some(FieldValue::Number(i)) => format!(" {i}"),
                _ => String::new(),
            };
            let phase = event.trim_start_matches("snapshot").trim_start_matches(['_', '-', ' ']);
            let label = if phase.is_empty() {
                format!("snapshot{index}")
            } else {
                format!("snapshot{index} {phase}")
            };
            file.markers.push(Marker { t_ms, time_base: TimeBase::Ordinal, label });
        }
        if record.fields.iter().any(|(k, v)| k.contains('.') && matches!(v, FieldValue::Number(_))) {
            sink.add(file, line, &record);
        }
    })?;
    if n_events == 0 {
        return Err(MetricsError::no_samples(&file, bytes, "expected {\"timestamp\":…,\"event\":…} lines"));
    }
    for marker in &mut file.markers {
        marker.time_base = sink.time_base();
    }
    file.series = sink.into_series();
    file.heap_limit_bytes = max_old_space_size(text);
    Ok(file)
}

/// Bytes of `--max-old-space-size=N` (MiB) when the text contains it.
pub(crate) fn max_old_space_size(text: &str) -> Option<f64> {
    let rest = &text[text.find("--max-old-space-size")? + "--max-old-space-size".len()..];
    let digits: String =
        rest.trim_start_matches(['=', ' ']).chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse::<f64>()
        .ok()
        .map(|mib| mib * 1024.0 * 1024.0)
        .filter(|&bytes| bytes > 0.0 && bytes.is_finite())
}
