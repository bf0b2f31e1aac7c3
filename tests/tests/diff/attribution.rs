//! Each forecast's change split into structure and Shapley shares of the changed inputs,
//! against hand-computed values.

use scn_eval::diff::{InputKind, Method};

use super::{adds_up, close, compare, compare_seeded, forecast_of, input_names, share};

/// `x * y` with x 0.5 → 0.6 and y 0.4 → 0.5: change 0.30 − 0.20 = +0.10.
/// x's share: ½[(0.6·0.4 − 0.5·0.4) + (0.6·0.5 − 0.5·0.5)] = ½(0.04 + 0.05) = 0.045.
/// y's share: ½[(0.5·0.5 − 0.5·0.4) + (0.6·0.5 − 0.6·0.4)] = ½(0.05 + 0.06) = 0.055.
#[test]
fn a_product_of_two_lets() {
    let old = "scenario s {
      let x = 0.5
      let y = 0.4
      branch a p = x { branch b p = y  branch nb p = rest }
      branch na p = rest
      forecast f = x * y
      forecast pab = P(a.b)
    }";
    let new = old
        .replace("x = 0.5", "x = 0.6")
        .replace("y = 0.4", "y = 0.5");
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["x", "y"]);
    assert_eq!(d.method, Method::Exact { evaluations: 5 });
    for f in ["f", "pab"] {
        close(forecast_of(&d, f).change().unwrap(), 0.10, 1.0, f);
        close(share(&d, f, "structure"), 0.0, 1.0, f);
        close(share(&d, f, "x"), 0.045, 1.0, f);
        close(share(&d, f, "y"), 0.055, 1.0, f);
    }
    assert!(forecast_of(&d, "pab").probability);
    assert!(!forecast_of(&d, "f").probability);
}

/// The same product with the probabilities written on the branches: the inputs are the
/// branches, by dotted path.
#[test]
fn a_product_of_two_written_probabilities() {
    let old = "scenario s {
      branch a p = 0.5 { branch b p = 0.4  branch nb p = rest }
      branch na p = rest
      forecast pab = P(a.b)
    }";
    let new = old
        .replace("p = 0.5", "p = 0.6")
        .replace("p = 0.4", "p = 0.5");
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["a", "a.b"]);
    assert!(d.inputs.iter().all(|i| i.kind == InputKind::Probability));
    close(share(&d, "pab", "a"), 0.045, 1.0, "a");
    close(share(&d, "pab", "a.b"), 0.055, 1.0, "a.b");
}

/// Three inputs of three kinds, P(a.b.c) = x · b · q:
///   x (a let read by `a`) 0.5 → 0.6, `a.b`'s written probability 0.4 → 0.5, and the
///   template argument q of `use leg(…)` under a.b 0.2 → 0.3.
/// Change: 0.6·0.5·0.3 − 0.5·0.4·0.2 = 0.09 − 0.04 = 0.05.
/// For a product, i's share is Δi times the others' product averaged with Shapley weights
/// (1/3 for neither or both changed, 1/6 for each one changed):
///   x: 0.1 · (2·0.4·0.2 + 0.5·0.2 + 0.4·0.3 + 2·0.5·0.3) / 6 = 0.1 · 0.68 / 6 = 0.068 / 6
///   b: 0.1 · (2·0.5·0.2 + 0.6·0.2 + 0.5·0.3 + 2·0.6·0.3) / 6 = 0.1 · 0.83 / 6 = 0.083 / 6
///   q: 0.1 · (2·0.5·0.4 + 0.6·0.4 + 0.5·0.5 + 2·0.6·0.5) / 6 = 0.1 · 1.49 / 6 = 0.149 / 6
/// and 0.068 + 0.083 + 0.149 = 0.3; 0.3 / 6 = 0.05.
#[test]
fn three_inputs_of_three_kinds() {
    let old = "template leg(q) {
      branch c p = q
      branch nc p = rest
    }
    scenario s {
      let x = 0.5
      branch a p = x {
        branch b p = 0.4 { use leg(0.2) }
        branch nb p = rest
      }
      branch na p = rest
      forecast pabc = P(a.b.c)
    }";
    let new = old
        .replace("x = 0.5", "x = 0.6")
        .replace("p = 0.4", "p = 0.5")
        .replace("leg(0.2)", "leg(0.3)");
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["x", "leg.q @ a.b", "a.b"]);
    let kinds: Vec<InputKind> = d.inputs.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [InputKind::Let, InputKind::Parameter, InputKind::Probability]
    );
    close(
        forecast_of(&d, "pabc").change().unwrap(),
        0.05,
        1.0,
        "change",
    );
    close(share(&d, "pabc", "structure"), 0.0, 1.0, "structure");
    close(share(&d, "pabc", "x"), 0.068 / 6.0, 1.0, "x");
    close(share(&d, "pabc", "a.b"), 0.083 / 6.0, 1.0, "a.b");
    close(share(&d, "pabc", "leg.q @ a.b"), 0.149 / 6.0, 1.0, "q");
}

