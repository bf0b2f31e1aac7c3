//! The evaluator against the language's semantics (docs/reference/evaluation.md), with every
//! expected number computed by hand.
//!
//! Each expectation carries its arithmetic in a comment. None of the numbers was copied from
//! the program's output. Floats compare with a relative tolerance of 1e-12 (exact zeros must
//! be zero within 1e-15). Scenarios are inline unless they need files: imports resolve
//! against `tests/fixtures/eval`, where the template libraries, the import-cycle pair, the
//! alarm scenario and the `scn test` corpora live.

use std::f64::consts::{E, LN_2};
use std::path::{Path, PathBuf};

use scn_cli::Exit;
use scn_eval::Evaluation;
use scn_eval::model::NodeId;
use serde_json::Value;

/// The display name of inline sources.
const NAME: &str = "inline.scn";

/// z such that Φ(z) = 0.95, as written in the brief.
const Z95: f64 = 1.644_853_626_951_472_2;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/eval")
}

fn fixture(rel: &str) -> PathBuf {
    fixtures().join(rel)
}

/// Loads, builds and evaluates `src`; errors come back rendered.
fn try_eval(src: &str) -> Result<Evaluation, String> {
    let loaded = scn_eval::load(NAME, src.to_owned(), &fixtures(), None);
    let result = scn_eval::resolve(&loaded).and_then(scn_eval::evaluate);
    result.map_err(|d| scn_dsl::render_all(&d, &loaded.sources))
}

#[track_caller]
fn eval(src: &str) -> Evaluation {
    try_eval(src).unwrap_or_else(|e| panic!("expected a valid scenario, got:\n{e}"))
}

/// Evaluates a fixture file, as `scn eval FILE` would load it.
#[track_caller]
fn eval_file(rel: &str) -> Evaluation {
    let path = fixture(rel);
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    let dir = path.parent().expect("a parent").to_path_buf();
    let loaded = scn_eval::load_in(rel, text, &dir, Some(&path), &fixtures());
    let result = scn_eval::resolve(&loaded).and_then(scn_eval::evaluate);
    result.unwrap_or_else(|d| panic!("{}", scn_dsl::render_all(&d, &loaded.sources)))
}

/// The rendered diagnostics of an invalid scenario.
#[track_caller]
fn fails(src: &str) -> String {
    match try_eval(src) {
        Ok(_) => panic!("expected an error, but this evaluated:\n{src}"),
        Err(e) => e,
    }
}

/// Asserts that one `error:` header line of `rendered` contains every part.
#[track_caller]
fn assert_error(rendered: &str, parts: &[&str]) {
    let found = rendered
        .lines()
        .filter(|l| l.starts_with(NAME) && l.contains(": error: "))
        .any(|l| parts.iter().all(|p| l.contains(p)));
    assert!(found, "no error line containing {parts:?} in:\n{rendered}");
}

/// Asserts an error at `LINE:COL` of the inline source whose message contains every part.
#[track_caller]
fn assert_error_at(rendered: &str, line: usize, col: usize, parts: &[&str]) {
    let header = format!("{NAME}:{line}:{col}: error: ");
    let found = rendered
        .lines()
        .filter(|l| l.starts_with(&header))
        .any(|l| parts.iter().all(|p| l.contains(p)));
    assert!(
        found,
        "no error at {line}:{col} containing {parts:?} in:\n{rendered}"
    );
}

#[track_caller]
fn close(actual: f64, expected: f64) {
    let ok = if expected == 0.0 {
        actual.abs() <= 1e-15
    } else {
        ((actual - expected) / expected).abs() <= 1e-12
    };
    assert!(ok, "got {actual}, computed by hand {expected}");
}

#[track_caller]
fn node(ev: &Evaluation, path: &str) -> NodeId {
    (0..ev.model().nodes.len() as NodeId)
        .find(|&n| ev.model().path_of(n) == path)
        .unwrap_or_else(|| panic!("no node at `{path}`"))
}

/// A node's probability now: posterior when there is evidence, else prior.
#[track_caller]
fn prob(ev: &Evaluation, path: &str) -> f64 {
    ev.node(node(ev, path)).probability
}

#[track_caller]
fn prior(ev: &Evaluation, path: &str) -> f64 {
    ev.node(node(ev, path)).prior
}

/// A node's probability given its parent.
#[track_caller]
fn cond(ev: &Evaluation, path: &str) -> f64 {
    ev.node(node(ev, path)).cond
}

#[track_caller]
fn metric_index(ev: &Evaluation, name: &str) -> usize {
    ev.model()
        .metrics
        .iter()
        .position(|m| m.name == name)
        .expect("a metric of that name")
}

/// A metric's value after the effects of the node at `path`.
#[track_caller]
fn metric_at(ev: &Evaluation, path: &str, name: &str) -> f64 {
    ev.metric_at(node(ev, path), metric_index(ev, name))
}

#[track_caller]
fn expected(ev: &Evaluation, name: &str) -> f64 {
    ev.metrics()
        .nth(metric_index(ev, name))
        .expect("a metric")
        .expected
}

#[track_caller]
fn forecast_index(ev: &Evaluation, id: &str) -> usize {
    ev.model()
        .forecasts
        .iter()
        .position(|f| f.name == id)
        .expect("a forecast of that name")
}

#[track_caller]
fn forecast(ev: &Evaluation, id: &str) -> f64 {
    ev.forecast(forecast_index(ev, id))
        .value
        .expect("a defined forecast")
}

#[track_caller]
fn prior_forecast(ev: &Evaluation, id: &str) -> f64 {
    ev.forecast(forecast_index(ev, id))
        .prior
        .expect("a prior value beside the posterior")
}

#[track_caller]
fn let_value(ev: &Evaluation, name: &str) -> f64 {
    ev.lets()
        .find(|l| l.def.name == name)
        .expect("a let of that name")
        .value
}

#[track_caller]
fn date(ev: &Evaluation, path: &str) -> Option<String> {
    ev.model().nodes[node(ev, path) as usize]
        .date
        .map(|d| d.to_string())
}

/// Runs the CLI in-process: exit code, stdout, stderr.
fn cli(args: &[&str], stdin: &str) -> (Exit, String, String) {
    let mut input = stdin.as_bytes();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = scn_cli::Io {
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
    };
    let code = scn_cli::run(std::iter::once("scn").chain(args.iter().copied()), &mut io);
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (code, text(out), text(err))
}

/// `scn eval - --format json EXTRA…` on `src`.
#[track_caller]
fn json(src: &str, extra: &[&str]) -> Value {
    let mut args = vec!["eval", "-", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = cli(&args, src);
    assert_eq!(code, Exit::Ok, "stderr:\n{err}");
    serde_json::from_str(&out).expect("the report is JSON")
}

#[track_caller]
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[track_caller]
fn by_id<'v>(list: &'v Value, id: &str) -> &'v Value {
    let items = list.as_array().expect("an array");
    items
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no `{id}` in {list}"))
}

fn path_ids(doc: &Value) -> Vec<String> {
    let paths = doc["paths"].as_array().expect("paths");
    paths
        .iter()
        .map(|p| p["id"].as_str().expect("an id").to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Section 5: probabilities
// ---------------------------------------------------------------------------------------

#[test]
fn a_path_probability_is_the_product_along_the_path() {
    let ev = eval(
        "scenario s {
           branch a p = 0.3 {
             branch a1 p = 0.5 {
               branch x p = 0.2
               branch y p = rest
             }
             branch a2 p = rest
           }
           branch b p = rest
           forecast px = P(x)
           forecast pa1 = P(a.a1)
         }",
    );
    close(prior(&ev, ""), 1.0);
    close(prior(&ev, "a"), 0.3);
    close(prior(&ev, "a.a1"), 0.15); // 0.3 · 0.5
    close(prior(&ev, "a.a1.x"), 0.03); // 0.3 · 0.5 · 0.2
    close(cond(&ev, "a.a1.y"), 0.8); // rest = 1 − 0.2
    close(prior(&ev, "a.a1.y"), 0.12); // 0.3 · 0.5 · 0.8
    close(cond(&ev, "a.a2"), 0.5); // rest = 1 − 0.5
    close(prior(&ev, "a.a2"), 0.15); // 0.3 · 0.5
    close(cond(&ev, "b"), 0.7); // rest = 1 − 0.3
    close(prior(&ev, "b"), 0.7);
    close(forecast(&ev, "px"), 0.03);
    close(forecast(&ev, "pa1"), 0.15);
    // The leaves partition the tree: 0.03 + 0.12 + 0.15 + 0.7 = 1.
    let total: f64 = ev.leaves().iter().map(|&l| ev.node(l).prior).sum();
    close(total, 1.0);
    assert_eq!(ev.leaves().len(), 4);
}

#[test]
fn suffixes_scale_probabilities_effects_and_bounds() {
    let ev = eval(
        "scenario s {
           metric cost = 1.5M
           metric big = 50B
           branch a p = 18% { cost += 2.5k }
           branch b p = 500 / 1k { cost -= 0.5M  big *= 10% }
           branch c p = rest
           forecast pa = P(a)
           forecast e_cost = E(cost)
           forecast e_big = E(big)
           expect E(cost) in 1.25M .. 1.251M
           expect P(a) in 18% .. 18%
         }",
    );
    close(cond(&ev, "a"), 0.18); // 18% = 18 / 100
    close(cond(&ev, "b"), 0.5); // 500 / 1000
    close(cond(&ev, "c"), 0.32); // 1 − 0.18 − 0.5
    close(metric_at(&ev, "", "cost"), 1_500_000.0); // 1.5M
    close(metric_at(&ev, "a", "cost"), 1_502_500.0); // 1.5e6 + 2.5e3
    close(metric_at(&ev, "b", "cost"), 1_000_000.0); // 1.5e6 − 0.5e6
    close(metric_at(&ev, "c", "cost"), 1_500_000.0);
    close(metric_at(&ev, "b", "big"), 5e9); // 50e9 · 0.1
    close(forecast(&ev, "pa"), 0.18);
    // 0.18 · 1,502,500 + 0.5 · 1,000,000 + 0.32 · 1,500,000 = 270,450 + 500,000 + 480,000
    close(forecast(&ev, "e_cost"), 1_250_450.0);
    close(expected(&ev, "cost"), 1_250_450.0);
    // 0.18 · 5e10 + 0.5 · 5e9 + 0.32 · 5e10 = 9e9 + 2.5e9 + 1.6e10
    close(forecast(&ev, "e_big"), 2.75e10);
    assert!(
        ev.expectations().all(|(_, x)| x.holds),
        "1.25M ≤ 1,250,450 ≤ 1.251M and 0.18 ≤ 0.18 ≤ 0.18"
    );
    close(ev.model().expects[0].lo, 1_250_000.0);
    close(ev.model().expects[0].hi, 1_251_000.0);
}

