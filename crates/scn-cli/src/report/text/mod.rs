//! The text report: what a forecaster reads in a terminal. It opens with the bottom line and
//! ends with the author's checks; one function per section.

mod layout;

use std::io::{self, Write};

use layout::{Align, Table, clip, hanging, paragraphs, wrap};
use scn_eval::Summary;
use scn_eval::model::NodeKind;

use super::Render;
use super::model::assumptions::Kind;
use super::model::forecasts::{AT_MEANS, Forecast};
use super::model::sampling::lead_note;
use super::model::timeline::Timeline;
use super::model::tree::{Item, State, Tree};
use super::model::{
    Assumptions, Briefing, Decisions, Drivers, Evidence, Expectations, Forecasts, Header, Metrics,
    Notes, Paths, Report, Sampling, Section, Sources, Step,
};
use super::number::{Measure, Numbers, exact};
use super::words::estimative;

pub(crate) struct Text;

/// Lines are wrapped to this width.
const WIDTH: usize = 100;
/// Rows (leaves and folds) of the tree; a larger tree is folded.
const TREE_ROWS: usize = 200;
/// Levels of the tree below the root.
const TREE_DEPTH: u32 = 12;
/// Widest id-and-label in the tree before it is cut with an ellipsis.
const NAME_WIDTH: usize = 60;

impl Render for Text {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut lines: Vec<String> = Vec::new();
        header(&r.header, r.numbers, &mut lines);
        for section in &r.sections {
            let n = r.numbers;
            let mut body = Vec::new();
            match section {
                Section::Briefing(b) => briefing(b, n, &mut body),
                Section::Drivers(d) => drivers(d, n, &mut body),
                Section::Forecasts(f) => forecasts(f, n, &mut body),
                Section::Assumptions(a) => assumptions(a, n, &mut body),
                Section::Tree(t) => tree(t, n, &mut body),
                Section::Timeline(t) => timeline(t, n, &mut body),
                Section::Paths(p) => paths(p, n, &mut body),
                Section::Metrics(m) => metrics(m, n, &mut body),
                Section::Decisions(d) => decisions(d, n, &mut body),
                Section::Evidence(e) => evidence(e, n, &mut body),
                Section::Sources(s) => sources(s, &mut body),
                Section::Notes(s) => notes(s, &mut body),
                Section::Sampling(s) => sampling(s, n, &mut body),
                Section::Warnings(w) => warnings(w, &mut body),
                Section::Expectations(e) => expectations(e, n, &mut body),
            }
            if !body.is_empty() {
                lines.push(String::new());
                lines.append(&mut body);
            }
        }
        let mut w = io::BufWriter::new(out);
        for line in lines {
            // Each is one line by construction; a label with a line break in it is not.
            writeln!(w, "{}", scn_dsl::one_line(&line))?;
        }
        w.flush()
    }
}

fn header(h: &Header, n: Numbers, out: &mut Vec<String>) {
    out.push(format!("{} ({})", h.title, h.id));
    let mut facts = Vec::new();
    if let Some(d) = h.as_of {
        facts.push(format!("as of {d}"));
    }
    if let Some(d) = h.horizon {
        facts.push(format!("horizon {d}"));
    }
    if let Some(a) = &h.author {
        facts.push(format!("by {a}"));
    }
    if !facts.is_empty() {
        out.push(facts.join(" · "));
    }
    if let Some(d) = &h.description {
        // Its later paragraphs are indented, so that none starts a line at the margin where
        // the report's own sections start theirs ("Bottom line").
        let mut paras = d.lines();
        out.extend(wrap(paras.next().unwrap_or(""), 0, WIDTH));
        out.extend(paras.flat_map(|p| wrap(p, 2, WIDTH)));
    }
    if let Some(p) = h.plugins_line() {
        out.extend(wrap(&p, 0, WIDTH));
    }
    if let Some(e) = &h.evidence {
        let events: Vec<String> = e.events.iter().map(|t| format!("`{t}`")).collect();
        out.extend(wrap(
            &format!(
                "Given the evidence {} (probability {} before it was observed): every \
                 probability and expected value below is conditioned on it.",
                events.join(" and "),
                n.prob(e.probability)
            ),
            0,
            WIDTH,
        ));
    }
    if let Some(s) = &h.sampled {
        out.extend(wrap(&lead_note(s, n), 0, WIDTH));
    }
}

