//! Decoding JSON strings, alone (object keys) or as the `strings` array, resumable at any byte.
//!
//! [`JsonString`] turns the bytes after an opening quote into text: escapes (`\n`, `\uXXXX` with surrogate
//! pairs) are decoded, a lone surrogate becomes U+FFFD, and invalid UTF-8 is replaced the same way rather
//! than failing (V8 writes valid UTF-8; a damaged byte should not cost the user the whole snapshot).
//! [`StringArray`] reads the `strings` section into the graph's string table.

use super::builder::GraphBuilder;
use super::error::{ParseError, ParseErrorKind, Section};

const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    None,
    Backslash,
    Unicode { code: u16, digits: u8 },
}

/// One JSON string being decoded, from after its opening quote to its closing quote.
#[derive(Debug)]
pub(crate) struct JsonString {
    bytes: Vec<u8>,
    /// Decoded bytes beyond this are dropped (keys only need their first bytes).
    limit: usize,
    escape: Escape,
    /// A high surrogate waiting for its low half.
    pending_high: Option<u16>,
}

impl JsonString {
    pub fn new(limit: usize) -> Self {
        JsonString { bytes: Vec::new(), limit, escape: Escape::None, pending_high: None }
    }

    fn push_bytes(&mut self, bytes: &[u8]) {
        let room = self.limit.saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn push_char(&mut self, c: char) {
        let mut utf8 = [0; 4];
        self.push_bytes(c.encode_utf8(&mut utf8).as_bytes());
    }

    fn flush_lone_surrogate(&mut self) {
        if self.pending_high.take().is_some() {
            self.push_char(REPLACEMENT);
        }
    }

    fn push_code_unit(&mut self, unit: u16) {
        match unit {
            0xD800..=0xDBFF => {
                self.flush_lone_surrogate();
                self.pending_high = Some(unit);
            }
            0xDC00..=0xDFFF => match self.pending_high.take() {
                Some(high) => {
                    let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    self.push_char(char::from_u32(code).unwrap_or(REPLACEMENT));
                }
                None => self.push_char(REPLACEMENT),
            },
            _ => {
                self.flush_lone_surrogate();
                self.push_char(char::from_u32(u32::from(unit)).unwrap_or(REPLACEMENT));
            }
        }
    }

    /// Consumes bytes until the closing quote; returns how many bytes of `buf` that took (the quote
    /// included), or `None` when the string goes on past `buf`.
    pub fn feed(&mut self, buf: &[u8], base: u64, section: &Section) -> Result<Option<usize>, ParseError> {
        let mut i = 0;
        while i < buf.len() {
            match self.escape {
                Escape::None => {
                    let run_end = buf[i..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .map_or(buf.len(), |p| i + p);
                    if run_end > i {
                        self.flush_lone_surrogate();
                        self.push_bytes(&buf[i..run_end]);
                        i = run_end;
                        continue;
                    }
                    match buf[i] {
                        b'"' => {
                            self.flush_lone_surrogate();
                            return Ok(Some(i + 1));
                        }
                        b'\\' => self.escape = Escape::Backslash,
                        found => {
                            let kind = ParseErrorKind::InvalidJson {
                                expected: "an escaped control character",
                                found,
                            };
                            return Err(ParseError::new(kind, base + i as u64, section.clone()));
                        }
                    }
                }
                Escape::Backslash => {
                    let decoded = match buf[i] {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.escape = Escape::Unicode { code: 0, digits: 0 };
                            i += 1;
                            continue;
                        }
                        found => {
                            let kind = ParseErrorKind::InvalidJson {
                                expected: "an escape (`\\n`, `\\u0041`, ...)",
                                found,
                            };
                            return Err(ParseError::new(kind, base + i as u64, section.clone()));
                        }
                    };
                    self.flush_lone_surrogate();
                    self.push_char(decoded);
                    self.escape = Escape::None;
                }
                Escape::Unicode { code, digits } => {
                    let Some(digit) = (buf[i] as char).to_digit(16) else {
                        let kind = ParseErrorKind::InvalidJson { expected: "a hex digit", found: buf[i] };
                        return Err(ParseError::new(kind, base + i as u64, section.clone()));
                    };
                    // A hex digit is below 16, so it fits in a u16.
                    let code = (code << 4) | digit as u16;
                    if digits == 3 {
                        self.escape = Escape::None;
                        self.push_code_unit(code);
                    } else {
                        self.escape = Escape::Unicode { code, digits: digits + 1 };
                    }
                }
            }
            i += 1;
        }
        Ok(None)
    }

    /// The decoded bytes as text (invalid UTF-8 replaced); the decoder is reset for the next string.
    pub fn take_text(&mut self) -> String {
        let bytes = std::mem::take(&mut self.bytes);
        self.escape = Escape::None;
        self.pending_high = None;
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(invalid) => String::from_utf8_lossy(invalid.as_bytes()).into_owned(),
        }
    }

