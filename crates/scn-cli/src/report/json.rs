//! The JSON report of docs/reference/json.md. Keys marked contract there are stable; others are
//! extensions. Paths are streamed, not built in memory, so a million leaves cost no more
//! than their bytes.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::{Render, Report};

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

#[derive(Serialize)]
struct Scenario<'a> {
    id: &'a str,
    title: &'a str,
    as_of: Option<String>,
    horizon: Option<String>,
    author: Option<&'a str>,
    description: Option<&'a str>,
}

/// The `samples` object of a forecast or metric: `n` is the samples this summary used,
/// `ess` is present on weighted summaries (under evidence, or a conditional forecast) and
/// `dropped` counts samples in which the figure was undefined, when there were any.
#[derive(Serialize)]
struct SampleSummary {
    n: u64,
    mean: f64,
    sd: f64,
    p05: f64,
    p50: f64,
    p95: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ess: Option<f64>,
    #[serde(skip_serializing_if = "is_zero")]
    dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// JSON has no use for a negative zero: `-0.0` prints as `0.0`.
fn z(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

impl SampleSummary {
    fn of(f: &scn_eval::Figure) -> Option<SampleSummary> {
        f.summary.map(|s| SampleSummary {
            n: s.n,
            mean: z(s.mean),
            sd: z(s.sd),
            p05: z(s.p05),
            p50: z(s.p50),
            p95: z(s.p95),
            ess: s.ess,
            dropped: f.dropped,
        })
    }
}

#[derive(Serialize)]
struct Forecast<'a> {
    id: &'a str,
    label: &'a str,
    value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_value: Option<f64>,
    samples: Option<SampleSummary>,
    kind: &'static str,
    /// Present only when the forecast says when its question closes.
    #[serde(skip_serializing_if = "Option::is_none")]
    closes: Option<String>,
    /// Present only when the forecast says how its question resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    criteria: Option<&'a str>,
}

#[derive(Serialize)]
struct Metric<'a> {
    id: &'a str,
    label: &'a str,
    unit: Option<&'a str>,
    expected: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_expected: Option<f64>,
    samples: Option<SampleSummary>,
}

#[derive(Serialize)]
struct Expectation {
    line: usize,
    value: Option<f64>,
    lo: f64,
    hi: f64,
    holds: bool,
}

impl Serialize for Doc<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let ev = r.ev;
        let model = &ev.model();
        let meta = &model.meta;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry(
            "scenario",
            &Scenario {
                id: &meta.id,
                title: &meta.title,
                as_of: meta.as_of.map(|d| d.to_string()),
                horizon: meta.horizon.map(|d| d.to_string()),
                author: meta.author.as_deref(),
                description: meta.description.as_deref(),
            },
        )?;
        let forecasts: Vec<Forecast<'_>> = ev
            .forecasts()
            .map(|f| Forecast {
                id: &f.def.name,
                label: f.def.label.as_deref().unwrap_or(&f.def.name),
                value: f.value.map(z),
                prior_value: f.prior.map(z),
                samples: r
                    .samples
                    .and_then(|s| SampleSummary::of(&s.forecasts[f.index])),
                kind: f.def.kind.as_str(),
                closes: f.def.closes.map(|d| d.to_string()),
                criteria: f.def.criteria.as_deref(),
            })
            .collect();
        map.serialize_entry("forecasts", &forecasts)?;
        map.serialize_entry("paths", &Paths(r))?;
        let metrics: Vec<Metric<'_>> = ev
            .metrics()
            .map(|m| Metric {
                id: &m.def.name,
                label: m.def.label.as_deref().unwrap_or(&m.def.name),
                unit: m.def.unit.as_deref(),
                expected: z(m.expected),
                prior_expected: m.prior.map(z),
                samples: r
                    .samples
                    .and_then(|s| SampleSummary::of(&s.metrics[m.index])),
            })
            .collect();
        map.serialize_entry("metrics", &metrics)?;
        map.serialize_entry("decisions", &Decisions(r))?;
        if let Some(p) = ev.evidence() {
            map.serialize_entry("evidence", &serde_json::json!({ "probability": p }))?;
        }
        let expectations: Vec<Expectation> = ev
            .expectations()
            .map(|(d, o)| Expectation {
                line: line_of(r, d),
                value: o.value.map(z),
                lo: d.lo,
                hi: d.hi,
                holds: o.holds,
            })
            .collect();
        map.serialize_entry("expectations", &expectations)?;
        if let Some(s) = r.samples {
            map.serialize_entry(
                "sampling",
                &serde_json::json!({
                    "requested": s.requested,
                    "kept": s.kept,
                    "adjusted": s.adjusted,
                    "dropped": s.dropped,
                    "impossible_evidence": s.impossible_evidence,
                    "ess": s.evidence_ess,
                }),
            )?;
        }
        // An extension: the external plugins the run started (absent when none did, which
        // keeps reports of plugin-free libraries as they were).
        if !r.plugins.is_empty() {
            map.serialize_entry("plugins", &r.plugins)?;
        }
        map.serialize_entry("warnings", &r.warnings)?;
        map.end()
    }
}

