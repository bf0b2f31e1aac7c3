//! Summaries of sampled values: mean, sd, and quantiles by selection (no full sort).

/// What a sampled quantity looked like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Samples kept.
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
}

impl Summary {
    /// Summarises values; reorders them. `None` when there are none.
    pub fn of(values: &mut [f64]) -> Option<Summary> {
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
            return Some(Summary {
                n: n as u64,
                mean: lo,
                sd: 0.0,
                p05: lo,
                p50: lo,
                p95: lo,
            });
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = if n > 1 {
            values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
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
        Some(Summary {
            n: n as u64,
            mean,
            sd: var.sqrt(),
            p05,
            p50,
            p95,
        })
    }
}

/// The q-quantile with linear interpolation between order statistics (numpy's default),
/// found by selection in O(n).
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
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
}