/// An added branch, and nothing else: every change is structure.
/// Old: a 0.3, b rest 0.7. New: a 0.3, c 0.2 added, b rest 0.5.
/// P(a) does not move; P(b) 0.7 → 0.5 = −0.2, all structure; E(m) with m += 10 on b and
/// m += 100 on c: 7 → 5 + 20 = 25, +18, all structure.
#[test]
fn an_added_branch_moves_only_the_structure_term() {
    let old = "scenario s {
      metric m = 0
      branch a p = 0.3
      branch b p = rest { m += 10 }
      forecast pa = P(a)
      forecast pb = P(b)
      forecast em = E(m)
    }";
    let new = old.replace(
        "branch b p = rest",
        "branch c p = 0.2 { m += 100 }\n      branch b p = rest",
    );
    let d = compare(old, &new);
    assert!(d.inputs.is_empty() && d.folded.is_empty());
    assert_eq!(d.method, Method::None);
    close(share(&d, "pa", "structure"), 0.0, 1.0, "pa");
    close(share(&d, "pb", "structure"), -0.2, 1.0, "pb");
    close(share(&d, "em", "structure"), 18.0, 25.0, "em");
}

/// An added branch and a changed input: the input's share is taken over the new structure.
/// Old: a 0.3, b rest 0.7. New: a 0.4, c 0.2 added, b rest 0.4.
/// P(b): change 0.4 − 0.7 = −0.3; the new tree with a back at 0.3 gives b 0.5, so the
/// structure term is 0.5 − 0.7 = −0.2 and a's share 0.4 − 0.5 = −0.1.
/// P(a): +0.1, all a's.
#[test]
fn an_added_branch_and_a_changed_probability() {
    let old = "scenario s {
      branch a p = 0.3
      branch b p = rest
      forecast pa = P(a)
      forecast pb = P(b)
    }";
    let new = old.replace(
        "branch a p = 0.3\n      branch b p = rest",
        "branch a p = 0.4\n      branch c p = 0.2\n      branch b p = rest",
    );
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["a"]);
    close(share(&d, "pb", "structure"), -0.2, 1.0, "pb structure");
    close(share(&d, "pb", "a"), -0.1, 1.0, "pb a");
    close(share(&d, "pa", "structure"), 0.0, 1.0, "pa structure");
    close(share(&d, "pa", "a"), 0.1, 1.0, "pa a");
}

/// An input whose old value does not fit the new tree is counted as structure, with why.
/// Old: a 0.6, b rest. New: a 0.3, c 0.5 added, b rest: a back at 0.6 beside c's 0.5 sums
/// to 1.1. So P(b), 0.4 → 0.2, is −0.2 of structure.
#[test]
fn an_old_value_that_does_not_fit_is_structure() {
    let old = "scenario s {
      branch a p = 0.6
      branch b p = rest
      forecast pb = P(b)
    }";
    let new = "scenario s {
      branch a p = 0.3
      branch c p = 0.5
      branch b p = rest
      forecast pb = P(b)
    }";
    let d = compare(old, new);
    assert!(d.inputs.is_empty());
    assert_eq!(d.folded.len(), 1);
    assert_eq!(d.folded[0].input.name, "a");
    assert!(
        d.folded[0].reason.contains("sum to 1.1"),
        "{}",
        d.folded[0].reason
    );
    close(share(&d, "pb", "structure"), -0.2, 1.0, "pb");
}

