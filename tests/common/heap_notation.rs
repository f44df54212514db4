//! A small text notation for heap graphs, for tests: write a V8 heap graph by hand, get a valid
//! `HeapGraph` (and, analysed, a `HeapSnapshot` whose nodes are found again by the names used in the text).
//!
//! ```text
//! # A line is a node, an edge or a loop; `#` after a space starts a comment. The first node is the root.
//! root:synthetic ""
//! (GC roots):synthetic
//! global:object "Window" 100 @3            # handle:type ["V8 name"] [self size] [@id]
//! root -element:1-> (GC roots)             # from -edge_type:name-> to
//! root -shortcut:global-> global
//! global -property:cache-> m:object "Map" 40   # an edge may declare its target
//! m -internal:table-> t:array 200
//! for i in 1..={n}: t -element:{i}-> e{i}:object "Entry" 100
//! d:native "<div class=x>" 50 detached at 3:10:4   # detachedness, script location
//! ```
//!
//! - A **handle** is a bare word (no space, `:` or `"`) or a parenthesised group such as `(GC roots)`; the
//!   node's V8 name defaults to its handle. Node **types** are V8's (`hidden`, `array`, `string`, `object`,
//!   `code`, `closure`, `regexp`, `number`, `native`, `synthetic`, `concatenated_string`, `sliced_string`,
//!   `symbol`, `bigint`, `object_shape`, `wasm_object`: `_` for V8's space); attributes, in any order: a
//!   quoted V8 name, a self size, `@id`, `attached` / `detached` (the `detachedness` field), `at S:L:C` (a
//!   `locations` entry).
//! - **Edges** use V8's edge types (`context`, `element`, `property`, `internal`, `hidden`, `shortcut`,
//!   `weak`); `element` and `hidden` edges take a number, the others a name, quoted when it contains `->` or
//!   ` #` (`-internal:"1 / part of key (k @5) -> value (v @7) pair in WeakMap (table @9)"-> v`). A node may
//!   be used before its declaration; an edge's owner must be declared somewhere.
//! - **`for VAR in A..=B: LINE`** (or `A..B`) repeats a line; `{expr}` is replaced anywhere in a line by the
//!   value of a sum of terms such as `i`, `2*i`, `7`, `n-1` over loop variables and the snapshot's
//!   parameters.
//!
//! Type names are listed as Node 20's V8 lists them in `meta` (node 0 the root, strings written once, edges in
//! CSR order). A [`Process`] gives every handle one V8 id across all its snapshots, so a leak test writes
//! one template and takes it at several sizes ([`series`]). Errors name their line.

use std::collections::HashMap;
use std::fmt;

use heapscope::leaks::{LeakReport, Series};
use heapscope::snapshot::graph::{HeapGraph, Location, NodeIdx, StrIdx};
use heapscope::snapshot::HeapSnapshot;

/// Node types as V8 lists them in a snapshot's `meta.node_types`.
pub const NODE_TYPES: [&str; 16] = [
    "hidden",
    "array",
    "string",
    "object",
    "code",
    "closure",
    "regexp",
    "number",
    "native",
    "synthetic",
    "concatenated string",
    "sliced string",
    "symbol",
    "bigint",
    "object shape",
    "wasm object",
];
/// Edge types as V8 lists them in `meta.edge_types`.
pub const EDGE_TYPES: [&str; 7] =
    ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

/// A problem in a notation text, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotationError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for NotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A graph written in the notation, with the handle of every node (in node order).
#[derive(Debug, Clone)]
pub struct Heap {
    pub graph: HeapGraph,
    pub handles: Vec<String>,
}

/// An analysed snapshot whose nodes are found by their handles.
pub struct Analysed {
    pub snapshot: HeapSnapshot,
    handles: Vec<String>,
    by_handle: HashMap<String, NodeIdx>,
}

impl Heap {
    /// Runs every DevTools analysis.
    pub fn analyze(self) -> Analysed {
        let by_handle =
            self.handles.iter().enumerate().map(|(i, h)| (h.clone(), NodeIdx(i as u32))).collect();
        Analysed { snapshot: HeapSnapshot::analyze(self.graph), handles: self.handles, by_handle }
    }

