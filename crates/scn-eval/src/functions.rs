//! The built-in plugins `hazard`, `odds` and `pool` (docs/plugins.md).
//!
//! Each function takes numbers and returns a number; out-of-domain arguments are errors
//! with the writer's words, never NaN.

/// A built-in plugin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// `hazard.within(rate_per_year, years)` = 1 − exp(−rate × years).
    HazardWithin,
    /// `hazard.rate(p, years)` = −ln(1 − p) / years.
    HazardRate,
    /// `odds.to_p(o)` = o / (1 + o).
    OddsToP,
    /// `odds.of(p)` = p / (1 − p).
    OddsOf,
    /// `odds.logit(p)` = ln(p / (1 − p)).
    OddsLogit,
    /// `odds.expit(x)` = 1 / (1 + e^−x).
    OddsExpit,
    /// `pool.mean(p1, …)`.
    PoolMean,
    /// `pool.median(p1, …)`: the mean of the middle two for an even count.
    PoolMedian,
    /// `pool.geo_odds(p1, …)`: the probability whose odds are the geometric mean of the odds.
    PoolGeoOdds,
    /// `pool.extremize(p, a)` = pᵃ / (pᵃ + (1 − p)ᵃ).
    PoolExtremize,
}

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many.
    Exactly(usize),
    /// At least one.
    OneOrMore,
}

/// The plugins built into scn, and whether a name is one.
pub const BUILTIN_PLUGINS: &[&str] = &["hazard", "odds", "pool"];

impl Func {
    /// The function `plugin.name`, if built in.
    pub fn lookup(plugin: &str, name: &str) -> Option<Func> {
        Some(match (plugin, name) {
            ("hazard", "within") => Func::HazardWithin,
            ("hazard", "rate") => Func::HazardRate,
            ("odds", "to_p") => Func::OddsToP,
            ("odds", "of") => Func::OddsOf,
            ("odds", "logit") => Func::OddsLogit,
            ("odds", "expit") => Func::OddsExpit,
            ("pool", "mean") => Func::PoolMean,
            ("pool", "median") => Func::PoolMedian,
            ("pool", "geo_odds") => Func::PoolGeoOdds,
            ("pool", "extremize") => Func::PoolExtremize,
            _ => return None,
        })
    }

