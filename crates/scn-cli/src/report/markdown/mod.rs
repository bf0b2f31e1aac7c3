//! The Markdown report: GitHub-flavoured tables and lists, for an issue, a pull request or a
//! wiki page. It needs no raw HTML, so it reads the same wherever Markdown is sanitised.
//! One function per section.

pub(crate) mod escape;

use std::fmt::Write as _;
use std::io::{self, Write};

use escape::{block, code, inline};

use super::Render;
use super::model::assumptions::Kind;
use super::model::forecasts::{AT_MEANS, Forecast};
use super::model::metrics::OUTCOME_NOTE;
use super::model::sampling::lead_note;
use super::model::timeline::Timeline;
use super::model::tree::{Item, State, Tree};
use super::model::{
    Assumptions, Briefing, Decisions, Drivers, Evidence, Expectations, Forecasts, Header, Metrics,
    NodeRef, Notes, Paths, Report, Sampling, Section, Sources, Step,
};
use super::number::{Measure, Numbers, exact};
use super::prose::{Inline, Prose};
use super::words::estimative;

pub(crate) struct Markdown;

/// Rows (leaves and folds) of the tree; a larger tree is folded.
const TREE_ROWS: usize = 120;
/// Levels of the tree below the root.
const TREE_DEPTH: u32 = 10;