    /// Like [`JsonString::take_text`], but keeps the buffer's capacity for the next string.
    pub fn with_text<R>(&mut self, f: impl FnOnce(&str) -> R) -> R {
        self.escape = Escape::None;
        self.pending_high = None;
        let result = match std::str::from_utf8(&self.bytes) {
            Ok(text) => f(text),
            Err(_) => f(&String::from_utf8_lossy(&self.bytes)),
        };
        self.bytes.clear();
        result
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    FirstOrEnd,
    String,
    CommaOrEnd,
}

/// The `strings` array, read into the graph's string table.
#[derive(Debug)]
pub(crate) struct StringArray {
    expect: Expect,
    in_string: bool,
    scratch: JsonString,
    count: u64,
}

impl StringArray {
    /// A reader positioned just after the array's `[`.
    pub fn new() -> Self {
        StringArray {
            expect: Expect::FirstOrEnd,
            in_string: false,
            scratch: JsonString::new(usize::MAX),
            count: 0,
        }
    }

    /// Strings read so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Consumes bytes up to the closing `]`; returns the bytes of `buf` used, or `None` if the array goes on.
    pub fn feed(
        &mut self,
        buf: &[u8],
        base: u64,
        graph: &mut GraphBuilder,
    ) -> Result<Option<usize>, ParseError> {
        let mut i = 0;
        while i < buf.len() {
            if self.in_string {
                let used = self.scratch.feed(&buf[i..], base + i as u64, &Section::Strings)?;
                match used {
                    Some(n) => {
                        i += n;
                        self.in_string = false;
                        let offset = base + i as u64;
                        self.scratch.with_text(|text| graph.push_string(text, offset))?;
                        self.count += 1;
                        self.expect = Expect::CommaOrEnd;
                        continue;
                    }
                    None => return Ok(None),
                }
            }
            let b = buf[i];
            match (b, self.expect) {
                (b' ' | b'\n' | b'\r' | b'\t', _) => {}
                (b'"', Expect::FirstOrEnd | Expect::String) => self.in_string = true,
                (b',', Expect::CommaOrEnd) => self.expect = Expect::String,
                (b']', Expect::FirstOrEnd | Expect::CommaOrEnd) => return Ok(Some(i + 1)),
                (found, expect) => {
                    let expected = match expect {
                        Expect::FirstOrEnd => "a string or `]`",
                        Expect::String => "a string",
                        Expect::CommaOrEnd => "`,` or `]`",
                    };
                    let kind = ParseErrorKind::InvalidJson { expected, found };
                    return Err(ParseError::new(kind, base + i as u64, Section::Strings));
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

    fn decode(body: &str) -> String {
        let mut s = JsonString::new(usize::MAX);
        let used = s.feed(body.as_bytes(), 0, &Section::Strings).expect("valid string");
        assert_eq!(used, Some(body.len()));
        s.take_text()
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        assert_eq!(decode(r#"a\"b\\c\/\n\u0041\u00e9\ud83d\ude00""#), "a\"b\\c/\nAé😀");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(decode(r#"\ud800x\udc00\ud800\ud801""#), "\u{fffd}x\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn decoding_resumes_at_every_byte() {
        let body = r#"x\u00e9\ud83d\ude00é\t""#;
        let mut s = JsonString::new(usize::MAX);
        let bytes = body.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            let used = s.feed(std::slice::from_ref(b), i as u64, &Section::Strings).expect("valid");
            assert_eq!(used.is_some(), i == bytes.len() - 1);
        }
        assert_eq!(s.take_text(), "xé😀é\t");
    }

    #[test]
    fn key_decoder_keeps_only_its_limit() {
        let mut s = JsonString::new(3);
        assert_eq!(s.feed(b"abcdef\"", 0, &Section::TopLevel).expect("valid"), Some(7));
        assert_eq!(s.take_text(), "abc");
    }
}
