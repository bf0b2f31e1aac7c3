//! Parse throughput of `scn_dsl::parse` on large generated scenarios.
//!
//! Inputs come from `bench/gen_scn.py` (Python 3, standard library only), written once to
//! `target/bench-inputs/` and regenerated when the generator is newer than the file; the same
//! files are used by `bench/parse.sh`. Throughput is reported in bytes of source per second.
//!
//! ```text
//! cargo bench -p scn-dsl --bench parse
//! ```
//!
//! The returned AST is dropped outside the timed region (divan defers drops), so the figures
//! are recognition plus AST building, not deallocation. `parse` takes the fast path on these
//! valid files; `pest_only_1mb` times the pest path alone.

use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use scn_dsl::{FileId, parse};

fn main() {
    divan::main();
}

#[path = "../../../bench/inputs.rs"]
mod inputs;

/// The text of a generated scenario of about `bytes` bytes.
fn input(bytes: u64) -> String {
    let file = inputs::generated("bytes", bytes);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    // A benchmark of a parse that fails would measure the error path: refuse it up front.
    if let Err(diags) = parse(&text, FileId(0)) {
        panic!("{} does not parse: {:?}", file.display(), diags.first());
    }
    text
}

fn bench_parse(bencher: Bencher, text: &str) {
    bencher
        .counter(BytesCount::of_str(text))
        .bench_local(|| parse(black_box(text), FileId(0)));
}

/// About 1 MB (~8,400 branches).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn parse_1mb(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(bencher, TEXT.get_or_init(|| input(1_000_000)));
}

/// About 50 MB (~420,000 branches).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_50mb(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(bencher, TEXT.get_or_init(|| input(50_000_000)));
}

/// Exactly 1,000,000 branches (about 120 MB): the tree of `bench/eval.sh`.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_1m_branches(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(
        bencher,
        TEXT.get_or_init(|| {
            let file = inputs::generated("nodes", 1_000_000);
            std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
        }),
    );
}

/// pest alone on about 1 MB, for comparison with the fast path (`parse_1mb`).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn pest_only_1mb(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    let text = TEXT.get_or_init(|| input(1_000_000));
    bencher
        .counter(BytesCount::of_str(text))
        .bench_local(|| scn_dsl::parse_pest(black_box(text), FileId(0)));
}