impl Render for Markdown {
    fn render(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        // The report is small whatever the tree (its lists are cut short), so a string is
        // simpler than threading io errors through every line.
        let mut s = String::new();
        let n = r.numbers;
        header(&r.header, n, &mut s);
        for section in &r.sections {
            match section {
                Section::Briefing(b) => briefing(b, n, &mut s),
                Section::Drivers(d) => drivers(d, n, &mut s),
                Section::Forecasts(f) => forecasts(f, n, &mut s),
                Section::Assumptions(a) => assumptions(a, n, &mut s),
                Section::Tree(t) => tree(t, n, &mut s),
                Section::Timeline(t) => timeline(t, n, &mut s),
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
        out.write_all(s.as_bytes())?;
        out.flush()
    }
}

fn header(h: &Header, n: Numbers, s: &mut String) {
    let _ = writeln!(s, "# {}\n", inline(&h.title));
    let mut facts = vec![code(&h.id)];
    if let Some(d) = h.as_of {
        facts.push(format!("as of **{d}**"));
    }
    if let Some(d) = h.horizon {
        facts.push(format!("horizon **{d}**"));
    }
    if let Some(a) = &h.author {
        facts.push(format!("by {}", inline(a)));
    }
    let _ = writeln!(s, "{}", facts.join(" · "));
    if let Some(d) = &h.description {
        let _ = writeln!(s, "\n{}", block(d));
    }
    if let Some(p) = h.plugins_line() {
        let _ = writeln!(s, "\n{}", inline(&p));
    }
    if let Some(e) = &h.evidence {
        let _ = writeln!(
            s,
            "\n> **Given the evidence** ({}; probability {} before it was observed), every \
             probability and expected value below is conditioned on it. See [Evidence](#evidence).",
            events(&e.events),
            inline(&n.prob(e.probability))
        );
    }
    if let Some(run) = &h.sampled {
        let _ = writeln!(s, "\n_{}_", inline(&lead_note(run, n)));
    }
}

fn events(list: &[String]) -> String {
    list.iter()
        .map(|t| code(t))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn prose(p: &Prose) -> String {
    p.0.iter()
        .map(|i| match i {
            Inline::Text(t) => inline(t),
            Inline::Code(c) => code(c),
        })
        .collect()
}

/// "Label `id`", or "`id`" when there is no label.
fn named(label: Option<&str>, id: &str) -> String {
    match label {
        Some(l) => format!("{} {}", inline(l), code(id)),
        None => code(id),
    }
}

/// "Label `dotted.path`" for a node.
fn node_ref(r: &NodeRef) -> String {
    if r.is_root() {
        return "the root".into();
    }
    named(r.label.as_deref(), &r.path)
}

/// A forecast's lead figure and its words (for a probability).
fn lead(f: &Forecast, n: Numbers) -> (String, &'static str) {
    match f.lead() {
        None => ("undefined".into(), ""),
        Some(v) if f.measure == Measure::Probability => {
            (inline(&n.prob(v)), estimative(n.shown_percent_value(v)))
        }
        Some(v) => (inline(&n.value(v, &f.measure)), ""),
    }
}

/// The labels along a path.
fn path_labels(steps: &[Step]) -> String {
    if steps.is_empty() {
        return "(root)".into();
    }
    steps
        .iter()
        .map(|st| match st {
            Step::Node { label, .. } => inline(label),
            Step::Gap(k) => format!("… {k} more …"),
        })
        .collect::<Vec<_>>()
        .join(" › ")
}

fn briefing(b: &Briefing, n: Numbers, s: &mut String) {
    s.push_str("\n## Bottom line\n");
    if !b.headlines.is_empty() {
        let _ = write!(
            s,
            "\n| Forecast | {} | In words |\n|---|---:|---|\n",
            if b.sampled { "Sampled mean" } else { "Value" }
        );
        for f in &b.headlines {
            let (value, words) = lead(f, n);
            let _ = writeln!(
                s,
                "| {} | **{value}** | {words} |",
                named(f.label.as_deref(), &f.id)
            );
        }
        if b.forecasts > b.headlines.len() {
            let _ = writeln!(
                s,
                "\nThe first {} of {} forecasts; all are under [Forecasts](#forecasts).",
                b.headlines.len(),
                b.forecasts
            );
        }
    }
    if !b.drivers.is_empty() {
        s.push_str("\n**What moves them most**\n\n");
        for d in &b.drivers {
            let _ = writeln!(
                s,
                "- {} moves {} from {} to {}",
                code(&d.input),
                code(&d.forecast.id),
                inline(&n.value(d.low, &d.forecast.measure)),
                inline(&n.value(d.high, &d.forecast.measure))
            );
        }
    }
    let shown = b.paths.len();
    let _ = writeln!(
        s,
        "\n**Most likely paths** ({}):\n",
        if shown < b.all_paths {
            format!(
                "{shown} of {}, {} of the probability together",
                b.all_paths,
                inline(&n.prob(b.paths_mass()))
            )
        } else {
            "every path".into()
        }
    );
    for (i, p) in b.paths.iter().enumerate() {
        let date = p.date.map(|d| format!(" ({d})")).unwrap_or_default();
        let _ = writeln!(
            s,
            "{}. **{}** {}{date}",
            i + 1,
            inline(&n.prob(p.probability)),
            path_labels(&p.steps)
        );
    }
}

fn drivers(d: &Drivers, n: Numbers, s: &mut String) {
    if d.forecasts.is_empty() {
        return;
    }
    s.push_str(
        "\n## What drives this\n\n| Forecast | Input | Input from → to | Moves it from → to | Swing |\n\
         |---|---|---|---|---:|\n",
    );
    for f in &d.forecasts {
        let m = &f.forecast.measure;
        let at = |v: Option<f64>| v.map_or("undefined".into(), |v| n.value(v, m));
        for (i, x) in f.drivers.iter().enumerate() {
            let input = |v: f64| if x.probability { n.prob(v) } else { n.num(v) };
            let forecast = if i == 0 {
                format!("{} = {}", code(&f.forecast.id), inline(&d.base_text(f, n)))
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "| {forecast} | {} | {} → {} | {} → {} | {} |",
                code(&x.input),
                inline(&input(x.low)),
                inline(&input(x.high)),
                inline(&at(x.at_low)),
                inline(&at(x.at_high)),
                inline(&n.change(x.swing, m))
            );
        }
    }
    let _ = writeln!(s, "\n{}", prose(&d.note()));
}

fn forecasts(f: &Forecasts, n: Numbers, s: &mut String) {
    if f.rows.is_empty() {
        return;
    }
    // Sampled, a forecast leads with its sampled mean, the model's own expectation; the
    // point value is the tree at the inputs' means.
    s.push_str("\n## Forecasts\n\n| Forecast | ");
    s.push_str(if f.sampled { "Sampled mean" } else { "Value" });
    s.push_str(" | In words |");
    if f.sampled {
        s.push_str(" 90% interval | At the inputs' means |");
    }
    if f.evidence {
        s.push_str(" Prior |");
    }
    s.push_str("\n|---|---:|---|");
    s.push_str(&"---:|".repeat(2 * usize::from(f.sampled) + usize::from(f.evidence)));
    s.push('\n');
    for row in &f.rows {
        let (value, words) = lead(row, n);
        let _ = write!(
            s,
            "| {} | {value} | {words} |",
            named(row.label.as_deref(), &row.id)
        );
        let show = |v: f64| inline(&n.value(v, &row.measure));
        if f.sampled {
            let interval = row.sampled.as_ref().map_or("–".into(), |x| {
                inline(&n.range(x.p05, x.p95, &row.measure))
            });
            let point = row.point.map_or("undefined".into(), show);
            let _ = write!(s, " {interval} | {point} |");
        }
        if f.evidence {
            let _ = write!(s, " {} |", row.prior.map_or(String::new(), show));
        }
        s.push('\n');
    }
    // Questions are sentences: a list under the table rather than a wide column.
    let questions: Vec<(&Forecast, String)> = f
        .rows
        .iter()
        .filter_map(|r| r.question().map(|q| (r, q)))
        .collect();
    if !questions.is_empty() {
        s.push_str("\nWhat each question asks:\n\n");
        for (row, q) in questions {
            let _ = writeln!(s, "- {}: {}", code(&row.id), inline(&q));
        }
    }
    if let Some(note) = f.nonlinear_note() {
        let _ = writeln!(s, "\n_Note: {}_", prose(&note));
    }
}

fn assumptions(a: &Assumptions, n: Numbers, s: &mut String) {
    if a.is_empty() {
        return;
    }
    s.push_str(
        "\n## Assumptions\n\nEach `let` of the scenario: what it means, how it is written, and \
         what it is worth. A 90% interval runs from the 5th to the 95th percentile.\n",
    );
    if !a.lets.is_empty() {
        s.push_str(
            "\n| Let | Meaning | Written | Value | 90% interval |\n|---|---|---|---:|---:|\n",
        );
    }
    for l in &a.lets {
        let mut meaning = l.doc.as_deref().map(inline).unwrap_or_default();
        if !l.sources.is_empty() {
            let ids: Vec<String> = l.sources.iter().map(|x| code(x)).collect();
            let _ = write!(meaning, " (sources: {})", ids.join(", "));
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
            "| {} | {meaning} | {} | {value} | {interval} |",
            code(&l.name),
            code(&l.written)
        );
    }
    if let Some(k) = a.sampled_from {
        let _ = writeln!(
            s,
            "\nSampled intervals come from {} samples{}.",
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
            .map(|g| format!("{} ({} uses × {})", code(&g.template), g.uses, g.params))
            .collect();
        let total: usize = a.params.iter().map(|g| g.uses * g.params).sum();
        let _ = writeln!(
            s,
            "\nNot listed: {total} template parameters, each bound by a `use` from the lets \
             above: {}.",
            groups.join(", ")
        );
    }
}

fn tree(t: &Tree<'_>, n: Numbers, s: &mut String) {
    s.push_str("\n## Tree\n\n");
    let _ = writeln!(
        s,
        "Each branch: its probability given its parent, then of its whole path{}, its date and \
         tags.\n",
        if t.evidence {
            " (given the evidence; then before it)"
        } else {
            ""
        }
    );
    let sel = t.select(TREE_ROWS, TREE_DEPTH);
    for item in &sel.items {
        match item {
            Item::Node(0) => {}
            Item::Node(k) => {
                let node = t.node(*k);
                let indent = "  ".repeat(node.depth as usize - 1);
                let mut facts = Vec::new();
                match node.state {
                    State::Chosen => facts.push("✔ chosen".to_owned()),
                    State::Unchosen if node.kind == scn_eval::model::NodeKind::Option => {
                        facts.push("option not taken".to_owned());
                    }
                    State::RuledOut => facts.push("ruled out by the evidence".to_owned()),
                    _ => facts.push(inline(&n.prob(node.cond))),
                }
                facts.push(format!("path {}", inline(&n.prob(node.probability))));
                if t.evidence {
                    facts.push(format!("prior {}", inline(&n.prob(node.prior))));
                }
                if let Some(d) = node.date {
                    facts.push(d.to_string());
                }
                if !node.tags.is_empty() {
                    let tags: Vec<String> =
                        node.tags.iter().map(|x| inline(&format!("#{x}"))).collect();
                    facts.push(tags.join(" "));
                }
                let decision = if node.decision { "◆ " } else { "" };
                let _ = writeln!(
                    s,
                    "{indent}- {decision}**{}** {} — {}",
                    inline(node.label),
                    code(node.id),
                    facts.join(" · ")
                );
            }
            Item::Fold(f) => {
                let indent = "  ".repeat(f.depth as usize - 1);
                let _ = writeln!(
                    s,
                    "{indent}- … {} more nodes, path {}",
                    exact(f.nodes as f64),
                    inline(&n.prob(f.probability))
                );
            }
        }
    }
    if sel.hidden > 0 {
        let _ = writeln!(
            s,
            "\n{} of {} nodes are folded into the “more nodes” lines: the most probable are \
             shown (`--format json` lists every path).",
            exact(sel.hidden as f64),
            exact(sel.total as f64)
        );
    }
}

fn timeline(t: &Timeline, n: Numbers, s: &mut String) {
    if t.series.is_empty() {
        return;
    }
    s.push_str("\n## Tagged events by date\n\nThe probability that a branch with each tag has happened by each date");
    s.push_str(if t.evidence {
        ", given the evidence.\n\n"
    } else {
        ".\n\n"
    });
    let dates = t.table_dates();
    s.push_str("| Tag |");
    for d in &dates {
        let _ = write!(s, " by {d} |");
    }
    s.push_str("\n|---|");
    s.push_str(&"---:|".repeat(dates.len()));
    s.push('\n');
    for se in &t.series {
        let _ = write!(s, "| {} |", inline(&format!("#{}", se.tag)));
        for &d in &dates {
            let _ = write!(s, " {} |", inline(&n.prob(se.by(d))));
        }
        s.push('\n');
    }
    if t.more_tags > 0 {
        let _ = writeln!(s, "\n… and {} more tags, not followed.", t.more_tags);
    }
}

/// A column header with its unit: "Revenue (kEUR)".
fn with_unit(name: &str, m: &Measure) -> String {
    match m.unit() {
        Some(u) => format!("{} ({})", inline(name), inline(u)),
        None => inline(name),
    }
}

fn paths(p: &Paths<'_>, n: Numbers, s: &mut String) {
    s.push_str("\n## Most likely paths\n\n| # | Probability |");
    if p.evidence {
        s.push_str(" Prior |");
    }
    s.push_str(if p.dated { " Path | Date |" } else { " Path |" });
    for c in &p.columns {
        let _ = write!(s, " {} |", with_unit(c.name(), &c.measure));
    }
    s.push_str("\n|---:|---:|");
    if p.evidence {
        s.push_str("---:|");
    }
    s.push_str(if p.dated { "---|---|" } else { "---|" });
    s.push_str(&"---:|".repeat(p.columns.len()));
    s.push('\n');
    for row in p.top() {
        let _ = write!(s, "| {} | {} |", row.rank, inline(&n.prob(row.probability)));
        if let Some(prior) = row.prior {
            let _ = write!(s, " {} |", inline(&n.prob(prior)));
        }
        let _ = write!(s, " {} |", path_labels(&row.steps));
        if p.dated {
            let _ = write!(
                s,
                " {} |",
                row.date.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        for (c, &v) in p.columns.iter().zip(&row.metrics) {
            let _ = write!(s, " {} |", inline(&n.value(v, &c.measure)));
        }
        s.push('\n');
    }
    if let Some((count, mass)) = p.rest() {
        let _ = writeln!(
            s,
            "\n{count} more paths hold {} of the probability (`--format json` lists every path).",
            inline(&n.prob(mass))
        );
    }
}

fn metrics(m: &Metrics<'_>, n: Numbers, s: &mut String) {
    if m.rows.is_empty() {
        return;
    }
    s.push_str("\n## Expected metrics\n\n| Metric | Unit | Expected |");
    if m.sampled {
        s.push_str(" Outcome 90% interval | Outcome median |");
    }
    if m.evidence {
        s.push_str(" Prior |");
    }
    s.push_str("\n|---|---|---:|");
    s.push_str(&"---:|".repeat(2 * usize::from(m.sampled) + usize::from(m.evidence)));
    s.push('\n');
    for row in &m.rows {
        let show = |v: f64| inline(&n.value(v, &row.measure));
        let unit = match &row.measure {
            Measure::Percent => "%".to_owned(),
            other => other.unit().map(inline).unwrap_or_default(),
        };
        let _ = write!(
            s,
            "| {} | {unit} | {} |",
            named(row.label.as_deref(), &row.id),
            show(row.expected)
        );
        if m.sampled {
            match &row.outcome {
                Some(x) => {
                    let _ = write!(
                        s,
                        " {} | {} |",
                        inline(&n.range(x.p05, x.p95, &row.measure)),
                        show(x.p50)
                    );
                }
                None => s.push_str(" – | – |"),
            }
        }
        if m.evidence {
            let _ = write!(s, " {} |", row.prior.map_or(String::new(), show));
        }
        s.push('\n');
    }
    if m.sampled {
        let _ = writeln!(s, "\n{OUTCOME_NOTE}");
    }
}

fn decisions(d: &Decisions, n: Numbers, s: &mut String) {
    let Some(objective) = &d.objective else {
        return;
    };
    let _ = writeln!(
        s,
        "\n## Decisions\n\nEach option is valued by the expected {} it leads to; the choice is \
         made to {} it.",
        named(objective.label.as_deref(), &objective.id),
        objective.verb
    );
    for dec in &d.list {
        let at = if dec.at.is_root() {
            "the root".to_owned()
        } else {
            format!(
                "{} ({})",
                code(&dec.at.path),
                inline(dec.at.label.as_deref().unwrap_or(&dec.at.path))
            )
        };
        let choice = dec.options.iter().find(|o| o.chosen);
        let choice = choice.map_or(String::new(), |o| {
            inline(o.label.as_deref().unwrap_or(&o.id))
        });
        let _ = writeln!(s, "\n### At {at}: take **{choice}**\n");
        if dec.at.is_root() {
            // The root is always reached: saying so is noise.
        } else if dec.reach > 0.0 {
            let _ = writeln!(
                s,
                "Reached with probability {}.\n",
                inline(&n.prob(dec.reach))
            );
        } else {
            s.push_str(
                "Not reached: it lies under an option not taken, or a branch of probability 0.\n\n",
            );
        }
        let _ = write!(
            s,
            "| | Option | {} |",
            with_unit("Value", &objective.measure)
        );
        if d.sampled {
            s.push_str(" Best in samples |");
        }
        s.push_str("\n|---|---|---:|");
        if d.sampled {
            s.push_str("---:|");
        }
        s.push('\n');
        for o in &dec.options {
            let (mark, name) = if o.chosen {
                (
                    "✔ chosen",
                    format!(
                        "**{}** {}",
                        inline(o.label.as_deref().unwrap_or(&o.id)),
                        code(&o.id)
                    ),
                )
            } else {
                ("", named(o.label.as_deref(), &o.id))
            };
            let _ = write!(
                s,
                "| {mark} | {name} | {} |",
                inline(&n.value(o.value, &objective.measure))
            );
            if let Some(share) = o.best_share {
                let _ = write!(s, " {} |", inline(&n.prob(share)));
            }
            s.push('\n');
        }
    }
}

fn evidence(e: &Evidence, n: Numbers, s: &mut String) {
    let _ = writeln!(
        s,
        "\n## Evidence\n\nObserved: {}. It had probability {} before it was observed; paths \
         outside it now have probability 0 and the rest are scaled up by {}.\n",
        events(&e.observed),
        inline(&n.prob(e.probability)),
        n.num(1.0 / e.probability)
    );
    s.push_str("| Quantity | Prior | Posterior |\n|---|---:|---:|\n");
    for f in &e.forecasts {
        let show =
            |v: Option<f64>| v.map_or("undefined".into(), |v| inline(&n.value(v, &f.measure)));
        let _ = writeln!(
            s,
            "| Forecast {} | {} | {} |",
            named(f.label.as_deref(), &f.id),
            show(f.prior),
            show(f.point)
        );
    }
    for m in &e.metrics {
        let show = |v: f64| inline(&n.with_unit(v, &m.measure));
        let _ = writeln!(
            s,
            "| Expected {} | {} | {} |",
            named(m.label.as_deref(), &m.id),
            m.prior.map_or(String::new(), show),
            show(m.expected)
        );
    }
    for b in &e.branches {
        let _ = writeln!(
            s,
            "| Branch {} | {} | {} |",
            node_ref(&b.node),
            inline(&n.prob(b.prior)),
            inline(&n.prob(b.posterior))
        );
    }
    if e.more_branches > 0 {
        let _ = writeln!(s, "| … and {} more branches | | |", e.more_branches);
    }
}

fn sources(x: &Sources, s: &mut String) {
    s.push_str("\n## Sources\n\n");
    for src in &x.list {
        let _ = write!(s, "- **{}**: {}", inline(&src.id), inline(&src.text));
        if src.cited_by.is_empty() {
            s.push_str(" — not cited by any branch");
        } else {
            let names: Vec<String> = src.cited_by.iter().map(node_ref).collect();
            let _ = write!(s, " — cited by {}", names.join(", "));
            if src.more > 0 {
                let _ = write!(s, " and {} more", src.more);
            }
        }
        s.push('\n');
    }
}

fn notes(x: &Notes, s: &mut String) {
    s.push_str("\n## Notes\n\n");
    for (at, note) in &x.list {
        let _ = writeln!(s, "- {}: {}", node_ref(at), inline(note));
    }
    if x.more_nodes > 0 {
        let _ = writeln!(s, "- … and notes on {} more branches", x.more_nodes);
    }
}

fn sampling(x: &Sampling, s: &mut String) {
    let _ = writeln!(
        s,
        "\n_Monte Carlo: {} samples kept of {}; {} adjusted (clamped or renormalised), {} dropped._",
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
    s.push_str("\n## Warnings\n\n");
    for warning in w {
        let _ = writeln!(s, "- {}", inline(warning));
    }
}

fn expectations(e: &Expectations, n: Numbers, s: &mut String) {
    if e.rows.is_empty() {
        return;
    }
    let failed = e.failed();
    let _ = writeln!(
        s,
        "\n## Expectations\n\nThe author's checks of the model: {} of {} hold{}.\n",
        e.rows.len() - failed,
        e.rows.len(),
        if failed > 0 {
            format!(", **{failed} fail**")
        } else {
            String::new()
        }
    );
    s.push_str("| Line | Value | Bounds | Result |\n|---:|---:|---|---|\n");
    for x in &e.rows {
        let shown = Numbers::new(x.digits(n.digits()));
        let result = if x.holds { "holds" } else { "**fails**" };
        let _ = writeln!(
            s,
            "| {} | {} | {} .. {} | {result} |",
            x.line,
            x.value.map_or("undefined".into(), |v| shown.num(v)),
            exact(x.lo),
            exact(x.hi)
        );
    }
}