/// Siblings without `rest` rebalanced together: neither old value fits alone (0.3 + 0.6 and
/// 0.4 + 0.7), both fit together, so the pair is one input and takes the whole change.
/// E(m) = 10·0.3 + 1·0.7 = 3.7 → 10·0.4 + 1·0.6 = 4.6: +0.9 to the pair, 0 to structure.
/// With a third sibling added beside them, the old pair does not fit even together (it sums
/// to 1 before the new sibling's 0.1), and stays structure.
#[test]
fn siblings_rebalanced_together_are_one_input() {
    let old = "scenario s {
      metric m = 0
      branch a p = 0.3 { m += 10 }
      branch b p = 0.7 { m += 1 }
      forecast e = E(m)
    }";
    let new = "scenario s {
      metric m = 0
      branch a p = 0.4 { m += 10 }
      branch b p = 0.6 { m += 1 }
      forecast e = E(m)
    }";
    let d = compare(old, new);
    assert!(d.folded.is_empty(), "{:?}", d.folded);
    assert_eq!(input_names(&d), ["a, b"]);
    assert_eq!(d.inputs[0].kind, InputKind::Probabilities);
    assert_eq!(
        (d.inputs[0].old_text.as_str(), d.inputs[0].new_text.as_str()),
        ("0.3, 0.7", "0.4, 0.6")
    );
    close(share(&d, "e", "a, b"), 0.9, 1.0, "the pair");
    close(share(&d, "e", "structure"), 0.0, 1.0, "structure");
    adds_up(&d);

    let added = "scenario s {
      metric m = 0
      branch a p = 0.4 { m += 10 }
      branch b p = 0.5 { m += 1 }
      branch c p = 0.1
      forecast e = E(m)
    }";
    let d = compare(old, added);
    assert!(d.inputs.is_empty());
    assert_eq!(d.folded.len(), 2);
}

/// A branch that is removed is not an input; a probability that reads a changed let is not
/// one either (the let is); `rest` ↔ a written probability is structure.
#[test]
fn what_is_and_is_not_an_input() {
    let old = "scenario s {
      let x = 0.2
      branch a p = (1 - x) * 0.5
      branch b p = 0.1
      branch d p = rest
      forecast pa = P(a)
      forecast pd = P(d)
    }";
    // x 0.2 → 0.4; b removed; a's expression unchanged.
    let new = "scenario s {
      let x = 0.4
      branch a p = (1 - x) * 0.5
      branch d p = rest
      forecast pa = P(a)
      forecast pd = P(d)
    }";
    let d = compare(old, new);
    assert_eq!(input_names(&d), ["x"]);
    // P(a) = (1 − x)/2: 0.4 → 0.3, all x's.
    close(share(&d, "pa", "x"), -0.1, 1.0, "pa x");
    close(share(&d, "pa", "structure"), 0.0, 1.0, "pa structure");
    // P(d): old 1 − 0.4 − 0.1 = 0.5; new 1 − 0.3 = 0.7; with x back at 0.2 the new tree
    // gives 1 − 0.4 = 0.6: structure 0.6 − 0.5 = +0.1 (b's removal), x +0.1.
    close(share(&d, "pd", "structure"), 0.1, 1.0, "pd structure");
    close(share(&d, "pd", "x"), 0.1, 1.0, "pd x");

    let old = "scenario s {
      branch a p = 0.3
      branch b p = rest
      forecast pa = P(a)
    }";
    let new = "scenario s {
      branch a p = rest
      branch b p = 0.6
      forecast pa = P(a)
    }";
    let d = compare(old, new);
    assert!(d.inputs.is_empty(), "{:?}", input_names(&d));
    close(share(&d, "pa", "structure"), 0.1, 1.0, "rest swap");
}

/// A distribution's old value is its mean: beta(2, 18) has mean 0.1, beta(3, 17) 0.15.
#[test]
fn a_distribution_goes_back_to_its_mean() {
    let old = "scenario s {
      let p = beta(2, 18)
      branch a p = p
      branch b p = rest
      forecast pa = P(a)
    }";
    let new = old.replace("beta(2, 18)", "beta(3, 17)");
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["p"]);
    close(d.inputs[0].old, 0.1, 1.0, "old mean");
    close(d.inputs[0].new, 0.15, 1.0, "new mean");
    close(share(&d, "pa", "p"), 0.05, 1.0, "share");
    assert_eq!(d.inputs[0].old_text, "beta(2, 18)");
}

/// Two `use`s of one template under one node are told apart by their order.
#[test]
fn template_arguments_match_by_node_and_order() {
    let old = "template cost(k) { m += k }
    scenario s {
      metric m = 0
      branch a p = 0.5 { use cost(1)  use cost(2) }
      branch b p = rest { use cost(4) }
      forecast em = E(m)
    }";
    let new = old.replace("use cost(2)", "use cost(3)");
    let d = compare(old, &new);
    assert_eq!(input_names(&d), ["cost.k @ a #2"]);
    // E(m) = 0.5·(1 + k2) + 0.5·4: k2 2 → 3 moves it by +0.5.
    close(share(&d, "em", "cost.k @ a #2"), 0.5, 3.5, "k2");
}

