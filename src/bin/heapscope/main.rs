//! The `heapscope` command line: arguments in, text or JSON out. Each subcommand is a module with a
//! `run(args)` function; the analysis itself lives in the library.

mod diff;
mod info;
mod inspect;
mod leaks;
mod output;
mod report;
mod summary;
mod trend;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
heapscope: why is my Node.js process running out of memory?

usage:
  heapscope info FILE                      snapshot meta, node and edge counts
  heapscope summary FILE [--top N] [--json]  DevTools' Summary: classes and objects by retained size
  heapscope inspect FILE @ID [--json]      edges, retainers, dominator chain and path to a GC root
  heapscope diff BASE CURRENT [--top N] [--json]
                                           DevTools' Comparison: objects new and deleted, per class
  heapscope leaks S1 S2 [S3 …] [--json] [--fail-on-leak]
                                           leak suspects: what grows, what holds it (exit 1 with --fail-on-leak)
  heapscope report S1 [S2 …] [METRICS …] [-o OUT] [--json] [--include-strings]
                                           one HTML report (or JSON) to share: summary, metrics verdicts,
                                           comparison, leak suspects; heap strings redacted by default
  heapscope trend FILE... [--json] [--svg OUT.svg] [--heap-limit BYTES]
                                           leak verdict and chart from memory metrics
";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(command) = args.next() else {
        let _ = write!(std::io::stderr(), "{USAGE}");
        return ExitCode::from(2);
    };
    let rest: Vec<std::ffi::OsString> = args.collect();
    let result = match command.to_str().unwrap_or("") {
        "info" => info::run(rest),
        "summary" => summary::run(rest),
        "inspect" => inspect::run(rest),
        "diff" => diff::run(rest),
        "leaks" => match leaks::run(rest) {
            Ok(true) => return ExitCode::from(1),
            Ok(false) => Ok(()),
            Err(message) => Err(message),
        },
        "trend" => trend::run(rest),
        "report" => report::run(rest),
        "-h" | "--help" | "help" => output::to_stdout(|out| out.write_all(USAGE.as_bytes())),
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Standard error may be a closed pipe too; the status still tells.
            let _ = writeln!(std::io::stderr(), "heapscope: {message}");
            ExitCode::FAILURE
        }
    }
}
