//! The Retainers and References lists of single objects, and the object lists of classes, against Chrome
//! DevTools' own, on a Node 20, a Chromium and a Node 22 snapshot of the fixtures.
//!
//! The oracle files in `tests/fixtures/oracle/` were made by `scripts/devtools-lists.mjs` (DevTools' worker
//! code, the oracle's bundle): `NAME.retainers.devtools.json.gz` (step 499) holds, for every 499th node and the
//! five with the most retainers (up to 3000), DevTools' Retainers list (its default filter: no weak retainers,
//! none from the root; its order) and References list, each edge as the other end's id, edge type and edge
//! name; `NAME.instances.devtools.json.gz` the first 40 objects of the 12 largest classes in the Summary's
//! order by retained size (ties by id), each with its id, name, type, shallow and retained size and distance,
//! and each class's count; `NAME.dominators.devtools.json.gz` the immediate dominator of every node,
//! `NAME.retained.devtools.json.gz` every node's retained size and distance and `NAME.names.devtools.json.gz`
//! every node's class name (by node ordinal). heapscope's `retainers`, `edges`, `class_instances`,
//! `immediate_dominator` and `node_row` must give the same; `dominator_children` must list, for every node,
//! the nodes DevTools says it dominates in DevTools' order (retained size, then id), and every class's pages
//! must add up to its Summary row.

use std::fs::File;
use std::path::Path;

use flate2::read::GzDecoder;
use heapscope::snapshot::graph::NodeIdx;
use heapscope::snapshot::parse::parse_reader;
use heapscope::snapshot::HeapSnapshot;
use serde_json::Value;

fn fixture(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative)
}

/// A fixture snapshot, analysed.
fn analysed(snapshot_name: &str) -> HeapSnapshot {
    let file = File::open(fixture(&format!("snapshots/{snapshot_name}.heapsnapshot.gz"))).expect("fixture");
    HeapSnapshot::analyze(parse_reader(file, 1 << 20, |_| {}).expect("valid snapshot"))
}

/// The snapshot's oracle file of `kind` (`retainers`, `instances`, `dominators`, `retained` or `names`).
fn oracle(snapshot_name: &str, kind: &str) -> Value {
    let file =
        File::open(fixture(&format!("oracle/{snapshot_name}.{kind}.devtools.json.gz"))).expect("oracle");
    serde_json::from_reader(GzDecoder::new(file)).expect("oracle JSON")
}

/// Every check of this file on one snapshot, analysed once.
fn check_snapshot(snapshot_name: &str) {
    let snapshot = analysed(snapshot_name);
    check_lists(&snapshot, snapshot_name);
    check_instances(&snapshot, snapshot_name);
    check_every_node(&snapshot, snapshot_name);
    check_dominator_children(&snapshot, snapshot_name);
    check_class_pages(&snapshot, snapshot_name);
}

#[test]
fn node20_snapshot_matches_devtools() {
    check_snapshot("mapcache-2");
}

#[test]
fn chromium_snapshot_matches_devtools() {
    check_snapshot("domleak-2");
}

#[test]
fn node22_snapshot_matches_devtools() {
    check_snapshot("node22-closure-2");
}

