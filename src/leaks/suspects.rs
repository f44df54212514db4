//! Leak suspects: what grows, what owns it, and what kind of leak it is.
//!
//! **Where memory accumulates.** Growth is measured on retained sizes of the same objects (same V8 id) in
//! the first and the last snapshot. Starting at the root, the dominator tree is walked down through every
//! object that existed in the first snapshot and grew by at least [`MIN_RETAINED_GROWTH`]. An object is an
//! accumulation point when its growth is not explained by its old children's growth: the residual (its
//! growth minus what its old dominated children grew) is at least [`MIN_RETAINED_GROWTH`]. That is where new
//! objects hang: a Map's new hash table, an Array's new elements, a promise's new reactions, a timer list's
//! new timers, a context's new chain. Pass-through owners (a server, its `_events`, a closure, a context on
//! the way) have no residual and are not reported. A hidden backing store stands for its owner.
//!
//! **Only real growth.** The retained size must rise in every interval between snapshots, each interval by at
//! least [`MIN_STEP_SHARE`] of the mean interval (a cache that fills once and stays full fails this), and the
//! last must be at least (1 + [`MIN_RELATIVE_GROWTH`]) × the first. V8 internals (code, shapes, synthetic
//! roots) are never suspects. A steady process gets no suspect.
//!
//! **The kind**, from the holder's mechanism first, then from what the growth is made of (its dominator
//! subtree in the last snapshot): `timers` (a Node timer list or Timeout objects), `promises` (a Promise
//! and its reactions), `listeners` (an EventEmitter's `_events` entry or a Blink event-listener holder),
//! then `detached-dom`, `buffers` (ArrayBuffer backing stores) and `duplicate-strings` when those make up
//! the growth ([`COMPOSITION_SHARE`]), then `global` (the global object itself), `closure` (a closure
//! context's variable), and otherwise `collection` (Map, Set, Array or an object used as a dictionary).
//! None of this looks at the names the program chose.
//!
//! **One snapshot**: no growth to measure, so the same walk runs on retained sizes themselves and reports
//! the objects that hold at least [`LARGE_RETAINER_SHARE`] of the heap (and [`LARGE_RETAINER_BYTES`]) as
//! `large-retainer`.

use rustc_hash::FxHashMap;

use crate::snapshot::detachedness::DETACHED;
use crate::snapshot::flags::ROOT;
use crate::snapshot::graph::NodeIdx;
use crate::snapshot::HeapSnapshot;

use super::digest::Digest;
use super::entries::entry_count;
use super::survivors::is_internal;
use super::trace::{owner_trace, path_text, TraceStep};

/// Retained growth (first to last snapshot) an accumulation point needs, in bytes.
pub const MIN_RETAINED_GROWTH: u64 = 64 * 1024;
/// The last retained size must be at least this much above the first, relatively.
pub const MIN_RELATIVE_GROWTH: f64 = 0.2;
/// Each interval must grow by at least this share of the mean interval growth.
pub const MIN_STEP_SHARE: f64 = 0.2;
/// A kind decided by composition needs this share of the holder's retained size.
pub const COMPOSITION_SHARE: f64 = 0.4;
/// One snapshot: a large retainer holds at least this share of the total size…
pub const LARGE_RETAINER_SHARE: f64 = 0.1;
/// …and at least this many bytes.
pub const LARGE_RETAINER_BYTES: u64 = 1 << 20;
/// Nodes of a holder's subtree looked at to decide what it is made of.
const MAX_COMPOSITION_NODES: usize = 200_000;
/// Strings shorter than this are not counted as duplicates (V8 shares short ones anyway).
const MIN_DUPLICATE_STRING_BYTES: u64 = 32;
/// V8 writes at most this many characters of a string's value into a snapshot.
const SNAPSHOT_STRING_CUT: usize = 1024;
/// The timers detector needs at least this many more live timers in the last snapshot than in the first.
pub const MIN_TIMER_GROWTH: u64 = 50;
/// Node's class names of its timer objects.
const TIMER_CLASSES: [&str; 2] = ["Timeout", "Immediate"];

