//! Charts of the analyses (`scn sens`, `scn voi`, `scn diff`): a tornado, lines (a spider
//! chart, cumulative distributions, a history), horizontal bars and a waterfall.
//!
//! Each takes numbers as computed and a function that writes them for people, and draws one
//! `<svg class="chart">`. Any value may be `NaN`, infinite, equal to every other or as large
//! as a float gets: values that are not finite are left out of the drawing (and the tables
//! beside every chart still give them), a range of one value is widened around it, and every
//! position goes through [`frac`], which is finite and within the drawing for every input.
//! So no coordinate is ever `NaN` or infinite.
//!
//! Labels are drawn inside the drawing: row labels above their bar, axis values inside the
//! plot, and tick labels at the ends anchored inwards, so no text leaves the drawing at any
//! width. Legends are HTML lists under the chart, which wrap on a phone.

use std::fmt::Write as _;

use super::charts::{frac, nice_ticks, width};
use super::{esc, px};

const W: f64 = 480.0;
/// Left and right margins of every plot.
const SIDE: f64 = 10.0;
/// Height of one row of a tornado, a bar chart or a waterfall: a label line and a bar.
const ROW: f64 = 40.0;
/// Height of the axis under rows.
const AXIS: f64 = 24.0;
/// Longest row label drawn; a longer one is cut and given whole in the row's tooltip (and
/// in the table beside the chart).
const LABEL_CHARS: usize = 46;
/// Series drawn in distinct colours (`.c0` … `.c7`); more share the last colour.
pub(crate) const COLOURS: usize = 8;

/// Writes a number for people.
pub(crate) type Fmt<'a> = &'a dyn Fn(f64) -> String;

/// The range a chart shows: the finite values, padded by a twentieth each side, widened
/// around a single value.
fn domain(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    let w = width(lo, hi);
    if !(w > 0.0 && (w / 20.0) > 0.0) {
        // One value (or values too close to divide): centre it in a range of its own size.
        let half = lo.abs() / 2.0;
        return if half > f64::MIN_POSITIVE * 1e10 && half.is_finite() {
            (lo - half, lo + half)
        } else {
            (lo - 1.0, lo + 1.0)
        };
    }
    let pad = w / 20.0;
    ((lo - pad).max(f64::MIN), (hi + pad).min(f64::MAX))
}

/// A horizontal position in the plot.
fn xpos(v: f64, (lo, hi): (f64, f64)) -> f64 {
    SIDE + frac(v, lo, hi) * (W - 2.0 * SIDE)
}

/// A label cut to [`LABEL_CHARS`].
fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let head: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{head}…")
}

/// A tick label at `x`, anchored so that it stays in the drawing.
fn tick_label(x: f64, y: f64, text: &str, s: &mut String) {
    let anchor = if x < 70.0 {
        "start"
    } else if x > W - 70.0 {
        "end"
    } else {
        "middle"
    };
    let x = match anchor {
        "start" => x.max(2.0),
        "end" => x.min(W - 2.0),
        _ => x,
    };
    let _ = writeln!(
        s,
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
        px(x),
        px(y),
        esc(text)
    );
}

/// The value axis under rows: a line and round values.
fn x_axis(dom: (f64, f64), y: f64, fmt: Fmt<'_>, s: &mut String) {
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{SIDE}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
        px(W - SIDE)
    );
    for t in ticks(dom, 4) {
        let x = xpos(t, dom);
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{x}\" x2=\"{x}\" y1=\"{y}\" y2=\"{}\"/>",
            px(y + 4.0),
            x = px(x)
        );
        tick_label(x, y + 18.0, &fmt(t), s);
    }
}

/// Round values across a domain; on a phone each label is large, so few of them.
fn ticks(dom: (f64, f64), target: usize) -> Vec<f64> {
    nice_ticks(dom.0, dom.1, target)
        .into_iter()
        .filter(|t| (dom.0..=dom.1).contains(t))
        .collect()
}

fn open(aria: &str, height: f64, s: &mut String) {
    let _ = writeln!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {}\" role=\"img\" aria-label=\"{}\">",
        px(height),
        esc(aria)
    );
}

