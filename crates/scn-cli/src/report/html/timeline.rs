//! The timeline: P(#tag by D) as a step chart from the start to the end, one line per tag,
//! with each dated branch drawn as a stem at its date whose height is its probability; then
//! a table of every tag by date and a table of the stems. The chart draws the most relevant
//! tags (those forecasts ask about first) and the most probable stems, and says which it
//! left out; the tables list everything.
//!
//! Stem numbers never overlap: stems whose numbers would collide share one label ("3–5")
//! above the highest of them, and the labels are spaced for the larger type a phone uses.

use std::fmt::Write as _;

use scn_dsl::Date;

use super::{esc, px};
use crate::report::model::LIST_LIMIT;
use crate::report::model::timeline::{SERIES_DRAWN, STEMS_DRAWN, Stem, Timeline};
use crate::report::number::Numbers;

const W: f64 = 560.0;
const H: f64 = 250.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 28.0;
/// The widest a stem number's character gets, in drawing units: the phone's type (see the
/// stylesheet, 15 units) at about 0.62 em a digit.
const CHAR_W: f64 = 9.5;
/// The stem numbers' type on a phone, in drawing units: labels sit at least this far down.
const LABEL_H: f64 = 15.0;

pub(super) fn section(t: &Timeline, n: Numbers, s: &mut String) {
    let (start, end) = (t.start, t.end);
    let drawn: Vec<_> = t.series.iter().take(SERIES_DRAWN).collect();
    let stems = t.drawn_stems();
    s.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    let given = if t.evidence {
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
    for (i, se) in drawn.iter().enumerate() {
        let mut d = format!("M{} {}", px(x(start)), px(y(0.0)));
        for &(date, p) in &se.steps {
            let _ = write!(d, " H{} V{}", px(x(date.max(start))), px(y(p)));
        }
        let _ = write!(d, " H{}", px(x(end)));
        let _ = writeln!(
            s,
            "<path class=\"series c{i}\" d=\"{d}\"><title>#{}: {} by {end}</title></path>",
            esc(&se.tag),
            esc(&n.prob(se.total()))
        );
    }
    for (i, stem) in stems.iter().enumerate() {
        let (xs, yp) = (x(stem.date), y(stem.probability));
        let xd = px(xs);
        let _ = writeln!(
            s,
            "<g class=\"stem\"><title>{}. {}: {} on {}</title><line x1=\"{xd}\" x2=\"{xd}\" y1=\"{}\" y2=\"{}\"/>\
             <circle cx=\"{xd}\" cy=\"{}\" r=\"4\"/></g>",
            i + 1,
            esc(stem.node.label.as_deref().unwrap_or(&stem.node.path)),
            esc(&n.prob(stem.probability)),
            stem.date,
            px(y(0.0)),
            px(yp),
            px(yp),
        );
    }
    let points: Vec<(f64, f64)> = stems
        .iter()
        .map(|st| (x(st.date), y(st.probability)))
        .collect();
    for label in stem_labels(&points) {
        let _ = writeln!(
            s,
            "<text class=\"stem-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(label.x),
            px(label.y),
            label.text
        );
    }
    s.push_str("</svg>\n");
    if !drawn.is_empty() {
        s.push_str("<ul class=\"legend side\">\n");
        for (i, se) in drawn.iter().enumerate() {
            let _ = write!(
                s,
                "<li><span class=\"swatch c{i}\"></span>#{} <b>{}</b> by {end}",
                esc(&se.tag),
                esc(&n.prob(se.total()))
            );
            if se.undated > 0.0 {
                let _ = write!(
                    s,
                    " (and {} under undated branches)",
                    esc(&n.prob(se.undated))
                );
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</div>\n");
    caps(t, n, s);
    tags_table(t, n, s);
    stems_table(t, &stems, n, s);
    s.push_str("</section>\n");
}

/// What the chart left out, by name.
fn caps(t: &Timeline, n: Numbers, s: &mut String) {
    if t.series.len() > SERIES_DRAWN {
        let left: Vec<String> = t.series[SERIES_DRAWN..]
            .iter()
            .map(|se| format!("#{}", esc(&se.tag)))
            .collect();
        let _ = writeln!(
            s,
            "<p class=\"note\">{SERIES_DRAWN} of {} tags drawn: those the forecasts ask about \
             first, then the most probable. Not drawn: {} (the table lists {}).</p>",
            t.series.len() + t.more_tags,
            list(&left),
            if t.more_tags > 0 {
                format!(
                    "{} of them; {} more are not followed",
                    t.series.len(),
                    t.more_tags
                )
            } else {
                "every tag".to_owned()
            }
        );
    }
    if t.stems_total > STEMS_DRAWN {
        // Sorted by probability: the first left out is the most probable of them.
        let top = t.stems[STEMS_DRAWN].probability;
        let _ = writeln!(
            s,
            "<p class=\"note\">{STEMS_DRAWN} of {} dated branches drawn: the most probable. The \
             other {}, none above {}, are named in the table of dated branches.</p>",
            t.stems_total,
            t.stems_total - STEMS_DRAWN,
            esc(&n.prob(top))
        );
    }
}

/// The first [`LIST_LIMIT`] names, then how many more.
fn list(names: &[String]) -> String {
    let mut out = names
        .iter()
        .take(LIST_LIMIT)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LIST_LIMIT {
        let _ = write!(out, " and {} more", names.len() - LIST_LIMIT);
    }
    out
}

fn tags_table(t: &Timeline, n: Numbers, s: &mut String) {
    if t.series.is_empty() {
        return;
    }
    let dates = t.table_dates();
    s.push_str("<h3>Tagged events by date</h3>\n<table class=\"stack\">\n<thead><tr><th>Tag</th>");
    for d in &dates {
        let _ = write!(s, "<th class=\"num\">by {d}</th>");
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for se in &t.series {
        let _ = write!(s, "<tr><td class=\"title\">#{}</td>", esc(&se.tag));
        for &d in &dates {
            let _ = write!(
                s,
                "<td class=\"num\" data-label=\"by {d}\">{}</td>",
                esc(&n.prob(se.by(d)))
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
}

fn stems_table(t: &Timeline, drawn: &[&Stem], n: Numbers, s: &mut String) {
    if t.stems.is_empty() {
        return;
    }
    s.push_str("<h3>Dated branches</h3>\n<table class=\"stack stems\">\n<thead><tr><th class=\"num\">#</th><th>Date</th><th>Dated branch</th><th class=\"num\">Probability</th></tr></thead>\n<tbody>\n");
    // The drawn stems by their number, then the rest by probability.
    let mut rows: Vec<(String, &Stem)> = drawn
        .iter()
        .enumerate()
        .map(|(i, st)| ((i + 1).to_string(), *st))
        .collect();
    rows.extend(
        t.stems
            .iter()
            .skip(STEMS_DRAWN)
            .take(LIST_LIMIT)
            .map(|st| ("–".to_owned(), st)),
    );
    for (num, st) in rows {
        let _ = writeln!(
            s,
            "<tr><td class=\"num rank\">{num}</td><td class=\"date\" data-label=\"Date\">{}</td>\
             <td class=\"title\">{} <code>{}</code></td><td class=\"num\" data-label=\"Probability\">{}</td></tr>",
            st.date,
            esc(st.node.label.as_deref().unwrap_or(&st.node.path)),
            esc(&st.node.path),
            esc(&n.prob(st.probability))
        );
    }
    s.push_str("</tbody></table>\n");
    let left = t.stems_total.saturating_sub(STEMS_DRAWN + LIST_LIMIT);
    if left > 0 {
        let _ = writeln!(
            s,
            "<p class=\"note\">… and {left} more dated branches, less probable.</p>"
        );
    }
}

/// A label over one or more stems.
struct Label {
    x: f64,
    y: f64,
    text: String,
}

/// Labels for stems at `points` (x, y of each dot, numbered from 1 in order): stems whose
/// labels would overlap side by side share one, so no two labels ever meet. Labels sit
/// above the highest dot of their group, within the drawing.
fn stem_labels(points: &[(f64, f64)]) -> Vec<Label> {
    // Groups of consecutive stems (by date, so by x): first and last index.
    let mut groups: Vec<(usize, usize)> = (0..points.len()).map(|i| (i, i)).collect();
    let text = |(a, b): (usize, usize)| {
        if a == b {
            (a + 1).to_string()
        } else if b == a + 1 {
            format!("{},{}", a + 1, b + 1)
        } else {
            format!("{}–{}", a + 1, b + 1)
        }
    };
    let centre = |(a, b): (usize, usize)| {
        let x = points[a..=b].iter().map(|p| p.0).sum::<f64>() / (b - a + 1) as f64;
        let half = text((a, b)).chars().count() as f64 * CHAR_W / 2.0;
        x.clamp(LEFT + half, W - RIGHT - half)
    };
    let width = |g: (usize, usize)| text(g).chars().count() as f64 * CHAR_W;
    // Merge neighbours until every pair of labels clears by a gap; each merge shortens the
    // list, so this ends.
    loop {
        let clash = groups
            .windows(2)
            .position(|w| centre(w[1]) - centre(w[0]) < (width(w[0]) + width(w[1])) / 2.0 + 4.0);
        match clash {
            Some(i) => {
                let merged = (groups[i].0, groups[i + 1].1);
                groups.splice(i..=i + 1, [merged]);
            }
            None => break,
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let top = points[g.0..=g.1]
                .iter()
                .map(|p| p.1)
                .fold(f64::INFINITY, f64::min);
            Label {
                x: centre(g),
                y: (top - 8.0).max(LABEL_H),
                text: text(g),
            }
        })
        .collect()
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

    #[test]
    fn stem_labels_never_meet() {
        // Three stems on one date, one near it, one far away.
        let points = [
            (100.0, 50.0),
            (100.0, 80.0),
            (100.0, 120.0),
            (110.0, 60.0),
            (400.0, 100.0),
        ];
        let labels = stem_labels(&points);
        let texts: Vec<&str> = labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["1–4", "5"]);
        // Above the highest dot of the group.
        assert_eq!(labels[0].y, 42.0);
        for w in labels.windows(2) {
            let gap = w[1].x - w[0].x;
            let room =
                (w[0].text.chars().count() + w[1].text.chars().count()) as f64 * CHAR_W / 2.0;
            assert!(gap >= room, "{gap} < {room}");
        }
        // A dot at the top keeps its label inside the drawing.
        assert_eq!(stem_labels(&[(300.0, TOP)])[0].y, LABEL_H);
        // A label at the edge stays inside.
        assert!(stem_labels(&[(W - RIGHT, 100.0)])[0].x <= W - RIGHT - CHAR_W / 2.0);
    }
}