/// A forecast's lead figure, and its words when it is a probability.
fn lead(f: &Forecast, n: Numbers) -> (String, &'static str) {
    match f.lead() {
        None => ("undefined".into(), ""),
        Some(v) if f.measure == Measure::Probability => {
            (n.prob(v), estimative(n.shown_percent_value(v)))
        }
        Some(v) => (n.value(v, &f.measure), ""),
    }
}

fn briefing(b: &Briefing, n: Numbers, out: &mut Vec<String>) {
    out.push(if b.sampled {
        "Bottom line (sampled means)".into()
    } else {
        "Bottom line".into()
    });
    if !b.headlines.is_empty() {
        let mut t = Table::new(&[Align::Right, Align::Left, Align::Left]);
        for f in &b.headlines {
            let (value, words) = lead(f, n);
            t.row(vec![value, words.into(), f.name().into()]);
        }
        out.extend(t.lines(2));
        if b.forecasts > b.headlines.len() {
            out.push(format!(
                "  (the first {} of {} forecasts: all are under Forecasts)",
                b.headlines.len(),
                b.forecasts
            ));
        }
    }
    if !b.drivers.is_empty() {
        out.push("  What moves them most:".into());
        for d in &b.drivers {
            out.push(format!(
                "    {}: {} from {} to {}",
                d.input,
                d.forecast.id,
                n.value(d.low, &d.forecast.measure),
                n.value(d.high, &d.forecast.measure)
            ));
        }
    }
    let shown = b.paths.len();
    out.push(format!(
        "  Most likely {}: {}",
        if shown == 1 { "path" } else { "paths" },
        if shown < b.all_paths {
            format!(
                "{shown} of {}, {} of the probability together",
                b.all_paths,
                n.prob(b.paths_mass())
            )
        } else {
            "every path".into()
        }
    ));
    let probs: Vec<String> = b.paths.iter().map(|p| n.prob(p.probability)).collect();
    let w = probs.iter().map(|p| layout::width(p)).max().unwrap_or(0);
    for (p, prob) in b.paths.iter().zip(&probs) {
        let date = p.date.map(|d| format!(" ({d})")).unwrap_or_default();
        out.extend(hanging(
            &format!("    {prob:>w$}  "),
            &format!("{}{date}", labels(&p.steps)),
            WIDTH,
        ));
    }
}

/// The labels along a path, `›` between them.
fn labels(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "(root)".into();
    }
    steps
        .iter()
        .map(|s| match s {
            Step::Node { label, .. } => label.clone(),
            Step::Gap(k) => format!("… {k} more …"),
        })
        .collect::<Vec<_>>()
        .join(" › ")
}