/// One row of a tornado: an input, and the target with the input at its low and high end.
pub(crate) struct TornadoRow {
    pub label: String,
    /// What the tooltip says of the low end ("p = 0.2: 5.3").
    pub low_note: String,
    pub high_note: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A tornado: one row per input, a bar from the base value to the target with the input at
/// its low end (`.lo`) and one to its value at the high end (`.hi`).
pub(crate) fn tornado(
    aria: &str,
    base: Option<f64>,
    rows: &[TornadoRow],
    fmt: Fmt<'_>,
    s: &mut String,
) {
    if rows.is_empty() {
        return;
    }
    let dom = domain(
        rows.iter()
            .flat_map(|r| [r.low, r.high])
            .chain([base])
            .flatten(),
    );
    let height = ROW * rows.len() as f64 + AXIS + 6.0;
    open(aria, height, s);
    let origin = base.filter(|b| b.is_finite());
    for (i, r) in rows.iter().enumerate() {
        let y = ROW * i as f64;
        let _ = writeln!(
            s,
            "<text class=\"row-label\" x=\"{SIDE}\" y=\"{}\">{}</text>",
            px(y + 15.0),
            esc(&cut(&r.label))
        );
        for (v, class, note) in [(r.low, "lo", &r.low_note), (r.high, "hi", &r.high_note)] {
            let Some(v) = v.filter(|v| v.is_finite()) else {
                continue;
            };
            let from = xpos(origin.unwrap_or(dom.0), dom);
            let to = xpos(v, dom);
            let (a, b) = if from <= to { (from, to) } else { (to, from) };
            let _ = writeln!(
                s,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\"><title>{}</title></rect>",
                px(a),
                px(y + 21.0),
                px((b - a).max(1.5)),
                esc(&format!("{}: {note}", r.label))
            );
        }
    }
    let bottom = ROW * rows.len() as f64;
    if let Some(b) = origin {
        let x = px(xpos(b, dom));
        let _ = writeln!(
            s,
            "<line class=\"base\" x1=\"{x}\" x2=\"{x}\" y1=\"18\" y2=\"{}\"><title>{}</title></line>",
            px(bottom),
            esc(&format!("at the means: {}", fmt(b)))
        );
    }
    x_axis(dom, bottom + 2.0, fmt, s);
    s.push_str("</svg>\n");
}

/// A line of a line chart.
pub(crate) struct Series {
    pub name: String,
    /// Runs of points; a gap between runs is where the value is undefined.
    pub runs: Vec<Vec<(f64, f64)>>,
}

impl Series {
    /// A series from points, undefined ones (`None` or not finite) breaking the line.
    pub(crate) fn of(name: String, points: impl IntoIterator<Item = (f64, Option<f64>)>) -> Series {
        let mut runs = vec![Vec::new()];
        for (x, y) in points {
            match y.filter(|y| y.is_finite() && x.is_finite()) {
                Some(y) => runs.last_mut().expect("one run").push((x, y)),
                None if runs.last().is_some_and(|r| !r.is_empty()) => runs.push(Vec::new()),
                None => {}
            }
        }
        runs.retain(|r| !r.is_empty());
        Series { name, runs }
    }
}

/// How a line chart's horizontal axis is labelled.
pub(crate) enum XAxis<'a> {
    /// Round values, written by this function.
    Values(Fmt<'a>),
    /// These labels at these positions (a history's commits); some are left out when they
    /// would crowd.
    Labels(Vec<(f64, String)>),
}

/// A line chart: one polyline per series (`.c0` …), values on the left inside the plot,
/// the horizontal axis under it, and a legend under the drawing. `y_fixed` fixes the
/// vertical range (0 to 1 for a cumulative distribution); `reference` draws a dashed
/// horizontal line (the value at the means).
pub(crate) struct Lines<'a> {
    pub aria: &'a str,
    pub series: &'a [Series],
    pub x: XAxis<'a>,
    pub y: Fmt<'a>,
    pub y_fixed: Option<(f64, f64)>,
    pub x_fixed: Option<(f64, f64)>,
    pub reference: Option<f64>,
}