    /// The functions of a built-in plugin, for "unknown function" help.
    pub fn names_in(plugin: &str) -> &'static [&'static str] {
        match plugin {
            "hazard" => &["within", "rate"],
            "odds" => &["to_p", "of", "logit", "expit"],
            "pool" => &["mean", "median", "geo_odds", "extremize"],
            _ => &[],
        }
    }

    /// How many arguments it takes.
    pub fn arity(self) -> Arity {
        match self {
            Func::HazardWithin | Func::HazardRate | Func::PoolExtremize => Arity::Exactly(2),
            Func::OddsToP | Func::OddsOf | Func::OddsLogit | Func::OddsExpit => Arity::Exactly(1),
            Func::PoolMean | Func::PoolMedian | Func::PoolGeoOdds => Arity::OneOrMore,
        }
    }

    /// The qualified name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Func::HazardWithin => "hazard.within",
            Func::HazardRate => "hazard.rate",
            Func::OddsToP => "odds.to_p",
            Func::OddsOf => "odds.of",
            Func::OddsLogit => "odds.logit",
            Func::OddsExpit => "odds.expit",
            Func::PoolMean => "pool.mean",
            Func::PoolMedian => "pool.median",
            Func::PoolGeoOdds => "pool.geo_odds",
            Func::PoolExtremize => "pool.extremize",
        }
    }

    /// Applies the function.
    pub fn call(self, a: &[f64]) -> Result<f64, String> {
        let name = self.name();
        let prob = |i: usize, what: &str| -> Result<f64, String> {
            let p = a[i];
            if (0.0..=1.0).contains(&p) {
                Ok(p)
            } else {
                Err(format!("{name} needs {what} between 0 and 1, got {p}"))
            }
        };
        let non_negative = |i: usize, what: &str| -> Result<f64, String> {
            if a[i] >= 0.0 {
                Ok(a[i])
            } else {
                Err(format!("{name} needs {what} of 0 or more, got {}", a[i]))
            }
        };
        match self {
            Func::HazardWithin => {
                let rate = non_negative(0, "a rate")?;
                let years = non_negative(1, "a time in years")?;
                Ok(1.0 - (-rate * years).exp())
            }
            Func::HazardRate => {
                let p = prob(0, "a probability")?;
                let years = a[1];
                if years <= 0.0 {
                    return Err(format!("{name} needs a time in years above 0, got {years}"));
                }
                if p == 1.0 {
                    return Err(format!("{name}: a probability of 1 has no finite rate"));
                }
                Ok(-(1.0 - p).ln() / years)
            }
            Func::OddsToP => {
                let o = non_negative(0, "odds")?;
                Ok(o / (1.0 + o))
            }
            Func::OddsOf => {
                let p = prob(0, "a probability")?;
                if p == 1.0 {
                    return Err(format!("{name}: a probability of 1 has infinite odds"));
                }
                Ok(p / (1.0 - p))
            }
            Func::OddsLogit => {
                let p = prob(0, "a probability")?;
                if p == 0.0 || p == 1.0 {
                    return Err(format!(
                        "{name} needs a probability strictly between 0 and 1, got {p}"
                    ));
                }
                Ok((p / (1.0 - p)).ln())
            }
            Func::OddsExpit => Ok(1.0 / (1.0 + (-a[0]).exp())),
            Func::PoolMean => {
                for i in 0..a.len() {
                    prob(i, "probabilities")?;
                }
                Ok(a.iter().sum::<f64>() / a.len() as f64)
            }
            Func::PoolMedian => {
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
            Func::PoolGeoOdds => {
                for i in 0..a.len() {
                    prob(i, "probabilities")?;
                }
                let (zeros, ones) = (a.contains(&0.0), a.contains(&1.0));
                match (zeros, ones) {
                    (true, true) => Err(format!(
                        "{name} cannot pool a probability of 0 with one of 1"
                    )),
                    (true, false) => Ok(0.0),
                    (false, true) => Ok(1.0),
                    (false, false) => {
                        let mean_log_odds =
                            a.iter().map(|p| (p / (1.0 - p)).ln()).sum::<f64>() / a.len() as f64;
                        let odds = mean_log_odds.exp();
                        Ok(odds / (1.0 + odds))
                    }
                }
            }
            Func::PoolExtremize => {
                let p = prob(0, "a probability")?;
                let k = non_negative(1, "an exponent")?;
                let (x, y) = (p.powf(k), (1.0 - p).powf(k));
                Ok(x / (x + y))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn values_by_hand() {
        // 1 - e^-1
        assert!(close(
            Func::HazardWithin.call(&[0.5, 2.0]).unwrap(),
            0.632_120_558_828_557_7
        ));
        // -ln(0.5) / 2
        assert!(close(
            Func::HazardRate.call(&[0.5, 2.0]).unwrap(),
            0.346_573_590_279_972_6
        ));
        assert!(close(Func::OddsToP.call(&[3.0]).unwrap(), 0.75));
        assert!(close(Func::OddsOf.call(&[0.75]).unwrap(), 3.0));
        assert!(close(Func::OddsLogit.call(&[0.75]).unwrap(), 3f64.ln()));
        assert!(close(Func::OddsExpit.call(&[0.0]).unwrap(), 0.5));
        assert!(close(Func::PoolMean.call(&[0.1, 0.2, 0.6]).unwrap(), 0.3));
        assert!(close(Func::PoolMedian.call(&[0.6, 0.1, 0.2]).unwrap(), 0.2));
        assert!(close(
            Func::PoolMedian.call(&[0.6, 0.1, 0.2, 0.3]).unwrap(),
            0.25
        ));
        // odds 1/9 and 9: geometric mean 1, so p = 0.5
        assert!(close(Func::PoolGeoOdds.call(&[0.1, 0.9]).unwrap(), 0.5));
        // odds 1 and 4: geometric mean 2, so p = 2/3
        assert!(close(
            Func::PoolGeoOdds.call(&[0.5, 0.8]).unwrap(),
            2.0 / 3.0
        ));
        // 0.75^2 / (0.75^2 + 0.25^2) = 0.5625 / 0.625
        assert!(close(Func::PoolExtremize.call(&[0.75, 2.0]).unwrap(), 0.9));
    }

    #[test]
    fn domain_errors() {
        assert!(
            Func::HazardWithin
                .call(&[-1.0, 1.0])
                .unwrap_err()
                .contains("rate")
        );
        assert!(Func::OddsOf.call(&[1.0]).is_err());
        assert!(Func::OddsLogit.call(&[0.0]).is_err());
        assert!(
            Func::PoolMean
                .call(&[0.5, 1.2])
                .unwrap_err()
                .contains("between 0 and 1")
        );
        assert!(Func::PoolGeoOdds.call(&[0.0, 1.0]).is_err());
        assert!(Func::HazardRate.call(&[0.5, 0.0]).is_err());
    }
}
