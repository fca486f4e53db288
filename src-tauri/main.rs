// Keeps a console window from opening beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// jemalloc, for Rust's allocations and (overriding malloc) SQLite's, GTK's and WebKit's:
/// glibc's malloc kept most of what a first sync's pages had passed through, one arena
/// per thread that had parsed or written them.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    stride_app::run();
}
