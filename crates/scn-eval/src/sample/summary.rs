//! Summaries of sampled values: mean, sd and quantiles, unweighted (by selection, no full
//! sort) or weighted (by likelihood under evidence, or by the probability of a condition).
//!
//! Unweighted quantiles of many values are found by radix selection ([`select_ranks`]),
//! which reads the values without moving them, so the moments can be summed from the same
//! slice on another thread meanwhile; it gives the same order statistics, bit for bit, as
//! selecting in place by `f64::total_cmp`.
//!
//! The weighted quantile rule: values sorted ascending with positive weights w₁ … wₙ and
//! cumulative weights Cᵢ; the i-th value stands at position (Cᵢ − wᵢ/2 − w₁/2) / (W − w₁/2 −
//! wₙ/2) in [0, 1], and the q-quantile interpolates linearly between the two values whose
//! positions bracket q. With equal weights the i-th position is (i − 1) / (n − 1), which is
//! exactly the unweighted rule (numpy's default); equal weights in fact take the unweighted
//! path, so their numbers are the same to the last bit.

use rayon::prelude::*;

use super::select::select_ranks;

/// What a sampled quantity looked like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Samples used (with a weight above 0).
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation (n − 1 in the denominator).
    pub sd: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// The effective sample size (Σw)² / Σw², for a weighted summary.
    pub ess: Option<f64>,
}

impl Summary {
    /// Summarises values; may reorder them. `None` when there are none.
    pub fn of(values: &mut [f64]) -> Option<Summary> {
        Summary::of_each(&mut [values]).pop().flatten()
    }

    /// Summarises each column as [`Summary::of`] does, to the bit; may reorder them.
    ///
    /// The mean and the variance of a column are each one chain of dependent additions in
    /// the values' order (that order keeps every number): a chain takes four cycles a value
    /// and leaves the adder idle in between. So the big columns' chains run together, up to
    /// four in one loop, on one thread, while the others select their quantiles.
    pub fn of_each(columns: &mut [&mut [f64]]) -> Vec<Option<Summary>> {
        let (together, alone): (Vec<usize>, Vec<usize>) = (0..columns.len()).partition(|&c| {
            let values = &*columns[c];
            (RADIX_FROM..=u32::MAX as usize).contains(&values.len()) && surely_varies(values)
        });
        let mut out = vec![None; columns.len()];
        for c in alone {
            out[c] = Summary::alone(columns[c]);
        }
        let big: Vec<&[f64]> = together.iter().map(|&c| &*columns[c]).collect();
        let (moments, quantiles) = rayon::join(
            || moments_together(&big),
            || {
                big.par_iter()
                    .map(|values| radix_quantiles(values))
                    .collect::<Vec<_>>()
            },
        );
        for ((c, m), [p05, p50, p95]) in together.into_iter().zip(moments).zip(quantiles) {
            out[c] = Some(Summary {
                n: m.n as u64,
                mean: m.mean,
                sd: if only_noise(m.lo, m.hi) {
                    0.0
                } else {
                    m.var.sqrt()
                },
                p05,
                p50,
                p95,
                ess: None,
            });
        }
        out
    }

