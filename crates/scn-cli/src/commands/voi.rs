//! `scn voi FILE`: what knowing more before a decision is worth — perfect information about
//! events (`--know`, exact) or about every uncertain input (`--samples`). Rendered as text,
//! JSON, Markdown or HTML (docs/analysis.md): text and JSON here, the others beside it.

mod html;
mod markdown;

use std::io::{self, Write};

use scn_eval::Evaluation;
use scn_eval::analysis::{EventVoi, InputVoi};
use serde_json::{Value, json};

use super::analysis::{decision, decision_label, table, z};
use crate::args::{AnalysisFormat, VoiArgs};
use crate::report::{num, pct};
use crate::{Exit, Io};

/// What `scn voi` found: about events, or about inputs from samples.
enum Found {
    Events {
        voi: EventVoi,
        /// The events as written.
        know: Vec<String>,
    },
    Inputs {
        voi: InputVoi,
        requested: u64,
        seed: u64,
    },
}

pub(crate) fn run(args: &VoiArgs, options: crate::input::RunOptions, io: &mut Io<'_>) -> Exit {
    let inputs = [args.file.clone()];
    if let Err(code) = super::destination::check(io, args.output.as_deref(), &inputs) {
        return code;
    }
    let usage = |io: &mut Io<'_>, message: &str| {
        let _ = writeln!(io.stderr, "scn: error: {message}");
        Exit::Usage
    };
    match (args.know.is_empty(), args.samples) {
        (true, None) => {
            return usage(
                io,
                "say what would be learnt: --know EVENT (exact), or --samples N for every uncertain input",
            );
        }
        (false, Some(_)) => {
            return usage(
                io,
                "--know and --samples ask different questions (events, or the uncertain inputs): give one",
            );
        }
        _ => {}
    }
    let e = match super::analysis::evaluate(&args.file, &args.know, options, io) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let ev = &e.ev;
    if ev.decisions().is_empty() {
        return usage(
            io,
            "the scenario has no decision: no option to choose with more information",
        );
    }
    let Some(node) = decision(ev, args.decision.as_deref()) else {
        let what = match args.decision.as_deref() {
            None => "the root is not a decision; name one with --decision NODE".to_owned(),
            Some(d) => format!("--decision {d}: no decision at a node of that path"),
        };
        let paths: Vec<String> = ev
            .decisions()
            .iter()
            .map(|d| match d.node {
                0 => ev.model().meta.id.clone(),
                n => ev.model().path_of(n),
            })
            .collect();
        return usage(io, &format!("{what} (decisions: {})", paths.join(", ")));
    };
    let found = if let Some(n) = args.samples {
        let samples = match super::analysis::sample(&e, n, args.seed, io) {
            Ok(s) => s,
            Err(code) => return code,
        };
        match scn_eval::analysis::voi_inputs(ev, &samples, node) {
            Ok(voi) => {
                if voi.left_out > 0 {
                    let _ = writeln!(io.stderr, "scn: warning: {}", left_out_note(voi.left_out));
                }
                Found::Inputs {
                    voi,
                    requested: n,
                    seed: args.seed.or(e.seed).unwrap_or(scn_eval::DEFAULT_SEED),
                }
            }
            Err(err) => return usage(io, &err.to_string()),
        }
    } else {
        match scn_eval::analysis::voi_events(ev, node, &e.known) {
            Ok(voi) => Found::Events {
                voi,
                know: args.know.clone(),
            },
            Err(err) => return usage(io, &named(&err.to_string(), &args.know)),
        }
    };
    let for_people = !matches!(args.format, AnalysisFormat::Json);
    super::destination::deliver(
        io,
        args.output.as_deref(),
        &inputs,
        for_people,
        |w| match args.format {
            AnalysisFormat::Text => text(ev, &found, w),
            AnalysisFormat::Json => json_out(ev, &found, w),
            AnalysisFormat::Markdown => markdown::render(ev, &found, w),
            AnalysisFormat::Html => html::render(ev, &found, w),
        },
    )
}

