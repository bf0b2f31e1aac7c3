//! `P(…)` and `E(…)` over leaf probabilities.
//!
//! Which leaves a query sums over never changes, so a [`QueryPlan`] holds their sets once;
//! each evaluation (the point one, or one Monte Carlo sample) then only adds up weights.

use std::collections::HashMap;
use std::sync::Arc;

use scn_dsl::Diagnostic;

use super::leaves::{LeafSet, LeafSets, too_many_ranges};
use crate::model::{Model, Query};

/// The leaves each query of a model sums over.
#[derive(Clone, Debug)]
pub(crate) struct QueryPlan {
    items: Vec<Planned>,
    /// How many metrics each leaf keeps ([`Kept`]): the stride of `leaf_metrics`.
    kept: usize,
}

/// The metrics whose value at every leaf an evaluation keeps: those `E(…)` reads and the
/// objective. Others are found from the effects when asked for, so memory grows with leaves
/// × these, not leaves × every metric.
#[derive(Clone, Debug, Default)]
pub(crate) struct Kept {
    /// The kept metrics, in order.
    pub metrics: Vec<u32>,
    /// For each metric, its place among the kept ones (`u32::MAX` if not kept).
    pub slot: Vec<u32>,
}

impl Kept {
    pub(crate) fn new(model: &Model) -> Kept {
        let mut slot = vec![u32::MAX; model.metrics.len()];
        let mut metrics = Vec::new();
        let read = model.queries.iter().filter_map(|q| match *q {
            Query::Expect { metric, .. } => Some(metric),
            Query::Prob { .. } => None,
        });
        for m in read.chain(model.objective.map(|(_, m)| m)) {
            if slot[m as usize] == u32::MAX {
                slot[m as usize] = metrics.len() as u32;
                metrics.push(m);
            }
        }
        Kept { metrics, slot }
    }
}

#[derive(Clone, Debug)]
enum Planned {
    /// P(e) or P(e | g): leaves of e∧g over leaves of g.
    Prob {
        num: Arc<LeafSet>,
        den: Option<Arc<LeafSet>>,
    },
    /// E(m) or E(m | g).
    Expect {
        metric: usize,
        over: Option<Arc<LeafSet>>,
    },
}

/// A query's value as numerator over denominator: `den` is the probability of the condition
/// (1 for an unconditional query), so the value is `num / den` when `den > 0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ratio {
    pub num: f64,
    pub den: f64,
}

/// A probability's numerator held to its denominator: the leaves of `e ∧ g` are among those
/// of `g`, but summed apart in floating point they can come out an ulp above them, and under
/// evidence the posterior weights of every leaf sum to 1 only up to rounding; unheld,
/// `P(#t)` given `observe #t` read 1.0000000000000027.
#[inline(always)]
fn within(num: f64, den: f64) -> f64 {
    num.min(den)
}

/// Calls `f` with the leaves four at a time, in order, then with the last one to three. A
/// batch's sums over leaves go four leaves a pass over the running sums, so those are read
/// and written a quarter as often; each sample still adds its terms one at a time in
/// ascending order (`a + x0 + x1 + x2 + x3` is `((a + x0) + x1) + …`), so every sum has the
/// bits of one leaf a pass.
fn in_fours(leaves: impl Iterator<Item = usize>, mut f: impl FnMut(&[usize])) {
    let mut pending = [0; 4];
    let mut k = 0;
    for o in leaves {
        pending[k] = o;
        k += 1;
        if k == 4 {
            f(&pending);
            k = 0;
        }
    }
    if k > 0 {
        f(&pending[..k]);
    }
}

impl QueryPlan {
    /// Lists the leaves of every query. Queries share their events' sets, and `P(a | b)`
    /// asked twice shares one intersection; a new intersection counts against the sets'
    /// cap (`Err` at its event when over).
    pub(crate) fn new(
        model: &Model,
        sets: &mut LeafSets,
        kept: &Kept,
    ) -> Result<QueryPlan, Diagnostic> {
        let mut both: HashMap<(u32, u32), Arc<LeafSet>> = HashMap::new();
        let mut items = Vec::with_capacity(model.queries.len());
        for q in &model.queries {
            items.push(match *q {
                Query::Prob { event, given: None } => Planned::Prob {
                    num: sets.shared(event),
                    den: None,
                },
                Query::Prob {
                    event,
                    given: Some(g),
                } => {
                    let key = (sets.alike(event), sets.alike(g));
                    let num = match both.get(&key) {
                        Some(set) => Arc::clone(set),
                        None => {
                            let set = sets.all_of(&[event, g]);
                            sets.count(&set).map_err(|max| {
                                too_many_ranges(model, event as usize, max, set.ranges().len())
                            })?;
                            let set = Arc::new(set);
                            both.insert(key, Arc::clone(&set));
                            set
                        }
                    };
                    Planned::Prob {
                        num,
                        den: Some(sets.shared(g)),
                    }
                }
                Query::Expect { metric, given } => Planned::Expect {
                    metric: kept.slot[metric as usize] as usize,
                    over: given.map(|g| sets.shared(g)),
                },
            });
        }
        Ok(QueryPlan {
            items,
            kept: kept.metrics.len(),
        })
    }

