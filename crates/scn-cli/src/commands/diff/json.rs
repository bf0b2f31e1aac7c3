//! `scn diff --format json`: one object, keys in a fixed order (docs/diff.md#json).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use scn_eval::diff::{Change, ForecastChange, Input, Method, Shown};

use super::{DiffReport, Version};

/// No `-0` in the output.
fn z(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

fn number(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |v| json!(z(v)))
}

pub(super) fn render(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    let d = r.diff;
    let mut top = Map::new();
    top.insert("old".into(), version(r.old));
    top.insert("new".into(), version(r.new));
    top.insert(
        "structure".into(),
        Value::Array(d.structure.iter().map(change).collect()),
    );
    top.insert("structure_omitted".into(), json!(d.omitted));
    top.insert(
        "forecasts".into(),
        Value::Array(
            r.shown
                .iter()
                .map(|&i| forecast(r, i, &d.forecasts[i]))
                .collect(),
        ),
    );
    top.insert(
        "inputs".into(),
        Value::Array(d.inputs.iter().map(input).collect()),
    );
    top.insert(
        "folded".into(),
        Value::Array(
            d.folded
                .iter()
                .map(|f| {
                    let mut v = input(&f.input);
                    v["reason"] = json!(f.reason);
                    v
                })
                .collect(),
        ),
    );
    top.insert("method".into(), method(d.method));
    top.insert(
        "samples".into(),
        r.sampled.as_ref().map_or(
            Value::Null,
            |s| json!({"samples": s.samples, "seed": s.seed}),
        ),
    );
    write(w, &Value::Object(top))
}

/// Writes a value, pretty, with a final newline; errors keep their kind (a closed pipe).
pub(super) fn write(w: &mut dyn Write, v: &Value) -> io::Result<()> {
    let text = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
    w.write_all(text.as_bytes())?;
    writeln!(w)
}

fn version(v: &Version) -> Value {
    let meta = &v.evaluation.model().meta;
    json!({"source": v.shown, "scenario": meta.id, "title": meta.title})
}

fn shown(s: &Shown) -> Value {
    match s {
        Shown::Nothing => Value::Null,
        Shown::Number(v) => json!(z(*v)),
        Shown::Text(t) => json!(t),
        Shown::List(v) => json!(v),
    }
}

fn change(c: &Change) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(c.kind.as_str()));
    m.insert("item".into(), json!(c.item.as_str()));
    m.insert("path".into(), json!(c.path));
    m.insert("what".into(), json!(c.what));
    m.insert("old".into(), shown(&c.old));
    m.insert("new".into(), shown(&c.new));
    if c.old_text.is_some() || c.new_text.is_some() {
        m.insert("old_expr".into(), json!(c.old_text));
        m.insert("new_expr".into(), json!(c.new_text));
    }
    if c.below > 0 {
        m.insert("below".into(), json!(c.below));
    }
    Value::Object(m)
}

fn input(i: &Input) -> Value {
    json!({
        "name": i.name,
        "kind": i.kind.as_str(),
        "old": z(i.old),
        "new": z(i.new),
        "old_expr": i.old_text,
        "new_expr": i.new_text,
    })
}

fn method(m: Method) -> Value {
    match m {
        Method::None => json!({"kind": "none", "evaluations": 0}),
        Method::Exact { evaluations } => json!({"kind": "exact", "evaluations": evaluations}),
        Method::Sampled {
            permutations,
            evaluations,
            seed,
        } => json!({
            "kind": "sampled",
            "evaluations": evaluations,
            "permutations": permutations,
            "seed": seed,
        }),
        Method::Combined { evaluations } => {
            json!({"kind": "combined", "evaluations": evaluations})
        }
    }
}

fn forecast(r: &DiffReport<'_>, i: usize, f: &ForecastChange) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.name));
    m.insert("label".into(), json!(f.label));
    m.insert("probability".into(), json!(f.probability));
    m.insert("old".into(), number(f.old));
    m.insert("new".into(), number(f.new));
    m.insert("change".into(), number(f.change()));
    let mut terms = Vec::new();
    if let Some(a) = &f.attribution {
        terms.push(
            json!({"input": "structure", "kind": "structure", "contribution": z(a.structure)}),
        );
        for (input, &v) in r.diff.inputs.iter().zip(&a.inputs) {
            terms.push(
                json!({"input": input.name, "kind": input.kind.as_str(), "contribution": z(v)}),
            );
        }
        if let Some(c) = a.combined {
            terms.push(json!({"input": "inputs", "kind": "combined", "contribution": z(c)}));
        }
    }
    m.insert("attribution".into(), Value::Array(terms));
    if let Some(c) = r.sampled(i) {
        let summary = |s: Option<&scn_eval::Summary>| {
            s.map_or(Value::Null, |s| {
                let n = s.ess.unwrap_or(s.n as f64);
                let se = if n > 0.0 { s.sd / n.sqrt() } else { 0.0 };
                json!({"mean": z(s.mean), "se": z(se)})
            })
        };
        m.insert(
            "sampled".into(),
            json!({
                "old": summary(c.old),
                "new": summary(c.new),
                "change": number(c.change()),
                "within_noise": c.within_noise(),
            }),
        );
    }
    Value::Object(m)
}
