//! Small charts: a metric's outcome histogram and a forecast's interval bar.
//!
//! The histogram is exact, not sampled: the point evaluation gives every leaf a probability
//! and a metric value, so the distribution of the metric over paths is known. `Samples` keeps
//! only summaries, so the sampled 90% outcome interval is overlaid as a band.
//!
//! Every finite metric value must chart without a panic or a `NaN` coordinate: ranges near 0
//! (±5e-324, where a range's tenth underflows to 0) and near the largest float (±1e308,
//! where `hi - lo` overflows) included. Positions are computed by [`frac`], which never
//! subtracts two numbers whose difference can overflow, and a range too narrow to divide is
//! widened to ±1 around its value.

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
    // Values too close together for their range to be divided into bins (it would
    // underflow to 0) are drawn as one value.
    let spread = vhi > vlo && width(vlo, vhi) / BINS as f64 > 0.0;
    // One value on every path: centre it in a range of its own size (or ±1 around it).
    let (mut lo, mut hi) = if spread {
        (vlo, vhi)
    } else {
        let half = vlo.abs() / 2.0;
        if half > f64::MIN_POSITIVE * 1e10 {
            (vlo - half, vlo + half)
        } else {
            (vlo - 1.0, vlo + 1.0)
        }
    };
    (lo, hi) = (lo.min(expected), hi.max(expected));
    if let Some(x) = sampled {
        (lo, hi) = (lo.min(x.p05), hi.max(x.p95));
    }
    let bin_w = if spread {
        width(vlo, vhi) / BINS as f64
    } else {
        width(lo, hi) / BINS as f64
    };
    // Half a bin each side, so the extreme bars are drawn whole.
    (lo, hi) = (
        lo.min(vlo - bin_w / 2.0).max(f64::MIN),
        hi.max(vhi + bin_w / 2.0).min(f64::MAX),
    );
    if width(lo, hi).is_nan() || width(lo, hi) <= 0.0 {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let mut mass = [0.0; BINS];
    for &(v, p) in entries {
        let i = if spread {
            ((frac(v, vlo, vhi) * BINS as f64).floor() as usize).min(BINS - 1)
        } else {
            0
        };
        mass[i] += p;
    }
    let top = mass.iter().copied().fold(0.0, f64::max);
    let x = |v: f64| LEFT + frac(v, lo, hi) * (W - LEFT - RIGHT);
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
        let (b0, b1) = if spread {
            // Interpolated, not `vlo + i × bin_w`: that product overflows near f64::MAX.
            let at = |k: usize| {
                let f = k as f64 / BINS as f64;
                vlo * (1.0 - f) + vhi * f
            };
            (at(i), at(i + 1))
        } else {
            (vlo - bin_w / 2.0, vlo + bin_w / 2.0)
        };
        let what = if spread {
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
        let pad = (width(lo, hi) * 0.1).max(lo.abs() * 0.05);
        ((lo - pad).max(f64::MIN), (hi + pad).min(f64::MAX))
    };
    if width(lo, hi).is_nan() || width(lo, hi) <= 0.0 {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let x = |v: f64| 4.0 + frac(v, lo, hi) * (BW - 8.0);
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

/// `hi - lo` for `lo <= hi`, computed by halves when the difference overflows (then it is
/// `f64::MAX`, which is close enough for a chart).
pub(super) fn width(lo: f64, hi: f64) -> f64 {
    let w = hi - lo;
    if w.is_finite() {
        w
    } else {
        (2.0 * (hi / 2.0 - lo / 2.0)).min(f64::MAX)
    }
}

/// Where `v` lies between `lo` and `hi`, from 0 to 1, finite for every finite input.
pub(super) fn frac(v: f64, lo: f64, hi: f64) -> f64 {
    let f = if (hi - lo).is_finite() && (v - lo).is_finite() {
        (v - lo) / (hi - lo)
    } else {
        (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0)
    };
    if f.is_finite() {
        f.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// Most ticks drawn, whatever the range: a guard against a step that rounding made tiny.
const MAX_TICKS: i64 = 20;

/// Round numbers (1, 2 or 5 times a power of ten apart) from `lo` to `hi`, about `target` of them.
pub(super) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi.is_nan() || lo.is_nan() || hi <= lo || !lo.is_finite() || !hi.is_finite() {
        return vec![lo];
    }
    let raw = width(lo, hi) / target as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|f| f * mag)
        .find(|&st| st >= raw)
        .unwrap_or(10.0 * mag);
    if !(step > 0.0 && step.is_finite()) {
        return vec![lo];
    }
    let first = (lo / step).ceil();
    let last = (hi / step + 1e-9).floor();
    if !(first.is_finite() && last.is_finite()) || last - first > MAX_TICKS as f64 {
        return vec![lo];
    }
    // Whole multiples of the step: 0 is exactly 0 and labels carry no rounding noise.
    (first as i64..=last as i64)
        .map(|i| i as f64 * step)
        .filter(|t| t.is_finite())
        .collect()
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

    #[test]
    fn ranges_at_the_ends_of_the_floats_give_finite_ticks_and_positions() {
        let tiny = 5e-324;
        for (lo, hi) in [
            (-tiny, tiny),
            (0.0, tiny),
            (-1e308, 1e308),
            (f64::MIN, f64::MAX),
        ] {
            let ticks = nice_ticks(lo, hi, 5);
            assert!(
                !ticks.is_empty() && ticks.len() <= 21,
                "{lo} {hi}: {ticks:?}"
            );
            assert!(ticks.iter().all(|t| t.is_finite()), "{lo} {hi}: {ticks:?}");
            for v in [lo, hi, 0.0] {
                let f = frac(v, lo, hi);
                assert!((0.0..=1.0).contains(&f), "{v} in {lo} .. {hi}: {f}");
            }
        }
    }
}
