//! `scn diff` for a terminal: the forecasts table (old, new, change, largest terms of the
//! split), the changed inputs, then every edit.

use std::io::{self, Write};

use scn_eval::diff::{Change, ChangeKind, ForecastChange, Method, Shown};

use super::DiffReport;
use crate::report::{approx, num, pct};

/// How many terms of a forecast's split the table shows.
const TOP_TERMS: usize = 3;

pub(super) fn render(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Old: {}", r.old.shown)?;
    writeln!(w, "New: {}", r.new.shown)?;
    forecasts(r, w)?;
    if r.sampled.is_some() {
        sampled(r, w)?;
    }
    inputs(r, w)?;
    structure(r, w)
}

/// A change this small next to the forecast is rounding, not a change.
pub(super) fn negligible(d: f64, f: &ForecastChange) -> bool {
    let scale = f
        .old
        .unwrap_or(0.0)
        .abs()
        .max(f.new.unwrap_or(0.0).abs())
        .max(1.0);
    d.abs() <= 1e-12 * scale
}

/// A forecast's value: percent for a probability.
fn value(f: &ForecastChange, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if f.probability => pct(v),
        Some(v) => num(v),
    }
}

/// A signed change: percentage points for a probability, else three significant digits
/// (the JSON report has every digit).
fn delta(f: &ForecastChange, d: f64) -> String {
    if negligible(d, f) {
        return if f.probability {
            "0 pp".into()
        } else {
            "0".into()
        };
    }
    if f.probability {
        let v = d * 100.0;
        return if v.abs() >= 0.05 {
            format!("{v:+.1} pp")
        } else if v.abs() >= 0.0005 {
            format!("{v:+.3} pp")
        } else {
            format!("{v:+.1e} pp")
        };
    }
    signed(approx(d), d)
}

fn signed(s: String, d: f64) -> String {
    if d > 0.0 { format!("+{s}") } else { s }
}

/// The largest terms of a forecast's split, largest first.
fn top_terms(r: &DiffReport<'_>, f: &ForecastChange) -> String {
    let Some(a) = &f.attribution else {
        return String::new();
    };
    let mut terms: Vec<(&str, f64)> = vec![("structure", a.structure)];
    terms.extend(
        r.diff
            .inputs
            .iter()
            .zip(&a.inputs)
            .map(|(i, &v)| (i.name.as_str(), v)),
    );
    if let Some(c) = a.combined {
        terms.push(("all inputs together", c));
    }
    terms.retain(|&(_, v)| !negligible(v, f));
    // A stable sort: equal terms keep structure first, then the inputs' order.
    terms.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let mut parts: Vec<String> = terms
        .iter()
        .take(TOP_TERMS)
        .map(|&(name, v)| format!("{name} {}", delta(f, v)))
        .collect();
    if terms.len() > TOP_TERMS {
        parts.push(format!("+{} more", terms.len() - TOP_TERMS));
    }
    parts.join(", ")
}

/// Writes rows with every column but the last aligned: the first to the left, the others to
/// the right.
fn table(w: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
    table_left(w, rows, 1)
}

