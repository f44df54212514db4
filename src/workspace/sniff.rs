//! Deciding from a file's first bytes whether it is a heap snapshot or something else.
//!
//! A heap snapshot is a JSON object whose first key is `"snapshot"`, possibly gzip-compressed. Everything
//! else is handed to the metrics parsers, which know their own formats. The decision needs only a short
//! prefix, so a file read in 1-byte chunks decides as soon as it knows.

/// What a file's prefix says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    HeapSnapshot,
    Other,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const SNAPSHOT_KEY: &[u8] = b"\"snapshot\"";

/// Looks at the prefix read so far; `None` means "need more bytes" (only when `at_end` is false).
pub fn sniff(prefix: &[u8], at_end: bool) -> Option<Kind> {
    if prefix.len() >= 2 && prefix[..2] == GZIP_MAGIC {
        return Some(Kind::HeapSnapshot);
    }
    let rest = skip_whitespace(skip_bom(prefix));
    let undecided = if at_end { Some(Kind::Other) } else { None };
    match rest.first() {
        None => undecided,
        Some(b'{') => {
            let after_brace = skip_whitespace(&rest[1..]);
            let n = after_brace.len().min(SNAPSHOT_KEY.len());
            if after_brace[..n] != SNAPSHOT_KEY[..n] {
                Some(Kind::Other)
            } else if n == SNAPSHOT_KEY.len() {
                Some(Kind::HeapSnapshot)
            } else {
                undecided
            }
        }
        Some(_) => Some(Kind::Other),
    }
}

fn skip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes)
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_on_the_first_key() {
        assert_eq!(sniff(b"{\"snapshot\":{", false), Some(Kind::HeapSnapshot));
        assert_eq!(sniff(b"\xef\xbb\xbf \n{ \"snapshot\"", false), Some(Kind::HeapSnapshot));
        assert_eq!(sniff(&[0x1f, 0x8b, 8], false), Some(Kind::HeapSnapshot));
        assert_eq!(sniff(b"{\"timestamp\":1", false), Some(Kind::Other));
        assert_eq!(sniff(b"# HELP x", false), Some(Kind::Other));
    }

    #[test]
    fn waits_for_more_bytes_only_while_the_prefix_is_ambiguous() {
        assert_eq!(sniff(b"  {\"snap", false), None);
        assert_eq!(sniff(b"  {\"snap", true), Some(Kind::Other));
        assert_eq!(sniff(b"", false), None);
        assert_eq!(sniff(b"", true), Some(Kind::Other));
    }
}
