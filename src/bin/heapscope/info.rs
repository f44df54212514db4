//! `heapscope info` (not built yet).
use std::ffi::OsString;

pub fn run(_args: Vec<OsString>) -> Result<(), String> {
    Err("`info` is not built yet".into())
}
