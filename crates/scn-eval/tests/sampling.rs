//! Monte Carlo against values computed by hand, within 4 standard errors.

use std::path::Path;

use scn_eval::{Evaluation, SampleOptions, Samples};

fn evaluate(src: &str) -> Evaluation {
    let loaded = scn_eval::load("t.scn", src.to_owned(), Path::new("."), None);
    let model = scn_eval::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
    scn_eval::evaluate(model).unwrap_or_else(|d| panic!("{d:?}"))
}

fn sample(ev: &Evaluation, n: u64, seed: u64, threads: usize) -> Samples {
    scn_eval::sample(
        ev,
        &SampleOptions {
            samples: n,
            seed,
            threads: Some(threads),
            progress: None,
        },
    )
}

/// |mean − want| within 4 standard errors of the sample mean.
fn assert_mean(s: &scn_eval::Summary, want: f64) {
    let se = s.sd / (s.n as f64).sqrt();
    assert!(
        (s.mean - want).abs() < 4.0 * se,
        "mean {} vs {want} (4 se = {})",
        s.mean,
        4.0 * se
    );
}

#[test]
fn a_shared_let_correlates_and_inline_draws_do_not() {
    // q ~ Beta(2, 3): E[q] = 2/5, Var[q] = 2·3 / (5²·6) = 1/25.
    // Shared: P(a2) = q·q, E[q²] = Var + E² = 1/25 + 4/25 = 0.2.
    // Independent: E[q1·q2] = E[q1]·E[q2] = 4/25 = 0.16.
    let ev = evaluate(
        "scenario s {
           let q = beta(2, 3)
           branch a p = q { branch a2 p = q  branch a3 p = rest }
           branch b p = rest { branch b2 p = beta(2, 3) { branch b3 p = beta(2, 3) branch b4 p = rest } branch b5 p = rest }
           forecast shared = P(a2)
           forecast independent = P(b3) / P(b)
         }",
    );
    // Point values replace each distribution by its mean: 0.4 · 0.4.
    assert!((ev.forecasts[0].0 - 0.16).abs() < 1e-15);
    let s = sample(&ev, 200_000, 1, 2);
    assert_mean(s.forecasts[0].as_ref().unwrap(), 0.2);
    assert_mean(s.forecasts[1].as_ref().unwrap(), 0.16);
    assert_eq!(s.adjusted, 0);
}

#[test]
fn peer_tree_expected_aid_is_101_21() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench/peer-tree.scn");
    let src = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the benchmark tree belongs at {path}: {e}"));
    let ev = evaluate(&src);
    // Probabilities multiply independent betas linearly, so plugging in means is exact:
    // 0.3·(0.6·E[150 to 400] + 0.4·60) + 0.7·0.5·(0.2·E[10 to 60] + 0.8·0.6·35 + 0.8·0.4·E[40 to 120])
    //   + 0.35·(0.5·E[80 to 200] + 0.5·0.6·55 + 0.5·0.4·E[20 to 80]) = 101.21.
    assert!(
        (ev.metrics[0].0 - 101.21).abs() < 0.01,
        "{}",
        ev.metrics[0].0
    );
    let s = sample(&ev, 200_000, 7, 2);
    assert_mean(s.metrics[0].as_ref().unwrap(), 101.21);
    assert_mean(s.forecasts[0].as_ref().unwrap(), 101.21);
}

#[test]
fn thread_count_never_changes_the_numbers() {
    let ev = evaluate(
        "scenario s {
           metric x = 0
           let q = beta(2, 5)
           branch a p = q { x += 10 to 20 }
           branch b p = rest { x += normal(3, 1) }
           forecast f = E(x)
         }",
    );
    let one = sample(&ev, 50_001, 42, 1);
    let two = sample(&ev, 50_001, 42, 2);
    let three = sample(&ev, 50_001, 42, 3);
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    assert_eq!(format!("{one:?}"), format!("{three:?}"));
    let other = sample(&ev, 50_001, 43, 2);
    assert_ne!(
        one.forecasts[0].unwrap().mean,
        other.forecasts[0].unwrap().mean
    );
    assert_eq!(one.kept, 50_001);
}

