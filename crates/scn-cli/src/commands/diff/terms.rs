//! How every format of `scn diff` for people writes its figures: values (percent for a
//! probability), signed changes (percentage points for a probability), the terms a
//! forecast's change splits into, and each edit on one line.

use scn_eval::diff::{Change, ChangeKind, Diff, ForecastChange, Method, Shown};

use super::DiffReport;
use crate::report::{approx, num, pct};

/// A change this small next to the forecast is rounding, not a change.
fn negligible(d: f64, f: &ForecastChange) -> bool {
    let scale = f
        .old
        .unwrap_or(0.0)
        .abs()
        .max(f.new.unwrap_or(0.0).abs())
        .max(1.0);
    d.abs() <= 1e-12 * scale
}

/// A forecast's value: percent for a probability.
pub(super) fn value(f: &ForecastChange, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if f.probability => pct(v),
        Some(v) => num(v),
    }
}

/// A signed change: percentage points for a probability, else three significant digits
/// (the JSON report has every digit).
pub(super) fn delta(f: &ForecastChange, d: f64) -> String {
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

pub(super) fn signed(s: String, d: f64) -> String {
    if d > 0.0 { format!("+{s}") } else { s }
}

/// The terms of a forecast's split that are not rounding: structure, each changed input (or
/// all inputs together), in that order. Empty when the forecast has no split.
pub(super) fn terms<'r>(r: &'r DiffReport<'_>, f: &ForecastChange) -> Vec<(&'r str, f64)> {
    let Some(a) = &f.attribution else {
        return Vec::new();
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
    terms
}

/// The terms, largest first (equal terms keep structure first, then the inputs' order).
pub(super) fn largest<'r>(r: &'r DiffReport<'_>, f: &ForecastChange) -> Vec<(&'r str, f64)> {
    let mut t = terms(r, f);
    t.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    t
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

/// One edit on one line: a label or an expression written over several lines is joined
/// with spaces.
pub(super) fn edit(c: &Change) -> String {
    scn_dsl::one_line(&edit_unjoined(c)).into_owned()
}

fn edit_unjoined(c: &Change) -> String {
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

/// How the Shapley values were found, in words.
pub(super) fn method(d: &Diff) -> String {
    let runs = |n: u64| match n {
        1 => "1 run of the new tree".to_owned(),
        n => format!("{} runs of the new tree", num(n as f64)),
    };
    match d.method {
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
    }
}

/// One forecast's line of the sampled means, in words and figures for people.
pub(super) struct SampledRow<'r> {
    pub name: &'r str,
    pub old: String,
    pub new: String,
    pub change: String,
    /// "within noise", "beyond noise", or empty when a side has no mean.
    pub noise: &'static str,
}

/// The sampled means of the forecasts shown, old and new, their change and whether it is
/// within sampling noise: the same line in every format.
pub(super) fn sampled_rows<'r>(r: &'r DiffReport<'_>) -> Vec<SampledRow<'r>> {
    let mut rows = Vec::new();
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
        rows.push(SampledRow {
            name: &f.name,
            old: mean(c.old),
            new: mean(c.new),
            change,
            noise: match c.within_noise() {
                None => "",
                Some(true) => "within noise",
                Some(false) => "beyond noise",
            },
        });
    }
    rows
}
