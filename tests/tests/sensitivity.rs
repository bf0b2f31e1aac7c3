//! `scn sens` and the analyses behind it, against values computed by hand: tornado bars
//! (lets, constants, probabilities with and without a `rest` sibling, decisions),
//! thresholds, risk profiles with dominance, and global variance shares and rank
//! correlations (with and without evidence weights). Then the command line: its errors,
//! its determinism, and snapshots of its output on the scenario library.

use std::path::{Path, PathBuf};

use scn_cli::{Exit, Io};
use scn_eval::Evaluation;
use scn_eval::analysis::{self, Input, RangeKind, Target, Tornado};

fn evaluated(src: &str) -> Evaluation {
    let loaded = scn_eval::load("t.scn", src.to_owned(), Path::new("."), None);
    let model = scn_eval::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
    scn_eval::evaluate(model).unwrap_or_else(|d| panic!("{d:?}"))
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (± {tol})"
    );
}

/// The bar of the input called `name`: (low, high, value at low, value at high, swing).
fn bar(t: &Tornado, inputs: &[Input], name: &str) -> (f64, f64, f64, f64, f64) {
    let b = t
        .bars
        .iter()
        .find(|b| inputs[b.input].name == name)
        .unwrap_or_else(|| panic!("no bar for {name}"));
    (
        b.low,
        b.high,
        b.value_low.expect("defined"),
        b.value_high.expect("defined"),
        b.swing,
    )
}

/// E(m) = p (gain + 0.25 · 40) − cost − (1 − p) · L, with L = 0.5 · 10 + 0.3 · 20 = 11 the
/// loss under `lose` (a group without `rest`). At the means: 0.3 · 110 − 20 − 0.7 · 11 = 5.3.
const SMALL: &str = r#"
scenario small {
  let p = 0.3
  let gain = 100
  let cost = uniform(10, 30)
  metric m = 0
  branch win p = p {
    m += gain - cost
    branch big p = 0.25 { m += 40 }
    branch modest p = rest
  }
  branch lose p = rest {
    m -= cost
    branch a p = 0.5 { m -= 10 }
    branch b p = 0.3 { m -= 20 }
    branch c p = 0.2
  }
  forecast ev = E(m)
}
"#;