#[test]
fn renormalisation_is_counted_exactly_when_needed() {
    // Always sums to 1: no warning.
    let ev = evaluate(
        "scenario s { let q = beta(2, 2) branch a p = q branch b p = rest forecast f = P(a) }",
    );
    let s = sample(&ev, 20_000, 3, 2);
    assert_eq!(s.adjusted, 0);
    assert!(s.warnings().is_empty());

    // a ~ U(0.5, 0.7) plus 0.4 exceeds 1 exactly when a > 0.6: half the samples need
    // `rest` clamped to 0 and the set renormalised.
    let ev = evaluate(
        "scenario s { branch a p = uniform(0.5, 0.7) branch b p = 0.4 branch c p = rest forecast f = P(a) }",
    );
    let s = sample(&ev, 100_000, 3, 2);
    let share = s.adjusted as f64 / s.kept as f64;
    let se = (0.25f64 / 100_000.0).sqrt();
    assert!((share - 0.5).abs() < 4.0 * se, "{share}");
    assert_eq!(s.warnings().len(), 1);
    assert!(
        s.warnings()[0].contains("renormalised"),
        "{:?}",
        s.warnings()
    );

    // p ~ Normal(0.5, 0.3) leaves [0, 1] with probability 2·Φ(−0.5/0.3) = 2·0.047790 = 0.095581.
    let ev = evaluate(
        "scenario s { branch a p = normal(0.5, 0.3) branch b p = rest forecast f = P(a) }",
    );
    let s = sample(&ev, 100_000, 5, 2);
    let share = s.adjusted as f64 / s.kept as f64;
    let se = (0.0956f64 * 0.9044 / 100_000.0).sqrt();
    assert!((share - 0.095581).abs() < 4.0 * se, "{share}");
}

#[test]
fn decisions_stay_fixed_and_report_how_often_each_option_wins() {
    // take: value = 10·q − 2; leave: 3. With q ~ Beta(1, 1): take wins when q > 0.5,
    // half the time. The point evaluation (q = 0.5) gives 3 for both: first option wins.
    let ev = evaluate(
        "scenario s {
           metric v = 0
           objective maximize v
           let q = beta(1, 1)
           option take { v -= 2 branch win p = q { v += 10 } branch lose p = rest }
           option leave { v += 3 }
         }",
    );
    assert_eq!(ev.decisions.len(), 1);
    assert_eq!(ev.model.nodes[ev.decisions[0].choice as usize].id, "take");
    let s = sample(&ev, 100_000, 9, 2);
    let share = s.optimal_share[0][0];
    assert!(
        (share - 0.5).abs() < 4.0 * (0.25f64 / 100_000.0).sqrt(),
        "{share}"
    );
    assert!((s.optimal_share[0][0] + s.optimal_share[0][1] - 1.0).abs() < 1e-12);
}

#[test]
fn impossible_evidence_in_a_sample_drops_it() {
    // P(a) ~ U(0, 1) is 0 in no sample; P(b) = 1 − a. Observing `a` keeps every sample:
    // P(a2 | a) = 0.3 exactly in each.
    let ev = evaluate(
        "scenario s {
           branch a p = uniform(0, 1) { branch a2 p = 0.3 branch a3 p = rest }
           branch b p = rest
           observe a
           forecast f = P(a2)
         }",
    );
    let s = sample(&ev, 10_000, 1, 2);
    let f = s.forecasts[0].unwrap();
    assert!((f.mean - 0.3).abs() < 1e-12 && f.sd < 1e-12, "{f:?}");
    assert_eq!(s.dropped_evidence, 0);
}
