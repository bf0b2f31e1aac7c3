//! The JSON report of docs/reference/json.md. Keys marked contract there are stable; others are
//! extensions. Every number keeps full precision. Paths are streamed, not built in memory, so
//! a million leaves cost no more than their bytes.
//!
//! The report is one object: `scenario` from the header, then each section's keys in the
//! report's order. Sections that only arrange facts for people (the briefing, the tree, the
//! timeline, sources, notes) add no key: JSON readers have the paths.

mod paths;
mod pretty;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Render;
use super::model::assumptions::{Assumptions, Kind};
use super::model::decisions::Decisions;
use super::model::drivers::Drivers;
use super::model::expectations::Expectations;
use super::model::forecasts::Forecasts;
use super::model::metrics::Metrics;
use super::model::sampling::Sampling;
use super::model::{Evidence, Header, Report, Section};

pub(crate) struct Json;

impl Render for Json {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        write_doc(report, &mut w)?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

/// The report's top-level object, as `serde_json::to_writer_pretty` would write it, each
/// value serialized at depth 1 but the paths, which [`paths::write`] formats itself.
fn write_doc(r: &Report<'_>, w: &mut impl Write) -> io::Result<()> {
    let mut doc = Doc { first: true };
    doc.entry(w, "scenario", &scenario(&r.header))?;
    for section in &r.sections {
        let (key, value) = match section {
            Section::Briefing(_)
            | Section::Tree(_)
            | Section::Timeline(_)
            | Section::Sources(_)
            | Section::Notes(_) => continue,
            Section::Paths(p) => {
                doc.key(w, "paths")?;
                paths::write(w, p, r.threads)?;
                continue;
            }
            Section::Drivers(d) => ("drivers", drivers(d)),
            Section::Forecasts(f) => ("forecasts", Value::Array(forecasts(f))),
            Section::Assumptions(a) => ("assumptions", Value::Array(assumptions(a))),
            Section::Metrics(m) => ("metrics", Value::Array(metrics(m))),
            Section::Decisions(d) => ("decisions", Value::Array(decisions(d))),
            Section::Evidence(e) => ("evidence", evidence(e)),
            Section::Sampling(s) => ("sampling", sampling(s)),
            Section::Warnings(warnings) => {
                // An extension: the external plugins the run started (absent when none
                // did, which keeps reports of plugin-free libraries as they were).
                if !r.header.plugins.is_empty() {
                    doc.entry(w, "plugins", &r.header.plugins)?;
                }
                ("warnings", json!(warnings))
            }
            Section::Expectations(e) => ("expectations", Value::Array(expectations(e))),
        };
        doc.entry(w, key, &value)?;
    }
    pretty::new_line(w, 0)?;
    w.write_all(b"}")
}

/// The top-level object being written.
struct Doc {
    first: bool,
}

impl Doc {
    /// Opens the object or ends the entry before, then writes `key` (a fixed ASCII word,
    /// written as it is).
    fn key(&mut self, w: &mut impl Write, key: &str) -> io::Result<()> {
        w.write_all(if self.first { b"{" } else { b"," })?;
        self.first = false;
        pretty::new_line(w, 1)?;
        write!(w, "\"{key}\": ")
    }

