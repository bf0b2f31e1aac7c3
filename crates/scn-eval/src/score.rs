//! Scores of resolved forecasts: Brier and log scores of probabilities (and of a 50 %
//! baseline), the time-averaged Brier score over a forecast's history, absolute errors and
//! interval coverage of numbers, and calibration in bins of ten points.
//!
//! Conventions (docs/scoring.md): the Brier score is (p − o)², lower is better, 0 perfect;
//! the log score is ln p if the event happened and ln(1 − p) if not, higher is better, 0
//! perfect, and −∞ for a forecast of exactly 0 or 1 that was wrong (kept as `-inf`, and
//! counted, never clamped).

use scn_dsl::Date;

/// The Brier score of always saying 50 %: (0.5 − o)² whatever happened.
pub const BASELINE_BRIER: f64 = 0.25;

/// The log score of always saying 50 %: ln 0.5.
pub const BASELINE_LOG: f64 = -std::f64::consts::LN_2;

/// Calibration bins: ten, each ten percentage points wide.
pub const BINS: usize = 10;

/// The Brier score of probability `p` for an event that happened (`yes`) or not.
pub fn brier(p: f64, yes: bool) -> f64 {
    let o = if yes { 1.0 } else { 0.0 };
    (p.clamp(0.0, 1.0) - o).powi(2)
}

/// The log score (natural log) of probability `p`: `-inf` when `p` gave the outcome no chance.
pub fn log_score(p: f64, yes: bool) -> f64 {
    let p = p.clamp(0.0, 1.0);
    if yes { p.ln() } else { (1.0 - p).ln() }
}

/// The time-averaged Brier score: over each day from the first version to the day before
/// `close`, the Brier score of the version in force that day, averaged.
///
/// `history` holds each version's day and probability, oldest first; a version takes
/// effect on its day, and of several versions of one day the last is in force. Versions
/// dated on or after `close` do not count. `None` when no version came before `close`.
pub fn time_averaged_brier(history: &[(Date, f64)], close: Date, yes: bool) -> Option<f64> {
    let end = close.day_number();
    let before: Vec<(i64, f64)> = history
        .iter()
        .map(|&(d, p)| (d.day_number(), p))
        .filter(|&(d, _)| d < end)
        .collect();
    let first = before.first()?.0;
    let mut total = 0.0;
    for (i, &(day, p)) in before.iter().enumerate() {
        let until = before.get(i + 1).map_or(end, |&(next, _)| next);
        // A version replaced the same day is never in force at a day's end: zero days.
        total += brier(p, yes) * (until - day) as f64;
    }
    Some(total / (end - first) as f64)
}

/// The bin of a probability: `k` holds [k/10, (k+1)/10), the last also 1. A probability
/// computed a hair under a boundary (0.3 as 0.29999999999999993) goes to the bin above, as
/// the value written would.
pub fn bin_of(p: f64) -> usize {
    ((p.clamp(0.0, 1.0) * BINS as f64 + 1e-9).floor() as usize).min(BINS - 1)
}

/// One calibration bin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bin {
    /// Its lower bound (included).
    pub lo: f64,
    /// Its upper bound (excluded, but for the last bin).
    pub hi: f64,
    /// How many forecasts fell in it.
    pub n: usize,
    /// Their mean probability; `None` when empty.
    pub forecast: Option<f64>,
    /// The share of them whose event happened; `None` when empty.
    pub observed: Option<f64>,
}

/// The calibration table of probability forecasts and their outcomes: all ten bins, empty
/// ones included.
pub fn calibration(points: &[(f64, bool)]) -> Vec<Bin> {
    let mut sums = [(0usize, 0.0f64, 0usize); BINS];
    for &(p, yes) in points {
        let b = &mut sums[bin_of(p)];
        b.0 += 1;
        b.1 += p;
        b.2 += usize::from(yes);
    }
    sums.iter()
        .enumerate()
        .map(|(k, &(n, total, hits))| Bin {
            lo: k as f64 / BINS as f64,
            hi: (k + 1) as f64 / BINS as f64,
            n,
            forecast: (n > 0).then(|| total / n as f64),
            observed: (n > 0).then(|| hits as f64 / n as f64),
        })
        .collect()
}

