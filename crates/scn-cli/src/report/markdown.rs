//! The Markdown report: GitHub-flavoured tables and lists, for an issue, a pull request or a
//! wiki page. It needs no raw HTML, so it reads the same wherever Markdown is sanitised.

mod escape;
mod values;

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::Summary;
use scn_eval::model::{Model, NodeId, NodeKind};

use super::{Render, Report, approx, num, pct};
use escape::{block, code, inline};
pub(super) use values::{LIST_LIMIT, citations, elided, observed_texts, sampled_range, unit_value};

pub(crate) struct Markdown;

/// Paths listed under "Top paths": the JSON report lists them all.
const TOP_PATHS: usize = 10;
/// Branches compared under "Evidence" before the list is cut short.
const EVIDENCE_BRANCHES: usize = 20;

impl Render for Markdown {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // The report is small whatever the tree (its lists are cut short), so a string is
        // simpler than threading io errors through every line.
        let mut s = String::new();
        header(r, &mut s);
        forecasts(r, &mut s);
        paths(r, &mut s);
        metrics(r, &mut s);
        decisions(r, &mut s);
        evidence(r, &mut s);
        expectations(r, &mut s);
        sources(r, &mut s);
        if !r.warnings.is_empty() {
            s.push_str("\n## Warnings\n\n");
            for w in &r.warnings {
                let _ = writeln!(s, "- {}", inline(w));
            }
        }
        out.write_all(s.as_bytes())?;
        out.flush()
    }
}

fn header(r: &Report<'_>, s: &mut String) {
    let meta = &r.ev.model().meta;
    let _ = writeln!(s, "# {}\n", inline(&meta.title));
    let mut facts = vec![format!("`{}`", meta.id)];
    if let Some(d) = meta.as_of {
        facts.push(format!("as of **{d}**"));
    }
    if let Some(d) = meta.horizon {
        facts.push(format!("horizon **{d}**"));
    }
    if let Some(a) = &meta.author {
        facts.push(format!("by {}", inline(a)));
    }
    let _ = writeln!(s, "{}", facts.join(" · "));
    if let Some(d) = &meta.description {
        let _ = writeln!(s, "\n{}", block(d));
    }
    if let Some(p) = r.ev.evidence() {
        let _ = writeln!(
            s,
            "\n> **Given the evidence** ({}; probability {} before it was observed), every \
             probability and expected value below is conditioned on it. See [Evidence](#evidence).",
            observed(r),
            pct(p)
        );
    }
    if let Some(sm) = r.samples {
        let _ = writeln!(
            s,
            "\n_Forecasts lead with the mean of {} Monte Carlo samples ({} requested{}); intervals are \
             90% intervals (5th to 95th percentile). The tree, paths and expected metrics are exact \
             at the inputs' means._",
            num(sm.kept as f64),
            num(sm.requested as f64),
            sm.evidence_ess.map_or(String::new(), |e| format!(
                "; weighted by the evidence, effective sample size {}",
                num(e.round())
            ))
        );
    }
}

fn forecasts(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.forecasts.is_empty() {
        return;
    }
    let sampled = r.samples.is_some();
    let evidence = r.ev.evidence().is_some();
    // Sampled, a forecast leads with its sampled mean, the model's own expectation; the
    // point value is the tree at the inputs' means.
    if sampled {
        s.push_str(
            "\n## Forecasts\n\n| Forecast | Sampled mean | 90% interval | At the inputs' means |",
        );
    } else {
        s.push_str("\n## Forecasts\n\n| Forecast | Value |");
    }
    if evidence {
        s.push_str(" Prior |");
    }
    s.push_str("\n|---|---:|");
    s.push_str(&"---:|".repeat(2 * usize::from(sampled) + usize::from(evidence)));
    s.push('\n');
    for f in r.ev.forecasts() {
        let h = &r.headlines[f.index];
        let point = f.value.map_or("undefined".into(), num);
        let _ = write!(s, "| {} |", named(f.def.label.as_deref(), &f.def.name));
        if sampled {
            let _ = write!(
                s,
                " {} | {} | {point} |",
                h.sampled.map_or("–".into(), |x| approx(x.mean)),
                interval(h.sampled)
            );
        } else {
            let _ = write!(s, " {point} |");
        }
        if evidence {
            let _ = write!(s, " {} |", f.prior.map_or(String::new(), num));
        }
        s.push('\n');
    }
    // The note is our own words around forecast ids, which are plain identifiers.
    if let Some(note) = r.nonlinear_note() {
        let _ = writeln!(s, "\n_Note: {note}_");
    }
}

