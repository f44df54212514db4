//! `process.memoryUsage()` samples: NDJSON lines, a JSON array, or CSV, each sample with `rss`, `heapTotal`,
//! `heapUsed`, `external`, `arrayBuffers` (all bytes) and a time (`timestamp`, `time`, `ts`...: epoch
//! seconds/ms, ISO-8601, or relative). Extra numeric fields are kept as series of their own.

use super::error::MetricsError;
use super::records::{for_each_json_record, read_csv, SampleSink};
use super::series::{Role, Unit};
use super::{Format, MetricsFile};

/// Unit and role of a `process.memoryUsage()` field.
pub(crate) fn field_info(name: &str) -> Option<(Unit, Option<Role>)> {
    let role = match name {
        "rss" => Role::Rss,
        "heapTotal" => Role::HeapTotal,
        "heapUsed" => Role::HeapUsed,
        "external" => Role::External,
        "arrayBuffers" => Role::ArrayBuffers,
        _ => return None,
    };
    Some((Unit::Bytes, Some(role)))
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::MemoryUsage);
    let text = super::sniff::utf8(file_name, bytes)?;
    let mut sink = SampleSink::new(field_info);
    if text.trim_start().starts_with(['{', '[']) {
        for_each_json_record(&mut file, text, |file, line, record| sink.add(file, line, &record))?;
    } else {
        read_csv(&mut file, text, &mut sink)?;
    }
    if sink.n_records() == 0 {
        return Err(MetricsError::no_samples(
            &file,
            bytes,
            "expected records like {\"timestamp\":1700000000000,\"rss\":…,\"heapUsed\":…}",
        ));
    }
    file.series = sink.into_series();
    Ok(file)
}
