//! `heapscope inspect` (not built yet).
use std::ffi::OsString;

pub fn run(_args: Vec<OsString>) -> Result<(), String> {
    Err("`inspect` is not built yet".into())
}