    /// [`Summary::of`] for a column that may be constant or small.
    fn alone(values: &mut [f64]) -> Option<Summary> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if lo == hi {
            // A constant: report it exactly, not with the rounding noise of a sum.
            return Some(Summary::constant(n as u64, lo));
        }
        let noise = only_noise(lo, hi);
        let moments = |values: &[f64]| {
            let mean = values.iter().sum::<f64>() / n as f64;
            let var = if n > 1 {
                values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
            } else {
                0.0
            };
            (mean, var)
        };
        let ((mean, var), [p05, p50, p95]) = if (RADIX_FROM..=u32::MAX as usize).contains(&n) {
            // The sums are a chain of dependent additions, in order; the selection only
            // reads: on two threads they take as long as the longer.
            let values = &*values;
            rayon::join(|| moments(values), || radix_quantiles(values))
        } else {
            (moments(values), select_quantiles(values))
        };
        Some(Summary {
            n: n as u64,
            mean,
            sd: if noise { 0.0 } else { var.sqrt() },
            p05,
            p50,
            p95,
            ess: None,
        })
    }

    fn constant(n: u64, v: f64) -> Summary {
        Summary {
            n,
            mean: v,
            sd: 0.0,
            p05: v,
            p50: v,
            p95: v,
            ess: None,
        }
    }

    /// Summarises values with weights (pairs of value and weight); pairs of weight 0 count for
    /// nothing. Reorders them. `None` when no weight is above 0.
    pub fn weighted(pairs: &mut Vec<(f64, f64)>) -> Option<Summary> {
        pairs.retain(|&(_, w)| w > 0.0);
        let n = pairs.len();
        let &(_, w0) = pairs.first()?;
        let (mut sw, mut sw2) = (0.0, 0.0);
        for &(_, w) in pairs.iter() {
            sw += w;
            sw2 += w * w;
        }
        let ess = Some(sw * sw / sw2);
        if pairs.iter().all(|&(_, w)| w == w0) {
            let mut values: Vec<f64> = pairs.iter().map(|&(v, _)| v).collect();
            return Summary::of(&mut values).map(|s| Summary { ess, ..s });
        }
        let (lo, hi) = pairs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &(v, _)| {
                (a.min(v), b.max(v))
            });
        if lo == hi {
            return Some(Summary {
                ess,
                ..Summary::constant(n as u64, lo)
            });
        }
        let mut swx = 0.0;
        for &(v, w) in pairs.iter() {
            swx += w * v;
        }
        let mean = swx / sw;
        let mut ss = 0.0;
        for &(v, w) in pairs.iter() {
            ss += w * (v - mean) * (v - mean);
        }
        let denom = sw * sw - sw2;
        let sd = if denom > 0.0 && !only_noise(lo, hi) {
            (ss * sw / denom).sqrt()
        } else {
            0.0
        };
        pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let [p05, p50, p95] = weighted_quantiles(pairs, sw, [0.05, 0.5, 0.95]);
        Some(Summary {
            n: n as u64,
            mean,
            sd,
            p05,
            p50,
            p95,
            ess,
        })
    }
}

/// True when two of the values are surely different numbers: the first is not NaN and
/// another, not NaN, differs from it. Stops at the first such value, nearly always the
/// second of a sampled column.
fn surely_varies(values: &[f64]) -> bool {
    let first = values[0];
    !first.is_nan() && values.iter().any(|&v| v != first && !v.is_nan())
}

/// What the sums of a column found.
struct Moments {
    n: usize,
    lo: f64,
    hi: f64,
    mean: f64,
    /// With n − 1 in the denominator.
    var: f64,
}

/// The moments of each column (of two values at least), up to four columns' chains in one
/// loop; each column's sums add its values in their order, as `Iterator::sum` does.
fn moments_together(columns: &[&[f64]]) -> Vec<Moments> {
    let mut out = Vec::with_capacity(columns.len());
    for group in columns.chunks(4) {
        match *group {
            [a, b, c, d] => out.extend(moments_group([a, b, c, d])),
            [a, b, c] => out.extend(moments_group([a, b, c])),
            [a, b] => out.extend(moments_group([a, b])),
            [a] => out.extend(moments_group([a])),
            _ => unreachable!("chunks of one to four"),
        }
    }
    out
}

/// [`moments_together`] for `G` columns: their common length in one loop, then the rest of
/// each on its own.
// Each step of the common loop reads the i-th value of every column: an index says so best.
#[allow(clippy::needless_range_loop)]
fn moments_group<const G: usize>(columns: [&[f64]; G]) -> [Moments; G] {
    let common = columns.iter().map(|c| c.len()).min().unwrap_or(0);
    let heads = columns.map(|c| &c[..common]);
    // `Iterator::sum` of floats starts from −0.0, which leaves any first value as it is.
    let mut sum = [-0.0f64; G];
    let mut lo = [f64::INFINITY; G];
    let mut hi = [f64::NEG_INFINITY; G];
    for i in 0..common {
        for g in 0..G {
            let v = heads[g][i];
            sum[g] += v;
            lo[g] = lo[g].min(v);
            hi[g] = hi[g].max(v);
        }
    }
    for g in 0..G {
        for &v in &columns[g][common..] {
            sum[g] += v;
            lo[g] = lo[g].min(v);
            hi[g] = hi[g].max(v);
        }
    }
    let mean: [f64; G] = std::array::from_fn(|g| sum[g] / columns[g].len() as f64);
    let mut squares = [-0.0f64; G];
    for i in 0..common {
        for g in 0..G {
            let d = heads[g][i] - mean[g];
            squares[g] += d * d;
        }
    }
    for g in 0..G {
        for &v in &columns[g][common..] {
            let d = v - mean[g];
            squares[g] += d * d;
        }
    }
    std::array::from_fn(|g| {
        let n = columns[g].len();
        Moments {
            n,
            lo: lo[g],
            hi: hi[g],
            mean: mean[g],
            var: squares[g] / (n - 1) as f64,
        }
    })
}

