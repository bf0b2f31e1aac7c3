//! The HTML report: one self-contained page (inline CSS and SVG, nothing fetched, no script)
//! that reads on a phone and prints on paper. The output depends only on the report, so two
//! runs give the same bytes. One function per section; the tree and the timeline have
//! modules of their own.
//!
//! Every table stacks into cards on a narrow screen, long ids wrap anywhere, and no label is
//! cut: what a chart leaves out, a note under it names.
//!
//! The analyses (`scn sens`, `scn voi`, `scn diff`) build their pages from [`page`] and
//! [`figures`], with the same style sheet.

mod charts;
pub(crate) mod figures;
pub(crate) mod page;
mod timeline;
mod tree;

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Render;
use super::model::assumptions::Kind;
use super::model::forecasts::{AT_MEANS, Forecast};
use super::model::metrics::OUTCOME_NOTE;
use super::model::sampling::lead_note;
use super::model::{
    Assumptions, Briefing, Decisions, Drivers, Evidence, Expectations, Forecasts, Header, Metrics,
    NodeRef, Notes, Paths, Report, Sampling, Section, Sources, Step,
};
use super::number::{Measure, Numbers, exact};
use super::prose::{Inline, Prose};
use super::words::estimative;

pub(crate) struct Html;

/// The page's style sheet, shared with the other HTML pages scn writes (`scn score`).
pub(crate) const STYLE: &str = include_str!("style.css");
/// Metrics drawn as histograms; the rest are only in the table.
const HISTOGRAMS: usize = 12;

impl Render for Html {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // Every list and chart is cut to a readable size, so the page is small whatever the
        // tree: a string is simpler than threading io errors through every element.
        let mut s = String::with_capacity(64 * 1024);
        let n = r.numbers;
        s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(s, "<title>{}</title>", esc(&r.header.title));
        let _ = writeln!(s, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>");
        header(&r.header, n, &mut s);
        contents(r, &mut s);
        for section in &r.sections {
            match section {
                Section::Briefing(b) => briefing(b, n, &mut s),
                Section::Drivers(d) => drivers(d, n, &mut s),
                Section::Forecasts(f) => forecasts(f, n, &mut s),
                Section::Assumptions(a) => assumptions(a, n, &mut s),
                Section::Tree(t) => tree::section(t, n, &mut s),
                Section::Timeline(t) => timeline::section(t, n, &mut s),
                Section::Paths(p) => paths(p, n, &mut s),
                Section::Metrics(m) => metrics(m, n, &mut s),
                Section::Decisions(d) => decisions(d, n, &mut s),
                Section::Evidence(e) => evidence(e, n, &mut s),
                Section::Sources(x) => sources(x, &mut s),
                Section::Notes(x) => notes(x, &mut s),
                Section::Sampling(x) => sampling(x, &mut s),
                Section::Warnings(w) => warnings(w, &mut s),
                Section::Expectations(e) => expectations(e, n, &mut s),
            }
        }
        let _ = writeln!(
            s,
            "<footer>Report of <code>{}</code> by scn {}. Point values are exact; sampled ranges \
             are Monte Carlo estimates.</footer>\n</main>\n</body>\n</html>",
            esc(&r.header.id),
            env!("CARGO_PKG_VERSION")
        );
        out.write_all(s.as_bytes())?;
        out.flush()
    }
}