fn paths(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    let evidence = r.ev.evidence().is_some();
    s.push_str("\n## Top paths\n\n| # | Probability |");
    if evidence {
        s.push_str(" Prior |");
    }
    // An undated scenario would show an empty column.
    let dated = r.paths_dated();
    s.push_str(if dated { " Path | Date |" } else { " Path |" });
    for m in &model.metrics {
        let _ = write!(s, " {} |", inline(m.label.as_deref().unwrap_or(&m.name)));
    }
    s.push_str("\n|---:|---:|");
    if evidence {
        s.push_str("---:|");
    }
    s.push_str(if dated { "---|---|" } else { "---|" });
    s.push_str(&"---:|".repeat(model.metrics.len()));
    s.push('\n');
    for (rank, &leaf) in r.paths.iter().take(TOP_PATHS).enumerate() {
        let _ = write!(s, "| {} | {} |", rank + 1, pct(r.prob(leaf)));
        if evidence {
            let _ = write!(s, " {} |", pct(r.ev.node(leaf).prior));
        }
        let _ = write!(s, " {} |", path_labels(model, leaf));
        if dated {
            let date = model.nodes[leaf as usize].date.map(|d| d.to_string());
            let _ = write!(s, " {} |", date.unwrap_or_default());
        }
        for (i, m) in model.metrics.iter().enumerate() {
            let _ = write!(
                s,
                " {} |",
                with_unit(r.metric_at(leaf, i), m.unit.as_deref())
            );
        }
        s.push('\n');
    }
    if r.paths.len() > TOP_PATHS {
        let rest = r.mass_beyond(TOP_PATHS);
        let _ = writeln!(
            s,
            "\n{} more paths hold {} of the probability (`--format json` lists every path).",
            r.paths.len() - TOP_PATHS,
            pct(rest)
        );
    }
}

fn metrics(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.metrics.is_empty() {
        return;
    }
    let sampled = r.samples.is_some();
    let evidence = r.ev.evidence().is_some();
    s.push_str("\n## Expected metrics\n\n| Metric | Expected |");
    if sampled {
        s.push_str(" Outcome 90% interval | Outcome median |");
    }
    if evidence {
        s.push_str(" Prior |");
    }
    s.push_str("\n|---|---:|");
    s.push_str(&"---:|".repeat(2 * usize::from(sampled) + usize::from(evidence)));
    s.push('\n');
    for mv in r.ev.metrics() {
        let (m, v, prior) = (mv.def, mv.expected, mv.prior);
        let unit = m.unit.as_deref();
        let _ = write!(
            s,
            "| {} | {} |",
            named(m.label.as_deref(), &m.name),
            with_unit(v, unit)
        );
        if let Some(sm) = r.samples {
            let summary = sm.metrics[mv.index].summary.as_ref();
            let sampled = |v: f64| unit_value(v, unit, approx, inline);
            let median = summary.map_or("–".into(), |x| sampled(x.p50));
            let range = summary.map_or("–".into(), |x| sampled_range(x.p05, x.p95, unit, inline));
            let _ = write!(s, " {range} | {median} |");
        }
        if evidence {
            let _ = write!(
                s,
                " {} |",
                prior.map_or(String::new(), |p| with_unit(p, unit))
            );
        }
        s.push('\n');
    }
    if sampled {
        s.push_str(
            "\nAn outcome interval spans the metric's value on one path drawn per sample, so it \
             shows how far a single future can fall from the expectation.\n",
        );
    }
}

