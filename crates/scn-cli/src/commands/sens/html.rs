//! `scn sens --format html`: one self-contained page. Per target, a tornado chart and its
//! table, and a spider chart of the strongest inputs; then thresholds, the risk profiles of
//! each decision as cumulative distributions with the dominance found, global shares, and
//! the inputs.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::analysis::{RiskProfile, SPIDER_PERCENTILES, Target};

use super::{INPUTS_SHOWN, SPIDER_INPUTS, Sens, range_text, signed};
use crate::report::html::esc;
use crate::report::html::figures::{self, Lines, Series, TornadoRow, XAxis};
use crate::report::html::page::{self, Head};
use crate::report::{approx, pct};

pub(super) fn render(x: &Sens<'_>, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let model = x.ev.model();
    let mut s = String::with_capacity(64 * 1024);
    let mut contents = vec![("tornado", "Tornado")];
    if !x.thresholds.thresholds.is_empty() {
        contents.push(("thresholds", "Thresholds"));
    }
    if !x.risk.profiles.is_empty() {
        contents.push(("risk", "Risk profiles"));
    }
    if x.global.is_some() {
        contents.push(("global", "Global sensitivity"));
    }
    contents.push(("inputs", "Inputs"));
    let notes = x.notes();
    if !notes.is_empty() {
        contents.push(("notes", "Notes"));
    }
    page::open(
        &Head {
            kind: "Sensitivity",
            id: &model.meta.id,
            title: &model.meta.title,
            lead: &[
                "Exact one-way sensitivity: each input at its low and high end, every \
                     other input at its mean, the tree evaluated again (decisions re-optimised)."
                    .to_owned(),
            ],
            contents: &contents,
        },
        &mut s,
    );
    tornadoes(x, top, &mut s);
    thresholds(x, &mut s);
    risk(x, &mut s);
    global(x, top, &mut s);
    inputs(x, top, &mut s);
    page::warnings(&notes, &mut s);
    page::close(
        "Every figure but the global shares is exact: the tree evaluated again at each point.",
        &mut s,
    );
    out.write_all(s.as_bytes())?;
    out.flush()
}

fn code(t: &str) -> String {
    format!("<code>{}</code>", esc(t))
}

/// "`id` label" for a target.
fn target_title(x: &Sens<'_>, t: Target) -> String {
    let (id, label) = x.target_name(t);
    match label {
        Some(l) => format!("{} {}", esc(&l), code(&id)),
        None => code(&id),
    }
}

fn tornadoes(x: &Sens<'_>, top: usize, s: &mut String) {
    s.push_str("<section id=\"tornado\">\n<h2>Tornado</h2>\n");
    page::note(
        "Each bar runs from the value at the means (the dark line) to the value with one input \
         at its low end (blue) or its high end (orange). The spider chart moves each of the \
         strongest inputs through its range: a distribution through its percentiles, any other \
         input evenly from its low end (at 5%) to its high end (at 95%).",
        s,
    );
    if x.one_way.tornadoes.is_empty() {
        page::note("No forecast and no decision to analyse.", s);
    }
    for (k, t) in x.one_way.tornadoes.iter().enumerate() {
        let (id, _) = x.target_name(t.target);
        let _ = writeln!(
            s,
            "<figure class=\"card analysis-figure\">\n<figcaption><strong>{}</strong><br>At the means <b>{}</b></figcaption>",
            target_title(x, t.target),
            esc(&x.shown(t.target, t.base))
        );
        let (bars, more, still) = x.bars(t, top);
        if bars.is_empty() {
            page::note("No input moves it.", s);
            s.push_str("</figure>\n");
            continue;
        }
        let rows: Vec<TornadoRow> = bars
            .iter()
            .map(|b| {
                let name = &x.input(b.input).name;
                TornadoRow {
                    label: name.clone(),
                    low_note: format!(
                        "at {} → {}",
                        x.input_shown(b.input, b.low),
                        x.shown(t.target, b.value_low)
                    ),
                    high_note: format!(
                        "at {} → {}",
                        x.input_shown(b.input, b.high),
                        x.shown(t.target, b.value_high)
                    ),
                    low: b.value_low,
                    high: b.value_high,
                }
            })
            .collect();
        let fmt = |v: f64| x.shown(t.target, Some(v));
        figures::tornado(&format!("Tornado of {id}"), t.base, &rows, &fmt, s);
        figures::legend(
            ["input at its low end", "input at its high end"].into_iter(),
            s,
        );
        let cells: Vec<Vec<String>> = bars
            .iter()
            .map(|b| {
                vec![
                    code(&x.input(b.input).name),
                    esc(&x.input_shown(b.input, b.low)),
                    esc(&x.input_shown(b.input, b.high)),
                    esc(&x.shown(t.target, b.value_low)),
                    esc(&x.shown(t.target, b.value_high)),
                    esc(&x.change_shown(t.target, b.swing)),
                ]
            })
            .collect();
        page::table(
            &["Input", "Low", "High", "At low", "At high", "Swing"],
            &[1, 2, 3, 4, 5],
            &cells,
            s,
        );
        let mut rest = Vec::new();
        if more > 0 {
            rest.push(format!(
                "{more} more input{} move{} it less",
                if more == 1 { "" } else { "s" },
                if more == 1 { "s" } else { "" }
            ));
        }
        if still > 0 {
            rest.push(format!(
                "{still} input{} do{} not move it",
                if still == 1 { "" } else { "s" },
                if still == 1 { "es" } else { "" }
            ));
        }
        if !rest.is_empty() {
            page::note(&format!("{}.", rest.join("; ")), s);
        }
        spider(x, k, t.target, t.base, &bars, s);
        s.push_str("</figure>\n");
    }
    s.push_str("</section>\n");
}

