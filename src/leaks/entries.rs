//! How many entries an object holds, in the words of its kind: an Array's elements, a plain or dictionary
//! object's properties, a Map's or Set's entries (counted in its hash table), a native (Blink) object's
//! references (a Blink vector's, in its backing store). This is what the leak report shows as "entries" per snapshot; growth itself is decided on
//! retained sizes (see `suspects`). Small integers stored inline are not graph nodes, so they are not counted.

use crate::snapshot::graph::NodeIdx;
use crate::snapshot::HeapSnapshot;

/// The entry count of `node` (0 for nodes that are not objects).
pub fn entry_count(snapshot: &HeapSnapshot, node: NodeIdx) -> u32 {
    let graph = &snapshot.graph;
    let kinds = &snapshot.kinds;
    let node_type = u16::from(graph.node_type[node.0 as usize]);
    let strong = |e: u32| u16::from(graph.edge_type[e as usize]) != kinds.edge.weak;
    if node_type == kinds.node.native {
        let edges: Vec<u32> = graph.edges_of(node).filter(|&e| strong(e)).collect();
        // A Blink vector keeps its elements in one backing store: count those.
        if let [only] = edges[..] {
            let backing = graph.edge_to[only as usize];
            if graph.strings.get(graph.node_name[backing.0 as usize]).contains("Backing") {
                return graph.edges_of(backing).filter(|&e| strong(e)).count() as u32;
            }
        }
        return edges.len() as u32;
    }
    if node_type != kinds.node.object {
        return 0;
    }
    let mut own = 0u32;
    let mut table = None;
    for e in graph.edges_of(node) {
        let edge_type = u16::from(graph.edge_type[e as usize]);
        if edge_type == kinds.edge.element {
            own += 1;
        } else if edge_type == kinds.edge.property {
            let name =
                graph.strings.get(crate::snapshot::graph::StrIdx(graph.edge_name_or_index[e as usize]));
            own += u32::from(name != "__proto__");
        } else if edge_type == kinds.edge.internal
            && graph.strings.get(crate::snapshot::graph::StrIdx(graph.edge_name_or_index[e as usize]))
                == "table"
        {
            table = Some(graph.edge_to[e as usize]);
        }
    }
    match table {
        // A Map's or Set's hash table: one edge per key and per value that is a heap object.
        Some(table) => {
            let slots = graph.edges_of(table).filter(|&e| strong(e)).count() as u32;
            let name = graph.strings.get(graph.node_name[node.0 as usize]);
            if name == "Map" {
                slots / 2
            } else {
                slots
            }
        }
        None => own,
    }
}
