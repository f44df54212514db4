//! heapscope finds out why a Node.js (or any V8) process holds memory.
//!
//! The library is the product's core: it reads V8 heap snapshots ([`snapshot`]) and memory-metric exports
//! ([`metrics`]), analyses them, finds leaks across snapshots ([`leaks`]), draws charts ([`chart`]) and answers paged queries through the
//! [`workspace`]. It has no dependency on the browser: the web worker ([`worker`]) and the page ([`ui`]) are
//! thin layers compiled only for `wasm32`, and the native `heapscope` command drives the same workspace.

pub mod chart;
pub mod leaks;
pub mod metrics;
pub mod protocol;
pub mod report;
pub mod snapshot;
pub mod units;
pub mod workspace;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod worker;
