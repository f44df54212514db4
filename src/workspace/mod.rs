//! The loaded files, by handle, and the answers to every query about them.
//!
//! The workspace is plain Rust between the parsers and the messages: the worker feeds it the chunks it reads
//! from a `File`, the CLI feeds it a file from disk, and both ask it the same [`Query`]s. It decides what a
//! file is from its first bytes ([`sniff`]), streams heap snapshots through the incremental parser (the file
//! is never held whole), and buffers metric files, which are small, until their end.

mod sniff;

use rustc_hash::FxHashMap;

use crate::chart::{gc_pause_chart_svg, memory_chart_svg};
use crate::leaks::digest::Digest;
use crate::leaks::LeakReport;
use crate::metrics::trend::{analyze, TrendOptions};
use crate::metrics::{ErrorKind, MetricsError, MetricsFile};
use crate::protocol::{
    Answer, ClassOrder, ErrorReport, FileInfo, Handle, MetricsInfo, Phase, Progress, Query, SnapshotInfo,
    FIRST_CLASSES, FIRST_OBJECTS,
};
use crate::report::{Report, ReportOptions};
use crate::snapshot::analysis::{AnalysisPhase, HeapSnapshot};
use crate::snapshot::compare::{compare, ClassDiffRow, Comparison};
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::parse::{describe_prefix, SnapshotParser, PREFIX_LEN};
use crate::snapshot::queries::{ClassRow, Page};
use crate::snapshot::SearchQuery;

pub use sniff::{sniff, Kind};

/// The largest metrics file the workspace buffers (metrics are parsed whole; snapshots stream).
pub const MAX_METRICS_BYTES: usize = 1 << 30;

/// A file being read.
enum Loading {
    /// Too few bytes so far to tell what the file is.
    Sniffing(Vec<u8>),
    Snapshot(Box<SnapshotParser>),
    /// Metric files are small next to snapshots and their formats are line-based or JSON: they are kept
    /// and parsed at the end.
    Metrics(Vec<u8>),
}

/// A file that has been read and analysed.
enum Loaded {
    /// An analysed snapshot and its file's name (reports name snapshots by it).
    Snapshot { snapshot: Box<HeapSnapshot>, name: String },
    /// A metrics file, kept so that it can be combined with others into one timeline.
    Metrics { file: Box<MetricsFile>, file_bytes: u64 },
}

/// An entry of the workspace: a file on its way in or ready for queries.
enum Entry {
    Loading { name: String, size: u64, read: u64, loading: Loading },
    Loaded(Loaded),
}

/// Every file the user opened, by the handle the caller chose.
#[derive(Default)]
pub struct Workspace {
    entries: FxHashMap<Handle, Entry>,
    /// The last Comparison asked for, by (base, current): its pages come one query at a time.
    comparison: std::cell::RefCell<Option<((Handle, Handle), Comparison)>>,
    /// The last search's matches, by (snapshot, query): its pages come one query at a time.
    search: std::cell::RefCell<Option<KeptSearch>>,
    /// The last leak report, by its series (oldest first): the Overview and the Leaks view ask for it again.
    leaks: std::cell::RefCell<Option<(Vec<Handle>, Box<LeakReport>)>>,
}

