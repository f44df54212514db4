//! `v8.getHeapStatistics()` samples logged as NDJSON (or a JSON array), each with a time field:
//! `total_heap_size`, `used_heap_size`, `heap_size_limit`, `external_memory`, `malloced_memory`,
//! `number_of_detached_contexts`... The last `heap_size_limit` becomes the file's heap limit.
//! `v8.getHeapSpaceStatistics()` logged in the same record keyed by space name
//! (`"old_space": {"space_used_size": …}`) gives series such as `old_space.space_used_size`, in bytes; the
//! trend analysis takes the old generation from them.

use super::error::MetricsError;
use super::records::{for_each_json_record, SampleSink};
use super::series::{Role, Unit};
use super::{Format, MetricsFile};

/// Unit and role of a `v8.getHeapStatistics()` field.
pub(crate) fn field_info(name: &str) -> Option<(Unit, Option<Role>)> {
    Some(match name {
        "used_heap_size" => (Unit::Bytes, Some(Role::HeapUsed)),
        "total_heap_size" => (Unit::Bytes, Some(Role::HeapTotal)),
        "heap_size_limit" => (Unit::Bytes, Some(Role::HeapLimit)),
        "external_memory" => (Unit::Bytes, Some(Role::External)),
        "total_heap_size_executable"
        | "total_physical_size"
        | "total_available_size"
        | "malloced_memory"
        | "peak_malloced_memory"
        | "total_global_handles_size"
        | "used_global_handles_size"
        | "space_size"
        | "space_used_size"
        | "space_available_size"
        | "physical_space_size" => (Unit::Bytes, None),
        "number_of_native_contexts" | "number_of_detached_contexts" | "does_zap_garbage" => {
            (Unit::Count, None)
        }
        _ => return None,
    })
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::HeapStatistics);
    let text = super::sniff::utf8(file_name, bytes)?;
    let mut sink = SampleSink::new(field_info);
    for_each_json_record(&mut file, text, |file, line, record| sink.add(file, line, &record))?;
    if sink.n_records() == 0 {
        return Err(MetricsError::no_samples(
            &file,
            bytes,
            "expected records like {\"timestamp\":…,\"used_heap_size\":…,\"heap_size_limit\":…}",
        ));
    }
    file.series = sink.into_series();
    file.heap_limit_bytes =
        file.series_with_role(Role::HeapLimit).and_then(|s| s.values.last().copied()).filter(|&v| v > 0.0);
    if let Some(detached) = file.series.iter().find(|s| s.name == "number_of_detached_contexts") {
        let max = detached.values.iter().copied().fold(0.0, f64::max);
        if max > 0.0 {
            file.notes.push(format!(
                "up to {max} detached contexts: a context (iframe, vm context) stays alive after its use"
            ));
        }
    }
    Ok(file)
}
