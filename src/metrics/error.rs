//! Errors and warnings of the metrics parsers.
//!
//! An error means the file could not be read as metrics at all (unknown format, no usable sample); a warning
//! is a line the parser skipped or a doubt about the data, returned beside the result.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::MetricsFile;

/// How many warnings a file keeps; later skipped lines are only counted.
pub const MAX_WARNINGS: usize = 50;

/// A recoverable problem on one line (1-based; 0 when it concerns the whole file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// Why a file could not be read as metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No parser recognises the content; `found` is the start of the first non-empty line.
    UnknownFormat { found: String },
    /// The format was recognised but the content breaks it.
    Invalid { expected: String, found: String },
    /// The format was recognised but not one sample could be read from the file's `lines`; the first line
    /// skipped as unreadable, when there was one, says why.
    NoSamples { format: String, expected: String, lines: usize, first_problem: Option<Warning> },
}

/// A metrics file that cannot be read, with the line (1-based; 0 for the whole file) where that became clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsError {
    pub file_name: String,
    pub line: usize,
    pub kind: ErrorKind,
}

impl MetricsError {
    pub(crate) fn invalid(file_name: &str, line: usize, expected: impl Into<String>, found: &str) -> Self {
        MetricsError {
            file_name: file_name.to_string(),
            line,
            kind: ErrorKind::Invalid { expected: expected.into(), found: excerpt(found) },
        }
    }

    /// `file` (read from `bytes`) holds no sample; its first warning becomes the error's first problem.
    pub(crate) fn no_samples(file: &MetricsFile, bytes: &[u8], expected: impl Into<String>) -> Self {
        MetricsError {
            file_name: file.file_name.clone(),
            line: 0,
            kind: ErrorKind::NoSamples {
                format: file.format.name().to_string(),
                expected: expected.into(),
                lines: line_at(bytes, bytes.len()).max(1) - usize::from(bytes.ends_with(b"\n")),
                first_problem: file.warnings.first().cloned(),
            },
        }
    }
}

/// The 1-based line of the byte at `offset` (the last line for the end of the text).
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// The first 60 characters of `text`, on one line.
pub(crate) fn excerpt(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        out.push('…');
    }
    out
}

impl fmt::Display for MetricsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file_name)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        match &self.kind {
            ErrorKind::UnknownFormat { found } => write!(
                f,
                ": not a metrics format heapscope knows (expected process.memoryUsage() or \
                 v8.getHeapStatistics() samples, Prometheus/OpenMetrics text, query_range JSON, Grafana CSV, \
                 --trace-gc output or clinic doctor data), found `{found}`"
            ),
            ErrorKind::Invalid { expected, found } => write!(f, ": expected {expected}, found `{found}`"),
            ErrorKind::NoSamples { format, expected, lines, first_problem } => {
                let range = if *lines > 1 { format!("lines 1–{lines}") } else { "line 1".to_string() };
                write!(f, ": read as {format} but no sample could be read from {range} ({expected})")?;
                match first_problem {
                    Some(problem) => write!(f, "; the first unreadable: {problem}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for MetricsError {}
