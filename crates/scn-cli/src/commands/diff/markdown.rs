//! `scn diff --format markdown`: the forecasts table (old, new, change, largest terms of
//! the split), sampled means, the changed inputs and every edit, for a pull request.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::DiffReport;
use super::terms::{delta, edit, largest, method, sampled_rows, value};
use crate::report::markdown::escape::{code, code_span, inline};
use crate::report::num;

/// How many terms of a forecast's split the table shows.
const TOP_TERMS: usize = 3;

pub(super) fn render(r: &DiffReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Changes: {} → {}\n",
        code_span(&r.old.shown),
        code_span(&r.new.shown)
    );
    forecasts(r, &mut s);
    sampled(r, &mut s);
    inputs(r, &mut s);
    structure(r, &mut s);
    out.write_all(s.as_bytes())?;
    out.flush()
}

fn forecasts(r: &DiffReport<'_>, s: &mut String) {
    s.push_str("## Forecasts\n\n");
    if r.shown.is_empty() {
        s.push_str("No forecasts in either version.\n");
        return;
    }
    s.push_str(
        "Point values. Each change is split into a structure term and one term per changed \
         input (Shapley values); the largest are listed.\n\n\
         | Forecast | Old | New | Change | Top contributors |\n|---|---:|---:|---:|---|\n",
    );
    for &i in &r.shown {
        let f = &r.diff.forecasts[i];
        let change = match (f.old, f.new, f.change()) {
            (_, _, Some(d)) => delta(f, d),
            (None, Some(_), None) => "added".into(),
            (Some(_), None, None) => "removed".into(),
            _ => "undefined".into(),
        };
        let terms = largest(r, f);
        let mut parts: Vec<String> = terms
            .iter()
            .take(TOP_TERMS)
            .map(|&(name, v)| format!("{} {}", code(name), inline(&delta(f, v))))
            .collect();
        if terms.len() > TOP_TERMS {
            parts.push(format!("{} more", terms.len() - TOP_TERMS));
        }
        let name = match &f.label {
            Some(l) => format!("{} {}", code(&f.name), inline(l)),
            None => code(&f.name),
        };
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} |",
            inline(&value(f, f.old)),
            inline(&value(f, f.new)),
            inline(&change),
            parts.join(", ")
        );
    }
}

fn sampled(r: &DiffReport<'_>, s: &mut String) {
    let Some(x) = &r.sampled else {
        return;
    };
    let _ = writeln!(
        s,
        "\n## Sampled means\n\n{} samples, seed {}, the same for both versions. Within noise: \
         the change is within twice its standard error.\n\n\
         | Forecast | Old | New | Change | Noise |\n|---|---:|---:|---:|---|",
        num(x.samples as f64),
        x.seed
    );
    for x in sampled_rows(r) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            code(x.name),
            inline(&x.old),
            inline(&x.new),
            inline(&x.change),
            x.noise
        );
    }
}

fn inputs(r: &DiffReport<'_>, s: &mut String) {
    let d = r.diff;
    if d.inputs.is_empty() && d.folded.is_empty() {
        s.push_str(
            "\n## Changed inputs\n\nNo let, template argument or written probability changed: \
             every change is structure.\n",
        );
        return;
    }
    if !d.inputs.is_empty() {
        let _ = writeln!(
            s,
            "\n## Changed inputs\n\n{} ({}).\n\n| Input | Kind | Old → new | As written |\n|---|---|---|---|",
            d.inputs.len(),
            inline(&method(d))
        );
        for i in d.inputs.iter().take(scn_eval::diff::MAX_CHANGES) {
            let texts = format!("{} → {}", i.old_text, i.new_text);
            // A set of siblings changed together has no one value: its texts list each one's.
            let values = if i.old.is_nan() {
                texts.clone()
            } else {
                format!("{} → {}", num(i.old), num(i.new))
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                code(&i.name),
                i.kind.as_str(),
                inline(&values),
                if texts == values {
                    String::new()
                } else {
                    format!("{} → {}", code(&i.old_text), code(&i.new_text))
                }
            );
        }
        if d.inputs.len() > scn_eval::diff::MAX_CHANGES {
            let _ = writeln!(
                s,
                "\nAnd {} more (the JSON report lists them all).",
                d.inputs.len() - scn_eval::diff::MAX_CHANGES
            );
        }
    }
    if !d.folded.is_empty() {
        s.push_str(
            "\n### Changed inputs counted as structure\n\nTheir old values do not fit the new \
             tree.\n\n",
        );
        for f in d.folded.iter().take(scn_eval::diff::MAX_CHANGES) {
            let _ = writeln!(
                s,
                "- {} {} ({} → {}): {}",
                f.input.kind.as_str(),
                code(&f.input.name),
                inline(&num(f.input.old)),
                inline(&num(f.input.new)),
                inline(&f.reason)
            );
        }
    }
}

fn structure(r: &DiffReport<'_>, s: &mut String) {
    let d = r.diff;
    let total = d.structure.len() + d.omitted;
    if total == 0 {
        s.push_str("\n## Structure\n\nNo edits.\n");
        return;
    }
    let _ = writeln!(
        s,
        "\n## Structure\n\n{total} edit{}: `+` added, `-` removed, `~` changed.\n",
        if total == 1 { "" } else { "s" }
    );
    for c in &d.structure {
        let _ = writeln!(s, "- {}", code_span(&edit(c)));
    }
    if d.omitted > 0 {
        let _ = writeln!(
            s,
            "\nAnd {} more edits (only the first {} are listed).",
            d.omitted,
            scn_eval::diff::MAX_CHANGES
        );
    }
}
