//! The streaming `.heapsnapshot` reader: bytes in, validated [`HeapGraph`] out.
//!
//! [`SnapshotParser`] is fed chunks of any size (one byte to many MiB) and can stop at any byte between two
//! chunks; it never holds the file's text. It reads `snapshot.meta` first and takes the node, edge and
//! location layouts from its field lists, reads `nodes`, `edges`, `strings` (and `locations`) straight into
//! columns, and skips every other section, known or not, in any order. Gzip input (`.heapsnapshot.gz`) is
//! recognised by its magic bytes and decompressed in the same stream. Every way a file can be wrong is a
//! [`ParseError`] naming the byte offset and section.
//!
//! Modules: `gzip` (input layer), `tokenizer` (top-level JSON and sections), `meta` (the header),
//! `numbers` and `strings` (the big arrays), `skip` (sections not used), `builder` (columns and range
//! checks), `sniff` (what a foreign file looks like), `error`.
//!
//! # Performance and limits
//!
//! Numbers are scanned byte by byte by hand, eight digits at a time where possible (serde_json reads only
//! the ~1 KB header); the parser does no allocation per value and grows each column in bounded steps up to
//! the header's count, so memory tracks the data actually read, never a claimed count. Limits: at most
//! `u32::MAX` nodes, edges and strings and 4 GiB of string text; node ids, names, edge counts and edge
//! names fit `u32`; self sizes are below 2^53 (what DevTools holds exactly); numbers have at most 19
//! digits; the header is at most 1 MiB; skipped sections nest at most 100 000 levels; records have at most
//! 32 fields. The graph is built with outgoing edges only; call [`HeapGraph::build_retainers`] for the
//! reverse index.

mod builder;
mod error;
mod gzip;
mod meta;
mod numbers;
mod skip;
mod sniff;
mod strings;
mod tokenizer;

use std::io::Read;

pub use error::{ParseError, ParseErrorKind, Section};
pub use meta::SnapshotMeta;
pub(crate) use sniff::{describe_prefix, PREFIX_LEN};

use crate::snapshot::graph::HeapGraph;

/// A resumable heap snapshot parser.
///
/// ```no_run
/// # fn chunks() -> Vec<Vec<u8>> { Vec::new() }
/// use heapscope::snapshot::parse::SnapshotParser;
/// let mut parser = SnapshotParser::new();
/// for chunk in chunks() {
///     parser.feed(&chunk)?;
/// }
/// let mut graph = parser.finish()?;
/// graph.build_retainers();
/// # Ok::<(), heapscope::snapshot::parse::ParseError>(())
/// ```
#[derive(Debug)]
pub struct SnapshotParser {
    decoder: gzip::Decoder,
    bytes_consumed: u64,
    failed: Option<ParseError>,
}

impl Default for SnapshotParser {
    fn default() -> Self {
        Self::new()
    }
}

impl SnapshotParser {
    pub fn new() -> Self {
        SnapshotParser { decoder: gzip::Decoder::new(), bytes_consumed: 0, failed: None }
    }

    /// Reads the next chunk of the file. After an error, every later call returns the same error.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.decoder.feed(chunk, self.bytes_consumed);
        self.bytes_consumed += chunk.len() as u64;
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    /// Bytes of the file (compressed, for gzip input) fed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.bytes_consumed
    }

    /// The header, once the `snapshot` object has been read.
    pub fn meta(&self) -> Option<&SnapshotMeta> {
        self.decoder.meta()
    }

    /// Ends the input: checks that the snapshot is complete and consistent, and returns its graph.
    pub fn finish(self) -> Result<HeapGraph, ParseError> {
        match self.failed {
            Some(error) => Err(error),
            None => self.decoder.finish(self.bytes_consumed),
        }
    }
}

/// The largest read buffer [`parse_reader`] allocates, whatever chunk size it is asked for.
const MAX_READ_CHUNK: usize = 64 << 20;

/// Parses a whole snapshot from `reader` in chunks of `chunk_size` bytes (at most 64 MiB), calling
/// `progress` with the bytes consumed after each chunk.
pub fn parse_reader(
    mut reader: impl Read,
    chunk_size: usize,
    mut progress: impl FnMut(u64),
) -> Result<HeapGraph, ParseError> {
    let mut parser = SnapshotParser::new();
    let mut buf = vec![0; chunk_size.clamp(1, MAX_READ_CHUNK)];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                let kind = ParseErrorKind::Io { message: error.to_string() };
                return Err(ParseError::new(kind, parser.bytes_consumed(), Section::TopLevel));
            }
        };
        parser.feed(&buf[..n])?;
        progress(parser.bytes_consumed());
    }
    parser.finish()
}
