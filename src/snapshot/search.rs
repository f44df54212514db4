//! Finding objects, as DevTools' heap-snapshot search does (`HeapSnapshot.search` in DevTools' worker): the
//! query is trimmed; `@` followed by digits names a node by its V8 id; otherwise every node whose shown
//! name contains the text is found (string nodes are named by their value, so this finds strings by
//! content). The text is a case-insensitive substring by default, a case-sensitive one on request, or a
//! regular expression. Searching class names instead finds the objects of every Summary row whose class
//! name matches.
//!
//! As in DevTools, each string of the snapshot's table is tested once and nodes showing their raw name
//! look the answer up; only nodes whose shown name is built (concatenated strings, plain objects'
//! `{a, b}`, `Detached ` names) are tested one by one. A search is thus one pass over the strings and one
//! over the nodes, whatever the query.
//!
//! Where this differs from DevTools, on purpose: results come largest retained size first (ties by V8 id,
//! the order of every object list here), not in snapshot order, so the first page shows what matters;
//! a regular expression honours the case-sensitivity switch (DevTools ignores it and is always
//! case-sensitive); regular expressions are regex-lite's syntax, close to JavaScript's but without
//! look-around or backreferences, with case-insensitivity for ASCII letters only; `@` followed by anything
//! but digits is searched as text (DevTools finds nothing); a case-insensitive substring compares Unicode
//! lower case for a non-ASCII query and ASCII letters only otherwise (as JavaScript's `i` flag does).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::analysis::HeapSnapshot;
use super::bitset::BitSet;
use super::graph::{NodeIdx, StrIdx};
use super::lists::sort_largest_first;
use super::names::{append_string_text, cons_parts, display_name, CONS_TEXT_UNITS};

/// A compiled pattern is refused beyond this size: matching costs pattern size times text length.
const MAX_REGEX_BYTES: usize = 1 << 18;

/// What a search compares the text with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchField {
    /// The name DevTools shows for a node (a string's value, an object's constructor, `{a, b}`).
    #[default]
    Name,
    /// The class name of the objects the Summary counts.
    Class,
}

/// A search, as the page sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SearchQuery {
    /// The text, a regular expression when `regex`, or `@` and a V8 id.
    pub text: String,
    #[serde(default)]
    pub field: SearchField,
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default)]
    pub regex: bool,
}

/// Why a search could not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchError {
    /// The text is not a regular expression this search accepts; the message says where and why.
    InvalidRegex(String),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::InvalidRegex(message) => write!(f, "invalid regular expression: {message}"),
        }
    }
}

impl std::error::Error for SearchError {}

/// A compiled query text.
enum Matcher {
    CaseSensitive(String),
    /// An ASCII query in lower case, compared with ASCII letters folded.
    AsciiCaseless(Vec<u8>),
    /// A query whose lower case is not ASCII, compared with the haystack in lower case.
    UnicodeCaseless(String),
    Regex(regex_lite::Regex),
}

impl Matcher {
    fn new(text: &str, case_sensitive: bool, regex: bool) -> Result<Matcher, SearchError> {
        Ok(if regex {
            let compiled = regex_lite::RegexBuilder::new(text)
                .case_insensitive(!case_sensitive)
                .size_limit(MAX_REGEX_BYTES)
                .build()
                .map_err(|e| SearchError::InvalidRegex(e.to_string()))?;
            Matcher::Regex(compiled)
        } else if case_sensitive {
            Matcher::CaseSensitive(text.to_owned())
        } else {
            let lower = text.to_lowercase();
            if lower.is_ascii() {
                Matcher::AsciiCaseless(lower.into_bytes())
            } else {
                Matcher::UnicodeCaseless(lower)
            }
        })
    }

