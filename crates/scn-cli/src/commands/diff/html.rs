//! `scn diff --format html`: one self-contained page. The forecasts table, then per forecast
//! a waterfall chart of its change (old value → structure term → each changed input's
//! Shapley term → new value), sampled means, changed inputs and every edit.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::diff::ForecastChange;

use super::DiffReport;
use super::terms::{delta, edit, largest, method, sampled_rows, terms, value};
use crate::report::html::esc;
use crate::report::html::figures;
use crate::report::html::page::{self, Head};
use crate::report::num;

/// How many terms of a forecast's split the table shows.
const TOP_TERMS: usize = 3;
/// Input terms drawn in a waterfall; the smaller rest are drawn as one.
const WATERFALL_TERMS: usize = 12;

fn code(t: &str) -> String {
    format!("<code>{}</code>", esc(t))
}

pub(super) fn render(r: &DiffReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::with_capacity(64 * 1024);
    let title = format!("{} → {}", r.old.shown, r.new.shown);
    let id = &r.new.evaluation.model().meta.id;
    page::open(
        &Head {
            kind: "Changes",
            id,
            title: &title,
            lead: &[],
            contents: &[
                ("forecasts", "Forecasts"),
                ("inputs", "Changed inputs"),
                ("structure", "Structure"),
            ],
        },
        &mut s,
    );
    forecasts(r, &mut s);
    sampled(r, &mut s);
    inputs(r, &mut s);
    structure(r, &mut s);
    page::close(
        "Point values are exact; each change is split by Shapley values over the new tree.",
        &mut s,
    );
    out.write_all(s.as_bytes())?;
    out.flush()
}

fn change_text(f: &ForecastChange) -> String {
    match (f.old, f.new, f.change()) {
        (_, _, Some(d)) => delta(f, d),
        (None, Some(_), None) => "added".into(),
        (Some(_), None, None) => "removed".into(),
        _ => "undefined".into(),
    }
}

fn forecasts(r: &DiffReport<'_>, s: &mut String) {
    s.push_str("<section id=\"forecasts\">\n<h2>Forecasts</h2>\n");
    if r.shown.is_empty() {
        page::note("No forecasts in either version.", s);
        s.push_str("</section>\n");
        return;
    }
    page::note(
        "Point values. Each change is split into a structure term (the new tree with every \
         changed input at its old value, against the old forecast) and one term per changed \
         input (its Shapley value); the terms add up to the change.",
        s,
    );
    let rows: Vec<Vec<String>> = r
        .shown
        .iter()
        .map(|&i| {
            let f = &r.diff.forecasts[i];
            let terms = largest(r, f);
            let mut parts: Vec<String> = terms
                .iter()
                .take(TOP_TERMS)
                .map(|&(name, v)| format!("{} {}", code(name), esc(&delta(f, v))))
                .collect();
            if terms.len() > TOP_TERMS {
                parts.push(format!("{} more", terms.len() - TOP_TERMS));
            }
            let name = match &f.label {
                Some(l) => format!("{} {}", esc(l), code(&f.name)),
                None => code(&f.name),
            };
            vec![
                name,
                esc(&value(f, f.old)),
                esc(&value(f, f.new)),
                format!("<b>{}</b>", esc(&change_text(f))),
                parts.join("<br>"),
            ]
        })
        .collect();
    page::table(
        &["Forecast", "Old", "New", "Change", "Top contributors"],
        &[1, 2, 3],
        &rows,
        s,
    );
    s.push_str("<div class=\"cards\">\n");
    for &i in &r.shown {
        waterfall(r, &r.diff.forecasts[i], s);
    }
    s.push_str("</div>\n</section>\n");
}

/// A forecast's waterfall: old, structure, each input term in the inputs' order (the
/// smallest beyond [`WATERFALL_TERMS`] as one), new.
fn waterfall(r: &DiffReport<'_>, f: &ForecastChange, s: &mut String) {
    let (Some(old), Some(new)) = (f.old, f.new) else {
        return;
    };
    if f.attribution.is_none() {
        return;
    }
    let all = terms(r, f);
    let inputs = all.iter().filter(|t| t.0 != "structure").count();
    let mut steps: Vec<(String, f64)> = Vec::new();
    if inputs > WATERFALL_TERMS {
        let mut by_size: Vec<f64> = all
            .iter()
            .filter(|t| t.0 != "structure")
            .map(|t| t.1.abs())
            .collect();
        by_size.sort_by(|a, b| b.total_cmp(a));
        let cut = by_size[WATERFALL_TERMS - 1];
        let mut rest = (0usize, 0.0);
        let mut kept = 0;
        for &(name, v) in &all {
            if name == "structure" || (v.abs() >= cut && kept < WATERFALL_TERMS) {
                if name != "structure" {
                    kept += 1;
                }
                steps.push((name.to_owned(), v));
            } else {
                rest = (rest.0 + 1, rest.1 + v);
            }
        }
        if rest.0 > 0 {
            steps.push((format!("{} other inputs", rest.0), rest.1));
        }
    } else {
        steps = all.iter().map(|&(n, v)| (n.to_owned(), v)).collect();
    }
    let _ = writeln!(
        s,
        "<figure class=\"card analysis-figure\">\n<figcaption><strong>{}</strong> {} → {} \
         (<b>{}</b>)</figcaption>",
        code(&f.name),
        esc(&value(f, Some(old))),
        esc(&value(f, Some(new))),
        esc(&change_text(f))
    );
    if steps.is_empty() {
        page::note("No change.", s);
    } else {
        let fmt = |v: f64| value(f, Some(v));
        let d = |v: f64| delta(f, v);
        figures::waterfall(
            &format!("Waterfall of the change of {}", f.name),
            ("old", old),
            &steps,
            ("new", new),
            &fmt,
            &d,
            s,
        );
    }
    s.push_str("</figure>\n");
}

