//! Timestamped JSON records (NDJSON lines or one JSON array) and CSV rows of named numbers, read into series.
//!
//! This is the shared reader behind the `process.memoryUsage()`, `v8.getHeapStatistics()` and events formats:
//! each record has a time field and numeric fields; every numeric field becomes a series named after it
//! (nested objects one level deep become `outer.inner`), and a [`FieldTable`] gives known fields their unit
//! and role. Extra fields are kept as series of unit [`Unit::Other`]; strings and arrays are skipped.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::csv::CsvReader;
use super::error::{excerpt, MetricsError};
use super::series::{Role, Series, SeriesSet, TimeBase, Unit};
use super::time::{epoch_ms_from_number, parse_datetime};
use super::MetricsFile;

/// Names of the time field, most specific first.
const TIME_FIELDS: &[&str] =
    &["timestamp", "time", "ts", "t_ms", "t", "date", "datetime", "@timestamp", "uptime", "elapsed", "Time"];

/// Unit and role of a known field, by its (last path segment's) name.
pub(crate) type FieldTable = fn(&str) -> Option<(Unit, Option<Role>)>;

/// A JSON value as the flat reader keeps it.
#[derive(Debug)]
pub(crate) enum FieldValue<'a> {
    Number(f64),
    Text(Cow<'a, str>),
    Other,
}

/// One record's fields in order; nested objects are flattened one level (`outer.inner`).
#[derive(Debug, Default)]
pub(crate) struct FlatRecord<'a> {
    pub fields: Vec<(Cow<'a, str>, FieldValue<'a>)>,
}

impl<'a> FlatRecord<'a> {
    pub fn get(&self, name: &str) -> Option<&FieldValue<'a>> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(FieldValue::Text(t)) => Some(t),
            _ => None,
        }
    }
}

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A field's value, or the fields of a nested object.
enum Nested<'a> {
    Value(FieldValue<'a>),
    Object(Vec<(Cow<'a, str>, FieldValue<'a>)>),
}

struct NestedVisitor {
    depth: u8,
}

impl<'de> Visitor<'de> for NestedVisitor {
    type Value = Nested<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Number(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Number(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Number(v as f64)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Other))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Other))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Text(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Nested::Value(FieldValue::Text(Cow::Owned(v.to_string()))))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Nested::Value(FieldValue::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.depth >= 2 {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Nested::Value(FieldValue::Other));
        }
        let mut fields = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            if self.depth == 0 {
                match map.next_value_seed(NestedSeed { depth: 1 })? {
                    Nested::Value(v) => fields.push((key, v)),
                    Nested::Object(inner) => {
                        for (k, v) in inner {
                            fields.push((Cow::Owned(format!("{key}.{k}")), v));
                        }
                    }
                }
            } else {
                let value = match map.next_value_seed(NestedSeed { depth: 2 })? {
                    Nested::Value(v) => v,
                    Nested::Object(_) => FieldValue::Other,
                };
                fields.push((key, value));
            }
        }
        Ok(Nested::Object(fields))
    }
}

struct NestedSeed {
    depth: u8,
}

impl<'de> de::DeserializeSeed<'de> for NestedSeed {
    type Value = Nested<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(NestedVisitor { depth: self.depth })
    }
}

impl<'de> Deserialize<'de> for FlatRecord<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(NestedVisitor { depth: 0 })? {
            Nested::Object(fields) => Ok(FlatRecord { fields }),
            Nested::Value(_) => Err(de::Error::custom("expected a JSON object")),
        }
    }
}

/// Calls `each(line, record)` for every record of an NDJSON text or a JSON array; unreadable NDJSON lines
/// are skipped into `file`'s warnings. A broken JSON array is an error (it is one document).
pub(crate) fn for_each_json_record<'a>(
    file: &mut MetricsFile,
    text: &'a str,
    mut each: impl FnMut(&mut MetricsFile, usize, FlatRecord<'a>),
) -> Result<(), MetricsError> {
    if text.trim_start().starts_with('[') {
        let records: Vec<FlatRecord<'a>> = serde_json::from_str(text).map_err(|e| {
            MetricsError::invalid(&file.file_name, e.line(), "a JSON array of sample objects", &e.to_string())
        })?;
        for record in records {
            each(file, 0, record);
        }
        return Ok(());
    }
    for (idx, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        match serde_json::from_str::<FlatRecord<'a>>(trimmed) {
            Ok(record) => each(file, idx + 1, record),
            Err(e) => file
                .skip(idx + 1, format!("expected a JSON object per line ({e}), found `{}`", excerpt(line))),
        }
    }
    Ok(())
}

/// How a file's records give their time.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TimeKind {
    Epoch,
    /// Relative numbers: seconds when `seconds`, else milliseconds.
    Relative {
        seconds: bool,
        base: TimeBase,
    },
    Ordinal,
}

/// Turns records into samples: finds the time, routes numeric fields into series.
pub(crate) struct SampleSink {
    table: FieldTable,
    set: SeriesSet,
    time_field: Option<String>,
    time_kind: Option<TimeKind>,
    n_records: usize,
    /// Each CSV column's series once it has one (a CSV record's fields are the header's columns, in order),
    /// so a long column name is looked up once, not once per row; empty for JSON records.
    column_series: Vec<Option<usize>>,
}

impl SampleSink {
    pub fn new(table: FieldTable) -> Self {
        SampleSink {
            table,
            set: SeriesSet::default(),
            time_field: None,
            time_kind: None,
            n_records: 0,
            column_series: Vec::new(),
        }
    }

    pub fn n_records(&self) -> usize {
        self.n_records
    }