fn header(h: &Header, n: Numbers, s: &mut String) {
    let _ = writeln!(
        s,
        "<header>\n<p class=\"kicker\">Scenario <code>{}</code></p>",
        esc(&h.id)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&h.title));
    let mut facts = Vec::new();
    if let Some(d) = h.as_of {
        facts.push(format!("<span>As of <time>{d}</time></span>"));
    }
    if let Some(d) = h.horizon {
        facts.push(format!("<span>Horizon <time>{d}</time></span>"));
    }
    if let Some(a) = &h.author {
        facts.push(format!("<span>By {}</span>", esc(a)));
    }
    if let Some(run) = &h.sampled {
        facts.push(format!(
            "<span>{} Monte Carlo samples</span>",
            exact(run.kept as f64)
        ));
    }
    if !facts.is_empty() {
        let _ = writeln!(s, "<p class=\"facts\">{}</p>", facts.join(" "));
    }
    if let Some(d) = &h.description {
        for para in d.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = writeln!(
                s,
                "<p class=\"description\">{}</p>",
                esc(para.trim()).replace('\n', "<br>")
            );
        }
    }
    if let Some(p) = h.plugins_line() {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&p));
    }
    if let Some(e) = &h.evidence {
        let _ = writeln!(
            s,
            "<p class=\"callout\"><strong>Given the evidence</strong> {} (probability {} before it \
             was observed), every probability and expected value below is conditioned on it. \
             <a href=\"#evidence\">Prior and posterior</a>.</p>",
            events(&e.events),
            esc(&n.prob(e.probability))
        );
    }
    if let Some(run) = &h.sampled {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&lead_note(run, n)));
    }
    s.push_str("</header>\n");
}

fn contents(r: &Report<'_>, s: &mut String) {
    let mut links = Vec::new();
    for section in &r.sections {
        let link = match section {
            Section::Briefing(_) => Some(("bottom-line", "Bottom line")),
            Section::Drivers(d) => {
                (!d.forecasts.is_empty()).then_some(("drivers", "What drives this"))
            }
            Section::Forecasts(f) => (!f.rows.is_empty()).then_some(("forecasts", "Forecasts")),
            Section::Assumptions(a) => (!a.is_empty()).then_some(("assumptions", "Assumptions")),
            Section::Tree(_) => Some(("tree", "Tree")),
            Section::Timeline(_) => Some(("timeline", "Timeline")),
            Section::Paths(_) => Some(("paths", "Paths")),
            Section::Metrics(m) => (!m.rows.is_empty()).then_some(("metrics", "Metrics")),
            Section::Decisions(d) => d.objective.is_some().then_some(("decisions", "Decisions")),
            Section::Evidence(_) => Some(("evidence", "Evidence")),
            Section::Sources(_) => Some(("sources", "Sources")),
            Section::Notes(_) => Some(("notes", "Notes")),
            Section::Sampling(_) => None,
            Section::Warnings(w) => (!w.is_empty()).then_some(("warnings", "Warnings")),
            Section::Expectations(e) => {
                (!e.rows.is_empty()).then_some(("expectations", "Expectations"))
            }
        };
        if let Some((id, name)) = link {
            links.push(format!("<a href=\"#{id}\">{name}</a>"));
        }
    }
    let _ = writeln!(s, "<nav aria-label=\"Contents\">{}</nav>", links.join(" "));
}

fn events(list: &[String]) -> String {
    list.iter()
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn prose(p: &Prose) -> String {
    p.0.iter()
        .map(|i| match i {
            Inline::Text(t) => esc(t),
            Inline::Code(c) => format!("<code>{}</code>", esc(c)),
        })
        .collect()
}

/// "Label `id`", or "`id`" when there is no label.
fn named(label: Option<&str>, id: &str) -> String {
    match label {
        Some(l) => format!("{} <code>{}</code>", esc(l), esc(id)),
        None => format!("<code>{}</code>", esc(id)),
    }
}

/// "Label `dotted.path`" for a node.
fn node_ref(r: &NodeRef) -> String {
    if r.is_root() {
        return "the root".into();
    }
    named(r.label.as_deref(), &r.path)
}

/// The labels along a path, then its dotted id.
fn path_cell(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "(root)".into();
    }
    let labels: Vec<String> = steps
        .iter()
        .map(|st| match st {
            Step::Node { label, .. } => esc(label),
            Step::Gap(k) => format!("… {k} more …"),
        })
        .collect();
    let ids: Vec<String> = steps
        .iter()
        .map(|st| match st {
            Step::Node { id, .. } => esc(id),
            Step::Gap(k) => format!("…{k}…"),
        })
        .collect();
    format!(
        "{}<br><code class=\"id\">{}</code>",
        labels.join(" <span class=\"sep\">›</span> "),
        ids.join(".")
    )
}

