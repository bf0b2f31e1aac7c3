//! The text report: what a forecaster reads in a terminal.

use std::io::{self, Write};

use scn_eval::model::NodeKind;

use super::{AT_MEANS, Render, Report, approx, num, pct};

pub(crate) struct Text;

/// Nodes shown in the tree before it is cut short (the JSON has them all).
const TREE_LIMIT: usize = 400;
/// Widest id-and-label shown in the tree before it is cut with an ellipsis.
const NAME_WIDTH: usize = 60;
/// Paths listed under "Top paths".
const TOP_PATHS: usize = 10;

impl Render for Text {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut w = io::BufWriter::new(out);
        let ev = r.ev;
        let model = &ev.model();
        let meta = &model.meta;
        writeln!(w, "{} ({})", meta.title, meta.id)?;
        let mut dates = Vec::new();
        if let Some(d) = meta.as_of {
            dates.push(format!("as of {d}"));
        }
        if let Some(d) = meta.horizon {
            dates.push(format!("horizon {d}"));
        }
        if let Some(a) = &meta.author {
            dates.push(format!("by {a}"));
        }
        if !dates.is_empty() {
            writeln!(w, "{}", dates.join(" · "))?;
        }
        if let Some(d) = &meta.description {
            writeln!(w, "{d}")?;
        }
        let evidence = ev.evidence().is_some();
        if let Some(p) = ev.evidence() {
            writeln!(
                w,
                "Evidence observed (probability {} before it); probabilities below are given the evidence.",
                pct(p)
            )?;
        }

        writeln!(w, "\nTree")?;
        let shown = model.nodes.len().saturating_sub(1).min(TREE_LIMIT);
        let names: Vec<String> = (1..=shown)
            .map(|k| {
                let node = &model.nodes[k];
                let indent = "  ".repeat(node.depth as usize - 1);
                let name = match &node.label {
                    Some(l) => format!("{indent}{}  {l}", node.id),
                    None => format!("{indent}{}", node.id),
                };
                if name.chars().count() > NAME_WIDTH {
                    name.chars().take(NAME_WIDTH - 1).chain(['…']).collect()
                } else {
                    name
                }
            })
            .collect();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let header = if evidence {
            "p(branch)   p(path)     prior"
        } else {
            "p(branch)   p(path)"
        };
        writeln!(w, "  {:<width$} {header}   date", "")?;
        for (k, name) in (1..=shown).zip(&names) {
            let view = ev.node(k as u32);
            let node = view.def;
            let cond = match node.kind {
                NodeKind::Option if view.is_chosen_option() => "chosen".to_owned(),
                NodeKind::Option => "-".to_owned(),
                _ => pct(view.cond_now),
            };
            let mut line = format!("  {name:<width$} {cond:>9} {:>9}", pct(view.probability));
            if evidence {
                line.push_str(&format!(" {:>9}", pct(view.prior)));
            }
            line.push_str(&format!(
                "   {}",
                node.date.map(|d| d.to_string()).unwrap_or_default()
            ));
            for t in &node.tags {
                line.push_str(&format!(" #{}", model.tags[*t as usize]));
            }
            writeln!(w, "{}", line.trim_end())?;
        }
        if shown < model.nodes.len() - 1 {
            writeln!(
                w,
                "  … {} more nodes (scn eval --format json lists every path)",
                model.nodes.len() - 1 - shown
            )?;
        }

        let id_width = model
            .forecasts
            .iter()
            .map(|f| f.name.len())
            .chain(model.metrics.iter().map(|m| m.name.len()))
            .max()
            .unwrap_or(0)
            .max(16);
        if !model.forecasts.is_empty() {
            let sampled = r.samples.is_some();
            writeln!(
                w,
                "\nForecasts{}",
                if sampled {
                    " (sampled means; ranges are 90% intervals)"
                } else {
                    ""
                }
            )?;
            for f in ev.forecasts() {
                let h = &r.headlines[f.index];
                let label = f.def.label.as_deref().unwrap_or("");
                let prior = f
                    .prior
                    .map(|p| format!("   (prior {})", num(p)))
                    .unwrap_or_default();
                let lead = match (h.lead(), h.sampled) {
                    (None, _) => "undefined".to_owned(),
                    (Some(v), Some(_)) => approx(v),
                    (Some(v), None) => num(v),
                };
                writeln!(w, "  {:<id_width$} {lead:>14}{prior}   {label}", f.def.name)?;
                if let Some(s) = h.sampled {
                    let point = f.value.map_or("undefined".into(), num);
                    writeln!(w, "  {:<id_width$} {} · {AT_MEANS} {point}", "", spread(s))?;
                } else if sampled {
                    writeln!(w, "  {:<id_width$} sampled: undefined in every sample", "")?;
                }
            }
            if let Some(note) = r.nonlinear_note() {
                writeln!(w, "  note: {note}")?;
            }
        }

        if !model.metrics.is_empty() {
            writeln!(w, "\nExpected metrics")?;
            for m in ev.metrics() {
                let label = m.def.label.as_deref().unwrap_or("");
                // `unit "%" = 18%` stores 0.18: show it as the writer wrote it.
                let (show, unit): (fn(f64) -> String, String) = match m.def.unit.as_deref() {
                    Some("%") => (pct, String::new()),
                    Some(u) => (num, format!(" {u}")),
                    None => (num, String::new()),
                };
                let prior = m
                    .prior
                    .map(|p| format!("   (prior {})", show(p)))
                    .unwrap_or_default();
                writeln!(
                    w,
                    "  {:<id_width$} {:>14}{unit}{prior}   {label}",
                    m.def.name,
                    show(m.expected)
                )?;
                if let Some(s) = r.samples.and_then(|s| s.metrics[m.index].summary.as_ref()) {
                    let s = if m.def.unit.as_deref() == Some("%") {
                        scaled(s, 100.0)
                    } else {
                        *s
                    };
                    writeln!(w, "  {:<id_width$} outcome {}", "", spread(&s))?;
                }
            }
        }

