//! The JSON answer of Prometheus' HTTP API: `/api/v1/query_range` (`resultType: "matrix"`, each series with
//! `values: [[<unix seconds, float>, "<value string>"], ...]`) and `/api/v1/query` (`"vector"`, one `value`
//! per series). The series name is the `__name__` label (or the other labels when a query dropped it).

use serde::Deserialize;

use super::error::MetricsError;
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
    if answer.status != "success" {
        let error = answer.error.unwrap_or_default();
        return Err(MetricsError::invalid(
            file_name,
            0,
            "a successful query answer",
            &format!("status {} {error}", answer.status),
        ));
    }
    let Some(data) = answer.data else {
        return Err(MetricsError::no_samples(
            file_name,
            Format::PromQueryRange.name(),
            "the answer has no data",
        ));
    };
    if !matches!(data.result_type.as_str(), "matrix" | "vector") {
        return Err(MetricsError::invalid(file_name, 0, "resultType matrix or vector", &data.result_type));
    }
    for result in data.result {
        let name = result.metric.get("__name__").cloned().unwrap_or_else(|| "value".to_string());
        let labels: Vec<(String, String)> =
            result.metric.into_iter().filter(|(k, _)| k != "__name__").collect();
        let (unit, role) = metric_info(&name);
        let mut series = Series::new(name, labels, unit, TimeBase::Epoch);
        series.role = role;
        for (t_s, text) in result.values.into_iter().chain(result.value) {
            match parse_value(&text) {
                Some(v) if v.is_finite() => series.push(t_s * 1000.0, v),
                Some(_) => {}
                None => file.skip(
                    0,
                    format!("{}: expected a number as value string, found `{text}`", series.display_name()),
                ),
            }
        }
        series.sort_by_time();
        file.series.push(series);
    }
    if file.series.iter().all(Series::is_empty) {
        return Err(MetricsError::no_samples(
            file_name,
            Format::PromQueryRange.name(),
            "the result is empty",
        ));
    }
    Ok(file)
}
