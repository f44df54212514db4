//! clinic doctor's data folder (`<pid>.clinic-doctor/`), three files:
//!
//! - `<pid>.clinic-doctor-processstat`: frames of a 2-byte big-endian length and a protobuf `ProcessStat`
//!   { 1 timestamp (double, epoch ms), 2 delay (double, ms), 3 cpu (double), 4 memory { 1 rss, 2 heapTotal,
//!   3 heapUsed, 4 external, 5 arrayBuffers (doubles, bytes) }, 5 handles (int32), 6 loopUtilization
//!   (int32) } (`format/process-stat.proto` in @clinic/doctor), decoded here with a minimal protobuf reader;
//! - `<pid>.clinic-doctor-systeminfo`: JSON with `clock: {hrtime: [s, ns], unixtime: ms}`, which relates the
//!   trace events' monotonic clock to wall-clock time, and the node versions;
//! - `<pid>.clinic-doctor-traceevent`: Chrome trace-event JSON; GCs are `MinorGC`/`MajorGC` begin/end pairs
//!   carrying `usedHeapSizeBefore`/`usedHeapSizeAfter`, or, in older traces, `V8.GC*` complete events.
//!
//! Trace events come out on the [`TimeBase::Monotonic`] clock; `metrics::combine` moves them to wall-clock
//! time with the systeminfo offset.

use serde::Deserialize;

use super::error::{excerpt, MetricsError};
use super::series::{GcEvent, GcKind, Role, Series, TimeBase, Unit};
use super::{Format, MetricsFile};

/// A protobuf field's value, as far as `ProcessStat` needs.
enum WireValue<'a> {
    Varint(u64),
    Fixed64(f64),
    Bytes(&'a [u8]),
    Fixed32,
}

/// Iterates a protobuf message's fields; `None` after the end, `Some(Err)` on a malformed field.
struct ProtoReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> ProtoReader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.pos)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(slice)
    }

    fn next_field(&mut self) -> Option<Result<(u64, WireValue<'a>), ()>> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let field = (|| {
            let key = self.varint()?;
            let value = match key & 7 {
                0 => WireValue::Varint(self.varint()?),
                1 => WireValue::Fixed64(f64::from_le_bytes(self.take(8)?.try_into().ok()?)),
                2 => {
                    let len = usize::try_from(self.varint()?).ok()?;
                    WireValue::Bytes(self.take(len)?)
                }
                5 => {
                    self.take(4)?;
                    WireValue::Fixed32
                }
                _ => return None,
            };
            Some((key >> 3, value))
        })();
        Some(field.ok_or(()))
    }
}

const STAT_SERIES: [(&str, Unit, Option<Role>); 10] = [
    ("rss", Unit::Bytes, Some(Role::Rss)),
    ("heapTotal", Unit::Bytes, Some(Role::HeapTotal)),
    ("heapUsed", Unit::Bytes, Some(Role::HeapUsed)),
    ("external", Unit::Bytes, Some(Role::External)),
    ("arrayBuffers", Unit::Bytes, Some(Role::ArrayBuffers)),
    ("delay", Unit::Milliseconds, None),
    ("cpu", Unit::Ratio, None),
    ("handles", Unit::Count, None),
    ("loopUtilization", Unit::Other, None),
    ("timestamp", Unit::Other, None),
];

/// Decodes one `ProcessStat` into values indexed like [`STAT_SERIES`] (NaN when absent).
fn decode_process_stat(message: &[u8]) -> Option<[f64; 10]> {
    let mut values = [f64::NAN; 10];
    let mut reader = ProtoReader { bytes: message, pos: 0 };
    while let Some(field) = reader.next_field() {
        match field.ok()? {
            (1, WireValue::Fixed64(v)) => values[9] = v,
            (2, WireValue::Fixed64(v)) => values[5] = v,
            (3, WireValue::Fixed64(v)) => values[6] = v,
            (4, WireValue::Bytes(memory)) => {
                let mut inner = ProtoReader { bytes: memory, pos: 0 };
                while let Some(field) = inner.next_field() {
                    if let (n @ 1..=5, WireValue::Fixed64(v)) = field.ok()? {
                        values[n as usize - 1] = v;
                    }
                }
            }
            (5, WireValue::Varint(v)) => values[7] = v as f64,
            (6, WireValue::Varint(v)) => values[8] = v as f64,
            _ => {}
        }
    }
    values[9].is_finite().then_some(values)
}

