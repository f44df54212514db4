//! `heapscope trend` (not built yet).
use std::ffi::OsString;

pub fn run(_args: Vec<OsString>) -> Result<(), String> {
    Err("`trend` is not built yet".into())
}