/// Twelve inputs, exactly: Π xᵢ with every xᵢ 1 → 2 is symmetric, so each share is
/// (2¹² − 1) / 12 = 4095 / 12 = 341.25, from 2¹² − 1 subsets plus the 12 checks of one
/// input alone.
#[test]
fn twelve_inputs_are_exact() {
    let lets: String = (0..12).map(|i| format!("let x{i} = 1\n")).collect();
    let product: Vec<String> = (0..12).map(|i| format!("x{i}")).collect();
    let old = format!(
        "scenario s {{\n{lets}\nforecast f = {}\n}}",
        product.join(" * ")
    );
    let new = old.replace("= 1\n", "= 2\n");
    let d = compare(&old, &new);
    assert_eq!(d.inputs.len(), 12);
    assert_eq!(
        d.method,
        Method::Exact {
            evaluations: 4095 + 12
        }
    );
    for i in 0..12 {
        close(share(&d, "f", &format!("x{i}")), 4095.0 / 12.0, 4096.0, "x");
    }
}

/// More than twelve inputs: sampled orders. For a sum every order gives each input its own
/// change, so even the estimate is exact: xᵢ 0 → i/100 shares i/100.
#[test]
fn thirteen_inputs_are_sampled() {
    let lets: String = (1..=13).map(|i| format!("let x{i} = 0\n")).collect();
    let sum: Vec<String> = (1..=13).map(|i| format!("x{i}")).collect();
    let old = format!(
        "scenario s {{\n{lets}\nforecast f = {}\n}}",
        sum.join(" + ")
    );
    let mut new = old.clone();
    for i in (1..=13).rev() {
        new = new.replace(
            &format!("x{i} = 0\n"),
            &format!("x{i} = {}\n", i as f64 / 100.0),
        );
    }
    let d = compare(&old, &new);
    let Method::Sampled {
        permutations, seed, ..
    } = d.method
    else {
        panic!("expected sampled Shapley values, got {:?}", d.method)
    };
    assert_eq!(permutations, 256);
    assert_eq!(seed, scn_eval::DEFAULT_SEED);
    for i in 1..=13 {
        close(
            share(&d, "f", &format!("x{i}")),
            i as f64 / 100.0,
            1.0,
            "sum",
        );
    }
}

/// A sampled estimate of a game that is not additive still adds up, and depends on the
/// seed only.
#[test]
fn sampled_shares_add_up_and_follow_the_seed() {
    let lets: String = (0..14).map(|i| format!("let x{i} = 1\n")).collect();
    let product: Vec<String> = (0..14).map(|i| format!("x{i}")).collect();
    let old = format!(
        "scenario s {{\n{lets}\nforecast f = {}\n}}",
        product.join(" * ")
    );
    let new = old.replace("= 1\n", "= 1.1\n");
    let a = compare_seeded(&old, &new, 7);
    let b = compare_seeded(&old, &new, 7);
    let c = compare_seeded(&old, &new, 8);
    adds_up(&a);
    adds_up(&c);
    let shares = |d: &scn_eval::diff::Diff| d.forecasts[0].attribution.clone().unwrap().inputs;
    assert_eq!(shares(&a), shares(&b));
    assert_ne!(shares(&a), shares(&c));
    // Symmetric inputs: each estimate is near (1.1¹⁴ − 1) / 14, and the antithetic pairs
    // keep it within a few percent.
    let fair = (1.1f64.powi(14) - 1.0) / 14.0;
    for s in shares(&a) {
        assert!((s / fair - 1.0).abs() < 0.05, "{s} vs {fair}");
    }
}

/// The Ukraine scenario with twelve judgemental probabilities revised (each beta(a, b) →
/// beta(a + 1, b)): every forecast's terms add up, and the forecasts that read one input
/// only give it the whole change.
#[test]
fn ukraine_with_twelve_changed_inputs() {
    let old = include_str!("../../../scenarios/ukraine/peace-talks-2025.scn");
    let new = ukraine_revised(old);
    let d = compare(old, &new);
    assert_eq!(d.inputs.len(), 12, "{:?}", input_names(&d));
    assert_eq!(
        d.method,
        Method::Exact {
            evaluations: 4095 + 12
        }
    );
    // deal_jan = P(signing) = p_sign: beta(2, 18) → beta(3, 18), 2/20 → 3/21.
    let change = 3.0 / 21.0 - 0.1;
    close(
        forecast_of(&d, "deal_jan").change().unwrap(),
        change,
        1.0,
        "deal_jan",
    );
    close(
        share(&d, "deal_jan", "p_sign"),
        change,
        1.0,
        "deal_jan p_sign",
    );
    for input in &d.inputs {
        if input.name != "p_sign" {
            close(share(&d, "deal_jan", &input.name), 0.0, 1.0, &input.name);
        }
    }
    close(share(&d, "deal_jan", "structure"), 0.0, 1.0, "structure");
    // p_breakdown = (1 − p_sign) · p_break: p_break 4/10 → 5/11. Shares of a product of two:
    // p_sign: ½[(1 − 3/21 − 0.9)·0.4 + (1 − 3/21 − 0.9)·5/11]
    //       = ½(−0.042857·(0.4 + 0.454545)) = −0.018312
    let ds = -(3.0 / 21.0 - 0.1);
    let expected_sign = 0.5 * ds * (0.4 + 5.0 / 11.0);
    let db = 5.0 / 11.0 - 0.4;
    let expected_break = 0.5 * db * (0.9 + (1.0 - 3.0 / 21.0));
    close(
        share(&d, "p_breakdown", "p_sign"),
        expected_sign,
        1.0,
        "p_sign",
    );
    close(
        share(&d, "p_breakdown", "p_break"),
        expected_break,
        1.0,
        "p_break",
    );
}