    fn entry<T: Serialize + ?Sized>(
        &mut self,
        w: &mut impl Write,
        key: &str,
        value: &T,
    ) -> io::Result<()> {
        self.key(w, key)?;
        pretty::write(w, 1, value)
    }
}

/// JSON has no use for a negative zero: `-0.0` prints as `0.0`.
pub(super) fn z(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

fn scenario(h: &Header) -> Value {
    json!({
        "id": h.id,
        "title": h.title,
        "as_of": h.as_of.map(|d| d.to_string()),
        "horizon": h.horizon.map(|d| d.to_string()),
        "author": h.author,
        "description": h.description,
    })
}

/// The `samples` object of a forecast or metric: `n` is the samples this summary used,
/// `ess` is present on weighted summaries (under evidence, or a conditional forecast) and
/// `dropped` counts samples in which the figure was undefined, when there were any.
fn summary(s: Option<&scn_eval::Summary>, dropped: u64) -> Value {
    let Some(s) = s else {
        return Value::Null;
    };
    let mut m = Map::new();
    m.insert("n".into(), json!(s.n));
    m.insert("mean".into(), json!(z(s.mean)));
    m.insert("sd".into(), json!(z(s.sd)));
    m.insert("p05".into(), json!(z(s.p05)));
    m.insert("p50".into(), json!(z(s.p50)));
    m.insert("p95".into(), json!(z(s.p95)));
    if let Some(e) = s.ess {
        m.insert("ess".into(), json!(e));
    }
    if dropped > 0 {
        m.insert("dropped".into(), json!(dropped));
    }
    Value::Object(m)
}

/// An extension: what moves each headline forecast most (docs/reference/json.md).
fn drivers(d: &Drivers) -> Value {
    let forecasts: Vec<Value> = d
        .forecasts
        .iter()
        .map(|f| {
            json!({
                "forecast": f.forecast.id,
                "value": f.base.map(z),
                "drivers": f.drivers.iter().map(|m| json!({
                    "input": m.input,
                    "low": z(m.low),
                    "high": z(m.high),
                    "value_low": m.at_low.map(z),
                    "value_high": m.at_high.map(z),
                    "swing": z(m.swing),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"inputs": d.inputs, "left_out": d.left_out, "forecasts": forecasts})
}

fn forecasts(f: &Forecasts) -> Vec<Value> {
    f.rows
        .iter()
        .map(|row| {
            let mut m = Map::new();
            m.insert("id".into(), json!(row.id));
            m.insert("label".into(), json!(row.name()));
            m.insert("value".into(), json!(row.point.map(z)));
            if let Some(p) = row.prior {
                m.insert("prior_value".into(), json!(z(p)));
            }
            m.insert("samples".into(), summary(row.sampled.as_ref(), row.dropped));
            m.insert("kind".into(), json!(row.kind.as_str()));
            // Present only when written: when the question closes, and how it resolves.
            if let Some(d) = row.closes {
                m.insert("closes".into(), json!(d.to_string()));
            }
            if let Some(c) = &row.criteria {
                m.insert("criteria".into(), json!(c));
            }
            Value::Object(m)
        })
        .collect()
}

fn assumptions(a: &Assumptions) -> Vec<Value> {
    a.lets
        .iter()
        .map(|l| {
            let (distribution, sampled) = match &l.kind {
                Kind::Constant => (Value::Null, Value::Null),
                Kind::Distribution { family, p05, p95 } => (
                    json!({ "family": family, "mean": z(l.value), "p05": z(*p05), "p95": z(*p95) }),
                    Value::Null,
                ),
                Kind::Expression { sampled } => (
                    Value::Null,
                    sampled.map_or(
                        Value::Null,
                        |(lo, hi)| json!({ "p05": z(lo), "p95": z(hi) }),
                    ),
                ),
            };
            json!({
                "id": l.name,
                "doc": l.doc,
                "expression": l.written,
                "value": z(l.value),
                "distribution": distribution,
                "samples": sampled,
            })
        })
        .collect()
}

fn metrics(m: &Metrics<'_>) -> Vec<Value> {
    m.rows
        .iter()
        .map(|row| {
            let mut o = Map::new();
            o.insert("id".into(), json!(row.id));
            o.insert("label".into(), json!(row.name()));
            o.insert("unit".into(), json!(unit_of(&row.measure)));
            o.insert("expected".into(), json!(z(row.expected)));
            if let Some(p) = row.prior {
                o.insert("prior_expected".into(), json!(z(p)));
            }
            o.insert("samples".into(), summary(row.outcome.as_ref(), row.dropped));
            Value::Object(o)
        })
        .collect()
}

fn unit_of(m: &super::number::Measure) -> Option<&str> {
    use super::number::Measure;
    match m {
        Measure::Percent => Some("%"),
        Measure::Unit(u) => Some(u),
        Measure::Probability | Measure::Number => None,
    }
}

fn decisions(d: &Decisions) -> Vec<Value> {
    d.list
        .iter()
        .map(|dec| {
            let values: Map<String, Value> = dec
                .options
                .iter()
                .map(|o| (o.id.clone(), json!(z(o.value))))
                .collect();
            let choice = dec.options.iter().find(|o| o.chosen).map(|o| o.id.as_str());
            let mut entry = json!({
                "node": dec.at.path,
                "choice": choice,
                "values": values,
            });
            if d.sampled {
                let shares: Map<String, Value> = dec
                    .options
                    .iter()
                    .map(|o| (o.id.clone(), json!(o.best_share.unwrap_or(0.0))))
                    .collect();
                entry["optimal_share"] = Value::Object(shares);
            }
            entry
        })
        .collect()
}

fn evidence(e: &Evidence) -> Value {
    json!({ "probability": e.probability })
}

fn expectations(e: &Expectations) -> Vec<Value> {
    e.rows
        .iter()
        .map(|x| {
            json!({
                "line": x.line,
                "value": x.value.map(z),
                "lo": x.lo,
                "hi": x.hi,
                "holds": x.holds,
            })
        })
        .collect()
}

fn sampling(s: &Sampling) -> Value {
    json!({
        "requested": s.requested,
        "kept": s.kept,
        "adjusted": s.adjusted,
        "dropped": s.dropped,
        "impossible_evidence": s.impossible_evidence,
        "ess": s.ess,
    })
}