    pub fn time_base(&self) -> TimeBase {
        match self.time_kind {
            Some(TimeKind::Epoch) => TimeBase::Epoch,
            Some(TimeKind::Relative { base, .. }) => base,
            Some(TimeKind::Ordinal) | None => TimeBase::Ordinal,
        }
    }

    /// The record's time in ms on the file's time base, deciding the base from the first record.
    pub fn time_of(&mut self, file: &mut MetricsFile, line: usize, record: &FlatRecord<'_>) -> Option<f64> {
        if self.time_field.is_none() && self.time_kind.is_none() {
            self.time_field =
                TIME_FIELDS.iter().find(|name| record.get(name).is_some()).map(|name| name.to_string());
        }
        let Some(field) = self.time_field.as_deref() else {
            if self.time_kind.is_none() {
                file.warn(
                    line,
                    "records have no time field (timestamp, time, ts...); samples are in file order",
                );
                self.time_kind = Some(TimeKind::Ordinal);
            }
            return Some(self.n_records as f64);
        };
        let (value, kind) = match record.get(field) {
            Some(FieldValue::Number(x)) => match epoch_ms_from_number(*x) {
                Some(ms) => (ms, TimeKind::Epoch),
                None => {
                    let seconds = match self.time_kind {
                        Some(TimeKind::Relative { seconds, .. }) => seconds,
                        _ => matches!(field, "uptime" | "elapsed") || x.fract() != 0.0,
                    };
                    let base = if field == "uptime" { TimeBase::ProcessStart } else { TimeBase::Monotonic };
                    (if seconds { x * 1000.0 } else { *x }, TimeKind::Relative { seconds, base })
                }
            },
            Some(FieldValue::Text(t)) => {
                match parse_datetime(t)
                    .or_else(|| t.trim().parse::<f64>().ok().and_then(epoch_ms_from_number))
                {
                    Some(ms) => (ms, TimeKind::Epoch),
                    None => {
                        file.skip(line, format!("expected a time in `{field}`, found `{}`", excerpt(t)));
                        return None;
                    }
                }
            }
            _ => {
                file.skip(line, format!("record has no `{field}` time"));
                return None;
            }
        };
        if !value.is_finite() {
            file.skip(line, format!("expected a finite time in `{field}`, found {value}"));
            return None;
        }
        match self.time_kind {
            None => self.time_kind = Some(kind),
            Some(known) if known != kind => {
                file.skip(line, format!("`{field}` switches between epoch and relative times"));
                return None;
            }
            Some(_) => {}
        }
        Some(value)
    }

    /// Adds one record's numeric fields as samples at its time.
    pub fn add(&mut self, file: &mut MetricsFile, line: usize, record: &FlatRecord<'_>) {
        let Some(t_ms) = self.time_of(file, line, record) else { return };
        let time_base = self.time_base();
        let mut any = false;
        for (column, (key, value)) in record.fields.iter().enumerate() {
            let FieldValue::Number(v) = value else { continue };
            if Some(key.as_ref()) == self.time_field.as_deref() || !v.is_finite() {
                continue;
            }
            let idx = match self.column_series.get(column).copied().flatten() {
                Some(idx) => idx,
                None => {
                    let leaf = key.rsplit('.').next().unwrap_or(key);
                    let (unit, role) = (self.table)(leaf).unwrap_or((Unit::Other, None));
                    let idx = self.set.position::<&str>(key, &[], || {
                        let mut s = Series::new(key.as_ref(), Vec::new(), unit, time_base);
                        s.role = role;
                        s
                    });
                    if let Some(slot) = self.column_series.get_mut(column) {
                        *slot = Some(idx);
                    }
                    idx
                }
            };
            self.set.at(idx).push(t_ms, *v);
            any = true;
        }
        if any {
            self.n_records += 1;
        } else {
            file.skip(line, "record has no numeric field");
        }
    }

    pub fn into_series(self) -> Vec<Series> {
        self.set.into_series()
    }
}

/// Reads CSV rows into the sink: the header names the fields, the time column is found by name, cells are
/// numbers.
pub(crate) fn read_csv(
    file: &mut MetricsFile,
    text: &str,
    sink: &mut SampleSink,
) -> Result<(), MetricsError> {
    let mut reader = CsvReader::new(&file.file_name, text)?;
    let Some((header_line, header)) = reader.next_record() else {
        return Err(MetricsError::no_samples(file, text.as_bytes(), "the CSV file is empty"));
    };
    if header.iter().all(|h| h.trim().parse::<f64>().is_ok()) {
        return Err(MetricsError::invalid(
            &file.file_name,
            header_line,
            "a header row naming the columns",
            &header.join(","),
        ));
    }
    let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    sink.column_series = vec![None; names.len()];
    while let Some((line, cells)) = reader.next_record() {
        // One field per column, in order, as `column_series` expects.
        let mut record = FlatRecord::default();
        for (name, cell) in names.iter().zip(&cells) {
            let cell = cell.trim();
            let value = match cell.parse::<f64>() {
                Ok(x) => FieldValue::Number(x),
                Err(_) if cell.is_empty() => FieldValue::Other,
                Err(_) => {
                    if (sink.table)(name).is_some() {
                        file.warn(
                            line,
                            format!(
                                "expected a number in column `{}`, found `{}`",
                                excerpt(name),
                                excerpt(cell)
                            ),
                        );
                    }
                    FieldValue::Text(Cow::Owned(cell.to_string()))
                }
            };
            record.fields.push((Cow::Borrowed(name.as_str()), value));
        }
        if cells.len() != names.len() {
            file.warn(line, format!("{} cells for {} columns", cells.len(), names.len()));
        }
        sink.add(file, line, &record);
    }
    Ok(())
}