/// A search's matches, by the snapshot and query they answer.
type KeptSearch = ((Handle, SearchQuery), Vec<NodeIdx>);

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts reading a file of `size` bytes (0 when unknown). Replaces any file under the same handle.
    pub fn open(&mut self, handle: Handle, name: &str, size: u64) {
        let loading = Loading::Sniffing(Vec::new());
        self.forget_kept_answers_of(handle);
        self.entries.insert(handle, Entry::Loading { name: name.to_owned(), size, read: 0, loading });
    }

    /// Whether `handle` names a file that is being read: opened, and not yet finished, failed or closed.
    pub fn is_reading(&self, handle: Handle) -> bool {
        matches!(self.entries.get(&handle), Some(Entry::Loading { .. }))
    }

    /// Feeds the next chunk of a file; returns the reading progress. After an error the file is dropped.
    pub fn feed(&mut self, handle: Handle, chunk: &[u8]) -> Result<Progress, ErrorReport> {
        let result = self.feed_entry(handle, chunk);
        if result.is_err() {
            self.entries.remove(&handle);
        }
        result
    }

    fn feed_entry(&mut self, handle: Handle, chunk: &[u8]) -> Result<Progress, ErrorReport> {
        let Some(Entry::Loading { name, size, read, loading }) = self.entries.get_mut(&handle) else {
            return Err(ErrorReport::new(format!("file #{handle} is not being read")));
        };
        *read += chunk.len() as u64;
        feed_loading(loading, chunk, false).map_err(|e| located(name, e))?;
        Ok(Progress { handle, phase: Phase::Reading, done: *read, total: (*size).max(*read) })
    }

    /// Ends a file's input, analyses it and returns what the page shows first.
    pub fn finish(
        &mut self,
        handle: Handle,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<FileInfo, ErrorReport> {
        let Some(Entry::Loading { name, read, mut loading, .. }) = self.entries.remove(&handle) else {
            return Err(ErrorReport::new(format!("file #{handle} is not being read")));
        };
        feed_loading(&mut loading, &[], true).map_err(|e| located(&name, e))?;
        let (loaded, info) = match loading {
            Loading::Sniffing(_) => return Err(located(&name, ErrorReport::new("the file is empty"))),
            Loading::Snapshot(parser) => {
                let meta = parser.meta().cloned();
                let graph = parser.finish().map_err(|e| located(&name, ErrorReport::new(e.to_string())))?;
                let meta = meta.ok_or_else(|| located(&name, ErrorReport::new("no snapshot header")))?;
                let total = AnalysisPhase::ALL.len() as u64;
                let snapshot = HeapSnapshot::analyze_with_progress(graph, &mut |phase| {
                    let done = AnalysisPhase::ALL.iter().position(|p| *p == phase).unwrap_or(0) as u64;
                    progress(Progress { handle, phase: Phase::Analysing, done, total });
                });
                let summary = snapshot.summary(FIRST_CLASSES, FIRST_OBJECTS);
                let class_count = snapshot.classes_page(0, 0).total;
                let info = FileInfo::Snapshot(SnapshotInfo {
                    name: name.clone(),
                    file_bytes: read,
                    meta,
                    summary,
                    class_count,
                    max_js_object_id: snapshot.max_js_object_id(),
                    analyser_memory_bytes: None,
                });
                (Loaded::Snapshot { snapshot: Box::new(snapshot), name }, info)
            }
            Loading::Metrics(bytes) => {
                progress(Progress { handle, phase: Phase::Analysing, done: 0, total: 1 });
                let file =
                    crate::metrics::parse(&name, &bytes).map_err(|e| metrics_error(&name, &bytes, e))?;
                let info = metrics_info(&file, read);
                (Loaded::Metrics { file: Box::new(file), file_bytes: read }, FileInfo::Metrics(info))
            }
        };
        self.entries.insert(handle, Entry::Loaded(loaded));
        Ok(info)
    }

    /// Merges loaded metrics files (say a memoryUsage log, its `--trace-gc` log and the snapshot events, or
    /// clinic doctor's three files) into one timeline under `handle`, and analyses it.
    pub fn combine(&mut self, handle: Handle, sources: &[Handle]) -> Result<FileInfo, ErrorReport> {
        let mut files = Vec::with_capacity(sources.len());
        let mut file_bytes = 0;
        for source in sources {
            match self.entries.get(source) {
                Some(Entry::Loaded(Loaded::Metrics { file, file_bytes: bytes })) => {
                    files.push((**file).clone());
                    file_bytes += bytes;
                }
                _ => return Err(ErrorReport::new(format!("file #{source} is not a loaded metrics file"))),
            }
        }
        if files.len() < 2 {
            return Err(ErrorReport::new("combining needs at least two metrics files"));
        }
        let combined = crate::metrics::combine(files);
        let info = metrics_info(&combined, file_bytes);
        let loaded = Loaded::Metrics { file: Box::new(combined), file_bytes };
        self.entries.insert(handle, Entry::Loaded(loaded));
        Ok(FileInfo::Metrics(info))
    }

    /// Builds a loaded snapshot's lists (dominator-tree children, objects per class) now rather than on the
    /// first tree opened; nothing for other files.
    pub fn prepare_lists(&self, handle: Handle) {
        if let Ok(snapshot) = self.snapshot(handle) {
            snapshot.dominated_nodes(NodeIdx(0));
            snapshot.class_members(0);
        }
    }

    /// Answers a query about a loaded file.
    pub fn query(&self, handle: Handle, query: &Query) -> Result<Answer, ErrorReport> {
        if let Query::Report { snapshots, metrics, include_strings } = query {
            let report =
                self.report(snapshots, metrics, ReportOptions { include_strings: *include_strings })?;
            let json = serde_json::to_string_pretty(&report)
                .map_err(|e| ErrorReport::new(format!("cannot write the report as JSON: {e}")))?;
            return Ok(Answer::Report { html: crate::report::html(&report), json });
        }
        let snapshot = self.snapshot(handle)?;
        match query {
            Query::Compare { base } => {
                let comparison = self.comparison(*base, handle)?;
                Ok(Answer::Comparison(comparison.classes.iter().map(ClassDiffRow::from).collect()))
            }
            Query::CompareObjects { base, key, deleted, offset, limit } => {
                let comparison = self.comparison(*base, handle)?;
                let (of, nodes) = match comparison.class(key) {
                    Some(class) if *deleted => (self.snapshot(*base)?, class.deleted.clone()),
                    Some(class) => (snapshot, class.added.clone()),
                    None => (snapshot, Vec::new()),
                };
                Ok(Answer::Nodes(of.node_page(&nodes, *offset as usize, *limit as usize)))
            }
            Query::Leaks { earlier } => {
                let series: Vec<Handle> = earlier.iter().copied().chain([handle]).collect();
                let kept = self.leaks.borrow().as_ref().filter(|(s, _)| *s == series).map(|(_, r)| r.clone());
                if let Some(report) = kept {
                    return Ok(Answer::Leaks(report));
                }
                let mut digests: Vec<Digest> = Vec::with_capacity(earlier.len());
                for &h in earlier {
                    let digest = Digest::of(self.snapshot(h)?, crate::leaks::role_of(&digests));
                    digests.push(digest);
                }
                let report = Box::new(crate::leaks::report(&digests, snapshot));
                *self.leaks.borrow_mut() = Some((series, report.clone()));
                Ok(Answer::Leaks(report))
            }
            Query::Search { search, offset, limit } => {
                let matches = self.search_matches(handle, snapshot, search)?;
                Ok(Answer::Nodes(snapshot.node_page(&matches, *offset as usize, *limit as usize)))
            }
            _ => snapshot_query(snapshot, query),
        }
    }

    /// The report of loaded snapshots (oldest first) and metrics files, each named by its file name.
    pub fn report(
        &self,
        snapshots: &[Handle],
        metrics: &[Handle],
        options: ReportOptions,
    ) -> Result<Report, ErrorReport> {
        let snapshots: Vec<(&str, &HeapSnapshot)> = snapshots
            .iter()
            .map(|h| match self.entries.get(h) {
                Some(Entry::Loaded(Loaded::Snapshot { snapshot, name })) => Ok((name.as_str(), &**snapshot)),
                _ => Err(ErrorReport::new(format!("file #{h} is not loaded, or is not a heap snapshot"))),
            })
            .collect::<Result<_, ErrorReport>>()?;
        let metrics: Vec<(&str, &MetricsFile)> = metrics
            .iter()
            .map(|h| match self.entries.get(h) {
                Some(Entry::Loaded(Loaded::Metrics { file, .. })) => Ok((file.file_name.as_str(), &**file)),
                _ => Err(ErrorReport::new(format!("file #{h} is not a loaded metrics file"))),
            })
            .collect::<Result<_, ErrorReport>>()?;
        Ok(Report::build(&snapshots, &metrics, options))
    }

    fn snapshot(&self, handle: Handle) -> Result<&HeapSnapshot, ErrorReport> {
        match self.entries.get(&handle) {
            Some(Entry::Loaded(Loaded::Snapshot { snapshot, .. })) => Ok(snapshot),
            _ => Err(ErrorReport::new(format!("file #{handle} is not loaded, or is not a heap snapshot"))),
        }
    }

    /// The Comparison of `current` against `base`, kept for the next page of the same pair.
    fn comparison(
        &self,
        base: Handle,
        current: Handle,
    ) -> Result<std::cell::Ref<'_, Comparison>, ErrorReport> {
        let cached = self.comparison.borrow().as_ref().is_some_and(|(pair, _)| *pair == (base, current));
        if !cached {
            let comparison = compare(self.snapshot(base)?, self.snapshot(current)?);
            *self.comparison.borrow_mut() = Some(((base, current), comparison));
        }
        std::cell::Ref::filter_map(self.comparison.borrow(), |c| c.as_ref().map(|(_, comparison)| comparison))
            .map_err(|_| ErrorReport::new("the comparison was dropped while it was being read"))
    }

    /// The matches of `search` in a snapshot, kept for the next page of the same search.
    fn search_matches(
        &self,
        handle: Handle,
        snapshot: &HeapSnapshot,
        search: &SearchQuery,
    ) -> Result<std::cell::Ref<'_, Vec<NodeIdx>>, ErrorReport> {
        let cached =
            self.search.borrow().as_ref().is_some_and(|((h, query), _)| *h == handle && query == search);
        if !cached {
            let matches = snapshot.search(search).map_err(|e| ErrorReport::new(e.to_string()))?;
            *self.search.borrow_mut() = Some(((handle, search.clone()), matches));
        }
        std::cell::Ref::filter_map(self.search.borrow(), |s| s.as_ref().map(|(_, matches)| matches))
            .map_err(|_| ErrorReport::new("the search was dropped while it was being read"))
    }

    /// Forgets a file.
    pub fn close(&mut self, handle: Handle) {
        self.entries.remove(&handle);
        self.forget_kept_answers_of(handle);
    }

    /// Drops the Comparison, search and leak report kept for a file that is replaced or closed.
    fn forget_kept_answers_of(&self, handle: Handle) {
        let mut leaks = self.leaks.borrow_mut();
        if leaks.as_ref().is_some_and(|(series, _)| series.contains(&handle)) {
            *leaks = None;
        }
        let mut search = self.search.borrow_mut();
        if search.as_ref().is_some_and(|((h, _), _)| *h == handle) {
            *search = None;
        }
        let mut comparison = self.comparison.borrow_mut();
        if comparison.as_ref().is_some_and(|((base, current), _)| *base == handle || *current == handle) {
            *comparison = None;
        }
    }
}

