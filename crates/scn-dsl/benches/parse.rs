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
//! are recognition plus AST building, not deallocation.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use scn_dsl::{FileId, parse};

fn main() {
    divan::main();
}

/// Seed passed to the generator: fixed, so every run parses the same bytes.
const SEED: u32 = 1;

/// `<workspace>/bench/gen_scn.py`.
fn generator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen_scn.py")
}

/// `<target>/bench-inputs/`, honouring an absolute `CARGO_TARGET_DIR`.
fn input_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("bench-inputs")
}

/// True when `file` exists and is at least as new as the generator.
fn is_fresh(file: &Path, generator: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(file), modified(generator)) {
        (Some(file), Some(script)) => file >= script,
        (Some(_), None) => true,
        _ => false,
    }
}

/// The text of a generated scenario of about `bytes` bytes, generating it first if needed.
fn input(bytes: u64) -> String {
    let dir = input_dir();
    let file = dir.join(format!("bytes-{bytes}-seed{SEED}.scn"));
    let script = generator();
    if !is_fresh(&file, &script) {
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        // Write beside the final name, then rename: concurrent runs never see half a file.
        let tmp = dir.join(format!(
            ".bytes-{bytes}-seed{SEED}.{}.tmp",
            std::process::id()
        ));
        // Output is captured so that it does not cut into divan's table.
        let out = Command::new("python3")
            .arg(&script)
            .args([
                "--bytes",
                &bytes.to_string(),
                "--seed",
                &SEED.to_string(),
                "--out",
            ])
            .arg(&tmp)
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
        assert!(
            out.status.success(),
            "{} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::rename(&tmp, &file)
            .unwrap_or_else(|e| panic!("cannot rename to {}: {e}", file.display()));
    }
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

/// About 50 MB (~420,000 branches). A few seconds per sample.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_50mb(bencher: Bencher) {
    static TEXT: OnceLock<String> = OnceLock::new();
    bench_parse(bencher, TEXT.get_or_init(|| input(50_000_000)));
}
