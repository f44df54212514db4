//! Memory-metric exports: format sniffing, parsers into time series, and trend analysis.
//!
//! [`parse`] takes a file's name and bytes, decides its format ([`sniff`]) and hands it to the parser of that
//! format; every parser ends in a [`MetricsFile`]: named [`Series`] of (time, value) samples, GC events, GC
//! histograms, markers (snapshot captures) and the heap limit when the file tells it. [`combine`] merges the
//! files of one run (a clinic doctor folder, memoryUsage samples beside a `--trace-gc` log) and puts their
//! clocks on one time base where it can. [`trend`] turns that into a verdict. Charts live in `crate::chart`.
//!
//! Errors and warnings: input that is not a metrics file at all is a [`MetricsError`] naming the line and
//! what was expected. A file with some bad lines keeps its good samples; each bad line is a [`Warning`] with
//! its line number (the first [`MAX_WARNINGS`] are kept, the rest are counted), so no data is dropped
//! silently.
//!
//! # Performance and limits
//! Parsers work on the whole file in memory (metric files are small next to snapshots; the worker hands over
//! the bytes) and keep two `f64`s per sample. Text formats parse at roughly 100-300 MB/s natively (see
//! `benches/metrics.rs`). Nothing recurses on input data except serde_json, which limits nesting itself.

mod clinic;
mod combine;
mod csv;
mod error;
mod events;
pub mod floor;
mod grafana_csv;
mod heap_statistics;
mod memory_usage;
pub mod noisy;
mod prom_query_range;
mod prometheus;
mod records;
mod series;
pub mod shape;
mod sniff;
pub mod stats;
pub mod time;
mod trace_gc;
pub mod trend;

pub mod downsample;

use serde::{Deserialize, Serialize};

pub use combine::combine;
pub use error::{ErrorKind, MetricsError, Warning, MAX_WARNINGS};
pub use series::{GcEvent, GcKind, Histogram, HistogramSnapshot, Marker, Role, Series, TimeBase, Unit};
pub use sniff::sniff;

/// The formats heapscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `process.memoryUsage()` samples: NDJSON, a JSON array, or CSV.
    MemoryUsage,
    /// `v8.getHeapStatistics()` samples as NDJSON or a JSON array.
    HeapStatistics,
    /// Timestamped events as NDJSON (`{"timestamp","event",...}`), such as snapshot captures.
    Events,
    /// Prometheus text exposition format 0.0.4, one scrape or many concatenated.
    Prometheus,
    /// OpenMetrics text (ends with `# EOF`, timestamps in seconds).
    OpenMetrics,
    /// The JSON answer of Prometheus' HTTP API `query_range` (or `query`).
    PromQueryRange,
    /// A Grafana panel's CSV export.
    GrafanaCsv,
    /// `node --trace-gc` output, including the "Last few GCs" dump of an out-of-memory crash.
    TraceGc,
    /// `node --trace-gc-nvp` output (key=value per GC).
    TraceGcNvp,
    /// clinic doctor's `*.clinic-doctor-processstat` (length-prefixed protobuf frames).
    ClinicProcessStat,
    /// clinic doctor's `*.clinic-doctor-systeminfo` (JSON).
    ClinicSystemInfo,
    /// clinic doctor's `*.clinic-doctor-traceevent` (Chrome trace-event JSON).
    ClinicTraceEvent,
    /// Several files merged by [`combine`].
    Combined,
}

impl Format {
    /// The name used in JSON and messages, e.g. `memory-usage`.
    pub fn name(self) -> &'static str {
        match self {
            Format::MemoryUsage => "memory-usage",
            Format::HeapStatistics => "heap-statistics",
            Format::Events => "events",
            Format::Prometheus => "prometheus",
            Format::OpenMetrics => "open-metrics",
            Format::PromQueryRange => "prom-query-range",
            Format::GrafanaCsv => "grafana-csv",
            Format::TraceGc => "trace-gc",
            Format::TraceGcNvp => "trace-gc-nvp",
            Format::ClinicProcessStat => "clinic-processstat",
            Format::ClinicSystemInfo => "clinic-systeminfo",
            Format::ClinicTraceEvent => "clinic-traceevent",
            Format::Combined => "combined",
        }
    }
}

