//! A Grafana panel's CSV export ("Inspect → Data → Download CSV", or the older panel menu "Export CSV").
//!
//! Two layouts: series joined by time (a `Time` column, then one column per series, the header being the
//! legend, e.g. `nodejs_heap_size_used_bytes{instance="api:9100"}`), and series as rows (`Series`, `Time`,
//! `Value` columns, older Grafana). Times are epoch numbers or formatted dates (read as UTC: the export does
//! not say its zone). Values may be formatted with units ("12.5 MiB", "3.1 kB", "250 ms"), which are undone.
//! The file may start with Excel's `sep=` line, quote every cell and end lines with `\r\n`.

use super::csv::CsvReader;
use super::error::{excerpt, MetricsError};
use super::series::{Role, Series, SeriesSet, TimeBase, Unit};
use super::time::{epoch_ms_from_number, parse_datetime};
use super::{memory_usage, prometheus, Format, MetricsFile};

/// A number with an optional unit suffix, in base units (bytes, seconds), and the unit it implies.
fn parse_formatted(cell: &str) -> Option<(f64, Option<Unit>)> {
    let cell = cell.trim();
    if let Some(v) = prometheus::parse_value(cell) {
        return Some((v, None));
    }
    let split = cell.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))?;
    let number: f64 = cell[..split].trim().parse().ok()?;
    let (factor, unit) = match cell[split..].trim() {
        "B" => (1.0, Unit::Bytes),
        "kB" | "KB" => (1e3, Unit::Bytes),
        "MB" => (1e6, Unit::Bytes),
        "GB" => (1e9, Unit::Bytes),
        "TB" => (1e12, Unit::Bytes),
        "KiB" => (1024.0, Unit::Bytes),
        "MiB" => (1024.0 * 1024.0, Unit::Bytes),
        "GiB" => (1024.0 * 1024.0 * 1024.0, Unit::Bytes),
        "TiB" => (1024f64.powi(4), Unit::Bytes),
        "ns" => (1e-9, Unit::Seconds),
        "µs" | "us" => (1e-6, Unit::Seconds),
        "ms" => (1e-3, Unit::Seconds),
        "s" => (1.0, Unit::Seconds),
        "min" => (60.0, Unit::Seconds),
        "h" => (3600.0, Unit::Seconds),
        "%" => (0.01, Unit::Ratio),
        _ => return None,
    };
    Some((number * factor, Some(unit)))
}

/// A time cell: epoch s/ms/µs/ns or a formatted date.
fn parse_time(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    match cell.parse::<f64>() {
        Ok(x) => epoch_ms_from_number(x),
        Err(_) => parse_datetime(cell),
    }
}

/// Splits a legend `name{k="v", ...}` into name and labels; other legends are the name alone.
fn split_legend(legend: &str) -> (String, Vec<(String, String)>) {
    let legend = legend.trim();
    let Some(open) = legend.find('{').filter(|_| legend.ends_with('}')) else {
        return (legend.to_string(), Vec::new());
    };
    let labels = legend[open + 1..legend.len() - 1]
        .split(',')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .collect();
    (legend[..open].to_string(), labels)
}

/// A series column (or a row's series cell): its legend, split once, and its series once it has one.
struct Column<'a> {
    legend: &'a str,
    name: String,
    labels: Vec<(String, String)>,
    series: Option<usize>,
}

impl<'a> Column<'a> {
    fn new(legend: &'a str) -> Self {
        let (name, labels) = split_legend(legend);
        Column { legend, name, labels, series: None }
    }
}

