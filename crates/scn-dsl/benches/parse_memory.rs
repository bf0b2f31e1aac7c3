//! Heap used by `scn_dsl::parse` on generated trees: divan's allocation profiler reports, per
//! parse, the peak of live heap bytes (`max alloc`) and the bytes allocated and freed; what is
//! allocated and not freed is the syntax tree the parse returns.
//!
//! ```text
//! cargo bench -p scn-dsl --bench parse_memory
//! ```
//!
//! Bytes per branch of the tree = (alloc bytes − dealloc bytes) / branches. The bytes are
//! those requested from the allocator: malloc's own headers and rounding come on top.
//! A separate binary from `parse`, so that the profiler's bookkeeping stays out of its
//! timings.

use std::sync::OnceLock;

use divan::{AllocProfiler, Bencher, black_box};
use scn_dsl::{FileId, parse};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    // divan's profiler counts what the benchmark's own thread allocates: the thread that
    // reads a big file's second half would go uncounted (the 1M tree measured 171 MB, not
    // 362 MB). The tree is the same on one thread.
    scn_dsl::set_max_threads(1);
    divan::main();
}

#[path = "../../../bench/inputs.rs"]
mod inputs;

fn input(nodes: u64) -> String {
    let file = inputs::generated("nodes", nodes);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    if let Err(diags) = parse(&text, FileId(0)) {
        panic!("{} does not parse: {:?}", file.display(), diags.first());
    }
    text
}

fn bench_parse(bencher: Bencher, text: &str) {
    bencher.bench_local(|| parse(black_box(text), FileId(0)));
}

/// 100,000 branches (about 12 MB).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn nodes_100k(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(bencher, TEXT.get_or_init(|| input(100_000)));
}

/// 1,000,000 branches (about 120 MB).
#[divan::bench(sample_count = 1, sample_size = 1)]
fn nodes_1m(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(bencher, TEXT.get_or_init(|| input(1_000_000)));
}

/// The pest path alone on 1,000,000 branches: what a file that the fast path declines costs.
/// pest goes one scenario item at a time, so its token queue holds one top-level branch (in
/// this tree, a few hundred thousand branches) rather than the whole file.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn pest_only_nodes_1m(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    let text = TEXT.get_or_init(|| input(1_000_000));
    bencher.bench_local(|| scn_dsl::parse_pest(black_box(text), FileId(0)));
}
