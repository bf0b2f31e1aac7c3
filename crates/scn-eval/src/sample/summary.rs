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
        Some(Summary {
            n: n as u64,
            mean,
            sd: var.sqrt(),
            p05: quantile(values, 0.05),
            p50: quantile(values, 0.5),
            p95: quantile(values, 0.95),
        })
    }
}

/// The q-quantile with linear interpolation between order statistics (numpy's default),
/// found by selection in O(n).
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    let h = (values.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let (_, &mut x_lo, upper) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let frac = h - lo as f64;
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
        let s = Summary::of(&mut [1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((s.n, s.mean), (4, 2.5));
        // Sample variance: (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3.
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(s.p50, 2.5);
        assert!(Summary::of(&mut []).is_none());
    }
}