#[test]
fn tornado_of_a_small_tree_by_hand() {
    let ev = evaluated(SMALL);
    close(ev.forecast(0).value.unwrap(), 5.3, 1e-12, "base");
    let set = analysis::inputs(&ev, &[]).unwrap();
    let inputs = &set.inputs;
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    // Lets in order, then the branches written as numbers in tree order (not `rest`).
    assert_eq!(
        names,
        ["p", "gain", "cost", "win.big", "lose.a", "lose.b", "lose.c"]
    );
    assert_eq!(
        inputs[0].range,
        RangeKind::Points,
        "p is read by a branch probability"
    );
    assert_eq!(inputs[1].range, RangeKind::Relative);
    assert!(matches!(inputs[2].range, RangeKind::Percentiles(..)));

    let one = analysis::one_way(&ev, inputs, &[Target::Forecast(0)]);
    assert!(one.failures.is_empty(), "{:?}", one.failures);
    let t = &one.tornadoes[0];
    // p ± 10 points: 0.2 · 110 − 20 − 0.8 · 11 = −6.8; 0.4 · 110 − 20 − 0.6 · 11 = 17.4.
    let (lo, hi, vl, vh, swing) = bar(t, inputs, "p");
    close(lo, 0.2, 1e-12, "p low");
    close(hi, 0.4, 1e-12, "p high");
    close(vl, -6.8, 1e-9, "p at low");
    close(vh, 17.4, 1e-9, "p at high");
    close(swing, 24.2, 1e-9, "p swing");
    // gain ± 20%: 0.3 · 90 − 27.7 = −0.7; 0.3 · 130 − 27.7 = 11.3.
    let (lo, hi, vl, vh, swing) = bar(t, inputs, "gain");
    assert_eq!((lo, hi), (80.0, 120.0));
    close(vl, -0.7, 1e-9, "gain at low");
    close(vh, 11.3, 1e-9, "gain at high");
    close(swing, 12.0, 1e-9, "gain swing");
    // uniform(10, 30): 5th percentile 11, 95th 29; 33 − 11 − 7.7 = 14.3, 33 − 29 − 7.7 = −3.7.
    let (lo, hi, vl, vh, swing) = bar(t, inputs, "cost");
    close(lo, 11.0, 1e-9, "cost low");
    close(hi, 29.0, 1e-9, "cost high");
    close(vl, 14.3, 1e-9, "cost at low");
    close(vh, -3.7, 1e-9, "cost at high");
    close(swing, 18.0, 1e-9, "cost swing");
    // win.big 0.25 ± 0.1, `rest` absorbing: 0.3 · 106 − 27.7 = 4.1; 0.3 · 114 − 27.7 = 6.5.
    let (_, _, vl, vh, swing) = bar(t, inputs, "win.big");
    close(vl, 4.1, 1e-9, "win.big at low");
    close(vh, 6.5, 1e-9, "win.big at high");
    close(swing, 2.4, 1e-9, "win.big swing");
    // lose.c 0.2 ± 0.1 without `rest`: a and b rescaled by 0.9/0.8 (L = 12.375) or 0.7/0.8
    // (L = 9.625): 5.3 ∓ 0.7 · 1.375.
    let (_, _, vl, vh, swing) = bar(t, inputs, "lose.c");
    close(vl, 4.3375, 1e-9, "lose.c at low");
    close(vh, 6.2625, 1e-9, "lose.c at high");
    close(swing, 1.925, 1e-9, "lose.c swing");
    // lose.b 0.3 ± 0.1: L = 9.714286 or 12.285714, so 5.3 ± 0.9.
    let (_, _, vl, vh, swing) = bar(t, inputs, "lose.b");
    close(vl, 6.2, 1e-9, "lose.b at low");
    close(vh, 4.4, 1e-9, "lose.b at high");
    close(swing, 1.8, 1e-9, "lose.b swing");
    // lose.a 0.5 ± 0.1: L = 11.2 or 10.8: 5.16 and 5.44.
    let (_, _, vl, vh, swing) = bar(t, inputs, "lose.a");
    close(vl, 5.16, 1e-9, "lose.a at low");
    close(vh, 5.44, 1e-9, "lose.a at high");
    close(swing, 0.28, 1e-9, "lose.a swing");
    let order: Vec<&str> = t
        .bars
        .iter()
        .map(|b| inputs[b.input].name.as_str())
        .collect();
    assert_eq!(
        order,
        ["p", "cost", "gain", "win.big", "lose.c", "lose.b", "lose.a"],
        "largest swing first"
    );
}

/// Drill (−70, then dry 0.5 / wet 0.3 +120 / soaking rest +270) or stop (0): EMV(drill) =
/// −34 + 270 · soak; with soak = 0.7 − dry, 155 − 270 · dry.
const DRILL: &str = r#"
scenario drill {
  metric pay = 0
  objective maximize pay
  option drill {
    pay -= 70
    branch dry p = 0.5
    branch wet p = 0.3 { pay += 120 }
    branch soak p = rest { pay += 270 }
  }
  option stop
  forecast emv = E(pay)
}
"#;

#[test]
fn decisions_in_the_tornado_and_their_thresholds() {
    let ev = evaluated(DRILL);
    let inputs = analysis::inputs(&ev, &[]).unwrap().inputs;
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["drill.dry", "drill.wet"]);
    // dry 0.5 may rise only to 0.7, where `rest` reaches 0.
    close(inputs[0].high, 0.6, 1e-12, "dry high");
    let one = analysis::one_way(&ev, &inputs, &[Target::Decision(0)]);
    let t = &one.tornadoes[0];
    close(t.base.unwrap(), 20.0, 1e-9, "base");
    // dry 0.4: 155 − 108 = 47; dry 0.6: 155 − 162 = −7 < 0, so stop: 0.
    let (_, _, vl, vh, swing) = bar(t, &inputs, "drill.dry");
    close(vl, 47.0, 1e-9, "dry at low");
    close(vh, 0.0, 1e-9, "dry at high");
    close(swing, 47.0, 1e-9, "dry swing");
    // wet 0.3 ± 0.1 with soak = 0.5 − wet: 65 − 150 · wet = 35 and 5.
    let (_, _, vl, vh, swing) = bar(t, &inputs, "drill.wet");
    close(vl, 35.0, 1e-9, "wet at low");
    close(vh, 5.0, 1e-9, "wet at high");
    close(swing, 30.0, 1e-9, "wet swing");

    // The best option changes where 155 − 270 · dry = 0: dry = 0.574074…
    let th = analysis::thresholds(&ev, &inputs);
    let model = ev.model();
    let id = |n: u32| model.nodes[n as usize].id.as_ref();
    let dry = th
        .thresholds
        .iter()
        .find(|t| inputs[t.input].name == "drill.dry")
        .unwrap();
    close(dry.at.unwrap(), 155.0 / 270.0, 1e-9, "dry threshold");
    assert_eq!((id(dry.below), id(dry.above)), ("drill", "stop"));
    let wet = th
        .thresholds
        .iter()
        .find(|t| inputs[t.input].name == "drill.wet")
        .unwrap();
    assert_eq!(wet.at, None, "drilling pays over all of 0.2..0.4");
    assert_eq!((id(wet.below), id(wet.above)), ("drill", "drill"));
}

