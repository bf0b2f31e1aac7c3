//! The point evaluation again and again, with some inputs moved: the tree is laid out once
//! and its buffers reused, so each re-evaluation costs one pass over the tree.
//!
//! Unlike [`evaluate_with`](crate::evaluate_with), a run does not check expectations, and
//! a forecast that a moved input makes undefined (a condition of probability 0) is `None`
//! rather than a reason to refuse the whole run.
//!
//! Runs are independent of each other, so [`each`] shares them out over the worker threads
//! when the tree is big enough for a thread to pay: every worker has buffers of its own
//! over the one layout, and the results come back in the order asked, the same whatever the
//! number of workers.

use rayon::prelude::*;

use crate::Evaluation;
use crate::eval::Overrides;
use crate::kernel::inputs::Means;
use crate::kernel::{Choose, Plan, Scratch, Strict};

/// Node evaluations (nodes times runs) below which one thread does all the runs: starting
/// a second costs more than it saves.
const SHARED_FROM: usize = 1 << 20;

/// What one re-evaluation found.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Point {
    /// Each forecast; `None` where undefined.
    pub forecasts: Vec<Option<f64>>,
    /// Each decision's value, in tree order.
    pub decisions: Vec<f64>,
    /// Each decision's best option, as an index among its options.
    pub best: Vec<u32>,
}

/// A model ready to be re-evaluated: the shared layout and one worker's buffers.
pub(crate) struct Probe<'p, 'e> {
    plan: &'p Plan<'e>,
    scratch: Scratch,
    means: Means,
}

/// The layout every probe of an analysis shares.
pub(crate) fn plan(ev: &Evaluation) -> Plan<'_> {
    Plan::new(ev.model(), ev.shape())
}

impl<'p, 'e> Probe<'p, 'e> {
    pub(crate) fn new(ev: &'e Evaluation, plan: &'p Plan<'e>) -> Probe<'p, 'e> {
        Probe {
            plan,
            scratch: plan.scratch(),
            means: Means::new(&ev.model().const_dists),
        }
    }

    /// Evaluates with these overrides. `Err` holds the first problem found, in words: the
    /// moved input made the tree invalid (a probability outside [0, 1], say).
    pub(crate) fn run(&mut self, overrides: &Overrides) -> Result<Point, String> {
        let mut faults = Strict::default();
        let s = &mut self.scratch;
        if self
            .plan
            .run_with(&mut self.means, &mut faults, Choose::RollBack, overrides, s)
            .is_err()
        {
            return Err(faults.diags.first().map_or_else(
                || "the tree cannot be evaluated".to_owned(),
                |d| d.message.clone(),
            ));
        }
        self.plan
            .forecasts(&mut self.means, s, false, |_, _| f64::NAN);
        Ok(Point {
            forecasts: s
                .forecasts
                .iter()
                .map(|&v| (!v.is_nan()).then_some(v))
                .collect(),
            decisions: self
                .plan
                .decision_nodes()
                .iter()
                .map(|&d| s.value[d as usize])
                .collect(),
            best: s.best.clone(),
        })
    }
}

/// `run` on every item, each with a probe; `runs_per_item` re-evaluations each, which
/// decides whether the work is worth sharing out over the worker threads. The probes share
/// `plan`, the layout of `ev`'s own tree, or a new one.
pub(crate) fn each<T: Sync, R: Send>(
    ev: &Evaluation,
    plan: Option<&Plan<'_>>,
    items: &[T],
    runs_per_item: usize,
    run: impl Fn(&mut Probe<'_, '_>, &T) -> R + Sync,
) -> Vec<R> {
    let work = ev.model().nodes.len() * items.len() * runs_per_item;
    let workers = if work >= SHARED_FROM {
        rayon::current_num_threads()
    } else {
        1
    };
    let laid_out;
    let plan = match plan {
        Some(plan) => plan,
        None => {
            laid_out = self::plan(ev);
            &laid_out
        }
    };
    each_on(ev, plan, items, workers, run)
}

