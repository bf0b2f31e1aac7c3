//! What programs read during a point evaluation.

use scn_dsl::Span;

use super::queries::QueryCtx;
use crate::dist::DistKind;
use crate::program::{ConstDist, Env, EvalError};

/// Lets, metrics and forecasts known so far; distributions stand for their means.
pub(crate) struct PointEnv<'a> {
    pub consts: &'a [ConstDist],
    pub lets: &'a [f64],
    pub metrics: &'a [f64],
    pub forecasts: &'a [f64],
    pub queries: Option<&'a QueryCtx<'a>>,
}

impl<'a> PointEnv<'a> {
    /// An environment of lets alone: no metrics, no forecasts, no queries.
    pub fn new(consts: &'a [ConstDist], lets: &'a [f64]) -> Self {
        PointEnv {
            consts,
            lets,
            metrics: &[],
            forecasts: &[],
            queries: None,
        }
    }
}

impl Env for PointEnv<'_> {
    fn let_value(&self, i: u32) -> f64 {
        self.lets[i as usize]
    }

    fn metric(&self, i: u32) -> f64 {
        self.metrics[i as usize]
    }

    fn forecast(&self, i: u32) -> f64 {
        self.forecasts[i as usize]
    }

    fn query(&mut self, i: u32, span: Span) -> Result<f64, EvalError> {
        let q = self
            .queries
            .expect("queries are compiled only where a query context exists");
        q.value(i, span)
    }

    fn dist(
        &mut self,
        kind: DistKind,
        _site: u32,
        args: &[f64],
        span: Span,
    ) -> Result<f64, EvalError> {
        kind.check(args)
            .map_err(|message| EvalError { span, message })?;
        Ok(kind.mean(args))
    }

    fn const_dist(&mut self, i: u32, span: Span) -> Result<f64, EvalError> {
        let d = &self.consts[i as usize];
        self.dist(d.kind, 0, &d.args, span)
    }
}