/// Answers a query about one snapshot; node indices from the page are checked, never trusted.
fn snapshot_query(snapshot: &HeapSnapshot, query: &Query) -> Result<Answer, ErrorReport> {
    let node = |n: NodeIdx| {
        if (n.0 as usize) < snapshot.n_nodes() {
            Ok(n)
        } else {
            Err(ErrorReport::new(format!(
                "there is no node #{}: the snapshot has {} nodes",
                n.0,
                snapshot.n_nodes()
            )))
        }
    };
    Ok(match *query {
        Query::Classes { offset, limit, ref filter, order, ascending } => {
            Answer::Classes(sorted_classes(snapshot, filter, order, ascending, offset, limit))
        }
        Query::Instances { class, offset, limit } => {
            Answer::Nodes(snapshot.class_instances(class, offset as usize, limit as usize))
        }
        Query::Edges { node: n, offset, limit } => {
            Answer::Edges(snapshot.edges(node(n)?, offset as usize, limit as usize))
        }
        Query::Retainers { node: n, offset, limit, by_distance: false } => {
            Answer::Edges(snapshot.retainers(node(n)?, offset as usize, limit as usize))
        }
        Query::Retainers { node: n, offset, limit, by_distance: true } => {
            Answer::Edges(snapshot.retainers_by_distance(node(n)?, offset as usize, limit as usize))
        }
        Query::PathToRoot { node: n, offset, limit } => {
            Answer::Edges(snapshot.path_to_root(node(n)?, offset as usize, limit as usize))
        }
        Query::DominatorChain { node: n, offset, limit } => {
            Answer::Nodes(snapshot.dominator_chain(node(n)?, offset as usize, limit as usize))
        }
        Query::DominatorChildren { node: n, offset, limit } => {
            Answer::Nodes(snapshot.dominator_children(node(n)?, offset as usize, limit as usize))
        }
        Query::Compare { .. }
        | Query::CompareObjects { .. }
        | Query::Leaks { .. }
        | Query::Search { .. }
        | Query::Report { .. } => {
            return Err(ErrorReport::new("a question about several snapshots was asked of one"))
        }
        Query::NodeById { id } => {
            let rows: Vec<_> = snapshot.node_by_id(id).map(|n| snapshot.node_row(n)).into_iter().collect();
            Answer::Nodes(Page { offset: 0, total: rows.len(), rows })
        }
    })
}