fn decisions(r: &Report<'_>, s: &mut String) {
    let ev = r.ev;
    let model = &ev.model();
    let Some((dir, obj)) = model.objective.filter(|_| !ev.decisions().is_empty()) else {
        return;
    };
    let verb = dir.as_str();
    let metric = &model.metrics[obj as usize];
    let _ = writeln!(
        s,
        "\n## Decisions\n\nEach option is valued by the expected {} it leads to; the choice is made to \
         {verb} it.",
        named(metric.label.as_deref(), &metric.name)
    );
    for (i, d) in ev.decisions().iter().enumerate() {
        let at = if d.node == 0 {
            "the root".to_owned()
        } else {
            format!(
                "`{}` ({})",
                model.path_of(d.node),
                inline(model.nodes[d.node as usize].label())
            )
        };
        let choice = &model.nodes[d.choice as usize];
        let _ = writeln!(s, "\n### At {at}: take **{}**\n", inline(choice.label()));
        let reach = ev.node(d.node).prior;
        if d.node == 0 {
            // The root is always reached: saying so is noise.
        } else if reach > 0.0 {
            let _ = writeln!(s, "Reached with probability {}.\n", pct(reach));
        } else {
            s.push_str(
                "Not reached: it lies under an option not taken, or a branch of probability 0.\n\n",
            );
        }
        s.push_str("| | Option | Value |");
        if r.samples.is_some() {
            s.push_str(" Best in samples |");
        }
        s.push_str("\n|---|---|---:|");
        if r.samples.is_some() {
            s.push_str("---:|");
        }
        s.push('\n');
        for (j, opt) in d.options.iter().enumerate() {
            let (o, v) = (opt.node, opt.value);
            let node = &model.nodes[o as usize];
            let (mark, name) = if o == d.choice {
                (
                    "✔ chosen",
                    format!("**{}** `{}`", inline(node.label()), node.id),
                )
            } else {
                ("", named(node.label.as_deref(), &node.id))
            };
            let _ = write!(s, "| {mark} | {name} | {} |", num(v));
            if let Some(sm) = r.samples {
                let _ = write!(s, " {} |", pct(sm.optimal_share[i][j]));
            }
            s.push('\n');
        }
    }
}

fn evidence(r: &Report<'_>, s: &mut String) {
    let ev = r.ev;
    let Some(p) = ev.evidence() else {
        return;
    };
    let model = &ev.model();
    let _ = writeln!(
        s,
        "\n## Evidence\n\nObserved: {}. It had probability {} before it was observed; paths outside \
         it now have probability 0 and the rest are scaled up by {}.\n",
        observed(r),
        pct(p),
        num(1.0 / p)
    );
    s.push_str("| Quantity | Prior | Posterior |\n|---|---:|---:|\n");
    for f in ev.forecasts() {
        let name = named(f.def.label.as_deref(), &f.def.name);
        let _ = writeln!(
            s,
            "| Forecast {name} | {} | {} |",
            f.prior.map_or(String::new(), num),
            f.value.map_or("undefined".into(), num)
        );
    }
    for mv in ev.metrics() {
        let m = mv.def;
        let name = named(m.label.as_deref(), &m.name);
        let unit = m.unit.as_deref();
        let prior = mv.prior.map_or(String::new(), |x| with_unit(x, unit));
        let _ = writeln!(
            s,
            "| Expected {name} | {prior} | {} |",
            with_unit(mv.expected, unit)
        );
    }
    // The shallow branches are the ones a reader recognises; deep ones follow from them.
    let changed = ev
        .nodes()
        .skip(1)
        .filter(|n| n.def.depth <= 2 && n.prior != n.probability)
        .map(|n| n.id as usize);
    for (shown, k) in changed.enumerate() {
        if shown == EVIDENCE_BRANCHES {
            s.push_str("| … | | |\n");
            break;
        }
        let node = &model.nodes[k];
        let _ = writeln!(
            s,
            "| Branch `{}` {} | {} | {} |",
            model.path_of(k as NodeId),
            inline(node.label()),
            pct(ev.node(k as u32).prior),
            pct(ev.node(k as u32).probability)
        );
    }
}