    fn is_match(&self, haystack: &str) -> bool {
        match self {
            Matcher::CaseSensitive(text) => haystack.contains(text.as_str()),
            Matcher::AsciiCaseless(text) => contains_ascii_caseless(haystack.as_bytes(), text),
            // An ASCII haystack's lower case is ASCII and cannot hold the query: no need to lower it.
            Matcher::UnicodeCaseless(text) => {
                !haystack.is_ascii() && haystack.to_lowercase().contains(text.as_str())
            }
            Matcher::Regex(regex) => regex.is_match(haystack),
        }
    }
}

/// Verdicts on concatenated strings, each text built once. A string built by appending, `s = s + x` in a
/// loop, is a chain of concatenated strings each holding the previous one as its first part; DevTools builds
/// each one's text from the bottom of the chain, so a chain of n strings costs n² steps. Here a chain is
/// resolved from the bottom up, each text extending the one below it by its second part's text; once a text
/// is full (has reached `CONS_TEXT_UNITS`, after which DevTools adds nothing), every string above it in the
/// chain shows the same text and shares its verdict.
struct ConsVerdicts {
    /// Strings whose text is full and whose verdict is therefore known.
    full: BitSet,
    /// For full texts: whether they match.
    matched: BitSet,
    /// The chain of first parts being resolved (reused).
    chain: Vec<NodeIdx>,
}

impl ConsVerdicts {
    fn new(n_nodes: usize) -> Self {
        ConsVerdicts { full: BitSet::new(n_nodes), matched: BitSet::new(n_nodes), chain: Vec::new() }
    }

    /// Whether the text of concatenated string `node` matches.
    fn matches(&mut self, snapshot: &HeapSnapshot, matcher: &Matcher, node: NodeIdx) -> bool {
        let (graph, kinds) = (&snapshot.graph, &snapshot.kinds);
        let is_cons = |n: NodeIdx| u16::from(graph.node_type[n.0 as usize]) == kinds.node.cons_string;
        // Down the first parts to one with a verdict or one that is not concatenated; a cycle (a damaged
        // snapshot) ends when the chain is longer than the snapshot.
        self.chain.clear();
        let mut part = node;
        while is_cons(part) && !self.full.contains(part.0 as usize) && self.chain.len() <= graph.n_nodes() {
            self.chain.push(part);
            part = cons_parts(graph, kinds, part).0;
        }
        let mut verdict = self.matched.contains(part.0 as usize);
        // The text of the part just resolved, while it is not full.
        let mut below: Option<(String, usize)> = None;
        while let Some(whole) = self.chain.pop() {
            let (first, second) = cons_parts(graph, kinds, whole);
            if self.full.contains(first.0 as usize) {
                verdict = self.matched.contains(first.0 as usize);
                self.full.insert(whole.0 as usize);
                below = None;
            } else {
                let (mut text, mut units) = below.take().unwrap_or_else(|| {
                    let (mut text, mut units) = (String::new(), 0);
                    append_string_text(graph, kinds, first, &mut text, &mut units);
                    (text, units)
                });
                append_string_text(graph, kinds, second, &mut text, &mut units);
                verdict = matcher.is_match(&text);
                if units >= CONS_TEXT_UNITS {
                    self.full.insert(whole.0 as usize);
                } else {
                    below = Some((text, units));
                }
            }
            if verdict {
                self.matched.insert(whole.0 as usize);
            }
        }
        verdict
    }
}

/// Whether `haystack` contains `needle` (lower case, not empty), ASCII letters compared without case. Only
/// positions holding the needle's first byte, in either case, are compared further: most are not.
fn contains_ascii_caseless(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else { return false };
    let (lower, upper) = (needle[0], needle[0].to_ascii_uppercase());
    haystack[..=last_start].iter().enumerate().any(|(at, &b)| {
        (b == lower || b == upper) && haystack[at + 1..at + needle.len()].eq_ignore_ascii_case(&needle[1..])
    })
}

