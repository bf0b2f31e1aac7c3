//! The JSON report of docs/reference/json.md. Keys marked contract there are stable; others are
//! extensions. Every number keeps full precision. Paths are streamed, not built in memory, so
//! a million leaves cost no more than their bytes.
//!
//! The report is one object: `scenario` from the header, then each section's keys in the
//! report's order. Sections that only arrange facts for people (the briefing, the tree, the
//! timeline, sources, notes) add no key: JSON readers have the paths.

use std::collections::HashMap;
use std::io::{self, Write};

use scn_eval::model::NodeId;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};

use super::Render;
use super::model::assumptions::{Assumptions, Kind};
use super::model::decisions::Decisions;
use super::model::drivers::Drivers;
use super::model::expectations::Expectations;
use super::model::forecasts::Forecasts;
use super::model::metrics::Metrics;
use super::model::paths::{Column, Paths};
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
                Section::Drivers(d) => map.serialize_entry("drivers", &drivers(d))?,
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

struct StreamedPaths<'r, 'a>(&'r Paths<'a>);

impl Serialize for StreamedPaths<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let ev = p.ev();
        let model = ev.model();
        let table = PathTable::new(model);
        let mut seq = s.serialize_seq(Some(p.leaves.len()))?;
        // Reused from batch to batch: a million leaves would otherwise cost millions of
        // short-lived allocations.
        let mut batch = PathBatch::default();
        let mut id = String::new();
        for leaves in p.leaves.chunks(PathBatch::LEAVES) {
            batch.read(&table, ev, leaves);
            for (lane, leaf) in batch.leaves.iter().enumerate() {
                let nodes = &batch.paths[lane];
                id.clear();
                for (i, &n) in nodes.iter().enumerate() {
                    if i > 0 {
                        id.push('.');
                    }
                    id.push_str(table.id(n));
                }
                seq.serialize_element(&PathEntry {
                    paths: p,
                    id: &id,
                    labels: Labels(&table, nodes),
                    metrics: &batch.metrics[lane],
                    probability: leaf.probability,
                    prior: p.evidence.then_some(leaf.prior),
                    date: leaf.date,
                })?;
            }
        }
        seq.end()
    }
}

/// One element of `paths`, written straight to the output: the same object, key for key, as
/// a `serde_json::Map` would be, without building one per leaf.
struct PathEntry<'p, 'r, 'a> {
    paths: &'p Paths<'a>,
    id: &'r str,
    labels: Labels<'r>,
    metrics: &'r [f64],
    probability: f64,
    prior: Option<f64>,
    date: Option<scn_dsl::Date>,
}

impl Serialize for PathEntry<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5 + usize::from(self.prior.is_some())))?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("labels", &self.labels)?;
        map.serialize_entry("probability", &z(self.probability))?;
        if let Some(prior) = self.prior {
            map.serialize_entry("prior_probability", &z(prior))?;
        }
        map.serialize_entry("date", &self.date.map(|d| d.to_string()))?;
        map.serialize_entry("metrics", &LeafMetrics(&self.paths.columns, self.metrics))?;
        map.end()
    }
}

/// Each node's parent, id and label, packed into 12 bytes, the texts shared: the paths come
/// in order of probability, so walking each up to the root through the model's nodes (184
/// bytes each) missed the cache at every step, about a second on a million leaves. This
/// table fits in the cache of the machines we measure on.
struct PathTable<'m> {
    nodes: Vec<[u32; 3]>,
    texts: Vec<&'m str>,
}

impl<'m> PathTable<'m> {
    fn new(model: &'m scn_eval::Model) -> PathTable<'m> {
        // Ids and labels are shared strings in the model: one entry per string, keyed by
        // where it lives, so building costs no string comparison.
        let mut index: HashMap<(usize, usize), u32> = HashMap::new();
        let mut texts = Vec::new();
        let mut intern = |text: &'m str| {
            *index
                .entry((text.as_ptr() as usize, text.len()))
                .or_insert_with(|| {
                    texts.push(text);
                    (texts.len() - 1) as u32
                })
        };
        let nodes = model
            .nodes
            .iter()
            .map(|n| [n.parent, intern(&n.id), intern(n.label())])
            .collect();
        PathTable { nodes, texts }
    }

    fn parent(&self, n: NodeId) -> NodeId {
        self.nodes[n as usize][0]
    }

    fn id(&self, n: NodeId) -> &'m str {
        self.texts[self.nodes[n as usize][1] as usize]
    }

    fn label(&self, n: NodeId) -> &'m str {
        self.texts[self.nodes[n as usize][2] as usize]
    }
}

/// What the report writes of a few leaves at a time. The leaves come in order of
/// probability, far apart in the tree, so each step up a path is a load that misses the
/// cache and waits for the one before it: walking a batch's paths side by side, and reading
/// the batch's probabilities and metrics before writing any, lets those misses overlap.
#[derive(Default)]
struct PathBatch {
    /// Each leaf's path from just below the root down to it.
    paths: [Vec<NodeId>; PathBatch::LEAVES],
    /// Each leaf's metrics, in column order.
    metrics: [Vec<f64>; PathBatch::LEAVES],
    leaves: Vec<LeafFacts>,
}

struct LeafFacts {
    probability: f64,
    prior: f64,
    date: Option<scn_dsl::Date>,
}

impl PathBatch {
    const LEAVES: usize = 16;

    fn read(&mut self, table: &PathTable<'_>, ev: &scn_eval::Evaluation, leaves: &[NodeId]) {
        let mut at = [0; PathBatch::LEAVES];
        at[..leaves.len()].copy_from_slice(leaves);
        for path in &mut self.paths {
            path.clear();
        }
        let mut walking = true;
        while walking {
            walking = false;
            for (n, path) in at.iter_mut().zip(&mut self.paths) {
                if *n != 0 {
                    path.push(*n);
                    *n = table.parent(*n);
                    walking = true;
                }
            }
        }
        for path in &mut self.paths {
            path.reverse();
        }
        self.leaves.clear();
        self.leaves.extend(leaves.iter().map(|&leaf| {
            let node = ev.node(leaf);
            LeafFacts {
                probability: node.probability,
                prior: node.prior,
                date: node.def.date,
            }
        }));
        for (path, metrics) in self.paths.iter().zip(&mut self.metrics).take(leaves.len()) {
            ev.metrics_along(path, metrics);
        }
    }
}

/// The labels along a path.
struct Labels<'r>(&'r PathTable<'r>, &'r [NodeId]);

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &n in self.1 {
            seq.serialize_element(self.0.label(n))?;
        }
        seq.end()
    }
}

/// A leaf's metrics, keyed by metric id in column order.
struct LeafMetrics<'r>(&'r [Column], &'r [f64]);

impl Serialize for LeafMetrics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (c, &v) in self.0.iter().zip(self.1) {
            map.serialize_entry(&c.id, &z(v))?;
        }
        map.end()
    }
}
