//! The workspace as the worker and the CLI drive it: real corpus files fed in chunks of every size, the
//! first view and paged queries checked against DevTools' numbers, and bad input refused with a clear error.

use std::io::Read;

use heapscope::protocol::Query;
use heapscope::protocol::{Answer, FileInfo};
use heapscope::workspace::Workspace;

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("a gzip fixture");
    out
}

fn open(
    workspace: &mut Workspace,
    handle: u32,
    name: &str,
    bytes: &[u8],
    chunk: usize,
) -> Result<FileInfo, String> {
    workspace.open(handle, name, bytes.len() as u64);
    for piece in bytes.chunks(chunk) {
        workspace.feed(handle, piece).map_err(|e| e.message)?;
    }
    workspace.finish(handle, &mut |_| {}).map_err(|e| e.message)
}

fn oracle(series: &str, file: &str) -> serde_json::Value {
    let all: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("oracle/{series}.devtools.json"))).expect("oracle json");
    let files = all["files"].as_array().expect("files");
    files.iter().find(|f| f["file"] == file).expect("the file in the oracle")["devtools"].clone()
}

#[test]
fn gzipped_and_plain_snapshots_give_devtools_first_view_in_any_chunking() {
    let gz = fixture("snapshots/timers-2.heapsnapshot.gz");
    let plain = gunzip(&gz);
    let expected = oracle("timers", "timers-2.heapsnapshot");
    let mut workspace = Workspace::new();
    for (handle, bytes, chunk) in [(1, &gz, 7919), (2, &plain, 1 << 20), (3, &plain, 65_537)] {
        let Ok(FileInfo::Snapshot(info)) = open(&mut workspace, handle, "timers-2", bytes, chunk) else {
            panic!("a snapshot")
        };
        assert_eq!(info.summary.node_count as u64, expected["node_count"].as_u64().unwrap());
        assert_eq!(info.summary.edge_count as u64, expected["edge_count"].as_u64().unwrap());
        assert_eq!(info.summary.total_size, expected["total_self_size"].as_u64().unwrap());
        let top = &expected["top_classes_by_retained"][0];
        assert_eq!(info.summary.classes[0].key, top["key"].as_str().unwrap());
        assert_eq!(info.summary.classes[0].retained_size, top["retained_size"].as_u64().unwrap());
    }
}

#[test]
fn paged_queries_answer_with_pages_and_totals() {
    let mut workspace = Workspace::new();
    let gz = fixture("snapshots/mapcache-2.heapsnapshot.gz");
    let Ok(FileInfo::Snapshot(info)) = open(&mut workspace, 7, "mapcache-2", &gz, 1 << 22) else { panic!() };
    let cached = info.summary.classes.iter().find(|c| c.name == "CachedResponse").expect("the leaking class");
    let Ok(Answer::Nodes(page)) =
        workspace.query(7, &Query::Instances { class: cached.class, offset: 10, limit: 5 })
    else {
        panic!("instances")
    };
    assert_eq!((page.offset, page.total, page.rows.len()), (10, cached.count as usize, 5));
    let object = &page.rows[0];
    assert_eq!(object.class_name, "CachedResponse");
    let Ok(Answer::Edges(path)) =
        workspace.query(7, &Query::PathToRoot { node: object.node, offset: 0, limit: 100 })
    else {
        panic!("path")
    };
    assert_eq!(path.rows.last().expect("a path").node.node, object.node, "the path ends at the object");
    assert!(path.rows.iter().any(|step| step.edge_name == "responseCache"), "the module-level Map holds it");
    let Ok(Answer::Nodes(found)) = workspace.query(7, &Query::NodeById { id: object.id }) else { panic!() };
    assert_eq!(found.rows[0].node, object.node);
    // V8's ids of objects are odd: no object has an even id above the root's, so nothing is found.
    let Ok(Answer::Nodes(none)) = workspace.query(7, &Query::NodeById { id: object.id + 1 }) else {
        panic!()
    };
    assert_eq!((none.total, none.rows.len()), (0, 0));
}

