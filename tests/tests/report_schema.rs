//! The JSON Schema of `docs/reference/report.schema.json` describes what `scn eval --format
//! json` really prints: real reports of the bundled library and of small scenarios that
//! reach every optional key (evidence, decisions, undefined forecasts, Monte Carlo) are
//! validated against it, and documents that break it are rejected.

use std::path::{Path, PathBuf};

use scn_cli::{Exit, Io};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/reference/report.schema.json"))
        .expect("the schema exists");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

/// `scn eval ARGS --format json`, with `stdin` for `-`.
fn report(args: &[&str], stdin: &str) -> Value {
    let mut input = stdin.as_bytes();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut input,
        stdout: &mut out,
        stderr: &mut err,
    };
    let argv = ["scn", "eval"]
        .into_iter()
        .chain(args.iter().copied())
        .chain(["--format", "json"]);
    let code = scn_cli::run(argv, &mut io);
    assert_eq!(
        code,
        Exit::Ok,
        "scn eval {args:?}: {}",
        String::from_utf8_lossy(&err)
    );
    serde_json::from_slice(&out).expect("the report is JSON")
}

/// The schema's complaints about a document, one per line.
fn complaints(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(v: &jsonschema::Validator, what: &str, doc: &Value) {
    let errors = complaints(v, doc);
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{}",
        errors.join("\n")
    );
}

/// Every `.scn` file of the bundled library that holds a scenario.
fn library_scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("scenarios")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable folder") {
            let p = entry.expect("an entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "scn")
                && std::fs::read_to_string(&p)
                    .expect("UTF-8")
                    .lines()
                    .any(|l| l.starts_with("scenario "))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 5, "the library has scenarios: {out:?}");
    out
}

/// Reaches the optional keys: evidence, options, an undefined forecast under `--given`,
/// an `expect`, units and dates.
const EVERYTHING: &str = r#"scenario everything "Every key" {
  as_of 2026-01-01
  horizon 2027
  author "Tests"
  description "Reaches every optional key of the report"
  let w = beta(2, 2)
  metric v "Value" unit "EUR" = 10
  objective maximize v
  branch a "A" p = w at 2026-03 #t {
    option keep { v += 1 }
    option sell {
      branch up p = w { v += 5 }
      branch down p = rest { v -= 5 }
    }
  }
  branch b p = rest after 1mo {
    branch b1 p = 30% #t
    branch b2 p = rest
  }
  forecast p_t "Tagged" = P(#t by 2026-06)
  forecast up_given_a = P(up | a)
  forecast ratio = E(v | b) / E(v)
  expect P(#t) in 0 .. 1
}
"#;

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(jsonschema::draft202012::meta::is_valid(&s));
}

#[test]
fn reports_without_samples_match_the_schema() {
    let v = validator();
    for path in library_scenarios() {
        let file = path.to_str().expect("a UTF-8 path");
        assert_valid(&v, file, &report(&[file], ""));
    }
    assert_valid(&v, "everything", &report(&["-"], EVERYTHING));
    // Evidence from the command line, one forecast undefined under it (P(a) = 0).
    let doc = report(&["-", "--given", "b"], EVERYTHING);
    assert_eq!(doc["forecasts"][1]["value"], Value::Null, "{doc:#}");
    assert_valid(&v, "everything --given b", &doc);
    let doc = report(&["-", "--given", "a and not up"], EVERYTHING);
    assert!(doc["evidence"]["probability"].is_number(), "{doc:#}");
    assert_valid(&v, "everything --given", &doc);
}

/// Fails until the evaluator writes the v1 keys: `sampling` as {requested, kept, adjusted,
/// dropped, impossible_evidence, ess}, and `ess` on weighted summaries.
#[test]
fn sampled_reports_match_the_schema() {
    let v = validator();
    for path in library_scenarios() {
        let file = path.to_str().expect("a UTF-8 path");
        assert_valid(
            &v,
            &format!("{file} --samples 500"),
            &report(&[file, "--samples", "500"], ""),
        );
    }
    let doc = report(&["-", "--samples", "2000"], EVERYTHING);
    assert_valid(&v, "everything --samples", &doc);
    assert_eq!(doc["sampling"]["ess"], Value::Null, "no evidence: {doc:#}");
    // A conditional forecast is a weighted summary: it carries `ess`.
    assert!(doc["forecasts"][1]["samples"]["ess"].is_number(), "{doc:#}");
    let doc = report(&["-", "--samples", "2000", "--given", "#t"], EVERYTHING);
    assert_valid(&v, "everything --samples --given", &doc);
    assert!(doc["sampling"]["ess"].is_number(), "{doc:#}");
    assert!(doc["forecasts"][0]["samples"]["ess"].is_number(), "{doc:#}");
}

/// A change that makes a report invalid.
type Breaks = fn(&mut Value);

#[test]
fn the_schema_rejects_what_scn_does_not_write() {
    let v = validator();
    let good = report(&["-"], EVERYTHING);
    assert_valid(&v, "everything", &good);
    let broken: [(&str, Breaks); 6] = [
        ("no forecasts", |d| {
            d.as_object_mut().expect("an object").remove("forecasts");
        }),
        ("an unknown key", |d| d["surprise"] = json!(1)),
        ("a probability as text", |d| {
            d["paths"][0]["probability"] = json!("0.5");
        }),
        ("a date that is not ISO", |d| {
            d["scenario"]["as_of"] = json!("2026-1-1");
        }),
        ("a summary without p95", |d| {
            d["forecasts"][0]["samples"] =
                json!({"n": 10, "mean": 0.5, "sd": 0.1, "p05": 0.3, "p50": 0.5});
        }),
        ("dropped: 0 is written as no key", |d| {
            d["forecasts"][0]["samples"] = json!({"n": 10, "mean": 0.5, "sd": 0.1,
                "p05": 0.3, "p50": 0.5, "p95": 0.7, "dropped": 0});
        }),
    ];
    for (what, breaks) in broken {
        let mut doc = good.clone();
        breaks(&mut doc);
        assert!(!v.is_valid(&doc), "the schema accepts {what}");
    }
}
