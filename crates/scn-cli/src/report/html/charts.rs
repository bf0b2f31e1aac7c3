//! Small charts: a metric's outcome histogram and a forecast's interval bar.
//!
//! The histogram is exact, not sampled: the point evaluation gives every leaf a probability
//! and a metric value, so the distribution of the metric over paths is known. `Samples` keeps
//! only summaries, so the sampled 90% outcome interval is overlaid as a band.

use std::fmt::Write as _;

use scn_eval::Summary;

use super::{esc, px};
use crate::report::model::metrics::Metric;
use crate::report::number::{Measure, Numbers};

/// Bins across the range of values.
const BINS: usize = 24;
const W: f64 = 480.0;
const H: f64 = 200.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 26.0;

/// `entries` is the metric's value on each path of probability above 0, with that probability.
pub(super) fn histogram(metric: &Metric, entries: &[(f64, f64)], n: Numbers, s: &mut String) {
    let sampled = metric.outcome.as_ref();
    if entries.is_empty() {
        return;
    }
    let (vlo, vhi) = entries
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &(v, _)| {
            (lo.min(v), hi.max(v))
        });
    let expected = metric.expected;
    // One value on every path: centre it in a range of its own size (or ±1 around 0).
    let (mut lo, mut hi) = if vhi > vlo {
        (vlo, vhi)
    } else {
        let half = if vlo == 0.0 { 1.0 } else { vlo.abs() / 2.0 };
        (vlo - half, vlo + half)
    };
    (lo, hi) = (lo.min(expected), hi.max(expected));
    if let Some(x) = sampled {
        (lo, hi) = (lo.min(x.p05), hi.max(x.p95));
    }
    let bin_w = if vhi > vlo {
        (vhi - vlo) / BINS as f64
    } else {
        (hi - lo) / BINS as f64
    };
    // Half a bin each side, so the extreme bars are drawn whole.
    (lo, hi) = (lo.min(vlo - bin_w / 2.0), hi.max(vhi + bin_w / 2.0));
    let mut mass = [0.0; BINS];
    for &(v, p) in entries {
        let i = if vhi > vlo {
            (((v - vlo) / bin_w).floor() as usize).min(BINS - 1)
        } else {
            0
        };
        mass[i] += p;
    }
    let top = mass.iter().copied().fold(0.0, f64::max);
    let x = |v: f64| LEFT + (v - lo) / (hi - lo) * (W - LEFT - RIGHT);
    // A "%" metric holds fractions (`= 18%` is 0.18): its axis reads in percent.
    let percent = metric.measure == Measure::Percent;
    let value = |v: f64| {
        if percent {
            format!("{}%", n.num(v * 100.0))
        } else {
            n.num(v)
        }
    };
    let y = |p: f64| TOP + (1.0 - p / top) * (H - TOP - BOTTOM);

    let _ = writeln!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Distribution of {} over paths\">",
        esc(&metric.id)
    );
    if let Some(q) = sampled {
        // A bracket above the bars: shading the plot would hide them when the interval
        // spans most of the range, as it often does.
        let (x0, x1) = (x(q.p05), x(q.p95));
        let _ = writeln!(
            s,
            "<g class=\"band\"><title>sampled 90% outcome interval: {} – {}, median {}</title>\
             <rect x=\"{}\" y=\"22\" width=\"{}\" height=\"6\" rx=\"3\"/>\
             <line x1=\"{xm}\" x2=\"{xm}\" y1=\"19\" y2=\"31\"/>\
             <text class=\"tick\" x=\"{}\" y=\"16\" text-anchor=\"middle\">sampled 90% outcome</text></g>",
            value(q.p05),
            value(q.p95),
            value(q.p50),
            px(x0),
            px((x1 - x0).max(2.0)),
            px(((x0 + x1) / 2.0).clamp(LEFT + 50.0, W - RIGHT - 50.0)),
            xm = px(x(q.p50))
        );
    }
    for t in nice_ticks(0.0, top, 4) {
        let label = if top >= 0.03 {
            format!("{:.0}%", t * 100.0)
        } else {
            n.prob(t)
        };
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{yt}\" y2=\"{yt}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            px(W - RIGHT),
            px(LEFT - 5.0),
            px(y(t) + 4.0),
            yt = px(y(t))
        );
    }
    for (i, &p) in mass.iter().enumerate().filter(|(_, p)| **p > 0.0) {
        let (b0, b1) = if vhi > vlo {
            (vlo + i as f64 * bin_w, vlo + (i + 1) as f64 * bin_w)
        } else {
            (vlo - bin_w / 2.0, vlo + bin_w / 2.0)
        };
        let what = if vhi > vlo {
            format!("{} to {}", value(b0), value(b1))
        } else {
            value(vlo)
        };
        let (xa, xb) = (x(b0), x(b1));
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{what}: {}</title></rect>",
            px(xa + 1.0),
            px(y(p)),
            px((xb - xa - 2.0).max(1.5)),
            px(H - BOTTOM - y(p)),
            n.prob(p)
        );
    }
    for t in nice_ticks(lo, hi, 5) {
        let _ = writeln!(
            s,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(x(t)),
            px(H - BOTTOM + 16.0),
            value(t)
        );
    }
    let xe = px(x(expected));
    // The label goes on the side with more room.
    let right = x(expected) > (LEFT + W - RIGHT) / 2.0;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{yb}\" y2=\"{yb}\"/>\
         <line class=\"expected\" x1=\"{xe}\" x2=\"{xe}\" y1=\"{}\" y2=\"{yb}\"/>\
         <text class=\"tick expected-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">expected {}</text>\n</svg>",
        px(W - RIGHT),
        px(TOP - 2.0),
        px(if right {
            x(expected) - 4.0
        } else {
            x(expected) + 4.0
        }),
        px(TOP + 9.0),
        if right { "end" } else { "start" },
        if percent {
            format!("{}%", n.num(expected * 100.0))
        } else {
            n.num(expected)
        },
        yb = px(H - BOTTOM)
    );
}