#[test]
fn probabilities_can_come_from_lets_and_arithmetic() {
    let ev = eval(
        "scenario s {
           let base = 40%
           let half = base / 2
           branch a p = half + 0.1
           branch b p = (1 - base) * 0.5
           branch c p = rest
         }",
    );
    close(let_value(&ev, "half"), 0.2); // 0.4 / 2
    close(cond(&ev, "a"), 0.3); // 0.2 + 0.1
    close(cond(&ev, "b"), 0.3); // (1 − 0.4) · 0.5
    close(cond(&ev, "c"), 0.4); // 1 − 0.3 − 0.3
}

#[test]
fn rest_may_be_zero_and_the_sum_has_a_tolerance_of_1e_9() {
    let ev = eval("scenario s { branch a p = 0.5 branch b p = 0.5 branch c p = rest }");
    close(cond(&ev, "c"), 0.0); // 1 − 0.5 − 0.5
    close(prior(&ev, "c"), 0.0);
    // 0.5 + 0.5000000005 misses 1 by 5e-10 ≤ 1e-9: accepted.
    let ev = eval("scenario s { branch a p = 0.5 branch b p = 0.5000000005 }");
    close(cond(&ev, "b"), 0.500_000_000_5);
    // With rest, the others may sum to 1 + 5e-10: rest is then 0 (never negative).
    let ev = eval("scenario s { branch a p = 0.5 branch b p = 0.5000000005 branch c p = rest }");
    assert!(
        cond(&ev, "c") <= 0.0 && cond(&ev, "c") > -1e-9,
        "rest = {}",
        cond(&ev, "c")
    );
    // 0.5 + 0.500000002 misses 1 by 2e-9 > 1e-9: rejected.
    let err = fails("scenario s { branch a p = 0.5 branch b p = 0.500000002 }");
    assert_error(&err, &["sum to 1.000000002", "a = 0.5", "b = 0.500000002"]);
}

#[test]
fn sibling_sums_that_are_not_one_name_the_node_each_value_and_the_sum() {
    // At the root: 0.5 + 0.3 = 0.8.
    let err = fails("scenario sums {\n  branch a p = 0.5\n  branch b p = 0.3\n}\n");
    assert_error_at(&err, 2, 16, &["`sums`", "sum to 0.8", "a = 0.5", "b = 0.3"]);
    // Under a branch: 3 · 0.25 = 0.75.
    let err = fails(
        "scenario s {
           branch top p = 1 {
             branch x p = 0.25
             branch y p = 25%
             branch z p = 1 / 4
           }
         }",
    );
    assert_error(
        &err,
        &["`top`", "sum to 0.75", "x = 0.25", "y = 0.25", "z = 0.25"],
    );
    // With rest, the others must stay at or under 1: 0.7 + 0.6 = 1.3.
    let err = fails("scenario over { branch a p = 0.7 branch b p = 60% branch c p = rest }");
    assert_error(&err, &["`over`", "1.3", "a = 0.7", "b = 0.6"]);
    // The message must not list `rest` as if it had a value.
    assert!(!err.lines().next().unwrap_or("").contains("c = "), "{err}");
}

#[test]
fn two_rests_and_probabilities_outside_zero_one_are_errors() {
    let err =
        fails("scenario s {\n  branch a p = 0.5\n  branch b p = rest\n  branch c p = rest\n}\n");
    assert_error_at(&err, 4, 16, &["only one", "rest"]);
    let err = fails("scenario s { branch a p = 1.2 branch b p = rest }");
    assert_error(&err, &["`a`", "1.2", "outside [0, 1]"]);
    // −0.1 + 1.1 = 1: the sum holds, but each value is out of range.
    let err = fails("scenario s { branch a p = -0.1 branch b p = 1.1 }");
    assert_error(&err, &["`a`", "-0.1", "outside [0, 1]"]);
    assert_error(&err, &["`b`", "1.1", "outside [0, 1]"]);
    // Computed: 60% · 2 = 1.2.
    let err = fails("scenario s { let base = 60% branch a p = base * 2 branch b p = rest }");
    assert_error(&err, &["`a`", "1.2", "outside [0, 1]"]);
}

// ---------------------------------------------------------------------------------------
// Section 6: expressions and distributions
// ---------------------------------------------------------------------------------------

#[test]
fn precedence_and_associativity() {
    let ev = eval(
        "scenario s {
           let neg_sq = -2^2
           let tower = 2^3^2
           let left = (2^3)^2
           let neg_base = (-2)^2
           let sub = 10 - 2 - 3
           let div = 12 / 3 / 2
           let mix = 2 + 3 * 4 ^ 2 / 8
           let neg_mul = -3 * -2
           forecast f_neg_sq = -2^2
           forecast f_tower = 2^3^2
         }",
    );
    close(let_value(&ev, "neg_sq"), -4.0); // −(2²)
    close(let_value(&ev, "tower"), 512.0); // 2^(3²) = 2⁹
    close(let_value(&ev, "left"), 64.0); // 8²
    close(let_value(&ev, "neg_base"), 4.0); // (−2)²
    close(let_value(&ev, "sub"), 5.0); // (10 − 2) − 3
    close(let_value(&ev, "div"), 2.0); // (12 / 3) / 2
    close(let_value(&ev, "mix"), 8.0); // 2 + (3 · 4²) / 8 = 2 + 48 / 8
    close(let_value(&ev, "neg_mul"), 6.0); // (−3) · (−2)
    close(forecast(&ev, "f_neg_sq"), -4.0);
    close(forecast(&ev, "f_tower"), 512.0);
}

#[test]
fn to_takes_whole_arithmetic_operands() {
    let ev = eval(
        "scenario s {
           let spread = 1 + 2 to 3 * 4
           let same = 3 to 12
           forecast f = 1 + 2 to 3 * 4
         }",
    );
    // 1 + 2 to 3 · 4 = 3 to 12, 0 < 3 < 12: a lognormal with
    //   mu = (ln 3 + ln 12) / 2 = ln 6, sigma = (ln 12 − ln 3) / (2 z) = ln 4 / (2 z) = ln 2 / z,
    //   mean = exp(mu + sigma² / 2) = 6 · exp((ln 2 / z)² / 2) ≈ 6.5571.
    let mu = (3f64.ln() + 12f64.ln()) / 2.0;
    let sigma = (12f64.ln() - 3f64.ln()) / (2.0 * Z95);
    let mean = (mu + sigma * sigma / 2.0).exp();
    let s = LN_2 / Z95;
    close(mean, 6.0 * (s * s / 2.0).exp()); // the two forms of the hand formula agree
    close(let_value(&ev, "spread"), mean);
    close(let_value(&ev, "same"), mean);
    close(forecast(&ev, "f"), mean);
}

#[test]
fn distributions_stand_for_their_means_in_point_evaluation() {
    let ev = eval(
        "scenario s {
           let b = beta(3, 9)
           let b_named = beta(b = 3, a = 1)
           let pe = pert(1, 2, 9)
           let tri = triangular(0, 3, 9)
           let uni = uniform(2, 5)
           let nor = normal(-7, 2)
           let logn = lognormal(1, 0.5)
           let cross = -10 to 30
           let from_zero = 0 to 8
           let wide = 10 to 1000
           let arith = beta(1, 1) * 4 + 1
           let shared = b * 2
           metric cost = 0
           branch a p = beta(2, 6) { cost += 20k to 80k }
           branch n p = rest
         }",
    );
    close(let_value(&ev, "b"), 0.25); // 3 / (3 + 9)
    close(let_value(&ev, "b_named"), 0.25); // a = 1, b = 3: 1 / 4
    close(let_value(&ev, "pe"), 3.0); // (1 + 4 · 2 + 9) / 6 = 18 / 6
    close(let_value(&ev, "tri"), 4.0); // (0 + 3 + 9) / 3
    close(let_value(&ev, "uni"), 3.5); // (2 + 5) / 2
    close(let_value(&ev, "nor"), -7.0); // the mean parameter
    close(let_value(&ev, "logn"), 1.125f64.exp()); // exp(1 + 0.5² / 2)
    close(let_value(&ev, "cross"), 10.0); // lo ≤ 0: a normal centred on (−10 + 30) / 2
    close(let_value(&ev, "from_zero"), 4.0); // lo = 0 is not > 0: normal, (0 + 8) / 2
    // 10 to 1000: mu = (ln 10 + ln 1000) / 2 = ln 100, sigma = ln 100 / (2 z) = ln 10 / z.
    let s10 = 10f64.ln() / Z95;
    close(let_value(&ev, "wide"), 100.0 * (s10 * s10 / 2.0).exp());
    close(let_value(&ev, "arith"), 3.0); // 0.5 · 4 + 1
    close(let_value(&ev, "shared"), 0.5); // 0.25 · 2
    close(cond(&ev, "a"), 0.25); // 2 / (2 + 6)
    // 20k to 80k: mu = ln √(20000 · 80000) = ln 40000, sigma = ln 4 / (2 z) = ln 2 / z.
    let s2 = LN_2 / Z95;
    let cost = 40_000.0 * (s2 * s2 / 2.0).exp();
    close(metric_at(&ev, "a", "cost"), cost);
    close(expected(&ev, "cost"), 0.25 * cost);
}

#[test]
fn division_by_zero_is_an_error_at_the_expression() {
    // Line 3 is `  let r = 1 + 4 / z`; `4 / z` starts at column 15.
    let err = fails("scenario s {\n  let z = 0\n  let r = 1 + 4 / z\n}\n");
    assert_error_at(&err, 3, 15, &["division by zero"]);
    // In a forecast: P(never) = 0, so P(a) / P(never) divides by zero; it starts at column 16.
    let err = fails(
        "scenario s {\n  branch a p = 1\n  branch never p = 0\n  forecast r = P(a) / P(never)\n}\n",
    );
    assert_error_at(&err, 4, 16, &["division by zero"]);
    // In an effect.
    let err = fails("scenario s {\n  metric m = 1\n  branch a p = 1 { m = m / (m - 1) }\n}\n");
    assert_error_at(&err, 3, 24, &["division by zero"]);
    // Any other non-finite value: 10^400 overflows.
    let err = fails("scenario s {\n  let huge = 10^400\n}\n");
    assert_error_at(&err, 2, 14, &["not a finite number"]);
}

