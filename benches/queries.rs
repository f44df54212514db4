//! Paged queries the page asks while browsing: expanding a dominator-tree node and paging a class's objects
//! (100 rows), before and after the node lists of `snapshot::lists`; the one-time build of each list and its
//! memory; searches.
//!
//! "scan" is the query as it was before the lists (kept here only, to compare): a pass over the dominator or
//! class column, then a selection and a sort of the page. "indexed" is `HeapSnapshot::dominator_children` and
//! `class_instances` once the lists are built. Both build the page's rows.
//!
//! Inputs: the `listeners-3` fixture and, when `HEAPSCOPE_BIG_SNAPSHOT` names one, a large generated snapshot
//! (`node --max-old-space-size=5648 scripts/gen-large-snapshot.js /tmp/heapscope-bench 300`). Run:
//! `HEAPSCOPE_BIG_SNAPSHOT=/tmp/heapscope-bench/large-300mb.heapsnapshot cargo bench --bench queries`. The
//! lists' sizes are printed to stderr.

use std::fs::File;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use heapscope::snapshot::graph::NodeIdx;
use heapscope::snapshot::lists::NodeLists;
use heapscope::snapshot::parse::parse_reader;
use heapscope::snapshot::{HeapSnapshot, NodeRow, SearchField, SearchQuery};

const FIXTURE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshots/listeners-3.heapsnapshot.gz");
/// Rows a page shows.
const PAGE: usize = 100;

fn inputs() -> Vec<(&'static str, HeapSnapshot)> {
    let analysed = |path: &std::ffi::OsStr| {
        let file = File::open(path).expect("a readable snapshot");
        HeapSnapshot::analyze(parse_reader(file, 4 << 20, |_| {}).expect("valid snapshot"))
    };
    let mut inputs = vec![("listeners-3", analysed(FIXTURE.as_ref()))];
    if let Some(path) = std::env::var_os("HEAPSCOPE_BIG_SNAPSHOT") {
        inputs.push(("big", analysed(&path)));
    }
    inputs
}

/// The old paging: select rows `offset..offset + PAGE` of `nodes` in `largest_first` order, sort the page.
fn largest_first_page(
    snapshot: &HeapSnapshot,
    retained: &[u64],
    mut nodes: Vec<NodeIdx>,
    offset: usize,
) -> Vec<NodeRow> {
    let node_id = &snapshot.graph.node_id;
    let order = |a: &NodeIdx, b: &NodeIdx| {
        let (a, b) = (a.0 as usize, b.0 as usize);
        retained[b].cmp(&retained[a]).then(node_id[a].cmp(&node_id[b])).then(a.cmp(&b))
    };
    let start = offset.min(nodes.len());
    let end = (start + PAGE).min(nodes.len());
    if end < nodes.len() {
        nodes.select_nth_unstable_by(end, &order);
        nodes.truncate(end);
    }
    if start > 0 && start < nodes.len() {
        nodes.select_nth_unstable_by(start, &order);
    }
    let mut page = nodes.split_off(start);
    page.sort_unstable_by(&order);
    page.into_iter().map(|n| snapshot.node_row(n)).collect()
}

fn queries(c: &mut Criterion) {
    for (name, snapshot) in inputs() {
        let id = |what: &str| BenchmarkId::new(what.to_owned(), name);
        let n = snapshot.n_nodes();

        let mut group = c.benchmark_group("list_build");
        group.sample_size(10);
        group.bench_function(id("dominator_children"), |b| {
            b.iter(|| NodeLists::dominator_children(&snapshot))
        });
        group.bench_function(id("class_members"), |b| b.iter(|| NodeLists::class_members(&snapshot)));
        group.finish();
        let dominator_bytes = NodeLists::dominator_children(&snapshot).heap_bytes();
        let class_bytes = NodeLists::class_members(&snapshot).heap_bytes();
        eprintln!(
            "{name}: {n} nodes; dominator children list {dominator_bytes} bytes, class members list {class_bytes} bytes"
        );

        // The columns the old scans read, copied out once.
        let retained: Vec<u64> = (0..n as u32).map(|v| snapshot.retained_size(NodeIdx(v))).collect();
        let idom: Vec<u32> = (0..n as u32).map(|v| snapshot.immediate_dominator(NodeIdx(v)).0).collect();
        let rows = snapshot.classes_page(0, usize::MAX).rows;
        let mut row_of = vec![u32::MAX; n];
        for row in &rows {
            for &member in snapshot.class_members(row.class) {
                row_of[member.0 as usize] = row.class;
            }
        }

        // The node with the most children, and the class with the most objects: the widest lists to page.
        let widest =
            (0..n as u32).map(NodeIdx).max_by_key(|&v| snapshot.dominated_nodes(v).len()).expect("nodes");
        let biggest = rows.iter().max_by_key(|row| row.count).expect("classes");
        eprintln!(
            "{name}: widest node {} ({} children), biggest class {} ({} objects)",
            widest.0,
            snapshot.dominated_nodes(widest).len(),
            biggest.name,
            biggest.count
        );

        let mut group = c.benchmark_group("dominator_children");
        group.sample_size(20);
        group.bench_function(id("scan"), |b| {
            b.iter(|| {
                let children: Vec<NodeIdx> = (0..n as u32)
                    .filter(|&v| idom[v as usize] == widest.0 && v != widest.0)
                    .map(NodeIdx)
                    .collect();
                largest_first_page(&snapshot, &retained, children, 0)
            })
        });
        group.bench_function(id("indexed"), |b| b.iter(|| snapshot.dominator_children(widest, 0, PAGE)));
        group.finish();

        let middle = biggest.count as usize / 2;
        let mut group = c.benchmark_group("class_instances");
        group.sample_size(20);
        for (label, offset) in [("first_page", 0), ("middle_page", middle)] {
            group.bench_function(id(&format!("scan_{label}")), |b| {
                b.iter(|| {
                    let members: Vec<NodeIdx> = (0..n as u32)
                        .filter(|&v| {
                            row_of[v as usize] == biggest.class && snapshot.graph.self_size(NodeIdx(v)) != 0
                        })
                        .map(NodeIdx)
                        .collect();
                    largest_first_page(&snapshot, &retained, members, offset)
                })
            });
            group.bench_function(id(&format!("indexed_{label}")), |b| {
                b.iter(|| snapshot.class_instances(biggest.class, offset, PAGE))
            });
        }
        group.finish();

        let mut group = c.benchmark_group("search");
        group.sample_size(10);
        let searches = [
            ("substring", SearchQuery { text: "grace".to_owned(), ..SearchQuery::default() }),
            ("substring_broad", SearchQuery { text: "e".to_owned(), ..SearchQuery::default() }),
            ("regex", SearchQuery { text: r"^Ada\b".to_owned(), regex: true, ..SearchQuery::default() }),
            (
                "class",
                SearchQuery {
                    text: "Customer".to_owned(),
                    field: SearchField::Class,
                    ..SearchQuery::default()
                },
            ),
            (
                "id",
                SearchQuery { text: format!("@{}", snapshot.graph.node_id[n - 1]), ..SearchQuery::default() },
            ),
        ];
        for (label, query) in searches {
            eprintln!("{name}: search {label} finds {}", snapshot.search(&query).expect("valid").len());
            group.bench_function(id(label), |b| b.iter(|| snapshot.search(&query).expect("valid")));
        }
        group.finish();
    }
}

criterion_group!(benches, queries);
criterion_main!(benches);