#[test]
fn a_given_range_moves_an_input_and_its_threshold_search() {
    let ev = evaluated(DRILL);
    let range = analysis::Range {
        name: "drill.wet".into(),
        low: 0.0,
        high: 0.5,
    };
    let inputs = analysis::inputs(&ev, &[range]).unwrap().inputs;
    let wet = inputs.iter().find(|i| i.name == "drill.wet").unwrap();
    assert_eq!(
        (wet.low, wet.high, &wet.range),
        (0.0, 0.5, &RangeKind::Given)
    );
    // 65 − 150 · wet = 0 at wet = 13/30.
    let th = analysis::thresholds(&ev, &inputs);
    let t = th
        .thresholds
        .iter()
        .find(|t| inputs[t.input].name == "drill.wet")
        .unwrap();
    close(t.at.unwrap(), 65.0 / 150.0, 1e-9, "wet threshold");

    let unknown = analysis::Range {
        name: "nothing".into(),
        low: 0.0,
        high: 1.0,
    };
    let err = analysis::inputs(&ev, &[unknown]).unwrap_err();
    assert!(err.contains("`nothing`"), "{err}");
}

/// Option a pays 10w, w = uniform(0, 1); option b pays `bonus` = 4. Value max(5, 4) = 5.
const TWO_OPTIONS: &str = r#"
scenario two {
  metric pay = 0
  objective maximize pay
  let w = uniform(0, 1)
  let bonus = 4
  option a { pay += 10 * w }
  option b { pay += bonus }
}
"#;

#[test]
fn decision_value_bars_and_a_threshold_on_a_let() {
    let ev = evaluated(TWO_OPTIONS);
    let inputs = analysis::inputs(&ev, &[]).unwrap().inputs;
    let one = analysis::one_way(&ev, &inputs, &[Target::Decision(0)]);
    let t = &one.tornadoes[0];
    // w at 0.05: max(0.5, 4) = 4; at 0.95: 9.5. The spread includes the base 5.
    let (_, _, vl, vh, swing) = bar(t, &inputs, "w");
    close(vl, 4.0, 1e-12, "w at low");
    close(vh, 9.5, 1e-12, "w at high");
    close(swing, 5.5, 1e-12, "w swing");
    // bonus 3.2 .. 4.8 never beats 5.
    let (_, _, vl, vh, swing) = bar(t, &inputs, "bonus");
    assert_eq!((vl, vh, swing), (5.0, 5.0, 0.0));
    let th = analysis::thresholds(&ev, &inputs);
    let w = th
        .thresholds
        .iter()
        .find(|t| inputs[t.input].name == "w")
        .unwrap();
    // 10w = 4 at w = 0.4, inside [p01, p99] = [0.01, 0.99].
    close(w.at.unwrap(), 0.4, 1e-9, "w threshold");
    let model = ev.model();
    assert_eq!(model.nodes[w.below as usize].id.as_ref(), "b");
    assert_eq!(model.nodes[w.above as usize].id.as_ref(), "a");
    let bonus = th
        .thresholds
        .iter()
        .find(|t| inputs[t.input].name == "bonus")
        .unwrap();
    assert_eq!(bonus.at, None);
}

