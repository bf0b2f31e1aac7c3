//! Drawing from the core distributions, and the generator behind every draw.

use std::collections::HashMap;
use std::sync::Arc;

use rand::RngExt;
use rand::distr::Distribution;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use statrs::distribution::Normal;

use super::exp;
use super::strips::BetaStrips;

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

/// A distribution with constant parameters, prepared once per run with every constant its
/// sampler needs.
///
/// [`Sampler::new`]'s algorithms are statrs's (Marsaglia–Tsang gamma over statrs's ziggurat
/// normal, beta as a ratio of gammas, the inverse-CDF triangular) and rand's uniform, with the
/// same draws from the generator in the same order and the same arithmetic, so every number
/// is the one statrs would give; only the per-draw set-up statrs repeats (the gamma's square
/// root, the uniform's range) is done once here. The tests compare against statrs. The one
/// exception is the log-normal's `exp`, scn's own ([`exp`]): the system's would make a
/// seed's numbers depend on the maths library, and could not run on a column's lanes.
/// [`Sampler::prepared`], for a whole run's constants, draws betas and PERTs from a histogram
/// envelope instead ([`BetaStrips`]): the same distribution, other numbers, two fifths of the
/// cost.
#[derive(Clone, Debug)]
pub(crate) enum Sampler {
    /// A point mass (a zero-width distribution).
    Const(f64),
    /// Beta: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
    Beta(Gamma, Gamma),
    /// Normal: mean + sd · Z.
    Normal(f64, f64),
    /// Log-normal: exp(mu + sigma · Z).
    LogNormal(f64, f64),
    /// Uniform, as rand samples it.
    Uniform(rand::distr::Uniform<f64>),
    /// Uniform over a range too wide for a float (`uniform(-1e308, 1e308)`): lo·(1 − u) + hi·u.
    WideUniform(f64, f64),
    /// Triangular by its inverse CDF.
    Triangular(Triangular),
    /// Beta-PERT: `min + width · Beta`.
    Pert(f64, f64, Gamma, Gamma),
    /// A constant beta drawn from its histogram envelope.
    BetaStrips(Arc<BetaStrips>),
    /// A constant Beta-PERT drawn from its beta's histogram envelope: `min + width · Beta`.
    PertStrips(f64, f64, Arc<BetaStrips>),
}

/// Marsaglia–Tsang's gamma sampler (rate 1) with its constants computed once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Gamma {
    d: f64,
    c: f64,
    /// For a shape below 1: 1 / shape, the power that boosts a Gamma(shape + 1) draw.
    boost: Option<f64>,
    /// The shape, for building a [`BetaStrips`] from a beta's or PERT's gammas.
    shape: f64,
}

impl Gamma {
    fn new(shape: f64) -> Gamma {
        let (a, boost) = if shape < 1.0 {
            (shape + 1.0, Some(1.0 / shape))
        } else {
            (shape, None)
        };
        let d = a - 1.0 / 3.0;
        Gamma {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            boost,
            shape,
        }
    }

    #[inline(always)]
    fn sample(&self, rng: &mut SampleRng) -> f64 {
        let afix = match self.boost {
            Some(p) => rng.random::<f64>().powf(p),
            None => 1.0,
        };
        let (d, c) = (self.d, self.c);
        loop {
            let mut x;
            let mut v;
            loop {
                x = std_normal(rng);
                v = 1.0 + c * x;
                if v > 0.0 {
                    break;
                }
            }
            v = v * v * v;
            x = x * x;
            let u: f64 = rng.random();
            if u < 1.0 - 0.0331 * x * x || u.ln() < 0.5 * x + d * (1.0 - v + v.ln()) {
                return afix * d * v;
            }
        }
    }
}

/// The triangular distribution's inverse CDF, with the differences it needs computed once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Triangular {
    min: f64,
    max: f64,
    width: f64,
    left: f64,
    right: f64,
    split: f64,
}

/// A standard normal draw, by statrs's ziggurat (0 + 1 · Z, exactly as statrs computes it).
#[inline(always)]
fn std_normal(rng: &mut SampleRng) -> f64 {
    Normal::standard().sample(rng)
}

/// Envelopes already built in one run, by the beta's shapes: a model often repeats a prior.
pub(crate) type StripCache = HashMap<(u64, u64), Option<Arc<BetaStrips>>>;