/// [`each`] on `workers` workers: the items in contiguous shares, one probe per share.
fn each_on<T: Sync, R: Send>(
    ev: &Evaluation,
    plan: &Plan<'_>,
    items: &[T],
    workers: usize,
    run: impl Fn(&mut Probe<'_, '_>, &T) -> R + Sync,
) -> Vec<R> {
    let share = |part: &[T]| {
        let mut probe = Probe::new(ev, plan);
        part.iter().map(|t| run(&mut probe, t)).collect::<Vec<R>>()
    };
    if workers <= 1 || items.len() <= 1 {
        return share(items);
    }
    let per_worker = items.len().div_ceil(workers);
    let parts: Vec<Vec<R>> = items.par_chunks(per_worker).map(share).collect();
    parts.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::{Target, inputs};

    fn evaluated(src: &str) -> Evaluation {
        let loaded = crate::load("t.scn", src.to_owned(), Path::new("."), None);
        let model = crate::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
        crate::evaluate(model).unwrap_or_else(|d| panic!("{d:?}"))
    }

    #[test]
    fn shares_over_workers_give_the_runs_of_one_probe_in_order() {
        let ev = evaluated(
            r#"scenario s {
              let gain = 100
              let q = beta(2, 3)
              metric m = 0
              forecast ev = E(m)
              forecast pw = P(win)
              branch win p = 0.4 {
                m += gain
                branch big p = q { m += 50 }
                branch small p = rest
              }
              branch lose p = rest { m -= 10 }
            }"#,
        );
        let set = inputs::tornado_inputs(&ev, 1e9);
        let names: Vec<&str> = set.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["gain", "q", "win"]);
        // Every input at several values, one of them (win at 1.5) a tree that cannot be
        // evaluated: each run's answer differs, so a share put back out of place shows.
        let items: Vec<(usize, f64)> = [(0, 50.0), (1, 0.1), (2, 1.5), (0, 150.0), (1, 0.9)]
            .into_iter()
            .chain((0..7).map(|k| (2, f64::from(k) / 10.0)))
            .collect();
        let run = |probe: &mut Probe<'_, '_>, &(i, v): &(usize, f64)| {
            probe.run(&set.inputs[i].at(&ev, v))
        };
        let plan = plan(&ev);
        let alone = each_on(&ev, &plan, &items, 1, run);
        assert!(alone[2].is_err(), "win at 1.5: {:?}", alone[2]);
        let ev_of = |k: usize| alone[k].as_ref().expect("defined").forecasts[0].expect("defined");
        // E(m) = 0.4 · (100 + 50 q) − 0.6 · 10, with q's mean 0.4 where it is not moved.
        assert!((ev_of(0) - (0.4 * (50.0 + 20.0) - 6.0)).abs() < 1e-9);
        assert!((ev_of(1) - (0.4 * (100.0 + 5.0) - 6.0)).abs() < 1e-9);
        for workers in [2, 3, 12, 40] {
            assert_eq!(
                each_on(&ev, &plan, &items, workers, run),
                alone,
                "{workers} workers"
            );
        }
    }

    #[test]
    fn the_point_evaluations_layout_serves_the_tornado_as_a_new_one_does() {
        let src = r#"scenario s {
              let gain = 100
              let q = beta(2, 3)
              metric m = 0
              objective maximize m
              forecast ev = E(m)
              forecast pw = P(win)
              observe not small
              branch win p = 0.4 {
                m += gain
                branch big p = q { m += 50 }
                branch small p = rest
              }
              branch lose p = rest {
                option stay { m -= 10 }
                option go { m -= 5 }
              }
            }"#;
        let loaded = crate::load("t.scn", src.to_owned(), Path::new("."), None);
        let model = crate::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
        let targets = [Target::Forecast(0), Target::Forecast(1)];
        let (ev, prepared) = crate::evaluate_then(model, |p| {
            let set = inputs::tornado_inputs(p.evaluation(), 1e9);
            (
                set.clone(),
                crate::analysis::one_way_prepared(p, &set.inputs, &targets),
            )
        })
        .unwrap_or_else(|d| panic!("{d:?}"));
        let (set, prepared) = prepared;
        let fresh = crate::analysis::one_way(&ev, &set.inputs, &targets);
        assert_eq!(prepared, fresh);
        // Given not small: E(m) = (0.4 q (100 + 50) − 0.6 · 5) / (0.4 q + 0.6), here with
        // `gain` at its mean and q at its mean 0.4: (0.16 · 150 − 3) / 0.76.
        let base = prepared.tornadoes[0].base.expect("defined");
        assert!((base - (0.16 * 150.0 - 3.0) / 0.76).abs() < 1e-9, "{base}");
        assert!(!prepared.tornadoes[0].bars.is_empty());
    }
}
