//! The timeline: P(#tag by D) as a step chart from `as_of` to `horizon`, one line per tag,
//! with each dated branch drawn as a stem at its date whose height is its probability (the
//! step of P(branch by D)).
//!
//! P(#tag by D) is the probability of the leaves whose path passes a node tagged `#tag` and
//! dated on or before D (docs/reference/expressions.md#events). Dates never decrease down a path, so one pre-order
//! pass finds each leaf's earliest dated tagged ancestor.

use std::fmt::Write as _;

use scn_dsl::Date;
use scn_eval::model::{Model, NodeKind};

use super::{clip, esc, px};
use crate::report::{Report, pct};

/// Tags drawn; more would be a tangle of lines.
const MAX_SERIES: usize = 8;
/// Dated branches drawn as stems, the most probable first.
const MAX_STEMS: usize = 12;
const W: f64 = 560.0;
const H: f64 = 250.0;
const LEFT: f64 = 50.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// One tag's cumulative probability over time.
struct Series {
    tag: usize,
    /// (date, P(#tag by date)) at each date where it rises.
    steps: Vec<(Date, f64)>,
    /// Probability of leaves under a tagged node that has no date.
    undated: f64,
}

/// The dates a timeline spans: `as_of` (else the earliest date) to `horizon` (else the latest).
fn range(model: &Model) -> Option<(Date, Date)> {
    let dates = || model.nodes.iter().filter_map(|n| n.date);
    let start = model.meta.as_of.or_else(|| dates().min())?;
    let end = model.meta.horizon.or_else(|| dates().max())?;
    (end > start).then_some((start, end))
}

pub(super) fn has_dates(model: &Model) -> bool {
    range(model).is_some()
}