/// One point of a suspect's growth: its entries and retained size in one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GrowthPoint {
    /// `None` where the snapshot's digest does not keep it (see `retained_size`).
    pub entries: Option<u32>,
    /// `None` where the snapshot's digest does not keep it: an object that retained under 4 KiB in an earlier
    /// snapshot (`digest::KEPT_RETAINED_BYTES`), a timer leak's earlier sizes.
    pub retained_size: Option<u64>,
}

impl GrowthPoint {
    /// The retained size, 0 when not kept (a lower bound).
    fn bytes(&self) -> u64 {
        self.retained_size.unwrap_or(0)
    }

    /// The entries, 0 when not kept.
    fn count(&self) -> u32 {
        self.entries.unwrap_or(0)
    }
}

/// A suspect's growth as people read it: its entries and its retained sizes, each joined with arrows, `?`
/// where a snapshot's digest did not keep the value.
pub fn growth_text(growth: &[GrowthPoint]) -> (String, String) {
    use crate::units::{format_bytes, format_count};
    let entries: Vec<String> = growth
        .iter()
        .map(|g| g.entries.map_or_else(|| "?".to_owned(), |e| format_count(u64::from(e))))
        .collect();
    let retained: Vec<String> = growth
        .iter()
        .map(|g| g.retained_size.map_or_else(|| "?".to_owned(), |b| format_bytes(b as f64)))
        .collect();
    (entries.join(" → "), retained.join(" → "))
}

/// What the growth under a holder is made of: its dominator subtree's objects that are new since the first
/// snapshot (with one snapshot, all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Composition {
    /// Objects looked at (at most 200,000).
    pub objects: u64,
    pub bytes: u64,
    pub detached_dom_objects: u64,
    pub detached_dom_bytes: u64,
    pub array_buffer_bytes: u64,
    /// Bytes of strings that repeat another string of the subtree (all copies but one).
    pub duplicate_string_bytes: u64,
    pub timers: u64,
    pub promise_reactions: u64,
    pub functions: u64,
}

/// The evidence behind a suspect.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    /// Retained growth first → last, in bytes.
    pub retained_growth: i64,
    /// The part of that growth hanging directly here (not explained by older owned objects growing).
    pub accumulated_bytes: i64,
    /// Entry growth first → last.
    pub entries_growth: i64,
    pub composition: Composition,
    /// The rule that decided the kind, in words.
    pub reason: String,
}

/// A leak suspect.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Suspect {
    pub kind: String,
    pub title: String,
    /// The owner path, one line.
    pub owner_path: String,
    /// Retained size in the last snapshot.
    pub retained_size: u64,
    /// One point per snapshot, first to last (one point for a single snapshot).
    pub growth: Vec<GrowthPoint>,
    pub trace: Vec<TraceStep>,
    pub evidence: Evidence,
    /// The holder in the last snapshot: node index, V8 id and class.
    pub node: NodeIdx,
    pub id: u32,
    pub class_name: String,
}

