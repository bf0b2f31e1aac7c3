//! The tables of the HTML report: forecasts, top paths, decisions, evidence, expectations.

use std::fmt::Write as _;

use super::{charts, esc, named, node_ref, observed, path_cell, pbar, with_unit};
use crate::report::markdown::LIST_LIMIT;
use crate::report::{AT_MEANS, Report, approx, num, pct};

/// Paths listed under "Top paths": the JSON report lists them all.
const TOP_PATHS: usize = 15;

pub(super) fn forecasts(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.forecasts.is_empty() {
        return;
    }
    s.push_str("<section id=\"forecasts\">\n<h2>Forecasts</h2>\n<div class=\"scroll\"><table>\n");
    let sampled = r.samples.is_some();
    // Sampled, a forecast leads with its sampled mean, the model's own expectation; the
    // point value (the tree at the inputs' means) sits under it.
    s.push_str(if sampled {
        "<thead><tr><th>Forecast</th><th class=\"num\">Sampled mean</th><th>Sampled 90% interval</th>"
    } else {
        "<thead><tr><th>Forecast</th><th class=\"num\">Value</th>"
    });
    s.push_str("</tr></thead>\n<tbody>\n");
    for f in r.ev.forecasts() {
        let h = &r.headlines[f.index];
        let point = f.value.map_or("undefined".into(), num);
        // The prior sits under the value rather than in a column of its own, so that the
        // table fits a phone.
        let mut under = String::new();
        if sampled {
            let _ = write!(under, "<br><span class=\"prior\">{AT_MEANS} {point}</span>");
        }
        if let Some(p) = f.prior {
            let _ = write!(under, "<br><span class=\"prior\">prior {}</span>", num(p));
        }
        let lead = match (h.sampled, f.value) {
            (Some(x), _) => approx(x.mean),
            (None, _) if sampled => "–".into(),
            (None, _) => point.clone(),
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\"><span class=\"big\">{lead}</span>{under}</td>",
            named(f.def.label.as_deref(), &f.def.name),
        );
        if sampled {
            s.push_str("<td class=\"interval\">");
            match h.sampled {
                Some(x) => {
                    let _ = write!(s, "{} – {}<br>", approx(x.p05), approx(x.p95));
                    charts::interval_bar(x.mean, x, s);
                }
                None => s.push('–'),
            }
            s.push_str("</td>");
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    if let Some(note) = r.nonlinear_note() {
        let _ = writeln!(s, "<p class=\"note\">Note: {}</p>", esc(&note));
    }
    s.push_str("</section>\n");
}

pub(super) fn paths(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    let evidence = r.ev.evidence().is_some();
    s.push_str("<section id=\"paths\">\n<h2>Top paths</h2>\n<div class=\"scroll\"><table class=\"paths\">\n");
    s.push_str("<thead><tr><th class=\"num\">#</th><th>Probability</th>");
    if evidence {
        s.push_str("<th class=\"num\">Prior</th>");
    }
    // An undated scenario would show an empty column.
    let dated = r.paths_dated();
    s.push_str(if dated {
        "<th>Path</th><th>Date</th>"
    } else {
        "<th>Path</th>"
    });
    for m in &model.metrics {
        let _ = write!(
            s,
            "<th class=\"num\">{}</th>",
            esc(m.label.as_deref().unwrap_or(&m.name))
        );
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for (rank, &leaf) in r.paths.iter().take(TOP_PATHS).enumerate() {
        let p = r.prob(leaf);
        let _ = write!(
            s,
            "<tr><td class=\"num rank\">{}</td><td class=\"prob\" data-label=\"Probability\">{}{}</td>",
            rank + 1,
            pbar(p),
            pct(p)
        );
        if evidence {
            let _ = write!(
                s,
                "<td class=\"num muted\" data-label=\"Prior\">{}</td>",
                pct(r.ev.node(leaf).prior)
            );
        }
        let _ = write!(s, "<td class=\"path\">{}</td>", path_cell(model, leaf));
        if dated {
            let date = model.nodes[leaf as usize].date.map(|d| d.to_string());
            let _ = write!(
                s,
                "<td class=\"date\" data-label=\"Date\">{}</td>",
                date.unwrap_or_default()
            );
        }
        for (i, m) in model.metrics.iter().enumerate() {
            let _ = write!(
                s,
                "<td class=\"num\" data-label=\"{}\">{}</td>",
                esc(m.label.as_deref().unwrap_or(&m.name)),
                with_unit(r.metric_at(leaf, i), m.unit.as_deref())
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
    if r.paths.len() > TOP_PATHS {
        let rest = r.mass_beyond(TOP_PATHS);
        let _ = writeln!(
            s,
            "<p class=\"note\">{} more paths hold {} of the probability; <code>--format json</code> lists every path.</p>",
            r.paths.len() - TOP_PATHS,
            pct(rest)
        );
    }
    s.push_str("</section>\n");
}

pub(super) fn decisions(r: &Report<'_>, s: &mut String) {
    let ev = r.ev;
    let model = &ev.model();
    let Some((dir, obj)) = model.objective.filter(|_| !ev.decisions().is_empty()) else {
        return;
    };
    let verb = dir.as_str();
    let metric = &model.metrics[obj as usize];
    let _ = writeln!(
        s,
        "<section id=\"decisions\">\n<h2>Decisions</h2>\n<p class=\"note\">Each option is valued by \
         the expected {} it leads to; the choice is made to <b>{verb}</b> it.</p>",
        named(metric.label.as_deref(), &metric.name)
    );
    for (i, d) in ev.decisions().iter().enumerate() {
        let at = if d.node == 0 {
            "the root".to_owned()
        } else {
            format!(
                "{} <code>{}</code>",
                esc(model.nodes[d.node as usize].label()),
                esc(&model.path_of(d.node))
            )
        };
        let reach = ev.node(d.node).prior;
        let class = if reach > 0.0 {
            "card"
        } else {
            "card unreached"
        };
        let _ = writeln!(
            s,
            "<div class=\"{class}\">\n<h3>At {at}: take {}</h3>",
            esc(model.nodes[d.choice as usize].label())
        );
        if d.node == 0 {
            // The root is always reached: saying so is noise.
        } else if reach > 0.0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">Reached with probability {}.</p>",
                pct(reach)
            );
        } else {
            s.push_str("<p class=\"note\">Not reached: it lies under an option not taken, or a branch of probability 0.</p>\n");
        }
        s.push_str("<div class=\"scroll\"><table>\n<thead><tr><th></th><th>Option</th><th class=\"num\">Value</th>");
        if r.samples.is_some() {
            s.push_str("<th class=\"num\">Best in samples</th>");
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (j, opt) in d.options.iter().enumerate() {
            let (o, v) = (opt.node, opt.value);
            let node = &model.nodes[o as usize];
            let chosen = o == d.choice;
            let _ = write!(
                s,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td class=\"num\">{}</td>",
                if chosen { "chosen" } else { "unchosen" },
                if chosen { "✔ chosen" } else { "" },
                named(node.label.as_deref(), &node.id),
                num(v)
            );
            if let Some(sm) = r.samples {
                let share = sm.optimal_share[i][j];
                let _ = write!(s, "<td class=\"prob\">{}{}</td>", pbar(share), pct(share));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table></div>\n</div>\n");
    }
    s.push_str("</section>\n");
}

pub(super) fn evidence(r: &Report<'_>, s: &mut String) {
    let ev = r.ev;
    let Some(p) = ev.evidence() else {
        return;
    };
    let model = &ev.model();
    let _ = writeln!(
        s,
        "<section id=\"evidence\">\n<h2>Evidence</h2>\n<p>Observed: {}. It had probability {} before \
         it was observed; paths outside it now have probability 0 and the rest are scaled up by {}.</p>",
        observed(r),
        pct(p),
        num(1.0 / p)
    );
    s.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>Quantity</th><th class=\"num\">Prior</th><th class=\"num\">Posterior</th></tr></thead>\n<tbody>\n");
    for f in ev.forecasts() {
        let _ = writeln!(
            s,
            "<tr><td>Forecast {}</td><td class=\"num muted\">{}</td><td class=\"num\">{}</td></tr>",
            named(f.def.label.as_deref(), &f.def.name),
            f.prior.map_or(String::new(), num),
            f.value.map_or("undefined".into(), num)
        );
    }
    for mv in ev.metrics() {
        let (m, v, prior) = (mv.def, mv.expected, mv.prior);
        let unit = m.unit.as_deref();
        let _ = writeln!(
            s,
            "<tr><td>Expected {}</td><td class=\"num muted\">{}</td><td class=\"num\">{}</td></tr>",
            named(m.label.as_deref(), &m.name),
            prior.map_or(String::new(), |x| with_unit(x, unit)),
            with_unit(v, unit)
        );
    }
    // The shallow branches are the ones a reader recognises; deep ones follow from them.
    let changed = ev
        .nodes()
        .skip(1)
        .filter(|n| n.def.depth <= 2 && n.prior != n.probability);
    for n in changed.take(LIST_LIMIT) {
        let _ = writeln!(
            s,
            "<tr><td>Branch {}</td><td class=\"num muted\">{}</td><td class=\"num\">{}</td></tr>",
            node_ref(model, n.id),
            pct(n.prior),
            pct(n.probability)
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}

pub(super) fn expectations(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.expects.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"expectations\">\n<h2>Expectations</h2>\n<div class=\"scroll\"><table>\n",
    );
    s.push_str("<thead><tr><th class=\"num\">Line</th><th class=\"num\">Value</th><th>Bounds</th><th>Result</th></tr></thead>\n<tbody>\n");
    for (d, o) in r.ev.expectations() {
        let line = r.sources.get(d.file).line_col(d.span.start).0;
        let result = if o.holds {
            "<span class=\"ok\">holds</span>"
        } else {
            "<span class=\"fail\">fails</span>"
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"num\">{line}</td><td class=\"num\">{}</td><td>{} .. {}</td><td>{result}</td></tr>",
            o.value.map_or("undefined".into(), num),
            num(d.lo),
            num(d.hi)
        );
    }
    s.push_str("</tbody></table></div>\n</section>\n");
}
