//! The hot loop: reading the big integer arrays (`nodes`, `edges`, `locations`) into records.
//!
//! [`NumberArray`] scans bytes directly (no tokens, no allocation per value): digits accumulate into a
//! `u64`, and each complete record of the section's field count goes to the [`GraphBuilder`]. State lives in
//! the struct between calls, so a number or record may be split across chunks at any byte. Only
//! non-negative integers of up to 19 digits are accepted; V8 writes nothing else in these arrays.

use super::builder::GraphBuilder;
use super::error::{ParseError, ParseErrorKind, Section};
use super::meta::MAX_RECORD_FIELDS;

/// Which section an array holds, which decides where its records go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecordKind {
    Node,
    Edge,
    Location,
}

impl RecordKind {
    pub fn section(self) -> Section {
        match self {
            RecordKind::Node => Section::Nodes,
            RecordKind::Edge => Section::Edges,
            RecordKind::Location => Section::Locations,
        }
    }
}

/// Digits beyond this cannot be a `u64` below 10^19, which is all heapscope accepts.
const MAX_DIGITS: u64 = 19;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    FirstOrEnd,
    Value,
    InNumber,
    CommaOrEnd,
}

/// A resumable reader of one integer array, positioned after its `[`.
#[derive(Debug)]
pub(crate) struct NumberArray {
    kind: RecordKind,
    field_names: Vec<String>,
    record: [u64; MAX_RECORD_FIELDS],
    field: usize,
    value: u64,
    digits: u64,
    expect: Expect,
    records: u64,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl NumberArray {
    /// `field_names` is the section's field list from `meta`; its length (1 to `MAX_RECORD_FIELDS`) is the
    /// record width.
    pub fn new(kind: RecordKind, field_names: Vec<String>) -> Self {
        NumberArray {
            kind,
            field_names,
            record: [0; MAX_RECORD_FIELDS],
            field: 0,
            value: 0,
            digits: 0,
            expect: Expect::FirstOrEnd,
            records: 0,
        }
    }

    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// Complete records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn fields_per_record(&self) -> u32 {
        // The width is at most MAX_RECORD_FIELDS.
        self.field_names.len() as u32
    }

    fn error(&self, kind: ParseErrorKind, offset: u64) -> ParseError {
        ParseError::new(kind, offset, self.kind.section())
    }

    fn field_name(&self) -> String {
        self.field_names.get(self.field).cloned().unwrap_or_default()
    }

    /// Stores the number just ended at text offset `offset`, and hands over the record when it is complete.
    #[inline]
    fn end_number(&mut self, offset: u64, graph: &mut GraphBuilder) -> Result<(), ParseError> {
        if self.digits > MAX_DIGITS {
            let kind = ParseErrorKind::NumberTooLong { field: self.field_name(), digits: self.digits };
            return Err(self.error(kind, offset));
        }
        self.record[self.field] = self.value;
        self.value = 0;
        self.digits = 0;
        self.field += 1;
        if self.field == self.field_names.len() {
            self.field = 0;
            self.records += 1;
            let record = &self.record[..self.field_names.len()];
            match self.kind {
                RecordKind::Node => graph.push_node(record, offset)?,
                RecordKind::Edge => graph.push_edge(record, offset)?,
                RecordKind::Location => graph.push_location(record, offset)?,
            }
        }
        Ok(())
    }

    fn end_array(&mut self, offset: u64, graph: &mut GraphBuilder) -> Result<(), ParseError> {
        if self.field != 0 {
            let kind = ParseErrorKind::PartialRecord {
                fields_per_record: self.fields_per_record(),
                values_in_last: self.field as u32,
            };
            return Err(self.error(kind, offset));
        }
        match self.kind {
            RecordKind::Node => graph.end_nodes(offset),
            RecordKind::Edge => graph.end_edges(offset),
            RecordKind::Location => Ok(()),
        }
    }

    /// The error for a sign, fraction or exponent at `buf[i]`, quoting the number around it.
    fn not_an_integer(&self, buf: &[u8], i: usize, base: u64) -> ParseError {
        let mut text = if self.digits > 0 { self.value.to_string() } else { String::new() };
        let tail = buf[i..]
            .iter()
            .take(24)
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'));
        text.extend(tail.map(|&b| b as char));
        self.error(ParseErrorKind::NotAnInteger { field: self.field_name(), text }, base + i as u64)
    }

    /// Consumes bytes until the closing `]`; returns the bytes of `buf` used, or `None` when the array goes on.
    pub fn feed(
        &mut self,
        buf: &[u8],
        base: u64,
        graph: &mut GraphBuilder,
    ) -> Result<Option<usize>, ParseError> {
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            if b.is_ascii_digit() {
                if self.expect == Expect::CommaOrEnd {
                    let kind = ParseErrorKind::InvalidJson { expected: "`,` or `]`", found: b };
                    return Err(self.error(kind, base + i as u64));
                }
                let start = i;
                let mut value = self.value;
                while let Some(digit) = buf.get(i).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
                    value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
                    i += 1;
                }
                self.value = value;
                self.digits += (i - start) as u64;
                self.expect = Expect::InNumber;
                continue;
            }
            let offset = base + i as u64;
            match (b, self.expect) {
                (b',', Expect::InNumber) => {
                    self.end_number(offset, graph)?;
                    self.expect = Expect::Value;
                }
                (b',', Expect::CommaOrEnd) => self.expect = Expect::Value,
                (b']', Expect::InNumber) => {
                    self.end_number(offset, graph)?;
                    self.end_array(offset, graph)?;
                    return Ok(Some(i + 1));
                }
                (b']', Expect::FirstOrEnd | Expect::CommaOrEnd) => {
                    self.end_array(offset, graph)?;
                    return Ok(Some(i + 1));
                }
                (b, Expect::InNumber) if is_space(b) => {
                    self.end_number(offset, graph)?;
                    self.expect = Expect::CommaOrEnd;
                }
                (b, _) if is_space(b) => {}
                (b'-' | b'+' | b'.' | b'e' | b'E', _) => return Err(self.not_an_integer(buf, i, base)),
                (found, expect) => {
                    let expected = match expect {
                        Expect::FirstOrEnd => "a number or `]`",
                        Expect::Value => "a number",
                        Expect::InNumber | Expect::CommaOrEnd => "`,` or `]`",
                    };
                    return Err(self.error(ParseErrorKind::InvalidJson { expected, found }, offset));
                }
            }
            i += 1;
        }
        Ok(None)
    }
}