/// True when values from `lo` to `hi` differ only by floating-point rounding (a quantity that
/// is the same in every sample, computed along different paths): their spread is 0.
fn only_noise(lo: f64, hi: f64) -> bool {
    hi - lo <= 1e-12 * lo.abs().max(hi.abs())
}

/// Quantiles of sorted (value, weight) pairs, all weights above 0, summing to `total`; `qs`
/// ascending. See the module's documentation for the rule.
fn weighted_quantiles<const K: usize>(sorted: &[(f64, f64)], total: f64, qs: [f64; K]) -> [f64; K] {
    let n = sorted.len();
    let mut out = [sorted[0].0; K];
    if n == 1 {
        return out;
    }
    let w_first = sorted[0].1;
    let span = total - w_first / 2.0 - sorted[n - 1].1 / 2.0;
    let mut k = 0;
    // Position of value i, and of value i − 1.
    let (mut cum, mut prev_pos) = (0.0, 0.0);
    for (i, &(v, w)) in sorted.iter().enumerate() {
        cum += w;
        let pos = if i == n - 1 {
            1.0
        } else {
            ((cum - w / 2.0 - w_first / 2.0) / span).min(1.0)
        };
        while k < K && qs[k] <= pos {
            out[k] = if i == 0 || pos <= prev_pos {
                v
            } else {
                let prev = sorted[i - 1].0;
                let t = (qs[k] - prev_pos) / (pos - prev_pos);
                prev + t * (v - prev)
            };
            k += 1;
        }
        prev_pos = pos;
    }
    out
}

/// The quantiles a summary reports.
const QUANTILES: [f64; 3] = [0.05, 0.5, 0.95];

/// From this many values on, quantiles are found by [`select_ranks`]; below, its count of
/// 65,536 buckets costs more than selecting in place.
const RADIX_FROM: usize = 1 << 14;

/// The 5th, 50th and 95th percentiles by selection in place (reordering the values).
fn select_quantiles(values: &mut [f64]) -> [f64; 3] {
    let n = values.len();
    // The median first: it splits the values, so the 5th percentile is then found among
    // the lower half only and the 95th among the upper half.
    // (Below 64 values the 5th and 95th percentiles can need a rank from the other half.)
    let p50 = quantile(values, 0.5);
    let (p05, p95) = if n < 64 {
        (quantile(values, 0.05), quantile(values, 0.95))
    } else {
        let mid = ((n - 1) as f64 * 0.5).floor() as usize;
        let (lower, upper) = values.split_at_mut(mid + 1);
        (
            quantile_at(lower, n, 0.05, 0),
            quantile_at(upper, n, 0.95, mid + 1),
        )
    };
    [p05, p50, p95]
}

/// The 5th, 50th and 95th percentiles by [`select_ranks`], the values left as they are:
/// each the value at rank ⌊h⌋, h = (n − 1)·q, interpolated towards rank ⌊h⌋ + 1 as
/// [`quantile_at`] does.
fn radix_quantiles(values: &[f64]) -> [f64; 3] {
    let n = values.len();
    let at = QUANTILES.map(|q| {
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as usize;
        (lo, h - lo as f64)
    });
    let ranks: [usize; 6] = std::array::from_fn(|i| (at[i / 2].0 + i % 2).min(n - 1));
    let x = select_ranks(values, ranks);
    std::array::from_fn(|k| {
        let (x_lo, frac) = (x[2 * k], at[k].1);
        if frac == 0.0 || at[k].0 + 1 >= n {
            x_lo
        } else {
            x_lo + frac * (x[2 * k + 1] - x_lo)
        }
    })
}

