//! DevTools' Statistics view: the total size split into V8 heap (code, strings, JS arrays, system) and
//! native memory (with typed arrays' backing stores), computed from shallow sizes after reattribution.

use serde::{Deserialize, Serialize};

use super::graph::{HeapGraph, NodeIdx, StrIdx};
use super::kinds::{string_indices, Kinds};

/// Sizes in bytes, named as DevTools names them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    pub total: u64,
    pub native: NativeStatistics,
    pub v8heap: V8HeapStatistics,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NativeStatistics {
    pub total: u64,
    pub typed_arrays: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V8HeapStatistics {
    pub total: u64,
    pub code: u64,
    pub js_arrays: u64,
    pub strings: u64,
    pub system: u64,
}

/// Computes the Statistics view. `total` is the root's retained size plus the snapshot's
/// `extra_native_bytes` (which also count as native).
pub fn statistics(graph: &HeapGraph, kinds: &Kinds, total: u64, extra_native_bytes: u64) -> Statistics {
    let n = &kinds.node;
    let array_buffer_data = string_indices(graph, "system / JSArrayBufferData");
    let array = string_indices(graph, "Array");
    let elements = string_indices(graph, "elements");
    let mut native = NativeStatistics { total: extra_native_bytes, typed_arrays: 0 };
    let mut v8heap = V8HeapStatistics::default();
    for node in 0..graph.n_nodes() {
        let idx = NodeIdx(node as u32);
        let size = graph.self_size(idx);
        let t = u16::from(graph.node_type[node]);
        let name = graph.node_name[node];
        if t == n.hidden {
            v8heap.system += size;
        } else if t == n.native {
            native.total += size;
            if array_buffer_data.contains(&name) {
                native.typed_arrays += size;
            }
        } else if t == n.code {
            v8heap.code += size;
        } else if t == n.cons_string || t == n.sliced_string || t == n.string {
            v8heap.strings += size;
        } else if array.contains(&name) {
            v8heap.js_arrays += js_array_size(graph, kinds, &elements, idx);
        }
    }
    v8heap.total = total.saturating_sub(native.total);
    Statistics { total, native, v8heap }
}

/// An `Array`'s size with its `elements` store when nothing else holds the store; `elements` are the string
/// indices of that edge name.
fn js_array_size(graph: &HeapGraph, kinds: &Kinds, elements: &[StrIdx], array: NodeIdx) -> u64 {
    let mut size = graph.self_size(array);
    for e in graph.edges_of(array) {
        let e = e as usize;
        if u16::from(graph.edge_type[e]) != kinds.edge.internal
            || !elements.contains(&StrIdx(graph.edge_name_or_index[e]))
        {
            continue;
        }
        let elements = graph.edge_to[e];
        if graph.retainer_slots(elements).len() == 1 {
            size += graph.self_size(elements);
        }
        break;
    }
    size
}