fn expectations(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.expects.is_empty() {
        return;
    }
    s.push_str("\n## Expectations\n\n| Line | Value | Bounds | Result |\n|---:|---:|---|---|\n");
    for (d, o) in r.ev.expectations() {
        let line = r.sources.get(d.file).line_col(d.span.start).0;
        let result = if o.holds { "holds" } else { "**fails**" };
        let _ = writeln!(
            s,
            "| {line} | {} | {} .. {} | {result} |",
            o.value.map_or("undefined".into(), num),
            num(d.lo),
            num(d.hi)
        );
    }
}

fn sources(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    let notes: Vec<NodeId> = (0..model.nodes.len() as NodeId)
        .filter(|&k| !model.nodes[k as usize].notes.is_empty())
        .collect();
    if model.sources.is_empty() && notes.is_empty() {
        return;
    }
    if !model.sources.is_empty() {
        s.push_str("\n## Sources\n\n");
        for (src, citing) in model.sources.iter().zip(citations(model)) {
            let _ = write!(s, "- **{}**: {}", src.id, inline(&src.text));
            if citing.is_empty() {
                s.push_str(" — not cited by any branch");
            } else {
                let names: Vec<String> = citing
                    .iter()
                    .take(LIST_LIMIT)
                    .map(|&k| branch_ref(model, k))
                    .collect();
                let _ = write!(s, " — cited by {}", names.join(", "));
                if citing.len() > LIST_LIMIT {
                    let _ = write!(s, " and {} more", citing.len() - LIST_LIMIT);
                }
            }
            s.push('\n');
        }
    }
    if !notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for &k in notes.iter().take(LIST_LIMIT) {
            for note in &model.nodes[k as usize].notes {
                let _ = writeln!(s, "- {}: {}", branch_ref(model, k), inline(note));
            }
        }
        if notes.len() > LIST_LIMIT {
            let _ = writeln!(
                s,
                "- … and notes on {} more branches",
                notes.len() - LIST_LIMIT
            );
        }
    }
}

fn observed(r: &Report<'_>) -> String {
    let texts: Vec<String> = observed_texts(r).iter().map(|t| code(t)).collect();
    texts.join(" and ")
}

/// "Label `dotted.path`", or just the path when the label is the id.
fn branch_ref(model: &Model, k: NodeId) -> String {
    let node = &model.nodes[k as usize];
    let path = if k == 0 {
        "(root)".to_owned()
    } else {
        model.path_of(k)
    };
    if node.kind == NodeKind::Root || node.label.is_none() {
        format!("`{path}`")
    } else {
        format!("{} `{path}`", inline(node.label()))
    }
}

/// The labels along a path, root excluded.
fn path_labels(model: &Model, leaf: NodeId) -> String {
    if leaf == 0 {
        return "(root)".to_owned();
    }
    let parts = elided(&model.ancestry(leaf), |_, k| {
        inline(model.nodes[k as usize].label())
    });
    parts.join(" › ")
}

/// "Label `id`", or "`id`" when there is no label.
fn named(label: Option<&str>, id: &str) -> String {
    match label {
        Some(l) => format!("{} `{id}`", inline(l)),
        None => format!("`{id}`"),
    }
}

fn interval(s: Option<&Summary>) -> String {
    s.map_or("–".into(), |s| {
        format!("{} – {}", approx(s.p05), approx(s.p95))
    })
}

fn with_unit(v: f64, unit: Option<&str>) -> String {
    unit_value(v, unit, num, inline)
}
