//! Every built-in function in one table.
//!
//! The core distributions, the math functions and the built-in plugins `hazard`, `odds` and
//! `pool` are rows of [`FUNCTIONS`]. Lookup, arity checks, plugin signatures, the compiler's
//! list of names for "did you mean", and the function reference in `docs/` are all read
//! from it, so adding a function is one row (plus, for new arithmetic, one [`Math`] variant,
//! whose `match` the compiler checks).

use crate::dist::DistKind;

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// This many or more.
    AtLeast(usize),
}

impl Arity {
    /// True when `n` arguments fit.
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k && n <= MAX_ARGS,
        }
    }

    /// "2 arguments", "1 or more arguments", for messages.
    pub fn describe(self) -> String {
        match self {
            Arity::Exactly(1) => "1 argument".into(),
            Arity::Exactly(n) => format!("{n} arguments"),
            Arity::AtLeast(n) => format!("{n} to {MAX_ARGS} arguments"),
        }
    }
}

/// The most arguments one call may pass (the count travels in a byte).
pub(crate) const MAX_ARGS: usize = 255;

/// A function's arithmetic, applied to numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Math {
    /// Smallest argument.
    Min,
    /// Largest argument.
    Max,
    /// |x|.
    Abs,
    /// √x.
    Sqrt,
    /// eˣ.
    Exp,
    /// Natural logarithm.
    Ln,
    /// Base-10 logarithm.
    Log10,
    /// x bounded to [lo, hi].
    Clamp,
    /// Nearest integer, half away from zero.
    Round,
    /// Largest integer ≤ x.
    Floor,
    /// Smallest integer ≥ x.
    Ceil,
    /// 1 − exp(−rate × years).
    HazardWithin,
    /// −ln(1 − p) / years.
    HazardRate,
    /// o / (1 + o).
    OddsToP,
    /// p / (1 − p).
    OddsOf,
    /// ln(p / (1 − p)).
    OddsLogit,
    /// 1 / (1 + e^−x).
    OddsExpit,
    /// Arithmetic mean.
    PoolMean,
    /// Median.
    PoolMedian,
    /// Geometric mean of odds.
    PoolGeoOdds,
    /// pᵃ / (pᵃ + (1 − p)ᵃ).
    PoolExtremize,
}

/// What a built-in function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A core distribution: its mean in point evaluation, a draw in Monte Carlo.
    Dist(DistKind),
    /// Arithmetic on numbers, sample by sample on distributions.
    Math(Math),
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct FuncDef {
    /// The plugin it belongs to: `std` for the core, callable without a prefix.
    pub plugin: &'static str,
    /// Its name within the plugin.
    pub name: &'static str,
    /// Parameter names; for a function of any number of arguments, the repeated one.
    pub params: &'static [&'static str],
    /// How many arguments it takes.
    pub arity: Arity,
    /// What it computes.
    pub op: Op,
    /// Its value or meaning, as the reference shows it.
    pub doc: &'static str,
}

impl FuncDef {
    /// `beta`, or `hazard.within`: how a writer calls it.
    pub(crate) fn qualified(&self) -> String {
        if self.plugin == STD {
            self.name.to_owned()
        } else {
            format!("{}.{}", self.plugin, self.name)
        }
    }

    /// `beta(a, b)`, `min(x, …)`: the call as the reference shows it.
    pub(crate) fn signature(&self) -> String {
        let params = match self.arity {
            Arity::Exactly(_) => self.params.join(", "),
            Arity::AtLeast(k) => {
                let mut v: Vec<String> =
                    (1..=k).map(|i| format!("{}{i}", self.params[0])).collect();
                v.push("…".into());
                v.join(", ")
            }
        };
        format!("{}({params})", self.qualified())
    }
}

/// The plugin whose functions need no `plugin` line and no prefix.
pub(crate) const STD: &str = "std";

const fn row(
    plugin: &'static str,
    name: &'static str,
    params: &'static [&'static str],
    arity: Arity,
    op: Op,
    doc: &'static str,
) -> FuncDef {
    FuncDef {
        plugin,
        name,
        params,
        arity,
        op,
        doc,
    }
}

