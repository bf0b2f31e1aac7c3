//! `scn score --format json`, described in docs/scoring.md#json.
//!
//! JSON has no −∞: a log score that is −∞ is written `null` with `"log_infinite": true`
//! on the forecast, and a summary's `"log"` is `null` with `"log_infinite"` counting them.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

use scn_eval::{BASELINE_BRIER, BASELINE_LOG, Outcome, Score, ScoreSummary};

use super::{Row, Scores};

/// JSON has no negative zero, and no infinities: those become `null`.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(if x == 0.0 { 0.0 } else { x })
}

fn outcome(o: Outcome) -> Value {
    match o {
        Outcome::Yes => Value::Bool(true),
        Outcome::No => Value::Bool(false),
        Outcome::Number(x) => json!(x),
    }
}

fn row(scenario: &str, r: &Row) -> Value {
    let res = &r.resolution;
    let samples = r.figure.sampled.map(|s| {
        json!({"n": s.n, "mean": finite(s.mean), "sd": finite(s.sd), "p05": finite(s.p05),
               "p50": finite(s.p50), "p95": finite(s.p95)})
    });
    let mut v = json!({
        "id": format!("{scenario}.{}", r.forecast),
        "scenario": scenario,
        "forecast": r.forecast,
        "label": r.label,
        "kind": r.kind.as_str(),
        "closes": r.closes.map(|d| d.to_string()),
        "criteria": r.criteria,
        "outcome": outcome(res.outcome),
        "resolved_on": res.on.to_string(),
        "source": res.source,
        "value": finite(r.figure.value),
        "point": finite(r.figure.point),
        "samples": samples,
        "versions": r.versions(),
    });
    let map = v.as_object_mut().expect("an object");
    match r.score {
        Score::Probability {
            brier,
            log,
            time_brier,
            ..
        } => {
            map.insert("brier".into(), json!(finite(brier)));
            map.insert("log".into(), json!(finite(log)));
            map.insert("log_infinite".into(), json!(log.is_infinite()));
            map.insert("time_brier".into(), json!(time_brier.and_then(finite)));
        }
        Score::Number {
            abs_error, covered, ..
        } => {
            map.insert("brier".into(), Value::Null);
            map.insert("log".into(), Value::Null);
            map.insert("time_brier".into(), Value::Null);
            map.insert("abs_error".into(), json!(finite(abs_error)));
            map.insert("covered".into(), json!(covered));
        }
    }
    if let Some(h) = &r.history {
        let p = &h.points[h.scored];
        map.insert(
            "scored_version".into(),
            json!({"commit": p.commit, "date": p.date.to_string()}),
        );
        map.insert(
            "history".into(),
            h.points
                .iter()
                .map(|p| json!({"commit": p.commit, "date": p.date.to_string(), "value": finite(p.value)}))
                .collect(),
        );
    }
    v
}

fn summary(s: &ScoreSummary) -> Value {
    let calibration: Vec<Value> = s
        .calibration
        .iter()
        .map(|b| {
            json!({"lo": b.lo, "hi": b.hi, "n": b.n, "forecast": b.forecast, "observed": b.observed})
        })
        .collect();
    json!({
        "n": s.n,
        "brier": s.brier.and_then(finite),
        "log": s.log.and_then(finite),
        "log_infinite": s.log_infinite,
        "time_brier": s.time_brier.and_then(finite),
        "time_n": s.time_n,
        "baseline": {"brier": BASELINE_BRIER, "log": BASELINE_LOG},
        "numbers": s.numbers,
        "coverage": (s.coverage.0 > 0).then(|| json!({"n": s.coverage.0, "covered": s.coverage.1})),
        "calibration": calibration,
    })
}

pub(super) fn render(s: &Scores, out: &mut dyn Write) -> io::Result<()> {
    let forecasts: Vec<Value> = s
        .scenarios
        .iter()
        .flat_map(|sc| sc.rows.iter().map(|r| row(&sc.id, r)))
        .collect();
    let scenarios: Vec<Value> = s
        .scenarios
        .iter()
        .map(|sc| json!({"id": sc.id, "title": sc.title, "file": sc.file, "summary": summary(&sc.summary)}))
        .collect();
    let doc = json!({
        "forecasts": forecasts,
        "scenarios": scenarios,
        "summary": summary(&s.summary),
        "settings": {"samples": s.settings.samples, "seed": s.settings.seed, "history": s.history},
        "warnings": s.warnings,
    });
    let mut w = io::BufWriter::new(out);
    let mut ser = serde_json::Serializer::pretty(&mut w);
    doc.serialize(&mut ser).map_err(io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}
