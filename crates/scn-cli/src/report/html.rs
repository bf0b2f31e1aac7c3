//! The HTML report: one self-contained page (inline CSS and SVG, nothing fetched, no script)
//! that reads on a phone and prints on paper. The output depends only on the evaluation, so
//! two runs give the same bytes.

mod charts;
mod tables;
mod timeline;
mod tree;

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::Summary;
use scn_eval::model::{Model, NodeId};

use super::markdown::{LIST_LIMIT, citations, elided, observed_texts, sampled_range, unit_value};
use super::{Render, Report, approx, num, pct};

pub(crate) struct Html;

const STYLE: &str = include_str!("html/style.css");
/// Metrics drawn as histograms; the rest are only in the table.
const HISTOGRAMS: usize = 12;

impl Render for Html {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // Every list and chart is cut to a readable size, so the page is small whatever the
        // tree: a string is simpler than threading io errors through every element.
        let mut s = String::with_capacity(64 * 1024);
        let meta = &r.ev.model().meta;
        s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(s, "<title>{}</title>", esc(&meta.title));
        let _ = writeln!(s, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>");
        header(r, &mut s);
        contents(r, &mut s);
        tables::forecasts(r, &mut s);
        tree::section(r, &mut s);
        timeline::section(r, &mut s);
        tables::paths(r, &mut s);
        metrics(r, &mut s);
        tables::decisions(r, &mut s);
        tables::evidence(r, &mut s);
        tables::expectations(r, &mut s);
        sources(r, &mut s);
        if !r.warnings.is_empty() {
            s.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
            for w in &r.warnings {
                let _ = writeln!(s, "<li>{}</li>", esc(w));
            }
            s.push_str("</ul>\n</section>\n");
        }
        let _ = writeln!(
            s,
            "<footer>Report of <code>{}</code> by scn {}. Point values are exact; sampled ranges \
             are Monte Carlo estimates.</footer>\n</main>\n</body>\n</html>",
            esc(&meta.id),
            env!("CARGO_PKG_VERSION")
        );
        out.write_all(s.as_bytes())?;
        out.flush()
    }
}

fn header(r: &Report<'_>, s: &mut String) {
    let meta = &r.ev.model().meta;
    let _ = writeln!(
        s,
        "<header>\n<p class=\"kicker\">Scenario <code>{}</code></p>",
        esc(&meta.id)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&meta.title));
    let mut facts = Vec::new();
    if let Some(d) = meta.as_of {
        facts.push(format!("<span>As of <time>{d}</time></span>"));
    }
    if let Some(d) = meta.horizon {
        facts.push(format!("<span>Horizon <time>{d}</time></span>"));
    }
    if let Some(a) = &meta.author {
        facts.push(format!("<span>By {}</span>", esc(a)));
    }
    if let Some(sm) = r.samples {
        facts.push(format!(
            "<span>{} Monte Carlo samples</span>",
            num(sm.kept as f64)
        ));
    }
    if !facts.is_empty() {
        let _ = writeln!(s, "<p class=\"facts\">{}</p>", facts.join(" "));
    }
    if let Some(d) = &meta.description {
        for para in d.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = writeln!(
                s,
                "<p class=\"description\">{}</p>",
                esc(para.trim()).replace('\n', "<br>")
            );
        }
    }
    if let Some(p) = r.ev.evidence() {
        let _ = writeln!(
            s,
            "<p class=\"callout\"><strong>Given the evidence</strong> {} (probability {} before it was \
             observed), every probability and expected value below is conditioned on it. \
             <a href=\"#evidence\">Prior and posterior</a>.</p>",
            observed(r),
            pct(p)
        );
    }
    s.push_str("</header>\n");
}

fn contents(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    let mut links = Vec::new();
    let mut add = |show: bool, id: &str, name: &str| {
        if show {
            links.push(format!("<a href=\"#{id}\">{name}</a>"));
        }
    };
    add(!model.forecasts.is_empty(), "forecasts", "Forecasts");
    add(true, "tree", "Tree");
    add(timeline::has_dates(model), "timeline", "Timeline");
    add(true, "paths", "Top paths");
    add(!model.metrics.is_empty(), "metrics", "Metrics");
    add(!r.ev.decisions().is_empty(), "decisions", "Decisions");
    add(r.ev.evidence().is_some(), "evidence", "Evidence");
    add(!model.expects.is_empty(), "expectations", "Expectations");
    add(has_sources(model), "sources", "Sources");
    add(!r.warnings.is_empty(), "warnings", "Warnings");
    let _ = writeln!(s, "<nav aria-label=\"Contents\">{}</nav>", links.join(" "));
}