#[test]
fn risk_profiles_of_the_wildcatter_by_hand() {
    let text = std::fs::read_to_string(scenario("decision/oil-wildcatter.scn")).unwrap();
    let ev = evaluated(&text);
    let risk = analysis::risk_profiles(&ev);
    let model = ev.model();
    let profile = |decision: &str, option: &str| {
        risk.profiles
            .iter()
            .find(|p| {
                model.path_of(p.decision) == decision
                    && model.nodes[p.option as usize].id.as_ref() == option
            })
            .unwrap()
    };
    let outcomes = |p: &analysis::RiskProfile| -> Vec<(f64, f64)> {
        p.outcomes
            .iter()
            .map(|o| (o.value, o.probability))
            .collect()
    };
    // The file's header: with the test, a dry hole is drilled with probability 0.15 + 0.05,
    // NS leads to walking away (0.41), wet 0.12 + 0.09, soaking 0.08 + 0.10; the test costs 10.
    let seismic = profile("", "seismic");
    assert!(seismic.chosen);
    close(seismic.mean, 22.5, 1e-9, "mean");
    let want = [(-80.0, 0.20), (-10.0, 0.41), (40.0, 0.21), (190.0, 0.18)];
    let got = outcomes(seismic);
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((v, p), (wv, wp)) in got.iter().zip(want) {
        close(*v, wv, 1e-9, "value");
        close(*p, wp, 1e-9, "probability");
    }
    let no_test = profile("", "no_test");
    assert!(!no_test.chosen);
    let got = outcomes(no_test);
    for ((v, p), (wv, wp)) in got.iter().zip([(-70.0, 0.5), (50.0, 0.3), (200.0, 0.2)]) {
        close(*v, wv, 1e-9, "value");
        close(*p, wp, 1e-9, "probability");
    }
    // An option not taken under a reading: drilling after NS, (0.30, 0.09, 0.02) / 0.41.
    let ns_drill = profile("seismic.ns", "drill");
    close(
        ns_drill.outcomes[0].probability,
        0.30 / 0.41,
        1e-9,
        "dry after NS",
    );
    close(ns_drill.mean, -10.0 - 12.5 / 0.41, 1e-9, "drill after NS");
}

#[test]
fn first_order_dominance_between_options() {
    let ev = evaluated(
        r#"
scenario d {
  metric pay = 0
  objective maximize pay
  option drill {
    pay -= 70
    branch dry p = 0.5
    branch wet p = 0.3 { pay += 120 }
    branch soak p = rest { pay += 270 }
  }
  option late {
    pay -= 80
    branch dry p = 0.5
    branch wet p = 0.3 { pay += 120 }
    branch soak p = rest { pay += 270 }
  }
  option stop
}
"#,
    );
    let risk = analysis::risk_profiles(&ev);
    let model = ev.model();
    let pairs: Vec<(&str, &str)> = risk
        .dominance
        .iter()
        .map(|d| {
            (
                model.nodes[d.better as usize].id.as_ref(),
                model.nodes[d.worse as usize].id.as_ref(),
            )
        })
        .collect();
    // Drilling now is drilling later plus 10 in every outcome; stopping crosses both.
    assert_eq!(pairs, [("drill", "late")]);
}

/// f = x + 2y with x, y standard normal: Var f = 5, first-order shares 1/5 and 4/5; for a
/// bivariate normal, Spearman = (6/π) asin(r/2) with r = 1/√5 and 2/√5: 0.43071 and 0.88552.
/// z draws but f does not read it: share 0, correlation 0.
#[test]
fn global_shares_and_rank_correlations_by_hand() {
    let ev = evaluated(
        r#"
scenario g {
  let x = normal(0, 1)
  let y = normal(0, 1)
  let z = normal(0, 1)
  forecast f = x + 2 * y
  forecast g = z
}
"#,
    );
    let samples = sample(&ev, 100_000);
    let global = analysis::global(&ev, &samples, &[Target::Forecast(0)]).unwrap();
    let g = &global[0];
    assert_eq!(g.samples, 100_000);
    close(g.variance, 5.0, 0.1, "variance");
    let name = |i: u32| ev.model().lets[i as usize].name.as_str();
    let share = |n: &str| g.shares.iter().find(|s| name(s.input) == n).unwrap();
    close(share("x").share, 0.2, 0.02, "share of x");
    close(share("y").share, 0.8, 0.02, "share of y");
    close(share("z").share, 0.0, 0.01, "share of z");
    close(share("x").spearman, 0.43071, 0.01, "spearman x");
    close(share("y").spearman, 0.88552, 0.01, "spearman y");
    close(share("z").spearman, 0.0, 0.01, "spearman z");
    assert_eq!(name(g.shares[0].input), "y", "largest share first");
}