/// A column header with its unit: "Revenue (kEUR)".
fn with_unit(name: &str, m: &Measure) -> String {
    match m.unit() {
        Some(u) => format!("{} <span class=\"unit\">({})</span>", esc(name), esc(u)),
        None => esc(name),
    }
}

/// A small horizontal bar for a probability, beside its number.
fn pbar(p: f64) -> String {
    format!(
        "<span class=\"pbar\"><span style=\"width:{:.1}%\"></span></span>",
        100.0 * p.clamp(0.0, 1.0)
    )
}

/// A forecast's lead figure, and its words when it is a probability.
fn lead(f: &Forecast, n: Numbers) -> (String, &'static str) {
    match f.lead() {
        None => ("undefined".into(), ""),
        Some(v) if f.measure == Measure::Probability => {
            (esc(&n.prob(v)), estimative(n.shown_percent_value(v)))
        }
        Some(v) => (esc(&n.value(v, &f.measure)), ""),
    }
}

fn briefing(b: &Briefing, n: Numbers, s: &mut String) {
    s.push_str("<section id=\"bottom-line\" class=\"briefing\">\n<h2>Bottom line</h2>\n");
    if !b.headlines.is_empty() {
        if b.sampled {
            s.push_str("<p class=\"note\">Sampled means.</p>\n");
        }
        s.push_str("<ul class=\"headlines\">\n");
        for f in &b.headlines {
            let (value, words) = lead(f, n);
            let _ = writeln!(
                s,
                "<li><span class=\"big\">{value}</span> <span class=\"words\">{words}</span>\
                 <span class=\"what\">{}</span></li>",
                named(f.label.as_deref(), &f.id)
            );
        }
        s.push_str("</ul>\n");
        if b.forecasts > b.headlines.len() {
            let _ = writeln!(
                s,
                "<p class=\"note\">The first {} of {} forecasts; all are under \
                 <a href=\"#forecasts\">Forecasts</a>.</p>",
                b.headlines.len(),
                b.forecasts
            );
        }
    }
    if !b.drivers.is_empty() {
        s.push_str("<h3>What moves them most</h3>\n<ul>\n");
        for d in &b.drivers {
            let _ = writeln!(
                s,
                "<li><code>{}</code> moves <code>{}</code> from {} to {}</li>",
                esc(&d.input),
                esc(&d.forecast.id),
                esc(&n.value(d.low, &d.forecast.measure)),
                esc(&n.value(d.high, &d.forecast.measure))
            );
        }
        s.push_str("</ul>\n");
    }
    let shown = b.paths.len();
    let _ = writeln!(
        s,
        "<h3>Most likely paths</h3>\n<p class=\"note\">{}</p>\n<ol class=\"likely\">",
        if shown < b.all_paths {
            format!(
                "{shown} of {} paths, {} of the probability together.",
                b.all_paths,
                esc(&n.prob(b.paths_mass()))
            )
        } else {
            "Every path.".into()
        }
    );
    for p in &b.paths {
        let date = p
            .date
            .map(|d| format!(" <span class=\"muted\">{d}</span>"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "<li><span class=\"prob\">{}{}</span> {}{date}</li>",
            pbar(p.probability),
            esc(&n.prob(p.probability)),
            path_cell(&p.steps)
        );
    }
    s.push_str("</ol>\n</section>\n");
}

fn drivers(d: &Drivers, n: Numbers, s: &mut String) {
    if d.forecasts.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"drivers\">\n<h2>What drives this</h2>\n<table class=\"stack\">\n\
         <thead><tr><th>Forecast</th><th>Input</th><th>Input from → to</th>\
         <th>Moves it from → to</th><th class=\"num\">Swing</th></tr></thead>\n<tbody>\n",
    );
    for f in &d.forecasts {
        let m = &f.forecast.measure;
        let at = |v: Option<f64>| v.map_or("undefined".into(), |v| n.value(v, m));
        for (i, x) in f.drivers.iter().enumerate() {
            let input = |v: f64| if x.probability { n.prob(v) } else { n.num(v) };
            // The forecast heads its group; on a phone each row is a card and names it.
            let forecast = format!(
                "<code>{}</code> <span class=\"muted\">{}</span>",
                esc(&f.forecast.id),
                esc(&d.base_text(f, n))
            );
            let _ = writeln!(
                s,
                "<tr{}><td class=\"title\">{forecast}</td><td data-label=\"Input\"><code>{}</code></td>\
                 <td data-label=\"Input from → to\">{} → {}</td>\
                 <td data-label=\"Moves it from → to\">{} → {}</td>\
                 <td class=\"num\" data-label=\"Swing\">{}</td></tr>",
                if i == 0 { "" } else { " class=\"same-group\"" },
                esc(&x.input),
                esc(&input(x.low)),
                esc(&input(x.high)),
                esc(&at(x.at_low)),
                esc(&at(x.at_high)),
                esc(&n.change(x.swing, m))
            );
        }
    }
    s.push_str("</tbody></table>\n");
    let _ = writeln!(s, "<p class=\"note\">{}</p>\n</section>", prose(&d.note()));
}

