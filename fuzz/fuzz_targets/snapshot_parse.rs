//! Fuzz target: the snapshot parser on arbitrary bytes, fed whole and in chunks.
//!
//! The first input byte picks the chunk size (1 to 256 bytes); the rest is the file. Any outcome is fine
//! except a panic, a hang, or chunking changing the outcome (for gzip input, which error wins may vary).
//! Run from `fuzz/`:
//! `cargo +nightly fuzz run snapshot_parse seeds -- -dict=snapshot.dict`.

#![no_main]

use heapscope::snapshot::graph::HeapGraph;
use heapscope::snapshot::parse::{ParseError, SnapshotParser};
use libfuzzer_sys::fuzz_target;

fn parse(bytes: &[u8], chunk_size: usize) -> Result<HeapGraph, ParseError> {
    let mut parser = SnapshotParser::new();
    for chunk in bytes.chunks(chunk_size) {
        parser.feed(chunk)?;
    }
    parser.finish()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else { return };
    let whole = parse(file, file.len().max(1));
    let chunked = parse(file, usize::from(selector) + 1);
    match (whole, chunked) {
        (Ok(mut a), Ok(b)) => {
            assert!(a == b, "chunking changed the graph");
            a.build_retainers();
        }
        (Err(a), Err(b)) => {
            // Inside gzip, how much text precedes a corrupt spot depends on the decoder's buffering, so
            // the text reader or the gzip layer may speak first; plain text must agree exactly.
            if !file.starts_with(&[0x1f, 0x8b]) {
                assert_eq!(a.kind, b.kind, "chunking changed the error");
            }
            assert!(!a.to_string().is_empty() && !b.to_string().is_empty());
        }
        (a, b) => panic!("chunking changed the outcome: {a:?} vs {b:?}"),
    }
});
