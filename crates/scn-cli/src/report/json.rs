//! The JSON report of docs/reference/json.md. Keys marked contract there are stable; others are
//! extensions. Every number keeps full precision. Paths are streamed, not built in memory, so
//! a million leaves cost no more than their bytes.
//!
//! The report is one object: `scenario` from the header, then each section's keys in the
//! report's order. Sections that only arrange facts for people (the briefing, the tree, the
//! timeline, sources, notes) add no key: JSON readers have the paths.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};

use super::Render;
use super::model::assumptions::{Assumptions, Kind};
use super::model::decisions::Decisions;
use super::model::expectations::Expectations;
use super::model::forecasts::Forecasts;
use super::model::metrics::Metrics;
use super::model::paths::Paths;
use super::model::sampling::Sampling;
use super::model::{Evidence, Header, Report, Section};

pub(crate) struct Json;

impl Render for Json {
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::with_capacity(1 << 16, out);
        let mut ser = serde_json::Serializer::pretty(&mut w);
        // Keep the kind of an I/O error (a closed pipe is not a failure of scn).
        Doc(report)
            .serialize(&mut ser)
            .map_err(|e| match e.io_error_kind() {
                Some(kind) => io::Error::new(kind, e),
                None => io::Error::other(e),
            })?;
        w.write_all(b"\n")?;
        w.flush()
    }
}

struct Doc<'r, 'a>(&'r Report<'a>);

impl Serialize for Doc<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("scenario", &scenario(&r.header))?;
        for section in &r.sections {
            match section {
                Section::Briefing(_)
                | Section::Tree(_)
                | Section::Timeline(_)
                | Section::Sources(_)
                | Section::Notes(_) => {}
                Section::Forecasts(f) => map.serialize_entry("forecasts", &forecasts(f))?,
                Section::Assumptions(a) => map.serialize_entry("assumptions", &assumptions(a))?,
                Section::Paths(p) => map.serialize_entry("paths", &StreamedPaths(p))?,
                Section::Metrics(m) => map.serialize_entry("metrics", &metrics(m))?,
                Section::Decisions(d) => map.serialize_entry("decisions", &decisions(d))?,
                Section::Evidence(e) => map.serialize_entry("evidence", &evidence(e))?,
                Section::Sampling(s) => map.serialize_entry("sampling", &sampling(s))?,
                Section::Warnings(w) => {
                    // An extension: the external plugins the run started (absent when none
                    // did, which keeps reports of plugin-free libraries as they were).
                    if !r.header.plugins.is_empty() {
                        map.serialize_entry("plugins", &r.header.plugins)?;
                    }
                    map.serialize_entry("warnings", w)?;
                }
                Section::Expectations(e) => {
                    map.serialize_entry("expectations", &expectations(e))?;
                }
            }
        }
        map.end()
    }
}

/// JSON has no use for a negative zero: `-0.0` prints as `0.0`.
fn z(v: f64) -> f64 {
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

struct StreamedPaths<'r, 'a>(&'r Paths<'a>);

impl Serialize for StreamedPaths<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let ev = p.ev();
        let model = ev.model();
        let mut seq = s.serialize_seq(Some(p.leaves.len()))?;
        for &leaf in &p.leaves {
            let nodes = model.ancestry(leaf);
            let ids: Vec<&str> = nodes
                .iter()
                .map(|&n| model.nodes[n as usize].id.as_str())
                .collect();
            let labels: Vec<&str> = nodes
                .iter()
                .map(|&n| model.nodes[n as usize].label())
                .collect();
            let node = ev.node(leaf);
            let mut map = Map::new();
            map.insert("id".into(), json!(ids.join(".")));
            map.insert("labels".into(), json!(labels));
            map.insert("probability".into(), json!(z(node.probability)));
            if p.evidence {
                map.insert("prior_probability".into(), json!(z(node.prior)));
            }
            map.insert(
                "date".into(),
                json!(model.nodes[leaf as usize].date.map(|d| d.to_string())),
            );
            let metrics: Map<String, Value> = p
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.clone(), json!(z(ev.metric_at(leaf, i)))))
                .collect();
            map.insert("metrics".into(), Value::Object(metrics));
            seq.serialize_element(&map)?;
        }
        seq.end()
    }
}
