//! `scn sens --format markdown`: the inputs, each target's tornado, thresholds, risk
//! profiles and global shares as GitHub-flavoured Markdown tables.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{INPUTS_SHOWN, Sens, range_text, signed};
use crate::report::markdown::escape::{code, inline};
use crate::report::{approx, pct};

pub(super) fn render(x: &Sens<'_>, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    let model = x.ev.model();
    let _ = writeln!(s, "# Sensitivity: {}\n", inline(&model.meta.title));
    let _ = writeln!(
        s,
        "Scenario {}. Exact one-way sensitivity: each input at its low and high end, every \
         other input at its mean.",
        code(&model.meta.id)
    );
    inputs(x, top, &mut s);
    tornadoes(x, top, &mut s);
    thresholds(x, &mut s);
    risk(x, &mut s);
    global(x, top, &mut s);
    let notes = x.notes();
    if !notes.is_empty() {
        s.push_str("\n## Notes\n\n");
        for n in notes {
            let _ = writeln!(s, "- {}", inline(&n));
        }
    }
    out.write_all(s.as_bytes())?;
    out.flush()
}

/// A Markdown table: a header, alignments (`true` right-aligned), rows already escaped.
fn table(header: &[&str], right: &[bool], rows: &[Vec<String>], s: &mut String) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let rule: Vec<&str> = right
        .iter()
        .map(|&r| if r { "---:" } else { "---" })
        .collect();
    let _ = writeln!(s, "|{}|", rule.join("|"));
    for r in rows {
        let _ = writeln!(s, "| {} |", r.join(" | "));
    }
}

fn inputs(x: &Sens<'_>, top: usize, s: &mut String) {
    s.push_str("\n## Inputs\n\n");
    let all = &x.inputs.inputs;
    if all.is_empty() {
        s.push_str(
            "None: no let holds a number or a distribution, and no branch probability is \
             written as a number.\n",
        );
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
                inline(&x.input_shown(i, input.base)),
                inline(&x.input_shown(i, input.low)),
                inline(&x.input_shown(i, input.high)),
                inline(&range_text(input)),
            ]
        })
        .collect();
    table(
        &["Input", "Base", "Low", "High", "Range"],
        &[false, true, true, true, false],
        &rows,
        s,
    );
    if listed < all.len() {
        let _ = writeln!(
            s,
            "\nAnd {} more (`--top 0` lists them all).",
            all.len() - listed
        );
    }
}

fn tornadoes(x: &Sens<'_>, top: usize, s: &mut String) {
    for t in &x.one_way.tornadoes {
        let (id, label) = x.target_name(t.target);
        let _ = writeln!(
            s,
            "\n## Tornado: {}{}\n",
            code(&id),
            label
                .map(|l| format!(" {}", inline(&l)))
                .unwrap_or_default()
        );
        let _ = writeln!(
            s,
            "At the means: **{}**.\n",
            inline(&x.shown(t.target, t.base))
        );
        let (bars, more, still) = x.bars(t, top);
        if bars.is_empty() {
            s.push_str("No input moves it.\n");
            continue;
        }
        let rows: Vec<Vec<String>> = bars
            .iter()
            .map(|b| {
                vec![
                    code(&x.input(b.input).name),
                    inline(&x.input_shown(b.input, b.low)),
                    inline(&x.input_shown(b.input, b.high)),
                    inline(&x.shown(t.target, b.value_low)),
                    inline(&x.shown(t.target, b.value_high)),
                    inline(&x.change_shown(t.target, b.swing)),
                ]
            })
            .collect();
        table(
            &["Input", "Low", "High", "At low", "At high", "Swing"],
            &[false, true, true, true, true, true],
            &rows,
            s,
        );
        let mut rest = Vec::new();
        if more > 0 {
            rest.push(match more {
                1 => "1 more input moves it less".to_owned(),
                m => format!("{m} more inputs move it less"),
            });
        }
        if still > 0 {
            rest.push(match still {
                1 => "1 input does not move it".to_owned(),
                n => format!("{n} inputs do not move it"),
            });
        }
        if !rest.is_empty() {
            let _ = writeln!(s, "\n{}.", capitalised(&rest.join("; ")));
        }
    }
}

