//! The JSON report of spec section 11. Keys there are a contract; keys added here are
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

/// Spec section 11's `samples` object.
#[derive(Serialize)]
struct SampleSummary {
    n: u64,
    mean: f64,
    sd: f64,
    p05: f64,
    p50: f64,
    p95: f64,
}

impl From<&scn_eval::Summary> for SampleSummary {
    fn from(s: &scn_eval::Summary) -> Self {
        SampleSummary {
            n: s.n,
            mean: s.mean,
            sd: s.sd,
            p05: s.p05,
            p50: s.p50,
            p95: s.p95,
        }
    }
}

#[derive(Serialize)]
struct Forecast<'a> {
    id: &'a str,
    label: &'a str,
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_value: Option<f64>,
    samples: Option<SampleSummary>,
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
    value: f64,
    lo: f64,
    hi: f64,
    holds: bool,
}

impl Serialize for Doc<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let ev = r.ev;
        let model = &ev.model;
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
        let forecasts: Vec<Forecast<'_>> = model
            .forecasts
            .iter()
            .zip(&ev.forecasts)
            .enumerate()
            .map(|(i, (f, &(value, prior_value)))| Forecast {
                id: &f.name,
                label: f.label.as_deref().unwrap_or(&f.name),
                value,
                prior_value,
                samples: r
                    .samples
                    .and_then(|s| s.forecasts[i].as_ref())
                    .map(SampleSummary::from),
            })
            .collect();
        map.serialize_entry("forecasts", &forecasts)?;
        map.serialize_entry("paths", &Paths(r))?;
        let metrics: Vec<Metric<'_>> = model
            .metrics
            .iter()
            .zip(&ev.metrics)
            .enumerate()
            .map(|(i, (m, &(expected, prior_expected)))| Metric {
                id: &m.name,
                label: m.label.as_deref().unwrap_or(&m.name),
                unit: m.unit.as_deref(),
                expected,
                prior_expected,
                samples: r
                    .samples
                    .and_then(|s| s.metrics[i].as_ref())
                    .map(SampleSummary::from),
            })
            .collect();
        map.serialize_entry("metrics", &metrics)?;
        map.serialize_entry("decisions", &Decisions(r))?;
        if let Some(p) = ev.evidence {
            map.serialize_entry("evidence", &serde_json::json!({ "probability": p }))?;
        }
        let expectations: Vec<Expectation> = model
            .expects
            .iter()
            .zip(&ev.expects)
            .map(|(d, o)| Expectation {
                line: line_of(r, d),
                value: o.value,
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
                    "dropped_non_finite": s.dropped_non_finite,
                    "dropped_evidence": s.dropped_evidence,
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
        let model = &r.ev.model;
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
        let model = &r.ev.model;
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
        map.serialize_entry("probability", &r.prob(self.leaf))?;
        if r.ev.posterior.is_some() {
            map.serialize_entry("prior_probability", &r.ev.prior[self.leaf as usize])?;
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
        let metrics = &self.r.ev.model.metrics;
        let mut map = s.serialize_map(Some(metrics.len()))?;
        for (i, m) in metrics.iter().enumerate() {
            map.serialize_entry(&m.name, &self.r.metric_at(self.node, i))?;
        }
        map.end()
    }
}

struct Decisions<'r, 'a>(&'r Report<'a>);

impl Serialize for Decisions<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ev = self.0.ev;
        let model = &ev.model;
        let mut seq = s.serialize_seq(Some(ev.decisions.len()))?;
        for (i, d) in ev.decisions.iter().enumerate() {
            let values: serde_json::Map<String, serde_json::Value> = d
                .values
                .iter()
                .map(|&(o, v)| (model.nodes[o as usize].id.clone(), serde_json::json!(v)))
                .collect();
            let mut entry = serde_json::json!({
                "node": model.path_of(d.node),
                "choice": model.nodes[d.choice as usize].id,
                "values": values,
            });
            if let Some(s) = self.0.samples {
                let shares: serde_json::Map<String, serde_json::Value> = d
                    .values
                    .iter()
                    .zip(&s.optimal_share[i])
                    .map(|(&(o, _), &share)| {
                        (model.nodes[o as usize].id.clone(), serde_json::json!(share))
                    })
                    .collect();
                entry["optimal_share"] = serde_json::Value::Object(shares);
            }
            seq.serialize_element(&entry)?;
        }
        seq.end()
    }
}