/// Every built-in function.
pub(crate) static FUNCTIONS: &[FuncDef] = &[
    row(
        STD,
        "beta",
        &["a", "b"],
        Arity::Exactly(2),
        Op::Dist(DistKind::Beta),
        "Beta distribution; mean a / (a + b); both parameters above 0",
    ),
    row(
        STD,
        "normal",
        &["mean", "sd"],
        Arity::Exactly(2),
        Op::Dist(DistKind::Normal),
        "Normal distribution; sd of 0 or more",
    ),
    row(
        STD,
        "lognormal",
        &["mu", "sigma"],
        Arity::Exactly(2),
        Op::Dist(DistKind::LogNormal),
        "log-normal distribution with the parameters of the underlying normal; mean exp(mu + sigma² / 2)",
    ),
    row(
        STD,
        "uniform",
        &["lo", "hi"],
        Arity::Exactly(2),
        Op::Dist(DistKind::Uniform),
        "uniform distribution on [lo, hi]; lo ≤ hi",
    ),
    row(
        STD,
        "triangular",
        &["min", "mode", "max"],
        Arity::Exactly(3),
        Op::Dist(DistKind::Triangular),
        "triangular distribution; min ≤ mode ≤ max; mean (min + mode + max) / 3",
    ),
    row(
        STD,
        "pert",
        &["min", "mode", "max"],
        Arity::Exactly(3),
        Op::Dist(DistKind::Pert),
        "Beta-PERT distribution (λ = 4); min ≤ mode ≤ max; mean (min + 4·mode + max) / 6",
    ),
    row(
        STD,
        "min",
        &["x"],
        Arity::AtLeast(2),
        Op::Math(Math::Min),
        "the smallest argument",
    ),
    row(
        STD,
        "max",
        &["x"],
        Arity::AtLeast(2),
        Op::Math(Math::Max),
        "the largest argument",
    ),
    row(
        STD,
        "abs",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Abs),
        "absolute value",
    ),
    row(
        STD,
        "sqrt",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Sqrt),
        "square root; x below 0 is an error",
    ),
    row(
        STD,
        "exp",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Exp),
        "eˣ",
    ),
    row(
        STD,
        "ln",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Ln),
        "natural logarithm; x of 0 or below is an error",
    ),
    row(
        STD,
        "log10",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Log10),
        "base-10 logarithm; x of 0 or below is an error",
    ),
    row(
        STD,
        "clamp",
        &["x", "lo", "hi"],
        Arity::Exactly(3),
        Op::Math(Math::Clamp),
        "min(max(x, lo), hi); lo above hi is an error",
    ),
    row(
        STD,
        "round",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Round),
        "nearest integer, halves away from zero (round(-2.5) = -3)",
    ),
    row(
        STD,
        "floor",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Floor),
        "largest integer at or below x",
    ),
    row(
        STD,
        "ceil",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::Ceil),
        "smallest integer at or above x",
    ),
    row(
        "hazard",
        "within",
        &["rate", "years"],
        Arity::Exactly(2),
        Op::Math(Math::HazardWithin),
        "1 − exp(−rate × years): the probability of at least one event within the window, from a yearly rate",
    ),
    row(
        "hazard",
        "rate",
        &["p", "years"],
        Arity::Exactly(2),
        Op::Math(Math::HazardRate),
        "−ln(1 − p) / years: the yearly rate behind a window probability",
    ),
    row(
        "odds",
        "to_p",
        &["o"],
        Arity::Exactly(1),
        Op::Math(Math::OddsToP),
        "o / (1 + o): the probability of odds o",
    ),
    row(
        "odds",
        "of",
        &["p"],
        Arity::Exactly(1),
        Op::Math(Math::OddsOf),
        "p / (1 − p): the odds of a probability",
    ),
    row(
        "odds",
        "logit",
        &["p"],
        Arity::Exactly(1),
        Op::Math(Math::OddsLogit),
        "ln(p / (1 − p))",
    ),
    row(
        "odds",
        "expit",
        &["x"],
        Arity::Exactly(1),
        Op::Math(Math::OddsExpit),
        "1 / (1 + e^−x)",
    ),
    row(
        "pool",
        "mean",
        &["p"],
        Arity::AtLeast(1),
        Op::Math(Math::PoolMean),
        "arithmetic mean of the probabilities",
    ),
    row(
        "pool",
        "median",
        &["p"],
        Arity::AtLeast(1),
        Op::Math(Math::PoolMedian),
        "median of the probabilities (mean of the middle two for an even count)",
    ),
    row(
        "pool",
        "geo_odds",
        &["p"],
        Arity::AtLeast(1),
        Op::Math(Math::PoolGeoOdds),
        "the probability whose odds are the geometric mean of the odds",
    ),
    row(
        "pool",
        "extremize",
        &["p", "a"],
        Arity::Exactly(2),
        Op::Math(Math::PoolExtremize),
        "pᵃ / (pᵃ + (1 − p)ᵃ): pushes p away from 0.5 for a > 1",
    ),
];

