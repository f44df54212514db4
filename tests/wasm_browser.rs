//! Browser tests (wasm-bindgen-test in headless Chromium): the core compiled to wasm32 reads the bundled
//! example snapshot fed in chunks, through the same workspace the worker drives.
#![cfg(target_arch = "wasm32")]

use heapscope::protocol::FileInfo;
use heapscope::workspace::Workspace;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLE: &[u8] = include_bytes!("../www/example/mapcache-2.heapsnapshot.gz");

fn open_in_chunks(chunk_bytes: usize) -> FileInfo {
    let mut workspace = Workspace::new();
    workspace.open(1, "mapcache-2.heapsnapshot.gz", EXAMPLE.len() as u64);
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
    let (big, small) = (&big.summary, &small.summary);
    assert_eq!(big.node_count as u64, info_node_count(&open_in_chunks(1 << 16)));
    assert!(big.node_count > 10_000, "a real node snapshot has tens of thousands of nodes");
    assert_eq!(big, small, "the same analysis whatever the chunk size");
    assert!(big.classes.len() > 50 && big.top_objects.len() == 20);
}

fn info_node_count(info: &FileInfo) -> u64 {
    match info {
        FileInfo::Snapshot(snapshot) => snapshot.meta.node_count,
        FileInfo::Metrics(_) => 0,
    }
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