// ---------------------------------------------------------------------------------------
// Section 5: dates
// ---------------------------------------------------------------------------------------

#[test]
fn dates_partial_after_and_inherited() {
    let ev = eval(
        "scenario dates {
           as_of 2026-01-01
           horizon 2030
           branch jan p = 5% at 2026-01-31 {
             branch jan_1mo p = 1 after 1mo
           }
           branch feb p = 5% at 2026-02 {
             branch feb_1mo p = 1 after 1mo
           }
           branch leap p = 5% at 2028-02 {
             branch leap_1y p = 50% after 1y
             branch leap_same p = rest
           }
           branch year p = 5% at 2027 {
             branch year_18mo p = 1 after 1y6mo
           }
           branch mid p = 5% at 2026-03-15 {
             branch mid_17d p = 1 after 2w3d
           }
           branch order p = 5% at 2026-01-30 {
             branch order_1mo1d p = 1 after 1mo1d
           }
           branch spring p = 5% at 2026-03-01 {
             branch spring_2mo p = 1 after 2mo
           }
           branch mid_feb p = 5% at 2026-02-15 {
             branch mid_feb_1y p = 1 after 1y
           }
           branch d90 p = 5% after 90d
           branch inherit p = rest
         }",
    );
    let d = |s: &str| Some(s.to_owned());
    assert_eq!(date(&ev, ""), d("2026-01-01")); // the root is as_of
    assert_eq!(date(&ev, "jan"), d("2026-01-31"));
    // 2026-01-31 + 1 month: 2026-02-31 does not exist, so the last day of February.
    assert_eq!(date(&ev, "jan.jan_1mo"), d("2026-02-28"));
    // 2026-02 is the last day of February 2026 (not a leap year).
    assert_eq!(date(&ev, "feb"), d("2026-02-28"));
    // 2026-02-28 + 1 month keeps the day: 2026-03-28.
    assert_eq!(date(&ev, "feb.feb_1mo"), d("2026-03-28"));
    // 2028 is a leap year: 2028-02 = 2028-02-29.
    assert_eq!(date(&ev, "leap"), d("2028-02-29"));
    // 2028-02-29 + 1 year: 2029-02-29 does not exist, so 2029-02-28.
    assert_eq!(date(&ev, "leap.leap_1y"), d("2029-02-28"));
    // No `at`/`after`: the parent's date.
    assert_eq!(date(&ev, "leap.leap_same"), d("2028-02-29"));
    // 2027 = 2027-12-31.
    assert_eq!(date(&ev, "year"), d("2027-12-31"));
    // + 1y6mo = 18 months: 2029-06-31 does not exist, so 2029-06-30.
    assert_eq!(date(&ev, "year.year_18mo"), d("2029-06-30"));
    // + 2w3d = 17 days: 2026-03-15 + 16 = 2026-03-31, + 1 = 2026-04-01.
    assert_eq!(date(&ev, "mid.mid_17d"), d("2026-04-01"));
    // Months first: 2026-01-30 + 1mo = 2026-02-28 (clamped), then + 1d = 2026-03-01.
    // (Days first would give 2026-01-31 + 1mo = 2026-02-28.)
    assert_eq!(date(&ev, "order.order_1mo1d"), d("2026-03-01"));
    // The spec's own examples.
    assert_eq!(date(&ev, "spring.spring_2mo"), d("2026-05-01"));
    assert_eq!(date(&ev, "mid_feb.mid_feb_1y"), d("2027-02-15"));
    // 2026-01-01 + 90 days: +30 → 01-31, +28 → 02-28 (58), +31 → 03-31 (89), +1 → 04-01.
    assert_eq!(date(&ev, "d90"), d("2026-04-01"));
    assert_eq!(date(&ev, "inherit"), d("2026-01-01"));
    close(cond(&ev, "inherit"), 0.55); // 1 − 9 · 0.05
}

#[test]
fn an_undated_scenario_still_dates_at_and_what_hangs_below_it() {
    let ev = eval(
        "scenario u {
           branch a p = 0.5 at 2026-05 {
             branch a1 p = 1 after 1mo
           }
           branch b p = rest
         }",
    );
    assert_eq!(date(&ev, ""), None);
    assert_eq!(date(&ev, "a").as_deref(), Some("2026-05-31"));
    // 2026-05-31 + 1 month: June has 30 days, so 2026-06-30.
    assert_eq!(date(&ev, "a.a1").as_deref(), Some("2026-06-30"));
    assert_eq!(date(&ev, "b"), None);
}

#[test]
fn date_errors() {
    // Before as_of: 2026-05 = 2026-05-31 < 2026-06-01.
    let err = fails("scenario s {\n  as_of 2026-06-01\n  branch a p = 1 at 2026-05\n}\n");
    assert_error_at(&err, 3, 10, &["`a`", "2026-05-31", "before", "2026-06-01"]);
    // Before the parent: 2026-06-29 < 2026-06-30.
    let err = fails(
        "scenario s {\n  as_of 2026-01-01\n  branch p1 p = 1 at 2026-06 {\n    branch c p = 1 at 2026-06-29\n  }\n}\n",
    );
    assert_error_at(&err, 4, 12, &["`c`", "2026-06-29", "`p1`", "2026-06-30"]);
    // On the horizon is fine; a day after it (by `at` or by `after`) is not.
    let err = fails(
        "scenario s {
  as_of 2026-01-01
  horizon 2026-12-31
  branch on_time p = 0.5 at 2026-12-31 {
    branch next_day p = 1 after 1d
  }
  branch too_late p = rest at 2027-01
}
",
    );
    assert_error_at(
        &err,
        5,
        12,
        &["`next_day`", "2027-01-01", "horizon", "2026-12-31"],
    );
    assert_error_at(&err, 7, 10, &["`too_late`", "2027-01-31", "horizon"]);
    assert!(
        !err.contains("`on_time`"),
        "2026-12-31 is on the horizon, not after it:\n{err}"
    );
    // `after` under an undated parent.
    let err = fails("scenario s {\n  branch a p = 1 after 6mo\n}\n");
    assert_error_at(&err, 2, 10, &["`a`", "after", "no date"]);
    let err = fails("scenario s {\n  branch a p = 1 {\n    branch b p = 1 after 1d\n  }\n}\n");
    assert_error_at(&err, 3, 12, &["`b`", "no date"]);
}

