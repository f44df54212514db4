//! The top level of the snapshot's JSON text: its object, keys and sections, resumable at any byte.
//!
//! [`TextReader`] walks `{"snapshot":{...},"nodes":[...],...}` with a small state machine and hands each
//! section's bytes to the reader for it: the header to a capturing [`ValueSkipper`] and then
//! [`read_header`], the integer arrays to [`NumberArray`], `strings` to [`StringArray`], and every other
//! section (known optional ones and unknown ones alike) to a skipping [`ValueSkipper`]. Sections may come
//! in any order after the header. It sees decompressed text only; the gzip layer is in `gzip`.

use super::builder::GraphBuilder;
use super::error::{ParseError, ParseErrorKind, Section};
use super::meta::{read_header, Header, SnapshotMeta};
use super::numbers::{NumberArray, RecordKind};
use super::skip::{Skipped, ValueSkipper};
use super::sniff::{describe_first_key, describe_prefix, PREFIX_LEN};
use super::strings::{JsonString, StringArray};
use crate::snapshot::graph::HeapGraph;

/// The largest `snapshot` header accepted; real ones are about 1 KB.
const MAX_HEADER_BYTES: usize = 1 << 20;
/// Top-level keys are compared by their first bytes only.
const MAX_KEY_BYTES: usize = 64;
/// At most this many section names are remembered in [`SnapshotMeta::sections`].
const MAX_SECTIONS_LISTED: usize = 64;

#[derive(Debug)]
enum State {
    /// Before the first non-space byte.
    Start,
    /// The input is not a JSON object; collecting its first bytes to say what it is.
    Foreign {
        prefix: Vec<u8>,
        at: u64,
    },
    /// After `{`: the first key or `}`.
    FirstKey,
    /// After `,`: a key.
    Key,
    KeyText {
        text: JsonString,
        first: bool,
    },
    Colon,
    ValueStart,
    Header(ValueSkipper),
    Numbers(Box<NumberArray>),
    Strings(StringArray),
    Skip(ValueSkipper),
    /// After a section's value: `,` or `}`.
    AfterValue,
    /// After the closing `}`: only whitespace may follow.
    Done,
}

/// Reads the decompressed text of a snapshot into a [`GraphBuilder`].
#[derive(Debug)]
pub(crate) struct TextReader {
    state: State,
    /// Text bytes consumed before the buffer being fed.
    offset: u64,
    key: String,
    header: Option<Header>,
    graph: Option<GraphBuilder>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

fn top_error(kind: ParseErrorKind, offset: u64) -> ParseError {
    ParseError::new(kind, offset, Section::TopLevel)
}

fn unexpected(expected: &'static str, found: u8, offset: u64) -> ParseError {
    top_error(ParseErrorKind::InvalidJson { expected, found }, offset)
}

impl TextReader {
    pub fn new() -> Self {
        TextReader { state: State::Start, offset: 0, key: String::new(), header: None, graph: None }
    }

    pub fn meta(&self) -> Option<&SnapshotMeta> {
        self.header.as_ref().map(|h| &h.meta)
    }

    /// Text bytes consumed so far.
    pub fn text_bytes(&self) -> u64 {
        self.offset
    }

    fn section(&self) -> Section {
        match &self.state {
            State::Header(_) => Section::Header,
            State::Numbers(array) => array.kind().section(),
            State::Strings(_) => Section::Strings,
            State::Skip(_) => Section::Skipped(self.key.clone()),
            _ => Section::TopLevel,
        }
    }

    /// Reads one buffer of text.
    pub fn feed(&mut self, buf: &[u8]) -> Result<(), ParseError> {
        let mut i = 0;
        while i < buf.len() {
            i += self.step(&buf[i..], self.offset + i as u64)?;
        }
        self.offset += buf.len() as u64;
        Ok(())
    }

