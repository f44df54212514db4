//! The owner path of an object: how the program reaches it, from a GC root down, in property and variable
//! names. It follows the object's dominator chain (the objects that own it, each one's removal would free
//! it), joined by the edges between them, and starts with the shortest path from the root to the topmost
//! owner. A dominator chain reads as "who owns this", where the shortest path alone often runs through
//! whatever happened to reach the object first (a timer list, a stack frame).

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::snapshot::flags::ROOT;
use crate::snapshot::graph::{EdgeIdx, NodeIdx};
use crate::snapshot::names::{display_name, edge_name};
use crate::snapshot::HeapSnapshot;

/// Nodes a search between two owners may visit before the path falls back to the shortest one.
const MAX_SEARCH_NODES: usize = 20_000;

/// One step of a trace: the edge taken and the object it leads to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TraceStep {
    /// The V8 id of the object (stable across snapshots of one process).
    pub id: u32,
    /// The node index in the snapshot the trace was made from.
    pub node: NodeIdx,
    /// The edge's name (a property, variable or internal name, or an element index).
    pub edge: String,
    pub edge_type: String,
    pub class_name: String,
    /// The object's name as DevTools shows it (cut to 80 characters): a function's name, a string's start.
    pub name: String,
    /// Whether the edge leaves one of the synthetic root groups (`(GC roots)`, `(Stack roots)`, …).
    pub from_synthetic: bool,
    /// Steps just like this one (same edge and class) left out before it: a long linked list is kept as
    /// its first two steps and its last.
    #[serde(default)]
    pub elided: u32,
}

/// The edges from the root to `node` along its owners; `None` when `node` is unreachable.
pub fn owner_edges(snapshot: &HeapSnapshot, node: NodeIdx) -> Option<Vec<EdgeIdx>> {
    let mut chain = vec![node];
    let mut at = node;
    while at != ROOT {
        at = snapshot.immediate_dominator(at);
        if chain.len() > snapshot.n_nodes() {
            return None;
        }
        chain.push(at);
    }
    chain.reverse();
    // chain = [root, top owner, …, node]
    let Some(&top) = chain.get(1) else { return Some(Vec::new()) };
    let mut edges = snapshot.path_to_root_edges(top)?;
    for pair in chain[1..].windows(2) {
        match edge_between(snapshot, pair[0], pair[1]) {
            Some(mut hop) => edges.append(&mut hop),
            None => return snapshot.path_to_root_edges(node),
        }
    }
    Some(edges)
}

/// The edges of a short path from `from` to `to` (a direct edge when there is one, a named one preferred),
/// searching at most [`MAX_SEARCH_NODES`] nodes.
fn edge_between(snapshot: &HeapSnapshot, from: NodeIdx, to: NodeIdx) -> Option<Vec<EdgeIdx>> {
    let graph = &snapshot.graph;
    let kinds = &snapshot.kinds;
    let strong = |e: u32| u16::from(graph.edge_type[e as usize]) != kinds.edge.weak;
    let named = |e: u32| {
        let t = u16::from(graph.edge_type[e as usize]);
        t == kinds.edge.property || t == kinds.edge.context || t == kinds.edge.element
    };
    let direct: Vec<u32> =
        graph.edges_of(from).filter(|&e| strong(e) && graph.edge_to[e as usize] == to).collect();
    if let Some(&e) = direct.iter().find(|&&e| named(e)).or(direct.first()) {
        return Some(vec![EdgeIdx(e)]);
    }
    let mut parent_edge: FxHashMap<u32, u32> = FxHashMap::default();
    let mut queue = VecDeque::from([from.0]);
    while let Some(at) = queue.pop_front() {
        for e in graph.edges_of(NodeIdx(at)).filter(|&e| strong(e)) {
            let next = graph.edge_to[e as usize].0;
            if next == from.0 || parent_edge.contains_key(&next) {
                continue;
            }
            parent_edge.insert(next, e);
            if next == to.0 {
                let mut path = Vec::new();
                let mut cur = next;
                while cur != from.0 {
                    let e = parent_edge[&cur];
                    path.push(EdgeIdx(e));
                    cur = graph.first_edge.partition_point(|&f| f <= e) as u32 - 1;
                }
                path.reverse();
                return Some(path);
            }
            if parent_edge.len() >= MAX_SEARCH_NODES {
                return None;
            }
            queue.push_back(next);
        }
    }
    None
}

/// The owner path of `node` as steps (empty when unreachable), a long run of like steps shortened (see
/// [`TraceStep::elided`]).
pub fn owner_trace(snapshot: &HeapSnapshot, node: NodeIdx) -> Vec<TraceStep> {
    let edges = owner_edges(snapshot, node).unwrap_or_default();
    shorten_runs(edges.iter().map(|&e| step(snapshot, e)).collect())
}

