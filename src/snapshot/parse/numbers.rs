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

/// The value and length of the run of ASCII digits (at most 8) starting at `buf[at]`, read eight bytes at
/// a time (SWAR); `(0, 0)` when fewer than eight bytes remain, leaving them to the byte loop.
#[inline]
fn eight_digits(buf: &[u8], at: usize) -> (u64, usize) {
    let Some(bytes) = buf.get(at..at + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()) else { return (0, 0) };
    let word = u64::from_le_bytes(bytes);
    // Each byte becomes its digit value 0..=9, or something larger for a non-digit; adding 0x76 sets the
    // high bit of exactly the bytes above 9 (a carry can only disturb bytes after the first non-digit).
    let values = word ^ 0x3030_3030_3030_3030;
    let non_digits = (values.wrapping_add(0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080;
    let run = (non_digits.trailing_zeros() / 8) as usize;
    if run == 0 {
        return (0, 0);
    }
    // Keep the run's bytes, moved to the top as if led by zeros, then fold digit pairs, quads and octets.
    let digits = (values << (8 * (8 - run))) & 0x0F0F_0F0F_0F0F_0F0F;
    let pairs = (digits.wrapping_mul(10) + (digits >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs.wrapping_mul(100) + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    let octet = quads.wrapping_mul(10000) + (quads >> 32);
    (octet & 0xFFFF_FFFF, run)
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
    bad_number: Option<BadNumber>,
}

/// A number that is not a plain integer is quoted in its error up to this many characters.
const QUOTED_NUMBER_LEN: usize = 24;

/// Characters that can continue a JSON number (and a few more, so `1x` is quoted whole).
fn is_number_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

/// A number being collected for its error message: it has a sign, fraction or exponent.
#[derive(Debug)]
struct BadNumber {
    text: String,
    offset: u64,
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
            bad_number: None,
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
            self.push_record(offset, graph)?;
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

    /// Collects the rest of a number that is not a plain integer (`-5`, `2.5e3`), across chunks, up to
    /// [`QUOTED_NUMBER_LEN`] characters; fails once the number has ended, else returns the bytes used.
    fn read_bad_number(&mut self, buf: &[u8]) -> Result<usize, ParseError> {
        let Some(bad) = &mut self.bad_number else { return Ok(0) };
        let run = buf.iter().take_while(|&&b| is_number_char(b)).count();
        bad.text.extend(buf[..run].iter().map(|&b| b as char));
        if run == buf.len() && bad.text.len() < QUOTED_NUMBER_LEN {
            return Ok(run);
        }
        let text: String = bad.text.chars().take(QUOTED_NUMBER_LEN).collect();
        let offset = bad.offset;
        Err(self.error(ParseErrorKind::NotAnInteger { field: self.field_name(), text }, offset))
    }

    /// Hands the complete record over; `offset` is the byte just after its last number.
    #[inline]
    fn push_record(&mut self, offset: u64, graph: &mut GraphBuilder) -> Result<(), ParseError> {
        self.records += 1;
        let record = &self.record[..self.field_names.len()];
        match self.kind {
            RecordKind::Node => graph.push_node(record, offset),
            RecordKind::Edge => graph.push_edge(record, offset),
            RecordKind::Location => graph.push_location(record, offset),
        }
    }

    /// The fast path: reads whole records of plain `digits,` runs starting at `buf[i]`, which must be at a
    /// record start. Returns where it stopped: at the start of the first record it could not read whole
    /// (end of buffer, end of array, anything unusual), which the careful path then reads byte by byte.
    fn read_plain_records(
        &mut self,
        buf: &[u8],
        mut i: usize,
        base: u64,
        graph: &mut GraphBuilder,
    ) -> Result<usize, ParseError> {
        let width = self.field_names.len();
        loop {
            let mut j = i;
            let mut number_end = i;
            for field in 0..width {
                let digits_start = j;
                // One digit then a comma is the commonest number of all (types, small counts, zeros): it
                // is cheaper to spot than to fold.
                let (mut value, run) = match (buf.get(j), buf.get(j + 1)) {
                    (Some(&digit @ b'0'..=b'9'), Some(b',')) => (u64::from(digit - b'0'), 1),
                    _ => eight_digits(buf, j),
                };
                j += run;
                if run == 8 || run == 0 {
                    while let Some(digit) = buf.get(j).map(|b| b.wrapping_sub(b'0')).filter(|&d| d < 10) {
                        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
                        j += 1;
                    }
                }
                if j == digits_start || j - digits_start > MAX_DIGITS as usize {
                    return Ok(i);
                }
                number_end = j;
                self.record[field] = value;
                loop {
                    match buf.get(j) {
                        Some(b',') => break,
                        Some(&b) if is_space(b) => j += 1,
                        _ => return Ok(i),
                    }
                }
                j += 1;
            }
            self.push_record(base + number_end as u64, graph)?;
            self.expect = Expect::Value;
            i = j;
        }
    }

    /// Consumes bytes up to the closing `]`; returns the bytes of `buf` used, or `None` if the array goes on.
    pub fn feed(
        &mut self,
        buf: &[u8],
        base: u64,
        graph: &mut GraphBuilder,
    ) -> Result<Option<usize>, ParseError> {
        let mut i = self.read_bad_number(buf)?;
        while i < buf.len() {
            if self.field == 0 && matches!(self.expect, Expect::FirstOrEnd | Expect::Value) {
                i = self.read_plain_records(buf, i, base, graph)?;
                if i == buf.len() {
                    break;
                }
            }
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
                (b'-' | b'+' | b'.' | b'e' | b'E', _) => {
                    let text = if self.digits > 0 { self.value.to_string() } else { String::new() };
                    self.bad_number = Some(BadNumber { text, offset });
                    i += self.read_bad_number(&buf[i..])?;
                    continue;
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_digits_reads_runs_of_every_length() {
        for text in ["0,234567", "7,", "12,", "4134483\n,", "99999999", "12345678901", "01234567", "1234]"] {
            let padded = format!("{text}________");
            let run = text.bytes().take_while(u8::is_ascii_digit).count().min(8);
            let expected = text[..run].parse::<u64>().unwrap_or(0);
            assert_eq!(eight_digits(padded.as_bytes(), 0), (expected, run), "{text}");
        }
        assert_eq!(eight_digits(b"1234567", 0), (0, 0), "fewer than eight bytes");
        assert_eq!(eight_digits(b"x1234567", 0), (0, 0));
    }
}
