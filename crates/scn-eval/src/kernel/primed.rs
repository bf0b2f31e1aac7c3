//! The walk of a Monte Carlo sample once the run is primed, without the path's metric state.
//!
//! The general walk keeps the metrics of the path being walked in one vector and undoes each
//! effect on leaving its subtree, because an effect's program may read the metrics above it.
//! Most trees never do that (`aid = 150 to 400`, `cost += 3`): then where each effect's old
//! value and each leaf's metrics come from is fixed by the tree's shape alone — the nearest
//! effect on the same metric above, or the metric's initial value. This module works those
//! sources out once per plan, so that a sample only draws the effects in plan order (the
//! general walk's order, so the generator is read the same), combines each with its source,
//! and multiplies out the path probabilities that can change. The numbers are the general
//! walk's, bit for bit; `tests` compare the two on every scenario of the library.

use super::inputs::Inputs;
use super::{Abort, Plan, Scratch, Val, apply, sampled};
use crate::model::Model;
use crate::program::Instr;

/// What a primed sample's walk reads, worked out once per plan.
#[derive(Clone, Debug)]
pub(super) struct PrimedWalk {
    /// The nodes whose path probability can change between samples, in pre-order, each
    /// with its parent.
    pub(super) paths: Vec<(u32, u32)>,
    /// For each effect, where the metric's value before it is (see [`read`]).
    pub(super) before: Vec<u32>,
    /// For each leaf (by ordinal), where each kept metric's value at the leaf is, `kept`
    /// entries a leaf.
    pub(super) at_leaf: Vec<u32>,
}

/// A source below the number of metrics is that metric's initial value; one at or above it
/// is the value after effect `source - metrics`.
#[inline(always)]
pub(super) fn read(source: u32, init: &[f64], effect_values: &[f64]) -> f64 {
    let k = init.len();
    let s = source as usize;
    if s < k { init[s] } else { effect_values[s - k] }
}

impl PrimedWalk {
    /// The primed walk of `plan`, or `None` when an effect reads a metric (the general walk
    /// then does every sample).
    pub(super) fn new(plan: &Plan<'_>, model: &Model) -> Option<PrimedWalk> {
        let reads_metric = plan.effects.iter().any(|e| match e.slot.val {
            Val::Metric(_) => true,
            Val::Prog => e
                .slot
                .prog
                .code
                .iter()
                .any(|i| matches!(i, Instr::Metric(_))),
            Val::Const(_) | Val::Let(_) | Val::ConstDist(_) | Val::Chain => false,
        });
        if reads_metric {
            return None;
        }
        let (before, at_leaf) = sources(plan, model.metrics.len() as u32, &plan.shape.kept.metrics);
        let paths = plan.varying_paths();
        Some(PrimedWalk {
            paths,
            before,
            at_leaf,
        })
    }
}

/// Where each effect's old value and each leaf's value of each of `metrics` are, as
/// [`read`] takes them: `(before, at_leaf)`, `at_leaf` holding `metrics.len()` entries a
/// leaf. Worked out as the general walk keeps its state: the nearest effect above wins.
pub(super) fn sources(plan: &Plan<'_>, k: u32, metrics: &[u32]) -> (Vec<u32>, Vec<u32>) {
    sources_with(plan, k, metrics, |_, _| {})
}

/// [`sources`], also showing `at_effect` where every metric is just before each effect.
pub(super) fn sources_with(
    plan: &Plan<'_>,
    k: u32,
    metrics: &[u32],
    mut at_effect: impl FnMut(u32, &[u32]),
) -> (Vec<u32>, Vec<u32>) {
    let mut current: Vec<u32> = (0..k).collect();
    // (metric, source it replaced), as the general walk's undo list.
    let mut undo: Vec<(u32, u32)> = Vec::new();
    let mut before = vec![0; plan.effects.len()];
    let mut at_leaf = vec![0; plan.shape.sets.leaves.len() * metrics.len()];
    for w in &plan.walk {
        while undo.len() > w.above as usize {
            if let Some((m, old)) = undo.pop() {
                current[m as usize] = old;
            }
        }
        for e in w.effects.0..w.effects.1 {
            at_effect(e, &current);
            let m = plan.effects[e as usize].metric;
            before[e as usize] = current[m as usize];
            undo.push((m, current[m as usize]));
            current[m as usize] = k + e;
        }
        if w.leaf != u32::MAX {
            let at = w.leaf as usize * metrics.len();
            for (j, &m) in metrics.iter().enumerate() {
                at_leaf[at + j] = current[m as usize];
            }
        }
    }
    (before, at_leaf)
}

impl Plan<'_> {
    /// The paths and metrics of a primed lenient run, as [`Plan::paths_and_metrics`] computes
    /// them: the written probabilities of this sample are in `cond`, everything that never
    /// changes is in place from the first run.
    pub(super) fn walk_primed<I: Inputs>(
        &self,
        walk: &PrimedWalk,
        inputs: &mut I,
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        let Scratch {
            init,
            path,
            cond,
            effect_values,
            lets,
            stack,
            leaf_prior,
            leaf_metrics,
            ..
        } = s;
        let (path, cond) = (&mut path[..], &cond[..]);
        for &(i, parent) in &walk.paths {
            path[i as usize] = path[parent as usize] * cond[i as usize];
        }
        let (init, effect_values) = (&init[..], &mut effect_values[..]);
        for (e, (eff, &before)) in self.effects.iter().zip(&walk.before).enumerate() {
            // No effect reads a metric here, so the program needs none.
            let v = sampled(&eff.slot, inputs, lets, &[], stack);
            if !v.is_finite() {
                return Err(Abort);
            }
            let new = apply(eff.op, read(before, init, effect_values), v);
            if !new.is_finite() {
                return Err(Abort);
            }
            effect_values[e] = new;
        }
        let nk = self.shape.kept.metrics.len();
        let leaves = &self.shape.sets.leaves;
        let mut total = 0.0;
        for (ord, (&leaf, prior)) in leaves.iter().zip(leaf_prior.iter_mut()).enumerate() {
            let p = path[leaf as usize];
            *prior = p;
            total += p;
            let at = ord * nk;
            for (slot, &source) in leaf_metrics[at..at + nk]
                .iter_mut()
                .zip(&walk.at_leaf[at..at + nk])
            {
                *slot = read(source, init, effect_values);
            }
        }
        s.leaf_total = total;
        Ok(())
    }
}