/// A message from the analysis with each `event N` followed by the event as written.
fn named(message: &str, know: &[String]) -> String {
    let mut out = message.to_owned();
    // From the last, so that `event 1` does not match inside `event 12`.
    for (i, k) in know.iter().enumerate().rev() {
        let n = i + 1;
        out = out
            .replace(&format!("event {n} "), &format!("event {n} (`{k}`) "))
            .replace(
                &format!("events {n} and"),
                &format!("events {n} (`{k}`) and"),
            )
            .replace(
                &format!("and {n} overlap"),
                &format!("and {n} (`{k}`) overlap"),
            );
    }
    out
}

fn option_id(ev: &Evaluation, node: u32) -> &str {
    &ev.model().nodes[node as usize].id
}

impl Found {
    /// The decision analysed.
    fn node(&self) -> u32 {
        match self {
            Found::Events { voi, .. } => voi.node,
            Found::Inputs { voi, .. } => voi.node,
        }
    }

    /// The option the decision takes without more information.
    fn choice(&self, ev: &Evaluation) -> u32 {
        let node = self.node();
        ev.decisions()
            .iter()
            .find(|d| d.node == node)
            .map_or(node, |d| d.choice)
    }

    /// The options worth the same whatever is learnt: they hold none of the events.
    fn uninformed<'e>(&self, ev: &'e Evaluation) -> Vec<&'e str> {
        let Found::Events { voi, .. } = self else {
            return Vec::new();
        };
        ev.decisions()
            .iter()
            .filter(|d| d.node == voi.node)
            .flat_map(|d| d.options.iter())
            .filter(|o| !voi.informed.contains(&o.node))
            .map(|o| option_id(ev, o.node))
            .collect()
    }
}

impl Found {
    /// The scale of the decision's values: a difference below a billionth of it is rounding
    /// (an EVPPI of 2.5e-14 is 0).
    fn scale(&self) -> f64 {
        let (a, b) = match self {
            Found::Events { voi, .. } => (voi.value, voi.with_information),
            Found::Inputs { voi, .. } => (voi.value, voi.with_information),
        };
        a.abs().max(b.abs())
    }

    /// A value of the decision for people, rounding noise taken out.
    fn shown(&self, ev: &Evaluation, v: f64) -> String {
        let v = if v.abs() <= 1e-9 * self.scale() {
            0.0
        } else {
            v
        };
        shown(ev, v)
    }
}

/// What every value of the report is, for people: the objective's name, then its label and
/// its unit (` (Net profit), in $k.`), for each format to write as `Values are the objective
/// NAME…`; `None` without an objective.
fn values_are(ev: &Evaluation) -> Option<(String, String)> {
    let model = ev.model();
    let (_, m) = model.objective?;
    let metric = &model.metrics[m as usize];
    let label = metric
        .label
        .as_deref()
        .map_or(String::new(), |l| format!(" ({})", scn_dsl::one_line(l)));
    let unit = metric
        .unit
        .as_deref()
        .map_or(String::new(), |u| format!(", in {}", scn_dsl::one_line(u)));
    Some((metric.name.clone(), format!("{label}{unit}.")))
}

/// What a decision's value measures, for people.
fn shown(ev: &Evaluation, v: f64) -> String {
    let m = crate::report::model::forecasts::objective_measure(ev.model());
    crate::report::Numbers::default().value(v, &m)
}