pub(crate) fn lines(c: &Lines<'_>, s: &mut String) {
    const H: f64 = 240.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 28.0;
    let points = || c.series.iter().flat_map(|l| l.runs.iter().flatten());
    if points().next().is_none() {
        return;
    }
    let xd = c.x_fixed.unwrap_or_else(|| domain(points().map(|p| p.0)));
    let yd = c
        .y_fixed
        .unwrap_or_else(|| domain(points().map(|p| p.1).chain(c.reference)));
    let x = |v: f64| xpos(v, xd);
    let y = |v: f64| TOP + (1.0 - frac(v, yd.0, yd.1)) * (H - TOP - BOTTOM);
    open(c.aria, H, s);
    for t in ticks(yd, 4) {
        let yt = y(t);
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{SIDE}\" x2=\"{}\" y1=\"{yt}\" y2=\"{yt}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>",
            px(W - SIDE),
            px(SIDE + 2.0),
            px((yt - 3.0).max(TOP + 2.0)),
            esc(&(c.y)(t)),
            yt = px(yt)
        );
    }
    if let Some(r) = c.reference.filter(|r| r.is_finite()) {
        let yr = px(y(r));
        let _ = writeln!(
            s,
            "<line class=\"expected\" x1=\"{SIDE}\" x2=\"{}\" y1=\"{yr}\" y2=\"{yr}\"><title>{}</title></line>",
            px(W - SIDE),
            esc(&format!("at the means: {}", (c.y)(r)))
        );
    }
    let yb = H - BOTTOM;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{SIDE}\" x2=\"{}\" y1=\"{yb}\" y2=\"{yb}\"/>",
        px(W - SIDE)
    );
    match &c.x {
        XAxis::Values(fmt) => {
            for t in ticks(xd, 5) {
                tick_label(x(t), yb + 18.0, &fmt(t), s);
            }
        }
        XAxis::Labels(labels) => {
            // Labels at least 90 units apart: a phone draws them large.
            let mut last = f64::NEG_INFINITY;
            for (at, text) in labels {
                let xt = x(*at);
                if xt - last >= 90.0 {
                    tick_label(xt, yb + 18.0, text, s);
                    last = xt;
                }
            }
        }
    }
    for (i, l) in c.series.iter().enumerate() {
        let class = format!("series c{}", i.min(COLOURS - 1));
        for run in &l.runs {
            let pts: Vec<String> = run
                .iter()
                .map(|&(a, b)| format!("{},{}", px(x(a)), px(y(b))))
                .collect();
            if run.len() == 1 {
                let _ = writeln!(
                    s,
                    "<circle class=\"{class} dot\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>{}</title></circle>",
                    px(x(run[0].0)),
                    px(y(run[0].1)),
                    esc(&l.name)
                );
            } else {
                let _ = writeln!(
                    s,
                    "<polyline class=\"{class}\" points=\"{}\"><title>{}</title></polyline>",
                    pts.join(" "),
                    esc(&l.name)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    legend(c.series.iter().map(|l| l.name.as_str()), s);
}

/// The legend of a chart's series, as an HTML list.
pub(crate) fn legend<'n>(names: impl Iterator<Item = &'n str>, s: &mut String) {
    s.push_str("<ul class=\"legend\">\n");
    for (i, name) in names.enumerate() {
        let _ = writeln!(
            s,
            "<li><span class=\"swatch c{}\"></span>{}</li>",
            i.min(COLOURS - 1),
            esc(name)
        );
    }
    s.push_str("</ul>\n");
}

/// Horizontal bars from 0, one per row, each labelled above with its name and value.
pub(crate) fn bars(aria: &str, rows: &[(String, f64)], fmt: Fmt<'_>, s: &mut String) {
    if rows.is_empty() {
        return;
    }
    let dom = domain(rows.iter().map(|r| r.1).chain([0.0]));
    let height = ROW * rows.len() as f64 + AXIS + 6.0;
    open(aria, height, s);
    let zero = xpos(0.0, dom);
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = ROW * i as f64;
        let text = format!("{}: {}", cut(label), fmt(*v));
        let _ = writeln!(
            s,
            "<text class=\"row-label\" x=\"{SIDE}\" y=\"{}\">{}</text>",
            px(y + 15.0),
            esc(&text)
        );
        if v.is_finite() {
            let to = xpos(*v, dom);
            let (a, b) = if zero <= to { (zero, to) } else { (to, zero) };
            let _ = writeln!(
                s,
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\"><title>{}</title></rect>",
                px(a),
                px(y + 21.0),
                px((b - a).max(1.5)),
                esc(&format!("{label}: {}", fmt(*v)))
            );
        }
    }
    x_axis(dom, ROW * rows.len() as f64 + 2.0, fmt, s);
    s.push_str("</svg>\n");
}

/// A waterfall: `start`, then each step's change from where the last one ended (`.up` or
/// `.down`), then `end`. Totals are drawn as a mark at their value.
pub(crate) fn waterfall(
    aria: &str,
    start: (&str, f64),
    steps: &[(String, f64)],
    end: (&str, f64),
    fmt: Fmt<'_>,
    delta: Fmt<'_>,
    s: &mut String,
) {
    let mut at = start.1;
    let mut spans = Vec::with_capacity(steps.len());
    for (_, d) in steps {
        let next = at + d;
        spans.push((at, next));
        if next.is_finite() {
            at = next;
        }
    }
    let dom = domain(
        spans
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .chain([start.1, end.1]),
    );
    let rows = steps.len() + 2;
    let height = ROW * rows as f64 + AXIS + 6.0;
    open(aria, height, s);
    let label = |i: usize, text: &str, s: &mut String| {
        let _ = writeln!(
            s,
            "<text class=\"row-label\" x=\"{SIDE}\" y=\"{}\">{}</text>",
            px(ROW * i as f64 + 15.0),
            esc(text)
        );
    };
    let total = |i: usize, v: f64, name: &str, s: &mut String| {
        if !v.is_finite() {
            return;
        }
        let x = xpos(v, dom);
        let _ = writeln!(
            s,
            "<rect class=\"total\" x=\"{}\" y=\"{}\" width=\"4\" height=\"17\"><title>{}</title></rect>",
            px((x - 2.0).clamp(0.0, W - 4.0)),
            px(ROW * i as f64 + 19.0),
            esc(&format!("{name}: {}", fmt(v)))
        );
    };
    label(0, &format!("{}: {}", start.0, fmt(start.1)), s);
    total(0, start.1, start.0, s);
    for (k, ((name, d), &(a, b))) in steps.iter().zip(&spans).enumerate() {
        let i = k + 1;
        label(i, &format!("{}: {}", cut(name), delta(*d)), s);
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        let (xa, xb) = (xpos(a, dom), xpos(b, dom));
        let (l, r) = if xa <= xb { (xa, xb) } else { (xb, xa) };
        let class = if b >= a { "up" } else { "down" };
        // The step from the row above: a thin line at where this one starts.
        let _ = writeln!(
            s,
            "<line class=\"connector\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>\
             <rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"13\"><title>{}</title></rect>",
            px(ROW * i as f64 - 6.0),
            px(ROW * i as f64 + 21.0),
            px(l),
            px(ROW * i as f64 + 21.0),
            px((r - l).max(1.5)),
            esc(&format!("{name}: {}", delta(*d))),
            x = px(xa)
        );
    }
    label(rows - 1, &format!("{}: {}", end.0, fmt(end.1)), s);
    total(rows - 1, end.1, end.0, s);
    x_axis(dom, ROW * rows as f64 + 2.0, fmt, s);
    s.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every number in the drawing's attributes is finite.
    fn finite(svg: &str) {
        for bad in ["NaN", "inf"] {
            for attr in svg.split('"').skip(1).step_by(2) {
                let numeric = attr
                    .split([',', ' '])
                    .all(|p| p.parse::<f64>().is_ok() || p.is_empty());
                if numeric {
                    assert!(!attr.contains(bad), "{bad} in {attr}: {svg}");
                }
            }
        }
        for attr in ["x=\"NaN", "y=\"NaN", "width=\"-", "height=\"-", "inf\""] {
            assert!(!svg.contains(attr), "{attr}: {svg}");
        }
    }

    fn fmt(v: f64) -> String {
        format!("{v}")
    }

    const HARD: [f64; 9] = [
        0.0,
        5e-324,
        -5e-324,
        1e308,
        -1e308,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];

    #[test]
    fn charts_of_degenerate_and_extreme_values_have_finite_coordinates() {
        for &a in &HARD {
            for &b in &HARD {
                let mut s = String::new();
                let rows = [
                    TornadoRow {
                        label: "x".into(),
                        low_note: String::new(),
                        high_note: String::new(),
                        low: Some(a),
                        high: Some(b),
                    },
                    TornadoRow {
                        label: "zero swing".into(),
                        low_note: String::new(),
                        high_note: String::new(),
                        low: Some(a),
                        high: Some(a),
                    },
                ];
                tornado("t", Some(a), &rows, &fmt, &mut s);
                tornado("t", None, &rows, &fmt, &mut s);
                bars("b", &[("a".into(), a), ("b".into(), b)], &fmt, &mut s);
                waterfall(
                    "w",
                    ("old", a),
                    &[("x".into(), b), ("y".into(), -b)],
                    ("new", b),
                    &fmt,
                    &fmt,
                    &mut s,
                );
                let series = [
                    Series::of("s".into(), [(a, Some(b)), (b, Some(a)), (1.0, None)]),
                    Series::of("t".into(), [(a, Some(a))]),
                ];
                lines(
                    &Lines {
                        aria: "l",
                        series: &series,
                        x: XAxis::Values(&fmt),
                        y: &fmt,
                        y_fixed: None,
                        x_fixed: None,
                        reference: Some(b),
                    },
                    &mut s,
                );
                finite(&s);
            }
        }
    }

    #[test]
    fn a_series_breaks_where_undefined() {
        let s = Series::of(
            "s".into(),
            [
                (0.0, Some(1.0)),
                (1.0, None),
                (2.0, Some(2.0)),
                (3.0, Some(f64::NAN)),
            ],
        );
        assert_eq!(s.runs, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0)]]);
    }

    #[test]
    fn long_labels_are_cut_and_escaped() {
        let mut s = String::new();
        let long = "<b>".repeat(30);
        bars("b", &[(long.clone(), 1.0)], &fmt, &mut s);
        assert!(!s.contains("<b>"), "{s}");
        assert!(s.contains('…'));
    }
}
