//! WeakMap entries ("ephemerons") as V8 names them in snapshots. A WeakMap value is referenced by two
//! `internal` edges, one from the key and one from the table, both named
//! `<n> / part of key (<K> @<id>) -> value (<V> @<id>) pair in WeakMap (table @<table id>)`.
//! DevTools recognises them by this regular expression
//! `^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$` (the last
//! parenthesis closes the group):
//! distances take the later of the two edges, and dominators ignore the table's edge. This module matches
//! that expression by hand and caches the answer per string.

use super::bitset::BitSet;
use super::graph::{HeapGraph, StrIdx};

/// The parts of a WeakMap edge name DevTools uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeakMapEdgeName<'a> {
    /// Everything after the leading number: the same for the key's edge and the table's edge of one entry.
    pub entry: &'a str,
    /// The table's node id, as written (digits).
    pub table_id: &'a str,
}

const KEY_PART: &str = " / part of key (";
const VALUE_PART: &str = ") -> value (";
const TABLE_PART: &str = ") pair in WeakMap (table @";

/// Parses a WeakMap edge name; `None` when `name` does not match DevTools' expression.
pub fn parse(name: &str) -> Option<WeakMapEdgeName<'_>> {
    // `.` in the expression matches anything but a line terminator, and the literal parts contain none.
    if name.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return None;
    }
    let leading_digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if leading_digits == 0 {
        return None;
    }
    let entry = &name[leading_digits..];
    let rest = entry.strip_prefix(KEY_PART)?;
    // The end is fixed: `) pair in WeakMap (table @<digits>)`.
    let body = rest.strip_suffix(')')?;
    let table_id = trailing_digits(body)?;
    let body = body[..body.len() - table_id.len()].strip_suffix(TABLE_PART)?;
    // `body` is now `<K> @<digits>) -> value (<V> @<digits>`: it must end in ` @<digits>` and, before that,
    // contain ` @<digits>) -> value (` somewhere (the lazy `.*?` can stretch over anything else).
    let value_id = trailing_digits(body)?;
    let key_and_value = body[..body.len() - value_id.len()].strip_suffix(" @")?;
    let has_key_id = key_and_value.match_indices(VALUE_PART).any(|(at, _)| {
        let before = &key_and_value[..at];
        trailing_digits(before).is_some_and(|digits| before[..before.len() - digits.len()].ends_with(" @"))
    });
    has_key_id.then_some(WeakMapEdgeName { entry, table_id })
}

/// The non-empty run of ASCII digits at the end of `s`.
fn trailing_digits(s: &str) -> Option<&str> {
    let n = s.bytes().rev().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| &s[s.len() - n..])
}

/// Per-string memo of [`parse`], as DevTools keeps one: most internal edge names repeat.
pub struct WeakMapEdgeNames {
    not_weak_map: BitSet,
}

impl WeakMapEdgeNames {
    /// A memo for the strings of `graph`.
    pub fn new(graph: &HeapGraph) -> Self {
        WeakMapEdgeNames { not_weak_map: BitSet::new(graph.strings.len()) }
    }

    /// The WeakMap parts of the edge name `name` (a string of `graph`), if it is one.
    pub fn get<'g>(&mut self, graph: &'g HeapGraph, name: StrIdx) -> Option<WeakMapEdgeName<'g>> {
        let i = name.0 as usize;
        if self.not_weak_map.contains(i) {
            return None;
        }
        let parsed = parse(graph.strings.get(name));
        if parsed.is_none() && i < graph.strings.len() {
            self.not_weak_map.insert(i);
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_v8_weak_map_edges() {
        let name = "12 / part of key (Object @1234) -> value (Foo @77) pair in WeakMap (table @99)";
        let parsed = parse(name).expect("a WeakMap edge");
        assert_eq!(parsed.table_id, "99");
        assert_eq!(parsed.entry, &name[2..]);
    }

    #[test]
    fn lazy_parts_may_contain_the_separators() {
        let name = "1 / part of key (a @1) -> value (b @2) -> value (c @3) pair in WeakMap (table @4)";
        assert_eq!(parse(name).map(|p| p.table_id), Some("4"));
    }

    #[test]
    fn rejects_other_names() {
        for name in [
            "elements",
            "/ part of key (a @1) -> value (b @2) pair in WeakMap (table @4)",
            "1 / part of key (a @1) -> value (b @2) pair in WeakMap (table @)",
            "1 / part of key (a @) -> value (b @2) pair in WeakMap (table @4)",
            "1 / part of key (a\n @1) -> value (b @2) pair in WeakMap (table @4)",
            "1 / part of key (a @1) -> value (b @2) pair in WeakMap (table @4))",
            "1 / part of key (a @1) -> value (b @2) pair in WeakMap (table @4",
        ] {
            assert_eq!(parse(name), None, "{name}");
        }
    }
}
