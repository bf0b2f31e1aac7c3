//! Exact quantiles of the core distributions, from statrs' inverse CDFs.

use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular};

use crate::dist::{DistKind, ToParams, to_params};

/// The `p`-quantile (`0 < p < 1`) of a distribution with these parameters; `None` when the
/// parameters are invalid. A zero-width distribution is its one value.
pub fn quantile(kind: DistKind, a: &[f64], p: f64) -> Option<f64> {
    if a.len() != kind.arity() || kind.check(a).is_err() || !(0.0 < p && p < 1.0) {
        return None;
    }
    let v = match kind {
        DistKind::Beta => Beta::new(a[0], a[1]).ok()?.inverse_cdf(p),
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
            a[0] + width * Beta::new(alpha, beta).ok()?.inverse_cdf(p)
        }
        DistKind::To => match to_params(a[0], a[1]) {
            ToParams::LogNormal { mu, sigma } => lognormal(mu, sigma, p)?,
            ToParams::Normal { mean, sd } => normal(mean, sd, p)?,
        },
    };
    v.is_finite().then_some(v)
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
}
