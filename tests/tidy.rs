//! Architecture and repository invariants, checked as ordinary tests.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn core_files() -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let platform = [src.join("ui"), src.join("worker"), src.join("bin")];
    files.retain(|f| !platform.iter().any(|p| f.starts_with(p)));
    files
}

/// Only `ui/` and `worker/` (and the thin bins) may know JavaScript: the core runs natively too.
#[test]
fn core_modules_do_not_name_browser_crates() {
    let files = core_files();
    assert!(files.len() > 5, "found the core sources");
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        for banned in ["web_sys", "js_sys", "wasm_bindgen"] {
            let uses =
                text.lines().filter(|line| !line.trim_start().starts_with("//")).any(|l| l.contains(banned));
            assert!(!uses, "{} names `{banned}`; only src/ui and src/worker may", file.display());
        }
    }
}

/// Every module says what it owns in a `//!` paragraph at its top.
#[test]
fn every_module_has_a_doc_paragraph() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        assert!(text.trim_start().starts_with("//!"), "{} has no `//!` module doc", file.display());
    }
}

/// Trunk's wasm-opt version must be the binaryen that `npm ci` installs.
#[test]
fn trunk_uses_the_pinned_wasm_opt() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let trunk = fs::read_to_string(root.join("Trunk.toml")).expect("Trunk.toml");
    let package: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("package.json")).expect("package.json"))
            .expect("json");
    let binaryen = package["devDependencies"]["binaryen"].as_str().expect("binaryen pinned");
    let major = binaryen.split('.').next().expect("a version");
    assert!(
        trunk.contains(&format!("wasm_opt = \"version_{major}\"")),
        "Trunk.toml must pin wasm_opt version_{major}"
    );
}

/// The page frees what it stops showing: a listener lives in a `Listeners` that removes it when its view
/// goes, never `forget()`-ed (which leaks its closure and everything it holds for the page's life); and the
/// page depends on the worker only through `protocol`, never the `workspace`.
#[test]
fn the_page_forgets_no_closure_and_knows_only_the_protocol() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&ui, &mut files);
    assert!(files.len() > 5, "found the page's sources");
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        for line in text.lines().filter(|line| !line.trim_start().starts_with("//")) {
            assert!(!line.contains(".forget()"), "{} forgets a closure: {line}", file.display());
            assert!(!line.contains("workspace::"), "{} reaches into the workspace: {line}", file.display());
        }
    }
}