fn forecasts(f: &Forecasts, n: Numbers, s: &mut String) {
    if f.rows.is_empty() {
        return;
    }
    s.push_str("<section id=\"forecasts\">\n<h2>Forecasts</h2>\n<table class=\"stack\">\n");
    // Sampled, a forecast leads with its sampled mean, the model's own expectation; the
    // point value (the tree at the inputs' means) sits under it.
    s.push_str(if f.sampled {
        "<thead><tr><th>Forecast</th><th class=\"num\">Sampled mean</th><th>Sampled 90% interval</th>"
    } else {
        "<thead><tr><th>Forecast</th><th class=\"num\">Value</th>"
    });
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &f.rows {
        let (value, words) = lead(row, n);
        let show = |v: f64| esc(&n.value(v, &row.measure));
        let mut under = String::new();
        if !words.is_empty() {
            let _ = write!(under, "<br><span class=\"words\">{words}</span>");
        }
        if f.sampled {
            let point = row.point.map_or("undefined".into(), show);
            let _ = write!(under, "<br><span class=\"prior\">{AT_MEANS} {point}</span>");
        }
        if let Some(p) = row.prior {
            let _ = write!(under, "<br><span class=\"prior\">prior {}</span>", show(p));
        }
        let question = row.question().map_or(String::new(), |q| {
            format!("<br><span class=\"question\">{}</span>", esc(&q))
        });
        let _ = write!(
            s,
            "<tr><td class=\"title\">{}{question}</td><td class=\"num\" data-label=\"{}\"><span class=\"big\">{value}</span>{under}</td>",
            named(row.label.as_deref(), &row.id),
            if f.sampled { "Sampled mean" } else { "Value" }
        );
        if f.sampled {
            s.push_str("<td class=\"interval\" data-label=\"90% interval\">");
            match &row.sampled {
                Some(x) => {
                    let _ = write!(s, "{}<br>", esc(&n.range(x.p05, x.p95, &row.measure)));
                    charts::interval_bar(x.mean, x, n, s);
                }
                None => s.push('–'),
            }
            s.push_str("</td>");
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    if let Some(note) = f.nonlinear_note() {
        let _ = writeln!(s, "<p class=\"note\">Note: {}</p>", prose(&note));
    }
    s.push_str("</section>\n");
}

fn assumptions(a: &Assumptions, n: Numbers, s: &mut String) {
    if a.is_empty() {
        return;
    }
    s.push_str(
        "<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<p class=\"note\">Each <code>let</code> \
         of the scenario: what it means, how it is written, and what it is worth. A 90% interval \
         runs from the 5th to the 95th percentile.</p>\n",
    );
    if !a.lets.is_empty() {
        s.push_str(
            "<table class=\"stack\">\n<thead><tr><th>Let</th><th>Meaning</th><th>Written</th>\
             <th class=\"num\">Value</th><th class=\"num\">90% interval</th></tr></thead>\n<tbody>\n",
        );
    }
    for l in &a.lets {
        let mut meaning = l.doc.as_deref().map(esc).unwrap_or_default();
        if !l.sources.is_empty() {
            let ids: Vec<String> = l
                .sources
                .iter()
                .map(|x| format!("<code>{}</code>", esc(x)))
                .collect();
            let _ = write!(
                meaning,
                " <span class=\"muted\">(sources: {})</span>",
                ids.join(", ")
            );
        }
        let (value, interval) = match &l.kind {
            Kind::Constant => (n.num(l.value), "–".to_owned()),
            Kind::Distribution { p05, p95, .. } => (
                format!("mean {}", n.num(l.value)),
                n.range(*p05, *p95, &Measure::Number),
            ),
            Kind::Expression { sampled } => (
                format!("{} {AT_MEANS}", n.num(l.value)),
                sampled.map_or("–".into(), |(lo, hi)| {
                    format!("{} (sampled)", n.range(lo, hi, &Measure::Number))
                }),
            ),
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"title\"><code>{}</code></td><td data-label=\"Meaning\">{meaning}</td>\
             <td data-label=\"Written\"><code>{}</code></td><td class=\"num wrap\" data-label=\"Value\">{}</td>\
             <td class=\"num wrap\" data-label=\"90% interval\">{}</td></tr>",
            esc(&l.name),
            esc(&l.written),
            esc(&value),
            esc(&interval)
        );
    }
    if !a.lets.is_empty() {
        s.push_str("</tbody></table>\n");
    }
    if let Some(k) = a.sampled_from {
        let _ = writeln!(
            s,
            "<p class=\"note\">Sampled intervals come from {} samples{}.</p>",
            exact(k as f64),
            if a.before_evidence {
                ", before the evidence"
            } else {
                ""
            }
        );
    }
    if !a.params.is_empty() {
        let groups: Vec<String> = a
            .params
            .iter()
            .map(|g| {
                format!(
                    "<code>{}</code> ({} uses × {})",
                    esc(&g.template),
                    g.uses,
                    g.params
                )
            })
            .collect();
        let total: usize = a.params.iter().map(|g| g.uses * g.params).sum();
        let _ = writeln!(
            s,
            "<p class=\"note\">Not listed: {total} template parameters, each bound by a \
             <code>use</code> from the lets above: {}.</p>",
            groups.join(", ")
        );
    }
    s.push_str("</section>\n");
}

/// Metric columns beside a path before they move to a table of their own: each needs the
/// width of its longest word.
const PATH_METRICS: usize = 3;

fn paths(p: &Paths<'_>, n: Numbers, s: &mut String) {
    let rows: Vec<_> = p.top().collect();
    let apart = p.columns.len() > PATH_METRICS;
    s.push_str(
        "<section id=\"paths\">\n<h2>Most likely paths</h2>\n<table class=\"stack paths\">\n",
    );
    s.push_str("<thead><tr><th class=\"num\">#</th><th>Probability</th>");
    if p.evidence {
        s.push_str("<th class=\"num\">Prior</th>");
    }
    s.push_str(if p.dated {
        "<th>Path</th><th>Date</th>"
    } else {
        "<th>Path</th>"
    });
    if !apart {
        for c in &p.columns {
            let _ = write!(
                s,
                "<th class=\"num\">{}</th>",
                with_unit(c.name(), &c.measure)
            );
        }
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &rows {
        let _ = write!(
            s,
            "<tr><td class=\"num rank\">{}</td><td class=\"prob\" data-label=\"Probability\">{}{}</td>",
            row.rank,
            pbar(row.probability),
            esc(&n.prob(row.probability))
        );
        if let Some(prior) = row.prior {
            let _ = write!(
                s,
                "<td class=\"num muted\" data-label=\"Prior\">{}</td>",
                esc(&n.prob(prior))
            );
        }
        let _ = write!(s, "<td class=\"path\">{}</td>", path_cell(&row.steps));
        if p.dated {
            let _ = write!(
                s,
                "<td class=\"date\" data-label=\"Date\">{}</td>",
                row.date.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        if !apart {
            metric_cells(p, &row.metrics, n, s);
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    if apart && !rows.is_empty() {
        s.push_str("<h3>Metrics on these paths</h3>\n<table class=\"stack\">\n<thead><tr><th class=\"num\">#</th>");
        for c in &p.columns {
            let _ = write!(
                s,
                "<th class=\"num\">{}</th>",
                with_unit(c.name(), &c.measure)
            );
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for row in &rows {
            let _ = write!(s, "<tr><td class=\"num title\">path {}</td>", row.rank);
            metric_cells(p, &row.metrics, n, s);
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n");
    }
    if let Some((count, mass)) = p.rest() {
        let _ = writeln!(
            s,
            "<p class=\"note\">{count} more paths hold {} of the probability; <code>--format json</code> lists every path.</p>",
            esc(&n.prob(mass))
        );
    }
    s.push_str("</section>\n");
}

/// A path's metric values, one cell each; on a phone, where the header is gone, each cell's
/// label names the metric and its unit.
fn metric_cells(p: &Paths<'_>, values: &[f64], n: Numbers, s: &mut String) {
    for (c, &v) in p.columns.iter().zip(values) {
        let _ = write!(
            s,
            "<td class=\"num\" data-label=\"{}\">{}</td>",
            esc(&match c.measure.unit() {
                Some(u) => format!("{} ({u})", c.name()),
                None => c.name().to_owned(),
            }),
            esc(&n.value(v, &c.measure))
        );
    }
}

fn metrics(m: &Metrics<'_>, n: Numbers, s: &mut String) {
    if m.rows.is_empty() {
        return;
    }
    s.push_str("<section id=\"metrics\">\n<h2>Metrics</h2>\n");
    s.push_str(
        "<p class=\"note\">Bars: the exact distribution of each metric over the paths of the point \
         evaluation (its value on each path, weighted by the path's probability).",
    );
    if m.sampled {
        let _ = write!(
            s,
            " Band: the sampled 90% outcome interval. {}",
            esc(OUTCOME_NOTE)
        );
    }
    s.push_str("</p>\n<div class=\"cards\">\n");
    for (i, row) in m.rows.iter().enumerate() {
        let show = |v: f64| esc(&n.with_unit(v, &row.measure));
        let _ = write!(
            s,
            "<figure class=\"card\">\n<figcaption><strong>{}</strong> <code>{}</code><br>Expected <b>{}</b>",
            esc(row.name()),
            esc(&row.id),
            show(row.expected)
        );
        if let Some(p) = row.prior {
            let _ = write!(s, " <span class=\"muted\">(prior {})</span>", show(p));
        }
        if let Some(x) = &row.outcome {
            let _ = write!(
                s,
                "<br>Sampled outcome 90%: {}, median {}",
                esc(&match row.measure.unit() {
                    Some(u) => format!("{} {u}", n.range(x.p05, x.p95, &row.measure)),
                    None => n.range(x.p05, x.p95, &row.measure),
                }),
                show(x.p50)
            );
        }
        s.push_str("</figcaption>\n");
        if i < HISTOGRAMS {
            charts::histogram(row, &m.distribution(i), n, s);
        }
        s.push_str("</figure>\n");
    }
    s.push_str("</div>\n");
    if m.rows.len() > HISTOGRAMS {
        let _ = writeln!(
            s,
            "<p class=\"note\">Histograms are drawn for the first {HISTOGRAMS} of {} metrics; the \
             others have their figures only.</p>",
            m.rows.len()
        );
    }
    s.push_str("</section>\n");
}

fn decisions(d: &Decisions, n: Numbers, s: &mut String) {
    let Some(objective) = &d.objective else {
        return;
    };
    let _ = writeln!(
        s,
        "<section id=\"decisions\">\n<h2>Decisions</h2>\n<p class=\"note\">Each option is valued by \
         the expected {} it leads to; the choice is made to <b>{}</b> it.</p>",
        named(objective.label.as_deref(), &objective.id),
        objective.verb
    );
    for dec in &d.list {
        let at = if dec.at.is_root() {
            "the root".to_owned()
        } else {
            node_ref(&dec.at)
        };
        let class = if dec.reach > 0.0 {
            "card"
        } else {
            "card unreached"
        };
        let choice = dec.options.iter().find(|o| o.chosen);
        let _ = writeln!(
            s,
            "<div class=\"{class}\">\n<h3>At {at}: take {}</h3>",
            choice.map_or(String::new(), |o| esc(o.label.as_deref().unwrap_or(&o.id)))
        );
        if dec.at.is_root() {
            // The root is always reached: saying so is noise.
        } else if dec.reach > 0.0 {
            let _ = writeln!(
                s,
                "<p class=\"note\">Reached with probability {}.</p>",
                esc(&n.prob(dec.reach))
            );
        } else {
            s.push_str("<p class=\"note\">Not reached: it lies under an option not taken, or a branch of probability 0.</p>\n");
        }
        let _ = write!(
            s,
            "<table class=\"stack\">\n<thead><tr><th>Option</th><th class=\"num\">{}</th>",
            with_unit("Value", &objective.measure)
        );
        if d.sampled {
            s.push_str("<th class=\"num\">Best in samples</th>");
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for o in &dec.options {
            let _ = write!(
                s,
                "<tr class=\"{}\"><td class=\"title\">{}{}</td><td class=\"num\" data-label=\"Value\">{}</td>",
                if o.chosen { "chosen" } else { "unchosen" },
                if o.chosen { "✔ " } else { "" },
                named(o.label.as_deref(), &o.id),
                esc(&n.value(o.value, &objective.measure))
            );
            if let Some(share) = o.best_share {
                let _ = write!(
                    s,
                    "<td class=\"prob\" data-label=\"Best in samples\">{}{}</td>",
                    pbar(share),
                    esc(&n.prob(share))
                );
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</tbody></table>\n</div>\n");
    }
    s.push_str("</section>\n");
}

fn evidence(e: &Evidence, n: Numbers, s: &mut String) {
    let _ = writeln!(
        s,
        "<section id=\"evidence\">\n<h2>Evidence</h2>\n<p>Observed: {}. It had probability {} before \
         it was observed; paths outside it now have probability 0 and the rest are scaled up by {}.</p>",
        events(&e.observed),
        esc(&n.prob(e.probability)),
        esc(&n.num(1.0 / e.probability))
    );
    s.push_str("<table class=\"stack\">\n<thead><tr><th>Quantity</th><th class=\"num\">Prior</th><th class=\"num\">Posterior</th></tr></thead>\n<tbody>\n");
    let row = |s: &mut String, what: String, prior: String, post: String| {
        let _ = writeln!(
            s,
            "<tr><td class=\"title\">{what}</td><td class=\"num muted\" data-label=\"Prior\">{prior}</td>\
             <td class=\"num\" data-label=\"Posterior\">{post}</td></tr>"
        );
    };
    for f in &e.forecasts {
        let show = |v: Option<f64>| v.map_or("undefined".into(), |v| esc(&n.value(v, &f.measure)));
        row(
            s,
            format!("Forecast {}", named(f.label.as_deref(), &f.id)),
            show(f.prior),
            show(f.point),
        );
    }
    for m in &e.metrics {
        let show = |v: f64| esc(&n.with_unit(v, &m.measure));
        row(
            s,
            format!("Expected {}", named(m.label.as_deref(), &m.id)),
            m.prior.map_or(String::new(), show),
            show(m.expected),
        );
    }
    for b in &e.branches {
        row(
            s,
            format!("Branch {}", node_ref(&b.node)),
            esc(&n.prob(b.prior)),
            esc(&n.prob(b.posterior)),
        );
    }
    s.push_str("</tbody></table>\n");
    if e.more_branches > 0 {
        let _ = writeln!(
            s,
            "<p class=\"note\">… and {} more branches moved.</p>",
            e.more_branches
        );
    }
    s.push_str("</section>\n");
}

fn sources(x: &Sources, s: &mut String) {
    s.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n<ol class=\"sources\">\n");
    for src in &x.list {
        let _ = write!(
            s,
            "<li><b>{}</b> — {}<br><span class=\"muted\">",
            esc(&src.id),
            esc(&src.text)
        );
        if src.cited_by.is_empty() {
            s.push_str("Not cited by any branch.");
        } else {
            let names: Vec<String> = src.cited_by.iter().map(node_ref).collect();
            let _ = write!(s, "Cited by {}", names.join(", "));
            if src.more > 0 {
                let _ = write!(s, " and {} more", src.more);
            }
            s.push('.');
        }
        s.push_str("</span></li>\n");
    }
    s.push_str("</ol>\n</section>\n");
}

fn notes(x: &Notes, s: &mut String) {
    s.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"notes\">\n");
    for (at, note) in &x.list {
        let _ = writeln!(s, "<li>{}: {}</li>", node_ref(at), esc(note));
    }
    if x.more_nodes > 0 {
        let _ = writeln!(s, "<li>… and notes on {} more branches</li>", x.more_nodes);
    }
    s.push_str("</ul>\n</section>\n");
}

fn sampling(x: &Sampling, s: &mut String) {
    let _ = writeln!(
        s,
        "<p class=\"note\">Monte Carlo: {} samples kept of {}; {} adjusted (clamped or \
         renormalised), {} dropped.</p>",
        exact(x.kept as f64),
        exact(x.requested as f64),
        exact(x.adjusted as f64),
        exact(x.dropped as f64)
    );
}

fn warnings(w: &[String], s: &mut String) {
    if w.is_empty() {
        return;
    }
    s.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n");
    for warning in w {
        let _ = writeln!(s, "<li>{}</li>", esc(warning));
    }
    s.push_str("</ul>\n</section>\n");
}

fn expectations(e: &Expectations, n: Numbers, s: &mut String) {
    if e.rows.is_empty() {
        return;
    }
    let failed = e.failed();
    // Folded: they test the model; a reader of the forecast can skip them. A failure opens
    // them.
    let _ = writeln!(
        s,
        "<section id=\"expectations\">\n<details{}>\n<summary><h2>Expectations</h2> \
         <span class=\"muted\">the author's checks: {} of {} hold{}</span></summary>",
        if failed > 0 { " open" } else { "" },
        e.rows.len() - failed,
        e.rows.len(),
        if failed > 0 {
            format!(", <span class=\"fail\">{failed} fail</span>")
        } else {
            String::new()
        }
    );
    s.push_str("<table class=\"stack\">\n<thead><tr><th class=\"num\">Line</th><th class=\"num\">Value</th><th>Bounds</th><th>Result</th></tr></thead>\n<tbody>\n");
    for x in &e.rows {
        let shown = Numbers::new(x.digits(n.digits()));
        let result = if x.holds {
            "<span class=\"ok\">holds</span>"
        } else {
            "<span class=\"fail\">fails</span>"
        };
        let _ = writeln!(
            s,
            "<tr><td class=\"num title\">line {}</td><td class=\"num\" data-label=\"Value\">{}</td>\
             <td data-label=\"Bounds\">{} .. {}</td><td data-label=\"Result\">{result}</td></tr>",
            x.line,
            x.value.map_or("undefined".into(), |v| esc(&shown.num(v))),
            esc(&exact(x.lo)),
            esc(&exact(x.hi))
        );
    }
    s.push_str("</tbody></table>\n</details>\n</section>\n");
}

/// Text escaped for HTML content and attribute values alike.
pub(crate) fn esc(t: &str) -> String {
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
    }
}
