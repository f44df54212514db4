//! Passing over one JSON value of any shape, optionally keeping its text.
//!
//! Sections heapscope does not use (`trace_tree`, `samples`, `scopes`, ...) are skipped with a
//! [`ValueSkipper`]; the `snapshot` header is read with one that keeps the bytes it passes, up to a limit.
//! The skipper checks structure (brackets match, strings close, nesting stays below a limit) but not the
//! finer grammar of what it skips: those bytes are never interpreted.

use super::error::{ParseError, ParseErrorKind, Section};

/// How deep arrays and objects may nest in a skipped value (`trace_tree` nests a level per stack frame).
const MAX_DEPTH: usize = 100_000;

/// A resumable skipper of one JSON value.
#[derive(Debug)]
pub(crate) struct ValueSkipper {
    section: Section,
    /// Closing brackets expected, innermost last.
    closers: Vec<u8>,
    in_string: bool,
    escaped: bool,
    in_scalar: bool,
    started: bool,
    kept: Option<Kept>,
}

#[derive(Debug)]
struct Kept {
    text: Vec<u8>,
    limit: usize,
}

/// Outcome of feeding bytes to a skipper.
pub(crate) enum Skipped {
    /// The value ended; this many bytes of the buffer belonged to it.
    Done(usize),
    /// The whole buffer belonged to the value and it goes on.
    NeedMore,
}

impl ValueSkipper {
    /// A skipper that forgets what it passes.
    pub fn skipping(section: Section) -> Self {
        ValueSkipper {
            section,
            closers: Vec::new(),
            in_string: false,
            escaped: false,
            in_scalar: false,
            started: false,
            kept: None,
        }
    }

    /// A skipper that keeps the value's text, failing with `HeaderTooLarge` beyond `limit` bytes.
    pub fn keeping(section: Section, limit: usize) -> Self {
        ValueSkipper { kept: Some(Kept { text: Vec::new(), limit }), ..Self::skipping(section) }
    }

    /// The text kept so far (empty for a skipping skipper).
    pub fn kept_text(&self) -> &[u8] {
        self.kept.as_ref().map_or(&[], |k| &k.text)
    }

    /// Consumes bytes of `buf` (which starts at text offset `base`) until the value ends.
    pub fn feed(&mut self, buf: &[u8], base: u64) -> Result<Skipped, ParseError> {
        let result = self.scan(buf, base);
        let used = match &result {
            Ok(Skipped::Done(n)) => *n,
            Ok(Skipped::NeedMore) => buf.len(),
            Err(_) => 0,
        };
        if let Some(kept) = &mut self.kept {
            if kept.text.len() + used > kept.limit {
                let kind = ParseErrorKind::HeaderTooLarge { limit_bytes: kept.limit as u64 };
                return Err(ParseError::new(kind, base + used as u64, self.section.clone()));
            }
            kept.text.extend_from_slice(&buf[..used]);
        }
        result
    }

    fn scan(&mut self, buf: &[u8], base: u64) -> Result<Skipped, ParseError> {
        let error =
            |kind, i: usize, section: &Section| ParseError::new(kind, base + i as u64, section.clone());
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.closers.is_empty() {
                        return Ok(Skipped::Done(i + 1));
                    }
                }
                i += 1;
                continue;
            }
            if self.in_scalar {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.') {
                    i += 1;
                    continue;
                }
                self.in_scalar = false;
                if self.closers.is_empty() {
                    return Ok(Skipped::Done(i));
                }
            }
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => {}
                b',' | b':' if !self.closers.is_empty() => {}
                b'"' => {
                    self.in_string = true;
                    self.started = true;
                }
                b'[' | b'{' => {
                    if self.closers.len() >= MAX_DEPTH {
                        let kind = ParseErrorKind::NestingTooDeep { limit: MAX_DEPTH as u32 };
                        return Err(error(kind, i, &self.section));
                    }
                    self.closers.push(if b == b'[' { b']' } else { b'}' });
                    self.started = true;
                }
                b']' | b'}' => {
                    if self.closers.pop() != Some(b) {
                        let kind = ParseErrorKind::InvalidJson { expected: "a matching bracket", found: b };
                        return Err(error(kind, i, &self.section));
                    }
                    if self.closers.is_empty() {
                        return Ok(Skipped::Done(i + 1));
                    }
                }
                b if (b.is_ascii_alphanumeric() || b == b'-')
                    && (!self.started || !self.closers.is_empty()) =>
                {
                    self.in_scalar = true;
                    self.started = true;
                }
                found => {
                    let kind = ParseErrorKind::InvalidJson { expected: "a JSON value", found };
                    return Err(error(kind, i, &self.section));
                }
            }
            i += 1;
        }
        Ok(Skipped::NeedMore)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip_all(text: &str) -> Result<usize, ParseError> {
        let mut skipper = ValueSkipper::skipping(Section::Skipped("x".into()));
        match skipper.feed(text.as_bytes(), 0)? {
            Skipped::Done(n) => Ok(n),
            Skipped::NeedMore => Ok(usize::MAX),
        }
    }

    #[test]
    fn stops_right_after_the_value() {
        assert_eq!(skip_all(r#"[1,[2,{"a]":"\"}"}],-3] ,"next""#).ok(), Some(23));
        assert_eq!(skip_all("-12,").ok(), Some(3));
        assert_eq!(skip_all(r#""s\\","#).ok(), Some(5));
        assert_eq!(skip_all("[[1,2]").ok(), Some(usize::MAX));
    }

    #[test]
    fn mismatched_bracket_is_an_error() {
        let err = skip_all("[1,2}").expect_err("mismatch");
        assert_eq!(err.offset, 4);
    }
}