/// The envelopes of every beta and PERT among `dists` (kinds and parameters), built in
/// parallel: each costs about 0.1 ms, and a run builds them before its first sample.
pub(crate) fn strips_for<'a>(dists: impl Iterator<Item = (DistKind, &'a [f64])>) -> StripCache {
    let mut shapes: Vec<(u64, u64)> = dists
        .filter_map(|(kind, a)| match Sampler::new(kind, a).ok()? {
            Sampler::Beta(x, y) | Sampler::Pert(_, _, x, y) => {
                Some((x.shape.to_bits(), y.shape.to_bits()))
            }
            _ => None,
        })
        .collect();
    shapes.sort_unstable();
    shapes.dedup();
    shapes
        .into_par_iter()
        .map(|(a, b)| {
            let strips = BetaStrips::new(f64::from_bits(a), f64::from_bits(b)).map(Arc::new);
            ((a, b), strips)
        })
        .collect()
}

impl Sampler {
    /// Prepares a distribution whose parameters are constant for a whole run: as
    /// [`Sampler::new`], but a beta (or PERT) with both shapes at least 1 gets a histogram
    /// envelope ([`BetaStrips`]), which costs about 0.1 ms to build and makes each draw
    /// two and a half times cheaper. `cache` shares envelopes between equal betas.
    pub(crate) fn prepared(
        kind: DistKind,
        a: &[f64],
        cache: &mut StripCache,
    ) -> Result<Sampler, String> {
        let mut strips = |alpha: f64, beta: f64| {
            cache
                .entry((alpha.to_bits(), beta.to_bits()))
                .or_insert_with(|| BetaStrips::new(alpha, beta).map(Arc::new))
                .clone()
        };
        Ok(match Sampler::new(kind, a)? {
            Sampler::Beta(x, y) => match strips(x.shape, y.shape) {
                Some(s) => Sampler::BetaStrips(s),
                None => Sampler::Beta(x, y),
            },
            Sampler::Pert(min, width, x, y) => match strips(x.shape, y.shape) {
                Some(s) => Sampler::PertStrips(min, width, s),
                None => Sampler::Pert(min, width, x, y),
            },
            other => other,
        })
    }

    /// Prepares a distribution; `Err` if its parameters are invalid.
    pub(crate) fn new(kind: DistKind, a: &[f64]) -> Result<Sampler, String> {
        kind.check(a)?;
        if let Some(bad) = a.iter().find(|v| !v.is_finite()) {
            return Err(format!(
                "{}: a parameter is {bad}, not a finite number",
                kind.name()
            ));
        }
        Ok(match kind {
            DistKind::Beta => Sampler::Beta(Gamma::new(a[0]), Gamma::new(a[1])),
            DistKind::Normal if a[1] == 0.0 => Sampler::Const(a[0]),
            DistKind::Normal => Sampler::Normal(a[0], a[1]),
            DistKind::LogNormal if a[1] == 0.0 => Sampler::Const(a[0].exp()),
            DistKind::LogNormal => Sampler::LogNormal(a[0], a[1]),
            DistKind::Uniform if a[0] == a[1] => Sampler::Const(a[0]),
            DistKind::Uniform => match rand::distr::Uniform::new_inclusive(a[0], a[1]) {
                Ok(u) => Sampler::Uniform(u),
                Err(_) => Sampler::WideUniform(a[0], a[1]),
            },
            DistKind::Triangular | DistKind::Pert if a[0] == a[2] => Sampler::Const(a[0]),
            DistKind::Triangular => Sampler::Triangular(Triangular {
                min: a[0],
                max: a[2],
                width: a[2] - a[0],
                left: a[1] - a[0],
                right: a[2] - a[1],
                split: (a[1] - a[0]) / (a[2] - a[0]),
            }),
            DistKind::Pert => {
                let width = a[2] - a[0];
                let alpha = 1.0 + 4.0 * (a[1] - a[0]) / width;
                let beta = 1.0 + 4.0 * (a[2] - a[1]) / width;
                Sampler::Pert(a[0], width, Gamma::new(alpha), Gamma::new(beta))
            }
            DistKind::To => match to_params(a[0], a[1]) {
                ToParams::LogNormal { mu, sigma } => Sampler::LogNormal(mu, sigma),
                ToParams::Normal { mean, sd: 0.0 } => Sampler::Const(mean),
                ToParams::Normal { mean, sd } => Sampler::Normal(mean, sd),
            },
        })
    }

