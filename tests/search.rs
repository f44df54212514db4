//! Search over corpus snapshots: what `HeapSnapshot::search` finds must be exactly the nodes whose shown
//! name (`node_row`) matches, checked one by one, in the order of every object list (retained size, then
//! id). A string value of the Node 20 fixture (its TLS cipher list, node @16843) is found by substring and
//! by regular expression, a node by `@id`, a class's objects by class name; a bad regex is refused with a
//! message. The Chromium fixture's `Detached <…>` nodes and the listeners fixture's 57 k concatenated strings
//! exercise the names DevTools builds.

use std::fs::File;
use std::path::Path;

use heapscope::snapshot::graph::NodeIdx;
use heapscope::snapshot::parse::parse_reader;
use heapscope::snapshot::{HeapSnapshot, SearchError, SearchField, SearchQuery};

/// The string value searched for, and its node's V8 id.
const CIPHERS: &str = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
const CIPHERS_ID: u32 = 16843;

fn analysed(snapshot_name: &str) -> HeapSnapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/snapshots")
        .join(format!("{snapshot_name}.heapsnapshot.gz"));
    let file = File::open(path).expect("fixture");
    HeapSnapshot::analyze(parse_reader(file, 1 << 20, |_| {}).expect("valid snapshot"))
}

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.to_owned(), ..SearchQuery::default() }
}

/// The nodes whose shown name satisfies `matches`, one `node_row` at a time, in the search's order.
fn scan(snapshot: &HeapSnapshot, matches: impl Fn(&str) -> bool) -> Vec<NodeIdx> {
    let mut found: Vec<(std::cmp::Reverse<u64>, u32, NodeIdx)> = (0..snapshot.n_nodes() as u32)
        .map(|n| snapshot.node_row(NodeIdx(n)))
        .filter(|row| matches(&row.name))
        .map(|row| (std::cmp::Reverse(row.retained_size), row.id, row.node))
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, node)| node).collect()
}

fn ids(snapshot: &HeapSnapshot, nodes: &[NodeIdx]) -> Vec<u32> {
    nodes.iter().map(|&n| snapshot.graph.node_id[n.0 as usize]).collect()
}

#[test]
fn a_string_value_is_found_by_substring_ignoring_case() {
    let snapshot = analysed("mapcache-2");
    let found = snapshot.search(&query("  tls_aes_256_GCM ")).expect("a plain search");
    assert!(ids(&snapshot, &found).contains(&CIPHERS_ID), "{:?}", ids(&snapshot, &found));
    assert_eq!(found, scan(&snapshot, |name| name.to_ascii_lowercase().contains("tls_aes_256_gcm")));

    let exact = SearchQuery { case_sensitive: true, ..query("tls_aes_256_gcm") };
    assert_eq!(
        snapshot.search(&exact).expect("a plain search"),
        scan(&snapshot, |n| n.contains("tls_aes_256_gcm"))
    );
    let page = snapshot.node_page(&found, 0, 1);
    assert_eq!((page.total, page.rows[0].node), (found.len(), found[0]));
}

#[test]
fn a_string_value_is_found_by_regex() {
    let snapshot = analysed("mapcache-2");
    let pattern = SearchQuery { regex: true, case_sensitive: true, ..query(r"^TLS_AES_\d+_GCM_SHA384:") };
    let found = snapshot.search(&pattern).expect("a valid regex");
    assert!(ids(&snapshot, &found).contains(&CIPHERS_ID));
    assert_eq!(found, scan(&snapshot, |name| name.starts_with("TLS_AES_256_GCM_SHA384:")));
    let row = snapshot.node_row(found[0]);
    assert!(row.node_type == "string" && row.name.starts_with(CIPHERS), "{row:?}");

    let lower = SearchQuery { regex: true, case_sensitive: true, ..query(r"^tls_aes_\d+_gcm") };
    assert_eq!(snapshot.search(&lower).expect("a valid regex"), []);
    let caseless = SearchQuery { case_sensitive: false, ..lower };
    assert_eq!(snapshot.search(&caseless).expect("a valid regex"), found);
}

#[test]
fn at_id_finds_the_node_with_that_id() {
    let snapshot = analysed("mapcache-2");
    let found = snapshot.search(&query(&format!(" @{CIPHERS_ID}"))).expect("an id");
    assert_eq!(ids(&snapshot, &found), [CIPHERS_ID]);
    assert_eq!(snapshot.search(&query("@4294967295")).expect("an id"), []);
    assert_eq!(snapshot.search(&query("@99999999999")).expect("an id too large"), []);
    assert_eq!(snapshot.search(&query("   ")).expect("nothing to find"), []);
}

#[test]
fn class_search_lists_the_objects_of_matching_classes() {
    let snapshot = analysed("mapcache-2");
    let rows = snapshot.classes_page(0, usize::MAX).rows;
    let by_class =
        SearchQuery { field: SearchField::Class, regex: true, case_sensitive: true, ..query("^Map$") };
    let found = snapshot.search(&by_class).expect("a valid regex");
    let map = rows.iter().find(|row| row.name == "Map").expect("a Map row");
    assert_eq!(found.len() as u64, map.count);
    let instances = snapshot.class_instances(map.class, 0, usize::MAX);
    assert_eq!(found, instances.rows.iter().map(|row| row.node).collect::<Vec<_>>());

    let loose = SearchQuery { field: SearchField::Class, ..query("map") };
    let count: u64 =
        rows.iter().filter(|row| row.name.to_lowercase().contains("map")).map(|row| row.count).sum();
    assert_eq!(snapshot.search(&loose).expect("a plain search").len() as u64, count);
}

#[test]
fn built_names_are_searched_as_shown() {
    let snapshot = analysed("domleak-2");
    let found = snapshot.search(&query("detached <")).expect("a plain search");
    assert!(!found.is_empty());
    assert_eq!(found, scan(&snapshot, |name| name.to_ascii_lowercase().contains("detached <")));
}

#[test]
fn a_bad_regex_is_refused_with_a_message() {
    let snapshot = analysed("mapcache-2");
    let bad = SearchQuery { regex: true, ..query("user-(\\d+") };
    let error = snapshot.search(&bad).expect_err("an unclosed group");
    assert!(matches!(error, SearchError::InvalidRegex(_)));
    let message = error.to_string();
    assert!(message.starts_with("invalid regular expression: ") && message.len() > 30, "{message}");
}

#[test]
fn concatenated_strings_are_searched_by_their_text() {
    let snapshot = analysed("listeners-3");
    // Texts with no spaces around them: the search trims its query.
    for text in ["e", "listener", "ng s"] {
        let found = snapshot.search(&query(text)).expect("a plain search");
        assert_eq!(found, scan(&snapshot, |name| name.to_ascii_lowercase().contains(text)), "{text}");
    }
    let found = snapshot.search(&query("e")).expect("a plain search");
    let concatenated = found.iter().filter(|&&n| snapshot.node_row(n).node_type == "concatenated string");
    assert!(concatenated.count() > 1000);
}