pub(crate) fn parse_process_stat(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::ClinicProcessStat);
    let mut series: Vec<Series> = STAT_SERIES[..9]
        .iter()
        .map(|&(name, unit, role)| {
            let mut s = Series::new(name, Vec::new(), unit, TimeBase::Epoch);
            s.role = role;
            s
        })
        .collect();
    let mut pos = 0;
    let mut frame_no = 0;
    while pos < bytes.len() {
        frame_no += 1;
        let Some(header) = bytes.get(pos..pos + 2) else {
            file.skip(0, format!("frame {frame_no}: the trailing byte {pos} is not a whole frame"));
            break;
        };
        let len = usize::from(u16::from_be_bytes([header[0], header[1]]));
        let Some(message) = bytes.get(pos + 2..pos + 2 + len) else {
            file.skip(
                0,
                format!(
                    "frame {frame_no}: at byte {pos}, {len} bytes announced, {} left",
                    bytes.len() - pos - 2
                ),
            );
            break;
        };
        pos += 2 + len;
        match decode_process_stat(message) {
            Some(values) => {
                for (s, &v) in series.iter_mut().zip(&values[..9]) {
                    if v.is_finite() {
                        s.push(values[9], v);
                    }
                }
            }
            None => file
                .skip(0, format!("frame {frame_no} at byte {} is not a ProcessStat message", pos - len - 2)),
        }
    }
    if series[0].is_empty() && series[2].is_empty() {
        let (line, found) = match file.warnings.first() {
            _ if bytes.is_empty() => (1, "(an empty file)".to_string()),
            Some(problem) => (0, problem.message.clone()),
            None => (0, format!("no frame with rss or heapUsed from byte 0 to byte {}", bytes.len())),
        };
        return Err(MetricsError::invalid(
            file_name,
            line,
            "length-prefixed ProcessStat protobuf frames with rss or heapUsed",
            &found,
        ));
    }
    file.series = series.into_iter().filter(|s| !s.is_empty()).collect();
    Ok(file)
}