    /// The graph as a `.heapsnapshot` file (V8's JSON, the fields of a Node 20 snapshot), to check that the
    /// notation builds what the project's parser would.
    pub fn to_heapsnapshot_json(&self) -> String {
        let g = &self.graph;
        const NODE_FIELDS: usize = 7;
        let mut nodes = Vec::with_capacity(g.n_nodes() * NODE_FIELDS);
        for n in 0..g.n_nodes() {
            let node = NodeIdx(n as u32);
            let detachedness = g.node_detachedness.as_ref().map_or(0, |d| d[n]);
            nodes.extend([
                u64::from(g.node_type[n]),
                u64::from(g.node_name[n].0),
                u64::from(g.node_id[n]),
                g.self_size(node),
                g.edges_of(node).len() as u64,
                u64::from(g.trace_node_id(node)),
                u64::from(detachedness),
            ]);
        }
        let edges: Vec<u64> = (0..g.n_edges())
            .flat_map(|e| {
                [
                    u64::from(g.edge_type[e]),
                    u64::from(g.edge_name_or_index[e]),
                    u64::from(g.edge_to[e].0) * NODE_FIELDS as u64,
                ]
            })
            .collect();
        let locations: Vec<u64> = g
            .locations
            .iter()
            .flat_map(|l| {
                [
                    u64::from(l.node.0) * NODE_FIELDS as u64,
                    u64::from(l.script_id),
                    u64::from(l.line),
                    u64::from(l.column),
                ]
            })
            .collect();
        let strings: Vec<&str> = (0..g.strings.len() as u32).map(|s| g.strings.get(StrIdx(s))).collect();
        let with_kinds = |types: &[&str], rest: &[&str]| {
            let mut list = vec![serde_json::json!(types)];
            list.extend(rest.iter().map(|r| serde_json::json!(r)));
            list
        };
        let meta = serde_json::json!({
            "node_fields": ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"],
            "node_types": with_kinds(&NODE_TYPES, &["string", "number", "number", "number", "number", "number"]),
            "edge_fields": ["type", "name_or_index", "to_node"],
            "edge_types": with_kinds(&EDGE_TYPES, &["string_or_number", "node"]),
            "location_fields": ["object_index", "script_id", "line", "column"]
        });
        // Written by hand: V8 puts `snapshot` first, and a snapshot reader may rely on it.
        format!(
            "{{\"snapshot\":{{\"meta\":{meta},\"node_count\":{},\"edge_count\":{},\"trace_function_count\":0}},\n\
             \"nodes\":{},\n\"edges\":{},\n\"locations\":{},\n\"strings\":{}}}",
            g.n_nodes(),
            g.n_edges(),
            serde_json::Value::from(nodes),
            serde_json::Value::from(edges),
            serde_json::Value::from(locations),
            serde_json::Value::from(strings)
        )
    }
}

impl Analysed {
    /// The node written as `handle`; panics naming the handle when there is none.
    pub fn node(&self, handle: &str) -> NodeIdx {
        *self.by_handle.get(handle).unwrap_or_else(|| panic!("the notation has no node `{handle}`"))
    }

    /// The handle of `node`.
    pub fn handle(&self, node: NodeIdx) -> &str {
        &self.handles[node.0 as usize]
    }
}

/// Parses and analyses one snapshot; panics with the notation error.
pub fn heap(text: &str) -> Analysed {
    Process::new().snapshot(text, &[]).unwrap_or_else(|e| panic!("bad heap notation: {e}")).analyze()
}

/// Snapshots of one process: a handle keeps its V8 id in every snapshot taken through it.
#[derive(Debug, Default)]
pub struct Process {
    ids: HashMap<String, u32>,
    used: std::collections::HashSet<u32>,
    next_id: u32,
}

impl Process {
    pub fn new() -> Self {
        Process { next_id: 1, ..Process::default() }
    }

