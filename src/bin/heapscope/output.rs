//! Writing results to standard output, and reading the count options (`--top N`, `--limit N`) every
//! subcommand parses the same way. A reader that stops early (`heapscope … | head`) is not an error: a
//! broken pipe ends the output quietly, as it does for other Unix tools.

use std::io::{self, BufWriter, Write};

/// Runs `write` on buffered standard output and flushes it; errors other than a broken pipe are returned
/// as text.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let mut out = BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|e| format!("cannot write the output: {e}")),
    }
}

/// Writes `value` as pretty JSON and a newline.
pub fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// The value of a count option such as `--top N`, with the option named in the error.
pub fn count_value(parser: &mut lexopt::Parser, option: &str) -> Result<usize, String> {
    use lexopt::ValueExt;
    let value = parser.value().map_err(|e| e.to_string())?;
    value.parse().map_err(|e| format!("{option}: {e}"))
}