/// Unit and role of a series by its name: Prometheus names, memoryUsage fields, then common legend words.
fn legend_info(name: &str) -> (Unit, Option<Role>) {
    let (unit, role) = prometheus::metric_info(name);
    if role.is_some() {
        return (unit, role);
    }
    if let Some((unit, role)) = memory_usage::field_info(name) {
        return (unit, role);
    }
    let lower = name.to_ascii_lowercase();
    let role = if lower.contains("heap") && lower.contains("used") {
        Some(Role::HeapUsed)
    } else if lower.contains("heap") && lower.contains("total") {
        Some(Role::HeapTotal)
    } else if lower.contains("rss") || lower.contains("resident") {
        Some(Role::Rss)
    } else if lower.contains("external") {
        Some(Role::External)
    } else if lower.contains("arraybuffer") {
        Some(Role::ArrayBuffers)
    } else {
        None
    };
    (if role.is_some() { Unit::Bytes } else { unit }, role)
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let mut file = MetricsFile::new(file_name, Format::GrafanaCsv);
    let text = super::sniff::utf8(file_name, bytes)?;
    let mut reader = CsvReader::new(file_name, text)?;
    let Some((header_line, header)) = reader.next_record() else {
        return Err(MetricsError::no_samples(&file, bytes, "the CSV file is empty"));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let column = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let mut set = SeriesSet::default();
    let mut n_samples = 0;
    let mut add = |file: &mut MetricsFile,
                   set: &mut SeriesSet,
                   line: usize,
                   column: &mut Column,
                   t_ms: f64,
                   cell: &str| {
        let Some((value, cell_unit)) = parse_formatted(cell) else {
            if !cell.trim().is_empty() {
                file.skip(
                    line,
                    format!(
                        "expected a number in column `{}`, found `{}`",
                        excerpt(column.legend),
                        excerpt(cell)
                    ),
                );
            }
            return;
        };
        if !value.is_finite() {
            return;
        }
        let idx = *column.series.get_or_insert_with(|| {
            set.position(&column.name, &column.labels, || {
                let (unit, role) = legend_info(&column.name);
                let mut s = Series::new(
                    column.name.clone(),
                    column.labels.clone(),
                    cell_unit.unwrap_or(unit),
                    TimeBase::Epoch,
                );
                s.role = role;
                s
            })
        });
        set.at(idx).push(t_ms, value);
        n_samples += 1;
    };
    if let (Some(series_col), Some(time_col), Some(value_col)) =
        (column("Series"), column("Time"), column("Value"))
    {
        while let Some((line, cells)) = reader.next_record() {
            let (Some(legend), Some(time), Some(value)) =
                (cells.get(series_col), cells.get(time_col), cells.get(value_col))
            else {
                file.skip(line, "expected Series, Time and Value cells");
                continue;
            };
            match parse_time(time) {
                Some(t_ms) => add(&mut file, &mut set, line, &mut Column::new(legend), t_ms, value),
                None => file.skip(line, format!("expected a time, found `{}`", excerpt(time))),
            }
        }
    } else {
        let time_col = column("Time").or_else(|| column("Timestamp")).unwrap_or(0);
        if header.len() < 2 {
            return Err(MetricsError::invalid(
                file_name,
                header_line,
                "a Time column and series columns",
                &header.join(","),
            ));
        }
        // Each legend is split and looked up once, not once per row.
        let mut columns: Vec<Column> = header.iter().map(|legend| Column::new(legend)).collect();
        while let Some((line, cells)) = reader.next_record() {
            let Some(t_ms) = cells.get(time_col).and_then(|c| parse_time(c)) else {
                file.skip(
                    line,
                    format!(
                        "expected a time in column {}, found `{}`",
                        time_col + 1,
                        excerpt(cells.get(time_col).map_or("", |c| c))
                    ),
                );
                continue;
            };
            for (col, (cell, column)) in cells.iter().zip(&mut columns).enumerate() {
                if col != time_col {
                    add(&mut file, &mut set, line, column, t_ms, cell);
                }
            }
        }
    }
    if n_samples == 0 {
        return Err(MetricsError::no_samples(
            &file,
            bytes,
            "expected a Time column and numeric series columns",
        ));
    }
    file.series = set.into_series();
    Ok(file)
}