fn metrics(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if model.metrics.is_empty() {
        return;
    }
    s.push_str("<section id=\"metrics\">\n<h2>Metrics</h2>\n");
    s.push_str(
        "<p class=\"note\">Bars: the exact distribution of each metric over the paths of the point \
         evaluation (its value on each path, weighted by the path's probability).",
    );
    if r.samples.is_some() {
        s.push_str(" Band: the sampled 90% outcome interval, one path drawn per sample.");
    }
    s.push_str("</p>\n<div class=\"cards\">\n");
    for mv in r.ev.metrics() {
        let (i, m, v, prior) = (mv.index, mv.def, mv.expected, mv.prior);
        let unit = m.unit.as_deref();
        let summary: Option<&Summary> = r.samples.and_then(|sm| sm.metrics[i].summary.as_ref());
        let _ = write!(
            s,
            "<figure class=\"card\">\n<figcaption><strong>{}</strong>",
            esc(m.label.as_deref().unwrap_or(&m.name))
        );
        let _ = write!(
            s,
            " <code>{}</code><br>Expected <b>{}</b>",
            esc(&m.name),
            with_unit(v, unit)
        );
        if let Some(p) = prior {
            let _ = write!(
                s,
                " <span class=\"muted\">(prior {})</span>",
                with_unit(p, unit)
            );
        }
        if let Some(x) = summary {
            let _ = write!(
                s,
                "<br>Sampled outcome 90%: {}, median {}",
                sampled_range(x.p05, x.p95, unit, esc),
                sampled_unit(x.p50, unit)
            );
        }
        s.push_str("</figcaption>\n");
        if i < HISTOGRAMS {
            charts::histogram(r, i, summary, s);
        }
        s.push_str("</figure>\n");
    }
    s.push_str("</div>\n");
    if model.metrics.len() > HISTOGRAMS {
        let _ = writeln!(
            s,
            "<p class=\"note\">Histograms are drawn for the first {HISTOGRAMS} metrics.</p>"
        );
    }
    s.push_str("</section>\n");
}

fn has_sources(model: &Model) -> bool {
    !model.sources.is_empty() || model.nodes.iter().any(|n| !n.notes.is_empty())
}

fn sources(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    if !has_sources(model) {
        return;
    }
    s.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n");
    if !model.sources.is_empty() {
        s.push_str("<ol class=\"sources\">\n");
        for (src, citing) in model.sources.iter().zip(citations(model)) {
            let _ = write!(
                s,
                "<li><b>{}</b> — {}<br><span class=\"muted\">",
                esc(&src.id),
                esc(&src.text)
            );
            if citing.is_empty() {
                s.push_str("Not cited by any branch.");
            } else {
                let names: Vec<String> = citing
                    .iter()
                    .take(LIST_LIMIT)
                    .map(|&k| node_ref(model, k))
                    .collect();
                let _ = write!(s, "Cited by {}", names.join(", "));
                if citing.len() > LIST_LIMIT {
                    let _ = write!(s, " and {} more", citing.len() - LIST_LIMIT);
                }
                s.push('.');
            }
            s.push_str("</span></li>\n");
        }
        s.push_str("</ol>\n");
    }
    let notes: Vec<NodeId> = (0..model.nodes.len() as NodeId)
        .filter(|&k| !model.nodes[k as usize].notes.is_empty())
        .collect();
    if !notes.is_empty() {
        s.push_str("<h3>Notes</h3>\n<ul class=\"notes\">\n");
        for &k in notes.iter().take(LIST_LIMIT) {
            for note in &model.nodes[k as usize].notes {
                let _ = writeln!(s, "<li>{}: {}</li>", node_ref(model, k), esc(note));
            }
        }
        if notes.len() > LIST_LIMIT {
            let _ = writeln!(
                s,
                "<li>… and notes on {} more branches</li>",
                notes.len() - LIST_LIMIT
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

fn observed(r: &Report<'_>) -> String {
    let texts: Vec<String> = observed_texts(r)
        .iter()
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect();
    texts.join(" and ")
}

/// The labels along a path, then its dotted id.
fn path_cell(model: &Model, leaf: NodeId) -> String {
    if leaf == 0 {
        return "(root)".to_owned();
    }
    let ancestry = model.ancestry(leaf);
    let labels = elided(&ancestry, |_, k| esc(model.nodes[k as usize].label()));
    let ids = elided(&ancestry, |_, k| esc(&model.nodes[k as usize].id));
    format!(
        "{}<br><code class=\"id\">{}</code>",
        labels.join(" <span class=\"sep\">›</span> "),
        ids.join(".")
    )
}

/// "Label `dotted.path`" for a node.
fn node_ref(model: &Model, k: NodeId) -> String {
    if k == 0 {
        return "the root".to_owned();
    }
    let node = &model.nodes[k as usize];
    format!(
        "{} <code>{}</code>",
        esc(node.label()),
        esc(&model.path_of(k))
    )
}

/// "Label `id`", or "`id`" when there is no label.
fn named(label: Option<&str>, id: &str) -> String {
    match label {
        Some(l) => format!("{} <code>{}</code>", esc(l), esc(id)),
        None => format!("<code>{}</code>", esc(id)),
    }
}

fn with_unit(v: f64, unit: Option<&str>) -> String {
    unit_value(v, unit, num, esc).replacen(' ', "&nbsp;", 1)
}

/// A sampled value with its unit, to the precision sampling gives.
fn sampled_unit(v: f64, unit: Option<&str>) -> String {
    unit_value(v, unit, approx, esc).replacen(' ', "&nbsp;", 1)
}

/// A small horizontal bar for a probability, beside its number.
fn pbar(p: f64) -> String {
    format!(
        "<span class=\"pbar\"><span style=\"width:{:.1}%\"></span></span>",
        100.0 * p.clamp(0.0, 1.0)
    )
}

/// Text escaped for HTML content and attribute values alike.
pub(super) fn esc(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal: enough for a screen, and the same bytes on every run.
fn px(v: f64) -> String {
    // "-0" reads as a bug.
    let v = if v.abs() < 0.05 { 0.0 } else { v };
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(t: &str, max: usize) -> String {
    if t.chars().count() <= max {
        t.to_owned()
    } else {
        t.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(px(3.0), "3");
        assert_eq!(px(2.26), "2.3");
        assert_eq!(px(-0.04), "0");
        assert_eq!(clip("abcdef", 4), "abc…");
    }
}