    /// True when query `i` has a condition (`P(a | b)`, `E(m | b)`).
    pub(crate) fn is_conditional(&self, i: u32) -> bool {
        match &self.items[i as usize] {
            Planned::Prob { den, .. } => den.is_some(),
            Planned::Expect { over, .. } => over.is_some(),
        }
    }

    /// Query `i` under leaf weights `leaf_prob` and the kept metrics' leaf values
    /// `leaf_metrics` (`[ordinal * kept + slot]`), as a ratio; sums run over leaves in
    /// ascending order.
    #[inline]
    pub(crate) fn ratio(&self, i: u32, leaf_prob: &[f64], leaf_metrics: &[f64]) -> Ratio {
        let m = self.kept;
        self.ratio_by(
            i,
            leaf_prob.len(),
            |o| leaf_prob[o],
            |o, slot| leaf_metrics[o * m + slot],
        )
    }

    /// [`QueryPlan::ratio`] over `leaves` leaves whose weights and kept metrics are read
    /// through `prob(ordinal)` and `metric(ordinal, slot)`, wherever they are stored.
    #[inline(always)]
    pub(crate) fn ratio_by(
        &self,
        i: u32,
        leaves: usize,
        prob: impl Fn(usize) -> f64,
        metric: impl Fn(usize, usize) -> f64,
    ) -> Ratio {
        match &self.items[i as usize] {
            Planned::Prob { num, den } => {
                let den = den.as_ref().map_or(1.0, |d| d.sum(&prob));
                Ratio {
                    num: within(num.sum(&prob), den),
                    den,
                }
            }
            Planned::Expect { metric: slot, over } => {
                let term = |o: usize| prob(o) * metric(o, *slot);
                match over {
                    None => {
                        let mut acc = 0.0;
                        for o in 0..leaves {
                            acc += term(o);
                        }
                        Ratio { num: acc, den: 1.0 }
                    }
                    Some(g) => Ratio {
                        num: g.sum(term),
                        den: g.sum(&prob),
                    },
                }
            }
        }
    }

    /// [`QueryPlan::ratio`] for a batch of samples laid out in columns of `width`: leaf `o`'s
    /// weight in sample `j` is `prob[o * width + j]`, its kept metric `slot` is
    /// `metrics[(o * kept + slot) * width + j]`. Writes the first `n` samples' numerators and
    /// denominators; each sample's sums run over the leaves in ascending order, as
    /// [`QueryPlan::ratio`]'s do, so the numbers are the same.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn ratio_columns(
        &self,
        i: u32,
        prob: &[f64],
        metrics: &[f64],
        width: usize,
        n: usize,
        num: &mut [f64],
        den: &mut [f64],
    ) {
        let m = self.kept;
        let (num, den) = (&mut num[..n], &mut den[..n]);
        num.fill(0.0);
        let add = |acc: &mut [f64], set: &LeafSet| {
            let prob = |o: usize| &prob[o * width..o * width + n];
            in_fours(set.iter().map(|o| o as usize), |leaves| match *leaves {
                [o0, o1, o2, o3] => {
                    let [p0, p1, p2, p3] = [o0, o1, o2, o3].map(prob);
                    let terms = p0.iter().zip(p1).zip(p2).zip(p3);
                    for (a, (((&x0, &x1), &x2), &x3)) in acc.iter_mut().zip(terms) {
                        *a = *a + x0 + x1 + x2 + x3;
                    }
                }
                _ => {
                    for &o in leaves {
                        for (a, &x) in acc.iter_mut().zip(prob(o)) {
                            *a += x;
                        }
                    }
                }
            });
        };
        let weighted = |acc: &mut [f64], leaves: &mut dyn Iterator<Item = usize>, slot: usize| {
            let term = |o: usize| {
                let at = (o * m + slot) * width;
                (&prob[o * width..o * width + n], &metrics[at..at + n])
            };
            in_fours(leaves, |leaves| match *leaves {
                [o0, o1, o2, o3] => {
                    let [(p0, v0), (p1, v1), (p2, v2), (p3, v3)] = [o0, o1, o2, o3].map(term);
                    let terms = (p0.iter().zip(v0))
                        .zip(p1.iter().zip(v1))
                        .zip(p2.iter().zip(v2))
                        .zip(p3.iter().zip(v3));
                    for (a, ((((&p0, &v0), (&p1, &v1)), (&p2, &v2)), (&p3, &v3))) in
                        acc.iter_mut().zip(terms)
                    {
                        *a = *a + p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3;
                    }
                }
                _ => {
                    for &o in leaves {
                        let (p, v) = term(o);
                        for ((a, &p), &v) in acc.iter_mut().zip(p).zip(v) {
                            *a += p * v;
                        }
                    }
                }
            });
        };
        match &self.items[i as usize] {
            Planned::Prob {
                num: set,
                den: given,
            } => {
                add(num, set);
                match given {
                    Some(g) => {
                        den.fill(0.0);
                        add(den, g);
                    }
                    None => den.fill(1.0),
                }
                for (a, &d) in num.iter_mut().zip(den.iter()) {
                    *a = within(*a, d);
                }
            }
            Planned::Expect { metric: slot, over } => match over {
                None => {
                    weighted(num, &mut (0..prob.len() / width), *slot);
                    den.fill(1.0);
                }
                Some(g) => {
                    weighted(num, &mut g.iter().map(|o| o as usize), *slot);
                    den.fill(0.0);
                    add(den, g);
                }
            },
        }
    }
}
