//! Reuse of per-node columns between analysis phases. Each phase of [`HeapSnapshot::analyze`] needs one or
//! two node-sized columns for a while; freed, their pages go back to the system and the next phase's
//! columns are faulted in and zeroed by the kernel again, which on a 5-million-node graph costs more than
//! some phases' own work. Phases instead take columns from a [`ColumnPool`] and give spent ones back, so
//! the same pages serve phase after phase. Peak memory does not grow: a column is handed on only when it
//! would otherwise have been freed.
//!
//! [`HeapSnapshot::analyze`]: super::analysis::HeapSnapshot::analyze

/// Spent columns waiting to be reused. Every column the pool allocates has room for `n_nodes + 1`
/// entries (the longest per-node column, CSR offsets), so any spent column fits any later request.
#[derive(Debug, Default)]
pub struct ColumnPool {
    capacity: usize,
    u32s: Vec<Vec<u32>>,
    u64s: Vec<Vec<u64>>,
}

impl ColumnPool {
    /// A pool for the columns of a graph of `n_nodes` nodes.
    pub fn new(n_nodes: usize) -> Self {
        ColumnPool { capacity: n_nodes + 1, u32s: Vec::new(), u64s: Vec::new() }
    }

    /// An empty column with room for `n_nodes + 1` entries.
    pub fn empty_u32s(&mut self) -> Vec<u32> {
        let mut column = self.u32s.pop().unwrap_or_else(|| Vec::with_capacity(self.capacity));
        column.clear();
        column
    }

    /// A column of `len` copies of `value` (`len` at most `n_nodes + 1` to reuse a spent column).
    pub fn u32s(&mut self, len: usize, value: u32) -> Vec<u32> {
        if self.u32s.is_empty() && value == 0 && len <= self.capacity {
            // Fresh zeroed memory comes zeroed from the system: no need to write it.
            let mut column = vec![0; self.capacity];
            column.truncate(len);
            return column;
        }
        let mut column = self.empty_u32s();
        column.resize(len, value);
        column
    }

    /// A column of `len` copies of `value`.
    pub fn u64s(&mut self, len: usize, value: u64) -> Vec<u64> {
        let mut column = self.u64s.pop().unwrap_or_else(|| Vec::with_capacity(self.capacity));
        column.clear();
        column.resize(len, value);
        column
    }

    /// Takes back a spent column.
    pub fn give_u32s(&mut self, column: Vec<u32>) {
        if column.capacity() >= self.capacity {
            self.u32s.push(column);
        }
    }

    /// Takes back a spent column.
    pub fn give_u64s(&mut self, column: Vec<u64>) {
        if column.capacity() >= self.capacity {
            self.u64s.push(column);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spent_columns_are_reused_with_fresh_contents() {
        let mut pool = ColumnPool::new(10);
        let mut column = pool.u32s(10, 7);
        column[3] = 1;
        let address = column.as_ptr();
        pool.give_u32s(column);
        let again = pool.u32s(11, 0);
        assert_eq!(again.as_ptr(), address, "the spent column's memory");
        assert_eq!(again, vec![0; 11]);
        pool.give_u32s(vec![1, 2, 3]);
        assert!(pool.u32s.is_empty(), "too small to keep");
        let fresh = pool.u32s(4, 0);
        assert_eq!((fresh.len(), fresh.capacity()), (4, 11), "room for any later request");
    }
}
