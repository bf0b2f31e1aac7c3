//! How `scn score` writes numbers and phrases for people, in every format but JSON: the
//! reports' number style (`13.9%`, three significant digits), outcomes as written, scores to
//! four decimals so that a column of them compares digit by digit.

use scn_eval::{Outcome, Score};

use super::{Row, Scores};
use crate::report::number::exact;
use crate::report::{approx, pct};

/// A score, to four decimals; `-inf` for a log score that gave the outcome no chance.
pub(super) fn score(x: f64) -> String {
    if x == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{:.4}", if x == 0.0 { 0.0 } else { x })
    }
}

/// A probability forecast as a percentage, as the reports write it.
pub(super) fn prob(p: f64) -> String {
    pct(p)
}

/// A forecast's figure (or a point of its history) in its kind's style.
pub(super) fn figure(r: &Row, x: f64) -> String {
    match r.score {
        Score::Probability { .. } => pct(x),
        Score::Number { .. } => approx(x),
    }
}

/// The Brier skill score against the 50% baseline, `1 − Brier / 0.25`, as a percentage:
/// it can be negative, which a probability cannot.
pub(super) fn skill(brier: f64) -> String {
    let x = 100.0 * (1.0 - brier / scn_eval::BASELINE_BRIER);
    format!("{}%", approx(if x == 0.0 { 0.0 } else { x }))
}

/// A number forecast's error, in the reports' style.
pub(super) fn number(x: f64) -> String {
    approx(x)
}

/// An outcome as the resolution wrote it.
pub(super) fn outcome(o: Outcome) -> String {
    match o {
        Outcome::Yes => "yes".into(),
        Outcome::No => "no".into(),
        Outcome::Number(x) => exact(x),
    }
}

/// "1 thing", "2 things".
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What was scored: current or historical values, point values or sampled means.
pub(super) fn basis(s: &Scores) -> String {
    match (s.history, s.settings.samples) {
        (false, None) => "current point values".to_owned(),
        (false, Some(n)) => format!(
            "current sampled means of {n} samples (seed {})",
            s.settings.seed
        ),
        (true, None) => {
            "point values of the last version committed before each question closed".to_owned()
        }
        (true, Some(n)) => format!(
            "sampled means ({n} samples, seed {}) of the last version committed before each question closed",
            s.settings.seed
        ),
    }
}

/// The ten-digit prefix of a commit hash that messages show.
pub(super) fn short(hash: &str) -> &str {
    &hash[..hash.len().min(10)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_outcomes_read_as_people_write_them() {
        assert_eq!(score(-0.0), "0.0000");
        assert_eq!(score(0.04), "0.0400");
        assert_eq!(score(f64::NEG_INFINITY), "-inf");
        assert_eq!(prob(0.1386), "13.9%");
        assert_eq!(prob(0.1), "10%");
        assert_eq!(number(1234.5678), "1230");
        assert_eq!(number(45474.1), "45,500");
        assert_eq!(outcome(Outcome::Number(0.0999)), "0.0999");
        assert_eq!(outcome(Outcome::Yes), "yes");
        // 1 − 0.04 / 0.25 = 0.84; 1 − 0.36 / 0.25 = −0.44.
        assert_eq!(skill(0.04), "84%");
        assert_eq!(skill(0.36), "-44%");
    }
}