    /// One draw. Always inlined: out of line, every draw of the sampling loop paid a call
    /// that saved and restored registers around the match (3.5 % of the peer tree's
    /// instructions).
    #[inline(always)]
    pub(crate) fn sample(&self, rng: &mut SampleRng) -> f64 {
        match self {
            Sampler::Const(v) => *v,
            Sampler::Beta(x, y) => {
                let x = x.sample(rng);
                let y = y.sample(rng);
                x / (x + y)
            }
            Sampler::Normal(mean, sd) => mean + sd * std_normal(rng),
            Sampler::LogNormal(mu, sigma) => exp(mu + sigma * std_normal(rng)),
            Sampler::Uniform(u) => u.sample(rng),
            Sampler::WideUniform(lo, hi) => {
                let u: f64 = rng.random();
                lo * (1.0 - u) + hi * u
            }
            Sampler::Triangular(t) => {
                let f: f64 = rng.random();
                if f < t.split {
                    t.min + (f * t.width * t.left).sqrt()
                } else {
                    t.max - ((1.0 - f) * t.width * t.right).sqrt()
                }
            }
            Sampler::Pert(min, width, x, y) => {
                let x = x.sample(rng);
                let y = y.sample(rng);
                min + width * (x / (x + y))
            }
            Sampler::BetaStrips(s) => s.sample(rng),
            Sampler::PertStrips(min, width, s) => min + width * s.sample(rng),
        }
    }

    /// One draw as [`Sampler::sample`] makes it, except that a log-normal's is left as its
    /// exponent, `mu + sigma · Z`, for the caller to pass through `exp` later (see
    /// [`Sampler::exp_deferred`]). A batch draws sample after sample, and each draw's `exp`
    /// waited on the generator's next word: its latency, paid draw by draw, was a fifth of the
    /// peer tree's time. Over a column afterwards the calls overlap. Same function, same
    /// argument: the same numbers.
    #[inline(always)]
    pub(crate) fn sample_exponent(&self, rng: &mut SampleRng) -> f64 {
        match self {
            Sampler::LogNormal(mu, sigma) => mu + sigma * std_normal(rng),
            other => other.sample(rng),
        }
    }

    /// True when [`Sampler::sample_exponent`] leaves the `exp` to the caller.
    pub(crate) fn exp_deferred(&self) -> bool {
        matches!(self, Sampler::LogNormal(..))
    }
}