fn sampled(r: &DiffReport<'_>, s: &mut String) {
    let Some(x) = &r.sampled else {
        return;
    };
    s.push_str("<section id=\"sampled\">\n<h2>Sampled means</h2>\n");
    page::note(
        &format!(
            "{} samples, seed {}, the same for both versions. Within noise: the change is \
             within twice its standard error.",
            num(x.samples as f64),
            x.seed
        ),
        s,
    );
    let mut rows = Vec::new();
    for x in sampled_rows(r) {
        rows.push(vec![
            code(x.name),
            esc(&x.old),
            esc(&x.new),
            esc(&x.change),
            x.noise.to_owned(),
        ]);
    }
    page::table(
        &["Forecast", "Old", "New", "Change", "Noise"],
        &[1, 2, 3],
        &rows,
        s,
    );
    s.push_str("</section>\n");
}

fn inputs(r: &DiffReport<'_>, s: &mut String) {
    let d = r.diff;
    s.push_str("<section id=\"inputs\">\n<h2>Changed inputs</h2>\n");
    if d.inputs.is_empty() && d.folded.is_empty() {
        page::note(
            "No let, template argument or written probability changed: every change is \
             structure.",
            s,
        );
    }
    if !d.inputs.is_empty() {
        page::note(&format!("{} ({}).", d.inputs.len(), method(d)), s);
        let rows: Vec<Vec<String>> = d
            .inputs
            .iter()
            .take(scn_eval::diff::MAX_CHANGES)
            .map(|i| {
                let texts = format!("{} → {}", i.old_text, i.new_text);
                // A set of siblings changed together has no one value: its texts list each one's.
                let values = if i.old.is_nan() {
                    texts.clone()
                } else {
                    format!("{} → {}", num(i.old), num(i.new))
                };
                vec![
                    code(&i.name),
                    i.kind.as_str().to_owned(),
                    esc(&values),
                    if texts == values {
                        String::new()
                    } else {
                        format!("{} → {}", code(&i.old_text), code(&i.new_text))
                    },
                ]
            })
            .collect();
        page::table(&["Input", "Kind", "Old → new", "As written"], &[], &rows, s);
        if d.inputs.len() > scn_eval::diff::MAX_CHANGES {
            page::note(
                &format!(
                    "And {} more (the JSON report lists them all).",
                    d.inputs.len() - scn_eval::diff::MAX_CHANGES
                ),
                s,
            );
        }
    }
    if !d.folded.is_empty() {
        s.push_str("<h3>Changed inputs counted as structure</h3>\n");
        page::note("Their old values do not fit the new tree.", s);
        s.push_str("<ul>\n");
        for f in d.folded.iter().take(scn_eval::diff::MAX_CHANGES) {
            let _ = writeln!(
                s,
                "<li>{} {} ({} → {}): {}</li>",
                f.input.kind.as_str(),
                code(&f.input.name),
                esc(&num(f.input.old)),
                esc(&num(f.input.new)),
                esc(&f.reason)
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

fn structure(r: &DiffReport<'_>, s: &mut String) {
    let d = r.diff;
    let total = d.structure.len() + d.omitted;
    s.push_str("<section id=\"structure\">\n");
    if total == 0 {
        s.push_str("<h2>Structure</h2>\n");
        page::note("No edits.", s);
        s.push_str("</section>\n");
        return;
    }
    let _ = writeln!(
        s,
        "<details open>\n<summary><h2>Structure</h2> <span class=\"muted\">{total} edit{}</span></summary>",
        if total == 1 { "" } else { "s" }
    );
    page::note("+ added, - removed, ~ changed.", s);
    s.push_str("<ul class=\"edits\">\n");
    for c in &d.structure {
        let _ = writeln!(s, "<li>{}</li>", code(&edit(c)));
    }
    s.push_str("</ul>\n");
    if d.omitted > 0 {
        page::note(
            &format!(
                "And {} more edits (only the first {} are listed).",
                d.omitted,
                scn_eval::diff::MAX_CHANGES
            ),
            s,
        );
    }
    s.push_str("</details>\n</section>\n");
}
