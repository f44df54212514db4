//! The page's wasm entry point (built by Trunk for wasm32); all of it lives in `heapscope::ui`.
#[cfg(target_arch = "wasm32")]
fn main() {
    heapscope::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the `app` binary is the web page; build it with `trunk build` (see README)");
    std::process::exit(2);
}
