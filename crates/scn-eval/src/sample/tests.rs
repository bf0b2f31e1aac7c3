//! The fast ways of running samples against the general walk: the same numbers, bit for bit,
//! on every scenario of the library, the peer benchmark's tree, and small trees made to reach
//! the corners (dropped samples, renormalised sets, evidence, decisions, effects that read
//! metrics, chains with `^`).

use std::path::{Path, PathBuf};

use super::{Engine, SampleOptions, Samples, sample_on};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every scenario file of the library (`scenarios/lib` holds only templates the others
/// import) and the benchmark's tree.
fn library() -> Vec<PathBuf> {
    let mut files = vec![repo().join("bench/peer-tree.scn")];
    let mut dirs = vec![repo().join("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("scenarios/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                if !path.ends_with("lib") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "scn") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

const CORNERS: &[&str] = &[
    // Draws that are sometimes invalid (a log-normal's spread below 0) and chances below 0:
    // some samples are dropped mid-tree, others clamped.
    r#"scenario drops "d" {
      metric m "m" = 0
      let x = normal(0.2, 0.3)
      let y = x / (x - 0.1)
      branch a "a" p = x { m = lognormal(0, y) }
      branch b "b" p = rest { m += 2 to 5 }
      forecast f "f" = E(m)
      forecast g "g" = P(a)
    }"#,
    // Siblings that miss 1 and are renormalised, a chain with `^`, conditional forecasts.
    r#"scenario renorm "r" {
      metric cost "c" = 1
      let p = beta(2, 2)
      let q = uniform(0.3, 0.9)
      branch a "a" p = p ^ 2 {
        branch a1 "a1" p = q { cost *= 3 }
        branch a2 "a2" p = rest { cost += normal(2, 1) }
      }
      branch b "b" p = 0.75 * q / 0.6 {
        cost = 4
      }
      forecast f "f" = P(a1 | a)
      forecast g "g" = E(cost | b)
    }"#,
    // An effect that reads a metric: the general walk takes every sample.
    r#"scenario reads "m" {
      metric m "m" = 1
      metric n "n" = 0
      let p = beta(3, 3)
      branch a "a" p = p { m += 2 to 4  n = m * 2 }
      branch b "b" p = rest { n = m + normal(1, 1) }
      forecast f "f" = E(n)
    }"#,
    // Evidence that some samples make impossible.
    r#"scenario evidence "e" {
      metric m "m" = 0
      let p = uniform(-0.2, 0.6)
      branch a "a" p = p { m = 10 }
      branch b "b" p = rest { m = normal(3, 1) }
      observe a
      forecast f "f" = E(m)
    }"#,
    // A decision: the point evaluation's choice is kept, the roll-back still runs.
    r#"scenario decide "d" {
      metric v "v" = 0
      objective maximize v
      let p = beta(4, 6)
      option yes "yes" {
        branch win "win" p = p { v = 100 to 200 }
        branch lose "lose" p = rest { v = -50 }
      }
      option no "no" { v = 0 }
      forecast f "f" = E(v)
    }"#,
    // Programs run over columns: functions, a division that sometimes fails (dropped), an
    // effect reading metrics, forecasts of arithmetic on queries and on other forecasts, one
    // sometimes undefined, one drawing a constant distribution.
    r#"scenario general "g" {
      metric cost "c" = 0
      metric risk "r" = 1
      let a = beta(2, 5)
      let b = normal(1, 2)
      let c = max(a, 0.1) * (1 + a) / sqrt(b + 3)
      branch x "x" p = a { cost = 10 + (2 to 5)  risk = risk * 2 }
      branch y "y" p = rest { cost = sqrt(abs(b)) * 3  risk = cost + risk }
      forecast f1 "f1" = P(x) * 100
      forecast f2 "f2" = E(cost) / P(y)
      forecast f3 "f3" = f1 + c
      forecast f4 "f4" = ln(b)
      forecast f5 "f5" = normal(0, 1) + f1
    }"#,
    // Leaves of chance 0, in some samples (the first leaf, one under `c`) or in all (`b`),
    // when the drawn leaf is picked for the metric's outcome.
    r#"scenario zeros "z" {
      metric m "m" = 0
      let x = uniform(-0.5, 0.5)
      let y = uniform(-1, 1)
      branch a "a" p = x { m = 1 }
      branch b "b" p = 0 { m = 2 }
      branch c "c" p = rest {
        branch c1 "c1" p = 0.5 { m = normal(3, 1) }
        branch c2 "c2" p = max(0, y) { m = 4 }
        branch c3 "c3" p = rest { m = 5 }
      }
      forecast f "f" = E(m)
    }"#,
    // Log-normals whose draws overflow to infinity in some samples (dropped) and underflow
    // to 0 or below the normal range in others: a batch takes their `exp` over a column and
    // checks the draws after it, the general walk one at a time.
    r#"scenario extremes "x" {
      metric m "m" = 0
      let big = lognormal(702, 3.9)
      let tiny = lognormal(-735, 20)
      let p = beta(2, 3)
      branch a "a" p = p { m = big }
      branch b "b" p = rest { m = tiny * 1e300 + lognormal(708, 1) }
      forecast f "f" = E(m)
      forecast g "g" = P(a)
      forecast h "h" = lognormal(708, 1) / 1e300
    }"#,
];

