//! Every scenario of the bundled library, evaluated and snapshotted: the text and JSON
//! reports of the exact evaluation, and a Monte Carlo JSON report with a fixed seed.
//! A change in any number of the library shows up here for review.

use std::path::Path;

use scn_cli::{Exit, Io};
use serde_json::Value;

fn eval(path: &Path, extra: &[&str]) -> String {
    let mut stdin: &[u8] = b"";
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
    };
    let file = path.display().to_string();
    let mut args = vec!["scn", "eval", file.as_str()];
    args.extend_from_slice(extra);
    let code = scn_cli::run(args, &mut io);
    assert_eq!(code, Exit::Ok, "{}", String::from_utf8_lossy(&err));
    String::from_utf8(out).unwrap()
}

/// Rounds every number to `digits` significant digits, so snapshots show what matters and
/// not the last bits of floating point.
fn rounded(v: Value, digits: i32) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x != 0.0 && x.is_finite() && n.is_f64() => {
                let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
                serde_json::json!((x * scale).round() / scale)
            }
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(|x| rounded(x, digits)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| (k, rounded(x, digits)))
                .collect(),
        ),
        other => other,
    }
}

fn holds_scenario(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .any(|l| l.starts_with("scenario "))
}

#[test]
fn library_reports() {
    let mut seen = 0;
    insta::glob!("../../scenarios", "**/*.scn", |path| {
        if !holds_scenario(path) {
            return; // a template library
        }
        seen += 1;
        insta::assert_snapshot!("text", eval(path, &[]));
        let json: Value = serde_json::from_str(&eval(path, &["--format", "json"])).unwrap();
        insta::assert_json_snapshot!("json", rounded(json, 10));
        let sampled: Value = serde_json::from_str(&eval(
            path,
            &["--format", "json", "--samples", "4000", "--seed", "1"],
        ))
        .unwrap();
        insta::assert_json_snapshot!("monte_carlo", rounded(sampled, 3));
    });
    assert!(seen >= 5, "only {seen} scenarios found");
}