#[test]
fn by_is_inclusive_and_tags_match_any_tagged_branch_on_the_path() {
    let ev = eval(
        "scenario by_dates {
           as_of 2026-01-01
           branch a p = 0.4 at 2026-03 #t {
             branch a1 p = 0.5 at 2026-09 #t
             branch a2 p = rest
           }
           branch b p = 0.6 at 2026-06 {
             branch b1 p = 0.25 at 2026-07 #t
             branch b2 p = rest
           }
           forecast a_on_day = P(a by 2026-03-31)
           forecast a_day_before = P(a by 2026-03-30)
           forecast a_month = P(a by 2026-03)
           forecast a_feb = P(a by 2026-02)
           forecast a1_year = P(a1 by 2026)
           forecast a1_day_before = P(a1 by 2026-09-29)
           forecast a2_inherited = P(a2 by 2026-04)
           forecast t_apr = P(#t by 2026-04-30)
           forecast t_aug = P(#t by 2026-08-01)
           forecast t_sep = P(#t by 2026-09-30)
           forecast t_all = P(#t)
           forecast t_early = P(#t by 2026-03-30)
         }",
    );
    close(forecast(&ev, "a_on_day"), 0.4); // a is dated 2026-03-31: on the day counts
    close(forecast(&ev, "a_day_before"), 0.0);
    close(forecast(&ev, "a_month"), 0.4); // 2026-03 = 2026-03-31
    close(forecast(&ev, "a_feb"), 0.0); // 2026-02 = 2026-02-28 < 2026-03-31
    close(forecast(&ev, "a1_year"), 0.2); // 2026-09-30 ≤ 2026-12-31: 0.4 · 0.5
    close(forecast(&ev, "a1_day_before"), 0.0); // a1 itself is 2026-09-30
    close(forecast(&ev, "a2_inherited"), 0.2); // a2 inherits 2026-03-31: 0.4 · 0.5
    // a (tagged, 2026-03-31) is on the paths of a.a1 and a.a2: 0.4; b.b1 is tagged on 07-31.
    close(forecast(&ev, "t_apr"), 0.4);
    // Now b.b1 as well: 0.4 + 0.6 · 0.25 = 0.55.
    close(forecast(&ev, "t_aug"), 0.55);
    // a.a1 has two tagged branches on its path; it still counts once.
    close(forecast(&ev, "t_sep"), 0.55);
    close(forecast(&ev, "t_all"), 0.55);
    close(forecast(&ev, "t_early"), 0.0); // the first tagged date is 2026-03-31
}

#[test]
fn by_on_an_undated_branch_or_tag_is_an_error() {
    let err = fails(
        "scenario s {\n  branch a p = 0.5\n  branch b p = rest\n  forecast f = P(a by 2026-06)\n}\n",
    );
    assert_error_at(&err, 4, 18, &["`a`", "no date", "by"]);
    // One tagged branch is dated, the other is not.
    let err = fails(
        "scenario s {\n  branch a p = 0.5 at 2026-03 #t\n  branch b p = rest #t\n  forecast f = P(#t by 2026-06)\n}\n",
    );
    assert_error_at(&err, 4, 18, &["#t", "`b`", "no date"]);
}

// ---------------------------------------------------------------------------------------
// Section 5: effects
// ---------------------------------------------------------------------------------------

#[test]
fn effects_run_in_textual_order_and_read_current_values() {
    let ev = eval(
        "scenario fx {
           metric spend = 100
           metric n = 1
           use setup(5)
           branch a p = 0.25 {
             spend += 200k
             spend = spend * 2
             n -= 1
           }
           branch b p = 0.25 {
             spend = 7
             spend *= n
             spend -= 1
           }
           branch c p = rest {
             n = spend / 21
             branch c1 p = 0.5 { spend *= 2 }
             branch c2 p = rest { n += 1 }
           }
           forecast e_spend = E(spend)
           forecast e_n = E(n)
           forecast e_spend_c = E(spend | c)
           forecast e_n_not_a = E(n | not a)
           forecast e_spend_c1 = E(spend | c.c1)
         }
         // After the scenario: templates may stand on either side of it.
         template setup(k) {
           spend += k
           n *= 3
         }",
    );
    // At the root, the template's effects: spend = 100 + 5 = 105, n = 1 · 3 = 3.
    close(metric_at(&ev, "", "spend"), 105.0);
    close(metric_at(&ev, "", "n"), 3.0);
    // a: 105 + 200,000 = 200,105, then · 2 = 400,210; n = 3 − 1 = 2.
    close(metric_at(&ev, "a", "spend"), 400_210.0);
    close(metric_at(&ev, "a", "n"), 2.0);
    // b: 7, then · n (3) = 21, then − 1 = 20.
    close(metric_at(&ev, "b", "spend"), 20.0);
    close(metric_at(&ev, "b", "n"), 3.0);
    // c: n = 105 / 21 = 5; c1: spend 210; c2: n 6.
    close(metric_at(&ev, "c", "n"), 5.0);
    close(metric_at(&ev, "c.c1", "spend"), 210.0);
    close(metric_at(&ev, "c.c1", "n"), 5.0);
    close(metric_at(&ev, "c.c2", "spend"), 105.0);
    close(metric_at(&ev, "c.c2", "n"), 6.0);
    // Each leaf has probability 0.25: (400,210 + 20 + 210 + 105) / 4 = 400,545 / 4.
    close(forecast(&ev, "e_spend"), 100_136.25);
    close(expected(&ev, "spend"), 100_136.25);
    close(forecast(&ev, "e_n"), 4.0); // (2 + 3 + 5 + 6) / 4
    close(expected(&ev, "n"), 4.0);
    close(forecast(&ev, "e_spend_c"), 157.5); // (0.25 · 210 + 0.25 · 105) / 0.5
    close(forecast(&ev, "e_n_not_a"), 14.0 / 3.0); // (3 + 5 + 6) · 0.25 / 0.75
    close(forecast(&ev, "e_spend_c1"), 210.0);
}

#[test]
fn a_templates_effects_run_where_it_is_used_and_effects_run_before_children() {
    let ev = eval(
        "template times_ten() { x *= 10 }
         scenario pos {
           metric x = 0
           branch a p = 1 {
             x = 1
             use times_ten()
             branch a1 p = 1 { x *= 2 }
             x += 1
           }
         }",
    );
    // In order: 1, then · 10 = 10, then + 1 = 11 (the `use` runs in place, not at the end).
    close(metric_at(&ev, "a", "x"), 11.0);
    // Every effect of `a` runs before its children, even one written after `a1`: 11 · 2.
    close(metric_at(&ev, "a.a1", "x"), 22.0);
    close(expected(&ev, "x"), 22.0);
}

#[test]
fn metrics_start_from_lets() {
    let ev = eval(
        "scenario s {
           let unit_cost = 2.5k
           metric cost = unit_cost * 4
           branch a p = 0.2 { cost += unit_cost }
           branch b p = rest
         }",
    );
    close(metric_at(&ev, "", "cost"), 10_000.0); // 2500 · 4
    close(metric_at(&ev, "a", "cost"), 12_500.0); // 10,000 + 2,500
    close(expected(&ev, "cost"), 10_500.0); // 0.2 · 12,500 + 0.8 · 10,000 = 2,500 + 8,000
}

// ---------------------------------------------------------------------------------------
// Section 7: decisions
// ---------------------------------------------------------------------------------------

const NESTED_DECISION: &str = "scenario dec {
  metric v = 10
  objective DIRECTION v
  option safe { v += 2.3 }
  option risky {
    v -= 2
    branch win p = 0.6 {
      option bank { v += 10 }
      option bet {
        branch hit p = 0.5 { v += 30 }
        branch miss p = rest { v -= 8 }
      }
    }
    branch lose p = rest { v -= 5 }
  }
  forecast p_risky = P(risky)
  forecast p_safe = P(safe)
  forecast p_bet = P(bet)
  forecast p_bank = P(bank)
  forecast ev = E(v)
}
";

/// The options of a decision with their values, by id.
fn option_values(ev: &Evaluation, k: usize) -> Vec<(String, f64)> {
    let d = &ev.decisions()[k];
    d.options
        .iter()
        .map(|o| (ev.model().nodes[o.node as usize].id.to_string(), o.value))
        .collect()
}

fn choice(ev: &Evaluation, k: usize) -> &str {
    &ev.model().nodes[ev.decisions()[k].choice as usize].id
}

#[test]
fn nested_decisions_roll_back_inner_first_when_maximizing() {
    let ev = eval(&NESTED_DECISION.replace("DIRECTION", "maximize"));
    // safe: 10 + 2.3 = 12.3.
    // risky: 10 − 2 = 8 (counted below). win.bank: 8 + 10 = 18.
    //   win.bet: hit 8 + 30 = 38, miss 8 − 8 = 0: 0.5 · 38 + 0.5 · 0 = 19 > 18: bet, worth 19.
    //   lose: 8 − 5 = 3.  risky = 0.6 · 19 + 0.4 · 3 = 11.4 + 1.2 = 12.6 > 12.3: risky.
    // (Had the inner decision not been rolled back first, bank's 18 would give
    //  0.6 · 18 + 1.2 = 12.0 < 12.3 and the root would pick safe.)
    assert_eq!(ev.decisions().len(), 2);
    assert_eq!(ev.model().path_of(ev.decisions()[0].node), "");
    assert_eq!(choice(&ev, 0), "risky");
    let root = option_values(&ev, 0);
    assert_eq!(root[0].0, "safe");
    close(root[0].1, 12.3);
    assert_eq!(root[1].0, "risky");
    close(root[1].1, 12.6);
    assert_eq!(ev.model().path_of(ev.decisions()[1].node), "risky.win");
    assert_eq!(choice(&ev, 1), "bet");
    let inner = option_values(&ev, 1);
    close(inner[0].1, 18.0);
    close(inner[1].1, 19.0);
    close(metric_at(&ev, "risky", "v"), 8.0);
    close(metric_at(&ev, "risky.win.bet.hit", "v"), 38.0);
    // Options count 1 if chosen, 0 if not.
    close(forecast(&ev, "p_risky"), 1.0);
    close(forecast(&ev, "p_safe"), 0.0);
    close(forecast(&ev, "p_bet"), 0.6); // 1 · 0.6 · 1
    close(forecast(&ev, "p_bank"), 0.0);
    close(prior(&ev, "risky.win.bet.hit"), 0.3); // 0.6 · 0.5
    close(prior(&ev, "risky.lose"), 0.4);
    close(prior(&ev, "safe"), 0.0);
    // E(v) = 0.3 · 38 + 0.3 · 0 + 0.4 · 3 = 12.6, the root's value.
    close(forecast(&ev, "ev"), 12.6);
    close(expected(&ev, "v"), 12.6);
}

#[test]
fn nested_decisions_roll_back_inner_first_when_minimizing() {
    let ev = eval(&NESTED_DECISION.replace("DIRECTION", "minimize"));
    // win: bank 18 < bet 19: bank, worth 18. risky = 0.6 · 18 + 0.4 · 3 = 10.8 + 1.2 = 12.0.
    // root: safe 12.3 > risky 12.0: risky.
    assert_eq!(choice(&ev, 0), "risky");
    close(option_values(&ev, 0)[1].1, 12.0);
    assert_eq!(choice(&ev, 1), "bank");
    close(forecast(&ev, "p_bank"), 0.6);
    close(forecast(&ev, "p_bet"), 0.0);
    close(prior(&ev, "risky.win.bet.hit"), 0.0);
    close(forecast(&ev, "ev"), 12.0); // 0.6 · 18 + 0.4 · 3
}

#[test]
fn a_tie_goes_to_the_first_option() {
    for direction in ["maximize", "minimize"] {
        let src = format!(
            "scenario tie {{
               metric v = 0
               objective {direction} v
               option worse {{ v += {worse} }}
               option first {{ v += 1 }}
               option second {{ v += 0.5  v += 0.5 }}
             }}",
            worse = if direction == "maximize" { "-1" } else { "2" },
        );
        let ev = eval(&src);
        // first: 0 + 1 = 1; second: 0 + 0.5 + 0.5 = 1: a tie, taken by the first of the two.
        assert_eq!(choice(&ev, 0), "first", "{direction}");
        close(option_values(&ev, 0)[2].1, 1.0);
    }
}

#[test]
fn decisions_under_options_not_chosen_are_still_listed() {
    let src = "scenario unchosen {
      metric v = 0
      objective maximize v
      option a { v += 1 }
      option b {
        option b1 { v += 0 }
        option b2 { v -= 5 }
      }
      option c {
        v -= 10
        branch c1 p = 0.5
        branch c2 p = rest
      }
    }";
    let ev = eval(src);
    // b: b1 (0) beats b2 (−5), so b is worth 0; c is worth −10; a (1) wins.
    assert_eq!(ev.decisions().len(), 2);
    assert_eq!(choice(&ev, 0), "a");
    let root = option_values(&ev, 0);
    close(root[0].1, 1.0);
    close(root[1].1, 0.0);
    close(root[2].1, -10.0);
    assert_eq!(ev.model().path_of(ev.decisions()[1].node), "b");
    assert_eq!(choice(&ev, 1), "b1");
    // Chosen within its own decision, but under b, which is not: probability 1 · 0 = 0.
    close(prior(&ev, "a"), 1.0);
    close(prior(&ev, "b.b1"), 0.0);
    close(prior(&ev, "b.b2"), 0.0);
    close(prior(&ev, "c.c1"), 0.0);
    close(prior(&ev, "c.c2"), 0.0);

    let doc = json(src, &[]);
    let decisions = doc["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[0]["node"], "");
    assert_eq!(decisions[0]["choice"], "a");
    close(num(&decisions[0]["values"]["a"]), 1.0);
    close(num(&decisions[0]["values"]["b"]), 0.0);
    close(num(&decisions[0]["values"]["c"]), -10.0);
    assert_eq!(decisions[1]["node"], "b");
    assert_eq!(decisions[1]["choice"], "b1");
    close(num(&decisions[1]["values"]["b1"]), 0.0);
    close(num(&decisions[1]["values"]["b2"]), -5.0);
    // Every leaf is listed, zeros included, in tree order after the probable one.
    assert_eq!(path_ids(&doc), ["a", "b.b1", "b.b2", "c.c1", "c.c2"]);
    for p in &doc["paths"].as_array().expect("paths")[1..] {
        close(num(&p["probability"]), 0.0);
    }
}