    /// Builds the graph of `text` with the parameters `vars` (for `{name}` in the text).
    pub fn snapshot(&mut self, text: &str, vars: &[(&str, i64)]) -> Result<Heap, NotationError> {
        let mut builder = Builder::default();
        let vars: Vec<(String, i64)> = vars.iter().map(|&(k, v)| (k.to_owned(), v)).collect();
        for (i, line) in text.lines().enumerate() {
            builder.line(i + 1, line, &vars)?;
        }
        builder.finish(self)
    }

    /// The V8 id of `handle`: the one it had before, else `explicit`, else the next free odd id (V8 gives
    /// JavaScript objects odd ids).
    fn id_of(&mut self, handle: &str, explicit: Option<u32>) -> u32 {
        if let Some(id) = explicit {
            self.ids.insert(handle.to_owned(), id);
            self.used.insert(id);
            return id;
        }
        if let Some(&id) = self.ids.get(handle) {
            return id;
        }
        while self.used.contains(&self.next_id) {
            self.next_id += 2;
        }
        let id = self.next_id;
        self.used.insert(id);
        self.ids.insert(handle.to_owned(), id);
        id
    }
}

/// A leak series written as one template taken at several values of one parameter, and its report.
pub struct LeakRun {
    pub report: LeakReport,
    /// The last snapshot's handles, by node index (suspects name nodes of the last snapshot).
    pub last_handles: Vec<String>,
}

/// Takes `template` once per value of `var` (oldest first) in one [`Process`], analyses each and pushes it
/// into a `heapscope::leaks::Series`; returns the series' report.
pub fn series(template: &str, var: &str, values: &[i64]) -> LeakRun {
    let mut process = Process::new();
    let mut leaks = Series::new();
    let mut last_handles = Vec::new();
    for &value in values {
        let heap = process
            .snapshot(template, &[(var, value)])
            .unwrap_or_else(|e| panic!("bad heap notation ({var} = {value}): {e}"));
        last_handles = heap.handles.clone();
        leaks.push(heap.analyze().snapshot);
    }
    LeakRun { report: leaks.report().expect("a series of at least one snapshot"), last_handles }
}

/// One declared node.
struct NodeDecl {
    line: usize,
    handle: String,
    node_type: u8,
    name: Option<String>,
    size: u64,
    id: Option<u32>,
    detachedness: u8,
    location: Option<(u32, u32, u32)>,
}

/// One edge, its target still a handle.
struct EdgeDecl {
    line: usize,
    from: String,
    edge_type: u8,
    name: EdgeName,
    to: String,
}

enum EdgeName {
    Index(u32),
    Text(String),
}

#[derive(Default)]
struct Builder {
    nodes: Vec<NodeDecl>,
    edges: Vec<EdgeDecl>,
}

