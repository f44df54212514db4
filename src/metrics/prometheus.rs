//! Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, one scrape or many concatenated.
//!
//! Sample times come from, in order: the sample's own timestamp (milliseconds in Prometheus text, seconds in
//! OpenMetrics), the last `# SCRAPE <epoch_ms> <ISO>` line (written by the corpus tools before each scrape),
//! or the scrape's ordinal when neither exists (a new scrape starts where a metric's `# HELP`/`# TYPE` or a
//! series repeats). Histograms (`_bucket{le}`, `_sum`, `_count`) become [`Histogram`]s with one cumulative
//! snapshot per scrape; every other sample becomes a series. prom-client's default metric names, with any
//! prefix, get their memory roles. Label values are unescaped (`\\`, `\"`, `\n`); `NaN`, `Nan`, `+Inf`,
//! `-Inf` are read; prom-client's int64-max "no data" values (`9223372036.854776` for an empty event-loop
//! histogram) are left out and reported.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::error::{excerpt, MetricsError};
use super::series::{Histogram, HistogramSnapshot, Role, Series, SeriesSet, TimeBase, Unit};
use super::{Format, MetricsFile};

/// Parses a sample value: a float, or NaN/Inf spelled in any case with an optional sign.
pub(crate) fn parse_value(text: &str) -> Option<f64> {
    if let Ok(v) = text.parse::<f64>() {
        return Some(v);
    }
    let (sign, body) = match text.as_bytes().first() {
        Some(b'+') => (1.0, &text[1..]),
        Some(b'-') => (-1.0, &text[1..]),
        _ => (1.0, text),
    };
    if body.eq_ignore_ascii_case("nan") {
        Some(f64::NAN)
    } else if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        Some(sign * f64::INFINITY)
    } else {
        None
    }
}

/// Whether `v` is one of prom-client's int64-max placeholders (nanoseconds of `i64::MAX` in s, ms or ns).
fn is_no_data_placeholder(v: f64) -> bool {
    const I64_MAX: f64 = 9_223_372_036_854_775_807.0;
    [I64_MAX, I64_MAX / 1e6, I64_MAX / 1e9].iter().any(|p| (v - p).abs() <= p * 1e-12)
}

/// Unit and role of a metric, from prom-client's default names (any prefix) and Prometheus' naming rules.
pub(crate) fn metric_info(name: &str) -> (Unit, Option<Role>) {
    let role = [
        ("nodejs_heap_size_used_bytes", Role::HeapUsed),
        ("nodejs_heap_size_total_bytes", Role::HeapTotal),
        ("process_resident_memory_bytes", Role::Rss),
        ("nodejs_external_memory_bytes", Role::External),
    ]
    .iter()
    .find(|(suffix, _)| name.ends_with(suffix))
    .map(|&(_, role)| role);
    let unit = if name.ends_with("_bytes") {
        Unit::Bytes
    } else if name.ends_with("_seconds") {
        Unit::Seconds
    } else if name.ends_with("_total") || name.ends_with("_count") {
        Unit::Count
    } else if name.ends_with("_ratio") {
        Unit::Ratio
    } else {
        Unit::Other
    };
    (unit, role)
}

/// One sample line, split.
struct Sample<'a> {
    name: &'a str,
    labels: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    value: f64,
    timestamp: Option<f64>,
}

/// Splits `name{k="v",...} value [timestamp] [# exemplar]`; the error says what was expected.
fn parse_sample(line: &str) -> Result<Sample<'_>, &'static str> {
    let name_end =
        line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(line.len());
    if name_end == 0 {
        return Err("a metric name");
    }
    let name = &line[..name_end];
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        rest = parse_labels(after_brace, &mut labels)?;
    }
    let rest = rest.split(" # ").next().unwrap_or(rest);
    let mut parts = rest.split_whitespace();
    let value =
        parse_value(parts.next().ok_or("a value after the name")?).ok_or("a number, NaN or +Inf as value")?;
    let timestamp = match parts.next() {
        Some(t) => Some(t.parse::<f64>().map_err(|_| "a timestamp after the value")?),
        None => None,
    };
    Ok(Sample { name, labels, value, timestamp })
}

