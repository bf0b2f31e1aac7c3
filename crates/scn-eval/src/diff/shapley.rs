//! Sharing a forecast's change among the changed inputs: Shapley values over the new tree.
//!
//! The game: for a set `S` of inputs, `v(S)` is the forecast of the new tree with the
//! inputs in `S` at their new values and the others at their old ones. `v(∅)` (every input
//! old) minus the old forecast is the structure term; `v(all)` is the new forecast. Input
//! `i`'s share is its marginal effect `v(S ∪ {i}) − v(S)` averaged over every order in which
//! the inputs could have been changed, so the shares add up to `v(all) − v(∅)`.
//!
//! Up to [`EXACT_UP_TO`] inputs every subset is evaluated (`2^k` runs), when that fits a work
//! budget. Beyond, random orders are drawn with a fixed seed, each walked forwards and backwards (antithetic
//! pairs), and the marginal effects averaged: every walk adds up to `v(all) − v(∅)` exactly,
//! so the estimate does too. One [`Plan`] serves every run.

use super::{Folded, Input, InputKind};
use crate::eval::{Evaluation, Overrides};
use crate::kernel::inputs::Means;
use crate::kernel::{Choose, Plan, Scratch, Strict};
use crate::model::NodeId;

/// Exact Shapley values up to this many inputs (`2^12 = 4096` evaluations).
pub const EXACT_UP_TO: usize = 12;

/// At most this many random orders (in antithetic pairs) for more inputs.
pub const MAX_PERMUTATIONS: u32 = 256;

/// The work the shares may take by default, in units of one node, let, effect or forecast
/// evaluated once (some tens of nanoseconds each): a few seconds whatever the file. Exact
/// shares of twelve inputs of the Ukraine scenario take under 1e6.
pub const WORK_BUDGET: f64 = 1e8;

/// At most this many shares (inputs × forecasts) are kept and reported; beyond, the inputs'
/// share of each forecast is one term, so that memory and reports stay in proportion.
pub const MAX_SHARES: usize = 100_000;

/// How the inputs' shares were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// No input to share among: the whole change is structure.
    None,
    /// Every subset of the inputs evaluated.
    Exact {
        /// Runs of the new tree.
        evaluations: u64,
    },
    /// An estimate from random orders of the inputs.
    Sampled {
        /// How many orders (half of them the other half reversed).
        permutations: u32,
        /// Runs of the new tree.
        evaluations: u64,
        /// The seed of the orders.
        seed: u64,
    },
    /// Too many inputs for even two orders within the work budget, or for [`MAX_SHARES`]:
    /// the inputs' share is one term.
    Combined {
        /// Runs of the new tree.
        evaluations: u64,
    },
}

/// Where an input goes in the new tree.
#[derive(Clone, Copy, Debug)]
pub(super) enum Target {
    Let(u32),
    Prob(NodeId),
}

/// The shares, per forecast of the new version.
pub(super) struct Shares {
    pub inputs: Vec<Input>,
    pub folded: Vec<Folded>,
    pub method: Method,
    /// `v(∅)` per forecast.
    pub base: Vec<f64>,
    /// Per input, its share of each forecast.
    pub phi: Vec<Vec<f64>>,
    /// With [`Method::Combined`], `v(all) − v(∅)` per forecast.
    pub combined: Option<Vec<f64>>,
}

/// Runs of the new tree with some inputs put back to their old values.
struct Runner<'m> {
    plan: Plan<'m>,
    scratch: Scratch,
    means: Means,
    overrides: Overrides,
    evaluations: u64,
}

impl Runner<'_> {
    /// The forecasts with input `i` at its old value wherever `at_old(i)`; `Err` with the
    /// first problem when that tree cannot be evaluated.
    fn run(&mut self, inputs: &[Input], at_old: impl Fn(usize) -> bool) -> Result<&[f64], String> {
        self.overrides.lets.clear();
        self.overrides.probs.clear();
        for (i, input) in inputs.iter().enumerate() {
            if at_old(i) {
                for &(target, old) in &input.targets {
                    match target {
                        Target::Let(l) => self.overrides.lets.push((l, old)),
                        Target::Prob(n) => self.overrides.probs.push((n, old)),
                    }
                }
            }
        }
        self.evaluations += 1;
        let mut faults = Strict::default();
        let s = &mut self.scratch;
        if self
            .plan
            .run_with(
                &mut self.means,
                &mut faults,
                Choose::RollBack,
                &self.overrides,
                s,
            )
            .is_err()
        {
            return Err(faults
                .diags
                .first()
                .map_or_else(|| "it cannot be evaluated".into(), |d| d.message.clone()));
        }
        let mut problem = None;
        self.plan.forecasts(&mut self.means, s, false, |_, e| {
            problem.get_or_insert_with(|| e.message().to_owned());
            0.0
        });
        match problem {
            Some(p) => Err(p),
            None => Ok(&self.scratch.forecasts),
        }
    }
}