    /// Advances the state machine over a prefix of `buf` (non-empty, starting at text offset `at`); returns
    /// how many bytes it used: 0 only when it handed the current byte to a new state's reader.
    fn step(&mut self, buf: &[u8], at: u64) -> Result<usize, ParseError> {
        let b = buf[0];
        match &mut self.state {
            State::Start => match b {
                b if is_space(b) => {}
                b'{' => self.state = State::FirstKey,
                _ => {
                    self.state = State::Foreign { prefix: Vec::new(), at };
                    return Ok(0);
                }
            },
            State::Foreign { prefix, at: start } => {
                let take = buf.len().min(PREFIX_LEN - prefix.len());
                prefix.extend_from_slice(&buf[..take]);
                if prefix.len() == PREFIX_LEN {
                    let kind = ParseErrorKind::NotASnapshot { looks_like: describe_prefix(prefix) };
                    return Err(top_error(kind, *start));
                }
                return Ok(take);
            }
            State::FirstKey | State::Key if is_space(b) => {}
            State::FirstKey | State::Key if b == b'"' => {
                let first = matches!(self.state, State::FirstKey);
                self.state = State::KeyText { text: JsonString::new(MAX_KEY_BYTES), first };
            }
            State::FirstKey if b == b'}' => {
                let kind = ParseErrorKind::NotASnapshot { looks_like: "an empty JSON object".to_owned() };
                return Err(top_error(kind, at));
            }
            State::FirstKey | State::Key => return Err(unexpected("a key in quotes", b, at)),
            State::KeyText { text, first } => {
                let first = *first;
                let Some(used) = text.feed(buf, at, &Section::TopLevel)? else { return Ok(buf.len()) };
                self.key = text.take_text();
                if first && self.key != "snapshot" {
                    let kind = ParseErrorKind::NotASnapshot { looks_like: describe_first_key(&self.key) };
                    return Err(top_error(kind, at));
                }
                self.state = State::Colon;
                return Ok(used);
            }
            State::Colon => match b {
                b if is_space(b) => {}
                b':' => self.state = State::ValueStart,
                _ => return Err(unexpected("`:`", b, at)),
            },
            State::ValueStart => {
                if !is_space(b) {
                    return self.start_value(b, at);
                }
            }
            State::Header(skipper) => {
                let Skipped::Done(used) = skipper.feed(buf, at)? else { return Ok(buf.len()) };
                let text = skipper.kept_text();
                let header_start = (at + used as u64).saturating_sub(text.len() as u64);
                let header =
                    read_header(text).map_err(|kind| ParseError::new(kind, header_start, Section::Header))?;
                self.graph = Some(GraphBuilder::new(&header));
                self.header = Some(header);
                self.state = State::AfterValue;
                return Ok(used);
            }
            State::Numbers(array) => {
                let Some(graph) = self.graph.as_mut() else { return Ok(buf.len()) };
                let Some(used) = array.feed(buf, at, graph)? else { return Ok(buf.len()) };
                self.state = State::AfterValue;
                return Ok(used);
            }
            State::Strings(array) => {
                let Some(graph) = self.graph.as_mut() else { return Ok(buf.len()) };
                let Some(used) = array.feed(buf, at, graph)? else { return Ok(buf.len()) };
                graph.end_strings();
                self.state = State::AfterValue;
                return Ok(used);
            }
            State::Skip(skipper) => {
                let Skipped::Done(used) = skipper.feed(buf, at)? else { return Ok(buf.len()) };
                self.state = State::AfterValue;
                return Ok(used);
            }
            State::AfterValue => match b {
                b if is_space(b) => {}
                b',' => self.state = State::Key,
                b'}' => self.state = State::Done,
                _ => return Err(unexpected("`,` or `}`", b, at)),
            },
            State::Done => {
                if !is_space(b) {
                    return Err(top_error(ParseErrorKind::TrailingData { found: b }, at));
                }
            }
        }
        Ok(1)
    }

    /// Chooses the reader for the value of `self.key`, whose first byte `b` is at `at`.
    fn start_value(&mut self, b: u8, at: u64) -> Result<usize, ParseError> {
        let key = self.key.as_str();
        let Some(header) = self.header.as_mut() else {
            // The first key is `snapshot` (checked when it was read).
            if b != b'{' {
                let kind = ParseErrorKind::BadHeader { message: "`snapshot` is not an object".to_owned() };
                return Err(ParseError::new(kind, at, Section::Header));
            }
            self.state = State::Header(ValueSkipper::keeping(Section::Header, MAX_HEADER_BYTES));
            return Ok(0);
        };
        let sections = &mut header.meta.sections;
        if sections.iter().any(|s| s == key) {
            let kind = ParseErrorKind::DuplicateSection { name: key.to_owned() };
            return Err(top_error(kind, at));
        }
        if sections.len() < MAX_SECTIONS_LISTED {
            sections.push(key.to_owned());
        }
        let array_kind = match key {
            "nodes" => Some(RecordKind::Node),
            "edges" => Some(RecordKind::Edge),
            "locations" if header.locations.is_some() => Some(RecordKind::Location),
            _ => None,
        };
        let section = match array_kind {
            Some(kind) => kind.section(),
            None if key == "strings" => Section::Strings,
            None => {
                self.state = State::Skip(ValueSkipper::skipping(Section::Skipped(self.key.clone())));
                return Ok(0);
            }
        };
        if b != b'[' {
            return Err(ParseError::new(
                ParseErrorKind::InvalidJson { expected: "`[`", found: b },
                at,
                section,
            ));
        }
        self.state = match array_kind {
            Some(kind) => {
                let meta = &header.meta;
                let fields = match kind {
                    RecordKind::Node => &meta.node_fields,
                    RecordKind::Edge => &meta.edge_fields,
                    RecordKind::Location => &meta.location_fields,
                };
                State::Numbers(Box::new(NumberArray::new(kind, fields.clone())))
            }
            None => State::Strings(StringArray::new()),
        };
        Ok(1)
    }

    /// Ends the text: checks that the snapshot is complete and returns its graph.
    pub fn finish(self) -> Result<HeapGraph, ParseError> {
        let end = self.offset;
        let section = self.section();
        let (records_expected, records_read, fields_per_record) = match self.state {
            State::Done => {
                return match self.graph {
                    Some(graph) => graph.finish(end),
                    None => Err(top_error(ParseErrorKind::MissingSection { name: "snapshot" }, end)),
                };
            }
            State::Start => {
                let looks_like = describe_prefix(if end == 0 { b"" } else { b" " });
                return Err(top_error(ParseErrorKind::NotASnapshot { looks_like }, 0));
            }
            State::Foreign { prefix, at } => {
                let kind = ParseErrorKind::NotASnapshot { looks_like: describe_prefix(&prefix) };
                return Err(ParseError::new(kind, at, Section::TopLevel));
            }
            State::Numbers(array) => {
                let meta = self.header.as_ref().map(|h| &h.meta);
                let expected = match array.kind() {
                    RecordKind::Node => meta.map(|m| m.node_count),
                    RecordKind::Edge => meta.map(|m| m.edge_count),
                    RecordKind::Location => None,
                };
                (expected, array.records(), array.fields_per_record())
            }
            State::Strings(array) => (None, array.count(), 1),
            _ => (None, 0, 0),
        };
        let kind = ParseErrorKind::Truncated { records_expected, records_read, fields_per_record };
        Err(ParseError::new(kind, end, section))
    }
}