/// Runs of more than three steps with the same edge and class keep their first two and their last.
fn shorten_runs(steps: Vec<TraceStep>) -> Vec<TraceStep> {
    let like = |a: &TraceStep, b: &TraceStep| a.edge == b.edge && a.class_name == b.class_name;
    let mut out: Vec<TraceStep> = Vec::with_capacity(steps.len());
    let mut i = 0;
    while i < steps.len() {
        let run = steps[i..].iter().take_while(|s| like(s, &steps[i])).count();
        if run > 3 {
            out.extend_from_slice(&steps[i..i + 2]);
            let mut last = steps[i + run - 1].clone();
            last.elided = (run - 3) as u32;
            out.push(last);
        } else {
            out.extend_from_slice(&steps[i..i + run]);
        }
        i += run;
    }
    out
}

/// Characters of an object's name kept in a trace step.
const MAX_NAME_CHARS: usize = 80;

/// One edge as a trace step.
pub fn step(snapshot: &HeapSnapshot, edge: EdgeIdx) -> TraceStep {
    let graph = &snapshot.graph;
    let to = graph.edge_to[edge.0 as usize];
    let class = snapshot.classes.node_class[to.0 as usize] as usize;
    let from = graph.first_edge.partition_point(|&f| f <= edge.0).saturating_sub(1);
    let name = display_name(graph, &snapshot.kinds, &snapshot.detachedness, to);
    TraceStep {
        name: name.chars().take(MAX_NAME_CHARS).collect(),
        from_synthetic: u16::from(graph.node_type[from]) == snapshot.kinds.node.synthetic,
        elided: 0,
        id: graph.node_id[to.0 as usize],
        node: to,
        edge: edge_name(graph, &snapshot.kinds, edge.0 as usize).into_owned(),
        edge_type: graph.edge_type_name(edge).to_owned(),
        class_name: snapshot.classes.classes[class].name.clone(),
    }
}

/// A step as people read it: `name`, `[3]` for elements, with the class in parentheses where it says
/// something (objects of a named class, the synthetic roots; not plain objects, functions or V8 internals).
pub fn step_label(step: &TraceStep, last: bool) -> String {
    let edge = match step.edge_type.as_str() {
        "element" | "hidden" => format!("[{}]", step.edge),
        _ => step.edge.clone(),
    };
    let class = short_class(&step.class_name);
    let class = class.as_str();
    let says_something = last
        || !(class.starts_with("system /")
            || class.starts_with('(')
            || class.starts_with('{')
            || class == "Object"
            || class == "Function"
            || class == "Array");
    if class == "(synthetic)" {
        // A root group: its name is the step.
        return step.name.clone();
    }
    if step.from_synthetic && !step.name.is_empty() && !last {
        // A root held by the VM (a stack frame's function, a handle): its own name says more than a slot.
        return step.name.clone();
    }
    if says_something {
        format!("{edge} ({class})")
    } else {
        edge
    }
}

/// A class name without C++ template arguments: `blink::BasicHeapVector<…>`.
fn short_class(class: &str) -> String {
    match class.find('<') {
        Some(at) if class.contains("::") && at > 0 => format!("{}<…>", &class[..at]),
        _ => class.to_owned(),
    }
}

/// The steps joined as one line: `global → server (Server) → _events → request → context → sessions (Set)`;
/// a run of repeated steps (a linked list) is written once, with `+`.
pub fn path_text(steps: &[TraceStep]) -> String {
    let labels: Vec<String> =
        steps.iter().enumerate().map(|(i, s)| step_label(s, i + 1 == steps.len())).collect();
    super::survivors::collapse_runs(&labels).join(" → ")
}

#[cfg(test)]
mod tests {
    use super::{shorten_runs, TraceStep};
    use crate::snapshot::graph::NodeIdx;

    fn step(edge: &str, id: u32) -> TraceStep {
        TraceStep {
            id,
            node: NodeIdx(id),
            edge: edge.into(),
            edge_type: "property".into(),
            class_name: "Node".into(),
            name: String::new(),
            from_synthetic: false,
            elided: 0,
        }
    }

    #[test]
    fn a_long_run_keeps_its_first_two_steps_and_its_last() {
        let mut steps = vec![step("head", 1)];
        steps.extend((2..=9).map(|id| step("next", id)));
        steps.push(step("value", 10));
        let short = shorten_runs(steps);
        let kept: Vec<(u32, u32)> = short.iter().map(|s| (s.id, s.elided)).collect();
        assert_eq!(kept, [(1, 0), (2, 0), (3, 0), (9, 5), (10, 0)]);
        // Runs of three or fewer stay whole.
        let three = shorten_runs((1..=3).map(|id| step("next", id)).collect());
        assert_eq!(three.len(), 3);
    }
}
