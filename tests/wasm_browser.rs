//! Browser tests (wasm-bindgen-test in headless Chromium): the core compiled to wasm32 reads the bundled
//! example snapshot fed in chunks, through the same workspace the worker drives.
#![cfg(target_arch = "wasm32")]

use heapscope::workspace::{FileInfo, Workspace};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLE: &[u8] = include_bytes!("../www/example/steady-1.heapsnapshot.gz");

fn open_in_chunks(chunk_bytes: usize) -> FileInfo {
    let mut workspace = Workspace::new();
    workspace.open(1, "steady-1.heapsnapshot.gz", EXAMPLE.len() as u64);
    let mut last_done = 0;
    for chunk in EXAMPLE.chunks(chunk_bytes) {
        let progress = workspace.feed(1, chunk).expect("the example reads");
        assert!(progress.done > last_done, "progress moves forward");
        last_done = progress.done;
    }
    assert_eq!(last_done, EXAMPLE.len() as u64);
    workspace.finish(1, &mut |_| {}).expect("the example analyses")
}

#[wasm_bindgen_test]
fn example_snapshot_reads_the_same_in_any_chunk_size() {
    let FileInfo::Snapshot(big) = open_in_chunks(4 << 20) else { panic!("a snapshot") };
    let FileInfo::Snapshot(small) = open_in_chunks(1000) else { panic!("a snapshot") };
    assert_eq!(big.meta.node_fields[0], "type");
    assert_eq!(big.node_count, big.meta.node_count);
    assert!(big.node_count > 10_000, "a real node snapshot has tens of thousands of nodes");
    assert_eq!((big.node_count, big.edge_count), (small.node_count, small.edge_count));
}

#[wasm_bindgen_test]
fn a_text_file_is_not_a_heap_snapshot() {
    let mut workspace = Workspace::new();
    workspace.open(2, "notes.txt", 12);
    let error =
        workspace.feed(2, b"hello world\n").and_then(|_| workspace.finish(2, &mut |_| {}).map(|_| ()));
    let message = error.expect_err("a text file is refused").message;
    assert!(message.contains("not a heap snapshot"), "{message}");
}
