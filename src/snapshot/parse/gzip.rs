//! The input layer: plain text or gzip, told apart by the first two bytes, decompressed as it streams.
//!
//! [`Decoder`] takes the raw chunks the caller feeds and passes text to the [`TextReader`]. A file starting
//! with the gzip magic (`1f 8b`) goes through flate2's streaming decoder, which hands the text on in pieces
//! of at most 32 KiB, so memory stays bounded whatever the compression ratio. Concatenated gzip members are
//! read one after another, as `gzip -d` does. This module knows nothing of the JSON inside.

use std::io::{self, Write};

use flate2::write::MultiGzDecoder;

use super::error::{ParseError, ParseErrorKind, Section};
use super::meta::SnapshotMeta;
use super::tokenizer::TextReader;
use crate::snapshot::graph::HeapGraph;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The decompressor's output end: feeds the text reader and keeps its error for the caller.
///
/// Once the reader has failed or been taken, the sink swallows further output: flate2's decoder flushes
/// into its writer when dropped, and that text must not reach a reader in a failed state.
#[derive(Debug)]
struct TextSink {
    reader: TextReader,
    error: Option<ParseError>,
    closed: bool,
}

impl TextSink {
    fn new(reader: TextReader) -> Self {
        TextSink { reader, error: None, closed: false }
    }
}

impl Write for TextSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.reader.feed(buf) {
            Ok(()) => Ok(buf.len()),
            Err(error) => {
                self.error = Some(error);
                self.closed = true;
                Err(io::Error::other("the snapshot text was rejected"))
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Debug)]
enum Mode {
    /// Fewer than two bytes seen, all of them a prefix of the gzip magic.
    Undecided {
        reader: TextReader,
        held: Vec<u8>,
    },
    Plain(TextReader),
    Gzip(Box<MultiGzDecoder<TextSink>>),
}

/// Turns raw input chunks into snapshot text for a [`TextReader`].
#[derive(Debug)]
pub(crate) struct Decoder {
    mode: Mode,
}

fn gzip_error(message: impl Into<String>, offset: u64) -> ParseError {
    ParseError::new(ParseErrorKind::Gzip { message: message.into() }, offset, Section::Gzip)
}

impl Decoder {
    pub fn new() -> Self {
        Decoder { mode: Mode::Undecided { reader: TextReader::new(), held: Vec::new() } }
    }

    fn reader(&self) -> &TextReader {
        match &self.mode {
            Mode::Undecided { reader, .. } | Mode::Plain(reader) => reader,
            Mode::Gzip(decoder) => &decoder.get_ref().reader,
        }
    }

    pub fn meta(&self) -> Option<&SnapshotMeta> {
        self.reader().meta()
    }

    /// Feeds one raw chunk; `offset` is the number of raw bytes fed before it.
    pub fn feed(&mut self, chunk: &[u8], offset: u64) -> Result<(), ParseError> {
        match &mut self.mode {
            Mode::Plain(reader) => reader.feed(chunk),
            Mode::Gzip(decoder) => write_compressed(decoder, chunk, offset),
            Mode::Undecided { .. } if chunk.is_empty() => Ok(()),
            Mode::Undecided { reader, held } => {
                let take = (GZIP_MAGIC.len() - held.len()).min(chunk.len());
                held.extend_from_slice(&chunk[..take]);
                if held.as_slice() == &GZIP_MAGIC[..1] {
                    return Ok(());
                }
                let reader = std::mem::replace(reader, TextReader::new());
                let held = std::mem::take(held);
                self.mode = if held == GZIP_MAGIC {
                    Mode::Gzip(Box::new(MultiGzDecoder::new(TextSink::new(reader))))
                } else {
                    Mode::Plain(reader)
                };
                self.feed(&held, offset)?;
                self.feed(&chunk[take..], offset + take as u64)
            }
        }
    }

    /// Ends the input (`offset` raw bytes in all) and returns the graph.
    pub fn finish(self, offset: u64) -> Result<HeapGraph, ParseError> {
        match self.mode {
            Mode::Undecided { .. } if offset > 0 => {
                Err(gzip_error("the file ends inside the gzip header", offset))
            }
            Mode::Undecided { reader, .. } => reader.finish(),
            Mode::Plain(reader) => reader.finish(),
            Mode::Gzip(mut decoder) => {
                let flushed = decoder.try_finish();
                let sink = decoder.get_mut();
                sink.closed = true;
                if let Some(error) = sink.error.take() {
                    return Err(error);
                }
                let reader = std::mem::replace(&mut sink.reader, TextReader::new());
                match flushed {
                    Ok(()) => reader.finish(),
                    Err(_) if reader.text_bytes() == 0 => {
                        Err(gzip_error("the gzip stream ends before any data (or is corrupt)", offset))
                    }
                    Err(error) => {
                        // A cut gzip file usually cuts the JSON too: that error says more.
                        reader.finish()?;
                        Err(gzip_error(format!("the gzip stream ends early or is corrupt ({error})"), offset))
                    }
                }
            }
        }
    }
}

fn write_compressed(
    decoder: &mut MultiGzDecoder<TextSink>,
    chunk: &[u8],
    offset: u64,
) -> Result<(), ParseError> {
    decoder.write_all(chunk).map_err(|error| match decoder.get_mut().error.take() {
        Some(text_error) => text_error,
        None => gzip_error(error.to_string(), offset),
    })
}