/// Suspects from a series: `earlier` digests (first to the one before last) and the last snapshot.
pub fn growth_suspects(earlier: &[Digest], last: &HeapSnapshot) -> Vec<Suspect> {
    if earlier.is_empty() {
        return large_retainers(last);
    }
    let first = &earlier[0];
    // Growth since the first snapshot; `None` for objects that were not in it.
    let growth_of = |node: NodeIdx| -> Option<i64> {
        let id = last.graph.node_id[node.0 as usize];
        first.has(id).then(|| last.retained_size(node) as i64 - first.retained(id).unwrap_or(0) as i64)
    };
    let points = accumulation_points(last, growth_of, MIN_RETAINED_GROWTH);
    let mut suspects: Vec<Suspect> = Vec::new();
    for (holder, accumulated) in holders(last, points) {
        let id = last.graph.node_id[holder.0 as usize];
        let growth: Vec<GrowthPoint> = earlier
            .iter()
            .map(|d| GrowthPoint { entries: d.entries(id), retained_size: d.retained(id) })
            .chain(std::iter::once(GrowthPoint {
                entries: Some(entry_count(last, holder)),
                retained_size: Some(last.retained_size(holder)),
            }))
            .collect();
        if !grows_steadily(&growth) {
            continue;
        }
        suspects.push(describe(last, Some(first), holder, growth, accumulated));
    }
    if let Some(timers) = timer_suspect(earlier, last) {
        // Growth that the timers explain is not reported again, at their list or at the owner they happen to
        // hang from.
        let explained = timers.evidence.accumulated_bytes;
        suspects.retain(|s| {
            s.node != timers.node && s.evidence.accumulated_bytes - explained >= MIN_RETAINED_GROWTH as i64
        });
        suspects.push(timers);
    }
    suspects.sort_by(|a, b| {
        b.evidence.accumulated_bytes.cmp(&a.evidence.accumulated_bytes).then(a.id.cmp(&b.id))
    });
    suspects
}

/// The walk of the module doc: nodes whose residual growth is at least `min`, with that residual.
///
/// Every object retaining at least `min` is visited, old or new: growth often passes through new objects
/// (an awaited promise, a replaced object) on its way to an old holder. A new object passes on the growth
/// of the old objects it owns; an old one its own growth.
fn accumulation_points(
    last: &HeapSnapshot,
    growth_of: impl Fn(NodeIdx) -> Option<i64>,
    min: u64,
) -> Vec<(NodeIdx, i64)> {
    // Pre-order of the objects retaining at least `min`, with each one's parent among them.
    let mut order: Vec<(u32, u32)> = Vec::new();
    let mut stack = vec![(ROOT.0, u32::MAX)];
    while let Some((node, parent)) = stack.pop() {
        order.push((node, parent));
        for &child in last.dominated_nodes(NodeIdx(node)) {
            if last.retained_size(child) >= min {
                stack.push((child.0, node));
            }
        }
    }
    let position: FxHashMap<u32, usize> = order.iter().enumerate().map(|(i, &(n, _))| (n, i)).collect();
    let growth: Vec<Option<i64>> = order.iter().map(|&(n, _)| growth_of(NodeIdx(n))).collect();
    // Children before parents: what each object passes up (`flow`) and what its children explain.
    let mut explained = vec![0i64; order.len()];
    let mut points = Vec::new();
    for i in (0..order.len()).rev() {
        let (node, parent) = order[i];
        let flow = match growth[i] {
            Some(g) => {
                let residual = g - explained[i];
                if residual >= min as i64 && node != ROOT.0 {
                    points.push((NodeIdx(node), residual));
                }
                g.max(0)
            }
            None => explained[i],
        };
        if let Some(&p) = position.get(&parent) {
            explained[p] += flow;
        }
    }
    points
}

/// Accumulation points as user-level holders: a backing store (array, hidden) stands for its owner, a
/// context stays (closure leaks), other internals are dropped. Residuals of one holder add up.
fn holders(last: &HeapSnapshot, points: Vec<(NodeIdx, i64)>) -> Vec<(NodeIdx, i64)> {
    let kinds = &last.kinds.node;
    let mut by_holder: FxHashMap<u32, i64> = FxHashMap::default();
    for (node, residual) in points {
        let mut holder = node;
        for _ in 0..4 {
            let t = u16::from(last.graph.node_type[holder.0 as usize]);
            if (t == kinds.array || t == kinds.hidden) && holder != ROOT {
                holder = last.immediate_dominator(holder);
            } else {
                break;
            }
        }
        if holder == ROOT || (is_internal(last, holder) && !is_context(last, holder)) {
            continue;
        }
        *by_holder.entry(holder.0).or_default() += residual;
    }
    let mut holders: Vec<(NodeIdx, i64)> = by_holder.into_iter().map(|(n, r)| (NodeIdx(n), r)).collect();
    holders.sort_unstable_by_key(|&(n, r)| (std::cmp::Reverse(r), n.0));
    holders
}