/// Consecutive draws of one kind, in the order a sample draws them. A batch's draw loop
/// takes each run in a loop of its own: with one kind of draw in the loop, the generator's
/// state stays in registers from draw to draw; with every kind inlined into one loop it was
/// spilled and reloaded around each draw.
#[derive(Debug)]
pub(crate) enum DrawRun<'a> {
    /// `a + b · Z`: normals, and log-normals' exponents (see [`Sampler::sample_exponent`]).
    Gauss(Vec<(f64, f64)>),
    /// Betas drawn from their envelopes.
    Strips(Vec<&'a BetaStrips>),
    /// PERTs drawn from their betas' envelopes: `min + width · Beta`.
    PertStrips(Vec<(f64, f64, &'a BetaStrips)>),
    Other(Vec<&'a Sampler>),
}

impl<'a> DrawRun<'a> {
    /// The runs of a sample's draws.
    pub(crate) fn runs(samplers: impl IntoIterator<Item = &'a Sampler>) -> Vec<DrawRun<'a>> {
        let mut runs: Vec<DrawRun<'a>> = Vec::new();
        for s in samplers {
            match (runs.last_mut(), s) {
                (Some(DrawRun::Gauss(v)), Sampler::Normal(a, b) | Sampler::LogNormal(a, b)) => {
                    v.push((*a, *b));
                }
                (_, Sampler::Normal(a, b) | Sampler::LogNormal(a, b)) => {
                    runs.push(DrawRun::Gauss(vec![(*a, *b)]));
                }
                (Some(DrawRun::Strips(v)), Sampler::BetaStrips(s)) => v.push(s),
                (_, Sampler::BetaStrips(s)) => runs.push(DrawRun::Strips(vec![s])),
                (Some(DrawRun::PertStrips(v)), Sampler::PertStrips(min, width, s)) => {
                    v.push((*min, *width, s));
                }
                (_, Sampler::PertStrips(min, width, s)) => {
                    runs.push(DrawRun::PertStrips(vec![(*min, *width, s)]));
                }
                (Some(DrawRun::Other(v)), other) => v.push(other),
                (_, other) => runs.push(DrawRun::Other(vec![other])),
            }
        }
        runs
    }

    /// Draws the run for sample `j` into the `j`-th place of the next columns, as
    /// [`Sampler::sample_exponent`] draws, to the bit.
    #[inline(always)]
    pub(crate) fn draw<'c>(
        &self,
        columns: &mut impl Iterator<Item = &'c mut [f64]>,
        j: usize,
        rng: &mut SampleRng,
    ) {
        // `zip` asks the run first: the columns are not advanced past its end.
        match self {
            DrawRun::Gauss(v) => {
                for (&(a, b), column) in v.iter().zip(columns) {
                    column[j] = a + b * std_normal(rng);
                }
            }
            DrawRun::Strips(v) => {
                for (s, column) in v.iter().zip(columns) {
                    column[j] = s.sample(rng);
                }
            }
            DrawRun::PertStrips(v) => {
                for (&(min, width, s), column) in v.iter().zip(columns) {
                    column[j] = min + width * s.sample(rng);
                }
            }
            DrawRun::Other(v) => {
                for (s, column) in v.iter().zip(columns) {
                    column[j] = s.sample_exponent(rng);
                }
            }
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
    fn every_sampler_gives_statrs_numbers() {
        use statrs::distribution as sd;
        type Reference = Box<dyn Fn(&mut SampleRng) -> f64>;
        let cases: Vec<(DistKind, Vec<f64>, Reference)> = vec![
            (DistKind::Beta, vec![3.0, 9.0], {
                let d = sd::Beta::new(3.0, 9.0).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::Beta, vec![0.5, 0.3], {
                let d = sd::Beta::new(0.5, 0.3).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::Normal, vec![5.0, 2.0], {
                let d = Normal::new(5.0, 2.0).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::LogNormal, vec![0.3, 0.7], {
                let d = sd::LogNormal::new(0.3, 0.7).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::Uniform, vec![-2.0, 7.5], {
                let d = sd::Uniform::new(-2.0, 7.5).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::Triangular, vec![1.0, 2.5, 9.0], {
                let d = sd::Triangular::new(1.0, 9.0, 2.5).unwrap();
                Box::new(move |r| d.sample(r))
            }),
            (DistKind::Pert, vec![0.0, 3.0, 10.0], {
                // PERT(0, 3, 10) = 0 + 10 · Beta(1 + 4·3/10, 1 + 4·7/10).
                let d = sd::Beta::new(2.2, 3.8).unwrap();
                Box::new(move |r| 10.0 * d.sample(r))
            }),
        ];
        for (kind, args, reference) in cases {
            let ours = Sampler::new(kind, &args).unwrap();
            let (mut a, mut b) = (block_rng(3, 1), block_rng(3, 1));
            // The log-normal's `exp` is scn's own, within a unit in the last place of the
            // system's; everything else is statrs's to the bit.
            let ulps = if kind == DistKind::LogNormal { 1 } else { 0 };
            for _ in 0..10_000 {
                let (x, y) = (ours.sample(&mut a), reference(&mut b));
                let apart = (x.to_bits() as i64 - y.to_bits() as i64).unsigned_abs();
                assert!(apart <= ulps, "{kind:?}{args:?}: {x} vs {y}");
            }
        }
    }

    #[test]
    fn runs_draw_what_the_samplers_draw_to_the_bit() {
        let mut cache = StripCache::new();
        let mut prepared = |kind: DistKind, a: &[f64]| {
            Sampler::prepared(kind, a, &mut cache).expect("valid parameters")
        };
        // Every kind of sampler, in runs of one and of several.
        let samplers = [
            prepared(DistKind::Beta, &[3.0, 7.0]),
            prepared(DistKind::Beta, &[5.0, 5.0]),
            prepared(DistKind::Normal, &[60.0, 20.0]),
            prepared(DistKind::To, &[10.0, 60.0]),
            prepared(DistKind::LogNormal, &[0.0, 0.5]),
            prepared(DistKind::Pert, &[10.0, 20.0, 60.0]),
            prepared(DistKind::Pert, &[0.0, 1.0, 2.0]),
            prepared(DistKind::Beta, &[0.5, 3.0]),
            prepared(DistKind::Uniform, &[2.0, 4.0]),
            prepared(DistKind::Triangular, &[0.0, 3.0, 9.0]),
            prepared(DistKind::Normal, &[5.0, 0.0]),
            prepared(DistKind::Beta, &[2.0, 8.0]),
            prepared(DistKind::Normal, &[35.0, 10.0]),
        ];
        let runs = DrawRun::runs(&samplers);
        let shape: Vec<(&str, usize)> = runs
            .iter()
            .map(|r| match r {
                DrawRun::Gauss(v) => ("gauss", v.len()),
                DrawRun::Strips(v) => ("strips", v.len()),
                DrawRun::PertStrips(v) => ("pert", v.len()),
                DrawRun::Other(v) => ("other", v.len()),
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("strips", 2),
                ("gauss", 3),
                ("pert", 2),
                ("other", 4),
                ("strips", 1),
                ("gauss", 1)
            ]
        );
        let (mut a, mut b) = (block_rng(11, 3), block_rng(11, 3));
        let count = samplers.len();
        let mut columns = vec![0.0; count * 100];
        for j in 0..100 {
            let mut cols = columns.chunks_exact_mut(100);
            for run in &runs {
                run.draw(&mut cols, j, &mut a);
            }
            assert!(cols.next().is_none(), "every column is drawn into");
            for (c, s) in samplers.iter().enumerate() {
                let want = s.sample_exponent(&mut b);
                assert_eq!(columns[c * 100 + j].to_bits(), want.to_bits(), "draw {c}");
            }
        }
    }

    #[test]
    fn constant_betas_and_perts_get_envelopes_and_keep_their_means() {
        let mut cache = StripCache::new();
        let mut mean = |kind: DistKind, a: &[f64]| {
            let s = Sampler::prepared(kind, a, &mut cache).unwrap();
            let strips = matches!(s, Sampler::BetaStrips(_) | Sampler::PertStrips(..));
            let mut rng = block_rng(4, 0);
            let n = 200_000;
            let m = (0..n).map(|_| s.sample(&mut rng)).sum::<f64>() / n as f64;
            (strips, m)
        };
        // Means within five standard errors (sd ≤ 0.15 · width here).
        for (kind, a, strips, want, sd) in [
            (DistKind::Beta, vec![3.0, 7.0], true, 0.3, 0.145),
            (DistKind::Beta, vec![1.0, 1.0], true, 0.5, 0.289),
            (DistKind::Beta, vec![0.5, 3.0], false, 0.5 / 3.5, 0.17),
            (
                DistKind::Pert,
                vec![10.0, 20.0, 60.0],
                true,
                (10.0 + 80.0 + 60.0) / 6.0,
                8.5,
            ),
        ] {
            let (got_strips, m) = mean(kind, &a);
            assert_eq!(got_strips, strips, "{kind:?}{a:?}");
            assert!(
                (m - want).abs() < 5.0 * sd / (200_000f64).sqrt(),
                "{kind:?}{a:?}: {m}"
            );
        }
        // Equal betas share one envelope.
        let a = Sampler::prepared(DistKind::Beta, &[6.0, 4.0], &mut cache).unwrap();
        let b = Sampler::prepared(DistKind::Beta, &[6.0, 4.0], &mut cache).unwrap();
        match (a, b) {
            (Sampler::BetaStrips(x), Sampler::BetaStrips(y)) => assert!(Arc::ptr_eq(&x, &y)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_parameters_panic_the_samplers() {
        let mut rng = block_rng(1, 0);
        // A range too wide for a float, and parameters at the float's limits.
        let wide = Sampler::new(DistKind::Uniform, &[-1e308, 1e308]).unwrap();
        for _ in 0..1000 {
            let v = wide.sample(&mut rng);
            assert!((-1e308..=1e308).contains(&v), "{v}");
        }
        for (kind, a) in [
            (DistKind::Normal, vec![1e308, 1e308]),
            (DistKind::LogNormal, vec![0.0, 40.0]),
            (DistKind::Beta, vec![1e-300, 1e300]),
            (DistKind::Triangular, vec![-1e308, 0.0, 1e308]),
            (DistKind::To, vec![1e-300, 1e300]),
        ] {
            let s = Sampler::new(kind, &a).unwrap();
            for _ in 0..100 {
                let _ = s.sample(&mut rng);
            }
        }
        assert!(Sampler::new(DistKind::Normal, &[f64::NAN, 1.0]).is_err());
        assert!(Sampler::new(DistKind::Uniform, &[0.0, f64::INFINITY]).is_err());
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