/// The ids along a path, dotted.
fn ids(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "(root)".into();
    }
    steps
        .iter()
        .map(|s| match s {
            Step::Node { id, .. } => id.clone(),
            Step::Gap(k) => format!("…{k}…"),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn spread(s: &Summary, m: &Measure, n: Numbers) -> String {
    format!("90% {}", n.range(s.p05, s.p95, m))
}

fn drivers(d: &Drivers, n: Numbers, out: &mut Vec<String>) {
    if d.forecasts.is_empty() {
        return;
    }
    out.push("What drives this".into());
    for f in &d.forecasts {
        let m = &f.forecast.measure;
        out.push(format!("  {} = {}", f.forecast.id, d.base_text(f, n)));
        let mut t = Table::new(&[Align::Left, Align::Left, Align::Left, Align::Left]);
        for x in &f.drivers {
            let input = |v: f64| {
                if x.probability { n.prob(v) } else { n.num(v) }
            };
            let at = |v: Option<f64>| v.map_or("undefined".into(), |v| n.value(v, m));
            t.row(vec![
                x.input.clone(),
                format!("{} to {}", input(x.low), input(x.high)),
                format!("moves it from {} to {}", at(x.at_low), at(x.at_high)),
                format!("(swing {})", n.change(x.swing, m)),
            ]);
        }
        out.extend(t.lines(4));
    }
    out.extend(wrap(&d.note().plain(), 2, WIDTH));
}

fn forecasts(f: &Forecasts, n: Numbers, out: &mut Vec<String>) {
    if f.rows.is_empty() {
        return;
    }
    out.push(if f.sampled {
        "Forecasts (sampled means; 90% intervals)".into()
    } else {
        "Forecasts".into()
    });
    let mut t = Table::new(&[Align::Left, Align::Right, Align::Left, Align::Left]);
    let mut under: Vec<(Option<String>, Option<String>)> = Vec::new();
    for row in &f.rows {
        let (value, words) = lead(row, n);
        t.row(vec![
            row.id.clone(),
            value,
            words.into(),
            row.label.clone().unwrap_or_default(),
        ]);
        let mut extra = Vec::new();
        match &row.sampled {
            Some(s) => {
                extra.push(spread(s, &row.measure, n));
                let point = row
                    .point
                    .map_or("undefined".into(), |v| n.value(v, &row.measure));
                extra.push(format!("{AT_MEANS} {point}"));
            }
            None if f.sampled => {
                extra.push("undefined in every sample".into());
                if let Some(v) = row.point {
                    extra.push(format!("{AT_MEANS} {}", n.value(v, &row.measure)));
                }
            }
            None => {}
        }
        if let Some(p) = row.prior {
            extra.push(format!("prior {}", n.value(p, &row.measure)));
        }
        under.push((
            (!extra.is_empty()).then(|| extra.join(" · ")),
            row.question(),
        ));
    }
    let id_width = f
        .rows
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    for (line, (extra, question)) in t.lines(2).into_iter().zip(under) {
        out.push(line);
        if let Some(e) = extra {
            out.push(format!("  {:id_width$}  {e}", ""));
        }
        // The question can be a sentence or two: wrapped under the figures.
        if let Some(q) = question {
            out.extend(wrap(&q, id_width + 4, WIDTH));
        }
    }
    if let Some(note) = f.nonlinear_note() {
        out.extend(wrap(&format!("note: {}", note.plain()), 2, WIDTH));
    }
}

fn assumptions(a: &Assumptions, n: Numbers, out: &mut Vec<String>) {
    if a.is_empty() {
        return;
    }
    out.push(
        "Assumptions (each let; 90% intervals run from the 5th to the 95th percentile)".into(),
    );
    for l in &a.lets {
        let value = match &l.kind {
            Kind::Constant => n.num(l.value),
            Kind::Distribution { p05, p95, .. } => format!(
                "mean {}, 90% {}",
                n.num(l.value),
                n.range(*p05, *p95, &Measure::Number)
            ),
            Kind::Expression { sampled } => {
                let mut s = format!("{} {AT_MEANS}", n.num(l.value));
                if let Some((lo, hi)) = sampled {
                    s.push_str(&format!(
                        ", sampled 90% {}",
                        n.range(*lo, *hi, &Measure::Number)
                    ));
                }
                s
            }
        };
        let line = if matches!(l.kind, Kind::Constant) && l.written == value {
            format!("  {} = {}", l.name, l.written)
        } else {
            format!("  {} = {}: {value}", l.name, l.written)
        };
        out.push(line);
        if let Some(doc) = &l.doc {
            out.extend(paragraphs(doc, 6, WIDTH));
        }
        if !l.sources.is_empty() {
            out.extend(wrap(
                &format!("sources: {}", l.sources.join(", ")),
                6,
                WIDTH,
            ));
        }
    }
    if let Some(k) = a.sampled_from {
        out.push(format!(
            "  (sampled intervals from {} samples{})",
            n.num(k as f64),
            if a.before_evidence {
                ", before the evidence"
            } else {
                ""
            }
        ));
    }
    if !a.params.is_empty() {
        let groups: Vec<String> = a
            .params
            .iter()
            .map(|g| format!("{} ({} × {})", g.template, g.uses, g.params))
            .collect();
        let total: usize = a.params.iter().map(|g| g.uses * g.params).sum();
        out.extend(wrap(
            &format!(
                "Not listed: {total} template parameters, bound at each `use` (uses × \
                 parameters): {}.",
                groups.join(", ")
            ),
            2,
            WIDTH,
        ));
    }
}

fn tree(t: &Tree<'_>, n: Numbers, out: &mut Vec<String>) {
    out.push("Tree".into());
    let sel = t.select(TREE_ROWS, TREE_DEPTH);
    let mut table = if t.evidence {
        Table::new(&[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
        ])
    } else {
        Table::new(&[Align::Left, Align::Right, Align::Right, Align::Left])
    };
    let mut head = vec!["".into(), "p(branch)".into(), "p(path)".into()];
    if t.evidence {
        head.push("prior".into());
    }
    head.push("date".into());
    table.row(head);
    for item in &sel.items {
        match item {
            Item::Node(0) => {}
            Item::Node(k) => {
                let node = t.node(*k);
                let indent = "  ".repeat(node.depth as usize - 1);
                let name = if node.label == node.id {
                    format!("{indent}{}", node.id)
                } else {
                    format!("{indent}{}  {}", node.id, node.label)
                };
                let cond = match (node.kind, node.state) {
                    (NodeKind::Option, State::Chosen) => "chosen".into(),
                    (NodeKind::Option, _) => "-".into(),
                    _ => n.prob(node.cond),
                };
                let mut row = vec![clip(&name, NAME_WIDTH), cond, n.prob(node.probability)];
                if t.evidence {
                    row.push(n.prob(node.prior));
                }
                let mut meta: Vec<String> = node.date.iter().map(ToString::to_string).collect();
                meta.extend(node.tags.iter().map(|t| format!("#{t}")));
                row.push(meta.join(" "));
                table.row(row);
            }
            Item::Fold(f) => {
                let indent = "  ".repeat(f.depth as usize - 1);
                let mut row = vec![
                    format!("{indent}+ {} more nodes", n.num(f.nodes as f64)),
                    String::new(),
                    n.prob(f.probability),
                ];
                if t.evidence {
                    row.push(String::new());
                }
                row.push(String::new());
                table.row(row);
            }
        }
    }
    out.extend(table.lines(2));
    if sel.hidden > 0 {
        out.push(format!(
            "  ({} of {} nodes folded into the `+` lines: the most probable are shown; \
             `--format json` lists every path)",
            n.num(sel.hidden as f64),
            n.num(sel.total as f64)
        ));
    }
}

fn timeline(t: &Timeline, n: Numbers, out: &mut Vec<String>) {
    if t.series.is_empty() {
        return;
    }
    out.push("Tagged events by date".into());
    let dates = t.table_dates();
    let mut align = vec![Align::Left];
    align.extend(dates.iter().map(|_| Align::Right));
    let mut table = Table::new(&align);
    let mut head = vec![String::new()];
    head.extend(dates.iter().map(|d| format!("by {d}")));
    table.row(head);
    for s in &t.series {
        let mut row = vec![format!("#{}", s.tag)];
        row.extend(dates.iter().map(|&d| n.prob(s.by(d))));
        table.row(row);
    }
    out.extend(table.lines(2));
    if t.more_tags > 0 {
        out.push(format!("  … and {} more tags, not followed", t.more_tags));
    }
}

fn paths(p: &Paths<'_>, n: Numbers, out: &mut Vec<String>) {
    out.push("Most likely paths".into());
    let rows: Vec<_> = p.top().collect();
    let mut align = vec![Align::Right, Align::Right];
    if p.evidence {
        align.push(Align::Right);
    }
    if p.dated {
        align.push(Align::Left);
    }
    align.push(Align::Left);
    let mut t = Table::new(&align);
    let mut head = vec!["#".into(), "p".into()];
    if p.evidence {
        head.push("prior".into());
    }
    if p.dated {
        head.push("date".into());
    }
    head.push("path".into());
    t.row(head);
    for row in &rows {
        let mut cells = vec![row.rank.to_string(), n.prob(row.probability)];
        if let Some(prior) = row.prior {
            cells.push(n.prob(prior));
        }
        if p.dated {
            cells.push(row.date.map(|d| d.to_string()).unwrap_or_default());
        }
        cells.push(format!("{}  ({})", labels(&row.steps), ids(&row.steps)));
        t.row(cells);
    }
    out.extend(t.lines(2));
    if let Some((count, mass)) = p.rest() {
        out.push(format!(
            "  … {count} more paths hold {} (`--format json` lists every path)",
            n.prob(mass)
        ));
    }
    if p.columns.is_empty() || rows.is_empty() {
        return;
    }
    // Metrics in a table of their own, each unit once in its header.
    out.push(String::new());
    out.push("Metrics on these paths".into());
    let mut align = vec![Align::Right];
    align.extend(p.columns.iter().map(|_| Align::Right));
    let mut t = Table::new(&align);
    let mut ids_row = vec!["#".into()];
    ids_row.extend(p.columns.iter().map(|c| c.id.clone()));
    t.row(ids_row);
    let mut units = vec![String::new()];
    units.extend(p.columns.iter().map(|c| match &c.measure {
        Measure::Percent => "%".into(),
        m => m.unit().unwrap_or("").to_owned(),
    }));
    if units.iter().any(|u| !u.is_empty()) {
        t.row(units);
    }
    for row in &rows {
        let mut cells = vec![row.rank.to_string()];
        for (c, &v) in p.columns.iter().zip(&row.metrics) {
            cells.push(match c.measure {
                Measure::Percent => n.num(v * 100.0),
                _ => n.num(v),
            });
        }
        t.row(cells);
    }
    out.extend(t.lines(2));
}

fn metrics(m: &Metrics<'_>, n: Numbers, out: &mut Vec<String>) {
    if m.rows.is_empty() {
        return;
    }
    out.push("Expected metrics".into());
    let mut t = Table::new(&[Align::Left, Align::Right, Align::Left, Align::Left]);
    let mut under = Vec::new();
    for row in &m.rows {
        let unit = match &row.measure {
            Measure::Unit(u) => u.clone(),
            _ => String::new(),
        };
        t.row(vec![
            row.id.clone(),
            n.value(row.expected, &row.measure),
            unit,
            row.label.clone().unwrap_or_default(),
        ]);
        let mut extra = Vec::new();
        if let Some(s) = &row.outcome {
            extra.push(format!(
                "outcome {}, median {}",
                spread(s, &row.measure, n),
                n.value(s.p50, &row.measure)
            ));
        }
        if let Some(p) = row.prior {
            extra.push(format!("prior {}", n.value(p, &row.measure)));
        }
        under.push((!extra.is_empty()).then(|| extra.join(" · ")));
    }
    let id_width = m
        .rows
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    for (line, extra) in t.lines(2).into_iter().zip(under) {
        out.push(line);
        if let Some(e) = extra {
            out.push(format!("  {:id_width$}  {e}", ""));
        }
    }
}

fn decisions(d: &Decisions, n: Numbers, out: &mut Vec<String>) {
    let Some(objective) = &d.objective else {
        return;
    };
    out.push(format!("Decisions ({} {})", objective.verb, objective.id));
    for dec in &d.list {
        let at = if dec.at.is_root() {
            "(root)".to_owned()
        } else {
            dec.at.path.clone()
        };
        let choice = dec.choice.path.rsplit('.').next().unwrap_or_default();
        out.push(format!("  at {at}: take {choice}"));
        let mut t = Table::new(&[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
        ]);
        for o in &dec.options {
            t.row(vec![
                if o.chosen { "*" } else { " " }.into(),
                o.id.clone(),
                n.with_unit(o.value, &objective.measure),
                o.best_share
                    .map(|s| format!("best in {} of samples", n.prob(s)))
                    .unwrap_or_default(),
                o.label.clone().unwrap_or_default(),
            ]);
        }
        out.extend(t.lines(4));
    }
}

fn evidence(e: &Evidence, n: Numbers, out: &mut Vec<String>) {
    out.push(format!(
        "Evidence (probability {} before it was observed; before → after)",
        n.prob(e.probability)
    ));
    let mut t = Table::new(&[Align::Left, Align::Right, Align::Left, Align::Left]);
    for f in &e.forecasts {
        let show = |v: Option<f64>| v.map_or("undefined".into(), |v| n.value(v, &f.measure));
        t.row(vec![
            format!("forecast {}", f.id),
            show(f.prior),
            format!("→ {}", show(f.point)),
            f.label.clone().unwrap_or_default(),
        ]);
    }
    for m in &e.metrics {
        t.row(vec![
            format!("metric {}", m.id),
            m.prior.map_or(String::new(), |v| n.value(v, &m.measure)),
            format!("→ {}", n.with_unit(m.expected, &m.measure)),
            m.label.clone().unwrap_or_default(),
        ]);
    }
    for b in &e.branches {
        t.row(vec![
            format!("branch {}", b.node.path),
            n.prob(b.prior),
            format!("→ {}", n.prob(b.posterior)),
            b.node.label.clone().unwrap_or_default(),
        ]);
    }
    out.extend(t.lines(2));
    if e.more_branches > 0 {
        out.push(format!("  … and {} more branches", e.more_branches));
    }
}

fn sources(s: &Sources, out: &mut Vec<String>) {
    out.push("Sources".into());
    for src in &s.list {
        out.extend(wrap(&format!("{}: {}", src.id, src.text), 2, WIDTH));
        let by = if src.cited_by.is_empty() {
            "not cited".to_owned()
        } else {
            let mut names: Vec<String> = src.cited_by.iter().map(|c| c.path.clone()).collect();
            if src.more > 0 {
                names.push(format!("and {} more", src.more));
            }
            format!("cited by {}", names.join(", "))
        };
        out.extend(wrap(&by, 6, WIDTH));
    }
}

fn notes(s: &Notes, out: &mut Vec<String>) {
    out.push("Notes".into());
    for (at, note) in &s.list {
        let at = if at.is_root() {
            "(root)"
        } else {
            at.path.as_str()
        };
        // A note's later paragraphs sit deeper than its first line, so none reads as a
        // note of its own.
        let mut paras = note.lines();
        out.extend(wrap(
            &format!("{at}: {}", paras.next().unwrap_or("")),
            2,
            WIDTH,
        ));
        out.extend(paras.flat_map(|p| wrap(p, 4, WIDTH)));
    }
    if s.more_nodes > 0 {
        out.push(format!("  … and notes on {} more branches", s.more_nodes));
    }
}

fn sampling(s: &Sampling, n: Numbers, out: &mut Vec<String>) {
    let ess = s
        .ess
        .map(|e| {
            format!(
                ", weighted by the evidence: effective sample size {}",
                n.num(e.round())
            )
        })
        .unwrap_or_default();
    out.extend(wrap(
        &format!(
            "Monte Carlo: {} samples kept of {}{ess}; {} adjusted, {} dropped.",
            exact(s.kept as f64),
            exact(s.requested as f64),
            exact(s.adjusted as f64),
            exact(s.dropped as f64),
        ),
        0,
        WIDTH,
    ));
}

fn warnings(w: &[String], out: &mut Vec<String>) {
    for (i, warning) in w.iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        out.extend(wrap(&format!("warning: {warning}"), 0, WIDTH));
    }
}

fn expectations(e: &Expectations, n: Numbers, out: &mut Vec<String>) {
    if e.rows.is_empty() {
        return;
    }
    let failed = e.failed();
    out.push(format!(
        "Expectations (the author's checks): {} hold, {failed} fail",
        e.rows.len() - failed
    ));
    for x in &e.rows {
        let shown = Numbers::new(x.digits(n.digits()));
        let status = if x.holds { "ok  " } else { "FAIL" };
        out.push(format!(
            "  {status} line {}: {} in {} .. {}",
            x.line,
            x.value.map_or("undefined".into(), |v| shown.num(v)),
            exact(x.lo),
            exact(x.hi)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::briefing::Driver;

    #[test]
    fn the_bottom_line_names_drivers_when_an_analysis_gives_them() {
        // `scn eval` fills drivers from the one-way sensitivity: the bottom line shows them
        // when given.
        let f = Forecast {
            id: "deal".into(),
            label: Some("A deal".into()),
            measure: Measure::Probability,
            point: Some(0.25),
            prior: None,
            sampled: None,
            in_samples: false,
            dropped: 0,
            differs: false,
            kind: scn_eval::ForecastKind::Probability,
            closes: None,
            criteria: None,
        };
        let b = Briefing {
            headlines: vec![f.clone()],
            forecasts: 1,
            sampled: false,
            paths: Vec::new(),
            all_paths: 0,
            drivers: vec![Driver {
                input: "p_sign".into(),
                forecast: f,
                low: 0.1,
                high: 0.4,
            }],
        };
        let mut out = Vec::new();
        briefing(&b, Numbers::default(), &mut out);
        assert_eq!(out[1], "  25%  unlikely  A deal");
        assert!(
            out.contains(&"    p_sign: deal from 10% to 40%".to_owned()),
            "{out:?}"
        );
    }
}