/// Growth in every interval, each at least [`MIN_STEP_SHARE`] of the mean, and enough overall.
fn grows_steadily(growth: &[GrowthPoint]) -> bool {
    let (Some(first), Some(last)) = (growth.first(), growth.last()) else { return false };
    let total = last.bytes() as f64 - first.bytes() as f64;
    if total < MIN_RETAINED_GROWTH as f64
        || (last.bytes() as f64) < (1.0 + MIN_RELATIVE_GROWTH) * first.bytes() as f64
    {
        return false;
    }
    let mean_step = total / (growth.len() - 1) as f64;
    growth.windows(2).all(|w| w[1].bytes() as f64 - w[0].bytes() as f64 >= MIN_STEP_SHARE * mean_step)
}

fn class_name(snapshot: &HeapSnapshot, node: NodeIdx) -> &str {
    &snapshot.classes.classes[snapshot.classes.node_class[node.0 as usize] as usize].name
}

fn is_context(snapshot: &HeapSnapshot, node: NodeIdx) -> bool {
    class_name(snapshot, node) == "system / Context"
}

/// What the growth in `holder`'s dominator subtree is made of: the objects not in the `first` snapshot (all
/// objects when there is only one snapshot).
fn composition(last: &HeapSnapshot, holder: NodeIdx, first: Option<&Digest>) -> Composition {
    let graph = &last.graph;
    let kinds = &last.kinds.node;
    let mut c = Composition::default();
    let mut strings: FxHashMap<(&str, u64), u64> = FxHashMap::default();
    let mut stack = vec![holder];
    // Children go on the stack smallest first, so the walk takes the largest subtree first: when the subtree
    // is larger than the cap, what is looked at is what holds the most.
    let push_children =
        |stack: &mut Vec<NodeIdx>, node| stack.extend(last.dominated_nodes(node).iter().rev());
    while let Some(node) = stack.pop() {
        if c.objects as usize >= MAX_COMPOSITION_NODES {
            break;
        }
        let n = node.0;
        if first.is_some_and(|d| d.has(graph.node_id[n as usize])) {
            // Older than the series: not part of the growth; what it owns may be.
            push_children(&mut stack, node);
            continue;
        }
        let size = last.shallow_size(node);
        c.objects += 1;
        c.bytes += size;
        let t = u16::from(graph.node_type[n as usize]);
        let class = class_name(last, node);
        if last.detachedness.state[n as usize] == DETACHED && t == kinds.native {
            c.detached_dom_objects += 1;
            c.detached_dom_bytes += size;
        }
        if class == "system / JSArrayBufferData" {
            c.array_buffer_bytes += size;
        }
        let text = graph.strings.get(graph.node_name[n as usize]);
        // The snapshot cuts string values at 1024 characters: only whole ones can be compared.
        if t == kinds.string && size >= MIN_DUPLICATE_STRING_BYTES && text.len() < SNAPSHOT_STRING_CUT {
            let count = strings.entry((text, size)).or_default();
            if *count > 0 {
                c.duplicate_string_bytes += size;
            }
            *count += 1;
        }
        if class == "Timeout" || class == "Immediate" {
            c.timers += 1;
        }
        // V8 writes reactions as hidden `system / PromiseReaction` nodes: their class is `(system)`.
        if graph.strings.get(graph.node_name[n as usize]).ends_with("PromiseReaction") {
            c.promise_reactions += 1;
        }
        if t == kinds.closure {
            c.functions += 1;
        }
        push_children(&mut stack, node);
    }
    c
}