/// The revision the benchmark uses too: twelve betas moved by one pseudo-success.
pub fn ukraine_revised(old: &str) -> String {
    let revised = [
        ("p_sign = beta(2, 18)", "p_sign = beta(3, 18)"),
        (
            "p_current_lines = beta(5.5, 4.5)",
            "p_current_lines = beta(6.5, 4.5)",
        ),
        ("p_art5 = beta(4, 6)", "p_art5 = beta(5, 6)"),
        ("p_hold_art5 = beta(7, 3)", "p_hold_art5 = beta(8, 3)"),
        ("p_hold_unsc = beta(5, 5)", "p_hold_unsc = beta(6, 5)"),
        ("p_boom_art5 = beta(6, 4)", "p_boom_art5 = beta(7, 4)"),
        ("p_boom_unsc = beta(4, 6)", "p_boom_unsc = beta(5, 6)"),
        ("p_break = beta(4, 6)", "p_break = beta(5, 6)"),
        ("p_offensive = beta(7, 3)", "p_offensive = beta(8, 3)"),
        (
            "p_frozen_after_offensive = beta(2, 8)",
            "p_frozen_after_offensive = beta(3, 8)",
        ),
        (
            "p_frozen_after_stalemate = beta(4, 6)",
            "p_frozen_after_stalemate = beta(5, 6)",
        ),
        ("p_deal_q = beta(1.2, 8.8)", "p_deal_q = beta(2.2, 8.8)"),
    ];
    let mut new = old.to_owned();
    for (from, to) in revised {
        assert!(new.contains(from), "the scenario no longer says `{from}`");
        new = new.replace(from, to);
    }
    new
}

/// The work budget: a tree too large for every subset gets sampled orders, and one too large
/// for even two orders one combined term. The three-input tree above costs 11 units a run
/// (7 nodes, 2 lets, 1 forecast, plus 1): every subset 11 · (2³ + 3) = 121 units, a pair of
/// orders 11 · 2 · (3 − 1) = 44.
#[test]
fn the_work_budget_chooses_the_method() {
    let old = "template leg(q) {
      branch c p = q
      branch nc p = rest
    }
    scenario s {
      let x = 0.5
      branch a p = x {
        branch b p = 0.4 { use leg(0.2) }
        branch nb p = rest
      }
      branch na p = rest
      forecast pabc = P(a.b.c)
    }";
    let new = old
        .replace("x = 0.5", "x = 0.6")
        .replace("p = 0.4", "p = 0.5")
        .replace("leg(0.2)", "leg(0.3)");
    let options = |budget| scn_eval::diff::DiffOptions {
        budget,
        ..Default::default()
    };
    let d = super::compare_with(old, &new, options(121.0));
    assert!(matches!(d.method, Method::Exact { .. }), "{:?}", d.method);
    let d = super::compare_with(old, &new, options(120.0));
    assert!(
        matches!(
            d.method,
            Method::Sampled {
                permutations: 4,
                ..
            }
        ),
        "{:?}",
        d.method
    );
    let d = super::compare_with(old, &new, options(43.0));
    assert!(
        matches!(d.method, Method::Combined { .. }),
        "{:?}",
        d.method
    );
    assert_eq!(d.inputs.len(), 3);
    let a = d.forecasts[0].attribution.as_ref().unwrap();
    assert!(a.inputs.is_empty());
    close(a.combined.unwrap(), 0.05, 1.0, "combined");
    close(a.structure, 0.0, 1.0, "structure");
}
