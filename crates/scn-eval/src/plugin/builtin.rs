//! The built-in plugins: `std` (the core distributions and math functions) and every other
//! plugin of the function table (`hazard`, `odds`, `pool`).

use super::{Plugin, Signature, Value};
use crate::functions::{FuncDef, Op};

/// A plugin whose functions are rows of [`crate::functions::FUNCTIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Builtin {
    name: &'static str,
}

impl Builtin {
    /// The built-in plugin of this name (`std`, `hazard`, …).
    pub(crate) fn new(name: &'static str) -> Builtin {
        Builtin { name }
    }

    fn find(&self, function: &str) -> Result<&'static FuncDef, String> {
        crate::functions::Func::lookup(self.name, function)
            .map(crate::functions::Func::def)
            .ok_or_else(|| format!("the plugin `{}` has no function `{function}`", self.name))
    }
}

impl Plugin for Builtin {
    fn name(&self) -> &str {
        self.name
    }

    fn signatures(&self) -> Result<Vec<Signature>, String> {
        Ok(crate::functions::Func::of_plugin(self.name)
            .map(|d| Signature {
                name: d.name.into(),
                arity: d.arity,
                doc: d.doc.into(),
            })
            .collect())
    }

    fn call(&self, function: &str, args: &[f64]) -> Result<Value, String> {
        let def = self.find(function)?;
        if !def.arity.accepts(args.len()) {
            return Err(format!(
                "{} takes {}, got {}",
                def.qualified(),
                def.arity.describe(),
                args.len()
            ));
        }
        match def.op {
            Op::Dist(kind) => {
                kind.check(args)?;
                Ok(Value::Dist(kind, args.to_vec()))
            }
            Op::Math(m) => m.apply(args).map(Value::Number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::DistKind;

    #[test]
    fn builtins_answer_through_the_trait() {
        let odds = Builtin::new("odds");
        let std = Builtin::new("std");
        assert_eq!(odds.call("to_p", &[3.0]), Ok(Value::Number(0.75)));
        assert_eq!(
            std.call("beta", &[2.0, 3.0]),
            Ok(Value::Dist(DistKind::Beta, vec![2.0, 3.0]))
        );
        assert_eq!(std.call("max", &[2.0, 3.0]), Ok(Value::Number(3.0)));
        assert!(std.call("beta", &[0.0, 3.0]).is_err());
        assert!(Builtin::new("pool").call("mean", &[]).is_err());
        let names: Vec<String> = Builtin::new("pool")
            .signatures()
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["mean", "median", "geo_odds", "extremize"]);
    }
}