fn line_of(r: &Report<'_>, d: &scn_eval::model::ExpectDef) -> usize {
    r.sources.get(d.file).line_col(d.span.start).0
}

struct Paths<'r, 'a>(&'r Report<'a>);

impl Serialize for Paths<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let model = &r.ev.model();
        let mut seq = s.serialize_seq(Some(r.paths.len()))?;
        for &leaf in &r.paths {
            seq.serialize_element(&Path {
                r,
                leaf,
                nodes: model.ancestry(leaf),
            })?;
        }
        seq.end()
    }
}

struct Path<'r, 'a> {
    r: &'r Report<'a>,
    leaf: u32,
    nodes: Vec<u32>,
}

impl Serialize for Path<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.r;
        let model = &r.ev.model();
        let ids: Vec<&str> = self
            .nodes
            .iter()
            .map(|&n| model.nodes[n as usize].id.as_str())
            .collect();
        let labels: Vec<&str> = self
            .nodes
            .iter()
            .map(|&n| model.nodes[n as usize].label())
            .collect();
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &ids.join("."))?;
        map.serialize_entry("labels", &labels)?;
        let node = r.ev.node(self.leaf);
        map.serialize_entry("probability", &z(node.probability))?;
        if r.ev.evidence().is_some() {
            map.serialize_entry("prior_probability", &z(node.prior))?;
        }
        map.serialize_entry(
            "date",
            &model.nodes[self.leaf as usize].date.map(|d| d.to_string()),
        )?;
        map.serialize_entry("metrics", &Metrics { r, node: self.leaf })?;
        map.end()
    }
}

struct Metrics<'r, 'a> {
    r: &'r Report<'a>,
    node: u32,
}

impl Serialize for Metrics<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let metrics = &self.r.ev.model().metrics;
        let mut map = s.serialize_map(Some(metrics.len()))?;
        for (i, m) in metrics.iter().enumerate() {
            map.serialize_entry(&m.name, &z(self.r.metric_at(self.node, i)))?;
        }
        map.end()
    }
}

struct Decisions<'r, 'a>(&'r Report<'a>);

impl Serialize for Decisions<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ev = self.0.ev;
        let model = &ev.model();
        let mut seq = s.serialize_seq(Some(ev.decisions().len()))?;
        for (i, d) in ev.decisions().iter().enumerate() {
            let values: serde_json::Map<String, serde_json::Value> = d
                .options
                .iter()
                .map(|o| {
                    (
                        model.nodes[o.node as usize].id.clone(),
                        serde_json::json!(z(o.value)),
                    )
                })
                .collect();
            let mut entry = serde_json::json!({
                "node": model.path_of(d.node),
                "choice": model.nodes[d.choice as usize].id,
                "values": values,
            });
            if let Some(s) = self.0.samples {
                let shares: serde_json::Map<String, serde_json::Value> = d
                    .options
                    .iter()
                    .zip(&s.optimal_share[i])
                    .map(|(o, &share)| {
                        (
                            model.nodes[o.node as usize].id.clone(),
                            serde_json::json!(share),
                        )
                    })
                    .collect();
                entry["optimal_share"] = serde_json::Value::Object(shares);
            }
            seq.serialize_element(&entry)?;
        }
        seq.end()
    }
}