pub(super) fn section(r: &Report<'_>, s: &mut String) {
    let model = &r.ev.model();
    let Some((start, end)) = range(model) else {
        return;
    };
    let series: Vec<Series> = (0..model.tags.len().min(MAX_SERIES))
        .map(|t| tag_series(r, t))
        .collect();
    let mut stems: Vec<usize> = (1..model.nodes.len())
        .filter(|&k| {
            model.nodes[k].when.is_some() && model.nodes[k].date.is_some() && r.prob(k as u32) > 0.0
        })
        .collect();
    // A stable sort keeps tree order among equal probabilities.
    stems.sort_by(|&a, &b| r.prob(b as u32).total_cmp(&r.prob(a as u32)));
    stems.truncate(MAX_STEMS);
    stems.sort_by_key(|&k| (model.nodes[k].date, k));
    if series.is_empty() && stems.is_empty() {
        return;
    }

    s.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    let given = if r.ev.evidence().is_some() {
        ", given the evidence"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "<p class=\"note\">Lines: the probability that a tagged event has happened by each date{given}. \
         Stems: dated branches, at their date, as high as their probability.</p>"
    );
    let (d0, d1) = (start.day_number() as f64, end.day_number() as f64);
    let x = |d: Date| LEFT + (d.day_number() as f64 - d0) / (d1 - d0) * (W - LEFT - RIGHT);
    let y = |p: f64| TOP + (1.0 - p.clamp(0.0, 1.0)) * (H - TOP - BOTTOM);
    s.push_str("<div class=\"figure-row\">\n");
    let _ = writeln!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Probability of events by date\">"
    );
    for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{yq}\" y2=\"{yq}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.0}%</text>",
            px(W - RIGHT),
            px(LEFT - 5.0),
            px(y(q) + 4.0),
            q * 100.0,
            yq = px(y(q))
        );
    }
    for d in ticks(start, end) {
        let label = if d.month() == 1 {
            d.year().to_string()
        } else {
            format!("{}-{:02}", d.year(), d.month())
        };
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{xd}\" x2=\"{xd}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{xd}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            px(H - BOTTOM),
            px(H - BOTTOM + 4.0),
            px(H - BOTTOM + 17.0),
            xd = px(x(d))
        );
    }
    for (i, se) in series.iter().enumerate() {
        let mut d = format!("M{} {}", px(x(start)), px(y(0.0)));
        for &(date, p) in &se.steps {
            let _ = write!(d, " H{} V{}", px(x(date.max(start))), px(y(p)));
        }
        let _ = write!(d, " H{}", px(x(end)));
        let last = se.steps.last().map_or(0.0, |st| st.1);
        let _ = writeln!(
            s,
            "<path class=\"series c{}\" d=\"{d}\"><title>#{}: {} by {end}</title></path>",
            i % MAX_SERIES,
            esc(&model.tags[se.tag]),
            pct(last)
        );
    }
    // Stems often share a date: each number goes above its dot, else beside it, else is left
    // out (the table below lists every stem).
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (i, &k) in stems.iter().enumerate() {
        let node = &model.nodes[k];
        let (xs, yp) = (x(node.date.unwrap_or(start)), y(r.prob(k as u32)));
        let spots = [
            (xs, yp - 8.0, "middle"),
            (xs + 8.0, yp + 4.0, "start"),
            (xs - 8.0, yp + 4.0, "end"),
        ];
        let spot = spots.into_iter().find(|&(lx, ly, _)| {
            placed
                .iter()
                .all(|&(px_, py)| (lx - px_).abs() > 14.0 || (ly - py).abs() > 11.0)
        });
        let xd = px(xs);
        let _ = write!(
            s,
            "<g class=\"stem\"><title>{}: {} on {}</title><line x1=\"{xd}\" x2=\"{xd}\" y1=\"{}\" y2=\"{}\"/>\
             <circle cx=\"{xd}\" cy=\"{}\" r=\"4\"/>",
            esc(node.label()),
            pct(r.prob(k as u32)),
            node.date.map(|d| d.to_string()).unwrap_or_default(),
            px(y(0.0)),
            px(yp),
            px(yp),
        );
        if let Some((lx, ly, anchor)) = spot {
            placed.push((lx, ly));
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                px(lx),
                px(ly),
                i + 1
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");

    if !series.is_empty() {
        s.push_str("<ul class=\"legend side\">\n");
        for (i, se) in series.iter().enumerate() {
            let last = se.steps.last().map_or(0.0, |st| st.1);
            let _ = write!(
                s,
                "<li><span class=\"swatch c{}\"></span>#{} <b>{}</b> by {end}",
                i % MAX_SERIES,
                esc(&model.tags[se.tag]),
                pct(last)
            );
            if se.undated > 0.0 {
                let _ = write!(s, " (and {} under undated branches)", pct(se.undated));
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</div>\n");
    if model.tags.len() > MAX_SERIES {
        let _ = writeln!(
            s,
            "<p class=\"note\">The first {MAX_SERIES} of {} tags are drawn.</p>",
            model.tags.len()
        );
    }
    if !stems.is_empty() {
        s.push_str("<div class=\"scroll\"><table class=\"stems\">\n<thead><tr><th class=\"num\">#</th><th>Date</th><th>Dated branch</th><th class=\"num\">Probability</th></tr></thead>\n<tbody>\n");
        for (i, &k) in stems.iter().enumerate() {
            let node = &model.nodes[k];
            let _ = writeln!(
                s,
                "<tr><td class=\"num\">{}</td><td class=\"date\">{}</td><td>{} <code>{}</code></td><td class=\"num\">{}</td></tr>",
                i + 1,
                node.date.map(|d| d.to_string()).unwrap_or_default(),
                esc(&clip(node.label(), 60)),
                esc(&model.path_of(k as u32)),
                pct(r.prob(k as u32))
            );
        }
        s.push_str("</tbody></table></div>\n");
    }
    s.push_str("</section>\n");
}

fn tag_series(r: &Report<'_>, tag: usize) -> Series {
    let model = &r.ev.model();
    let nodes = &model.nodes;
    let n = nodes.len();
    let mut first: Vec<Option<Date>> = vec![None; n];
    let mut tagged = vec![false; n];
    for k in 1..n {
        let node = &nodes[k];
        let p = node.parent as usize;
        let mine = node.kind != NodeKind::Root && node.tags.contains(&(tag as u32));
        let own = if mine { node.date } else { None };
        first[k] = match (first[p], own) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tagged[k] = tagged[p] || mine;
    }
    let mut events: Vec<(Date, f64)> = Vec::new();
    let mut undated = 0.0;
    for &leaf in r.ev.leaves() {
        let p = r.prob(leaf);
        let l = leaf as usize;
        if p <= 0.0 {
            continue;
        }
        match first[l] {
            Some(d) => events.push((d, p)),
            None if tagged[l] => undated += p,
            None => {}
        }
    }
    events.sort_by_key(|e| e.0);
    let mut steps: Vec<(Date, f64)> = Vec::new();
    let mut total = 0.0;
    for (d, p) in events {
        total += p;
        match steps.last_mut() {
            Some(last) if last.0 == d => last.1 = total,
            _ => steps.push((d, total)),
        }
    }
    Series {
        tag,
        steps,
        undated,
    }
}

/// Month starts between two dates, spaced so that about six fit.
fn ticks(start: Date, end: Date) -> Vec<Date> {
    let month_index = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month()) - 1;
    let months = month_index(end) - month_index(start);
    let step = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200]
        .into_iter()
        .find(|&st| months / st <= 6)
        .unwrap_or(12 * ((months / 72).max(1) + 1));
    let mut out = Vec::new();
    let mut m = month_index(start);
    while m <= month_index(end) {
        if m.rem_euclid(step) == 0 {
            let (year, month) = (m.div_euclid(12), m.rem_euclid(12) + 1);
            if let Ok(d) = Date::from_ymd(year as i32, month as u32, 1)
                && d >= start
                && d <= end
            {
                out.push(d);
            }
            m += step;
        } else {
            m += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ticks() {
        let d = |y, m, day| Date::from_ymd(y, m, day).expect("valid");
        let t: Vec<String> = ticks(d(2025, 12, 5), d(2027, 12, 31))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(t, ["2026-01-01", "2026-07-01", "2027-01-01", "2027-07-01"]);
        assert_eq!(ticks(d(2026, 1, 1), d(2026, 3, 1)).len(), 3);
    }
}