#[test]
fn option_values_in_json_and_tags_on_options() {
    let src = "scenario pick {
      metric gain = 1
      objective maximize gain
      use bonus()
      option keep #calm { gain *= 2 }
      option sell #bold {
        branch up p = 0.25 { gain *= 10 }
        branch down p = rest { gain = 0 }
      }
      forecast p_bold = P(#bold)
      forecast p_calm = P(#calm)
    }
    template bonus() { gain += 1 }";
    let ev = eval(src);
    // An effect at the root (a template used there) counts in every option: 1 + 1 = 2.
    // keep: 2 · 2 = 4. sell: 0.25 · (2 · 10) + 0.75 · 0 = 5 > 4: sell.
    close(metric_at(&ev, "", "gain"), 2.0);
    assert_eq!(choice(&ev, 0), "sell");
    close(forecast(&ev, "p_bold"), 1.0);
    close(forecast(&ev, "p_calm"), 0.0);
    let doc = json(src, &[]);
    let d = &doc["decisions"][0];
    assert_eq!(d["node"], "");
    assert_eq!(d["choice"], "sell");
    close(num(&d["values"]["keep"]), 4.0);
    close(num(&d["values"]["sell"]), 5.0);
    // down 0.75, up 0.25, keep 0.
    assert_eq!(path_ids(&doc), ["sell.down", "sell.up", "keep"]);
}

#[test]
fn options_need_an_objective_and_may_not_mix_with_branches() {
    let err = fails("scenario s {\n  metric c = 0\n  option build { c += 1 }\n  option wait\n}\n");
    assert_error_at(&err, 3, 10, &["options", "objective"]);
    let err = fails(
        "scenario s {\n  metric c = 0\n  objective minimize c\n  branch storm p = 0.5\n  option shelter\n}\n",
    );
    assert_error_at(&err, 5, 10, &["branches or options, never both"]);
    let err = fails(
        "scenario s {\n  metric c = 0\n  objective minimize c\n  option shelter\n  branch storm p = 1\n}\n",
    );
    assert_error_at(&err, 5, 10, &["branches or options, never both"]);
}

// ---------------------------------------------------------------------------------------
// Section 8: events and queries
// ---------------------------------------------------------------------------------------

const TALKS: &str = "scenario talks_and_war {
  branch talks p = 0.6 {
    branch deal p = 0.5 #good {
      branch signed p = 0.5
      branch stalled p = rest
    }
    branch fail p = rest
  }
  branch war p = rest {
    branch deal p = 0.2 #good
    branch fail p = rest #bad
  }
  QUERIES
}
";

