//! What a report needs to describe a model in a reader's terms, read from the compiled
//! programs without evaluating anything: the shape of each let (a constant, one distribution
//! with constant parameters, or an expression), the shape of each forecast (a probability, an
//! expectation of one metric, or arithmetic), and a distribution's exact percentiles.

use scn_dsl::{FileId, Span};

use crate::dist::DistKind;
use crate::model::{EventKind, EventRef, Model, Query};
use crate::program::{Instr, Program};

/// What a let is, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum LetShape {
    /// A number.
    Constant(f64),
    /// One distribution whose parameters are constants, such as `beta(3, 9)` or `10 to 20`.
    Distribution(Distribution),
    /// Anything else: arithmetic, functions, other lets.
    Expression {
        /// True when a draw feeds it, directly or through another let, so that Monte Carlo
        /// gives it a spread.
        uncertain: bool,
    },
}

/// A distribution with constant parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    /// The family.
    pub kind: DistKind,
    /// Its parameters as written (for `lo to hi`, the two bounds).
    pub params: Vec<f64>,
}

impl Distribution {
    /// The mean, which stands for the distribution in the point evaluation.
    pub fn mean(&self) -> f64 {
        self.kind.mean(&self.params)
    }

    /// The `q`-quantile (`0 < q < 1`), exact up to floating point; NaN when the parameters
    /// admit none. A zero-width distribution is its one value.
    pub fn quantile(&self, q: f64) -> f64 {
        crate::quantile::quantile(self.kind, &self.params, q).unwrap_or(f64::NAN)
    }
}

/// What a forecast computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForecastShape {
    /// Exactly one `P(…)` query, with no arithmetic around it: a probability.
    Probability,
    /// Exactly one `E(metric)` query, with no arithmetic around it: a value of the metric, in
    /// its unit.
    Expectation {
        /// The metric.
        metric: u32,
    },
    /// Arithmetic on queries, lets or other forecasts.
    Other,
}

impl Model {
    /// The shape of every let, in model order.
    pub fn let_shapes(&self) -> Vec<LetShape> {
        let mut shapes: Vec<LetShape> = Vec::with_capacity(self.lets.len());
        for def in &self.lets {
            let shape = match &*def.program.code {
                [Instr::Const(v)] => LetShape::Constant(*v),
                [Instr::ConstDist(i)] => {
                    let d = &self.const_dists[*i as usize];
                    LetShape::Distribution(Distribution {
                        kind: d.kind,
                        params: d.args.clone(),
                    })
                }
                code => LetShape::Expression {
                    uncertain: code.iter().any(|instr| match instr {
                        Instr::Dist(..) | Instr::ConstDist(_) => true,
                        // A let reads only the lets above it, whose shapes are known.
                        Instr::Let(j) | Instr::BinLet(_, j) => {
                            shapes.get(*j as usize).is_some_and(|s| match s {
                                LetShape::Constant(_) => false,
                                LetShape::Distribution(_) => true,
                                LetShape::Expression { uncertain } => *uncertain,
                            })
                        }
                        _ => false,
                    }),
                },
            };
            shapes.push(shape);
        }
        shapes
    }

    /// Where let `i`'s value is written: its file and the span of its expression.
    pub fn let_source(&self, i: usize) -> (FileId, Span) {
        let p = &self.lets[i].program;
        (p.file, p.span)
    }

    /// What forecast `i` computes.
    pub fn forecast_shape(&self, i: usize) -> ForecastShape {
        match &*self.forecasts[i].program.code {
            [Instr::Query(q)] => match self.queries[*q as usize] {
                Query::Prob { .. } => ForecastShape::Probability,
                Query::Expect { metric, .. } => ForecastShape::Expectation { metric },
            },
            _ => ForecastShape::Other,
        }
    }