#[test]
fn queries_about_nodes_that_do_not_exist_are_errors() {
    let mut workspace = Workspace::new();
    let gz = fixture("snapshots/steady-1.heapsnapshot.gz");
    open(&mut workspace, 1, "steady-1", &gz, 1 << 20).expect("loads");
    let error = workspace
        .query(
            1,
            &Query::Retainers {
                node: heapscope::snapshot::graph::NodeIdx(u32::MAX),
                offset: 0,
                limit: 10,
                by_distance: false,
            },
        )
        .unwrap_err();
    assert!(error.message.contains("there is no node"), "{}", error.message);
    let error = workspace
        .query(
            99,
            &Query::Classes {
                offset: 0,
                limit: 10,
                filter: String::new(),
                order: Default::default(),
                ascending: false,
            },
        )
        .unwrap_err();
    assert!(error.message.contains("not loaded"), "{}", error.message);
}

#[test]
fn wrong_and_broken_files_get_a_message_saying_what_is_wrong() {
    let mut workspace = Workspace::new();
    let cases: [(&str, &[u8], &str); 5] = [
        ("notes.txt", b"dear diary, today my heap grew\n", "not a heap snapshot"),
        ("notes.zip", b"PK\x03\x04\x14\0\0\0", "a ZIP archive (unzip it first)"),
        ("empty.heapsnapshot", b"", "empty"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary data (first bytes 89 50 4e 47"),
        ("cut.heapsnapshot", b"{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\"", "truncated"),
    ];
    for (handle, (name, bytes, expected)) in cases.into_iter().enumerate() {
        let error = open(&mut workspace, handle as u32, name, bytes, 3).expect_err(name);
        assert!(error.starts_with(name), "{error}");
        assert!(error.contains(expected), "{name}: {error}");
    }
    let gz = fixture("snapshots/steady-1.heapsnapshot.gz");
    let plain = gunzip(&gz);
    let error = open(&mut workspace, 9, "half", &plain[..plain.len() / 2], 1 << 20).expect_err("half a file");
    assert!(error.contains("truncated"), "{error}");
}

#[test]
fn metrics_files_get_a_verdict_and_a_chart() {
    let mut workspace = Workspace::new();
    let bytes = fixture("metrics/corpus/listeners.memusage.ndjson");
    let Ok(FileInfo::Metrics(info)) = open(&mut workspace, 1, "listeners.memusage.ndjson", &bytes, 100)
    else {
        panic!("metrics")
    };
    assert_eq!(info.report.verdict.as_str(), "leak");
    assert!(info.memory_chart_svg.starts_with("<svg"), "an SVG chart");
}

#[test]
fn the_class_filter_pages_through_matching_classes_only() {
    let mut workspace = Workspace::new();
    let bytes = fixture("snapshots/mapcache-2.heapsnapshot.gz");
    open(&mut workspace, 1, "mapcache-2", &bytes, 1 << 20).expect("a snapshot");
    let classes = |filter: &str, offset, limit| match workspace
        .query(
            1,
            &Query::Classes {
                offset,
                limit,
                filter: filter.to_owned(),
                order: Default::default(),
                ascending: false,
            },
        )
        .expect("an answer")
    {
        Answer::Classes(page) => page,
        other => panic!("classes, not {other:?}"),
    };
    let all = classes("", 0, u32::MAX);
    // "map" matches Map, WeakMap, system / Map and more, in any case; the filter keeps the Summary's order and
    // each row's position in it.
    let expected: Vec<_> =
        all.rows.iter().filter(|row| row.name.to_lowercase().contains("map")).cloned().collect();
    assert!(expected.len() > 3, "{} classes mention map", expected.len());
    let first = classes("MaP", 0, 2);
    assert_eq!(first.total, expected.len());
    assert_eq!(first.rows, expected[..2]);
    let rest = classes("MaP", 2, u32::MAX);
    assert_eq!(rest.rows, expected[2..]);
    assert_eq!(classes("no class has this name", 0, 10).total, 0);
}

/// The page's questions about several snapshots: the Comparison, one class's new objects page by page, and
/// the leak report over a series (the worker answers these for the Comparison and Leaks views).
#[test]
fn questions_about_a_series_of_snapshots() {
    let mut workspace = Workspace::new();
    for i in 1..=3 {
        let gz = fixture(&format!("snapshots/mapcache-{i}.heapsnapshot.gz"));
        open(&mut workspace, i, &format!("mapcache-{i}"), &gz, 1 << 20).expect("loads");
    }
    let Ok(Answer::Comparison(rows)) = workspace.query(2, &Query::Compare { base: 1 }) else {
        panic!("a comparison")
    };
    let cached = rows.iter().find(|r| r.name == "CachedResponse").expect("CachedResponse row");
    assert_eq!((cached.new_count, cached.deleted_count), (3000, 0));
    let key = cached.key.clone();
    let page = |offset| {
        let query = Query::CompareObjects { base: 1, key: key.clone(), deleted: false, offset, limit: 20 };
        match workspace.query(2, &query) {
            Ok(Answer::Nodes(page)) => page,
            other => panic!("a page of objects, got {other:?}"),
        }
    };
    let (first, last) = (page(0), page(2990));
    assert_eq!((first.total, first.rows.len(), last.rows.len()), (3000, 20, 10));
    assert!(first.rows.iter().all(|r| r.class_name == "CachedResponse"));
    let Ok(Answer::Leaks(report)) = workspace.query(3, &Query::Leaks { earlier: vec![1, 2] }) else {
        panic!("a leak report")
    };
    let suspect = report.suspects.first().expect("a suspect");
    assert_eq!(suspect.kind, "collection");
    assert!(suspect.owner_path.ends_with("responseCache (Map)"), "{}", suspect.owner_path);
    assert_eq!(report.survivors.as_ref().map(|s| s.total_count), Some(16_706));
    let error = workspace.query(3, &Query::Compare { base: 99 }).unwrap_err();
    assert!(error.message.contains("#99"), "{}", error.message);
}

/// The Summary sorts by each of its columns either way (ties by name), and keeps the same rows; the retainer
/// tree's retainers are DevTools' Retainers nearest to a GC root first.
#[test]
fn the_summary_sorts_by_any_column_and_retainers_come_nearest_first() {
    use heapscope::protocol::ClassOrder;
    let mut workspace = Workspace::new();
    let bytes = fixture("snapshots/mapcache-2.heapsnapshot.gz");
    open(&mut workspace, 1, "mapcache-2", &bytes, 1 << 20).expect("a snapshot");
    let classes = |order, ascending| match workspace
        .query(1, &Query::Classes { offset: 0, limit: u32::MAX, filter: String::new(), order, ascending })
        .expect("an answer")
    {
        Answer::Classes(page) => page.rows,
        other => panic!("classes, not {other:?}"),
    };
    let default = classes(ClassOrder::RetainedSize, false);
    let mut default_keys: Vec<_> = default.iter().map(|r| r.key.clone()).collect();
    default_keys.sort();
    for order in [ClassOrder::Name, ClassOrder::Count, ClassOrder::ShallowSize, ClassOrder::Distance] {
        for ascending in [false, true] {
            let rows = classes(order, ascending);
            let value = |r: &heapscope::snapshot::ClassRow| match order {
                ClassOrder::Count => r.count as i64,
                ClassOrder::ShallowSize => r.shallow_size as i64,
                ClassOrder::Distance => i64::from(r.distance),
                _ => 0,
            };
            for pair in rows.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                let by_column = match order {
                    ClassOrder::Name => a.name.cmp(&b.name),
                    _ => value(a).cmp(&value(b)),
                };
                let by_column = if ascending { by_column } else { by_column.reverse() };
                assert!(
                    by_column.then_with(|| a.name.cmp(&b.name)).is_le(),
                    "{order:?} {ascending}: {a:?} before {b:?}"
                );
            }
            let mut keys: Vec<_> = rows.iter().map(|r| r.key.clone()).collect();
            keys.sort();
            assert_eq!(keys, default_keys, "{order:?} keeps every row");
        }
    }
    // The largest Map's retainers: the same edges as DevTools' Retainers, nearest to a root first.
    let map = default.iter().find(|r| r.name == "Map").expect("Map objects").class;
    let Answer::Nodes(maps) =
        workspace.query(1, &Query::Instances { class: map, offset: 0, limit: 1 }).unwrap()
    else {
        panic!("nodes")
    };
    let node = maps.rows[0].node;
    let edges = |by_distance| match workspace
        .query(1, &Query::Retainers { node, offset: 0, limit: u32::MAX, by_distance })
        .expect("an answer")
    {
        Answer::Edges(page) => page.rows,
        other => panic!("edges, not {other:?}"),
    };
    let (listed, nearest) = (edges(false), edges(true));
    let ids = |rows: &[heapscope::snapshot::EdgeRow]| {
        let mut ids: Vec<_> = rows.iter().map(|r| (r.node.id, r.edge_name.clone())).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&listed), ids(&nearest));
    assert!(nearest.windows(2).all(|w| w[0].node.distance <= w[1].node.distance), "{nearest:?}");
}
