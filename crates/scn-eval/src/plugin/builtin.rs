//! The built-in plugins: `std` (core distributions), `hazard`, `odds` and `pool`.

use super::{Direct, Plugin, Signature, Value};
use crate::dist::DistKind;
use crate::functions::{Arity, Func};

/// The core distributions; callable without a `plugin` line.
pub struct StdPlugin;

const STD: [DistKind; 6] = [
    DistKind::Beta,
    DistKind::Normal,
    DistKind::LogNormal,
    DistKind::Uniform,
    DistKind::Triangular,
    DistKind::Pert,
];

impl Plugin for StdPlugin {
    fn name(&self) -> &str {
        "std"
    }

    fn signatures(&self) -> Result<Vec<Signature>, String> {
        Ok(STD
            .iter()
            .map(|k| Signature {
                name: k.name().into(),
                arity: Arity::Exactly(k.arity()),
                doc: format!("{}({})", k.name(), k.params().join(", ")),
            })
            .collect())
    }

    fn call(&self, function: &str, args: &[f64]) -> Result<Value, String> {
        let kind = DistKind::from_name(function)
            .ok_or_else(|| format!("std has no function `{function}`"))?;
        if args.len() != kind.arity() {
            return Err(format!(
                "{function} takes {} arguments, got {}",
                kind.arity(),
                args.len()
            ));
        }
        kind.check(args)?;
        Ok(Value::Dist(kind, args.to_vec()))
    }

    fn direct(&self, function: &str) -> Option<Direct> {
        DistKind::from_name(function).map(Direct::Dist)
    }
}

/// `hazard`, `odds` or `pool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// Probability within a window from a yearly rate, and back.
    Hazard,
    /// Odds and logits.
    Odds,
    /// Pooling several forecasters' probabilities.
    Pool,
}

impl Builtin {
    /// The plugin's name.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Hazard => "hazard",
            Builtin::Odds => "odds",
            Builtin::Pool => "pool",
        }
    }

    fn doc(f: Func) -> &'static str {
        match f {
            Func::HazardWithin => "1 − exp(−rate × years): P(at least one event within the window)",
            Func::HazardRate => "−ln(1 − p) / years: the yearly rate behind a window probability",
            Func::OddsToP => "o / (1 + o)",
            Func::OddsOf => "p / (1 − p)",
            Func::OddsLogit => "ln(p / (1 − p))",
            Func::OddsExpit => "1 / (1 + e^−x)",
            Func::PoolMean => "arithmetic mean of the probabilities",
            Func::PoolMedian => "median (mean of the middle two for an even count)",
            Func::PoolGeoOdds => "the probability whose odds are the geometric mean of the odds",
            Func::PoolExtremize => "pᵃ / (pᵃ + (1 − p)ᵃ)",
        }
    }
}

impl Plugin for Builtin {
    fn name(&self) -> &str {
        Builtin::name(*self)
    }

    fn signatures(&self) -> Result<Vec<Signature>, String> {
        Ok(Func::names_in(Builtin::name(*self))
            .iter()
            .filter_map(|n| Func::lookup(Builtin::name(*self), n))
            .map(|f| Signature {
                name: f.name().split('.').nth(1).unwrap_or_default().into(),
                arity: f.arity(),
                doc: Builtin::doc(f).into(),
            })
            .collect())
    }

    fn call(&self, function: &str, args: &[f64]) -> Result<Value, String> {
        let f = Func::lookup(Builtin::name(*self), function).ok_or_else(|| {
            format!(
                "the plugin `{}` has no function `{function}`",
                Builtin::name(*self)
            )
        })?;
        let ok = match f.arity() {
            Arity::Exactly(n) => args.len() == n,
            Arity::OneOrMore => !args.is_empty(),
        };
        if !ok {
            return Err(format!("{} got {} arguments", f.name(), args.len()));
        }
        f.call(args).map(Value::Number)
    }

    fn direct(&self, function: &str) -> Option<Direct> {
        Func::lookup(Builtin::name(*self), function).map(Direct::Func)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_answer_through_the_trait() {
        assert_eq!(Builtin::Odds.call("to_p", &[3.0]), Ok(Value::Number(0.75)));
        assert_eq!(
            StdPlugin.call("beta", &[2.0, 3.0]),
            Ok(Value::Dist(DistKind::Beta, vec![2.0, 3.0]))
        );
        assert!(StdPlugin.call("beta", &[0.0, 3.0]).is_err());
        assert!(Builtin::Pool.call("mean", &[]).is_err());
        let names: Vec<String> = Builtin::Pool
            .signatures()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["mean", "median", "geo_odds", "extremize"]);
    }
}