/// A page of the Summary's classes matching `filter`, in `order` (the snapshot keeps them by retained
/// size; other orders sort the matching rows, a few thousand at most, on each page).
fn sorted_classes(
    snapshot: &HeapSnapshot,
    filter: &str,
    order: ClassOrder,
    ascending: bool,
    offset: u32,
    limit: u32,
) -> Page<ClassRow> {
    let (offset, limit) = (offset as usize, limit as usize);
    if order == ClassOrder::RetainedSize && !ascending {
        return snapshot.classes_matching(filter, offset, limit);
    }
    let mut page = snapshot.classes_matching(filter, 0, usize::MAX);
    page.rows.sort_by(|a, b| {
        let by_column = match order {
            ClassOrder::Name => a.name.cmp(&b.name),
            ClassOrder::Count => a.count.cmp(&b.count),
            ClassOrder::ShallowSize => a.shallow_size.cmp(&b.shallow_size),
            ClassOrder::RetainedSize => a.retained_size.cmp(&b.retained_size),
            ClassOrder::Distance => a.distance.cmp(&b.distance),
        };
        let by_column = if ascending { by_column } else { by_column.reverse() };
        by_column.then_with(|| a.name.cmp(&b.name))
    });
    let start = offset.min(page.rows.len());
    let end = start.saturating_add(limit).min(page.rows.len());
    Page { offset, total: page.total, rows: page.rows.drain(start..end).collect() }
}

