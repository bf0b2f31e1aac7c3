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
            keep_rows: false,
        },
    )
    .unwrap_or_else(|d| panic!("{d:?}"))
}

fn summary(f: &scn_eval::Figure) -> scn_eval::Summary {
    f.summary.expect("a summary")
}

/// |mean − want| within 4 standard errors of the sample mean (of the effective sample size,
/// for a weighted summary).
fn assert_mean(s: &scn_eval::Summary, want: f64) {
    let se = s.sd / s.ess.unwrap_or(s.n as f64).sqrt();
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
    assert!((ev.forecast(0).value.unwrap() - 0.16).abs() < 1e-15);
    let s = sample(&ev, 200_000, 1, 2);
    assert_mean(&summary(&s.forecasts[0]), 0.2);
    assert_mean(&summary(&s.forecasts[1]), 0.16);
    assert_eq!(s.adjusted, 0);
}

/// The benchmark tree the project measures itself against its peers on (bench/): three
/// levels of stick-broken uncertain probabilities and uncertain leaf values.
const PEER_TREE: &str = r#"
scenario peer_tree {
  metric aid = 0
  let p_sign = beta(3, 7)
  let p_break_rest = beta(5, 5)
  let q_hold = beta(6, 4)
  let q_esc = beta(2, 8)
  let q_attr = beta(6, 4)
  let q_stable = beta(5, 5)
  let q_flare = beta(6, 4)
  branch sign p = p_sign {
    branch holds p = q_hold { aid = 150 to 400 }
    branch collapses p = rest { aid = normal(60, 20) }
  }
  branch breakdown p = (1 - p_sign) * p_break_rest {
    branch escalation p = q_esc { aid = 10 to 60 }
    branch attrition p = (1 - q_esc) * q_attr { aid = normal(35, 10) }
    branch ceasefire p = rest { aid = 40 to 120 }
  }
  branch freeze p = rest {
    branch stable p = q_stable { aid = 80 to 200 }
    branch flare p = (1 - q_stable) * q_flare { aid = normal(55, 15) }
    branch relapse p = rest { aid = 20 to 80 }
  }
  forecast ev = E(aid)
  forecast p_holds = P(holds)
}
"#;

#[test]
fn peer_tree_expected_aid_is_101_21() {
    let ev = evaluate(PEER_TREE);
    // Probabilities multiply independent betas linearly, so plugging in means is exact:
    // 0.3·(0.6·E[150 to 400] + 0.4·60) + 0.7·0.5·(0.2·E[10 to 60] + 0.8·0.6·35 + 0.8·0.4·E[40 to 120])
    //   + 0.35·(0.5·E[80 to 200] + 0.5·0.6·55 + 0.5·0.4·E[20 to 80]) = 101.21.
    let expected = ev.metrics().next().unwrap().expected;
    assert!((expected - 101.21).abs() < 0.01, "{expected}");
    let s = sample(&ev, 200_000, 7, 2);
    assert_mean(&summary(&s.metrics[0]), 101.21);
    assert_mean(&summary(&s.forecasts[0]), 101.21);
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
        summary(&one.forecasts[0]).mean,
        summary(&other.forecasts[0]).mean
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
    assert!(s.warnings(&ev).is_empty());

    // a ~ U(0.5, 0.7) plus 0.4 exceeds 1 exactly when a > 0.6: half the samples need
    // `rest` clamped to 0 and the set renormalised.
    let ev = evaluate(
        "scenario s { branch a p = uniform(0.5, 0.7) branch b p = 0.4 branch c p = rest forecast f = P(a) }",
    );
    let s = sample(&ev, 100_000, 3, 2);
    let share = s.adjusted as f64 / s.kept as f64;
    let se = (0.25f64 / 100_000.0).sqrt();
    assert!((share - 0.5).abs() < 4.0 * se, "{share}");
    assert_eq!(s.warnings(&ev).len(), 1);
    assert!(
        s.warnings(&ev)[0].contains("renormalised"),
        "{:?}",
        s.warnings(&ev)
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
    assert_eq!(ev.decisions().len(), 1);
    assert_eq!(
        ev.model().nodes[ev.decisions()[0].choice as usize].id,
        "take".into()
    );
    let s = sample(&ev, 100_000, 9, 2);
    let share = s.optimal_share[0][0];
    assert!(
        (share - 0.5).abs() < 4.0 * (0.25f64 / 100_000.0).sqrt(),
        "{share}"
    );
    assert!((s.optimal_share[0][0] + s.optimal_share[0][1] - 1.0).abs() < 1e-12);
}

#[test]
fn evidence_of_constant_probability_keeps_every_sample_at_equal_weight() {
    // P(a) ~ U(0, 1) is 0 in no sample; P(b) = 1 − a. Observing `a` keeps every sample:
    // P(a2 | a) = 0.3 exactly in each, whatever its weight.
    let ev = evaluate(
        "scenario s {
           branch a p = uniform(0, 1) { branch a2 p = 0.3 branch a3 p = rest }
           branch b p = rest
           observe a
           forecast f = P(a2)
         }",
    );
    let s = sample(&ev, 10_000, 1, 2);
    let f = summary(&s.forecasts[0]);
    assert!((f.mean - 0.3).abs() < 1e-12 && f.sd < 1e-12, "{f:?}");
    assert_eq!((s.kept, s.impossible_evidence, s.dropped), (10_000, 0, 0));
}