/// Samples every way, with and without every sample's rows kept, and returns what the fast
/// paths found (5,000 samples, one thread) and whether they ran in batches.
fn compare(name: &str, loaded: &crate::Loaded) -> (Samples, bool) {
    let model = crate::resolve(loaded).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let ev = crate::evaluate(model).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let batched = super::batched(&ev);
    let mut first = None;
    for (samples, threads, keep_rows) in [(5_000, 1, false), (3_001, 2, true)] {
        let opts = SampleOptions {
            samples,
            seed: 17,
            threads: Some(threads),
            keep_rows,
            ..SampleOptions::default()
        };
        let fast = sample_on(&ev, &opts, Engine::Fast);
        let general = format!("{:?}", sample_on(&ev, &opts, Engine::General));
        // Debug prints every float to the digits that round-trip it: equal text is equal bits.
        assert_eq!(
            format!("{fast:?}"),
            general,
            "{name}: batches and the general walk disagree"
        );
        assert_eq!(
            format!("{:?}", sample_on(&ev, &opts, Engine::OneByOne)),
            general,
            "{name}: the primed walk and the general walk disagree"
        );
        first.get_or_insert(fast.unwrap_or_else(|d| panic!("{name}: {d:?}")));
    }
    (first.expect("two runs"), batched)
}

#[test]
fn every_library_scenario_samples_the_same_on_every_path() {
    let files = library();
    assert!(files.len() >= 10, "the library went missing: {files:?}");
    let mut batched = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a readable scenario");
        let dir = path.parent().expect("a file in a directory");
        let name = path.display().to_string();
        let loaded = crate::load_in(&name, text, dir, Some(&path), &repo().join("scenarios"));
        if compare(&name, &loaded).1 {
            batched.push(name);
        }
    }
    // The batches are reached on the benchmark's tree, the scored and the Ukraine library.
    for name in [
        "peer-tree.scn",
        "harbour-strike.scn",
        "peace-talks-2025.scn",
    ] {
        assert!(
            batched.iter().any(|b| b.ends_with(name)),
            "{name} is not batched; batched: {batched:?}"
        );
    }
}