/// The Retainers and References lists of the sampled objects.
fn check_lists(snapshot: &HeapSnapshot, snapshot_name: &str) {
    let expected = oracle(snapshot_name, "retainers");
    let nodes = expected["nodes"].as_array().expect("nodes");
    assert!(nodes.len() > 100);
    let mut problems = Vec::new();
    for entry in nodes {
        let id = entry["id"].as_u64().expect("id") as u32;
        let node = snapshot.node_by_id(id).expect("the node DevTools names exists");
        let lists = [
            ("retainers", snapshot.retainers(node, 0, usize::MAX)),
            ("references", snapshot.edges(node, 0, usize::MAX)),
        ];
        for (list, page) in lists {
            let ours = serde_json::json!(page
                .rows
                .iter()
                .map(|row| serde_json::json!([row.node.id, row.edge_type, row.edge_name]))
                .collect::<Vec<_>>());
            if ours != entry[list] || page.total != page.rows.len() {
                problems.push(format!(
                    "@{id} {list}: DevTools {}, heapscope {ours} (total {})",
                    entry[list], page.total
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{snapshot_name}: {} of {} nodes differ:\n{}",
        problems.len(),
        nodes.len(),
        problems.join("\n")
    );
}

/// The first objects of the largest classes, with their numbers.
fn check_instances(snapshot: &HeapSnapshot, snapshot_name: &str) {
    let expected = oracle(snapshot_name, "instances");
    let rows = snapshot.classes_page(0, usize::MAX).rows;
    let classes = expected["classes"].as_array().expect("classes");
    assert_eq!(classes.len(), 12);
    let mut problems = Vec::new();
    for class in classes {
        let key = class["key"].as_str().expect("key");
        let row = rows.iter().find(|row| row.key == key).expect("DevTools' class is in the Summary");
        let theirs = class["objects"].as_array().expect("objects");
        let page = snapshot.class_instances(row.class, 0, theirs.len());
        if page.total as u64 != class["total"].as_u64().unwrap() {
            problems.push(format!("{key}: DevTools counts {}, heapscope {}", class["total"], page.total));
        }
        if page.rows.len() != theirs.len() {
            problems.push(format!("{key}: DevTools lists {}, heapscope {}", theirs.len(), page.rows.len()));
        }
        for (object, node) in theirs.iter().zip(&page.rows) {
            let ours = serde_json::json!([
                node.id,
                node.name,
                node.node_type,
                node.self_size,
                node.retained_size,
                node.distance
            ]);
            if &ours != object {
                problems.push(format!("{key}: DevTools {object}, heapscope {ours}"));
            }
        }
    }
    assert!(problems.is_empty(), "{snapshot_name}:\n{}", problems.join("\n"));
}

/// Every node's immediate dominator, retained size, distance and class name.
fn check_every_node(snapshot: &HeapSnapshot, snapshot_name: &str) {
    let dominators = oracle(snapshot_name, "dominators");
    let retained = oracle(snapshot_name, "retained");
    let names = oracle(snapshot_name, "names");
    let class_names = names["class_names"].as_array().expect("class names");
    assert_eq!(class_names.len(), snapshot.n_nodes());
    let dominators = dominators["dominators"].as_array().expect("dominators");
    let sizes = retained["retained"].as_array().expect("retained sizes");
    let distances = retained["distances"].as_array().expect("distances");
    assert_eq!(dominators.len(), snapshot.n_nodes());
    assert_eq!(sizes.len(), snapshot.n_nodes());
    assert_eq!(distances.len(), snapshot.n_nodes());
    let mut differing = Vec::new();
    for node in 0..snapshot.n_nodes() {
        let row = snapshot.node_row(NodeIdx(node as u32));
        let dominator = snapshot.immediate_dominator(NodeIdx(node as u32)).0;
        let ours = serde_json::json!([dominator, row.retained_size, row.distance, row.class_name]);
        let theirs = serde_json::json!([dominators[node], sizes[node], distances[node], class_names[node]]);
        if ours != theirs {
            differing.push(format!("node {node}: DevTools {theirs}, heapscope {ours}"));
        }
    }
    assert!(
        differing.is_empty(),
        "{snapshot_name}: {} of {} nodes differ in [dominator, retained size, distance, class], first: {:?}",
        differing.len(),
        snapshot.n_nodes(),
        &differing[..differing.len().min(10)]
    );
}

/// Every node's dominator-tree children against DevTools' dominators, sorted as DevTools sorts by retained
/// size (ties by id); pages of the node with the most children add up to the whole list.
fn check_dominator_children(snapshot: &HeapSnapshot, snapshot_name: &str) {
    let dominators = oracle(snapshot_name, "dominators");
    let retained = oracle(snapshot_name, "retained");
    let dominators = dominators["dominators"].as_array().expect("dominators");
    let sizes: Vec<u64> = retained["retained"]
        .as_array()
        .expect("retained sizes")
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    let ids = &snapshot.graph.node_id;
    let mut expected: Vec<Vec<u32>> = vec![Vec::new(); snapshot.n_nodes()];
    for (node, dominator) in dominators.iter().enumerate().skip(1) {
        expected[dominator.as_u64().expect("dominator") as usize].push(node as u32);
    }
    let mut differing = Vec::new();
    for (parent, children) in expected.iter_mut().enumerate() {
        children.sort_by_key(|&n| (std::cmp::Reverse(sizes[n as usize]), ids[n as usize], n));
        let ours: Vec<u32> = snapshot.dominated_nodes(NodeIdx(parent as u32)).iter().map(|n| n.0).collect();
        if &ours != children {
            differing.push(format!("node {parent}: DevTools {children:?}, heapscope {ours:?}"));
        }
    }
    assert!(
        differing.is_empty(),
        "{snapshot_name}: {} nodes' dominator children differ, first: {:?}",
        differing.len(),
        &differing[..differing.len().min(3)]
    );

    let widest = (0..expected.len()).max_by_key(|&n| expected[n].len()).expect("nodes");
    let mut paged = Vec::new();
    for offset in (0..expected[widest].len() + 10).step_by(10) {
        let page = snapshot.dominator_children(NodeIdx(widest as u32), offset, 10);
        assert_eq!(page.total, expected[widest].len());
        paged.extend(page.rows.iter().map(|row| row.node.0));
    }
    assert_eq!(paged, expected[widest], "{snapshot_name}: pages of node {widest}'s children");
}

/// Every Summary row's objects, paged: as many as the row counts, of its class, their shallow sizes adding
/// up to the row's, largest retained size first (ties by id), each object in one row only.
fn check_class_pages(snapshot: &HeapSnapshot, snapshot_name: &str) {
    let mut seen = vec![false; snapshot.n_nodes()];
    for row in snapshot.classes_page(0, usize::MAX).rows {
        let mut objects = Vec::new();
        for offset in (0..row.count as usize + 50).step_by(50) {
            let page = snapshot.class_instances(row.class, offset, 50);
            assert_eq!(page.total as u64, row.count, "{snapshot_name} {}: total", row.key);
            objects.extend(page.rows);
        }
        assert_eq!(objects.len() as u64, row.count, "{snapshot_name} {}: objects", row.key);
        assert_eq!(objects.iter().map(|o| o.self_size).sum::<u64>(), row.shallow_size, "{}", row.key);
        for object in &objects {
            assert_eq!(object.class_name, row.name, "{snapshot_name}: @{} in {}", object.id, row.key);
            assert!(!std::mem::replace(&mut seen[object.node.0 as usize], true), "@{} twice", object.id);
        }
        assert!(
            objects.windows(2).all(|w| (std::cmp::Reverse(w[0].retained_size), w[0].id)
                <= (std::cmp::Reverse(w[1].retained_size), w[1].id)),
            "{snapshot_name} {}: objects out of order",
            row.key
        );
    }
}