/// The V8 id of a query `@123`.
fn id_query(text: &str) -> Option<&str> {
    text.strip_prefix('@').filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

impl HeapSnapshot {
    /// The nodes `query` finds, largest retained size first (ties by V8 id); none for an empty text. An id
    /// too large for V8 finds nothing. Page the list with [`HeapSnapshot::node_page`]. Besides the list
    /// (4 bytes a match), sorting it takes 16 bytes a match while it runs.
    pub fn search(&self, query: &SearchQuery) -> Result<Vec<NodeIdx>, SearchError> {
        let text = query.text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(digits) = id_query(text) {
            return Ok(digits.parse().ok().and_then(|id| self.node_by_id(id)).into_iter().collect());
        }
        let matcher = Matcher::new(text, query.case_sensitive, query.regex)?;
        let mut found = match query.field {
            SearchField::Name => self.nodes_named(&matcher),
            SearchField::Class => self.objects_of_classes(&matcher),
        };
        sort_largest_first(&mut found, &self.retained, &self.graph.node_id, &mut Vec::new());
        Ok(found)
    }

    /// Nodes whose shown name matches, in node order.
    fn nodes_named(&self, matcher: &Matcher) -> Vec<NodeIdx> {
        let graph = &self.graph;
        let mut matching_strings = BitSet::new(graph.strings.len());
        for s in 0..graph.strings.len() {
            if matcher.is_match(graph.strings.get(StrIdx(s as u32))) {
                matching_strings.insert(s);
            }
        }
        let mut cons = ConsVerdicts::new(self.n_nodes());
        (0..self.n_nodes() as u32)
            .map(NodeIdx)
            .filter(|&node| {
                if u16::from(graph.node_type[node.0 as usize]) == self.kinds.node.cons_string {
                    return cons.matches(self, matcher, node);
                }
                match display_name(graph, &self.kinds, &self.detachedness, node) {
                    Cow::Borrowed(_) => {
                        matching_strings.contains(graph.node_name[node.0 as usize].0 as usize)
                    }
                    Cow::Owned(built) => matcher.is_match(&built),
                }
            })
            .collect()
    }

    /// The objects of every Summary row whose class name matches.
    fn objects_of_classes(&self, matcher: &Matcher) -> Vec<NodeIdx> {
        let mut found = Vec::new();
        for (row, aggregate) in self.summary.rows.iter().enumerate() {
            if matcher.is_match(&self.classes.classes[aggregate.class as usize].name) {
                found.extend_from_slice(self.class_members(row as u32));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str, case_sensitive: bool, regex: bool, haystack: &str) -> bool {
        Matcher::new(text, case_sensitive, regex).expect("valid").is_match(haystack)
    }

    #[test]
    fn substrings_ignore_case_unless_asked() {
        assert!(matches("hello", false, false, "say HeLLo there"));
        assert!(!matches("hello", true, false, "say HeLLo there"));
        assert!(matches("ÄPFEL", false, false, "grüne äpfel"));
        assert!(!matches("äpfel", false, false, "apfel"));
        assert!(!matches("hello", false, false, "hell"));
        assert!(
            matches("lo", false, false, "hello")
                && matches("h", false, false, "H")
                && !matches("x", false, false, "")
        );
        assert!(matches("a+b", false, false, "1 A+B"), "plain text is not a pattern");
    }

    #[test]
    fn regexes_honour_the_case_switch_and_bad_ones_say_why() {
        assert!(matches("^user-[0-9]+$", false, true, "USER-42"));
        assert!(!matches("^user-[0-9]+$", true, true, "USER-42"));
        let error = Matcher::new("(unclosed", false, true).err().expect("an error");
        assert!(error.to_string().starts_with("invalid regular expression: "), "{error}");
    }

    #[test]
    fn only_at_and_digits_is_an_id() {
        assert_eq!(id_query("@123"), Some("123"));
        assert_eq!(id_query("@"), None);
        assert_eq!(id_query("@types/node"), None);
        assert_eq!(id_query("123"), None);
    }
}
