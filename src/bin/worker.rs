//! The web worker's wasm entry point (built by Trunk for wasm32); all of it lives in `heapscope::worker`.
#[cfg(target_arch = "wasm32")]
fn main() {
    heapscope::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the `worker` binary runs inside the web page; build it with `trunk build` (see README)");
    std::process::exit(2);
}