#[test]
fn corner_cases_sample_the_same_on_every_path() {
    let found: Vec<(Samples, bool)> = CORNERS
        .iter()
        .enumerate()
        .map(|(i, src)| {
            let name = format!("corner {i}");
            compare(
                &name,
                &crate::load(&name, (*src).to_owned(), Path::new("."), None),
            )
        })
        .collect();
    // Each corner is reached, in batches where the tree allows them.
    let batched: Vec<bool> = found.iter().map(|f| f.1).collect();
    assert_eq!(batched, [false, true, true, true, true, true, true, true]);
    let found: Vec<Samples> = found.into_iter().map(|f| f.0).collect();
    assert!(
        found[0].dropped > 0 && found[0].adjusted > 0,
        "{:?}",
        found[0]
    );
    assert!(found[1].adjusted > 0, "{:?}", found[1]);
    assert!(found[3].impossible_evidence > 0, "{:?}", found[3]);
    assert!(!found[4].optimal_share.is_empty(), "{:?}", found[4]);
    assert!(
        found[5].dropped > 0 && found[5].forecasts[3].dropped > 0,
        "{:?}",
        found[5]
    );
    // Chances below 0 were clamped to 0 in some samples.
    assert!(found[6].adjusted > 0, "{:?}", found[6]);
    // Draws overflowed in some samples (about 2 % for `big`, 4 % for the inline one).
    assert!(
        found[7].dropped > 50 && found[7].dropped < 500,
        "{:?}",
        found[7]
    );
}

#[test]
fn figures_summarise_the_kept_samples_in_order_when_blocks_drop_some() {
    // Blocks write into shares of the run's columns; a block that drops samples leaves a gap
    // that is closed before summarising, and a figure undefined in some samples (NaN, in the
    // second corner's `f4 = ln(b)`) has its defined values moved together. The rows, kept
    // sample by sample apart from the columns, must give the same summaries to the last bit.
    // Undefined in about one sample in 750 (`b` ≤ 0): nearly always in a batch, not in the
    // first sample of a block, which runs on its own.
    const RARE: &str = r#"scenario rare "r" {
      let b = normal(3, 1)
      branch x "x" p = 0.5 { }
      branch y "y" p = rest { }
      forecast f "f" = ln(b)
      forecast g "g" = P(x) + b
    }"#;
    let corners = [CORNERS[0], CORNERS[5], CORNERS[5], RARE];
    let engines = [Engine::Fast, Engine::Fast, Engine::General, Engine::Fast];
    for (corner, (src, engine)) in corners.into_iter().zip(engines).enumerate() {
        let loaded = crate::load("drops", src.to_owned(), Path::new("."), None);
        let ev = crate::evaluate(crate::resolve(&loaded).unwrap()).unwrap();
        let opts = SampleOptions {
            samples: 40_000,
            seed: 5,
            threads: Some(2),
            keep_rows: true,
            ..SampleOptions::default()
        };
        let s = sample_on(&ev, &opts, engine).unwrap();
        let rows = s.rows.as_ref().unwrap();
        let f = s.forecasts.len();
        assert_eq!(rows.forecasts.len() as u64, s.kept * f as u64);
        match corner {
            0 => assert!(s.dropped > 100, "blocks drop samples: {}", s.dropped),
            3 => assert!((20..200).contains(&s.forecasts[0].dropped), "{s:?}"),
            _ => assert!(s.forecasts[3].dropped > 100, "{:?}", s.forecasts[3]),
        }
        for c in 0..f {
            let mut column: Vec<f64> = rows
                .forecasts
                .chunks(f)
                .map(|r| r[c])
                .filter(|v| !v.is_nan())
                .collect();
            assert_eq!(
                super::Summary::of(&mut column),
                s.forecasts[c].summary,
                "case {corner}, {engine:?}, forecast {c}"
            );
        }
    }
}

#[test]
fn no_samples_give_no_summaries() {
    let loaded = crate::load("drops", CORNERS[1].to_owned(), Path::new("."), None);
    let ev = crate::evaluate(crate::resolve(&loaded).unwrap()).unwrap();
    let s = sample_on(&ev, &SampleOptions::default(), Engine::Fast).unwrap();
    assert_eq!((s.requested, s.kept), (0, 0));
    assert!(s.forecasts.iter().all(|f| f.summary.is_none()));
}