    /// The tags forecast `i` asks about, in the order its events name them, each once:
    /// through its own queries, those of the forecasts it reads, and their conditions.
    pub fn forecast_tags(&self, i: usize) -> Vec<u32> {
        let mut tags = Vec::new();
        let mut programs: Vec<&Program> = vec![&self.forecasts[i].program];
        let mut seen_forecasts = vec![false; self.forecasts.len()];
        seen_forecasts[i] = true;
        while let Some(p) = programs.pop() {
            for instr in &p.code {
                match *instr {
                    Instr::Query(q) => {
                        let (event, given) = match self.queries[q as usize] {
                            Query::Prob { event, given } => (Some(event), given),
                            Query::Expect { given, .. } => (None, given),
                        };
                        for e in event.into_iter().chain(given) {
                            self.event_tags(e, &mut tags);
                        }
                    }
                    Instr::Forecast(f) if !seen_forecasts[f as usize] => {
                        seen_forecasts[f as usize] = true;
                        programs.push(&self.forecasts[f as usize].program);
                    }
                    _ => {}
                }
            }
        }
        tags
    }

    /// Adds the tags an event names to `tags`, each once, left to right.
    fn event_tags(&self, event: EventRef, tags: &mut Vec<u32>) {
        // An explicit stack: events nest as deep as the writer's parentheses.
        let mut stack = vec![event];
        while let Some(e) = stack.pop() {
            match self.events[e as usize].kind {
                EventKind::Tag(t) | EventKind::TagBy(t, _) => {
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
                EventKind::Node(_) | EventKind::NodeBy(..) => {}
                EventKind::Not(a) => stack.push(a),
                // Right first, so that the left operand is read first.
                EventKind::And(a, b) | EventKind::Or(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn percentiles_by_hand() {
        let d = |kind, params: &[f64]| Distribution {
            kind,
            params: params.to_vec(),
        };
        // beta(3, 9): its distribution function is a binomial tail, I_x(3, 9) = P(Bin(11, x)
        // >= 3) = 1 - Σ_{k<3} C(11, k) x^k (1-x)^(11-k), so each percentile can be checked
        // without statrs. They are 0.0788 and 0.470.
        let b = d(DistKind::Beta, &[3.0, 9.0]);
        let cdf = |x: f64| {
            let below: f64 = [1.0, 11.0, 55.0]
                .iter()
                .enumerate()
                .map(|(k, c)| c * x.powi(k as i32) * (1.0 - x).powi(11 - k as i32))
                .sum();
            1.0 - below
        };
        for q in [0.05, 0.95] {
            assert!(close(cdf(b.quantile(q)), q, 1e-9), "{q}: {}", b.quantile(q));
        }
        assert!(
            close(b.quantile(0.05), 0.0788, 5e-5),
            "{}",
            b.quantile(0.05)
        );
        assert!(
            close(b.quantile(0.95), 0.4701, 5e-5),
            "{}",
            b.quantile(0.95)
        );
        // normal(10, 2): 10 ∓ 1.644854 · 2.
        let n = d(DistKind::Normal, &[10.0, 2.0]);
        assert!(close(n.quantile(0.05), 10.0 - 3.289707, 1e-6));
        // uniform(2, 4): 2 + 0.05 · 2.
        assert!(close(
            d(DistKind::Uniform, &[2.0, 4.0]).quantile(0.05),
            2.1,
            1e-12
        ));
        // triangular(0, 3, 9): below the mode, q = x² / (9 · 3), so x = √(0.05 · 27).
        let t = d(DistKind::Triangular, &[0.0, 3.0, 9.0]);
        assert!(close(t.quantile(0.05), (0.05f64 * 27.0).sqrt(), 1e-9));
        // `lo to hi` is built so that its 5th and 95th percentiles are lo and hi.
        for (lo, hi) in [(10.0, 1000.0), (-10.0, 30.0)] {
            let to = d(DistKind::To, &[lo, hi]);
            assert!(close(to.quantile(0.05), lo, 1e-6 * hi), "{lo} to {hi}");
            assert!(close(to.quantile(0.95), hi, 1e-6 * hi), "{lo} to {hi}");
        }
        // pert(0, 5, 10) is symmetric: a Beta(3, 3) on [0, 10], median 5.
        let p = d(DistKind::Pert, &[0.0, 5.0, 10.0]);
        assert!(close(p.quantile(0.5), 5.0, 1e-9));
        assert!(close(p.quantile(0.05) + p.quantile(0.95), 10.0, 1e-9));
        // Zero width: the one value.
        assert_eq!(d(DistKind::Uniform, &[3.0, 3.0]).quantile(0.05), 3.0);
        assert_eq!(d(DistKind::Normal, &[3.0, 0.0]).quantile(0.95), 3.0);
    }
}
