//! The core distributions: parameter checks and means. Names and parameters come from the
//! function table ([`crate::functions`]).

use crate::functions::{FUNCTIONS, FuncDef, Op, STD};

/// z such that Φ(z) = 0.95: `lo to hi` puts 5% of the mass below `lo` and 5% above `hi`.
pub(crate) const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DistKind {
    /// `beta(a, b)`.
    Beta,
    /// `normal(mean, sd)`.
    Normal,
    /// `lognormal(mu, sigma)`, parameters of the underlying normal.
    LogNormal,
    /// `uniform(lo, hi)`.
    Uniform,
    /// `triangular(min, mode, max)`.
    Triangular,
    /// `pert(min, mode, max)`, Beta-PERT with λ = 4.
    Pert,
    /// `lo to hi`: a 90% interval, lognormal if 0 < lo < hi, else normal.
    To,
}

impl DistKind {
    /// Its row in the function table; `None` for the `to` operator, which is not a function.
    pub(crate) fn def(self) -> Option<&'static FuncDef> {
        FUNCTIONS.iter().find(|d| d.op == Op::Dist(self))
    }

    /// The core distribution called `name`.
    pub fn from_name(name: &str) -> Option<DistKind> {
        FUNCTIONS.iter().find_map(|d| match d.op {
            Op::Dist(kind) if d.plugin == STD && d.name == name => Some(kind),
            _ => None,
        })
    }

    /// The name as written.
    pub fn name(self) -> &'static str {
        self.def().map_or("to", |d| d.name)
    }

    /// Parameter names, for arity errors.
    pub fn params(self) -> &'static [&'static str] {
        self.def().map_or(&["lo", "hi"], |d| d.params)
    }

    /// How many parameters (a match, not a table search: the interpreter asks per draw).
    pub fn arity(self) -> usize {
        match self {
            DistKind::Beta
            | DistKind::Normal
            | DistKind::LogNormal
            | DistKind::Uniform
            | DistKind::To => 2,
            DistKind::Triangular | DistKind::Pert => 3,
        }
    }

    /// Checks parameters; the message says what is wrong in the writer's terms.
    pub fn check(self, a: &[f64]) -> Result<(), String> {
        let name = self.name();
        match self {
            DistKind::Beta if a[0] <= 0.0 || a[1] <= 0.0 => Err(format!(
                "beta({}, {}) needs both parameters above 0",
                a[0], a[1]
            )),
            DistKind::Normal | DistKind::LogNormal if a[1] < 0.0 => Err(format!(
                "{name}({}, {}) needs a spread of 0 or more",
                a[0], a[1]
            )),
            DistKind::Uniform if a[0] > a[1] => {
                Err(format!("uniform({}, {}) needs lo <= hi", a[0], a[1]))
            }
            DistKind::Triangular | DistKind::Pert if !(a[0] <= a[1] && a[1] <= a[2]) => {
                Err(format!(
                    "{name}({}, {}, {}) needs min <= mode <= max",
                    a[0], a[1], a[2]
                ))
            }
            DistKind::To if a[0] > a[1] => {
                Err(format!("`{} to {}` needs the low end first", a[0], a[1]))
            }
            _ => Ok(()),
        }
    }

    /// The mean, which stands for the distribution in point evaluation.
    pub fn mean(self, a: &[f64]) -> f64 {
        match self {
            DistKind::Beta => a[0] / (a[0] + a[1]),
            DistKind::Normal => a[0],
            DistKind::LogNormal => (a[0] + a[1] * a[1] / 2.0).exp(),
            DistKind::Uniform => (a[0] + a[1]) / 2.0,
            DistKind::Triangular => (a[0] + a[1] + a[2]) / 3.0,
            DistKind::Pert => (a[0] + 4.0 * a[1] + a[2]) / 6.0,
            DistKind::To => match to_params(a[0], a[1]) {
                ToParams::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
                ToParams::Normal { mean, .. } => mean,
            },
        }
    }
}

/// What `lo to hi` stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ToParams {
    /// When 0 < lo < hi.
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Sd of the log.
        sigma: f64,
    },
    /// Otherwise.
    Normal {
        /// The midpoint.
        mean: f64,
        /// Half the width over z₀.₉₅.
        sd: f64,
    },
}

/// The distribution whose 5th and 95th percentiles are `lo` and `hi`.
pub(crate) fn to_params(lo: f64, hi: f64) -> ToParams {
    if 0.0 < lo && lo < hi {
        let (l, h) = (lo.ln(), hi.ln());
        ToParams::LogNormal {
            mu: (l + h) / 2.0,
            sigma: (h - l) / (2.0 * Z95),
        }
    } else {
        ToParams::Normal {
            mean: (lo + hi) / 2.0,
            sd: (hi - lo) / (2.0 * Z95),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_agrees_with_the_function_table() {
        for k in [
            DistKind::Beta,
            DistKind::Normal,
            DistKind::LogNormal,
            DistKind::Uniform,
            DistKind::Triangular,
            DistKind::Pert,
            DistKind::To,
        ] {
            assert_eq!(k.arity(), k.params().len(), "{k:?}");
        }
    }

    #[test]
    fn means_by_hand() {
        assert_eq!(DistKind::Beta.mean(&[3.0, 9.0]), 0.25);
        assert_eq!(DistKind::Pert.mean(&[0.0, 3.0, 6.0]), 3.0);
        assert_eq!(DistKind::Triangular.mean(&[0.0, 3.0, 9.0]), 4.0);
        assert_eq!(DistKind::Uniform.mean(&[2.0, 4.0]), 3.0);
        // 10 to 1000: mu = ln 100, sigma = ln 10 / z = 2.302585 / 1.644854 = 1.399873;
        // mean = 100 · exp(1.399873² / 2) = 100 · exp(0.979822) = 266.40.
        let sigma = 10f64.ln() / Z95;
        let want = 100.0 * (sigma * sigma / 2.0).exp();
        assert!((DistKind::To.mean(&[10.0, 1000.0]) - want).abs() < 1e-9);
        assert!((want - 266.40).abs() < 0.01, "{want}");
        // Across zero it is a normal centred on the midpoint.
        assert_eq!(DistKind::To.mean(&[-10.0, 30.0]), 10.0);
    }
}