/// Shares each forecast's change among `inputs` over the new tree of `new`.
pub(super) fn attribute(new: &Evaluation, inputs: Vec<Input>, seed: u64, budget: f64) -> Shares {
    let model = new.model();
    let mut runner = Runner {
        plan: Plan::new(model, new.shape()),
        scratch: Scratch::default(),
        means: Means::new(&model.const_dists),
        overrides: Overrides::default(),
        evaluations: 0,
    };
    runner.scratch = runner.plan.scratch();
    let top: Vec<f64> = new
        .forecasts()
        .map(|f| f.value.unwrap_or(f64::NAN))
        .collect();
    let (mut inputs, mut folded) = (inputs, Vec::new());
    let unit =
        (model.nodes.len() + model.lets.len() + model.forecasts.len() + model.effects.len() + 1)
            as f64;

    let exact_fits =
        |k: usize| k <= EXACT_UP_TO && ((1u64 << k) + k as u64) as f64 * unit <= budget;
    // An input whose old value alone breaks the new tree cannot be shared fairly: fold it
    // into the structure. (Skipped when the inputs are too many to look at one by one.)
    if pairs_within_budget(inputs.len(), unit, budget) > 0 || exact_fits(inputs.len()) {
        let mut keep = Vec::with_capacity(inputs.len());
        for input in std::mem::take(&mut inputs) {
            let alone = std::slice::from_ref(&input);
            match runner.run(alone, |_| true) {
                Ok(_) => keep.push(input),
                Err(why) => folded.push(Folded {
                    reason: format!("its old value cannot be used in the new tree: {why}"),
                    input,
                }),
            }
        }
        inputs = keep;
        join_siblings(&mut runner, &mut inputs, &mut folded);
    }

    let k = inputs.len();
    let pairs = pairs_within_budget(k, unit, budget);
    let shares_fit = k * top.len() <= MAX_SHARES;
    let outcome = if k == 0 {
        Ok((top.clone(), Vec::new(), None, Method::None))
    } else if exact_fits(k) && shares_fit {
        exact(&mut runner, &inputs, &top)
    } else if pairs > 0 && shares_fit {
        sampled(&mut runner, &inputs, &top, pairs, seed)
    } else {
        combined(&mut runner, &inputs, &top)
    };
    match outcome {
        Ok((base, phi, combined, method)) => Shares {
            inputs,
            folded,
            method,
            base,
            phi,
            combined,
        },
        // Each old value fits the new tree, but not all of them together.
        Err(why) => {
            folded.extend(inputs.into_iter().map(|input| Folded {
                reason: format!(
                    "the old values of the changed inputs together cannot be used in the new \
                     tree: {why}"
                ),
                input,
            }));
            Shares {
                inputs: Vec::new(),
                folded,
                method: Method::None,
                base: top,
                phi: Vec::new(),
                combined: None,
            }
        }
    }
}