/// Relative closeness for the effective sample size, whose own sampling error is small.
fn assert_ess(s: &scn_eval::Summary, n: u64, share: f64) {
    let ess = s.ess.expect("a weighted summary carries its ess");
    let want = share * n as f64;
    assert!((ess - want).abs() < 0.01 * want, "ess {ess} vs {want}");
}

#[test]
fn evidence_weights_each_sample_by_how_likely_it_made_the_evidence() {
    // w ~ U(0, 1); P(s) = 0.6w, P(n) = 1 − 0.6w, P(late | n) = 0.8w. Observing n:
    //   P(late | n) = E[P(n)·0.8w] / E[P(n)] = 0.8·(E[w] − 0.6·E[w²]) / (1 − 0.6·E[w])
    //              = 0.8·(1/2 − 0.6/3) / (1 − 0.3) = 0.24 / 0.7 = 0.342857…,
    // not the unweighted mean of the per-sample answers, 0.8·E[w] = 0.4 (the point value).
    // Weights 1 − 0.6w: ess / N = E[1 − 0.6w]² / E[(1 − 0.6w)²] = 0.49 / 0.52.
    // Each path of `late` adds 10 to m: the outcome mean is 10 × 0.342857.
    let ev = evaluate(
        "scenario willing {
           metric m = 0
           let w = beta(1, 1)
           branch s p = 0.6 * w
           branch n p = rest { branch late p = 0.8 * w { m += 10 } branch none p = rest }
           observe n
           forecast late = P(late)
         }",
    );
    assert!((ev.forecast(0).value.unwrap() - 0.4).abs() < 1e-12);
    let n = 200_000;
    let s = sample(&ev, n, 11, 2);
    let f = summary(&s.forecasts[0]);
    assert_mean(&f, 0.24 / 0.7);
    assert!(
        (f.mean - 0.4).abs() > 0.05,
        "weighting moved it: {}",
        f.mean
    );
    assert_ess(&f, n, 0.49 / 0.52);
    assert_eq!(f.n, n);
    let ess = s.evidence_ess.unwrap();
    assert!(
        (ess - 0.49 / 0.52 * n as f64).abs() < 0.01 * n as f64,
        "{ess}"
    );
    assert_mean(&summary(&s.metrics[0]), 10.0 * 0.24 / 0.7);
}

#[test]
fn a_conditional_forecast_is_a_ratio_of_expectations() {
    // A coin of unknown bias w ~ U(0, 1), tossed twice: P(h2 | h1) = E[w²] / E[w] = (1/3) /
    // (1/2) = 2/3, weighting each sample by P(h1) = w; the point value is 0.5. The weights w
    // give ess / N = E[w]² / E[w²] = 3/4.
    let ev = evaluate(
        "scenario coin {
           let w = beta(1, 1)
           branch h1 p = w { branch h2 p = w branch t2 p = rest }
           branch t1 p = rest
           forecast again = P(h2 | h1)
           forecast both = P(h2)
           forecast first = P(h1)
         }",
    );
    assert!((ev.forecast(0).value.unwrap() - 0.5).abs() < 1e-12);
    let n = 200_000;
    let s = sample(&ev, n, 5, 2);
    let again = summary(&s.forecasts[0]);
    assert_mean(&again, 2.0 / 3.0);
    assert_ess(&again, n, 0.75);
    // Coherent: mean P(h2 | h1) × mean P(h1) = mean P(h2), up to rounding.
    let (both, first) = (summary(&s.forecasts[1]), summary(&s.forecasts[2]));
    assert!((again.mean * first.mean - both.mean).abs() < 1e-12);
    // Unconditional forecasts without evidence are unweighted.
    assert_eq!((both.ess, first.ess), (None, None));
}

#[test]
fn an_undefined_forecast_loses_only_its_own_samples() {
    // q ~ U(−0.6, 1), clamped at 0: P(b) = max(q, 0), whose mean is ∫₀¹ q dq / 1.6 = 0.3125.
    // In the 0.6 / 1.6 = 37.5% of samples where P(b) = 0, P(x | b) weighs nothing (it is a
    // single conditional query), and `twice` (arithmetic on it) is undefined: left out of its
    // own summary only. Every other figure keeps all N samples.
    let ev = evaluate(
        "scenario drops {
           let q = uniform(-0.6, 1)
           branch b p = q { branch x p = 0.5 branch y p = rest }
           branch c p = rest
           forecast pb = P(b)
           forecast xb = P(x | b)
           forecast twice = 2 * P(x | b)
         }",
    );
    let n = 100_000;
    let s = sample(&ev, n, 3, 2);
    assert_eq!((s.kept, s.dropped), (n, 0));
    let pb = summary(&s.forecasts[0]);
    assert_eq!(pb.n, n);
    assert_mean(&pb, 0.3125);
    assert_eq!(s.forecasts[0].dropped, 0);
    // P(x | b) is 0.5 wherever defined; its zero-weight samples are neither used nor drops.
    let xb = summary(&s.forecasts[1]);
    assert_eq!(xb.mean, 0.5);
    assert_eq!(s.forecasts[1].dropped, 0);
    let used = xb.n as f64 / n as f64;
    let se = (0.375f64 * 0.625 / n as f64).sqrt();
    assert!((used - 0.625).abs() < 4.0 * se, "{used}");
    // `twice` lost exactly the samples in which b was impossible.
    let twice = &s.forecasts[2];
    assert_eq!(twice.dropped + twice.summary.unwrap().n, n);
    assert_eq!(twice.summary.unwrap().n, xb.n);
    let warnings = s.warnings(&ev);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`twice` was undefined in")),
        "{warnings:?}"
    );
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("`xb`") || w.contains("`pb`"))
    );
}
