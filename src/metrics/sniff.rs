//! Which metrics format a file is, from its name and first bytes.
//!
//! clinic doctor's files are known by their name suffix (their content is binary or generic JSON); every
//! other format is recognised from content, so a renamed file still reads: JSON is told apart by its keys,
//! text by its first meaningful lines (`--trace-gc` records, Prometheus comments and samples, CSV headers).

use super::csv;
use super::error::{excerpt, line_at, ErrorKind, MetricsError};
use super::Format;

/// How much of the file's start the sniffer looks at.
const SNIFF_BYTES: usize = 64 * 1024;

/// The file's format, or an error naming what the file starts with.
pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<Format, MetricsError> {
    for (suffix, format) in [
        ("-processstat", Format::ClinicProcessStat),
        ("-systeminfo", Format::ClinicSystemInfo),
        ("-traceevent", Format::ClinicTraceEvent),
    ] {
        if file_name.ends_with(suffix) {
            return Ok(format);
        }
    }
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let head_text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut at the sniff boundary is not binary data.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
        Err(_) => return sniff_binary(file_name, bytes),
    };
    if head_text.contains('\0') {
        return sniff_binary(file_name, bytes);
    }
    let text = head_text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return Err(unknown(file_name, "(an empty file)"));
    }
    if text.starts_with('{')
        || text.strip_prefix('[').is_some_and(|r| r.trim_start().starts_with(['{', '[', ']']))
    {
        return Ok(sniff_json(text));
    }
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(200).collect();
    if lines.iter().any(|l| is_trace_gc_nvp_line(l)) {
        return Ok(Format::TraceGcNvp);
    }
    if lines.iter().any(|l| is_trace_gc_line(l)) {
        return Ok(Format::TraceGc);
    }
    if lines.iter().take(20).any(|l| is_prometheus_line(l)) {
        let tail = &bytes[bytes.len().saturating_sub(256)..];
        let is_open_metrics = String::from_utf8_lossy(tail).lines().any(|l| l.trim() == "# EOF")
            || lines.iter().any(|l| l.starts_with("# UNIT "));
        return Ok(if is_open_metrics { Format::OpenMetrics } else { Format::Prometheus });
    }
    let declared = lines.first().and_then(|l| csv::declared_delimiter(l));
    let header = lines.iter().copied().find(|l| !l.starts_with("sep=")).unwrap_or("");
    if declared.is_some() || header.contains([',', ';', '\t']) {
        let cells: Vec<&str> = match declared {
            Some(Ok(delimiter)) => header.split(delimiter).collect(),
            _ => header.split([',', ';', '\t']).collect(),
        };
        let is_memory_usage = ["heapUsed", "heapTotal", "rss"]
            .iter()
            .any(|field| cells.iter().any(|cell| cell.trim().trim_matches('"').eq_ignore_ascii_case(field)));
        return Ok(if is_memory_usage { Format::MemoryUsage } else { Format::GrafanaCsv });
    }
    Err(unknown(file_name, lines.first().copied().unwrap_or("")))
}

fn unknown(file_name: &str, found: &str) -> MetricsError {
    MetricsError {
        file_name: file_name.to_string(),
        line: 1,
        kind: ErrorKind::UnknownFormat { found: excerpt(found) },
    }
}

/// Binary input is only ever clinic's processstat: 2-byte big-endian frame length, then a protobuf message
/// starting with field 1 (the timestamp, a double: tag byte 0x09).
fn sniff_binary(file_name: &str, bytes: &[u8]) -> Result<Format, MetricsError> {
    if bytes.len() > 3
        && bytes[2] == 0x09
        && usize::from(u16::from_be_bytes([bytes[0], bytes[1]])) + 2 <= bytes.len()
    {
        return Ok(Format::ClinicProcessStat);
    }
    Err(unknown(file_name, "(binary data)"))
}

/// JSON formats by their keys.
fn sniff_json(text: &str) -> Format {
    if text.contains("\"resultType\"") || (text.contains("\"status\"") && text.contains("\"errorType\"")) {
        return Format::PromQueryRange;
    }
    if text.contains("\"traceEvents\"") {
        return Format::ClinicTraceEvent;
    }
    if text.contains("\"nodeVersions\"") || (text.contains("\"clock\"") && text.contains("\"hrtime\"")) {
        return Format::ClinicSystemInfo;
    }
    let first_record = text.trim_start_matches('[').trim_start();
    let first_record = first_record.lines().next().unwrap_or("");
    if first_record.contains("\"event\"") {
        Format::Events
    } else if ["\"used_heap_size\"", "\"heap_size_limit\"", "\"total_heap_size\""]
        .iter()
        .any(|k| text[..text.floor_char_boundary(4096)].contains(k))
    {
        Format::HeapStatistics
    } else {
        Format::MemoryUsage
    }
}

/// `[pid:0xaddr]  123 ms: Scavenge ...`, the same without the prefix (old node), or the OOM dump header.
pub(crate) fn is_trace_gc_line(line: &str) -> bool {
    if line.starts_with("<--- Last few GCs --->") {
        return true;
    }
    let Some(colon) = line.find(" ms: ") else { return false };
    let rest = &line[colon + 5..];
    ["Scavenge", "Mark-Compact", "Mark-sweep", "Mark-Sweep", "Minor Mark", "Mark-compact"]
        .iter()
        .any(|kind| rest.starts_with(kind))
}

/// `[pid:0xaddr]  123 ms: pause=1.2 mutator=0.3 gc=s ...`.
fn is_trace_gc_nvp_line(line: &str) -> bool {
    line.contains("pause=") && line.contains(" gc=")
}

/// A Prometheus/OpenMetrics comment (`# HELP`, `# TYPE`, the corpus' `# SCRAPE`) or sample line.
fn is_prometheus_line(line: &str) -> bool {
    if ["# HELP ", "# TYPE ", "# SCRAPE ", "# UNIT ", "# EOF"].iter().any(|p| line.starts_with(p)) {
        return true;
    }
    let name_end =
        line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(line.len());
    if name_end == 0 || line.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let rest = &line[name_end..];
    let rest = match rest.strip_prefix('{') {
        Some(labels) => match labels.rfind('}') {
            Some(close) => &labels[close + 1..],
            None => return false,
        },
        None => rest,
    };
    rest.starts_with([' ', '\t'])
        && rest.split_whitespace().next().is_some_and(|v| super::prometheus::parse_value(v).is_some())
}

/// The bytes as UTF-8 text, or an error naming the line of the first invalid byte.
pub(crate) fn utf8<'a>(file_name: &str, bytes: &'a [u8]) -> Result<&'a str, MetricsError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        MetricsError::invalid(
            file_name,
            line_at(bytes, at),
            "UTF-8 text",
            &format!("byte {at} that is not UTF-8"),
        )
    })
}