impl Builder {
    /// Reads one line of the text (after `{…}` substitution and loop expansion).
    fn line(&mut self, line: usize, text: &str, vars: &[(String, i64)]) -> Result<(), NotationError> {
        let err = |message: String| NotationError { line, message };
        let trimmed = without_comment(text).trim();
        if trimmed.is_empty() {
            return Ok(());
        }
        if let Some(rest) = trimmed.strip_prefix("for ") {
            let (header, body) =
                rest.split_once(':').ok_or_else(|| err("`for` needs `:` before its line".into()))?;
            let (var, range) = header
                .split_once(" in ")
                .ok_or_else(|| err(format!("expected `for VAR in A..=B:`, found `for {header}:`")))?;
            let range = substitute(range.trim(), vars).map_err(err)?;
            let (start, end, inclusive) = match range.split_once("..=") {
                Some((a, b)) => (a, b, true),
                None => match range.split_once("..") {
                    Some((a, b)) => (a, b, false),
                    None => return Err(err(format!("expected a range `A..=B` or `A..B`, found `{range}`"))),
                },
            };
            let bound = |s: &str| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| err(format!("range bound `{}` is not a number", s.trim())))
            };
            let (start, mut end) = (bound(start)?, bound(end)?);
            if inclusive {
                end += 1;
            }
            let mut inner = vars.to_vec();
            inner.push((var.trim().to_owned(), 0));
            for value in start..end {
                inner.last_mut().expect("the loop variable").1 = value;
                self.line(line, body, &inner)?;
            }
            return Ok(());
        }
        let text = substitute(trimmed, vars).map_err(err)?;
        let mut cursor = Cursor { text: &text, at: 0, line };
        let first = cursor.handle()?;
        cursor.spaces();
        if cursor.eat(":") {
            self.declaration(first, &mut cursor)?;
        } else if cursor.eat("-") {
            let edge_type = cursor.word(|c| c.is_ascii_alphabetic());
            let edge_type = type_code(&EDGE_TYPES, &edge_type).ok_or_else(|| {
                err(format!("unknown edge type `{edge_type}` (one of {})", EDGE_TYPES.join(", ")))
            })?;
            if !cursor.eat(":") {
                return Err(err("expected `:` after the edge type".into()));
            }
            let raw = if cursor.peek() == Some('"') {
                let quoted = cursor.quoted()?;
                if !cursor.eat("->") {
                    return Err(err("expected `->` after the quoted edge name".into()));
                }
                quoted
            } else {
                let rest = &text[cursor.at..];
                let end = rest.find("->").ok_or_else(|| err("an edge needs `->`".into()))?;
                cursor.at += end + 2;
                rest[..end].to_owned()
            };
            let name = if EDGE_TYPES[usize::from(edge_type)] == "element"
                || EDGE_TYPES[usize::from(edge_type)] == "hidden"
            {
                EdgeName::Index(raw.parse().map_err(|_| {
                    err(format!("`{}` edges take a number, not `{raw}`", EDGE_TYPES[usize::from(edge_type)]))
                })?)
            } else {
                EdgeName::Text(raw)
            };
            cursor.spaces();
            let to = cursor.handle()?;
            cursor.spaces();
            if cursor.eat(":") {
                self.declaration(to.clone(), &mut cursor)?;
            } else if !cursor.done() {
                return Err(err(format!("unexpected `{}` after the edge's target", &text[cursor.at..])));
            }
            self.edges.push(EdgeDecl { line, from: first, edge_type, name, to });
        } else {
            return Err(err(format!(
                "expected `{first}:type …` (a node) or `{first} -type:name-> target` (an edge)"
            )));
        }
        Ok(())
    }

    /// Reads `type [attributes]` after `handle:`.
    fn declaration(&mut self, handle: String, cursor: &mut Cursor) -> Result<(), NotationError> {
        let line = cursor.line;
        let err = |message: String| NotationError { line, message };
        if let Some(earlier) = self.nodes.iter().find(|n| n.handle == handle) {
            return Err(err(format!("node `{handle}` is already declared on line {}", earlier.line)));
        }
        let type_word = cursor.word(|c| c.is_ascii_alphabetic() || c == '_').replace('_', " ");
        let node_type = type_code(&NODE_TYPES, &type_word).ok_or_else(|| {
            err(format!(
                "unknown node type `{type_word}` (one of {})",
                NODE_TYPES.join(", ").replace(' ', "_")
            ))
        })?;
        let mut node = NodeDecl {
            line,
            handle,
            node_type,
            name: None,
            size: 0,
            id: None,
            detachedness: 0,
            location: None,
        };
        loop {
            cursor.spaces();
            match cursor.peek() {
                None => break,
                Some('"') => node.name = Some(cursor.quoted()?),
                Some('@') => {
                    cursor.at += 1;
                    let id = cursor.word(|c| c.is_ascii_digit());
                    node.id = Some(id.parse().map_err(|_| err(format!("`@{id}` is not a V8 id")))?);
                }
                Some(c) if c.is_ascii_digit() => {
                    let size = cursor.word(|c| c.is_ascii_digit());
                    node.size = size.parse().map_err(|_| err(format!("size `{size}` is too large")))?;
                }
                Some(_) => {
                    let word = cursor.word(|c| !c.is_whitespace());
                    match word.as_str() {
                        "attached" => node.detachedness = 1,
                        "detached" => node.detachedness = 2,
                        "at" => {
                            cursor.spaces();
                            let place = cursor.word(|c| !c.is_whitespace());
                            let parts: Vec<Option<u32>> = place.split(':').map(|p| p.parse().ok()).collect();
                            match parts.as_slice() {
                                [Some(s), Some(l), Some(c)] => node.location = Some((*s, *l, *c)),
                                _ => return Err(err(format!("expected `at SCRIPT:LINE:COLUMN`, found `at {place}`"))),
                            }
                        }
                        _ => {
                            return Err(err(format!(
                                "unexpected `{word}` (attributes: \"name\", size, @id, attached, detached, at S:L:C)"
                            )))
                        }
                    }
                }
            }
        }
        self.nodes.push(node);
        Ok(())
    }

    fn finish(self, process: &mut Process) -> Result<Heap, NotationError> {
        if self.nodes.is_empty() {
            return Err(NotationError {
                line: 1,
                message: "no node: the first node declared is the root".into(),
            });
        }
        let index: HashMap<&str, u32> =
            self.nodes.iter().enumerate().map(|(i, n)| (n.handle.as_str(), i as u32)).collect();
        let mut graph = HeapGraph {
            node_type_names: NODE_TYPES.map(String::from).to_vec(),
            edge_type_names: EDGE_TYPES.map(String::from).to_vec(),
            ..HeapGraph::default()
        };
        let mut strings: HashMap<String, StrIdx> = HashMap::new();
        let mut intern = |graph: &mut HeapGraph, s: &str| -> StrIdx {
            *strings
                .entry(s.to_owned())
                .or_insert_with(|| graph.strings.push(s).expect("a small string table"))
        };
        // Explicit ids first, so that no earlier node takes one of them as its automatic id.
        for node in self.nodes.iter().filter(|n| n.id.is_some()) {
            process.id_of(&node.handle, node.id);
        }
        let mut seen_ids: HashMap<u32, usize> = HashMap::new();
        let mut detachedness = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let id = process.id_of(&node.handle, node.id);
            if let Some(other) = seen_ids.insert(id, node.line) {
                return Err(NotationError {
                    line: node.line,
                    message: format!("V8 id @{id} is already the id of the node declared on line {other}"),
                });
            }
            let name = intern(&mut graph, node.name.as_deref().unwrap_or(&node.handle));
            graph.node_type.push(node.node_type);
            graph.node_name.push(name);
            graph.node_id.push(id);
            match u32::try_from(node.size) {
                Ok(size) if size != u32::MAX => graph.node_self_size.push(size),
                _ => {
                    graph.node_self_size.push(u32::MAX);
                    graph.large_self_sizes.insert(NodeIdx(i as u32), node.size);
                }
            }
            detachedness.push(node.detachedness);
            if let Some((script_id, line, column)) = node.location {
                graph.locations.push(Location { node: NodeIdx(i as u32), script_id, line, column });
            }
        }
        graph.node_detachedness = Some(detachedness);
        let resolve = |handle: &str, line: usize| {
            index.get(handle).copied().ok_or_else(|| NotationError {
                line,
                message: format!("node `{handle}` is never declared (write `{handle}:type …`)"),
            })
        };
        let mut edges = Vec::with_capacity(self.edges.len());
        for edge in &self.edges {
            edges.push((resolve(&edge.from, edge.line)?, resolve(&edge.to, edge.line)?, edge));
        }
        // CSR: a stable sort keeps each owner's edges in the order they were written.
        edges.sort_by_key(|&(from, _, _)| from);
        graph.first_edge = vec![0; self.nodes.len() + 1];
        for &(from, _, _) in &edges {
            graph.first_edge[from as usize + 1] += 1;
        }
        for i in 0..self.nodes.len() {
            graph.first_edge[i + 1] += graph.first_edge[i];
        }
        for (_, to, edge) in edges {
            graph.edge_type.push(edge.edge_type);
            let name = match &edge.name {
                EdgeName::Index(i) => *i,
                EdgeName::Text(text) => intern(&mut graph, text).0,
            };
            graph.edge_name_or_index.push(name);
            graph.edge_to.push(NodeIdx(to));
        }
        Ok(Heap { graph, handles: self.nodes.into_iter().map(|n| n.handle).collect() })
    }
}