/// Siblings' probabilities that do not fit the new tree one by one may fit together: a set
/// without `rest` rebalanced (0.3 and 0.7 edited to 0.4 and 0.6) cannot have one old value
/// back without the other. Such a set becomes one input, tried as a whole, so that the
/// commonest probability edit is attributed rather than counted as structure.
fn join_siblings(runner: &mut Runner<'_>, inputs: &mut Vec<Input>, folded: &mut Vec<Folded>) {
    let parent_of = |f: &Folded| match (f.input.kind, &f.input.targets[..]) {
        (InputKind::Probability, [(Target::Prob(n), _)]) => {
            Some(runner.plan.model.nodes[*n as usize].parent)
        }
        _ => None,
    };
    let mut parents: Vec<NodeId> = folded.iter().filter_map(parent_of).collect();
    parents.sort_unstable();
    parents.dedup();
    for parent in parents {
        let (members, rest): (Vec<Folded>, Vec<Folded>) = std::mem::take(folded)
            .into_iter()
            .partition(|f| parent_of(f) == Some(parent));
        *folded = rest;
        if members.len() < 2 {
            folded.extend(members);
            continue;
        }
        let list = |text: &dyn Fn(&Input) -> &str| {
            members
                .iter()
                .map(|f| text(&f.input))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let joint = Input {
            name: list(&|i| &i.name),
            kind: InputKind::Probabilities,
            old: f64::NAN,
            new: f64::NAN,
            old_text: list(&|i| &i.old_text),
            new_text: list(&|i| &i.new_text),
            targets: members
                .iter()
                .flat_map(|f| f.input.targets.iter().copied())
                .collect(),
        };
        match runner.run(std::slice::from_ref(&joint), |_| true) {
            Ok(_) => inputs.push(joint),
            Err(_) => folded.extend(members),
        }
    }
}

type Outcome = Result<(Vec<f64>, Vec<Vec<f64>>, Option<Vec<f64>>, Method), String>;

/// How many antithetic pairs of orders fit the work budget for `k` inputs (0: not even one).
fn pairs_within_budget(k: usize, unit: f64, budget: f64) -> u32 {
    // Each order runs the tree k − 1 times (the empty and the full set are shared).
    let per_pair = 2.0 * (k.saturating_sub(1).max(1) as f64) * unit;
    ((budget / per_pair).floor() as u64).min(u64::from(MAX_PERMUTATIONS / 2)) as u32
}

/// Every subset. With `d(S) = v(S) − v(all)` (centred, so that rounding follows the size of
/// the changes rather than of the forecasts), input `i`'s share is
/// `Σ_{S ∋ i} w(|S| − 1) d(S) − Σ_{S ∌ i} w(|S|) d(S)`, `w(s) = s! (k − s − 1)! / k!`.
fn exact(runner: &mut Runner<'_>, inputs: &[Input], top: &[f64]) -> Outcome {
    let k = inputs.len();
    let nf = top.len();
    // w(s) = 1 / (k · C(k − 1, s)).
    let mut w = Vec::with_capacity(k);
    let mut binom = 1.0;
    for s in 0..k {
        w.push(1.0 / (k as f64 * binom));
        binom = binom * (k - 1 - s) as f64 / (s + 1) as f64;
    }
    let mut phi = vec![vec![0.0; nf]; k];
    let mut base = top.to_vec();
    let full = (1u32 << k) - 1;
    // The full set is the new version itself: d = 0, nothing to add.
    for mask in 0..full {
        let v = runner.run(inputs, |i| mask & (1 << i) == 0)?;
        if mask == 0 {
            base.copy_from_slice(v);
        }
        let s = mask.count_ones() as usize;
        for (i, phi) in phi.iter_mut().enumerate() {
            let (sign, weight) = if mask & (1 << i) != 0 {
                (1.0, w[s - 1])
            } else {
                (-1.0, w[s])
            };
            for f in 0..nf {
                phi[f] += sign * weight * (v[f] - top[f]);
            }
        }
    }
    let method = Method::Exact {
        evaluations: runner.evaluations,
    };
    Ok((base, phi, None, method))
}

/// Random orders, each walked forwards and backwards from all-old to all-new.
fn sampled(
    runner: &mut Runner<'_>,
    inputs: &[Input],
    top: &[f64],
    pairs: u32,
    seed: u64,
) -> Outcome {
    use rand::RngExt;

    let k = inputs.len();
    let nf = top.len();
    let base = runner.run(inputs, |_| true)?.to_vec();
    let mut phi = vec![vec![0.0; nf]; k];
    let mut rng = orders_rng(seed);
    let mut order: Vec<usize> = (0..k).collect();
    let mut is_new = vec![false; k];
    let mut prev = vec![0.0; nf];
    for _ in 0..pairs {
        // Fisher–Yates with a multiply-shift index: the orders depend on the generator's
        // output only, not on how a library maps it to a range.
        for i in (1..k).rev() {
            let j = ((u128::from(rng.random::<u64>()) * (i as u128 + 1)) >> 64) as usize;
            order.swap(i, j);
        }
        for backwards in [false, true] {
            is_new.fill(false);
            prev.copy_from_slice(&base);
            for t in 0..k {
                let input = if backwards {
                    order[k - 1 - t]
                } else {
                    order[t]
                };
                is_new[input] = true;
                let cur: &[f64] = if t + 1 == k {
                    top
                } else {
                    runner.run(inputs, |i| !is_new[i])?
                };
                for f in 0..nf {
                    phi[input][f] += cur[f] - prev[f];
                }
                prev.copy_from_slice(cur);
            }
        }
    }
    let permutations = 2 * pairs;
    for row in &mut phi {
        for x in row.iter_mut() {
            *x /= f64::from(permutations);
        }
    }
    let method = Method::Sampled {
        permutations,
        evaluations: runner.evaluations,
        seed,
    };
    Ok((base, phi, None, method))
}

/// The generator of the orders: PCG-64 MCG (named, so that the orders survive upgrades of
/// rand), its state spread from the seed by SplitMix64 and apart from Monte Carlo's.
fn orders_rng(seed: u64) -> rand_pcg::Pcg64Mcg {
    fn splitmix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let hi = splitmix(seed ^ 0x5348_4150_4C45_5953);
    let lo = splitmix(hi);
    rand_pcg::Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo) | 1)
}

/// One term for all the inputs.
fn combined(runner: &mut Runner<'_>, inputs: &[Input], top: &[f64]) -> Outcome {
    let base = runner.run(inputs, |_| true)?.to_vec();
    let shares = top.iter().zip(&base).map(|(t, b)| t - b).collect();
    let method = Method::Combined {
        evaluations: runner.evaluations,
    };
    Ok((base, Vec::new(), Some(shares), method))
}