/// The scores of one resolved forecast.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Score {
    /// A probability, resolved yes or no.
    Probability {
        /// The probability scored.
        p: f64,
        /// Whether the event happened.
        yes: bool,
        /// (p − o)².
        brier: f64,
        /// ln p or ln(1 − p); `-inf` when the outcome was given no chance.
        log: f64,
        /// The time-averaged Brier score, when the forecast's history was read.
        time_brier: Option<f64>,
    },
    /// A number, resolved by its true value.
    Number {
        /// The value scored.
        value: f64,
        /// The true value.
        outcome: f64,
        /// |value − outcome|.
        abs_error: f64,
        /// Whether the outcome fell in the sampled 90 % interval [p05, p95], when sampled.
        covered: Option<bool>,
    },
}

impl Score {
    /// Scores a probability.
    pub fn probability(p: f64, yes: bool, time_brier: Option<f64>) -> Score {
        Score::Probability {
            p,
            yes,
            brier: brier(p, yes),
            log: log_score(p, yes),
            time_brier,
        }
    }

    /// Scores a number, with its sampled 90 % interval when there is one.
    pub fn number(value: f64, outcome: f64, interval: Option<(f64, f64)>) -> Score {
        Score::Number {
            value,
            outcome,
            abs_error: (value - outcome).abs(),
            covered: interval.map(|(lo, hi)| lo <= outcome && outcome <= hi),
        }
    }
}

/// Means and counts over a set of scores.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreSummary {
    /// Probability forecasts scored.
    pub n: usize,
    /// Their mean Brier score; `None` when there are none.
    pub brier: Option<f64>,
    /// Their mean log score (`-inf` as soon as one is); `None` when there are none.
    pub log: Option<f64>,
    /// How many log scores are `-inf`.
    pub log_infinite: usize,
    /// The mean time-averaged Brier score of those that have one.
    pub time_brier: Option<f64>,
    /// How many have one.
    pub time_n: usize,
    /// Number forecasts scored.
    pub numbers: usize,
    /// Of the numbers with a sampled interval: how many, and how many intervals held the outcome.
    pub coverage: (usize, usize),
    /// Calibration of the probabilities.
    pub calibration: Vec<Bin>,
}