/// `text` up to its comment: a `#` at the start or after a space, outside double quotes.
fn without_comment(text: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '#' if !quoted && previous.is_whitespace() => return &text[..at],
            _ => {}
        }
        previous = c;
    }
    text
}

fn type_code(names: &[&str], name: &str) -> Option<u8> {
    names.iter().position(|&n| n == name).and_then(|i| u8::try_from(i).ok())
}

/// Replaces each `{expr}` of `text` by its value; an `{…}` that is not a sum of numbers and names (such as
/// `{a, b}`) stays as it is.
fn substitute(text: &str, vars: &[(String, i64)]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        match evaluate(&after[..close], vars)? {
            Some(value) => out.push_str(&value.to_string()),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of `expr` (`i`, `2*i+1`, `n-1`, …); `None` when it is no such sum; an error for an unknown name.
fn evaluate(expr: &str, vars: &[(String, i64)]) -> Result<Option<i64>, String> {
    let expr: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    let is_ident = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let value_of = |s: &str| -> Result<Option<i64>, String> {
        if let Ok(n) = s.parse::<i64>() {
            return Ok(Some(n));
        }
        if !is_ident(s) {
            return Ok(None);
        }
        match vars.iter().rev().find(|(name, _)| name == s) {
            Some(&(_, v)) => Ok(Some(v)),
            None => Err(format!("unknown variable `{s}` in `{{{expr}}}`")),
        }
    };
    if expr.is_empty() {
        return Ok(None);
    }
    let mut total = 0i64;
    let mut sign = 1;
    let mut term_start = 0;
    let bytes = expr.as_bytes();
    for i in 0..=bytes.len() {
        if i < bytes.len() && !(i > term_start && (bytes[i] == b'+' || bytes[i] == b'-')) {
            continue;
        }
        let term = &expr[term_start..i];
        let mut product = 1i64;
        for factor in term.split('*') {
            match value_of(factor)? {
                Some(v) => product *= v,
                None => return Ok(None),
            }
        }
        total += sign * product;
        if i < bytes.len() {
            sign = if bytes[i] == b'-' { -1 } else { 1 };
        }
        term_start = i + 1;
    }
    Ok(Some(total))
}

/// A position in one line.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
    line: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    fn spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.text[self.at..].starts_with(s);
        if found {
            self.at += s.len();
        }
        found
    }

    fn word(&mut self, keep: impl Fn(char) -> bool) -> String {
        let start = self.at;
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            self.at += c.len_utf8();
        }
        self.text[start..self.at].to_owned()
    }

    fn err(&self, message: String) -> NotationError {
        NotationError { line: self.line, message }
    }

    /// A handle: `(…)` with nested parentheses, or a run of characters other than space, `:` and `"`.
    fn handle(&mut self) -> Result<String, NotationError> {
        if self.peek() == Some('(') {
            let mut depth = 0;
            let start = self.at;
            while let Some(c) = self.peek() {
                self.at += c.len_utf8();
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    return Ok(self.text[start..self.at].to_owned());
                }
            }
            return Err(self.err(format!("unclosed `(` in the handle `{}`", &self.text[start..])));
        }
        let handle = self.word(|c| !c.is_whitespace() && c != ':' && c != '"');
        if handle.is_empty() {
            return Err(self.err(format!("expected a node handle at `{}`", &self.text[self.at..])));
        }
        Ok(handle)
    }

    /// A string in double quotes, with `\"`, `\\` and `\n` escapes.
    fn quoted(&mut self) -> Result<String, NotationError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut escaped = false;
        while let Some(c) = self.peek() {
            self.at += c.len_utf8();
            match (escaped, c) {
                (true, 'n') => out.push('\n'),
                (true, c) => out.push(c),
                (false, '\\') => {
                    escaped = true;
                    continue;
                }
                (false, '"') => return Ok(out),
                (false, c) => out.push(c),
            }
            escaped = false;
        }
        Err(self.err(format!("unclosed string {}", &self.text[start..])))
    }
}
