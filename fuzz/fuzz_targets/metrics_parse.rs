//! Fuzz target: `metrics::parse`, the sniffer and every metrics parser behind it, on arbitrary bytes.
//!
//! The first input byte picks the file name (clinic doctor's files are known by their name suffix; any other
//! name leaves the format to the content); the rest is the file. Any outcome is fine except a panic, a hang,
//! an error that names neither a line nor a byte, or a parsed file whose series are ragged, hold a time that
//! is not finite, or hold more samples than the input has bytes. Run from `fuzz/`:
//! `cargo +nightly fuzz run metrics_parse seeds-metrics -- -dict=metrics.dict`.

#![no_main]

use heapscope::metrics;
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = [
    "metrics.txt",
    "1.clinic-doctor-processstat",
    "1.clinic-doctor-systeminfo",
    "1.clinic-doctor-traceevent",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, file)) = data.split_first() else { return };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    match metrics::parse(name, file) {
        Ok(parsed) => {
            let mut samples = 0;
            for s in &parsed.series {
                assert_eq!(s.t_ms.len(), s.values.len(), "{}: ragged series", s.name);
                assert!(s.t_ms.iter().all(|t| t.is_finite()), "{}: a time that is not finite", s.name);
                samples += s.len();
            }
            samples += parsed.gc_events.len() + parsed.markers.len();
            assert!(samples <= file.len(), "{samples} samples from {} bytes", file.len());
        }
        Err(error) => {
            let message = error.to_string();
            assert!(names_a_place(&message), "the error names no line or byte: {message}");
        }
    }
});

/// Whether `message` says `line N`, `lines N` or `byte N`.
fn names_a_place(message: &str) -> bool {
    ["line ", "lines ", "byte "].iter().any(|word| {
        message
            .match_indices(word)
            .any(|(i, _)| message[i + word.len()..].starts_with(|c: char| c.is_ascii_digit()))
    })
}
