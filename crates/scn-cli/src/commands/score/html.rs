//! `scn score --format html`: one self-contained page (the reports' style sheet, inline SVG,
//! no script, nothing fetched) that reads on a phone. The library's scores against the 50%
//! baseline and a calibration (reliability) diagram lead; each scenario follows with a
//! table of its resolved forecasts and, with `--history`, each forecast's line over its
//! versions with its close and resolution marked. The bytes depend only on the scores.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_dsl::Date;
use scn_eval::{Outcome, Score, ScoreSummary};

use super::people::{basis, figure, library_scores, means, outcome, plural, prob, short, tables};
use super::{Row, ScenarioScores, Scores};
use crate::report::approx;
use crate::report::html::{STYLE, esc};

/// What the score pages add to the reports' style sheet.
const EXTRA_STYLE: &str =
    "svg.score-chart { display: block; width: 100%; height: auto; margin: .3em 0; }
svg.reliability { max-width: 420px; }
svg.history { max-width: 560px; }
svg.score-chart text { font-size: 11px; fill: var(--muted); }
svg.score-chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.score-chart .grid { stroke: var(--line); stroke-width: 1; }
svg.score-chart .diagonal { stroke: var(--muted); stroke-dasharray: 4 3; }
svg.score-chart .bin { fill: var(--accent); fill-opacity: .75; }
svg.score-chart .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg.score-chart .version { fill: var(--accent); }
svg.score-chart .after { fill: var(--muted); }
svg.score-chart .scored { fill: #fff; stroke: var(--accent); stroke-width: 2.5; }
svg.score-chart .close { stroke: var(--warn); stroke-dasharray: 5 3; }
svg.score-chart .resolved { fill: var(--chosen); }
svg.score-chart .resolved-label { fill: var(--chosen); font-weight: 600; }
figure.history { margin: 1em 0 1.6em; }
figure.history figcaption { font-size: .9rem; }
";

pub(super) fn render(s: &Scores, out: &mut dyn Write) -> io::Result<()> {
    let mut h = String::with_capacity(32 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>Scores</title>\n");
    let _ = writeln!(
        h,
        "<style>\n{STYLE}{EXTRA_STYLE}</style>\n</head>\n<body>\n<main>"
    );
    let rows: usize = s.scenarios.iter().map(|c| c.rows.len()).sum();
    let _ = writeln!(
        h,
        "<header>\n<p class=\"kicker\">scn score</p>\n<h1>Scores</h1>\n<p class=\"facts\"><span>{}</span> \
         <span>{}</span></p>\n<p class=\"description\">Scored: {}.</p>\n</header>",
        plural(rows, "resolved forecast", "resolved forecasts"),
        plural(s.scenarios.len(), "scenario", "scenarios"),
        esc(&basis(s))
    );
    if rows == 0 {
        let _ = writeln!(h, "<p>{}</p>", esc(s.nothing()));
    } else {
        library(&s.summary, &mut h);
        calibration(&s.summary, &mut h);
    }
    for (i, sc) in s.scenarios.iter().enumerate() {
        scenario(i, sc, s.history, &mut h);
    }
    if !s.warnings.is_empty() {
        h.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for w in &s.warnings {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul>\n</section>\n");
    }
    let _ = writeln!(
        h,
        "<footer class=\"note\">Scores by scn {}. Brier: (p − outcome)², lower is better. Log: \
         ln of the chance given to what happened, higher is better.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    // As every report for people: no control character reaches the reader's terminal.
    out.write_all(scn_dsl::sanitize_lines(&h).as_bytes())?;
    out.flush()
}

fn library(s: &ScoreSummary, h: &mut String) {
    let _ = writeln!(
        h,
        "<section id=\"library\">\n<h2>Library</h2>\n<p>{} and {}.</p>",
        plural(s.n, "probability", "probabilities"),
        plural(s.numbers, "number", "numbers")
    );
    let scores = library_scores(s);
    if !scores.is_empty() {
        h.push_str(
            "<table class=\"stack\">\n<thead><tr><th>Score</th><th class=\"num\">Mean</th>\
             <th class=\"num\">Always 50%</th><th></th></tr></thead>\n<tbody>\n",
        );
        for [name, mean, baseline, remark] in &scores {
            let _ = writeln!(
                h,
                "<tr><td class=\"title\">{name}</td><td class=\"num\" data-label=\"Mean\">{mean}</td>\
                 <td class=\"num\" data-label=\"Always 50%\">{baseline}</td><td>{}</td></tr>",
                esc(remark)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let (n, covered) = s.coverage;
    if n > 0 {
        let _ = writeln!(
            h,
            "<p>Numbers inside their sampled 90% interval: {covered} of {n}.</p>"
        );
    }
    h.push_str("</section>\n");
}

/// A coordinate with one decimal, the same bytes on every run; never `-0`.
fn px(v: f64) -> String {
    let v = if v.abs() < 0.05 { 0.0 } else { v };
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_owned)
}

// The reliability diagram's drawing: a square plot with room for the ticks.
const RW: f64 = 320.0;
const RH: f64 = 300.0;
const RL: f64 = 44.0;
const RR: f64 = 22.0;
const RT: f64 = 26.0;
const RB: f64 = 44.0;

/// The calibration diagram: each non-empty bin a dot at its mean forecast (across) and the
/// share that happened (up), its area growing with its count; a perfectly calibrated
/// forecaster's dots lie on the dashed diagonal. The table beside it gives the figures.
fn calibration(s: &ScoreSummary, h: &mut String) {
    if s.n == 0 {
        return;
    }
    h.push_str(
        "<section id=\"calibration\">\n<h2>Calibration</h2>\n<p class=\"note\">Probabilities in \
         bins of ten points: how often what was given each chance happened. On the dashed line, \
         things given 30% happened 30% of the time; a dot's area grows with its forecasts.</p>\n",
    );
    let x = |p: f64| RL + p.clamp(0.0, 1.0) * (RW - RL - RR);
    let y = |p: f64| RT + (1.0 - p.clamp(0.0, 1.0)) * (RH - RT - RB);
    let _ = writeln!(
        h,
        "<svg class=\"score-chart reliability\" viewBox=\"0 0 {RW} {RH}\" role=\"img\" \
         aria-label=\"Calibration: share that happened against the mean forecast of each bin\">"
    );
    for k in 0..=5 {
        let p = f64::from(k) / 5.0;
        let _ = writeln!(
            h,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
             <line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            px(x(p)),
            px(x(p)),
            px(y(0.0)),
            px(y(1.0)),
            px(x(0.0)),
            px(x(1.0)),
            px(y(p)),
            px(y(p)),
            px(x(p)),
            px(y(0.0) + 15.0),
            prob(p),
            px(RL - 5.0),
            px(y(p) + 4.0),
            prob(p)
        );
    }
    let _ = writeln!(
        h,
        "<line class=\"diagonal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">mean forecast of the bin</text>\
         <text x=\"4\" y=\"14\">share that happened</text>",
        px(x(0.0)),
        px(y(0.0)),
        px(x(1.0)),
        px(y(1.0)),
        px((x(0.0) + x(1.0)) / 2.0),
        px(RH - 6.0)
    );
    let most = s.calibration.iter().map(|b| b.n).max().unwrap_or(1).max(1) as f64;
    for b in s.calibration.iter().filter(|b| b.n > 0) {
        let (Some(f), Some(o)) = (b.forecast, b.observed) else {
            continue;
        };
        let r = 3.0 + 6.0 * (b.n as f64 / most).sqrt();
        let _ = writeln!(
            h,
            "<circle class=\"bin\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{:.0}–{:.0}%: {}, mean \
             forecast {}, {} happened</title></circle>",
            px(x(f)),
            px(y(o)),
            px(r),
            b.lo * 100.0,
            b.hi * 100.0,
            plural(b.n, "forecast", "forecasts"),
            prob(f),
            prob(o)
        );
    }
    h.push_str("</svg>\n");
    h.push_str(
        "<table class=\"stack\">\n<thead><tr><th>Bin</th><th class=\"num\">Forecasts</th>\
         <th class=\"num\">Mean forecast</th><th class=\"num\">Happened</th></tr></thead>\n<tbody>\n",
    );
    for b in s.calibration.iter().filter(|b| b.n > 0) {
        let _ = writeln!(
            h,
            "<tr><td class=\"title\">{:.0}–{:.0}%</td><td class=\"num\" data-label=\"Forecasts\">{}</td>\
             <td class=\"num\" data-label=\"Mean forecast\">{}</td><td class=\"num\" data-label=\"Happened\">{}</td></tr>",
            b.lo * 100.0,
            b.hi * 100.0,
            b.n,
            b.forecast.map_or_else(String::new, prob),
            b.observed.map_or_else(String::new, prob)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

/// "Label `id`", or "`id`" when the label is the id, with its question under it.
fn named(r: &Row) -> String {
    let mut s = if r.label == r.forecast {
        format!("<code>{}</code>", esc(&r.forecast))
    } else {
        format!("{} <code>{}</code>", esc(&r.label), esc(&r.forecast))
    };
    let mut q = Vec::new();
    if let Some(d) = r.closes {
        q.push(format!("closes {d}"));
    }
    if let Some(c) = &r.criteria {
        q.push(format!("criteria: {c}"));
    }
    if let Some(src) = &r.resolution.source {
        q.push(format!("resolved from: {src}"));
    }
    if !q.is_empty() {
        let _ = write!(
            s,
            "<br><span class=\"question\">{}</span>",
            esc(&q.join(" · "))
        );
    }
    s
}

fn scenario(i: usize, sc: &ScenarioScores, history: bool, h: &mut String) {
    let _ = writeln!(
        h,
        "<section id=\"scenario-{i}\">\n<h2>{} <code>{}</code></h2>\n<p class=\"note\">{}</p>",
        esc(&sc.title),
        esc(&sc.id),
        esc(&sc.file)
    );
    let (probs, numbers) = tables(sc);
    if !probs.is_empty() {
        h.push_str(
            "<table class=\"stack\">\n<thead><tr><th>Forecast</th><th>Outcome</th>\
             <th class=\"num\">Forecast</th><th class=\"num\">Brier</th><th class=\"num\">Log</th>",
        );
        if history {
            h.push_str("<th class=\"num\">Time-averaged Brier</th>");
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for x in &probs {
            let _ = write!(
                h,
                "<tr><td class=\"title\">{}</td><td class=\"date\" data-label=\"Outcome\">{} on <time>{}</time></td>\
                 <td class=\"num\" data-label=\"Forecast\">{}</td><td class=\"num\" data-label=\"Brier\">{}</td>\
                 <td class=\"num\" data-label=\"Log\">{}</td>",
                named(x.row),
                outcome(x.row.resolution.outcome),
                x.row.resolution.on,
                x.forecast,
                x.brier,
                x.log
            );
            if history {
                let _ = write!(
                    h,
                    "<td class=\"num\" data-label=\"Time-averaged Brier\">{}</td>",
                    x.time_brier
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table>\n");
    }
    if !numbers.is_empty() {
        h.push_str(
            "<table class=\"stack\">\n<thead><tr><th>Forecast</th><th>Outcome</th>\
             <th class=\"num\">Forecast</th><th class=\"num\">Absolute error</th>\
             <th>In the 90% interval</th></tr></thead>\n<tbody>\n",
        );
        for x in &numbers {
            let _ = writeln!(
                h,
                "<tr><td class=\"title\">{}</td><td class=\"date\" data-label=\"Outcome\">{} on <time>{}</time></td>\
                 <td class=\"num\" data-label=\"Forecast\">{}</td><td class=\"num\" data-label=\"Absolute error\">{}</td>\
                 <td data-label=\"In the 90% interval\">{}</td></tr>",
                named(x.row),
                esc(&outcome(x.row.resolution.outcome)),
                x.row.resolution.on,
                esc(&x.forecast),
                esc(&x.abs_error),
                x.covered
            );
        }
        h.push_str("</tbody></table>\n");
    }
    if let Some(line) = means(&sc.summary) {
        let _ = writeln!(h, "<p>{}.</p>", esc(&line));
    }
    for r in &sc.rows {
        history_chart(r, h);
    }
    h.push_str("</section>\n");
}

// A history chart's drawing.
const HW: f64 = 400.0;
const HH: f64 = 172.0;
const HL: f64 = 50.0;
const HR: f64 = 16.0;
const HT: f64 = 16.0;
const HB: f64 = 44.0;

/// A forecast's line over its versions: each version holds from its commit's day until the
/// next, as the time-averaged Brier score counts it. The version scored is ringed, those
/// after the close are grey, the close is a dashed line and the outcome a green diamond on
/// the day it resolved.
fn history_chart(r: &Row, h: &mut String) {
    let Some(hist) = &r.history else {
        return;
    };
    let Some(first) = hist.points.first() else {
        return;
    };
    let res = &r.resolution;
    let last_day = hist.points.last().map_or(first.date, |p| p.date);
    let d0 = first.date.day_number();
    let d1 = [last_day, hist.cutoff, res.on]
        .iter()
        .map(|d| d.day_number())
        .max()
        .unwrap_or(d0)
        .max(d0 + 1);
    let resolved = match res.outcome {
        Outcome::Yes => 1.0,
        Outcome::No => 0.0,
        Outcome::Number(x) => x,
    };
    let probability = matches!(r.score, Score::Probability { .. });
    let (lo, hi) = if probability {
        (0.0, 1.0)
    } else {
        let (lo, hi) = hist
            .points
            .iter()
            .map(|p| p.value)
            .chain([resolved])
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let pad = ((hi - lo) * 0.1)
            .max(lo.abs().max(hi.abs()) * 0.05)
            .max(1e-9);
        if lo.is_finite() && hi.is_finite() {
            (lo - pad, hi + pad)
        } else {
            (0.0, 1.0)
        }
    };
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let x = |d: Date| HL + (d.day_number() - d0) as f64 / (d1 - d0) as f64 * (HW - HL - HR);
    let y = |v: f64| HT + (1.0 - ((v - lo) / span).clamp(0.0, 1.0)) * (HH - HT - HB);
    let show = |v: f64| {
        if probability { prob(v) } else { approx(v) }
    };
    let name = if r.label == r.forecast {
        r.forecast.clone()
    } else {
        format!("{} ({})", r.label, r.forecast)
    };
    let _ = writeln!(
        h,
        "<figure class=\"history\">\n<svg class=\"score-chart history\" viewBox=\"0 0 {HW} {HH}\" \
         role=\"img\" aria-label=\"{} over its versions, and its resolution\">",
        esc(&name)
    );
    // The value axis: its ends, and the middle for a probability.
    let ticks: Vec<f64> = if probability {
        vec![0.0, 0.5, 1.0]
    } else {
        vec![lo, hi]
    };
    for t in ticks {
        let _ = writeln!(
            h,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" \
             text-anchor=\"end\">{}</text>",
            px(HL),
            px(HW - HR),
            px(y(t)),
            px(y(t)),
            px(HL - 5.0),
            px(y(t) + 4.0),
            esc(&show(t))
        );
    }
    let base = HH - HB;
    let end_day = Date::from_day_number(d1);
    let _ = writeln!(
        h,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\
         <text x=\"{}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        px(HL),
        px(HW - HR),
        px(base),
        px(base),
        px(HL),
        px(base + 15.0),
        first.date,
        px(HW - HR),
        px(base + 15.0),
        end_day
    );
    // The close, labelled on a row of its own under the dates so no label meets another.
    let xc = x(hist.cutoff);
    let _ = writeln!(
        h,
        "<line class=\"close\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/><text x=\"{}\" y=\"{}\" \
         text-anchor=\"middle\">{} {}</text>",
        px(xc),
        px(xc),
        px(HT),
        px(base),
        px(xc.clamp(HL + 60.0, HW - HR - 60.0)),
        px(base + 31.0),
        if r.closes.is_some() {
            "closes"
        } else {
            "resolved"
        },
        hist.cutoff
    );
    // Each version holds until the next; the last until the end of the drawing.
    let mut path = String::new();
    for (i, p) in hist.points.iter().enumerate() {
        let until = hist.points.get(i + 1).map_or(end_day, |n| n.date);
        if i == 0 {
            let _ = write!(path, "M{} {}", px(x(p.date)), px(y(p.value)));
        } else {
            let _ = write!(path, " V{}", px(y(p.value)));
        }
        let _ = write!(path, " H{}", px(x(until)));
    }
    let _ = writeln!(h, "<path class=\"line\" d=\"{path}\"/>");
    for (i, p) in hist.points.iter().enumerate() {
        let class = if i == hist.scored {
            "scored"
        } else if p.date >= hist.cutoff {
            "after"
        } else {
            "version"
        };
        let _ = writeln!(
            h,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{} on {}: {}</title></circle>",
            px(x(p.date)),
            px(y(p.value)),
            if i == hist.scored { "5" } else { "3.5" },
            short(&p.commit),
            p.date,
            esc(&show(p.value))
        );
    }
    let (xr, yr) = (x(res.on), y(resolved));
    let label = format!("resolved {}", outcome(res.outcome));
    // The label sits beside the diamond, on whichever side has room.
    let (lx, anchor) = if xr - HL > 110.0 {
        (xr - 9.0, "end")
    } else {
        (xr + 9.0, "start")
    };
    let ly = (yr + 4.0).clamp(HT + 4.0, base - 4.0);
    let _ = writeln!(
        h,
        "<path class=\"resolved\" d=\"M{} {} l6 6 l-6 6 l-6 -6 z\"><title>{} on {}</title></path>\
         <text class=\"resolved-label\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>\n</svg>",
        px(xr),
        px(yr - 6.0),
        esc(&label),
        res.on,
        px(lx),
        px(ly),
        esc(&label)
    );
    let p = &hist.points[hist.scored];
    let _ = writeln!(
        h,
        "<figcaption><code>{}</code>: {} over {}; scored at commit <code>{}</code> of {} \
         ({}).</figcaption>\n</figure>",
        esc(&r.forecast),
        if probability {
            "the probability"
        } else {
            "the forecast"
        },
        plural(hist.points.len(), "version", "versions"),
        short(&p.commit),
        p.date,
        esc(&figure(r, p.value))
    );
}
