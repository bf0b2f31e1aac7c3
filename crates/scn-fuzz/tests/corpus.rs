//! The fuzzer's regression tests: every corpus file (the bundled scenarios, the test fixtures
//! and the inputs fuzzing found) passes the oracle, and a fixed-seed run of a few hundred
//! generated and mutated inputs finds nothing new.

use std::path::{Path, PathBuf};

use scn_fuzz::run::{Stop, corpus_files, run};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `f` on a thread with the stack the command line gives the parser.
fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn failures(files: Vec<PathBuf>) -> Vec<String> {
    big_stack(move || {
        scn_fuzz::oracle::quiet_panics();
        let known = scn_fuzz::run::known();
        files
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                let f = scn_fuzz::check_input(&text, Some("not a0"))?;
                let line = format!("{}: {}: {}", p.display(), f.stage, f.message);
                let first = line.lines().next().unwrap_or_default().to_owned();
                (!known.iter().any(|k| first.contains(k.as_str()))).then_some(line)
            })
            .collect()
    })
}

#[test]
fn every_corpus_file_passes_the_oracle() {
    let r = root();
    let dirs = [
        r.join("scenarios"),
        r.join("tests/fixtures"),
        r.join("crates/scn-fuzz/corpus"),
    ];
    let mut files = corpus_files(&dirs);
    files.retain(|p| !p.components().any(|c| c.as_os_str() == "lead"));
    assert!(files.len() > 20, "the corpus is missing: {files:?}");
    let bad = failures(files);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn a_fixed_seed_run_finds_nothing_new() {
    let r = root();
    let corpus = vec![r.join("scenarios"), r.join("tests/fixtures")];
    let crashes = std::env::temp_dir().join(format!("scn-fuzz-{}", std::process::id()));
    let report = big_stack(move || run(Stop::Runs(300), 1, &corpus, &crashes));
    assert_eq!(report.runs, 300);
    let new: Vec<String> = report
        .new
        .iter()
        .map(|f| format!("{}: {}\n{}", f.stage, f.message, f.input))
        .collect();
    assert!(new.is_empty(), "{new:#?}");
}