/// The variance does not depend on where the target sits: 1e9 + x + 2y has the variance and
/// shares of x + 2y (5; 0.2 and 0.8), and a constant forecast does not vary at all. Taken
/// about 0, the moments of a target far from 0 lost every digit of the variance.
#[test]
fn global_shares_of_a_target_far_from_zero() {
    let ev = evaluated(
        r#"
scenario far {
  let x = normal(0, 1)
  let y = normal(0, 1)
  forecast f = 1e9 + x + 2 * y
  forecast c = 18.718 + 0 * x
}
"#,
    );
    let samples = sample(&ev, 100_000);
    let global =
        analysis::global(&ev, &samples, &[Target::Forecast(0), Target::Forecast(1)]).unwrap();
    let g = &global[0];
    close(g.variance, 5.0, 0.1, "variance");
    let name = |i: u32| ev.model().lets[i as usize].name.as_str();
    let share = |n: &str| g.shares.iter().find(|s| name(s.input) == n).unwrap().share;
    close(share("x"), 0.2, 0.02, "share of x");
    close(share("y"), 0.8, 0.02, "share of y");
    assert_eq!(global[1].variance, 0.0);
    assert!(global[1].shares.is_empty());
}

/// Under evidence the samples weigh P(h | p) = p: p's posterior density is 2p, with variance
/// 1/2 − 4/9 = 1/18; q stays uniform, variance 1/12. f = p + q: shares 0.4 and 0.6.
#[test]
fn global_shares_under_evidence_weights() {
    let ev = evaluated(
        r#"
scenario w {
  let p = uniform(0, 1)
  let q = uniform(0, 1)
  branch h p = p
  branch t p = rest
  observe h
  forecast f = p + q
}
"#,
    );
    let samples = sample(&ev, 100_000);
    let g = &analysis::global(&ev, &samples, &[Target::Forecast(0)]).unwrap()[0];
    close(
        g.variance,
        1.0 / 18.0 + 1.0 / 12.0,
        0.003,
        "posterior variance",
    );
    let name = |i: u32| ev.model().lets[i as usize].name.as_str();
    let share = |n: &str| g.shares.iter().find(|s| name(s.input) == n).unwrap().share;
    close(share("p"), 0.4, 0.02, "share of p");
    close(share("q"), 0.6, 0.02, "share of q");
    assert!(
        g.ess < 100_000.0 * 0.8,
        "weights lower the effective count: {}",
        g.ess
    );
}

fn sample(ev: &Evaluation, n: u64) -> scn_eval::Samples {
    scn_eval::sample(
        ev,
        &scn_eval::SampleOptions {
            samples: n,
            seed: 11,
            keep_rows: true,
            ..Default::default()
        },
    )
    .unwrap()
}

// ---- the command line ----

fn scenario(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(rel)
}

/// Runs `scn ARGS...` in-process with `stdin`: exit code, stdout, stderr.
fn scn(args: &[&str], stdin: &str) -> (Exit, String, String) {
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    let stdin = stdin.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let mut input = stdin.as_bytes();
            let code = scn_cli::run(
                &args,
                &mut Io {
                    stdin: &mut input,
                    stdout: &mut out,
                    stderr: &mut err,
                },
            );
            (
                code,
                String::from_utf8(out).unwrap(),
                String::from_utf8(err).unwrap(),
            )
        });
    worker.expect("spawn").join().expect("no panic")
}