/// The spider chart of target `k`: its strongest inputs that have lines.
fn spider(
    x: &Sens<'_>,
    k: usize,
    target: Target,
    base: Option<f64>,
    bars: &[&scn_eval::analysis::Bar],
    s: &mut String,
) {
    let series: Vec<Series> = bars
        .iter()
        .take(SPIDER_INPUTS)
        .filter_map(|b| x.spider.iter().find(|l| l.input == b.input))
        .map(|l| {
            Series::of(
                x.input(l.input).name.clone(),
                SPIDER_PERCENTILES
                    .iter()
                    .zip(&l.targets[k])
                    .map(|(&q, &v)| (q * 100.0, v)),
            )
        })
        .collect();
    if series.is_empty() {
        return;
    }
    let (id, _) = x.target_name(target);
    let _ = writeln!(
        s,
        "<p class=\"note\">Spider: {} as each input moves through its range (percentile of \
         the input), the others at their means; dashed: at the means.</p>",
        code(&id)
    );
    let y = |v: f64| x.shown(target, Some(v));
    let xf = |v: f64| format!("{}%", approx(v));
    figures::lines(
        &Lines {
            aria: &format!("Spider chart of {id}"),
            series: &series,
            x: XAxis::Values(&xf),
            y: &y,
            y_fixed: None,
            x_fixed: Some((5.0, 95.0)),
            reference: base,
        },
        s,
    );
    let wanted = bars.len().min(SPIDER_INPUTS);
    if series.len() < wanted {
        page::note(
            &format!(
                "{} of the {wanted} strongest inputs are drawn: the tree is too large to \
                 evaluate for more.",
                series.len()
            ),
            s,
        );
    }
}

fn thresholds(x: &Sens<'_>, s: &mut String) {
    if x.thresholds.thresholds.is_empty() {
        return;
    }
    s.push_str("<section id=\"thresholds\">\n<h2>Thresholds</h2>\n");
    page::note(
        "Where the best option changes as one input moves, the others at their means.",
        s,
    );
    for d in x.ev.decisions() {
        let _ = writeln!(
            s,
            "<h3>{} <span class=\"muted\">takes</span> {}</h3>",
            target_title(x, Target::Decision(d.node)),
            code(x.option_id(d.choice))
        );
        let (changes, unchanged) = x.thresholds_of(d.node);
        let rows: Vec<Vec<String>> = changes
            .iter()
            .map(|[name, at, below, above]| {
                vec![
                    code(name),
                    esc(at),
                    format!("{} below, {} above", code(below), code(above)),
                ]
            })
            .collect();
        let unchanged: Vec<String> = unchanged.into_iter().map(code).collect();
        page::table(&["Input", "Change", "Best option"], &[], &rows, s);
        if !unchanged.is_empty() {
            let _ = writeln!(
                s,
                "<p class=\"note\">No change in range: {}.</p>",
                unchanged.join(", ")
            );
        }
    }
    s.push_str("</section>\n");
}

/// An option's cumulative distribution as a step line over `[lo, hi]`: 0 below its lowest
/// outcome, 1 from its highest.
fn cdf(p: &RiskProfile, lo: f64, hi: f64) -> Vec<(f64, Option<f64>)> {
    let mut points = vec![(lo, Some(0.0))];
    let mut f = 0.0;
    for o in &p.outcomes {
        points.push((o.value, Some(f)));
        f += o.probability;
        points.push((o.value, Some(f.min(1.0))));
    }
    points.push((hi, Some(f.min(1.0))));
    points
}

