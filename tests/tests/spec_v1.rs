//! What spec v1 added, end to end through the CLI, against values computed by hand: math
//! functions, weighted summaries in the JSON report, which figure reports for people lead
//! with, and the fixes that came with them.

use scn_cli::Exit;
use serde_json::Value;

fn cli_in(dir: Option<&std::path::Path>, args: &[&str], stdin: &str) -> (Exit, String, String) {
    let mut input = stdin.as_bytes();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = scn_cli::Io {
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
    };
    let mut run = || scn_cli::run(std::iter::once("scn").chain(args.iter().copied()), &mut io);
    // The working directory is the process's, and standard input finds its scn.toml there:
    // every run holds the lock, or one test's `[defaults] format = "json"` reaches another's
    // report for people while it is in that folder.
    let _guard = CWD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let code = match dir {
        Some(d) => {
            let before = std::env::current_dir().expect("a working directory");
            std::env::set_current_dir(d).expect("cd");
            let code = run();
            std::env::set_current_dir(before).expect("cd back");
            code
        }
        None => run(),
    };
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (code, text(out), text(err))
}

static CWD: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn cli(args: &[&str], stdin: &str) -> (Exit, String, String) {
    cli_in(None, args, stdin)
}

#[track_caller]
fn json(src: &str, extra: &[&str]) -> Value {
    let mut args = vec!["eval", "-", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = cli(&args, src);
    assert_eq!(code, Exit::Ok, "stderr:\n{err}");
    serde_json::from_str(&out).expect("the report is JSON")
}

#[track_caller]
fn forecast<'v>(doc: &'v Value, id: &str) -> &'v Value {
    doc["forecasts"]
        .as_array()
        .expect("forecasts")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no forecast `{id}`"))
}

#[track_caller]
fn close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} is not within {tol} of {expected}"
    );
}

#[test]
fn math_functions_by_hand() {
    let doc = json(
        "scenario maths {
           metric gain = 0
           let price = uniform(50, 150)
           let strike = 100
           branch up p = 0.5 { gain += max(0, price - strike) }
           branch flat p = rest { gain += min(10, abs(-4)) + sqrt(9) }
           forecast intrinsic = max(0, price - strike)
           forecast rounding = round(-2.5) + round(2.5) + floor(2.7) + ceil(-0.5)
           forecast logs = ln(exp(2)) + log10(1000) + clamp(5, 0, 1) + clamp(-5, 0, 1)
           forecast spread = max(1, 7, 3) - min(4, -2, 9)
           forecast ev = E(gain)
         }",
        &["--samples", "100000", "--seed", "2"],
    );
    let value = |id: &str| forecast(&doc, id)["value"].as_f64().expect("a value");
    // At the inputs' means price = 100: max(0, 0) = 0.
    assert_eq!(value("intrinsic"), 0.0);
    // −3 + 3 + 2 + (−0) = 2.
    assert_eq!(value("rounding"), 2.0);
    // 2 + 3 + 1 + 0.
    assert_eq!(value("logs"), 6.0);
    assert_eq!(value("spread"), 9.0);
    // up: max(0, 0) = 0; flat: min(10, 4) + 3 = 7. E = 0.5 · 0 + 0.5 · 7.
    assert_eq!(value("ev"), 3.5);
    // Sampled, price ~ U(50, 150): E[max(0, price − 100)] = ∫₁₀₀¹⁵⁰ (u − 100) du / 100 = 12.5;
    // sd² = E[X²] − 12.5² = (50³ / 3) / 100 − 156.25 = 260.42.
    let s = &forecast(&doc, "intrinsic")["samples"];
    let se = (260.42f64 / 100_000.0).sqrt();
    close(s["mean"].as_f64().unwrap(), 12.5, 4.0 * se);
    // E(gain) = 0.5 · 12.5 + 0.5 · 7 = 9.75: the payoff is convex in the price.
    close(
        forecast(&doc, "ev")["samples"]["mean"].as_f64().unwrap(),
        9.75,
        4.0 * se,
    );
}

#[test]
fn weighted_summaries_carry_ess_and_their_own_n() {
    // A coin of unknown bias, tossed twice; h1 observed in `second`'s condition only.
    let doc = json(
        "scenario coin {
           let w = beta(1, 1)
           branch h1 p = w { branch h2 p = w branch t2 p = rest }
           branch t1 p = rest
           forecast again = P(h2 | h1)
           forecast first = P(h1)
         }",
        &["--samples", "20000", "--seed", "9"],
    );
    let again = &forecast(&doc, "again")["samples"];
    let first = &forecast(&doc, "first")["samples"];
    // ess / N = E[w]² / E[w²] = 3/4.
    close(again["ess"].as_f64().unwrap(), 15_000.0, 300.0);
    assert_eq!(again["n"], 20_000);
    assert!(first.get("ess").is_none(), "{first}");
    assert!(first.get("dropped").is_none(), "{first}");
    assert_eq!(doc["sampling"]["ess"], Value::Null);

    // Under evidence every summary is weighted, and the sampling object carries the
    // evidence's ess: weights P(h1) = w again.
    let doc = json(
        "scenario coin {
           let w = beta(1, 1)
           branch h1 p = w { branch h2 p = w branch t2 p = rest }
           branch t1 p = rest
           observe h1
           forecast again = P(h2)
         }",
        &["--samples", "20000", "--seed", "9"],
    );
    close(doc["sampling"]["ess"].as_f64().unwrap(), 15_000.0, 300.0);
    let again = &forecast(&doc, "again")["samples"];
    close(again["mean"].as_f64().unwrap(), 2.0 / 3.0, 0.01);
    assert!(again["ess"].is_number());
}