/// A built-in function: a row of [`FUNCTIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Func(u8);

impl Func {
    /// The function `plugin.name` (`std` for the core), if built in.
    pub(crate) fn lookup(plugin: &str, name: &str) -> Option<Func> {
        FUNCTIONS
            .iter()
            .position(|d| d.plugin == plugin && d.name == name)
            .map(|i| Func(i as u8))
    }

    /// Its row.
    pub(crate) fn def(self) -> &'static FuncDef {
        &FUNCTIONS[self.0 as usize]
    }

    /// The functions of one plugin, in table order.
    pub(crate) fn of_plugin(plugin: &str) -> impl Iterator<Item = &'static FuncDef> + '_ {
        FUNCTIONS.iter().filter(move |d| d.plugin == plugin)
    }

    /// The built-in plugins other than `std`, each once, in table order.
    pub(crate) fn plugins() -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for d in FUNCTIONS {
            if d.plugin != STD && !out.contains(&d.plugin) {
                out.push(d.plugin);
            }
        }
        out
    }

    /// True when `name` is a core math function (a `let` may not take its name).
    pub(crate) fn is_std_math(name: &str) -> bool {
        Func::lookup(STD, name).is_some_and(|f| matches!(f.def().op, Op::Math(_)))
    }
}

impl Math {
    /// Its row in the table, for messages.
    pub(crate) fn def(self) -> &'static FuncDef {
        FUNCTIONS
            .iter()
            .find(|d| d.op == Op::Math(self))
            .expect("every Math variant has a row")
    }

    /// Applies the function; out-of-domain arguments are errors in the writer's words.
    pub(crate) fn apply(self, a: &[f64]) -> Result<f64, String> {
        let name = || self.def().qualified();
        let prob = |i: usize, what: &str| -> Result<f64, String> {
            let p = a[i];
            if (0.0..=1.0).contains(&p) {
                Ok(p)
            } else {
                Err(format!("{} needs {what} between 0 and 1, got {p}", name()))
            }
        };
        let non_negative = |i: usize, what: &str| -> Result<f64, String> {
            if a[i] >= 0.0 {
                Ok(a[i])
            } else {
                Err(format!(
                    "{} needs {what} of 0 or more, got {}",
                    name(),
                    a[i]
                ))
            }
        };
        let positive = |what: &str| -> Result<f64, String> {
            if a[0] > 0.0 {
                Ok(a[0])
            } else {
                Err(format!("{} needs {what} above 0, got {}", name(), a[0]))
            }
        };
        match self {
            Math::Min => Ok(a.iter().copied().fold(f64::INFINITY, f64::min)),
            Math::Max => Ok(a.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
            Math::Abs => Ok(a[0].abs()),
            Math::Sqrt => non_negative(0, "a value").map(f64::sqrt),
            Math::Exp => Ok(a[0].exp()),
            Math::Ln => positive("a value").map(f64::ln),
            Math::Log10 => positive("a value").map(f64::log10),
            Math::Clamp => {
                let (x, lo, hi) = (a[0], a[1], a[2]);
                if lo > hi {
                    return Err(format!("clamp needs lo ≤ hi, got lo = {lo} and hi = {hi}"));
                }
                Ok(x.max(lo).min(hi))
            }
            Math::Round => Ok(a[0].round()),
            Math::Floor => Ok(a[0].floor()),
            Math::Ceil => Ok(a[0].ceil()),
            Math::HazardWithin => {
                let rate = non_negative(0, "a rate")?;
                let years = non_negative(1, "a time in years")?;
                Ok(-(-rate * years).exp_m1())
            }
            Math::HazardRate => {
                let p = prob(0, "a probability")?;
                let years = a[1];
                if years <= 0.0 {
                    return Err(format!(
                        "{} needs a time in years above 0, got {years}",
                        name()
                    ));
                }
                if p == 1.0 {
                    return Err(format!("{}: a probability of 1 has no finite rate", name()));
                }
                Ok(-(-p).ln_1p() / years)
            }
            Math::OddsToP => {
                let o = non_negative(0, "odds")?;
                Ok(o / (1.0 + o))
            }
            Math::OddsOf => {
                let p = prob(0, "a probability")?;
                if p == 1.0 {
                    return Err(format!("{}: a probability of 1 has infinite odds", name()));
                }
                Ok(p / (1.0 - p))
            }
            Math::OddsLogit => {
                let p = prob(0, "a probability")?;
                if p == 0.0 || p == 1.0 {
                    return Err(format!(
                        "{} needs a probability strictly between 0 and 1, got {p}",
                        name()
                    ));
                }
                Ok((p / (1.0 - p)).ln())
            }
            Math::OddsExpit => Ok(1.0 / (1.0 + (-a[0]).exp())),
            Math::PoolMean => {
                for i in 0..a.len() {
                    prob(i, "probabilities")?;
                }
                Ok(a.iter().sum::<f64>() / a.len() as f64)
            }
            Math::PoolMedian => {
                for i in 0..a.len() {
                    prob(i, "probabilities")?;
                }
                let mut v = a.to_vec();
                v.sort_by(f64::total_cmp);
                let n = v.len();
                Ok(if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / 2.0
                })
            }
            Math::PoolGeoOdds => {
                for i in 0..a.len() {
                    prob(i, "probabilities")?;
                }
                match (a.contains(&0.0), a.contains(&1.0)) {
                    (true, true) => Err(format!(
                        "{} cannot pool a probability of 0 with one of 1",
                        name()
                    )),
                    (true, false) => Ok(0.0),
                    (false, true) => Ok(1.0),
                    (false, false) => {
                        let mean_log_odds =
                            a.iter().map(|p| (p / (1.0 - p)).ln()).sum::<f64>() / a.len() as f64;
                        Ok(expit(mean_log_odds))
                    }
                }
            }
            Math::PoolExtremize => {
                let p = prob(0, "a probability")?;
                let k = non_negative(1, "an exponent")?;
                Ok(match p {
                    0.0 | 1.0 => p,
                    // In log-odds, so that large exponents saturate at 0 or 1 instead of
                    // dividing 0 by 0: logit(result) = k · logit(p).
                    _ => expit(k * (p.ln() - (-p).ln_1p())),
                })
            }
        }
    }
}