#[test]
fn events_by_dotted_path_bare_id_tag_and_condition() {
    let ev = eval(&TALKS.replace(
        "QUERIES",
        "forecast p_dotted = P(talks.deal.signed)
         forecast p_bare = P(signed)
         forecast p_war_deal = P(war.deal)
         forecast p_good = P(#good)
         forecast p_not_good = P(not #good)
         forecast p_bad_or_signed = P(#bad or signed)
         forecast p_signed_given_talks = P(signed | talks)
         forecast p_talks_given_good = P(talks | #good)
         forecast p_sum = P(talks) + P(war)
         forecast twice = p_bare * 2",
    ));
    // Leaves: talks.deal.signed 0.6·0.5·0.5 = 0.15, talks.deal.stalled 0.15, talks.fail 0.3,
    //         war.deal 0.4·0.2 = 0.08, war.fail 0.4·0.8 = 0.32.
    close(forecast(&ev, "p_dotted"), 0.15);
    close(forecast(&ev, "p_bare"), 0.15);
    close(forecast(&ev, "p_war_deal"), 0.08);
    close(forecast(&ev, "p_good"), 0.38); // talks.deal 0.3 + war.deal 0.08
    close(forecast(&ev, "p_not_good"), 0.62); // 1 − 0.38
    close(forecast(&ev, "p_bad_or_signed"), 0.47); // 0.32 + 0.15
    close(forecast(&ev, "p_signed_given_talks"), 0.25); // 0.15 / 0.6
    close(forecast(&ev, "p_talks_given_good"), 0.3 / 0.38);
    close(forecast(&ev, "p_sum"), 1.0); // 0.6 + 0.4
    close(forecast(&ev, "twice"), 0.3); // an earlier forecast, 0.15 · 2
}

#[test]
fn an_ambiguous_bare_id_lists_the_candidates() {
    let src = TALKS.replace("QUERIES", "forecast p_deal = P(deal)");
    let err = fails(&src);
    assert_error_at(
        &err,
        13,
        23,
        &["`deal`", "ambiguous", "talks.deal", "war.deal"],
    );
    // The dotted paths resolve.
    let ev = eval(&TALKS.replace("QUERIES", "forecast p = P(talks.deal) + P(war.deal)"));
    close(forecast(&ev, "p"), 0.38); // 0.3 + 0.08
}

#[test]
fn unknown_references_and_tags_suggest_a_fix() {
    let err = fails(&TALKS.replace("QUERIES", "forecast p = P(sigend)"));
    assert_error(&err, &["`sigend`", "did you mean `signed`"]);
    let err = fails(&TALKS.replace("QUERIES", "forecast p = P(#goood)"));
    assert_error(&err, &["#goood", "did you mean `#good`"]);
    let err = fails(&TALKS.replace("QUERIES", "forecast p = P(talks.war)"));
    assert_error(&err, &["talks.war"]);
}

const PRECEDENCE: &str = "scenario prec {
  as_of 2026-01-01
  branch a p = 0.5 at 2026-06 {
    branch b p = 0.4 {
      branch c p = 0.25
      branch cn p = rest
    }
    branch bn p = rest
  }
  branch an p = rest
  QUERIES
}
";

#[test]
fn event_operators_bind_by_before_not_before_and_before_or() {
    let ev = eval(&PRECEDENCE.replace(
        "QUERIES",
        "forecast spec_example = P(not a by 2026-12-31 or b and c)
         forecast spelled_out = P((not (a by 2026-12-31)) or (b and c))
         forecast not_all = P(not (a by 2026-12-31 or b and c))
         forecast grouped_or = P((not a by 2026-12-31 or b) and c)
         forecast too_early = P(not a by 2026-03-31 or b and c)
         forecast not_and = P(not b and c)
         forecast not_group = P(not (b and c))
         forecast or_and = P(an or b and c)
         forecast and_or = P(b and c or an)
         forecast group_or_and = P((an or b) and c)",
    ));
    // Leaves: a.b.c 0.5·0.4·0.25 = 0.05, a.b.cn 0.5·0.4·0.75 = 0.15, a.bn 0.5·0.6 = 0.3,
    //         an 0.5. `a` is dated 2026-06-30.
    // (not (a by 2026-12-31)) or (b and c) = {an} ∪ {a.b.c} = 0.5 + 0.05.
    close(forecast(&ev, "spec_example"), 0.55);
    close(forecast(&ev, "spelled_out"), 0.55);
    // not ({a.*} ∪ {a.b.c}) = {an}.
    close(forecast(&ev, "not_all"), 0.5);
    // ({an} ∪ {a.b.c, a.b.cn}) ∩ {a.b.c} = {a.b.c}.
    close(forecast(&ev, "grouped_or"), 0.05);
    // a is not dated by 2026-03-31: `a by …` is empty, its complement is everything.
    close(forecast(&ev, "too_early"), 1.0);
    // (not b) and c = ∅; not (b and c) = 1 − 0.05.
    close(forecast(&ev, "not_and"), 0.0);
    close(forecast(&ev, "not_group"), 0.95);
    // an or (b and c) = 0.5 + 0.05, either way round; (an or b) and c = 0.05.
    close(forecast(&ev, "or_and"), 0.55);
    close(forecast(&ev, "and_or"), 0.55);
    close(forecast(&ev, "group_or_and"), 0.05);
}

#[test]
fn a_condition_of_probability_zero_is_an_error() {
    let src = "scenario s {\n  metric m = 0\n  branch a p = 1 { m += 1 }\n  branch never p = 0\n  forecast f = QUERY\n}\n";
    let err = fails(&src.replace("QUERY", "P(a | never)"));
    assert_error_at(&err, 5, 16, &["probability 0"]);
    let err = fails(&src.replace("QUERY", "E(m | never)"));
    assert_error_at(&err, 5, 16, &["probability 0"]);
    // Fine when the condition is possible: P(a | a) = 1, E(m | a) = 1.
    let ev = eval(&src.replace("QUERY", "P(a | a) + E(m | a)"));
    close(forecast(&ev, "f"), 2.0);
}

// ---------------------------------------------------------------------------------------
// Section 8: evidence
// ---------------------------------------------------------------------------------------

/// P(burglary | alarm) = 0.02 · 0.95 / (0.02 · 0.95 + 0.98 · 0.01) = 0.019 / 0.0288.
const P_BURGLARY_GIVEN_ALARM: f64 = 0.019 / 0.0288;

fn alarm_text() -> String {
    std::fs::read_to_string(fixture("alarm.scn")).expect("alarm.scn")
}

fn alarm_observed() -> String {
    alarm_text().replace(
        "  forecast p_burglary",
        "  observe #alarm\n  forecast p_burglary",
    )
}

#[test]
fn observe_conditions_the_tree_the_alarm() {
    let prior_ev = eval_file("alarm.scn");
    close(forecast(&prior_ev, "p_burglary"), 0.02);
    close(forecast(&prior_ev, "p_alarm"), 0.0288); // 0.02 · 0.95 + 0.98 · 0.01 = 0.019 + 0.0098
    close(expected(&prior_ev, "loss"), 20.0); // 0.02 · 1000
    assert!(prior_ev.evidence().is_none());

    let ev = eval(&alarm_observed());
    close(ev.evidence().expect("evidence"), 0.0288);
    close(forecast(&ev, "p_burglary"), P_BURGLARY_GIVEN_ALARM);
    close(prior_forecast(&ev, "p_burglary"), 0.02);
    close(forecast(&ev, "p_alarm"), 1.0);
    close(prior_forecast(&ev, "p_alarm"), 0.0288);
    // Leaves outside the evidence get 0; the rest are divided by 0.0288.
    close(prob(&ev, "burglary.rings"), 0.019 / 0.0288);
    close(prob(&ev, "calm.false_ring"), 0.0098 / 0.0288);
    close(prob(&ev, "burglary.quiet"), 0.0);
    close(prob(&ev, "calm.silent"), 0.0);
    close(prior(&ev, "burglary.quiet"), 0.001); // 0.02 · 0.05
    close(prior(&ev, "calm.silent"), 0.9702); // 0.98 · 0.99
    // Inner nodes sum their leaves.
    close(prob(&ev, "burglary"), P_BURGLARY_GIVEN_ALARM);
    // E(loss) = 1000 · P(burglary | alarm); before: 0.02 · 1000.
    close(
        ev.metrics().next().unwrap().expected,
        1000.0 * P_BURGLARY_GIVEN_ALARM,
    );
    close(ev.metrics().next().unwrap().prior.expect("a prior"), 20.0);
    // Conditioning by query on the unobserved tree gives the same numbers.
    let queried = alarm_text().replace(
        "  forecast p_burglary",
        "  forecast given = P(burglary | #alarm)\n  forecast loss_given = E(loss | #alarm)\n  forecast p_burglary",
    );
    let ev = eval(&queried);
    close(forecast(&ev, "given"), P_BURGLARY_GIVEN_ALARM);
    close(forecast(&ev, "loss_given"), 1000.0 * P_BURGLARY_GIVEN_ALARM);
}

#[test]
fn evidence_in_json_shows_prior_beside_posterior() {
    let doc = json(&alarm_observed(), &[]);
    let f = by_id(&doc["forecasts"], "p_burglary");
    close(num(&f["value"]), P_BURGLARY_GIVEN_ALARM);
    close(num(&f["prior_value"]), 0.02);
    let m = by_id(&doc["metrics"], "loss");
    close(num(&m["expected"]), 1000.0 * P_BURGLARY_GIVEN_ALARM);
    close(num(&m["prior_expected"]), 20.0);
    // Sorted by posterior: rings 0.6597, false_ring 0.3403, then the zeros in tree order.
    assert_eq!(
        path_ids(&doc),
        [
            "burglary.rings",
            "calm.false_ring",
            "burglary.quiet",
            "calm.silent"
        ]
    );
    let p = &doc["paths"];
    close(num(&p[0]["probability"]), 0.019 / 0.0288);
    close(num(&p[0]["prior_probability"]), 0.019); // 0.02 · 0.95
    close(num(&p[1]["probability"]), 0.0098 / 0.0288);
    close(num(&p[1]["prior_probability"]), 0.0098); // 0.98 · 0.01
    close(num(&p[2]["probability"]), 0.0);
    close(num(&p[2]["prior_probability"]), 0.001); // 0.02 · 0.05
    close(num(&p[3]["prior_probability"]), 0.9702); // 0.98 · 0.99
    close(num(&p[0]["metrics"]["loss"]), 1000.0);
    // Without evidence, no prior keys.
    let plain = json(&alarm_text(), &[]);
    assert!(plain["forecasts"][0].get("prior_value").is_none());
    assert!(plain["paths"][0].get("prior_probability").is_none());
    assert!(plain["metrics"][0].get("prior_expected").is_none());
}

#[test]
fn given_on_the_command_line_equals_observe() {
    let observed = json(&alarm_observed(), &[]);
    let given = json(&alarm_text(), &["--given", "#alarm"]);
    assert_eq!(observed, given);
    close(num(&given["forecasts"][0]["value"]), P_BURGLARY_GIVEN_ALARM);
    // A file path works the same as standard input.
    let file = fixture("alarm.scn");
    let file = file.to_str().expect("a UTF-8 path");
    let (code, out, err) = cli(&["eval", file, "--format", "json", "--given", "#alarm"], "");
    assert_eq!(code, Exit::Ok, "{err}");
    let from_file: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(from_file, given);
}

#[test]
fn several_observations_combine_with_and() {
    // Posterior over {a.b.cn 0.15, a.bn 0.3}: P(b) = 0.15 / 0.45 = 1/3; P(evidence) = 0.45.
    let both_in_file = PRECEDENCE.replace(
        "QUERIES",
        "observe a
         observe not c
         forecast pb = P(b)",
    );
    let ev = eval(&both_in_file);
    close(forecast(&ev, "pb"), 1.0 / 3.0);
    close(prior_forecast(&ev, "pb"), 0.2); // 0.5 · 0.4
    close(ev.evidence().expect("evidence"), 0.45);
    let one_and = PRECEDENCE.replace("QUERIES", "observe a and not c\n forecast pb = P(b)");
    close(forecast(&eval(&one_and), "pb"), 1.0 / 3.0);
    // One in the file, one on the command line.
    let one_in_file = PRECEDENCE.replace("QUERIES", "observe a\n forecast pb = P(b)");
    let doc = json(&one_in_file, &["--given", "not c"]);
    close(num(&doc["forecasts"][0]["value"]), 1.0 / 3.0);
    close(num(&doc["forecasts"][0]["prior_value"]), 0.2);
    // Both on the command line.
    let none = PRECEDENCE.replace("QUERIES", "forecast pb = P(b)");
    let doc = json(&none, &["--given", "a", "--given", "not c"]);
    close(num(&doc["forecasts"][0]["value"]), 1.0 / 3.0);
}

#[test]
fn impossible_evidence_is_an_error() {
    let src = "scenario s {\n  branch a p = 1\n  branch never p = 0\n  observe EVENT\n}\n";
    let err = fails(&src.replace("EVENT", "never"));
    assert_error_at(&err, 4, 11, &["evidence", "probability 0"]);
    let err = fails(&src.replace("EVENT", "a and never"));
    assert_error(&err, &["evidence", "probability 0"]);
    // Through --given: exit 1 and a diagnostic.
    let (code, _, err) = cli(
        &["eval", "-", "--given", "burglary and calm"],
        &alarm_text(),
    );
    assert_eq!(code, Exit::Invalid);
    assert!(
        err.contains("error:") && err.contains("probability 0"),
        "{err}"
    );
}

#[test]
fn evidence_below_a_decision_does_not_change_it() {
    let src = "scenario hindsight {
      metric v = 0
      objective maximize v
      option go {
        branch good p = 0.5 { v += 10 }
        branch bad p = rest { v -= 4 }
      }
      option stay { v += 2 }
      observe bad
      forecast p_bad = P(bad)
      forecast e_v = E(v)
    }";
    let ev = eval(src);
    // On the prior tree go is worth 0.5 · 10 + 0.5 · (−4) = 3 > stay's 2: go.
    // (With hindsight go would be worth −4 and stay would win; the spec forbids that.)
    assert_eq!(choice(&ev, 0), "go");
    close(option_values(&ev, 0)[0].1, 3.0);
    close(option_values(&ev, 0)[1].1, 2.0);
    // Forecasts are posterior: only go.bad is left.
    close(forecast(&ev, "p_bad"), 1.0);
    close(prior_forecast(&ev, "p_bad"), 0.5);
    close(forecast(&ev, "e_v"), -4.0);
    close(prior_forecast(&ev, "e_v"), 3.0); // 0.5 · 10 + 0.5 · (−4)
    close(prob(&ev, "stay"), 0.0);
    let doc = json(src, &[]);
    assert_eq!(doc["decisions"][0]["choice"], "go");
    close(num(&doc["decisions"][0]["values"]["go"]), 3.0);
    close(num(&doc["metrics"][0]["expected"]), -4.0);
    close(num(&doc["metrics"][0]["prior_expected"]), 3.0);
}

// ---------------------------------------------------------------------------------------
// Section 5: templates
// ---------------------------------------------------------------------------------------

#[test]
fn templates_from_transitive_imports_with_positional_named_and_default_arguments() {
    let ev = eval_file("templates.scn");
    // first (0.4): vote(0.25, 8): yes 0.25 → +8, no 0.75 → −(8 / 2) = −4.
    close(metric_at(&ev, "first.yes", "score"), 8.0);
    close(metric_at(&ev, "first.no", "score"), -4.0);
    close(forecast(&ev, "p_first_yes"), 0.1); // 0.4 · 0.25
    // second (0.35): vote(gain = 6, p_yes = 0.5, loss = 1): yes +6, no −1.
    close(metric_at(&ev, "second.yes", "score"), 6.0);
    close(metric_at(&ev, "second.no", "score"), -1.0);
    close(forecast(&ev, "p_second_yes"), 0.175); // 0.35 · 0.5
    // third (0.15): round(0.75) → coin(0.75): heads 0.75 → +1.
    close(forecast(&ev, "p_heads"), 0.1125); // 0.15 · 0.75
    close(metric_at(&ev, "third.heads", "score"), 1.0);
    close(metric_at(&ev, "third.tails", "score"), 0.0);
    // fourth (rest = 1 − 0.4 − 0.35 − 0.15 = 0.1): coin() with p_heads = 50%.
    close(cond(&ev, "fourth"), 0.1);
    close(forecast(&ev, "p_fourth_heads"), 0.05); // 0.1 · 0.5
    // E(score) = 0.4 · (0.25 · 8 − 0.75 · 4) + 0.35 · (0.5 · 6 − 0.5 · 1) + 0.15 · 0.75 + 0.1 · 0.5
    //          = 0.4 · (−1) + 0.35 · 2.5 + 0.1125 + 0.05 = −0.4 + 0.875 + 0.1625 = 0.6375.
    close(forecast(&ev, "e_score"), 0.6375);
    close(expected(&ev, "score"), 0.6375);
    // Labels come from the template.
    assert_eq!(
        ev.model().nodes[node(&ev, "first.yes") as usize].label(),
        "Yes"
    );
    // Parameters are lets of their own, one set per `use`.
    let params: Vec<&str> = ev
        .model()
        .lets
        .iter()
        .filter(|l| l.is_param)
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(
        params.iter().filter(|n| **n == "vote.gain").count(),
        2,
        "{params:?}"
    );
}

#[test]
fn the_same_template_under_two_parents_makes_an_ambiguous_bare_id() {
    let text = std::fs::read_to_string(fixture("templates.scn")).expect("fixture");
    let text = text.replace(
        "  forecast e_score",
        "  forecast p_yes = P(yes)\n  forecast e_score",
    );
    let err = fails(&text);
    assert_error(&err, &["`yes`", "ambiguous", "first.yes", "second.yes"]);
}

#[test]
fn template_parameters_shadow_scenario_lets_and_other_names_resolve_in_the_scenario() {
    let ev = eval(
        "template pick(chance, gain = bonus * 2) {
           branch hit p = chance { score += gain + bonus }
           branch miss p = rest
         }
         scenario sc {
           let chance = 0.9
           let bonus = 10
           metric score = 0
           branch left p = 0.5 { use pick(0.2) }
           branch right p = rest { use pick(chance, 1) }
           forecast e = E(score)
         }",
    );
    // left: the parameter chance = 0.2 (not the scenario's 0.9); gain = 10 · 2 = 20;
    //       hit adds 20 + 10 = 30.
    close(cond(&ev, "left.hit"), 0.2);
    close(metric_at(&ev, "left.hit", "score"), 30.0);
    // right: the argument `chance` is read where the `use` is: the scenario's 0.9; 1 + 10 = 11.
    close(cond(&ev, "right.hit"), 0.9);
    close(metric_at(&ev, "right.hit", "score"), 11.0);
    // E = 0.5 · 0.2 · 30 + 0.5 · 0.9 · 11 = 3 + 4.95.
    close(forecast(&ev, "e"), 7.95);
}

#[test]
fn a_library_reached_twice_is_loaded_once() {
    // templates.scn's library imports lib/base/coin.scn; importing it directly as well must
    // not define `coin` twice.
    let ev = eval(
        "import \"lib/base/coin.scn\"
         import \"lib/votes.scn\"
         scenario diamond {
           metric score = 0
           use coin(0.3)
         }",
    );
    close(expected(&ev, "score"), 0.3); // heads 0.3 → +1
}

#[test]
fn template_argument_errors() {
    let head = "import \"lib/votes.scn\"\nscenario s {\n  metric score = 0\n  use USE\n}\n";
    let err = fails(&head.replace("USE", "vote(0.1, 2, 1, 5)"));
    assert_error_at(&err, 4, 23, &["`vote`", "3 arguments", "got 4"]);
    let err = fails(&head.replace("USE", "vote(p_yes = 0.1, gian = 2)"));
    assert_error_at(&err, 4, 25, &["`vote`", "no parameter `gian`"]);
    let err = fails(&head.replace("USE", "vote(gain = 2)"));
    assert_error_at(&err, 4, 7, &["`vote`", "`p_yes`"]);
    let err = fails(&head.replace("USE", "vot(0.5)"));
    assert_error_at(
        &err,
        4,
        7,
        &["unknown template `vot`", "did you mean `vote`"],
    );
    // A template is visible only through imports.
    let err = fails("scenario s {\n  metric score = 0\n  use coin()\n}\n");
    assert_error_at(&err, 3, 7, &["unknown template `coin`"]);
}

#[test]
fn a_template_that_uses_itself_is_an_error_naming_the_chain() {
    let err = fails(
        "template ping() {
  branch x p = 1 {
    use pong()
  }
}
template pong() {
  use ping()
}
scenario s {
  use ping()
}
",
    );
    assert_error_at(&err, 7, 7, &["`ping`", "ping → pong → ping"]);
    let err = fails("template me() {\n  use me()\n}\nscenario s {\n  use me()\n}\n");
    assert_error_at(&err, 2, 7, &["`me`", "me → me"]);
}