/// Builds the suspect for `holder`: kind, title, owner path.
fn describe(
    last: &HeapSnapshot,
    first: Option<&Digest>,
    holder: NodeIdx,
    growth: Vec<GrowthPoint>,
    accumulated: i64,
) -> Suspect {
    let mut trace = owner_trace(last, holder);
    let composition = composition(last, holder, first);
    let class = class_name(last, holder).to_owned();
    let share = |bytes: u64| bytes as f64 >= COMPOSITION_SHARE * composition.bytes.max(1) as f64;
    let edge_at = |back: usize| trace.len().checked_sub(back).map(|i| trace[i].edge.as_str());
    let listener_holder = edge_at(1) == Some("_events")
        || edge_at(2) == Some("_events")
        || class.contains("EventListener")
        || class.contains("EventTargetData");
    let children = last.dominated_nodes(holder);
    let child_timers =
        children.iter().filter(|&&c| matches!(class_name(last, c), "Timeout" | "Immediate")).count();
    let (kind, reason): (&'static str, String) = if class == "TimersList"
        || (child_timers > 0 && child_timers * 2 >= children.len())
    {
        (
            "timers",
            format!("{} timers (Timeout objects) hang here and were never cleared", composition.timers),
        )
    } else if class == "Promise" || composition.promise_reactions * 4 >= composition.objects.max(1) {
        (
            "promises",
            format!(
                "{} promise reactions wait on a promise that never settles",
                composition.promise_reactions
            ),
        )
    } else if listener_holder {
        ("listeners", "the holder is an event emitter's listener list".to_owned())
    } else if composition.detached_dom_objects * 4 >= composition.objects.max(1)
        || share(composition.detached_dom_bytes)
    {
        ("detached-dom", format!("{} detached DOM objects are kept", composition.detached_dom_objects))
    } else if share(composition.array_buffer_bytes) {
        ("buffers", "ArrayBuffer backing stores make up most of what it retains".to_owned())
    } else if share(composition.duplicate_string_bytes) {
        ("duplicate-strings", "copies of identical strings make up most of what it retains".to_owned())
    } else if last.distance(holder) == 1 {
        ("global", "properties keep being added to the global object".to_owned())
    } else if is_context(last, holder) || held_by_function_context(last, &trace) {
        ("closure", "a closure's context variable keeps the growth alive".to_owned())
    } else if growth.last().map(GrowthPoint::count) > growth.first().map(GrowthPoint::count) {
        ("collection", format!("{} {class} whose entries keep growing", article(&class)))
    } else {
        // Its own entries do not grow: the new objects hang below it through several of them (an array
        // and a map sharing their elements, say), and it is the nearest object that owns them all.
        ("collection", format!("new objects accumulate below this {class}, shared by several of its entries"))
    };
    if is_context(last, holder) {
        if let Some(step) = largest_variable(last, holder) {
            trace.push(step);
        }
    }
    let first = growth.first().copied().unwrap_or(GrowthPoint { entries: None, retained_size: None });
    let last_point = growth.last().copied().unwrap_or(first);
    let retained_growth = last_point.bytes() as i64 - first.bytes() as i64;
    let entries_growth = i64::from(last_point.count()) - i64::from(first.count());
    let owner_path = path_text(&trace);
    let name = trace.last().map_or(class.clone(), |s| s.edge.clone());
    let title = title(kind, &class, &name, &growth, retained_growth);
    Suspect {
        kind: kind.to_owned(),
        title,
        owner_path,
        retained_size: last.retained_size(holder),
        growth,
        trace,
        evidence: Evidence {
            retained_growth,
            accumulated_bytes: accumulated,
            entries_growth,
            composition,
            reason,
        },
        node: holder,
        id: last.graph.node_id[holder.0 as usize],
        class_name: class,
    }
}

/// Whether the trace's last edge is a variable of a function's context (not a module's or script's, whose
/// context hangs directly off the native context).
fn held_by_function_context(last: &HeapSnapshot, trace: &[TraceStep]) -> bool {
    let n = trace.len();
    if n < 2 || trace[n - 1].edge_type != "context" {
        return false;
    }
    let context = trace[n - 2].node;
    if !is_context(last, context) {
        return false;
    }
    let graph = &last.graph;
    !graph.edges_of(context).any(|e| {
        let name = crate::snapshot::names::edge_name(graph, &last.kinds, e as usize);
        let target = graph.edge_to[e as usize];
        name == "previous"
            && graph.strings.get(graph.node_name[target.0 as usize]) == "system / NativeContext"
    })
}

/// The context variable through which a context retains the most.
fn largest_variable(last: &HeapSnapshot, context: NodeIdx) -> Option<TraceStep> {
    let graph = &last.graph;
    let dominated: rustc_hash::FxHashSet<NodeIdx> = last.dominated_nodes(context).iter().copied().collect();
    graph
        .edges_of(context)
        .filter(|&e| u16::from(graph.edge_type[e as usize]) == last.kinds.edge.context)
        .filter(|&e| dominated.contains(&graph.edge_to[e as usize]))
        .max_by_key(|&e| last.retained_size(graph.edge_to[e as usize]))
        .map(|e| super::trace::step(last, crate::snapshot::graph::EdgeIdx(e)))
}

fn title(kind: &str, class: &str, name: &str, growth: &[GrowthPoint], retained_growth: i64) -> String {
    use crate::units::format_bytes;
    let entries = growth_text(growth).0;
    let bytes = format_bytes(retained_growth.max(0) as f64);
    match kind {
        "timers" => format!("Timers never cleared pile up in `{name}` ({class}): +{bytes} retained"),
        "promises" => {
            format!("A promise that never settles (`{name}`) collects reactions: +{bytes} retained")
        }
        "listeners" => {
            format!("Listeners accumulate on `{name}`: {entries} entries, +{bytes} retained")
        }
        "detached-dom" => format!("`{name}` ({class}) keeps detached DOM trees: +{bytes} retained"),
        "buffers" => format!("`{name}` ({class}) keeps Buffers / ArrayBuffers: +{bytes} retained"),
        "duplicate-strings" => {
            format!("`{name}` ({class}) keeps copies of the same strings: +{bytes} retained")
        }
        "global" => {
            format!("The global object keeps getting new properties: {entries} entries, +{bytes} retained")
        }
        "closure" => format!("A closure context keeps `{name}` growing: +{bytes} retained"),
        "large-retainer" => format!(
            "`{name}` ({class}) holds {} of the heap",
            format_bytes(growth.last().map_or(0, GrowthPoint::bytes) as f64)
        ),
        _ if growth.last().map(GrowthPoint::count) > growth.first().map(GrowthPoint::count) => {
            format!("{class} `{name}` keeps growing: {entries} entries, +{bytes} retained")
        }
        _ => format!("{class} `{name}` retains more and more: +{bytes}"),
    }
}

/// One snapshot: the objects that hold a large share of the heap, where their memory accumulates.
fn large_retainers(last: &HeapSnapshot) -> Vec<Suspect> {
    let min = LARGE_RETAINER_BYTES.max((last.total_size() as f64 * LARGE_RETAINER_SHARE) as u64);
    let points = accumulation_points(last, |n| Some(last.retained_size(n) as i64), min);
    let mut suspects: Vec<Suspect> = holders(last, points)
        .into_iter()
        .map(|(holder, accumulated)| {
            let point = GrowthPoint {
                entries: Some(entry_count(last, holder)),
                retained_size: Some(last.retained_size(holder)),
            };
            let mut s = describe(last, None, holder, vec![point], accumulated);
            s.kind = "large-retainer".to_owned();
            s.evidence.reason = format!(
                "it alone keeps {:.0}% of the heap alive (one snapshot: no growth to measure)",
                100.0 * s.retained_size as f64 / last.total_size().max(1) as f64
            );
            s.title = title(
                "large-retainer",
                &s.class_name,
                s.trace.last().map_or("", |t| t.edge.as_str()),
                &s.growth,
                0,
            );
            s
        })
        .collect();
    suspects.sort_by(|a, b| b.retained_size.cmp(&a.retained_size).then(a.id.cmp(&b.id)));
    suspects
}

/// Timers that are never cleared: the number of live Node timer objects (`Timeout`, `Immediate`) rises in
/// every interval by at least [`MIN_TIMER_GROWTH`] overall. They live in Node's timer lists (a linked list per
/// duration), so no collection grows; the suspect is the timer list holding most of them, and the bytes are
/// what the timers retain (their callbacks' contexts and what those hold).
fn timer_suspect(earlier: &[Digest], last: &HeapSnapshot) -> Option<Suspect> {
    let timers: Vec<NodeIdx> = (0..last.n_nodes() as u32)
        .map(NodeIdx)
        .filter(|&n| TIMER_CLASSES.contains(&class_name(last, n)))
        .collect();
    let counts: Vec<u64> = earlier
        .iter()
        .map(|d| TIMER_CLASSES.iter().map(|c| d.class_count(c)).sum())
        .chain(std::iter::once(timers.len() as u64))
        .collect();
    let (first, latest) = (counts[0], *counts.last()?);
    let mean_step = latest.saturating_sub(first) as f64 / (counts.len() - 1) as f64;
    let steady = counts.windows(2).all(|w| w[1] as f64 - w[0] as f64 >= MIN_STEP_SHARE * mean_step);
    if latest < first + MIN_TIMER_GROWTH || !steady {
        return None;
    }
    // What the timers retain, counting each chain of timers once (a timer owned by another is inside it).
    let is_timer = |n: NodeIdx| TIMER_CLASSES.contains(&class_name(last, n));
    let retained: u64 = timers
        .iter()
        .filter(|&&t| !is_timer(last.immediate_dominator(t)))
        .map(|&t| last.retained_size(t))
        .sum();
    // The timer list holding most of the timers (each list is a ring through `_idleNext`).
    let graph = &last.graph;
    let next_of = |n: NodeIdx| {
        graph.edges_of(n).find_map(|e| {
            let name = crate::snapshot::names::edge_name(graph, &last.kinds, e as usize);
            (name == "_idleNext").then(|| graph.edge_to[e as usize])
        })
    };
    let holder = (0..last.n_nodes() as u32)
        .map(NodeIdx)
        .filter(|&n| class_name(last, n) == "TimersList")
        .map(|list| {
            let mut count = 0usize;
            let mut at = next_of(list);
            while let Some(node) = at.filter(|&n| n != list && is_timer(n) && count <= timers.len()) {
                count += 1;
                at = next_of(node);
            }
            (list, count)
        })
        .max_by_key(|&(list, count)| (count, std::cmp::Reverse(list.0)))
        .map_or(*timers.first()?, |(list, _)| list);
    let growth: Vec<GrowthPoint> = counts
        .iter()
        .map(|&c| GrowthPoint { entries: Some(u32::try_from(c).unwrap_or(u32::MAX)), retained_size: None })
        .collect();
    let mut suspect = describe(last, earlier.first(), holder, growth, retained as i64);
    if let Some(point) = suspect.growth.last_mut() {
        point.retained_size = Some(retained);
    }
    suspect.kind = "timers".to_owned();
    suspect.retained_size = retained;
    suspect.evidence.reason = format!(
        "live timers grow {} → {}; each keeps its callback and what the callback's context holds",
        first, latest
    );
    suspect.title = format!(
        "{} timers never cleared (`{}`): {} live, retaining {}",
        latest - first,
        suspect.trace.last().map_or("", |s| s.edge.as_str()),
        crate::units::format_count(latest),
        crate::units::format_bytes(retained as f64)
    );
    Some(suspect)
}

/// `a` or `an` before a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