fn risk(x: &Sens<'_>, s: &mut String) {
    if x.risk.profiles.is_empty() {
        return;
    }
    s.push_str("<section id=\"risk\">\n<h2>Risk profiles</h2>\n");
    page::note(
        "The objective under each option, given the decision is reached: the probability of \
         doing no better than each value (a cumulative distribution). A line that lies to the \
         right of another everywhere is at least as likely to reach every level: it dominates.",
        s,
    );
    for d in x.ev.decisions() {
        let target = Target::Decision(d.node);
        let profiles: Vec<&RiskProfile> = x
            .risk
            .profiles
            .iter()
            .filter(|p| p.decision == d.node)
            .collect();
        if profiles.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<figure class=\"card analysis-figure\">\n<figcaption><strong>{}</strong></figcaption>",
            target_title(x, target)
        );
        let values = profiles
            .iter()
            .flat_map(|p| p.outcomes.iter().map(|o| o.value))
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if lo <= hi {
            let series: Vec<Series> = profiles
                .iter()
                .map(|p| {
                    let name = format!(
                        "{}{} (mean {})",
                        x.option_id(p.option),
                        if p.chosen { ", taken" } else { "" },
                        x.shown(target, Some(p.mean))
                    );
                    Series::of(name, cdf(p, lo, hi))
                })
                .collect();
            let xf = |v: f64| x.shown(target, Some(v));
            figures::lines(
                &Lines {
                    aria: &format!(
                        "Cumulative distribution of the objective at {}",
                        x.target_name(target).0
                    ),
                    series: &series,
                    x: XAxis::Values(&xf),
                    y: &pct,
                    y_fixed: Some((0.0, 1.0)),
                    x_fixed: None,
                    reference: None,
                },
                s,
            );
        }
        let dominance: Vec<String> = x
            .risk
            .dominance
            .iter()
            .filter(|y| y.decision == d.node)
            .map(|dom| {
                format!(
                    "{} dominates {}",
                    code(x.option_id(dom.better)),
                    code(x.option_id(dom.worse))
                )
            })
            .collect();
        if dominance.is_empty() {
            page::note(
                "No option dominates another: each is more likely than some other to reach \
                 some level.",
                s,
            );
        } else {
            let _ = writeln!(
                s,
                "<p class=\"note\">First-order stochastic dominance: {}.</p>",
                dominance.join("; ")
            );
        }
        s.push_str("</figure>\n");
    }
    s.push_str("</section>\n");
}

fn global(x: &Sens<'_>, top: usize, s: &mut String) {
    let Some((n, seed, global)) = &x.global else {
        return;
    };
    s.push_str("<section id=\"global\">\n<h2>Global sensitivity</h2>\n");
    page::note(
        &format!(
            "{} samples, seed {seed}: each uncertain let's first-order share of the variance \
             (binned conditional means) and its Spearman rank correlation.",
            approx(*n as f64)
        ),
        s,
    );
    for g in global {
        let _ = writeln!(
            s,
            "<h3>{} <span class=\"muted\">sd {} over {} samples</span></h3>",
            target_title(x, g.target),
            esc(&approx(g.variance.sqrt())),
            esc(&approx(g.samples as f64))
        );
        if g.shares.is_empty() {
            page::note("It does not vary across samples.", s);
            continue;
        }
        let shown = if top == 0 {
            g.shares.len()
        } else {
            top.min(g.shares.len())
        };
        let rows: Vec<Vec<String>> = g.shares[..shown]
            .iter()
            .map(|sh| {
                vec![
                    code(&x.ev.model().lets[sh.input as usize].name),
                    esc(&pct(sh.share)),
                    esc(&signed(sh.spearman)),
                ]
            })
            .collect();
        page::table(&["Input", "Share", "Spearman"], &[1, 2], &rows, s);
        if g.shares.len() > shown {
            page::note(&format!("And {} more.", g.shares.len() - shown), s);
        }
    }
    s.push_str("</section>\n");
}

fn inputs(x: &Sens<'_>, top: usize, s: &mut String) {
    s.push_str("<section id=\"inputs\">\n<h2>Inputs</h2>\n");
    let all = &x.inputs.inputs;
    if all.is_empty() {
        page::note(
            "None: no let holds a number or a distribution, and no branch probability is \
             written as a number.",
            s,
        );
        s.push_str("</section>\n");
        return;
    }
    let listed = if top == 0 {
        all.len()
    } else {
        all.len().min(INPUTS_SHOWN)
    };
    let rows: Vec<Vec<String>> = (0..listed)
        .map(|i| {
            let input = &all[i];
            vec![
                code(&input.name),
                esc(&x.input_shown(i, input.base)),
                esc(&x.input_shown(i, input.low)),
                esc(&x.input_shown(i, input.high)),
                esc(&range_text(input)),
            ]
        })
        .collect();
    page::table(
        &["Input", "Base", "Low", "High", "Range"],
        &[1, 2, 3],
        &rows,
        s,
    );
    if listed < all.len() {
        page::note(
            &format!("And {} more (--top 0 lists them all).", all.len() - listed),
            s,
        );
    }
    s.push_str("</section>\n");
}