/// Reads `k="v",...}` and returns what follows the closing brace.
fn parse_labels<'a>(
    mut rest: &'a str,
    labels: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>,
) -> Result<&'a str, &'static str> {
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let eq = rest.find('=').ok_or("`label=\"value\"` pairs")?;
        let key = rest[..eq].trim();
        rest = rest[eq + 1..].trim_start().strip_prefix('"').ok_or("a quoted label value")?;
        let bytes = rest.as_bytes();
        let mut i = 0;
        let mut escaped = false;
        while i < bytes.len() && bytes[i] != b'"' {
            escaped |= bytes[i] == b'\\';
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        if i >= bytes.len() {
            return Err("a closing quote of a label value");
        }
        let raw = &rest[..i];
        let value = if escaped { Cow::Owned(unescape(raw)) } else { Cow::Borrowed(raw) };
        labels.push((Cow::Borrowed(key), value));
        rest = &rest[i + 1..];
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The parser's state across lines.
struct Reader {
    open_metrics: bool,
    set: SeriesSet,
    types: FxHashMap<String, String>,
    histograms: Vec<Histogram>,
    histogram_index: FxHashMap<String, usize>,
    scrape_time_ms: Option<f64>,
    scrape_ordinal: usize,
    /// Metric families and series seen in the current scrape, to notice where an unmarked scrape starts.
    seen_in_scrape: rustc_hash::FxHashSet<String>,
    has_scrape_markers: bool,
    time_base: Option<TimeBase>,
    no_data: FxHashMap<String, usize>,
    n_samples: usize,
}

impl Reader {
    fn new_scrape(&mut self) {
        self.scrape_ordinal += 1;
        self.seen_in_scrape.clear();
    }

    /// The family a sample belongs to, and its histogram part (`bucket`, `sum`, `count`) when it is one.
    fn histogram_part<'a>(&self, name: &'a str, has_le: bool) -> Option<(&'a str, &'static str)> {
        for (suffix, part) in [("_bucket", "bucket"), ("_sum", "sum"), ("_count", "count")] {
            if let Some(family) = name.strip_suffix(suffix) {
                let typed = self.types.get(family).map(String::as_str);
                if matches!(typed, Some("histogram" | "gaugehistogram")) || (part == "bucket" && has_le) {
                    return Some((family, part));
                }
            }
        }
        None
    }

    fn sample_time(&mut self, sample: &Sample<'_>) -> (f64, TimeBase) {
        match sample.timestamp {
            Some(t) if self.open_metrics => (t * 1000.0, TimeBase::Epoch),
            Some(t) => (t, TimeBase::Epoch),
            None => match self.scrape_time_ms {
                Some(t) => (t, TimeBase::Epoch),
                None => (self.scrape_ordinal as f64, TimeBase::Ordinal),
            },
        }
    }

    fn add(&mut self, file: &mut MetricsFile, line_no: usize, sample: Sample<'_>) {
        if !self.has_scrape_markers && sample.timestamp.is_none() {
            let mut key = String::from(sample.name);
            for (k, v) in &sample.labels {
                key.push('\0');
                key.push_str(k);
                key.push('\0');
                key.push_str(v);
            }
            if !self.seen_in_scrape.insert(key) {
                self.new_scrape();
            }
        }
        let (t_ms, time_base) = self.sample_time(&sample);
        if !t_ms.is_finite() {
            file.skip(line_no, format!("expected a finite timestamp, found {t_ms} ms; left out"));
            return;
        }
        match self.time_base {
            None => self.time_base = Some(time_base),
            Some(known) if known != time_base => {
                file.skip(line_no, "sample mixes timed and untimed scrapes; left out");
                return;
            }
            Some(_) => {}
        }
        if sample.name.ends_with("_created") && self.open_metrics {
            return;
        }
        if is_no_data_placeholder(sample.value) {
            *self.no_data.entry(sample.name.to_string()).or_insert(0) += 1;
            return;
        }
        self.n_samples += 1;
        let has_le = sample.labels.iter().any(|(k, _)| k == "le");
        if let Some((family, part)) = self.histogram_part(sample.name, has_le) {
            self.add_histogram_sample(family, part, &sample, t_ms, time_base);
            return;
        }
        let series = self.set.entry(sample.name, &sample.labels, || {
            let (unit, role) = metric_info(sample.name);
            let labels = sample.labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let mut s = Series::new(sample.name, labels, unit, time_base);
            s.role = role;
            s
        });
        series.push(t_ms, sample.value);
    }

    fn add_histogram_sample(
        &mut self,
        family: &str,
        part: &str,
        sample: &Sample<'_>,
        t_ms: f64,
        time_base: TimeBase,
    ) {
        let labels: Vec<(String, String)> = sample
            .labels
            .iter()
            .filter(|(k, _)| k != "le")
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut key = family.to_string();
        for (k, v) in &labels {
            key.push('\0');
            key.push_str(k);
            key.push('\0');
            key.push_str(v);
        }
        let next = self.histograms.len();
        let idx = *self.histogram_index.entry(key).or_insert(next);
        if idx == next {
            self.histograms.push(Histogram {
                name: family.to_string(),
                labels,
                time_base,
                snapshots: Vec::new(),
            });
        }
        let histogram = &mut self.histograms[idx];
        if histogram.snapshots.last().is_none_or(|s| s.t_ms != t_ms) {
            histogram.snapshots.push(HistogramSnapshot { t_ms, buckets: Vec::new(), sum: None, count: None });
        }
        let Some(snapshot) = histogram.snapshots.last_mut() else { return };
        match part {
            "bucket" => {
                let le = sample.labels.iter().find(|(k, _)| k == "le").and_then(|(_, v)| parse_value(v));
                if let Some(le) = le {
                    snapshot.buckets.push((le, sample.value));
                }
            }
            "sum" => snapshot.sum = Some(sample.value),
            _ => snapshot.count = Some(sample.value),
        }
    }

    /// `# HELP`, `# TYPE`, `# UNIT`, `# SCRAPE`, `# EOF` or any other comment.
    fn comment(&mut self, file: &mut MetricsFile, line_no: usize, line: &str) {
        let mut words = line[1..].split_whitespace();
        match words.next() {
            Some("SCRAPE") => {
                match words.next().and_then(|t| t.parse::<f64>().ok()).filter(|t| t.is_finite()) {
                    Some(t) => {
                        self.has_scrape_markers = true;
                        self.scrape_time_ms = Some(t);
                        self.new_scrape();
                    }
                    None => file.skip(
                        line_no,
                        format!("expected `# SCRAPE <epoch_ms> <ISO time>`, found `{}`", excerpt(line)),
                    ),
                }
            }
            Some(kind @ ("HELP" | "TYPE")) => {
                let Some(name) = words.next() else { return };
                if !self.has_scrape_markers && !self.seen_in_scrape.insert(format!("{kind} {name}")) {
                    self.new_scrape();
                }
                if kind == "TYPE" {
                    if let Some(metric_type) = words.next() {
                        self.types.insert(name.to_string(), metric_type.to_ascii_lowercase());
                    }
                }
            }
            Some("EOF") if !self.has_scrape_markers => self.new_scrape(),
            _ => {}
        }
    }
}

pub(crate) fn parse(file_name: &str, bytes: &[u8]) -> Result<MetricsFile, MetricsError> {
    let text = super::sniff::utf8(file_name, bytes)?;
    let open_metrics = text.lines().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| l.trim() == "# EOF")
        || text.lines().take(100).any(|l| l.starts_with("# UNIT "));
    let format = if open_metrics { Format::OpenMetrics } else { Format::Prometheus };
    let mut file = MetricsFile::new(file_name, format);
    let mut reader = Reader {
        open_metrics,
        set: SeriesSet::default(),
        types: FxHashMap::default(),
        histograms: Vec::new(),
        histogram_index: FxHashMap::default(),
        scrape_time_ms: None,
        scrape_ordinal: 0,
        seen_in_scrape: Default::default(),
        has_scrape_markers: false,
        time_base: None,
        no_data: FxHashMap::default(),
        n_samples: 0,
    };
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            reader.comment(&mut file, idx + 1, line);
            continue;
        }
        match parse_sample(line) {
            Ok(sample) => reader.add(&mut file, idx + 1, sample),
            Err(expected) => file.skip(idx + 1, format!("expected {expected}, found `{}`", excerpt(line))),
        }
    }
    if reader.n_samples == 0 && reader.no_data.is_empty() {
        return Err(MetricsError::no_samples(
            &file,
            bytes,
            "expected lines like `metric_name{label=\"v\"} 1.5`",
        ));
    }
    let mut no_data: Vec<_> = reader.no_data.into_iter().collect();
    no_data.sort();
    for (name, n) in no_data {
        file.warn(
            0,
            format!(
                "{n} samples of {} are prom-client's \"no data\" value (int64 max) and were left out",
                excerpt(&name)
            ),
        );
    }
    if reader.time_base == Some(TimeBase::Ordinal) && reader.scrape_ordinal > 0 {
        file.warn(0, "the scrapes carry no timestamps: samples are placed by scrape order, not time");
    }
    file.series = reader.set.into_series();
    for histogram in &mut reader.histograms {
        for snapshot in &mut histogram.snapshots {
            snapshot.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }
    file.gc_histograms = reader.histograms;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_escapes_and_special_values() {
        let s = parse_sample(r#"a_b{path="C:\\dir",msg="say \"hi\"\n",} Nan 1700000000000"#).unwrap();
        assert_eq!(s.name, "a_b");
        assert_eq!(s.labels[0].1, "C:\\dir");
        assert_eq!(s.labels[1].1, "say \"hi\"\n");
        assert!(s.value.is_nan());
        assert_eq!(s.timestamp, Some(1_700_000_000_000.0));
        assert_eq!(parse_sample("x +Inf").unwrap().value, f64::INFINITY);
        assert_eq!(parse_sample("x -inf").unwrap().value, f64::NEG_INFINITY);
        assert!(parse_sample("x{a=1} 2").is_err());
        assert!(parse_sample("x abc").is_err());
        assert!(is_no_data_placeholder(9223372036.854776));
        assert!(!is_no_data_placeholder(9.2e9));
    }

    #[test]
    fn unmarked_scrapes_split_where_a_family_repeats() {
        let scrape = "# HELP a_bytes A.\n# TYPE a_bytes gauge\na_bytes{x=\"1\"} 5\nb_total 1\n";
        let text = format!("{scrape}{}", scrape.replace(" 5", " 6"));
        let file = parse("s.prom", text.as_bytes()).unwrap();
        let a = &file.series[0];
        assert_eq!(
            (a.time_base, a.t_ms.clone(), a.values.clone()),
            (TimeBase::Ordinal, vec![0.0, 1.0], vec![5.0, 6.0])
        );
        assert!(file.warnings.iter().any(|w| w.message.contains("carry no timestamps")));
        // Sample timestamps (ms in the Prometheus format) win over scrape order.
        let file = parse("t.prom", b"a_bytes 1 1700000000000\na_bytes 2 1700000060000\n").unwrap();
        assert_eq!(file.series[0].t_ms, [1.7e12, 1_700_000_060_000.0]);
    }
}