fn text(ev: &Evaluation, found: &Found, out: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(out);
    let model = ev.model();
    writeln!(
        w,
        "{} ({})",
        scn_dsl::one_line(&model.meta.title),
        model.meta.id
    )?;
    let node = match found {
        Found::Events { voi, .. } => voi.node,
        Found::Inputs { voi, .. } => voi.node,
    };
    let d = ev
        .decisions()
        .iter()
        .find(|d| d.node == node)
        .expect("the node is a decision");
    writeln!(
        w,
        "Value of information at {}, which takes `{}`",
        decision_label(ev, node),
        option_id(ev, d.choice)
    )?;
    if let Some((name, tail)) = values_are(ev) {
        writeln!(w, "Values are the objective `{name}`{tail}")?;
    }
    match found {
        Found::Events { voi, know } => {
            writeln!(w, "\nLearnt first, one of:")?;
            for (i, k) in know.iter().enumerate() {
                writeln!(w, "  {}. {k}", i + 1)?;
            }
            let rows: Vec<[String; 4]> = voi
                .cells
                .iter()
                .map(|c| {
                    [
                        c.event.map_or("none of them".to_owned(), |e| {
                            format!("{}. {}", e + 1, know[e])
                        }),
                        pct(c.probability),
                        format!("`{}`", option_id(ev, c.best)),
                        num(c.value),
                    ]
                })
                .collect();
            writeln!(w)?;
            table(
                &mut w,
                ["learnt", "probability", "best option", "its value"],
                &rows,
                "  ",
            )?;
            let uninformed: Vec<String> = d
                .options
                .iter()
                .filter(|o| !voi.informed.contains(&o.node))
                .map(|o| format!("`{}`", option_id(ev, o.node)))
                .collect();
            if !uninformed.is_empty() {
                writeln!(
                    w,
                    "  ({} hold{} none of the events: worth the same whatever is learnt)",
                    uninformed.join(", "),
                    if uninformed.len() == 1 { "s" } else { "" }
                )?;
            }
            writeln!(w)?;
            let rows = [
                ["Value without the information".to_owned(), num(voi.value)],
                ["Value with it".to_owned(), num(voi.with_information)],
                ["EVPI".to_owned(), num(voi.evpi)],
            ];
            table(&mut w, ["", ""], &rows, "")?;
        }
        Found::Inputs {
            voi,
            requested,
            seed,
        } => {
            writeln!(
                w,
                "\nPerfect information about every uncertain input ({} of {} samples used, seed {seed})",
                num(voi.samples as f64),
                num(*requested as f64)
            )?;
            let rows = [
                ["Best option's mean value".to_owned(), num(voi.value)],
                [
                    "Mean of the best option's value in each sample".to_owned(),
                    num(voi.with_information),
                ],
                ["EVPI".to_owned(), num(voi.evpi)],
            ];
            table(&mut w, ["", ""], &rows, "")?;
            if voi.evppi.is_empty() {
                writeln!(w, "\nNo let varies across the samples.")?;
            } else {
                writeln!(w, "\nEVPPI: learning one let alone (binned estimate)")?;
                let rows: Vec<[String; 2]> = voi
                    .evppi
                    .iter()
                    .map(|&(l, v)| [model.lets[l as usize].name.clone(), num(v)])
                    .collect();
                table(&mut w, ["input", "evppi"], &rows, "  ")?;
            }
            if voi.left_out > 0 {
                writeln!(w, "\nNote: {}", left_out_note(voi.left_out))?;
            }
        }
    }
    w.flush()
}

/// Why some lets have no EVPPI.
fn left_out_note(n: usize) -> String {
    format!(
        "EVPPI of {n} uncertain let{} left out (the last in the file): each costs a pass over \
         the samples per option, and together they would pass {} samples read; ask for fewer \
         --samples",
        if n == 1 { "" } else { "s" },
        scn_eval::analysis::SHARES_WORK
    )
}

fn json_out(ev: &Evaluation, found: &Found, out: &mut dyn Write) -> io::Result<()> {
    let model = ev.model();
    let voi: Value = match found {
        Found::Events { voi, know } => json!({
            "node": model.path_of(voi.node),
            "value": z(voi.value),
            "with_information": z(voi.with_information),
            "evpi": z(voi.evpi),
            "evppi": [],
            "basis": "events",
            "know": know,
            "cells": voi.cells.iter().map(|c| json!({
                "event": c.event.map(|e| know[e].as_str()),
                "probability": c.probability,
                "best": option_id(ev, c.best),
                "value": z(c.value),
            })).collect::<Vec<_>>(),
            "informed": voi.informed.iter().map(|&o| option_id(ev, o)).collect::<Vec<_>>(),
        }),
        Found::Inputs {
            voi,
            requested,
            seed,
        } => json!({
            "node": model.path_of(voi.node),
            "value": z(voi.value),
            "with_information": z(voi.with_information),
            "evpi": z(voi.evpi),
            "evppi": voi.evppi.iter().map(|&(l, v)| json!({
                "input": model.lets[l as usize].name,
                "value": z(v),
            })).collect::<Vec<_>>(),
            "basis": "inputs",
            "left_out": voi.left_out,
            "samples": {"requested": requested, "used": voi.samples, "ess": voi.ess, "seed": seed},
        }),
    };
    let doc = json!({
        "scenario": {"id": model.meta.id, "title": model.meta.title},
        "voi": voi,
    });
    let mut w = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, &doc).map_err(io::Error::other)?;
    writeln!(w)?;
    w.flush()
}