#[test]
fn a_forecast_that_is_a_conditional_forecast_is_weighted_like_it() {
    // E[w²] / E[w] = 2/3 for the alias and the parenthesised query; arithmetic on the
    // query is summarised sample by sample: E[w / w] = 1/2 for the ratio written out.
    let doc = json(
        "scenario coin {
           let w = beta(1, 1)
           branch h1 p = w { branch h2 p = w branch t2 p = rest }
           branch t1 p = rest
           forecast again = P(h2 | h1)
           forecast alias = again
           forecast inner = (P(h2 | h1))
           forecast ratio = P(h2 and h1) / P(h1)
         }",
        &["--samples", "20000", "--seed", "9"],
    );
    let mean = |id: &str| forecast(&doc, id)["samples"]["mean"].as_f64().unwrap();
    close(mean("again"), 2.0 / 3.0, 0.01);
    assert_eq!(mean("alias"), mean("again"));
    assert_eq!(mean("inner"), mean("again"));
    assert!(forecast(&doc, "alias")["samples"]["ess"].is_number());
    // sd of U(0, 1) is 0.289: four standard errors at n = 20000 are 0.008.
    close(mean("ratio"), 0.5, 0.01);
    assert!(forecast(&doc, "ratio")["samples"].get("ess").is_none());
}

#[test]
fn a_condition_impossible_in_every_sample_leaves_no_summary_and_says_so() {
    // At the inputs' means u = 0.5 and P(a) = 1; in every sample u is not a half-integer
    // and P(a) = 0. The point value stands; nothing sampled does.
    let src = "scenario z {
           let u = uniform(0, 1)
           metric m = 1
           branch a p = 1 - (ceil(u - 0.5) - floor(u - 0.5)) { branch a1 p = 0.3 branch a2 p = rest }
           branch b p = rest
           forecast c = P(a1 | a)
         }";
    let doc = json(src, &["--samples", "2000", "--seed", "1"]);
    let c = forecast(&doc, "c");
    assert_eq!(c["value"].as_f64(), Some(0.3));
    assert_eq!(c["samples"], Value::Null);
    let warnings = doc["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w.as_str().unwrap()
            == "the forecast `c` has no sampled value: its condition had probability 0 in all 2000 samples"),
        "{warnings:?}"
    );
    // A report for people does not put the point value under its sampled means.
    let (code, out, err) = cli(&["eval", "-", "--samples", "2000", "--seed", "1"], src);
    assert_eq!(code, Exit::Ok, "{err}");
    let bottom = out
        .lines()
        .skip_while(|l| !l.starts_with("Bottom line (sampled means)"))
        .nth(1)
        .expect("a bottom line");
    assert_eq!(
        bottom.split_whitespace().collect::<Vec<_>>(),
        ["undefined", "c"]
    );
    assert!(
        out.contains("undefined in every sample · at the inputs' means 30%"),
        "{out}"
    );
}

#[test]
fn computed_assumptions_say_their_spread_is_before_the_evidence() {
    // v's sampled interval is u's prior spread; the forecast of v is the posterior one.
    let src = "scenario s {
  let u = uniform(0, 1)
  let v = u * 1
  branch a p = v ^ 4
  branch b p = rest
  observe a
  forecast fv = v
}";
    let (code, out, err) = cli(&["eval", "-", "--samples", "2000", "--seed", "1"], src);
    assert_eq!(code, Exit::Ok, "{err}");
    assert!(
        out.contains("(sampled intervals from 2000 samples, before the evidence)"),
        "{out}"
    );
    let without = src.replace("  observe a\n", "");
    let (_, out, _) = cli(&["eval", "-", "--samples", "2000", "--seed", "1"], &without);
    assert!(
        out.contains("(sampled intervals from 2000 samples)"),
        "{out}"
    );
}