/// Moves a chunk into the right reader, deciding the file's kind once the prefix allows it.
fn feed_loading(loading: &mut Loading, chunk: &[u8], at_end: bool) -> Result<(), ErrorReport> {
    if let Loading::Sniffing(prefix) = loading {
        prefix.extend_from_slice(chunk);
        match sniff(prefix, at_end) {
            None => return Ok(()),
            Some(Kind::HeapSnapshot) => {
                let prefix = std::mem::take(prefix);
                let mut parser = Box::new(SnapshotParser::new());
                parser.feed(&prefix).map_err(|e| ErrorReport::new(e.to_string()))?;
                *loading = Loading::Snapshot(parser);
                return Ok(());
            }
            Some(Kind::Other) => {
                *loading = Loading::Metrics(std::mem::take(prefix));
                return Ok(());
            }
        }
    }
    match loading {
        Loading::Sniffing(_) => Ok(()),
        Loading::Snapshot(parser) => parser.feed(chunk).map_err(|e| ErrorReport::new(e.to_string())),
        Loading::Metrics(bytes) => {
            if bytes.len() + chunk.len() > MAX_METRICS_BYTES {
                return Err(ErrorReport::new(format!(
                    "not a heap snapshot, and too large for a metrics file (over {} MiB)",
                    MAX_METRICS_BYTES >> 20
                )));
            }
            bytes.extend_from_slice(chunk);
            Ok(())
        }
    }
}

/// Finds a metrics file's trend and draws its charts.
fn metrics_info(file: &MetricsFile, file_bytes: u64) -> MetricsInfo {
    let report = analyze(file, &TrendOptions::default());
    let memory_chart_svg = memory_chart_svg(file, &report, &[]);
    let has_gc = !file.gc_events.is_empty() || !file.gc_histograms.is_empty();
    let gc_chart_svg = has_gc.then(|| gc_pause_chart_svg(file, &report, &[]));
    MetricsInfo { name: file.file_name.clone(), file_bytes, report, memory_chart_svg, gc_chart_svg }
}

/// A file that is neither a snapshot nor readable metrics is first of all "not a heap snapshot"; the
/// metrics parser's words (which name the file and line themselves) say what else was tried.
fn metrics_error(name: &str, bytes: &[u8], error: MetricsError) -> ErrorReport {
    match error.kind {
        ErrorKind::UnknownFormat { .. } => located(name, ErrorReport::new(not_a_snapshot_message(bytes))),
        ErrorKind::NoSamples { .. } => ErrorReport::new(format!(
            "{}; and {error}",
            located(name, ErrorReport::new(not_a_snapshot_message(bytes)))
        )),
        _ => ErrorReport::new(error.to_string()),
    }
}

/// Says what the file looks like instead, in the snapshot parser's words ("binary data (first bytes …)",
/// "a ZIP archive", "text starting with …").
fn not_a_snapshot_message(prefix: &[u8]) -> String {
    format!(
        "not a heap snapshot (JSON starting with {{\"snapshot\"}}) nor a metrics export heapscope reads: \
         it looks like {}",
        describe_prefix(&prefix[..prefix.len().min(PREFIX_LEN)])
    )
}

fn located(name: &str, error: ErrorReport) -> ErrorReport {
    ErrorReport::new(format!("{name}: {}", error.message))
}