/// The q-quantile with linear interpolation between order statistics (numpy's default),
/// found by selection in O(n).
pub(super) fn quantile(values: &mut [f64], q: f64) -> f64 {
    let n = values.len();
    quantile_at(values, n, q, 0)
}

/// The q-quantile of `n` values of which `part` holds the ranks `offset ..`, and holds every
/// rank the quantile needs (the one below it and, when interpolating, the one above).
fn quantile_at(part: &mut [f64], n: usize, q: f64, offset: usize) -> f64 {
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    let (_, &mut x_lo, upper) = part.select_nth_unstable_by(lo - offset, f64::total_cmp);
    if frac == 0.0 || upper.is_empty() {
        return x_lo;
    }
    let x_hi = upper.iter().copied().fold(f64::INFINITY, f64::min);
    x_lo + frac * (x_hi - x_lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_hand() {
        let mut v: Vec<f64> = (1..=11).rev().map(f64::from).collect();
        assert_eq!(quantile(&mut v, 0.5), 6.0);
        // h = 10 · 0.05 = 0.5: halfway between 1 and 2.
        assert_eq!(quantile(&mut v, 0.05), 1.5);
        assert_eq!(quantile(&mut v, 0.95), 10.5);
        // The split search agrees with independent selections on awkward sizes.
        for n in [2usize, 3, 7, 20, 21, 101, 1000] {
            let v: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64).collect();
            let s = Summary::of(&mut v.clone()).unwrap();
            for (q, got) in [(0.05, s.p05), (0.5, s.p50), (0.95, s.p95)] {
                assert_eq!(got, quantile(&mut v.clone(), q), "n = {n}, q = {q}");
            }
        }
        let s = Summary::of(&mut [1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.n, s.mean), (4, 2.5));
        // Sample variance: (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3.
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(s.p50, 2.5);
        assert!(Summary::of(&mut []).is_none());
    }

    /// Uniforms on [0, 1) from xorshift64, so that test data do not depend on the sampler.
    fn uniforms(mut state: u64) -> impl FnMut() -> f64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn radix_selection_gives_the_in_place_selections_numbers_to_the_bit() {
        let mut next = uniforms(0x2545_F491_4F6C_DD1D);
        let sets: Vec<Vec<f64>> = vec![
            // Spread over octaves, both signs, and exact ties.
            (0..100_000).map(|_| (next() - 0.3) * 1e3).collect(),
            (0..50_001).map(|_| (next() * 40.0).exp()).collect(),
            (0..20_000).map(|_| (next() * 8.0).floor()).collect(),
            // Crowded into one bucket of the top 16 bits.
            (0..70_000).map(|_| 1.0 + next() * 1e-6).collect(),
            // Zeros of both signs, infinities and a NaN, ordered as `total_cmp` orders them.
            (0..30_000)
                .map(|i| match i % 7 {
                    0 => -0.0,
                    1 => 0.0,
                    2 => f64::INFINITY,
                    3 => f64::NEG_INFINITY,
                    4 if i == 4 => f64::NAN,
                    _ => next() - 0.5,
                })
                .collect(),
            vec![3.0, 1.0],
            vec![5.0],
        ];
        for (i, v) in sets.iter().enumerate() {
            let radix = radix_quantiles(v);
            let select = select_quantiles(&mut v.clone());
            assert_eq!(radix.map(f64::to_bits), select.map(f64::to_bits), "set {i}");
            // And ranks asked for in any order, repeated, at the ends.
            let n = v.len();
            let ranks = [n - 1, 0, n / 2, 0, n / 3];
            let got = select_ranks(v, ranks);
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for (r, g) in ranks.iter().zip(got) {
                assert_eq!(g.to_bits(), sorted[*r].to_bits(), "set {i}, rank {r}");
            }
        }
    }

    #[test]
    fn columns_summarised_together_give_each_ones_numbers_to_the_bit() {
        let mut next = uniforms(0x9E37_79B9_7F4A_7C15);
        let big = RADIX_FROM;
        let mut columns: Vec<Vec<f64>> = vec![
            // Six big columns of different lengths: a group of four and one of two, each
            // with a common part and rests of their own.
            (0..big + 17).map(|_| (next() * 9.0).exp()).collect(),
            (0..big * 3).map(|_| next() - 0.5).collect(),
            (0..big).map(|_| 1e9 + next()).collect(),
            (0..big + 1).map(|_| -next() * 1e-300).collect(),
            (0..big * 2).map(|_| next().powi(8)).collect(),
            (0..big + 5).map(|_| (next() * 4.0).floor()).collect(),
            // Those summarised alone: constant, NaN first, small, only rounding noise, empty.
            vec![2.5; big],
            std::iter::once(f64::NAN)
                .chain((0..big).map(|_| next()))
                .collect(),
            (0..100).map(|_| next()).collect(),
            (0..big)
                .map(|i| 0.1 * 3.0 + if i % 2 == 0 { 0.0 } else { 1e-17 })
                .collect(),
            vec![],
        ];
        let each: Vec<Option<Summary>> = columns
            .iter()
            .map(|c| Summary::alone(&mut c.clone()))
            .collect();
        let mut slices: Vec<&mut [f64]> = columns.iter_mut().map(|c| &mut c[..]).collect();
        let together = Summary::of_each(&mut slices);
        let bits =
            |s: &Option<Summary>| s.map(|s| [s.mean, s.sd, s.p05, s.p50, s.p95].map(f64::to_bits));
        for (i, (a, b)) in each.iter().zip(&together).enumerate() {
            assert_eq!(bits(a), bits(b), "column {i}");
            assert_eq!(a.map(|s| s.n), b.map(|s| s.n), "column {i}");
        }
    }

    #[test]
    fn weighted_summaries_by_hand() {
        // Weights 1, 3 on values 0, 10: mean 7.5; sd² = (1·56.25 + 3·6.25)·4 / (16 − 10) = 50.
        let s = Summary::weighted(&mut vec![(0.0, 1.0), (10.0, 3.0)]).unwrap();
        assert_eq!(s.mean, 7.5);
        assert!((s.sd - 50f64.sqrt()).abs() < 1e-12);
        // ess = 16 / 10.
        assert_eq!(s.ess, Some(1.6));
        // Positions 0 and 1: the median interpolates halfway.
        assert_eq!((s.p05, s.p50, s.p95), (0.5, 5.0, 9.5));
        // Three values, weights 1, 2, 1: positions 0, (3 − 1 − 0.5)/(4 − 1) = 0.5, 1.
        let s = Summary::weighted(&mut vec![(3.0, 1.0), (1.0, 1.0), (2.0, 2.0)]).unwrap();
        assert_eq!(s.p50, 2.0);
        assert!((s.p05 - 1.1).abs() < 1e-12 && (s.p95 - 2.9).abs() < 1e-12);
        // Zero weights count for nothing; none left is no summary.
        let s = Summary::weighted(&mut vec![(5.0, 0.0), (1.0, 2.0), (3.0, 2.0)]).unwrap();
        assert_eq!((s.n, s.mean), (2, 2.0));
        assert!(Summary::weighted(&mut vec![(1.0, 0.0)]).is_none());
    }

    #[test]
    fn equal_weights_give_the_unweighted_numbers_to_the_bit() {
        let values: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1001) as f64 * 0.37)
            .collect();
        let plain = Summary::of(&mut values.clone()).unwrap();
        let mut pairs: Vec<(f64, f64)> = values.iter().map(|&v| (v, 0.25)).collect();
        let weighted = Summary::weighted(&mut pairs).unwrap();
        assert_eq!(
            weighted,
            Summary {
                ess: weighted.ess,
                ..plain
            }
        );
        assert!((weighted.ess.unwrap() - 1001.0).abs() < 1e-9);
        // The weighted rule itself gives the same quantiles on equal weights, up to rounding.
        let mut sorted: Vec<(f64, f64)> = values.iter().map(|&v| (v, 1.0)).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let [p05, p50, p95] = weighted_quantiles(&sorted, 1001.0, [0.05, 0.5, 0.95]);
        for (a, b) in [(p05, plain.p05), (p50, plain.p50), (p95, plain.p95)] {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
    }
}
