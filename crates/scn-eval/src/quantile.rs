//! Exact quantiles of the core distributions: the one place reports, sensitivity and
//! thresholds read a distribution's percentiles from.
//!
//! statrs gives the normal, lognormal and triangular inverses. The beta inverse is ours:
//! statrs' `inv_beta_reg` (AS 109) loops without bound for some parameters (a `beta(a, 8)`
//! with a small `a` never returned), and a downloaded file must not hang scn. Ours solves
//! `I_x(a, b) = p` with statrs' regularized incomplete beta by Newton steps kept inside a
//! shrinking bracket, so it always ends, after at most [`MAX_STEPS`] evaluations.

use statrs::distribution::{ContinuousCDF, LogNormal, Normal, Triangular};
use statrs::function::beta::{beta_reg, ln_beta};

use crate::dist::{DistKind, ToParams, to_params};

/// The `p`-quantile (`0 < p < 1`) of a distribution with these parameters; `None` when the
/// parameters are invalid. A zero-width distribution is its one value.
pub fn quantile(kind: DistKind, a: &[f64], p: f64) -> Option<f64> {
    if a.len() != kind.arity() || kind.check(a).is_err() || !(0.0 < p && p < 1.0) {
        return None;
    }
    let v = match kind {
        DistKind::Beta => beta(a[0], a[1], p)?,
        DistKind::Normal => normal(a[0], a[1], p)?,
        DistKind::LogNormal => lognormal(a[0], a[1], p)?,
        DistKind::Uniform => a[0] + p * (a[1] - a[0]),
        DistKind::Triangular if a[0] == a[2] => a[0],
        DistKind::Triangular => Triangular::new(a[0], a[2], a[1]).ok()?.inverse_cdf(p),
        DistKind::Pert if a[0] == a[2] => a[0],
        DistKind::Pert => {
            // Beta-PERT with λ = 4, as sampling draws it: min + width · Beta(α, β).
            let width = a[2] - a[0];
            let alpha = 1.0 + 4.0 * (a[1] - a[0]) / width;
            let beta = 1.0 + 4.0 * (a[2] - a[1]) / width;
            a[0] + width * self::beta(alpha, beta, p)?
        }
        DistKind::To => match to_params(a[0], a[1]) {
            ToParams::LogNormal { mu, sigma } => lognormal(mu, sigma, p)?,
            ToParams::Normal { mean, sd } => normal(mean, sd, p)?,
        },
    };
    v.is_finite().then_some(v)
}

/// Evaluations of the incomplete beta function a beta quantile may take: bisection alone
/// halves the bracket to one ulp of [0, 1] in about 1,075 steps at worst (subnormals), and
/// Newton steps reach double precision in a handful when the density is smooth.
const MAX_STEPS: usize = 1_200;

