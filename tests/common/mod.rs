//! Test support shared by the integration tests: the heap notation (`heap_notation`, graphs written as text)
//! and the checks that compare analyses of such graphs with expected tables and trees (`check`).

pub mod check;
pub mod heap_notation;