/// [`table`] with the first `left` columns aligned to the left.
pub(super) fn table_left(w: &mut dyn Write, rows: &[Vec<String>], left: usize) -> io::Result<()> {
    let cols = rows.first().map_or(0, Vec::len);
    let width = |c: usize| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(width).collect();
    for row in rows {
        let mut line = String::from(" ");
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            line.push(' ');
            if c < left {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else if c + 1 == cols {
                line.push(' ');
                line.push_str(cell);
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

fn forecasts(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    if r.shown.is_empty() {
        return writeln!(w, "\nNo forecasts in either version.");
    }
    writeln!(
        w,
        "\nForecasts (point values; the change split into structure and each changed input, \
         largest first)"
    )?;
    let mut rows = vec![vec![
        "forecast".to_owned(),
        "old".into(),
        "new".into(),
        "change".into(),
        "split".into(),
    ]];
    for &i in &r.shown {
        let f = &r.diff.forecasts[i];
        let change = match (f.old, f.new, f.change()) {
            (_, _, Some(d)) => delta(f, d),
            (None, Some(_), None) => "added".into(),
            (Some(_), None, None) => "removed".into(),
            _ => "undefined".into(),
        };
        rows.push(vec![
            f.name.clone(),
            value(f, f.old),
            value(f, f.new),
            change,
            top_terms(r, f),
        ]);
    }
    table(w, &rows)
}

fn sampled(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    let Some(s) = &r.sampled else {
        return Ok(());
    };
    writeln!(
        w,
        "\nSampled means ({} samples, seed {}, the same for both versions; noise: the change \
         is within twice its standard error)",
        num(s.samples as f64),
        s.seed
    )?;
    let mut rows = vec![vec![
        "forecast".to_owned(),
        "old".into(),
        "new".into(),
        "change".into(),
        "noise".into(),
    ]];
    for &i in &r.shown {
        let f = &r.diff.forecasts[i];
        let Some(c) = r.sampled(i) else { continue };
        let mean = |s: Option<&scn_eval::Summary>| match s {
            None => "—".to_owned(),
            Some(s) if f.probability => pct(s.mean),
            Some(s) => approx(s.mean),
        };
        let change = c.change().map_or_else(
            || "—".to_owned(),
            |d| {
                if f.probability {
                    delta(f, d)
                } else {
                    signed(approx(d), d)
                }
            },
        );
        let noise = match c.within_noise() {
            None => "",
            Some(true) => "within noise",
            Some(false) => "beyond noise",
        };
        rows.push(vec![
            f.name.clone(),
            mean(c.old),
            mean(c.new),
            change,
            noise.into(),
        ]);
    }
    table(w, &rows)
}

fn inputs(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    let d = r.diff;
    if d.inputs.is_empty() && d.folded.is_empty() {
        return writeln!(
            w,
            "\nNo let, template argument or written probability changed: every change is \
             structure."
        );
    }
    if !d.inputs.is_empty() {
        let runs = |n: u64| match n {
            1 => "1 run of the new tree".to_owned(),
            n => format!("{} runs of the new tree", num(n as f64)),
        };
        let how = match d.method {
            Method::None => String::new(),
            Method::Exact { evaluations } => format!("exact Shapley values, {}", runs(evaluations)),
            Method::Sampled {
                permutations,
                evaluations,
                seed,
            } => format!(
                "Shapley values estimated from {permutations} orders (seed {seed}), {}",
                runs(evaluations)
            ),
            Method::Combined { evaluations } => {
                format!("too many to split: one term for all, {}", runs(evaluations))
            }
        };
        writeln!(w, "\nChanged inputs ({}; {how})", d.inputs.len())?;
        let mut rows = Vec::new();
        for i in d.inputs.iter().take(scn_eval::diff::MAX_CHANGES) {
            let values = format!("{} → {}", num(i.old), num(i.new));
            let texts = format!("{} → {}", i.old_text, i.new_text);
            rows.push(vec![
                format!("{} {}", i.kind.as_str(), i.name),
                values.clone(),
                if texts == values {
                    String::new()
                } else {
                    texts
                },
            ]);
        }
        table(w, &rows)?;
        if d.inputs.len() > scn_eval::diff::MAX_CHANGES {
            writeln!(
                w,
                "  … and {} more (the JSON report lists them all)",
                d.inputs.len() - scn_eval::diff::MAX_CHANGES
            )?;
        }
    }
    if !d.folded.is_empty() {
        writeln!(
            w,
            "\nChanged inputs counted as structure (their old values do not fit the new tree)"
        )?;
        for f in d.folded.iter().take(scn_eval::diff::MAX_CHANGES) {
            writeln!(
                w,
                "  {} {} ({} → {}): {}",
                f.input.kind.as_str(),
                f.input.name,
                num(f.input.old),
                num(f.input.new),
                f.reason
            )?;
        }
    }
    Ok(())
}

fn shown(s: &Shown, what: &str) -> String {
    match s {
        Shown::Nothing => "none".into(),
        Shown::Number(v) if what == "probability" => pct(*v),
        Shown::Number(v) => num(*v),
        Shown::Text(t) => t.clone(),
        Shown::List(v) => format!("[{}]", v.join(", ")),
    }
}

/// An expression and its point value, the value left out when the text already says it.
fn expr_and_value(text: &str, value: &Shown, what: &str) -> String {
    let v = shown(value, what);
    match value {
        Shown::Number(_) if v != text => format!("{text} ({v})"),
        _ => text.to_owned(),
    }
}

/// One edit on one line.
pub(super) fn edit(c: &Change) -> String {
    let head = format!("{} {}", c.item.as_str(), c.path);
    let below = match c.below {
        0 => String::new(),
        1 => " (and 1 node below)".into(),
        n => format!(" (and {n} nodes below)"),
    };
    match c.kind {
        ChangeKind::Added | ChangeKind::Removed => {
            let (mark, value, text) = if c.kind == ChangeKind::Added {
                ("+", &c.new, &c.new_text)
            } else {
                ("-", &c.old, &c.old_text)
            };
            let detail = match (c.what, text, value) {
                ("branch", Some(t), v) => format!(", p = {}", expr_and_value(t, v, "probability")),
                (what, Some(t), v) => format!(" = {}", expr_and_value(t, v, what)),
                (_, None, Shown::Nothing) => String::new(),
                (_, None, Shown::Text(t)) => format!(" \"{t}\""),
                (what, None, v) => format!(" {}", shown(v, what)),
            };
            format!("{mark} {head}{detail}{below}")
        }
        ChangeKind::Changed => match (&c.old_text, &c.new_text) {
            (Some(a), Some(b)) => {
                let values = format!("{} → {}", shown(&c.old, c.what), shown(&c.new, c.what));
                let plain = values == format!("{a} → {b}");
                let values = if plain {
                    String::new()
                } else {
                    format!(" ({values})")
                };
                format!("~ {head}: {} {a} → {b}{values}", c.what)
            }
            _ => format!(
                "~ {head}: {} {} → {}",
                c.what,
                shown(&c.old, c.what),
                shown(&c.new, c.what)
            ),
        },
    }
}

fn structure(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    let d = r.diff;
    let total = d.structure.len() + d.omitted;
    if total == 0 {
        return writeln!(w, "\nStructure: no edits.");
    }
    writeln!(
        w,
        "\nStructure ({total} edit{})",
        if total == 1 { "" } else { "s" }
    )?;
    for c in &d.structure {
        writeln!(w, "  {}", edit(c))?;
    }
    if d.omitted > 0 {
        writeln!(
            w,
            "  … and {} more edits (only the first {} are listed)",
            d.omitted,
            scn_eval::diff::MAX_CHANGES
        )?;
    }
    Ok(())
}