/// The `p`-quantile of Beta(a, b): the `x` in [0, 1] with `I_x(a, b) = p`.
fn beta(a: f64, b: f64, p: f64) -> Option<f64> {
    if !(a > 0.0 && b > 0.0 && a.is_finite() && b.is_finite()) {
        return None;
    }
    let ln_b = ln_beta(a, b);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    // Start at the mean: inside the bracket, and close to the root for moderate p.
    let mut x = a / (a + b);
    for _ in 0..MAX_STEPS {
        let f = beta_reg(a, b, x) - p;
        if f == 0.0 {
            return Some(x);
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        // The density at x, in logs to survive extreme parameters.
        let ln_pdf = (a - 1.0) * x.ln() + (b - 1.0) * (-x).ln_1p() - ln_b;
        let newton = x - f / ln_pdf.exp();
        let next = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else {
            lo + (hi - lo) / 2.0
        };
        if next == x || hi - lo <= f64::EPSILON * hi.max(f64::MIN_POSITIVE) {
            return Some(next);
        }
        x = next;
    }
    Some(x)
}

fn normal(mean: f64, sd: f64, p: f64) -> Option<f64> {
    if sd == 0.0 {
        return Some(mean);
    }
    Some(Normal::new(mean, sd).ok()?.inverse_cdf(p))
}

fn lognormal(mu: f64, sigma: f64, p: f64) -> Option<f64> {
    if sigma == 0.0 {
        return Some(mu.exp());
    }
    Some(LogNormal::new(mu, sigma).ok()?.inverse_cdf(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn quantiles_by_hand() {
        // Φ⁻¹(0.95) = 1.6448536269514722.
        close(
            quantile(DistKind::Normal, &[10.0, 2.0], 0.95).unwrap(),
            13.289707,
            1e-6,
        );
        close(
            quantile(DistKind::Normal, &[10.0, 2.0], 0.05).unwrap(),
            6.710293,
            1e-6,
        );
        assert_eq!(quantile(DistKind::Normal, &[3.0, 0.0], 0.05), Some(3.0));
        close(
            quantile(DistKind::Uniform, &[0.0, 10.0], 0.05).unwrap(),
            0.5,
            1e-12,
        );
        // Beta(2, 1) has CDF x², so its quantile is √p; Beta(1, 3): 1 − (1 − p)^(1/3).
        close(
            quantile(DistKind::Beta, &[2.0, 1.0], 0.25).unwrap(),
            0.5,
            1e-9,
        );
        close(
            quantile(DistKind::Beta, &[1.0, 3.0], 0.95).unwrap(),
            1.0 - 0.05f64.powf(1.0 / 3.0),
            1e-9,
        );
        // triangular(0, 0, 10): CDF 1 − (1 − x/10)², quantile 10 (1 − √(1 − p)).
        close(
            quantile(DistKind::Triangular, &[0.0, 0.0, 10.0], 0.75).unwrap(),
            5.0,
            1e-9,
        );
        // pert(0, 5, 10) is 10 · Beta(3, 3), symmetric: its median is 5.
        close(
            quantile(DistKind::Pert, &[0.0, 5.0, 10.0], 0.5).unwrap(),
            5.0,
            1e-9,
        );
        // `lo to hi` puts exactly 5% below lo and 5% above hi, lognormal or normal.
        close(
            quantile(DistKind::To, &[10.0, 1000.0], 0.05).unwrap(),
            10.0,
            1e-9,
        );
        close(
            quantile(DistKind::To, &[10.0, 1000.0], 0.95).unwrap(),
            1000.0,
            1e-7,
        );
        close(
            quantile(DistKind::To, &[-10.0, 30.0], 0.05).unwrap(),
            -10.0,
            1e-9,
        );
        close(
            quantile(DistKind::LogNormal, &[0.0, 1.0], 0.5).unwrap(),
            1.0,
            1e-12,
        );
        assert_eq!(quantile(DistKind::Beta, &[0.0, 1.0], 0.5), None);
        assert_eq!(quantile(DistKind::Uniform, &[0.0, 1.0], 1.0), None);
    }

    /// statrs' beta inverse never returned for some of these (found by the fuzzer on a
    /// `beta(a, 8)`); ours must end on every one, in [0, 1], and solve I_x(a, b) = p
    /// wherever the incomplete beta is accurate.
    #[test]
    fn beta_quantiles_end_on_extreme_parameters() {
        let shapes = [
            1e-300, 1e-12, 1e-3, 0.05, 0.5, 1.0, 2.0, 8.0, 1e3, 1e6, 1e12,
        ];
        for a in shapes {
            for b in shapes {
                for p in [1e-12, 0.05, 0.5, 0.95, 1.0 - 1e-12] {
                    let x = quantile(DistKind::Beta, &[a, b], p);
                    let Some(x) = x else { continue };
                    assert!((0.0..=1.0).contains(&x), "beta({a}, {b}) at {p}: {x}");
                    // statrs' incomplete beta itself loses its accuracy past a million
                    // (at 1e12 it returns negative values): there, ending is all we ask.
                    if a.max(b) > 1e6 {
                        continue;
                    }
                    let f = beta_reg(a, b, x);
                    // Where the distribution function jumps past p within one ulp of x, x is
                    // still the quantile: check the bracket instead of the value.
                    let below = beta_reg(a, b, (x - 4.0 * f64::EPSILON * x).max(0.0));
                    let above = beta_reg(a, b, (x + 4.0 * f64::EPSILON * x.max(1e-300)).min(1.0));
                    assert!(
                        (f - p).abs() < 1e-6 || (below <= p + 1e-6 && above >= p - 1e-6),
                        "beta({a}, {b}) at {p}: x = {x}, I = {f}"
                    );
                }
            }
        }
    }
}
