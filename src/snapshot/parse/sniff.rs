//! Saying what a file that is not a heap snapshot looks like instead.
//!
//! Two moments decide that a file is foreign: its first bytes are not a JSON object, or the object's first
//! key is not `snapshot` (V8 and Chrome always write the header first). These functions only produce the
//! phrase for the error message; they never accept anything.

/// How many leading bytes [`describe_prefix`] wants to see.
pub(crate) const PREFIX_LEN: usize = 256;

/// What a file starting with `prefix` (leading whitespace included, up to [`PREFIX_LEN`] bytes) seems to be.
pub(crate) fn describe_prefix(prefix: &[u8]) -> String {
    let text = prefix.trim_ascii_start();
    let starts = |magic: &[u8]| prefix.starts_with(magic);
    let kind = if prefix.is_empty() {
        "an empty file"
    } else if text.is_empty() {
        "a file of only whitespace"
    } else if starts(b"PK\x03\x04") {
        "a ZIP archive (unzip it first)"
    } else if starts(b"\x28\xb5\x2f\xfd") {
        "zstd-compressed data (decompress it first)"
    } else if starts(b"BZh") {
        "bzip2-compressed data (decompress it first)"
    } else if starts(b"\xfd7zXZ") {
        "xz-compressed data (decompress it first)"
    } else if text.starts_with(b"[") {
        "a JSON array, not the object a heap snapshot is"
    } else if text.starts_with(b"# HELP") || text.starts_with(b"# TYPE") || text.starts_with(b"# SCRAPE") {
        "Prometheus metrics text"
    } else if text.starts_with(b"<") {
        "HTML or XML"
    } else if text.starts_with(b"\"") || text[0].is_ascii_digit() {
        "a JSON value that is not an object"
    } else if prefix.iter().any(|&b| b == 0 || (b < 0x20 && !b.is_ascii_whitespace())) {
        return format!("binary data (first bytes {})", hex(&prefix[..prefix.len().min(8)]));
    } else {
        return format!("text starting with `{}`", first_line(text));
    };
    kind.to_owned()
}

/// What a JSON object whose first key is `key` seems to be.
pub(crate) fn describe_first_key(key: &str) -> String {
    let kind = match key {
        "nodes" | "head" | "startTime" => "a CPU profile (`.cpuprofile`)",
        "traceEvents" => "a Chrome trace (trace events JSON)",
        "status" | "data" => "a Prometheus HTTP API response",
        "timestamp" | "rss" | "heapTotal" | "heapUsed" => "a `process.memoryUsage()` record",
        "header" | "javascriptStack" => "a Node.js diagnostic report (`--report`)",
        "version" | "sources" | "mappings" => "a source map",
        _ => {
            return format!(
                "a JSON object whose first key is `{key}` (a heap snapshot starts with `snapshot`)"
            )
        }
    };
    kind.to_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn first_line(text: &[u8]) -> String {
    let line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let shown: String = String::from_utf8_lossy(line).chars().take(40).collect();
    shown.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_foreign_files() {
        assert_eq!(describe_prefix(b""), "an empty file");
        assert!(describe_prefix(b"# HELP process_cpu").contains("Prometheus"));
        assert!(describe_prefix(b"PK\x03\x04rest").contains("ZIP"));
        assert!(describe_prefix(b"  [{\"name\":1}]").contains("JSON array"));
        assert!(describe_prefix(b"\x00\x01\x02").starts_with("binary data (first bytes 00 01 02)"));
        assert_eq!(describe_prefix(b"hello world\nmore"), "text starting with `hello world`");
        assert!(describe_first_key("traceEvents").contains("Chrome trace"));
        assert!(describe_first_key("foo").contains("`foo`"));
    }
}
