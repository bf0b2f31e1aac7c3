//! Evaluation cost of `scn_eval`, without parsing.
//!
//! ```text
//! cargo bench -p scn-eval --bench eval
//! cargo bench -p scn-eval --bench eval -- evaluate_only_1m     # one benchmark only
//! ```
//!
//! - `build_evaluate_*`: `scn_eval::resolve` (resolution and every validation rule) then
//!   `scn_eval::evaluate` (the exact point evaluation), on trees of 10k, 100k and 1M branches
//!   made by `bench/gen_scn.py --nodes N --seed 1`. The file is read and parsed once, outside
//!   the timed region.
//! - `evaluate_only_*`: `scn_eval::evaluate` alone, on a clone of a model built beforehand
//!   (the clone is not timed).
//! - `sample_peer_100k`: `scn_eval::sample` with 100,000 samples of the tree shared with the
//!   Squiggle benchmark (`bench/peer-tree.scn`, or `$SCN_PEER_TREE`), on 1 and
//!   2 threads.
//!
//! Inputs are generated into `target/bench-inputs/` (the names `bench/parse.sh --nodes N`
//! uses) and reused until the generator is newer than them. Results are dropped outside the
//! timed region (divan defers drops). Throughput is in branches per second.

use std::path::{Path, PathBuf};

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use scn_eval::{Evaluation, Loaded, Model, SampleOptions};

fn main() {
    // Parsing, building and evaluating recurse once per level of nesting: run everything on
    // a thread with the stack the `scn` binary uses.
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(divan::main)
        .expect("cannot start the benchmark thread");
    if let Err(panic) = worker.join() {
        std::panic::resume_unwind(panic);
    }
}

#[path = "../../../bench/inputs.rs"]
mod inputs;

use inputs::workspace;

/// The path of a generated scenario of exactly `nodes` branches.
fn generated(nodes: u64) -> PathBuf {
    inputs::generated("nodes", nodes)
}

/// Reads and parses `file` (with its imports), refusing one that does not load.
fn load(file: &Path) -> Loaded {
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let dir = file.parent().unwrap_or(Path::new("."));
    let loaded = scn_eval::load(&file.display().to_string(), text, dir, Some(file));
    assert!(
        loaded.diags.is_empty(),
        "{} does not load: {:?}",
        file.display(),
        loaded.diags.first()
    );
    loaded
}

/// Builds the model, refusing a scenario that does not resolve.
fn build(loaded: &Loaded) -> Model {
    scn_eval::resolve(loaded).unwrap_or_else(|d| panic!("does not build: {:?}", d.first()))
}

/// Evaluates the model, refusing a scenario that does not evaluate: a benchmark of the error
/// path would mean nothing.
fn evaluate(model: Model) -> Evaluation {
    scn_eval::evaluate(model).unwrap_or_else(|d| panic!("does not evaluate: {:?}", d.first()))
}

fn bench_build_evaluate(bencher: Bencher, nodes: u64) {
    let loaded = load(&generated(nodes));
    evaluate(build(&loaded));
    bencher
        .counter(ItemsCount::new(nodes))
        .bench_local(|| scn_eval::resolve(black_box(&loaded)).and_then(scn_eval::evaluate));
}

fn bench_evaluate_only(bencher: Bencher, nodes: u64) {
    let model = build(&load(&generated(nodes)));
    evaluate(model.clone());
    bencher
        .counter(ItemsCount::new(nodes))
        .with_inputs(|| model.clone())
        .bench_local_values(scn_eval::evaluate);
}

/// 10,000 branches (1.2 MB).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn build_evaluate_10k(bencher: Bencher) {
    bench_build_evaluate(bencher, 10_000);
}

/// 100,000 branches (12 MB).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn build_evaluate_100k(bencher: Bencher) {
    bench_build_evaluate(bencher, 100_000);
}

/// 1,000,000 branches (120 MB); the parse before it takes about 10 s.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn build_evaluate_1m(bencher: Bencher) {
    bench_build_evaluate(bencher, 1_000_000);
}

/// 10,000 branches.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn evaluate_only_10k(bencher: Bencher) {
    bench_evaluate_only(bencher, 10_000);
}

/// 100,000 branches.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn evaluate_only_100k(bencher: Bencher) {
    bench_evaluate_only(bencher, 100_000);
}

/// 1,000,000 branches.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn evaluate_only_1m(bencher: Bencher) {
    bench_evaluate_only(bencher, 1_000_000);
}

/// `bench/peer-tree.scn`, or `$SCN_PEER_TREE`.
fn peer_tree() -> PathBuf {
    std::env::var_os("SCN_PEER_TREE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("bench/peer-tree.scn"))
}

/// 100,000 Monte Carlo samples of the peer tree on `threads` worker threads.
#[divan::bench(args = [1, 2], sample_count = 30, sample_size = 1)]
fn sample_peer_100k(bencher: Bencher, threads: usize) {
    const SAMPLES: u64 = 100_000;
    let ev = evaluate(build(&load(&peer_tree())));
    let opts = SampleOptions {
        samples: SAMPLES,
        seed: scn_eval::DEFAULT_SEED,
        threads: Some(threads),
        progress: None,
        keep_rows: false,
    };
    bencher
        .counter(ItemsCount::new(SAMPLES))
        .bench_local(|| scn_eval::sample(black_box(&ev), &opts));
}