#[derive(Deserialize)]
struct SystemInfo {
    clock: Clock,
    #[serde(rename = "nodeVersions", default)]
    node_versions: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Clock {
    hrtime: (f64, f64),
    unixtime: f64,
}

pub(crate) fn parse_system_info(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let info: SystemInfo = serde_json::from_slice(bytes).map_err(|e| {
        MetricsError::invalid(
            file_name,
            e.line(),
            "clinic systeminfo JSON with clock.hrtime and clock.unixtime",
            &e.to_string(),
        )
    })?;
    let mut file = MetricsFile::new(file_name, Format::ClinicSystemInfo);
    let hrtime_ms = info.clock.hrtime.0 * 1e3 + info.clock.hrtime.1 * 1e-6;
    let offset_ms = info.clock.unixtime - hrtime_ms;
    if offset_ms.is_finite() {
        file.monotonic_offset_ms = Some(offset_ms);
    } else {
        file.warn(0, "clock.hrtime and clock.unixtime are out of range; trace events keep their own clock");
    }
    if let Some(node) = info.node_versions.get("node") {
        let v8 = info.node_versions.get("v8").map_or(String::new(), |v| format!(", V8 {v}"));
        file.notes.push(format!("clinic run on node {node}{v8}"));
    }
    Ok(file)
}

#[derive(Deserialize)]
struct TraceFile {
    #[serde(rename = "traceEvents")]
    trace_events: Vec<TraceEvent>,
}

#[derive(Deserialize)]
struct TraceEvent {
    #[serde(default)]
    name: String,
    #[serde(default)]
    ph: String,
    #[serde(default)]
    ts: f64,
    #[serde(default)]
    dur: f64,
    #[serde(default)]
    args: serde_json::Map<String, serde_json::Value>,
}

fn arg(event: &TraceEvent, key: &str) -> Option<f64> {
    event.args.get(key).and_then(serde_json::Value::as_f64)
}

pub(crate) fn parse_trace_event(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let trace: TraceFile = serde_json::from_slice(bytes).map_err(|e| {
        MetricsError::invalid(
            file_name,
            e.line(),
            "Chrome trace-event JSON ({\"traceEvents\":[...]})",
            &e.to_string(),
        )
    })?;
    let mut file = MetricsFile::new(file_name, Format::ClinicTraceEvent);
    let mut open: Option<&TraceEvent> = None;
    for event in &trace.trace_events {
        let kind = match event.name.as_str() {
            "MinorGC" => GcKind::Minor,
            "MajorGC" => GcKind::Major,
            _ => continue,
        };
        match (event.ph.as_str(), open) {
            ("B", _) => open = Some(event),
            ("E", Some(begin)) if begin.name == event.name => {
                open = None;
                push_finite(
                    &mut file,
                    GcEvent {
                        t_ms: begin.ts / 1000.0,
                        time_base: TimeBase::Monotonic,
                        kind,
                        name: event.name.clone(),
                        pause_ms: (event.ts - begin.ts) / 1000.0,
                        heap_before_bytes: arg(begin, "usedHeapSizeBefore"),
                        heap_after_bytes: arg(event, "usedHeapSizeAfter"),
                        heap_total_after_bytes: None,
                        reason: begin.args.get("type").and_then(|t| t.as_str()).map(str::to_string),
                    },
                );
            }
            _ => file.skip(
                0,
                format!(
                    "{} {} event at ts {} has no matching begin",
                    event.name,
                    excerpt(&event.ph),
                    excerpt(&event.ts.to_string())
                ),
            ),
        }
    }
    if file.gc_events.is_empty() {
        for event in complete_gc_events(&trace.trace_events) {
            push_finite(&mut file, event);
        }
    }
    if file.gc_events.is_empty() {
        return Err(MetricsError::no_samples(
            &file,
            bytes,
            "expected MinorGC/MajorGC or V8.GC* trace events",
        ));
    }
    file.gc_events.sort_by(|a, b| a.t_ms.total_cmp(&b.t_ms));
    let mut used = Series::new("heap_used_after_gc", Vec::new(), Unit::Bytes, TimeBase::Monotonic);
    used.role = Some(Role::HeapUsed);
    for e in &file.gc_events {
        if let Some(after) = e.heap_after_bytes {
            used.push(e.t_ms + e.pause_ms, after);
        }
    }
    if !used.is_empty() {
        file.series.push(used);
    }
    Ok(file)
}

/// Keeps a GC whose start and end are finite times; reports the others.
fn push_finite(file: &mut MetricsFile, event: GcEvent) {
    if (event.t_ms + event.pause_ms).is_finite() {
        file.gc_events.push(event);
    } else {
        file.skip(
            0,
            format!(
                "{} event at {} ms lasts {} ms: out of range",
                event.name,
                excerpt(&event.t_ms.to_string()),
                excerpt(&event.pause_ms.to_string())
            ),
        );
    }
}

/// GCs from `V8.GC*` complete (`ph: "X"`) events, for traces without `MinorGC`/`MajorGC` pairs.
fn complete_gc_events(events: &[TraceEvent]) -> Vec<GcEvent> {
    events
        .iter()
        .filter(|e| e.ph == "X")
        .filter_map(|e| {
            let kind = match e.name.as_str() {
                "V8.GCScavenger" => GcKind::Minor,
                "V8.GCFinalizeMC" | "V8.GCFinalizeMCReduceMemory" | "V8.GCCompactor" => GcKind::Major,
                "V8.GCIncrementalMarking"
                | "V8.GCIncrementalMarkingStart"
                | "V8.GCIncrementalMarkingFinalize" => GcKind::Incremental,
                "V8.GCPhantomHandleProcessingCallback" => GcKind::WeakCallbacks,
                _ => return None,
            };
            Some(GcEvent {
                t_ms: e.ts / 1000.0,
                time_base: TimeBase::Monotonic,
                kind,
                name: e.name.clone(),
                pause_ms: e.dur / 1000.0,
                heap_before_bytes: None,
                heap_after_bytes: None,
                heap_total_after_bytes: None,
                reason: None,
            })
        })
        .collect()
}
