//! `heapscope summary` (not built yet).
use std::ffi::OsString;

pub fn run(_args: Vec<OsString>) -> Result<(), String> {
    Err("`summary` is not built yet".into())
}
