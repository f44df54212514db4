//! The JSON answer of Prometheus' HTTP API: `/api/v1/query_range` (`resultType: "matrix"`, each series with
//! `values: [[<unix seconds, float>, "<value string>"], ...]`) and `/api/v1/query` (`"vector"`, one `value`
//! per series). The series name is the `__name__` label (or the other labels when a query dropped it).

use serde::Deserialize;

use super::error::{excerpt, line_at, MetricsError};
use super::prometheus::{metric_info, parse_value};
use super::series::{Series, TimeBase};
use super::{Format, MetricsFile};

#[derive(Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    data: Option<Data>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: Vec<ResultSeries>,
}

#[derive(Deserialize)]
struct ResultSeries {
    #[serde(default)]
    metric: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
    #[serde(default)]
    value: Option<(f64, String)>,
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::PromQueryRange);
    let answer: Answer = serde_json::from_slice(bytes).map_err(|e| {
        MetricsError::invalid(
            file_name,
            e.line(),
            "Prometheus API JSON ({\"status\",\"data\":{\"resultType\",\"result\"}})",
            &e.to_string(),
        )
    })?;
    // serde does not say where a value was; the key's first occurrence is the best guess of its line.
    let line_of_key =
        |key: &[u8]| line_at(bytes, bytes.windows(key.len()).position(|w| w == key).unwrap_or(0));
    if answer.status != "success" {
        let error = answer.error.unwrap_or_default();
        return Err(MetricsError::invalid(
            file_name,
            line_of_key(b"\"status\""),
            "a successful query answer",
            &format!("status {} {error}", answer.status),
        ));
    }
    let Some(data) = answer.data else {
        return Err(MetricsError::no_samples(&file, bytes, "the answer has no data"));
    };
    if !matches!(data.result_type.as_str(), "matrix" | "vector") {
        return Err(MetricsError::invalid(
            file_name,
            line_of_key(b"\"resultType\""),
            "resultType matrix or vector",
            &data.result_type,
        ));
    }
    for result in data.result {
        let name = result.metric.get("__name__").cloned().unwrap_or_else(|| "value".to_string());
        let labels: Vec<(String, String)> =
            result.metric.into_iter().filter(|(k, _)| k != "__name__").collect();
        let (unit, role) = metric_info(&name);
        let mut series = Series::new(name, labels, unit, TimeBase::Epoch);
        series.role = role;
        let shown = excerpt(&series.display_name());
        for (t_s, text) in result.values.into_iter().chain(result.value) {
            let t_ms = t_s * 1000.0;
            match parse_value(&text) {
                _ if !t_ms.is_finite() => file.skip(
                    0,
                    format!("{shown}: expected a time in seconds, found {}", excerpt(&t_s.to_string())),
                ),
                Some(v) if v.is_finite() => series.push(t_ms, v),
                Some(_) => {}
                None => file.skip(
                    0,
                    format!("{shown}: expected a number as value string, found `{}`", excerpt(&text)),
                ),
            }
        }
        series.sort_by_time();
        file.series.push(series);
    }
    if file.series.iter().all(Series::is_empty) {
        return Err(MetricsError::no_samples(&file, bytes, "the result is empty"));
    }
    Ok(file)
}