/// 1 / (1 + e^−x), without overflow for large |x|.
fn expit(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The function reference as a Markdown table, one section per plugin: `docs/` holds this
/// text and a test keeps it equal.
pub fn reference_markdown() -> String {
    let mut out = String::new();
    for plugin in std::iter::once(STD).chain(Func::plugins()) {
        if plugin == STD {
            out.push_str("### Core (no `plugin` line needed)\n\n");
        } else {
            out.push_str(&format!(
                "### `{plugin}` (enable with `plugin {plugin}`)\n\n"
            ));
        }
        out.push_str("| call | kind | value |\n|---|---|---|\n");
        for d in Func::of_plugin(plugin) {
            let kind = match d.op {
                Op::Dist(_) => "distribution",
                Op::Math(_) => "function",
            };
            out.push_str(&format!("| `{}` | {kind} | {} |\n", d.signature(), d.doc));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn call(plugin: &str, name: &str, args: &[f64]) -> Result<f64, String> {
        match Func::lookup(plugin, name).expect("a built-in").def().op {
            Op::Math(m) => m.apply(args),
            Op::Dist(_) => panic!("{name} is a distribution"),
        }
    }

    #[test]
    fn every_row_is_unique_and_every_math_variant_has_one_row() {
        for (i, a) in FUNCTIONS.iter().enumerate() {
            for b in &FUNCTIONS[i + 1..] {
                assert!(
                    !(a.plugin == b.plugin && a.name == b.name),
                    "{} twice",
                    a.qualified()
                );
                assert!(
                    a.op != b.op,
                    "{} and {} share an op",
                    a.qualified(),
                    b.qualified()
                );
            }
            if let Arity::Exactly(n) = a.arity {
                assert_eq!(a.params.len(), n, "{}", a.qualified());
            }
        }
        assert!(FUNCTIONS.len() < 256, "Func is a byte");
    }

    #[test]
    fn plugin_values_by_hand() {
        // 1 - e^-1
        assert!(close(
            call("hazard", "within", &[0.5, 2.0]).unwrap(),
            0.632_120_558_828_557_7
        ));
        // -ln(0.5) / 2
        assert!(close(
            call("hazard", "rate", &[0.5, 2.0]).unwrap(),
            0.346_573_590_279_972_6
        ));
        assert!(close(call("odds", "to_p", &[3.0]).unwrap(), 0.75));
        assert!(close(call("odds", "of", &[0.75]).unwrap(), 3.0));
        assert!(close(call("odds", "logit", &[0.75]).unwrap(), 3f64.ln()));
        assert!(close(call("odds", "expit", &[0.0]).unwrap(), 0.5));
        assert!(close(call("pool", "mean", &[0.1, 0.2, 0.6]).unwrap(), 0.3));
        assert!(close(
            call("pool", "median", &[0.6, 0.1, 0.2]).unwrap(),
            0.2
        ));
        assert!(close(
            call("pool", "median", &[0.6, 0.1, 0.2, 0.3]).unwrap(),
            0.25
        ));
        // odds 1/9 and 9: geometric mean 1, so p = 0.5
        assert!(close(call("pool", "geo_odds", &[0.1, 0.9]).unwrap(), 0.5));
        // odds 1 and 4: geometric mean 2, so p = 2/3
        assert!(close(
            call("pool", "geo_odds", &[0.5, 0.8]).unwrap(),
            2.0 / 3.0
        ));
        // 0.75^2 / (0.75^2 + 0.25^2) = 0.5625 / 0.625
        assert!(close(call("pool", "extremize", &[0.75, 2.0]).unwrap(), 0.9));
        // Large exponents saturate rather than divide 0 by 0; 0.5 stays 0.5.
        assert_eq!(call("pool", "extremize", &[0.5, 5000.0]).unwrap(), 0.5);
        assert_eq!(call("pool", "extremize", &[0.75, 5000.0]).unwrap(), 1.0);
        assert_eq!(call("pool", "extremize", &[0.25, 5000.0]).unwrap(), 0.0);
    }

    #[test]
    fn math_values_by_hand() {
        assert_eq!(call(STD, "min", &[3.0, -1.0, 2.0]), Ok(-1.0));
        assert_eq!(call(STD, "max", &[3.0, -1.0, 2.0]), Ok(3.0));
        assert_eq!(call(STD, "abs", &[-4.0]), Ok(4.0));
        assert_eq!(call(STD, "sqrt", &[9.0]), Ok(3.0));
        assert_eq!(call(STD, "exp", &[0.0]), Ok(1.0));
        assert_eq!(call(STD, "ln", &[1.0]), Ok(0.0));
        assert_eq!(call(STD, "log10", &[1000.0]), Ok(3.0));
        assert_eq!(call(STD, "clamp", &[5.0, 0.0, 1.0]), Ok(1.0));
        assert_eq!(call(STD, "clamp", &[-5.0, 0.0, 1.0]), Ok(0.0));
        assert_eq!(call(STD, "round", &[-2.5]), Ok(-3.0));
        assert_eq!(call(STD, "round", &[2.5]), Ok(3.0));
        assert_eq!(call(STD, "floor", &[2.7]), Ok(2.0));
        assert_eq!(call(STD, "ceil", &[-0.5]), Ok(-0.0));
    }

    #[test]
    fn domain_errors() {
        assert!(
            call(STD, "sqrt", &[-1.0])
                .unwrap_err()
                .contains("sqrt needs")
        );
        assert!(call(STD, "ln", &[0.0]).unwrap_err().contains("above 0"));
        assert!(call(STD, "log10", &[-3.0]).is_err());
        assert!(
            call(STD, "clamp", &[1.0, 2.0, 1.0])
                .unwrap_err()
                .contains("lo ≤ hi")
        );
        assert!(
            call("hazard", "within", &[-1.0, 1.0])
                .unwrap_err()
                .contains("rate")
        );
        assert!(call("odds", "of", &[1.0]).is_err());
        assert!(call("odds", "logit", &[0.0]).is_err());
        assert!(
            call("pool", "mean", &[0.5, 1.2])
                .unwrap_err()
                .contains("pool.mean needs probabilities between 0 and 1")
        );
        assert!(call("pool", "geo_odds", &[0.0, 1.0]).is_err());
        assert!(call("hazard", "rate", &[0.5, 0.0]).is_err());
    }

    #[test]
    fn lookups_come_from_the_table() {
        assert_eq!(Func::plugins(), ["hazard", "odds", "pool"]);
        assert!(Func::is_std_math("max"));
        assert!(!Func::is_std_math("beta"));
        assert!(!Func::is_std_math("within"));
        assert_eq!(
            Func::lookup("pool", "extremize").unwrap().def().signature(),
            "pool.extremize(p, a)"
        );
        assert_eq!(
            Func::lookup(STD, "min").unwrap().def().signature(),
            "min(x1, x2, …)"
        );
    }
}