impl ScoreSummary {
    /// Summarises scores.
    pub fn of<'a>(scores: impl IntoIterator<Item = &'a Score>) -> ScoreSummary {
        let (mut n, mut brier, mut log, mut log_infinite) = (0, 0.0, 0.0, 0);
        let (mut time_n, mut time) = (0, 0.0);
        let (mut numbers, mut with_interval, mut covered) = (0, 0, 0);
        let mut points = Vec::new();
        for s in scores {
            match *s {
                Score::Probability {
                    p,
                    yes,
                    brier: b,
                    log: l,
                    time_brier,
                } => {
                    n += 1;
                    brier += b;
                    log += l;
                    log_infinite += usize::from(l.is_infinite());
                    if let Some(t) = time_brier {
                        time_n += 1;
                        time += t;
                    }
                    points.push((p, yes));
                }
                Score::Number { covered: c, .. } => {
                    numbers += 1;
                    if let Some(c) = c {
                        with_interval += 1;
                        covered += usize::from(c);
                    }
                }
            }
        }
        let mean = |total: f64, k: usize| (k > 0).then(|| total / k as f64);
        ScoreSummary {
            n,
            brier: mean(brier, n),
            log: mean(log, n),
            log_infinite,
            time_brier: mean(time, time_n),
            time_n,
            numbers,
            coverage: (with_interval, covered),
            calibration: calibration(&points),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd(y, m, d).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn brier_and_log_by_hand() {
        // (0.8 - 1)² = 0.04; (0.8 - 0)² = 0.64; ln 0.8 = -0.22314355131420976.
        assert!(close(brier(0.8, true), 0.04));
        assert!(close(brier(0.8, false), 0.64));
        assert!(close(log_score(0.8, true), -0.223_143_551_314_209_76));
        assert!(close(log_score(0.8, false), (0.2f64).ln()));
        assert_eq!(log_score(1.0, false), f64::NEG_INFINITY);
        assert_eq!(log_score(0.0, true), f64::NEG_INFINITY);
        assert_eq!(log_score(1.0, true), 0.0);
        assert!(close(brier(0.5, true), BASELINE_BRIER));
        assert!(close(log_score(0.5, false), BASELINE_LOG));
    }

    #[test]
    fn time_average_weights_each_version_by_its_days() {
        // 0.2 from Jan 1, 0.6 from Jan 11, close Jan 21, outcome yes: 10 days at 0.64 and
        // 10 days at 0.16 → 0.40.
        let h = [(day(2026, 1, 1), 0.2), (day(2026, 1, 11), 0.6)];
        assert!(close(
            time_averaged_brier(&h, day(2026, 1, 21), true).unwrap(),
            0.4
        ));
        // A version on the close day does not count; nor does one after.
        let h2 = [
            (day(2026, 1, 1), 0.2),
            (day(2026, 1, 11), 0.6),
            (day(2026, 1, 21), 1.0),
            (day(2026, 2, 1), 0.0),
        ];
        assert!(close(
            time_averaged_brier(&h2, day(2026, 1, 21), true).unwrap(),
            0.4
        ));
        // Two versions the same day: the later is in force.
        let h3 = [(day(2026, 1, 1), 0.9), (day(2026, 1, 1), 0.2)];
        assert!(close(
            time_averaged_brier(&h3, day(2026, 1, 3), true).unwrap(),
            0.64
        ));
        assert_eq!(time_averaged_brier(&h, day(2026, 1, 1), true), None);
    }

    #[test]
    fn bins_are_ten_points_wide_and_boundaries_go_up() {
        assert_eq!(bin_of(0.0), 0);
        assert_eq!(bin_of(0.099), 0);
        assert_eq!(bin_of(0.1), 1);
        assert_eq!(bin_of(1.0 - 0.7), 3); // 0.30000000000000004
        assert_eq!(bin_of(0.3 - 1e-16), 3);
        assert_eq!(bin_of(0.95), 9);
        assert_eq!(bin_of(1.0), 9);
        let bins = calibration(&[(0.05, false), (0.15, true), (0.12, false), (1.0, true)]);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[0].n, 1);
        assert_eq!(bins[1].n, 2);
        assert!(close(bins[1].forecast.unwrap(), 0.135));
        assert!(close(bins[1].observed.unwrap(), 0.5));
        assert_eq!(bins[5].forecast, None);
        assert_eq!((bins[9].lo, bins[9].hi, bins[9].n), (0.9, 1.0, 1));
    }

    #[test]
    fn a_summary_keeps_infinite_log_scores() {
        let s = ScoreSummary::of(&[
            Score::probability(1.0, false, None),
            Score::probability(0.5, true, Some(0.3)),
            Score::number(10.0, 12.0, Some((9.0, 11.0))),
            Score::number(10.0, 10.5, None),
        ]);
        assert_eq!(s.n, 2);
        assert!(close(s.brier.unwrap(), (1.0 + 0.25) / 2.0));
        assert_eq!(s.log, Some(f64::NEG_INFINITY));
        assert_eq!(s.log_infinite, 1);
        assert_eq!((s.time_n, s.time_brier), (1, Some(0.3)));
        assert_eq!((s.numbers, s.coverage), (2, (1, 0)));
    }
}
