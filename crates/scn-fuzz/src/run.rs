//! The fuzzing loop: seeded, timed, deduplicating findings by their message.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arbitrary::Unstructured;
use rand::{Rng, RngExt, SeedableRng};

use crate::{Finding, check_input, grammar, mutate, oracle};

/// Every `.scn` file under the folders, sorted (a stable corpus for a stable run).
pub fn corpus_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            // Symbolic links are not followed: the corpus is plain folders.
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "scn") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The input being checked and its `--given`, for the watchdog in `main` to save when one
/// input takes far longer than any should (a hang is a finding, not a stuck CI job).
pub static CURRENT: std::sync::Mutex<Option<(String, Option<String>)>> =
    std::sync::Mutex::new(None);

/// When a run stops.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// After this long (the command line, CI).
    After(Duration),
    /// After this many inputs (tests: the same inputs on every machine).
    Runs(u64),
}

/// The findings that are known and owned elsewhere (`known.txt`): substrings of a finding's
/// first line.
pub fn known() -> Vec<String> {
    include_str!("../known.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Inputs tried.
    pub runs: u64,
    /// Distinct findings not in `known.txt`.
    pub new: Vec<Finding>,
    /// Distinct findings that `known.txt` lists.
    pub known: Vec<Finding>,
}

/// Runs from `seed` until `stop`; writes each distinct new finding under `crashes`.
pub fn run(stop: Stop, seed: u64, corpus: &[PathBuf], crashes: &Path) -> Report {
    oracle::quiet_panics();
    let texts: Vec<String> = corpus_files(corpus)
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| t.len() < 200_000)
        .collect();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let start = Instant::now();
    let more = |runs: u64| match stop {
        Stop::After(d) => start.elapsed() < d,
        Stop::Runs(n) => runs < n,
    };
    let known = known();
    let (mut runs, mut generated, mut mutated) = (0u64, 0u64, 0u64);
    let mut seen = BTreeSet::new();
    let mut report = Report::default();
    // The corpus itself first, then generated and mutated inputs.
    let mut queue: Vec<String> = texts.clone();
    queue.reverse();
    while more(runs) {
        let mut bytes = vec![0u8; 4096];
        rng.fill_bytes(&mut bytes);
        let mut u = Unstructured::new(&bytes);
        let input = match queue.pop() {
            Some(t) => t,
            None if texts.is_empty() || rng.random_bool(0.5) => {
                generated += 1;
                grammar::file(&mut u).unwrap_or_default()
            }
            None => {
                mutated += 1;
                let base = &texts[rng.random_range(0..texts.len())];
                mutate::mutate(&mut u, base).unwrap_or_default()
            }
        };
        let given = grammar::event(&mut u).ok();
        runs += 1;
        *CURRENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((input.clone(), given.clone()));
        if let Some(f) = check_input(&input, given.as_deref()) {
            let key = format!("{}: {}", f.stage, f.message.lines().next().unwrap_or(""));
            if seen.insert(key.clone()) {
                if known.iter().any(|k| key.contains(k.as_str())) {
                    println!("known finding: {key}");
                    report.known.push(f);
                } else {
                    println!("finding {}: {key}", report.new.len() + 1);
                    report.new.push(f);
                }
            }
        }
    }
    if !report.new.is_empty() {
        let _ = std::fs::create_dir_all(crashes);
    }
    for (i, f) in report.new.iter().enumerate() {
        let name = crashes.join(format!("crash-{seed}-{i}.scn"));
        let mut text = format!(
            "// scn-fuzz finding ({}): {}\n",
            f.stage,
            f.message.lines().next().unwrap_or("")
        );
        if let Some(g) = &f.given {
            text.push_str(&format!("// --given {g}\n"));
        }
        text.push_str(&f.input);
        let _ = std::fs::write(&name, text);
    }
    let load = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "scn-fuzz: {runs} runs ({generated} generated, {mutated} mutated, {} corpus files; {} parsed, {} valid and evaluated) in {:.1} s, seed {seed}; {} new findings, {} known",
        texts.len(),
        load(&oracle::PARSED),
        load(&oracle::VALID),
        start.elapsed().as_secs_f64(),
        report.new.len(),
        report.known.len()
    );
    report.runs = runs;
    report
}