#[test]
fn import_errors() {
    // A cycle names its chain.
    let err = fails("import \"cycle/a.scn\"\nscenario s {\n  use from_a()\n}\n");
    assert!(err.contains("import cycle"), "{err}");
    let chain = err
        .lines()
        .find(|l| l.contains("import cycle"))
        .expect("the cycle line");
    let after = chain.split("import cycle: ").nth(1).expect("a chain");
    // The header ends with the diagnostic's code.
    let after = after.strip_suffix(" [import]").expect("the import code");
    let files: Vec<&str> = after.split(" → ").collect();
    assert_eq!(files.len(), 3, "{chain}");
    assert!(
        files[0].ends_with("cycle/a.scn") && files[1].ends_with("cycle/b.scn"),
        "{chain}"
    );
    assert!(files[2].ends_with("cycle/a.scn"), "{chain}");
    // A missing file is an error at the import's string.
    let err = fails("import \"lib/nope.scn\"\nscenario s {\n  branch a p = 1\n}\n");
    assert_error_at(&err, 1, 8, &["cannot import `lib/nope.scn`"]);
}

// ---------------------------------------------------------------------------------------
// Section 4: names
// ---------------------------------------------------------------------------------------

#[test]
fn name_rules() {
    // A let may use only the lets above it.
    let err = fails("scenario s {\n  let total = part * 2\n  let part = 0.25\n}\n");
    assert_error_at(&err, 2, 15, &["`part`", "declared below"]);
    // One namespace for lets, metrics, forecasts and sources.
    for (first, second) in [
        ("let x = 1", "metric x = 0"),
        ("metric x = 0", "forecast x = 1"),
        ("forecast x = 1", "source x \"A report\""),
        ("source x \"A report\"", "let x = 1"),
    ] {
        let err = fails(&format!("scenario s {{\n  {first}\n  {second}\n}}\n"));
        assert_error(&err, &["`x`", "already declared"]);
    }
    // A metric outside E(…) in a forecast or expect.
    let err = fails("scenario s {\n  metric cost = 0\n  forecast f = cost + 1\n}\n");
    assert_error_at(&err, 3, 16, &["`cost`", "E(cost)"]);
    let err = fails("scenario s {\n  metric cost = 0\n  expect cost in 0 .. 1\n}\n");
    assert_error_at(&err, 3, 10, &["`cost`", "E(cost)"]);
    // A metric in a probability.
    let err =
        fails("scenario s {\n  metric share = 0.5\n  branch a p = share\n  branch b p = rest\n}\n");
    assert_error_at(&err, 3, 16, &["`share`"]);
    // A forecast may use the forecasts above it, not those below.
    let err = fails("scenario s {\n  forecast twice = once * 2\n  forecast once = 0.5\n}\n");
    assert_error_at(&err, 2, 20, &["`once`", "below"]);
    // Unknown names suggest the closest one.
    let err = fails("scenario s {\n  let rate = 0.5\n  branch a p = rat\n  branch b p = rest\n}\n");
    assert_error_at(&err, 3, 16, &["unknown name `rat`", "did you mean `rate`"]);
    // An effect needs a metric.
    let err = fails("scenario s {\n  let budget = 1\n  branch a p = 1 { budget += 1 }\n}\n");
    assert_error_at(&err, 3, 20, &["`budget`"]);
}

#[test]
fn forecasts_and_expects_use_lets_and_earlier_forecasts() {
    let ev = eval(
        "scenario s {
           let weight = 3
           branch a p = 0.2
           branch b p = rest
           forecast pa = P(a)
           forecast weighted = pa * weight + P(b)
           expect weighted in 1.39 .. 1.41
           expect pa + weighted in 1.6 .. 1.61
         }",
    );
    close(forecast(&ev, "weighted"), 1.4); // 0.2 · 3 + 0.8
    let expects: Vec<_> = ev.expectations().map(|(_, o)| o).collect();
    close(expects[0].value.unwrap(), 1.4);
    close(expects[1].value.unwrap(), 1.6); // 0.2 + 1.4
    assert!(expects[1].holds);
}

// ---------------------------------------------------------------------------------------
// Section 9: built-in plugins
// ---------------------------------------------------------------------------------------

#[test]
fn builtin_plugins_give_probabilities() {
    let ev = eval(
        "plugin odds
         plugin pool
         plugin hazard
         scenario pl {
           branch a p = odds.to_p(3) {
             branch a1 p = pool.geo_odds(0.5, 0.8)
             branch a2 p = rest
           }
           branch b p = rest {
             branch b1 p = hazard.within(0.5, 2)
             branch b2 p = rest
           }
           forecast f_odds = odds.of(0.75)
           forecast f_rate = hazard.rate(0.5, 2)
           forecast f_median = pool.median(0.6, 0.1, 0.2, 0.3)
           forecast f_mean = pool.mean(0.1, 0.2, 0.6)
           forecast f_ext = pool.extremize(0.75, 2)
           forecast f_logit = odds.logit(0.75)
           forecast f_expit = odds.expit(0)
         }",
    );
    close(cond(&ev, "a"), 0.75); // 3 / (1 + 3)
    // Odds 1 and 4; their geometric mean is 2, so p = 2 / (1 + 2).
    close(cond(&ev, "a.a1"), 2.0 / 3.0);
    close(prior(&ev, "a.a1"), 0.5); // 0.75 · 2/3
    close(cond(&ev, "b.b1"), 1.0 - E.recip()); // 1 − e^(−0.5 · 2)
    close(prior(&ev, "b.b1"), 0.25 * (1.0 - E.recip()));
    close(forecast(&ev, "f_odds"), 3.0); // 0.75 / 0.25
    close(forecast(&ev, "f_rate"), LN_2 / 2.0); // −ln(1 − 0.5) / 2
    close(forecast(&ev, "f_median"), 0.25); // sorted 0.1 0.2 0.3 0.6: (0.2 + 0.3) / 2
    close(forecast(&ev, "f_mean"), 0.3); // 0.9 / 3
    close(forecast(&ev, "f_ext"), 0.9); // 0.5625 / (0.5625 + 0.0625)
    close(forecast(&ev, "f_logit"), 3f64.ln()); // ln(0.75 / 0.25)
    close(forecast(&ev, "f_expit"), 0.5); // 1 / (1 + e⁰)
}

#[test]
fn a_plugin_needs_its_plugin_line_and_a_valid_domain() {
    let err = fails("scenario s {\n  branch a p = odds.to_p(3)\n  branch b p = rest\n}\n");
    assert_error_at(&err, 2, 16, &["`odds`", "not enabled"]);
    let err =
        fails("plugin odds\nscenario s {\n  branch a p = odds.of(1.5)\n  branch b p = rest\n}\n");
    assert_error_at(&err, 3, 16, &["odds.of", "1.5"]);
}