fn capitalised(t: &str) -> String {
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn thresholds(x: &Sens<'_>, s: &mut String) {
    if x.thresholds.thresholds.is_empty() {
        return;
    }
    s.push_str(
        "\n## Thresholds\n\nWhere the best option changes as one input moves, the others at \
         their means.\n",
    );
    for d in x.ev.decisions() {
        let (id, _) = x.target_name(scn_eval::analysis::Target::Decision(d.node));
        let _ = writeln!(
            s,
            "\n### Decision {} (takes {})\n",
            code(&id),
            code(x.option_id(d.choice))
        );
        let (changes, unchanged) = x.thresholds_of(d.node);
        let rows: Vec<Vec<String>> = changes
            .iter()
            .map(|[name, at, below, above]| {
                vec![
                    code(name),
                    inline(at),
                    format!("{} below, {} above", code(below), code(above)),
                ]
            })
            .collect();
        let unchanged: Vec<String> = unchanged.into_iter().map(code).collect();
        table(
            &["Input", "Change", "Best option"],
            &[false, false, false],
            &rows,
            s,
        );
        if !unchanged.is_empty() {
            let _ = writeln!(
                s,
                "{}No change in range: {}.",
                if rows.is_empty() { "" } else { "\n" },
                unchanged.join(", ")
            );
        }
    }
}

fn risk(x: &Sens<'_>, s: &mut String) {
    if x.risk.profiles.is_empty() {
        return;
    }
    s.push_str(
        "\n## Risk profiles\n\nThe objective under each option, given the decision is reached: \
         its mean and its outcomes with their probabilities, lowest first.\n",
    );
    for d in x.ev.decisions() {
        let target = scn_eval::analysis::Target::Decision(d.node);
        let (id, _) = x.target_name(target);
        let _ = writeln!(s, "\n### Decision {}\n", code(&id));
        let rows: Vec<Vec<String>> = x
            .risk
            .profiles
            .iter()
            .filter(|p| p.decision == d.node)
            .map(|p| {
                let parts = x.outcomes_shown(p, |v| x.shown(target, Some(v)));
                vec![
                    format!(
                        "{}{}",
                        code(x.option_id(p.option)),
                        if p.chosen { " (taken)" } else { "" }
                    ),
                    inline(&x.shown(target, Some(p.mean))),
                    inline(&parts.join(", ")),
                ]
            })
            .collect();
        table(
            &["Option", "Mean", "Outcomes"],
            &[false, true, false],
            &rows,
            s,
        );
        for dom in x.risk.dominance.iter().filter(|y| y.decision == d.node) {
            let _ = writeln!(
                s,
                "\n{} dominates {} (first order: at least as likely to reach every level of \
                 the objective).",
                code(x.option_id(dom.better)),
                code(x.option_id(dom.worse))
            );
        }
    }
}

fn global(x: &Sens<'_>, top: usize, s: &mut String) {
    let Some((n, seed, global)) = &x.global else {
        return;
    };
    let _ = writeln!(
        s,
        "\n## Global sensitivity\n\n{} samples, seed {seed}: each uncertain let's first-order \
         share of the variance (binned conditional means) and its Spearman rank correlation.",
        approx(*n as f64)
    );
    for g in global {
        let (id, _) = x.target_name(g.target);
        let _ = writeln!(
            s,
            "\n### {} (sd {} over {} samples)\n",
            code(&id),
            inline(&approx(g.variance.sqrt())),
            approx(g.samples as f64)
        );
        if g.shares.is_empty() {
            s.push_str("It does not vary across samples.\n");
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
                    inline(&pct(sh.share)),
                    inline(&signed(sh.spearman)),
                ]
            })
            .collect();
        table(
            &["Input", "Share", "Spearman"],
            &[false, true, true],
            &rows,
            s,
        );
        if g.shares.len() > shown {
            let _ = writeln!(s, "\nAnd {} more.", g.shares.len() - shown);
        }
    }
}