/// A forecast's point value against its sampled 90% interval, on a probability scale when
/// every number is a probability.
pub(super) fn interval_bar(value: f64, q: &Summary, n: Numbers, s: &mut String) {
    const BW: f64 = 150.0;
    const BH: f64 = 16.0;
    let all = [value, q.p05, q.p50, q.p95];
    let (mut lo, mut hi) = if all.iter().all(|v| (0.0..=1.0).contains(v)) {
        (0.0, 1.0)
    } else {
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(lo.abs() * 0.05);
        (lo - pad, hi + pad)
    };
    if hi <= lo {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let x = |v: f64| 4.0 + (v - lo) / (hi - lo) * (BW - 8.0);
    let _ = write!(
        s,
        "<svg class=\"ibar\" width=\"{BW}\" height=\"{BH}\" viewBox=\"0 0 {BW} {BH}\" role=\"img\" aria-label=\"90% interval\">\
         <title>point {} · 90% interval {} – {} · median {}</title>\
         <line class=\"track\" x1=\"4\" x2=\"{}\" y1=\"8\" y2=\"8\"/>\
         <rect class=\"range\" x=\"{}\" y=\"4\" width=\"{}\" height=\"8\" rx=\"2\"/>\
         <line class=\"median\" x1=\"{xm}\" x2=\"{xm}\" y1=\"2\" y2=\"14\"/>\
         <circle class=\"point\" cx=\"{}\" cy=\"8\" r=\"3.5\"/></svg>",
        n.num(value),
        n.num(q.p05),
        n.num(q.p95),
        n.num(q.p50),
        px(BW - 4.0),
        px(x(q.p05)),
        px((x(q.p95) - x(q.p05)).max(1.0)),
        px(x(value)),
        xm = px(x(q.p50))
    );
}

/// Round numbers (1, 2 or 5 times a power of ten apart) from `lo` to `hi`, about `target` of them.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi.is_nan() || lo.is_nan() || hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = (hi - lo) / target as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * mag)
        .find(|&st| st >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    // Whole multiples of the step: 0 is exactly 0 and labels carry no rounding noise.
    (first..=last).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_ticks() {
        assert_eq!(nice_ticks(0.0, 0.45, 3), [0.0, 0.2, 0.4]);
        assert_eq!(
            nice_ticks(0.0, 100_000.0, 5),
            [0.0, 20_000.0, 40_000.0, 60_000.0, 80_000.0, 100_000.0]
        );
        assert_eq!(nice_ticks(3.0, 3.0, 5), [3.0]);
    }
}
