//! Where the kernel's uncertain numbers come from: a distribution's mean (point evaluation)
//! or a draw (one Monte Carlo sample). The kernel is generic over this, so the same code
//! evaluates the tree both ways.

use crate::dist::DistKind;
use crate::program::ConstDist;

/// The value a distribution takes in one evaluation.
pub(crate) trait Inputs {
    /// The distribution with constant parameters numbered `i` (`Model::const_dists`); NaN
    /// when its parameters are invalid (then [`Inputs::const_dist_error`] says why).
    fn const_dist(&mut self, i: u32) -> f64;
    /// Why constant distribution `i` has no value, if its parameters are invalid.
    fn const_dist_error(&self, i: u32) -> Option<String>;
    /// A distribution whose parameters were computed; `Err` when they are invalid.
    fn dist(&mut self, kind: DistKind, args: &[f64]) -> Result<f64, String>;
}

/// Every distribution stands for its mean.
pub(crate) struct Means {
    /// Each constant distribution's mean, or why its parameters are invalid.
    consts: Vec<Result<f64, String>>,
}

impl Means {
    pub(crate) fn new(consts: &[ConstDist]) -> Means {
        Means {
            consts: consts
                .iter()
                .map(|d| d.kind.check(&d.args).map(|()| d.kind.mean(&d.args)))
                .collect(),
        }
    }
}

impl Inputs for Means {
    fn const_dist(&mut self, i: u32) -> f64 {
        self.consts[i as usize].clone().unwrap_or(f64::NAN)
    }

    fn const_dist_error(&self, i: u32) -> Option<String> {
        self.consts[i as usize].clone().err()
    }

    fn dist(&mut self, kind: DistKind, args: &[f64]) -> Result<f64, String> {
        kind.check(args)?;
        Ok(kind.mean(args))
    }
}