        if !ev.decisions().is_empty() {
            let (dir, obj) = model.objective.expect("decisions need an objective");
            let verb = dir.as_str();
            writeln!(
                w,
                "\nDecisions ({verb} {})",
                model.metrics[obj as usize].name
            )?;
            for (i, d) in ev.decisions().iter().enumerate() {
                let at = if d.node == 0 {
                    "(root)".to_owned()
                } else {
                    model.path_of(d.node)
                };
                writeln!(w, "  at {at}: take {}", model.nodes[d.choice as usize].id)?;
                for (j, opt) in d.options.iter().enumerate() {
                    let (o, v) = (opt.node, opt.value);
                    let mark = if o == d.choice { "*" } else { " " };
                    let share = r
                        .samples
                        .map(|s| format!("   best in {} of samples", pct(s.optimal_share[i][j])))
                        .unwrap_or_default();
                    writeln!(
                        w,
                        "    {mark} {:<22} {:>14}{share}   {}",
                        model.nodes[o as usize].id,
                        num(v),
                        model.nodes[o as usize].label()
                    )?;
                }
            }
        }

        if !model.expects.is_empty() {
            writeln!(w, "\nExpectations")?;
            for (d, o) in ev.expectations() {
                let line = r.sources.get(d.file).line_col(d.span.start).0;
                let status = if o.holds { "ok  " } else { "FAIL" };
                writeln!(
                    w,
                    "  {status} line {line}: {} in {} .. {}",
                    o.value.map_or("undefined".into(), num),
                    num(d.lo),
                    num(d.hi)
                )?;
            }
        }

        writeln!(w, "\nTop paths")?;
        for &leaf in r.paths.iter().take(TOP_PATHS) {
            let path = model.path_of(leaf);
            let path = if path.is_empty() {
                "(root)".to_owned()
            } else {
                path
            };
            let date = model.nodes[leaf as usize]
                .date
                .map(|d| format!("  {d}"))
                .unwrap_or_default();
            let metrics: Vec<String> = model
                .metrics
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let v = r.metric_at(leaf, i);
                    let shown = if m.unit.as_deref() == Some("%") {
                        pct(v)
                    } else {
                        num(v)
                    };
                    format!("{}={shown}", m.name)
                })
                .collect();
            writeln!(
                w,
                "  {:>7}  {path}{date}  {}",
                pct(r.prob(leaf)),
                metrics.join(" ")
            )?;
        }
        if r.paths.len() > TOP_PATHS {
            writeln!(w, "  … {} more paths", r.paths.len() - TOP_PATHS)?;
        }
        if !model.sources.is_empty() {
            writeln!(w, "\nSources")?;
            for (i, src) in model.sources.iter().enumerate() {
                let citing: Vec<String> = (1..model.nodes.len() as u32)
                    .filter(|&n| model.nodes[n as usize].cites.contains(&(i as u32)))
                    .map(|n| model.path_of(n))
                    .collect();
                let by = if citing.is_empty() {
                    "not cited".to_owned()
                } else {
                    format!("cited by {}", citing.join(", "))
                };
                writeln!(w, "  {:<id_width$} {}   ({by})", src.id, src.text)?;
            }
        }
        if let Some(s) = r.samples {
            let ess = s
                .evidence_ess
                .map(|e| format!(", weighted by the evidence: effective sample size {e:.0}"))
                .unwrap_or_default();
            writeln!(
                w,
                "\nMonte Carlo: {} samples kept of {}{ess} (forecasts lead with sampled means; tree, paths and expected metrics are exact {AT_MEANS})",
                s.kept, s.requested
            )?;
        }
        for warning in &r.warnings {
            writeln!(w, "\nwarning: {warning}")?;
        }
        w.flush()
    }
}

/// "sampled: mean 0.251 · sd 0.121 · 90% 0.0777 .. 0.47 · median 0.238"
fn spread(s: &scn_eval::Summary) -> String {
    let ess = s
        .ess
        .map(|e| format!(" · ess {}", num(e.round())))
        .unwrap_or_default();
    format!(
        "sampled: mean {} · sd {} · 90% {} .. {} · median {}{ess}",
        approx(s.mean),
        approx(sd_shown(s)),
        approx(s.p05),
        approx(s.p95),
        approx(s.p50)
    )
}

/// The sd as a reader should see it: a spread below floating-point noise is 0.
pub(crate) fn sd_shown(s: &scn_eval::Summary) -> f64 {
    if s.sd <= 1e-12 * s.mean.abs().max(f64::MIN_POSITIVE) {
        0.0
    } else {
        s.sd
    }
}

/// A summary in other units (fractions shown as percentages).
fn scaled(s: &scn_eval::Summary, k: f64) -> scn_eval::Summary {
    scn_eval::Summary {
        mean: s.mean * k,
        sd: s.sd * k,
        p05: s.p05 * k,
        p50: s.p50 * k,
        p95: s.p95 * k,
        ..*s
    }
}