#[test]
fn sens_text_of_the_library_scenarios() {
    for (name, rel) in [
        ("sens_ukraine", "ukraine/peace-talks-2025.scn"),
        ("sens_wildcatter", "decision/oil-wildcatter.scn"),
    ] {
        let path = scenario(rel);
        let (code, out, err) = scn(&["sens", path.to_str().unwrap()], "");
        assert_eq!(code, Exit::Ok, "{err}");
        assert_eq!(err, "");
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn sens_json_keys_for_outside_tools() {
    let (code, out, err) = scn(&["sens", "-", "--format", "json"], DRILL);
    assert_eq!(code, Exit::Ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let t = &v["tornado"][0];
    assert_eq!(t["target"], "emv");
    assert!((t["base"].as_f64().unwrap() - 20.0).abs() < 1e-9);
    let b = &t["bars"][0];
    for key in ["input", "low", "high", "value_low", "value_high", "swing"] {
        assert!(b.get(key).is_some(), "bar key {key}");
    }
    assert_eq!(b["input"], "drill.dry");
    let d = v["tornado"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "decision")
        .unwrap();
    assert_eq!(
        d["target"], "",
        "the root decision's path, as in the eval report"
    );
    let th = &v["thresholds"][0];
    assert_eq!(th["node"], "");
    assert_eq!(th["input"], "drill.dry");
    assert_eq!(th["below"], "drill");
    assert_eq!(th["above"], "stop");
    assert!((th["at"].as_f64().unwrap() - 155.0 / 270.0).abs() < 1e-9);
    assert_eq!(v["thresholds"][1]["at"], serde_json::Value::Null);
    let rp = &v["risk_profiles"][0];
    assert_eq!((&rp["node"], &rp["option"]), (&"".into(), &"drill".into()));
    assert!((rp["mean"].as_f64().unwrap() - 20.0).abs() < 1e-9);
    assert_eq!(rp["outcomes"][0]["value"], -70.0);
    assert_eq!(rp["outcomes"][0]["probability"], 0.5);
    assert!(
        v.get("voi").is_none(),
        "scn voi gives the value of information"
    );
    assert!(v.get("global").is_none(), "only with --samples");
}

#[test]
fn sens_global_is_deterministic_and_selectable() {
    let path = scenario("ukraine/peace-talks-2025.scn");
    let args = [
        "sens",
        path.to_str().unwrap(),
        "--forecast",
        "casualties_all",
        "--samples",
        "3000",
        "--seed",
        "5",
    ];
    let (code, a, err) = scn(&args, "");
    assert_eq!(code, Exit::Ok, "{err}");
    let (_, b, _) = scn(&args, "");
    assert_eq!(a, b, "same seed, same bytes");
    assert!(a.contains("Tornado: casualties_all"), "{a}");
    assert!(!a.contains("Tornado: pace"), "only the forecast asked for");
    assert!(
        a.contains("Global sensitivity (3000 samples, seed 5)"),
        "{a}"
    );
}

#[test]
fn sens_usage_errors() {
    let cases: [(&[&str], &str); 4] = [
        (&["--range", "p"], "expected NAME=LO..HI"),
        (&["--range", "nothing=0..1"], "`nothing`"),
        (
            &["--range", "drill.dry=0.5..0.1"],
            "no greater than the high end",
        ),
        (
            &["--forecast", "nope"],
            "--forecast nope: no forecast, and no decision at a node of that path (forecasts: emv)",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["sens", "-"];
        args.extend_from_slice(extra);
        let (code, _, err) = scn(&args, DRILL);
        assert_eq!(code, Exit::Usage, "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
    }
    // An invalid scenario is a diagnostic, exit 1.
    let (code, _, err) = scn(&["sens", "-"], "scenario x { branch a p = 2 }");
    assert_eq!(code, Exit::Invalid);
    assert!(err.contains("<stdin>:1:"), "{err}");
}

#[test]
fn sens_reports_an_input_end_that_breaks_the_tree() {
    // b = 1 − a: moving a by +10 points makes b negative, which the point evaluation refuses.
    let src = r#"
scenario x {
  let a = 0.95
  metric m = 0
  branch one p = a { m += 1 }
  branch two p = 1 - a
  forecast f = E(m)
}
"#;
    let (code, out, err) = scn(&["sens", "-", "--range", "a=0.9..1.1"], src);
    assert_eq!(code, Exit::Ok, "{err}");
    assert!(
        err.contains("`a` at 1.1: the tree cannot be evaluated"),
        "{err}"
    );
    assert!(out.contains("undefined"), "{out}");
}

#[test]
fn an_input_that_makes_a_forecast_undefined_is_a_bar() {
    // q at its low end (0) takes x to probability 0: E(m | x) is undefined there and 5 at
    // the high end, a swing of 0 that matters more than any. It is listed, not counted
    // among the inputs that do not move the forecast.
    let src = "scenario c {
  let q = 0.05
  metric m = 0
  branch x p = q { m += 5 }
  branch y p = rest { m += 1 }
  forecast c = E(m | x)
}";
    let (code, out, err) = scn(&["sens", "-"], src);
    assert_eq!(code, Exit::Ok, "{err}");
    let tornado: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Tornado: c"))
        .collect();
    assert_eq!(
        tornado[2].split_whitespace().collect::<Vec<_>>(),
        ["q", "0", "0.15", "undefined", "..", "5", "0"],
        "{out}"
    );
    assert!(!out.contains("does not move it"), "{out}");
    assert!(!out.contains("no input moves it"), "{out}");
}

#[test]
fn spider_points_of_a_small_tree_by_hand() {
    // E(m) = p (gain + 10) − cost − (1 − p) · 11 (see SMALL). `cost` is uniform(10, 30):
    // its 5th, 50th and 95th percentiles are 11, 20 and 29, giving 14.3, 5.3 and −3.7.
    // `p` has no distribution: it moves evenly from 0.2 (drawn at 5%) to 0.4 (at 95%), so
    // at 50% it is 0.3: −6.8, 5.3 and 17.4.
    let ev = evaluated(SMALL);
    let set = analysis::inputs(&ev, &[]).unwrap();
    let index = |name: &str| set.inputs.iter().position(|i| i.name == name).unwrap();
    let (cost, p) = (index("cost"), index("p"));
    let lines = analysis::spider(&ev, &set.inputs, &[cost, p], &[Target::Forecast(0)]);
    assert_eq!(lines.len(), 2);
    assert_eq!(analysis::SPIDER_PERCENTILES.len(), 19);
    close(
        analysis::SPIDER_PERCENTILES[9],
        0.5,
        1e-12,
        "the middle step",
    );
    for (line, input, want) in [
        (&lines[0], cost, [(11.0, 14.3), (20.0, 5.3), (29.0, -3.7)]),
        (&lines[1], p, [(0.2, -6.8), (0.3, 5.3), (0.4, 17.4)]),
    ] {
        assert_eq!(line.input, input);
        for (step, (x, y)) in [0, 9, 18].into_iter().zip(want) {
            close(line.values[step], x, 1e-9, "the input's value");
            close(line.targets[0][step].unwrap(), y, 1e-9, "the forecast");
        }
        // Linear in both inputs: equal steps of the input move the forecast equally.
        let ys: Vec<f64> = line.targets[0].iter().map(|v| v.unwrap()).collect();
        if input == p {
            let d = ys[1] - ys[0];
            assert!(ys.windows(2).all(|w| (w[1] - w[0] - d).abs() < 1e-9));
        }
    }
}

/// Variance shares cost a pass over the samples per uncertain let and target: past the work
/// allowed, the last lets are left out, and the first keep the shares of the full run. Here
/// 1,000 samples × 2 targets per let, and room for two lets.
#[test]
fn global_shares_leave_out_the_last_lets_past_the_work_allowed() {
    let ev = evaluated(
        r#"
scenario many {
  let a = normal(0, 1)
  let b = normal(0, 1)
  let c = normal(0, 1)
  let d = normal(0, 1)
  forecast f = a + b + c + d
  forecast g = a - d
}
"#,
    );
    let samples = sample(&ev, 1_000);
    let targets = [Target::Forecast(0), Target::Forecast(1)];
    let full = analysis::global(&ev, &samples, &targets).unwrap();
    let part = analysis::global_within(&ev, &samples, &targets, 4_000).unwrap();
    let name = |i: u32| ev.model().lets[i as usize].name.as_str();
    for (f, p) in full.iter().zip(&part) {
        assert_eq!(f.left_out, 0);
        assert_eq!(p.left_out, 2);
        let mut kept: Vec<&str> = p.shares.iter().map(|s| name(s.input)).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["a", "b"]);
        for s in &p.shares {
            let same = f.shares.iter().find(|t| t.input == s.input).unwrap();
            assert_eq!(s, same);
        }
    }
    // Less than one let's worth still computes one.
    let one = analysis::global_within(&ev, &samples, &targets, 1).unwrap();
    assert_eq!((one[0].shares.len(), one[0].left_out), (1, 3));
}
