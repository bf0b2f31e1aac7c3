//! `scn diff` for a terminal: the forecasts table (old, new, change, largest terms of the
//! split), the changed inputs, then every edit.

use std::io::{self, Write};

use scn_eval::diff::ForecastChange;

use super::DiffReport;
use super::terms::{delta, edit, largest, method, sampled_rows, value};
use crate::report::num;
use scn_dsl::one_line;

/// How many terms of a forecast's split the table shows.
const TOP_TERMS: usize = 3;

pub(super) fn render(r: &DiffReport<'_>, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Old: {}", one_line(&r.old.shown))?;
    writeln!(w, "New: {}", one_line(&r.new.shown))?;
    forecasts(r, w)?;
    if r.sampled.is_some() {
        sampled(r, w)?;
    }
    inputs(r, w)?;
    structure(r, w)
}

/// The largest terms of a forecast's split, largest first.
fn top_terms(r: &DiffReport<'_>, f: &ForecastChange) -> String {
    let terms = largest(r, f);
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
                // Two spaces before a right-aligned number: with one, the widest numbers of
                // neighbouring columns read as one (`1,121,244 1,121,244`).
                line.push(' ');
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
    for x in sampled_rows(r) {
        rows.push(vec![
            x.name.to_owned(),
            x.old,
            x.new,
            x.change,
            x.noise.into(),
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
        let how = method(d);
        writeln!(w, "\nChanged inputs ({}; {how})", d.inputs.len())?;
        let mut rows = Vec::new();
        for i in d.inputs.iter().take(scn_eval::diff::MAX_CHANGES) {
            let texts = format!("{} → {}", one_line(&i.old_text), one_line(&i.new_text));
            // A set of siblings changed together has no one value: its texts list each one's.
            let values = if i.old.is_nan() {
                texts.clone()
            } else {
                format!("{} → {}", num(i.old), num(i.new))
            };
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
