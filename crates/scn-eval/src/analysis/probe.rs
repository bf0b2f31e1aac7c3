//! The point evaluation again and again, with some inputs moved: the tree is laid out once
//! and its buffers reused, so each re-evaluation costs one pass over the tree.
//!
//! Unlike [`evaluate_with`](crate::evaluate_with), a run does not check expectations, and
//! a forecast that a moved input makes undefined (a condition of probability 0) is `None`
//! rather than a reason to refuse the whole run.

use crate::Evaluation;
use crate::eval::Overrides;
use crate::kernel::inputs::Means;
use crate::kernel::{Choose, Plan, Scratch, Strict};

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

/// A model ready to be re-evaluated.
pub(crate) struct Probe<'e> {
    plan: Plan<'e>,
    scratch: Scratch,
    means: Means,
}

impl<'e> Probe<'e> {
    pub(crate) fn new(ev: &'e Evaluation) -> Probe<'e> {
        let plan = Plan::new(ev.model(), ev.shape());
        let scratch = plan.scratch();
        Probe {
            plan,
            scratch,
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