/// A parsed metrics file (or several, after [`combine`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricsFile {
    /// The file name as given to [`parse`] (names joined by `+` after [`combine`]).
    pub file_name: String,
    pub format: Format,
    /// The formats that went into a combined file; one entry for a single file.
    pub formats: Vec<Format>,
    pub series: Vec<Series>,
    pub gc_events: Vec<GcEvent>,
    pub gc_histograms: Vec<Histogram>,
    pub markers: Vec<Marker>,
    /// V8's heap size limit, when the file says it (`heap_size_limit`, `--max-old-space-size` in execArgv).
    pub heap_limit_bytes: Option<f64>,
    /// Wall-clock time (epoch ms) at which the process-start clock reads 0, when the file says it.
    pub process_start_epoch_ms: Option<f64>,
    /// clinic's systeminfo: epoch ms minus the monotonic clock of its trace events.
    pub monotonic_offset_ms: Option<f64>,
    /// Whether the file shows the process died of a JavaScript heap out-of-memory.
    pub out_of_memory: bool,
    pub warnings: Vec<Warning>,
    /// Lines (or records) skipped as unreadable; each was reported as a warning until the cap.
    pub n_skipped: usize,
    /// Free-form facts found on the way (e.g. the node version of a clinic run).
    pub notes: Vec<String>,
}

impl MetricsFile {
    pub(crate) fn new(file_name: &str, format: Format) -> Self {
        MetricsFile {
            file_name: file_name.to_string(),
            format,
            formats: vec![format],
            series: Vec::new(),
            gc_events: Vec::new(),
            gc_histograms: Vec::new(),
            markers: Vec::new(),
            heap_limit_bytes: None,
            process_start_epoch_ms: None,
            monotonic_offset_ms: None,
            out_of_memory: false,
            warnings: Vec::new(),
            n_skipped: 0,
            notes: Vec::new(),
        }
    }

    /// Records a skipped line: a warning while under the cap, always counted.
    pub(crate) fn skip(&mut self, line: usize, message: impl Into<String>) {
        self.n_skipped += 1;
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning { line, message: message.into() });
        }
    }

    /// Records a fact worth a warning that does not drop a line.
    pub(crate) fn warn(&mut self, line: usize, message: impl Into<String>) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning { line, message: message.into() });
        }
    }

    /// Adds the closing warning that says how many skipped lines were not listed.
    pub(crate) fn finish_warnings(&mut self) {
        let listed = self.warnings.len();
        if self.n_skipped > listed {
            self.warnings.push(Warning {
                line: 0,
                message: format!(
                    "{} unreadable lines in all; only the first {listed} are listed",
                    self.n_skipped
                ),
            });
        }
    }

    /// The first series with this role, preferring ones with more samples.
    pub fn series_with_role(&self, role: Role) -> Option<&Series> {
        self.series.iter().filter(|s| s.role == Some(role)).max_by_key(|s| s.len())
    }
}

/// Parses one metrics file, deciding its format from its name and first bytes.
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let format = sniff(file_name, bytes)?;
    let mut file = match format {
        Format::MemoryUsage => memory_usage::parse(file_name, bytes),
        Format::HeapStatistics => heap_statistics::parse(file_name, bytes),
        Format::Events => events::parse(file_name, bytes),
        Format::Prometheus | Format::OpenMetrics => prometheus::parse(file_name, bytes),
        Format::PromQueryRange => prom_query_range::parse(file_name, bytes),
        Format::GrafanaCsv => grafana_csv::parse(file_name, bytes),
        Format::TraceGc | Format::TraceGcNvp => trace_gc::parse(file_name, bytes),
        Format::ClinicProcessStat => clinic::parse_process_stat(file_name, bytes),
        Format::ClinicSystemInfo => clinic::parse_system_info(file_name, bytes),
        Format::ClinicTraceEvent => clinic::parse_trace_event(file_name, bytes),
        Format::Combined => unreachable!("sniff never answers Combined"),
    }?;
    file.finish_warnings();
    Ok(file)
}