#[test]
fn a_forecast_undefined_in_some_samples_reports_what_it_lost() {
    let doc = json(
        "scenario drops {
           let q = uniform(-0.6, 1)
           branch b p = q { branch x p = 0.5 branch y p = rest }
           branch c p = rest
           forecast pb = P(b)
           forecast twice = 2 * P(x | b)
         }",
        &["--samples", "16000", "--seed", "4"],
    );
    assert_eq!(forecast(&doc, "pb")["samples"]["n"], 16_000);
    let twice = &forecast(&doc, "twice")["samples"];
    let (n, dropped) = (
        twice["n"].as_u64().unwrap(),
        twice["dropped"].as_u64().unwrap(),
    );
    assert_eq!(n + dropped, 16_000);
    // P(q < 0) = 0.6 / 1.6 = 0.375.
    close(
        dropped as f64 / 16_000.0,
        0.375,
        4.0 * (0.375f64 * 0.625 / 16_000.0).sqrt(),
    );
    let warnings = doc["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("`twice` was undefined in")),
        "{warnings:?}"
    );
}

#[test]
fn reports_for_people_lead_with_the_sampled_mean_and_say_when_it_parts_from_the_point() {
    let src = "scenario convex {
       let price = uniform(50, 150)
       forecast intrinsic \"Option value\" = max(0, price - 100)
       forecast level = price
       branch a p = 0.5
       branch b p = rest
     }";
    let (code, text, _) = cli(&["eval", "-", "--samples", "20000"], src);
    assert_eq!(code, Exit::Ok);
    // The sampled mean (≈ 12.5) leads; the point value 0 is labelled.
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("intrinsic") && l.contains("Option value"))
        .expect("the forecast's line");
    assert!(line.contains("12."), "{line}");
    assert!(text.contains("at the inputs' means 0"), "{text}");
    // `level` is linear in its input: no note names it.
    let note = text
        .lines()
        .find(|l| l.contains("note:"))
        .expect("a non-linearity note");
    assert!(
        note.contains("`intrinsic`") && !note.contains("`level`"),
        "{note}"
    );

    let (_, md, _) = cli(
        &["eval", "-", "--samples", "20000", "--format", "markdown"],
        src,
    );
    assert!(
        md.contains("| Forecast | Sampled mean | In words | 90% interval | At the inputs' means |")
    );
    assert!(
        md.contains("_Note: `intrinsic` depends non-linearly"),
        "{md}"
    );
    let (_, html, _) = cli(
        &["eval", "-", "--samples", "20000", "--format", "html"],
        src,
    );
    assert!(html.contains("at the inputs&#39;") || html.contains("at the inputs' means"));
    assert!(html.contains("depends non-linearly"));

    // Without samples the point value leads, unlabelled, and there is no note.
    let (_, text, _) = cli(&["eval", "-"], src);
    assert!(!text.contains("at the inputs' means") && !text.contains("note:"));
}

#[test]
fn json_has_no_negative_zero() {
    // An empty sum, a negated zero and a product with −0 all print as 0.
    let doc = json(
        "scenario zeros {
           metric m = -0
           branch a p = 1 { m *= -1 }
           branch b p = 0
           forecast none = P(b and a)
           forecast neg = -0
         }",
        &[],
    );
    let text = doc.to_string();
    assert!(!text.contains("-0.0") && !text.contains("\"-0\""), "{text}");
}

#[test]
fn a_spread_of_rounding_noise_reads_as_zero() {
    // P(x | b) is 0.3 in every sample, computed as a ratio whose rounding varies.
    let src = "scenario noise {
       let q = uniform(0.2, 0.9)
       branch b p = q { branch x p = 0.3 branch y p = rest }
       branch c p = rest
       forecast xb = P(x | b)
     }";
    let (_, text, _) = cli(&["eval", "-", "--samples", "5000"], src);
    // Its 90% interval is one value, not a range between two readings of 30%.
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("90% "))
        .expect("a sampled line");
    assert!(line.trim_start().starts_with("90% 30% ·"), "{line}");
    let (_, json, _) = cli(&["eval", "-", "--samples", "5000", "--format", "json"], src);
    assert!(json.contains("\"sd\": 0.0"), "{json}");
}

#[test]
fn a_bare_file_name_finds_the_manifest_beside_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("scn.toml"),
        "[defaults]\nsamples = 500\nseed = 3\nformat = \"json\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("coup.scn"),
        "scenario coup { let p = beta(2, 2) branch a p = p branch b p = rest forecast f = P(a) }",
    )
    .unwrap();
    let (code, out, err) = cli_in(Some(dir.path()), &["eval", "coup.scn"], "");
    assert_eq!(code, Exit::Ok, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("[defaults] format = json");
    assert_eq!(doc["sampling"]["requested"], 500);
}

#[test]
fn scn_test_does_not_count_a_file_that_fails_to_parse_as_a_scenario() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("broken-library.scn"),
        "template t( { branch a p = 1 }",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("good.scn"),
        "scenario good { branch a p = 1 expect P(a) in 1 .. 1 }",
    )
    .unwrap();
    let (code, out, _) = cli(&["test", dir.path().to_str().unwrap()], "");
    assert_eq!(code, Exit::Invalid);
    assert!(
        out.contains(
            "scn test: 1 scenario in 2 files; expectations: 1 passed, 0 failed; 1 invalid"
        ),
        "{out}"
    );
}
