//! Drawing from the core distributions with statrs, and the generator behind every draw.

use rand::distr::Distribution;
use rand_pcg::Pcg64Mcg;
use statrs::distribution::{Beta, LogNormal, Normal, Triangular, Uniform};

use crate::dist::{DistKind, ToParams, to_params};
use crate::kernel::inputs::Inputs;

/// The generator: PCG-64 MCG, named so that a seed's numbers survive upgrades of rand.
pub(crate) type SampleRng = Pcg64Mcg;

/// SplitMix64: spreads a seed and a block index into independent generator states.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of one block of samples: depends on the seed and the block's index only,
/// so any thread may run any block and the numbers stay the same.
pub(crate) fn block_rng(seed: u64, block: u64) -> SampleRng {
    let hi = splitmix(seed ^ splitmix(block));
    let lo = splitmix(hi ^ 0xD1B5_4A32_D192_ED03 ^ block);
    Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo) | 1)
}

/// One draw; `Err` when the (sampled) parameters are invalid.
pub(crate) fn draw(kind: DistKind, a: &[f64], rng: &mut SampleRng) -> Result<f64, String> {
    Ok(Sampler::new(kind, a)?.sample(rng))
}

/// A sample's inputs: every distribution is drawn.
pub(crate) struct Draws<'a> {
    /// The constant distributions, prepared once per run.
    pub samplers: &'a [Sampler],
    /// This block's generator.
    pub rng: &'a mut SampleRng,
}

impl Inputs for Draws<'_> {
    #[inline]
    fn const_dist(&mut self, i: u32) -> f64 {
        self.samplers[i as usize].sample(self.rng)
    }

    fn const_dist_error(&self, _: u32) -> Option<String> {
        // The point evaluation has checked every constant distribution already.
        None
    }

    fn dist(&mut self, kind: DistKind, args: &[f64]) -> Result<f64, String> {
        draw(kind, args, self.rng)
    }
}

/// A distribution with constant parameters, built once per run.
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    /// A point mass (a zero-width distribution).
    Const(f64),
    /// Beta.
    Beta(Beta),
    /// Normal.
    Normal(Normal),
    /// Log-normal.
    LogNormal(LogNormal),
    /// Uniform.
    Uniform(Uniform),
    /// Triangular.
    Triangular(Triangular),
    /// Beta-PERT: `min + width · Beta`.
    Pert(f64, f64, Beta),
}

impl Sampler {
    /// Prepares a distribution; `Err` if its parameters are invalid.
    pub(crate) fn new(kind: DistKind, a: &[f64]) -> Result<Sampler, String> {
        kind.check(a)?;
        let bad = |e: &dyn std::fmt::Display| format!("{}: {e}", kind.name());
        Ok(match kind {
            DistKind::Beta => Sampler::Beta(Beta::new(a[0], a[1]).map_err(|e| bad(&e))?),
            DistKind::Normal if a[1] == 0.0 => Sampler::Const(a[0]),
            DistKind::Normal => Sampler::Normal(Normal::new(a[0], a[1]).map_err(|e| bad(&e))?),
            DistKind::LogNormal if a[1] == 0.0 => Sampler::Const(a[0].exp()),
            DistKind::LogNormal => {
                Sampler::LogNormal(LogNormal::new(a[0], a[1]).map_err(|e| bad(&e))?)
            }
            DistKind::Uniform if a[0] == a[1] => Sampler::Const(a[0]),
            DistKind::Uniform => Sampler::Uniform(Uniform::new(a[0], a[1]).map_err(|e| bad(&e))?),
            DistKind::Triangular | DistKind::Pert if a[0] == a[2] => Sampler::Const(a[0]),
            DistKind::Triangular => {
                Sampler::Triangular(Triangular::new(a[0], a[2], a[1]).map_err(|e| bad(&e))?)
            }
            DistKind::Pert => {
                let width = a[2] - a[0];
                let alpha = 1.0 + 4.0 * (a[1] - a[0]) / width;
                let beta = 1.0 + 4.0 * (a[2] - a[1]) / width;
                Sampler::Pert(a[0], width, Beta::new(alpha, beta).map_err(|e| bad(&e))?)
            }
            DistKind::To => match to_params(a[0], a[1]) {
                ToParams::LogNormal { mu, sigma } => {
                    Sampler::LogNormal(LogNormal::new(mu, sigma).map_err(|e| bad(&e))?)
                }
                ToParams::Normal { mean, sd: 0.0 } => Sampler::Const(mean),
                ToParams::Normal { mean, sd } => {
                    Sampler::Normal(Normal::new(mean, sd).map_err(|e| bad(&e))?)
                }
            },
        })
    }

    /// One draw.
    pub(crate) fn sample(&self, rng: &mut SampleRng) -> f64 {
        match self {
            Sampler::Const(v) => *v,
            Sampler::Beta(d) => d.sample(rng),
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(min, width, d) => min + width * d.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(kind: DistKind, a: &[f64]) -> f64 {
        let mut rng = block_rng(7, 0);
        let n = 200_000;
        (0..n)
            .map(|_| draw(kind, a, &mut rng).unwrap())
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn sample_means_match_analytic_means() {
        // Standard errors at n = 200k are well under the tolerances below.
        for (kind, a, tol) in [
            (DistKind::Beta, vec![3.0, 9.0], 0.002),
            (DistKind::Pert, vec![0.0, 3.0, 6.0], 0.01),
            (DistKind::Triangular, vec![0.0, 3.0, 9.0], 0.02),
            (DistKind::Uniform, vec![2.0, 4.0], 0.01),
            (DistKind::Normal, vec![5.0, 2.0], 0.02),
            (DistKind::LogNormal, vec![0.0, 0.5], 0.01),
            (DistKind::To, vec![10.0, 1000.0], 3.0),
            (DistKind::To, vec![-10.0, 30.0], 0.1),
        ] {
            let got = mean_of(kind, &a);
            let want = kind.mean(&a);
            assert!((got - want).abs() < tol, "{kind:?}{a:?}: {got} vs {want}");
        }
    }

    #[test]
    fn same_seed_same_numbers_other_block_other_numbers() {
        let a: Vec<f64> = (0..4)
            .map(|_| draw(DistKind::Beta, &[2.0, 2.0], &mut block_rng(1, 3)).unwrap())
            .collect();
        let b: Vec<f64> = (0..4)
            .map(|_| draw(DistKind::Beta, &[2.0, 2.0], &mut block_rng(1, 3)).unwrap())
            .collect();
        assert_eq!(a, b);
        let c = draw(DistKind::Beta, &[2.0, 2.0], &mut block_rng(1, 4)).unwrap();
        assert_ne!(a[0], c);
    }

    #[test]
    fn the_to_interval_holds_ninety_percent() {
        let mut rng = block_rng(11, 0);
        let n = 100_000;
        let inside = (0..n)
            .filter(|_| {
                (20.0..=80.0).contains(&draw(DistKind::To, &[20.0, 80.0], &mut rng).unwrap())
            })
            .count();
        let share = inside as f64 / n as f64;
        assert!((share - 0.9).abs() < 0.005, "{share}");
    }
}