// ---------------------------------------------------------------------------------------
// Section 10: `scn test` and `scn check`
// ---------------------------------------------------------------------------------------

fn fixture_arg(rel: &str) -> String {
    fixture(rel).to_str().expect("a UTF-8 path").to_owned()
}

#[test]
fn scn_test_exit_codes() {
    // All hold (a templates-only file alongside is skipped): 0.
    let (code, out, err) = cli(&["test", &fixture_arg("test-pass")], "");
    assert_eq!(code, Exit::Ok, "{out}{err}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
    // One fails: 3, with `FILE:LINE:COL` of the `expect` (line 5, column 3), value and bounds.
    let (code, out, _) = cli(&["test", &fixture_arg("test-fail")], "");
    assert_eq!(code, Exit::Failed, "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("expectation failed"))
        .expect("a failure line");
    let want = format!(
        "{}:5:3: expectation failed",
        fixture_arg("test-fail/fail.scn")
    );
    assert!(
        line.starts_with(&want),
        "{line:?} should start with {want:?}"
    );
    assert!(
        out.contains("0.7") && out.contains("0.1 .. 0.2"),
        "P(b) = 1 − 0.3 = 0.7:\n{out}"
    );
    // An invalid file outranks a failed expectation: 1.
    let (code, out, err) = cli(&["test", &fixture_arg("test-invalid")], "");
    assert_eq!(code, Exit::Invalid, "{out}{err}");
    assert!(err.contains("sum to 0.6"), "0.3 + 0.3 = 0.6:\n{err}");
}

#[test]
fn scn_check_exits_1_on_a_semantic_error_and_0_on_a_valid_file() {
    let (code, _, err) = cli(
        &["check", "-"],
        "scenario s { branch a p = 0.5 branch b p = 0.3 }",
    );
    assert_eq!(code, Exit::Invalid);
    assert!(err.starts_with("<stdin>:1:"), "{err}");
    let (code, _, err) = cli(&["check", &fixture_arg("templates.scn")], "");
    assert_eq!(code, Exit::Ok, "{err}");
    // Found only by running the point evaluation: P(b) = 0 under `|`.
    let (code, _, err) = cli(
        &["check", "-"],
        "scenario s { branch a p = 1 branch b p = 0 forecast f = P(a | b) }",
    );
    assert_eq!(code, Exit::Invalid, "{err}");
}

// ---------------------------------------------------------------------------------------
// Section 11: the JSON report
// ---------------------------------------------------------------------------------------

#[test]
fn json_has_every_contract_key() {
    let doc = json(
        "scenario plain {
           metric m = 1
           branch a p = 0.5 { m += 1 }
           branch b p = rest
           forecast pa = P(a)
         }",
        &[],
    );
    for key in [
        "scenario",
        "forecasts",
        "paths",
        "metrics",
        "decisions",
        "warnings",
    ] {
        assert!(doc.get(key).is_some(), "no `{key}` in {doc}");
    }
    assert_eq!(doc["scenario"]["id"], "plain");
    assert_eq!(doc["scenario"]["title"], "plain"); // defaults to the id
    let f = &doc["forecasts"][0];
    assert_eq!(f["id"], "pa");
    assert!(f.get("label").is_some());
    close(num(&f["value"]), 0.5);
    assert!(f["samples"].is_null());
    // Tie at 0.5: tree order.
    assert_eq!(path_ids(&doc), ["a", "b"]);
    let p = &doc["paths"][0];
    assert_eq!(p["labels"], serde_json::json!(["a"])); // labels default to ids
    close(num(&p["probability"]), 0.5);
    assert!(p["date"].is_null()); // undated
    close(num(&p["metrics"]["m"]), 2.0); // 1 + 1
    let m = &doc["metrics"][0];
    assert_eq!(m["id"], "m");
    close(num(&m["expected"]), 1.5); // 0.5 · 2 + 0.5 · 1
    assert!(m["samples"].is_null());
    assert_eq!(doc["decisions"], serde_json::json!([]));
    assert_eq!(doc["warnings"], serde_json::json!([]));
}

#[test]
fn json_paths_sort_by_probability_with_ties_in_tree_order_and_dates_are_iso() {
    let doc = json(
        "scenario sorted \"Sorted paths\" {
           as_of 2026-01-01
           branch a \"First\" p = 0.2 at 2026-02
           branch b p = 0.5 {
             branch b1 p = 0.5 at 2027
             branch b2 p = rest after 2w
           }
           branch c p = rest at 2026-07-04 {
             branch c1 p = 0.25
             branch c2 p = 0.25
             branch c3 p = rest
           }
         }",
        &[],
    );
    assert_eq!(doc["scenario"]["title"], "Sorted paths");
    // b.b1 = b.b2 = 0.5 · 0.5 = 0.25; a = 0.2; c = 1 − 0.7 = 0.3: c.c3 = 0.3 · 0.5 = 0.15,
    // c.c1 = c.c2 = 0.3 · 0.25 = 0.075. Ties keep tree order.
    assert_eq!(
        path_ids(&doc),
        ["b.b1", "b.b2", "a", "c.c3", "c.c1", "c.c2"]
    );
    let path = |id: &str| by_id(&doc["paths"], id).clone();
    assert_eq!(path("a")["labels"], serde_json::json!(["First"]));
    assert_eq!(path("b.b1")["labels"], serde_json::json!(["b", "b1"]));
    assert_eq!(path("a")["date"], "2026-02-28");
    assert_eq!(path("b.b1")["date"], "2027-12-31");
    assert_eq!(path("b.b2")["date"], "2026-01-15"); // b inherits 2026-01-01; + 14 days
    assert_eq!(path("c.c1")["date"], "2026-07-04");
    close(num(&path("b.b1")["probability"]), 0.25);
    close(num(&path("c.c1")["probability"]), 0.075); // 0.3 · 0.25
}

/// Writes a branch named `id` and its subtree; leaves set `number` to their number in tree
/// order, every branch adds one to `depth`. Returns nothing; counts leaves in `leaves`.
fn deep_branch(out: &mut String, id: &str, p: &str, depth: usize, leaves: &mut usize) {
    let pad = "  ".repeat(depth + 1);
    out.push_str(&format!(
        "{pad}branch {id} \"L{id}\" p = {p} {{\n{pad}  depth += 1\n"
    ));
    // Uneven: the first child is always a leaf, the others go deeper, down to five levels.
    let children = if depth >= 5 { 0 } else { 2 + depth % 3 };
    if children == 0 {
        *leaves += 1;
        out.push_str(&format!("{pad}  number = {leaves}\n"));
    }
    for k in 0..children {
        let p = if k + 1 == children {
            "rest".to_owned()
        } else {
            format!("{}%", 10 + 7 * k)
        };
        let child = format!("{id}_{k}");
        if k == 0 {
            *leaves += 1;
            out.push_str(&format!(
                "{pad}  branch {child} \"L{child}\" p = {p} {{\n{pad}    depth += 1\n{pad}    number = {leaves}\n{pad}  }}\n"
            ));
        } else {
            deep_branch(out, &child, &p, depth + 1, leaves);
        }
    }
    out.push_str(&format!("{pad}}}\n"));
}

#[test]
fn json_paths_each_carry_their_own_ids_labels_and_metrics() {
    // More leaves than the report walks at once (16), at depths 2 to 6 and in an order of
    // probability that jumps across the tree, so that a path mixed up with another in its
    // batch, or cut short, shows in its id, labels or metrics.
    let mut src = String::from("scenario s \"S\" {\n  metric depth = 0\n  metric number = 0\n");
    let mut leaves = 0;
    deep_branch(&mut src, "a", "35%", 0, &mut leaves);
    deep_branch(&mut src, "b", "rest", 0, &mut leaves);
    src.push_str("}\n");
    assert!(leaves > 48, "only {leaves} leaves");

    let doc = json(&src, &[]);
    let paths = doc["paths"].as_array().expect("paths");
    assert_eq!(paths.len(), leaves);
    let mut numbers = Vec::new();
    let mut last = f64::INFINITY;
    for p in paths {
        let id = p["id"].as_str().expect("an id");
        let parts: Vec<&str> = id.split('.').collect();
        // Each step's id extends its parent's, so the path is the chain of prefixes.
        for pair in parts.windows(2) {
            assert!(pair[1].starts_with(&format!("{}_", pair[0])), "{id}");
        }
        let labels: Vec<String> = p["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|l| l.as_str().expect("a label").to_owned())
            .collect();
        let expected: Vec<String> = parts.iter().map(|s| format!("L{s}")).collect();
        assert_eq!(labels, expected, "{id}");
        close(num(&p["metrics"]["depth"]), parts.len() as f64);
        numbers.push(num(&p["metrics"]["number"]) as usize);
        let probability = num(&p["probability"]);
        assert!(probability <= last, "{id} out of order");
        last = probability;
    }
    // Every leaf's own number, once each.
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=leaves).collect::<Vec<_>>());
}

/// A probability never passes 1: every leaf is tagged `#t`, so given `observe #t` the
/// posterior weights sum to 1, but summed in floating point 0.35·0.1 + 0.35·0.9 +
/// 0.65·0.05 + 0.65·0.95 is 1.0000000000000002, which `expect P(#t) in 0 .. 1` failed on.
/// Conditional probabilities are held likewise, their numerator's leaves being among the
/// condition's.
#[test]
fn probabilities_never_pass_one_by_rounding() {
    let src = "scenario s {
  branch b1 p = 0.35 #t {
    branch b2 p = 0.1
    branch b3 p = rest
  }
  branch b4 p = rest #t {
    branch b5 p = 0.05
    branch b6 p = rest
  }
  observe #t
  forecast all = P(#t)
  forecast given = P(#t | b1 or b4)
  expect P(#t) in 0 .. 1
}
";
    let ev = eval(src);
    assert_eq!(forecast(&ev, "all"), 1.0);
    assert_eq!(forecast(&ev, "given"), 1.0);
    assert!(ev.expectations().all(|(_, o)| o.holds));
    let samples = scn_eval::sample(
        &ev,
        &scn_eval::SampleOptions {
            samples: 100,
            seed: 1,
            ..Default::default()
        },
    )
    .expect("samples");
    for f in &samples.forecasts {
        let s = f.summary.as_ref().expect("a summary");
        assert_eq!((s.mean, s.p95), (1.0, 1.0));
    }
}
