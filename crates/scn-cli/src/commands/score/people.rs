//! How `scn score` writes numbers and phrases for people, in every format but JSON: the
//! reports' number style (`13.9%`, three significant digits), outcomes as written, scores to
//! four decimals so that a column of them compares digit by digit.

use scn_eval::{BASELINE_BRIER, BASELINE_LOG, Outcome, Score, ScoreSummary};

use super::{Row, ScenarioScores, Scores};
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
    let x = 100.0 * (1.0 - brier / BASELINE_BRIER);
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
            "point values of the last version committed before each question ended".to_owned()
        }
        (true, Some(n)) => format!(
            "sampled means ({n} samples, seed {}) of the last version committed before each question ended",
            s.settings.seed
        ),
    }
}

/// A resolved probability's figures, as its table row shows them.
pub(super) struct ProbabilityRow<'s> {
    pub row: &'s Row,
    pub forecast: String,
    pub brier: String,
    pub log: String,
    /// `–` without `--history`'s versions.
    pub time_brier: String,
}

/// A resolved number's figures, as its table row shows them.
pub(super) struct NumberRow<'s> {
    pub row: &'s Row,
    pub forecast: String,
    pub abs_error: String,
    /// `yes`, `no`, or `–` when unsampled.
    pub covered: &'static str,
}

/// A scenario's resolved probabilities, then its numbers, in its order: the two tables the
/// Markdown and HTML reports give it.
pub(super) fn tables(sc: &ScenarioScores) -> (Vec<ProbabilityRow<'_>>, Vec<NumberRow<'_>>) {
    let (mut probs, mut numbers) = (Vec::new(), Vec::new());
    for row in &sc.rows {
        match row.score {
            Score::Probability {
                p,
                brier,
                log,
                time_brier,
                ..
            } => probs.push(ProbabilityRow {
                row,
                forecast: prob(p),
                brier: score(brier),
                log: score(log),
                time_brier: time_brier.map_or("–".into(), score),
            }),
            Score::Number {
                value,
                abs_error,
                covered,
                ..
            } => numbers.push(NumberRow {
                row,
                forecast: figure(row, value),
                abs_error: number(abs_error),
                covered: match covered {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "–",
                },
            }),
        }
    }
    (probs, numbers)
}

/// "Mean of 3 probabilities: Brier 0.0400, log -0.2231, time-averaged Brier 0.0500", when
/// there are probabilities.
pub(super) fn means(s: &ScoreSummary) -> Option<String> {
    let (b, l) = (s.brier?, s.log?);
    let mut line = format!(
        "Mean of {}: Brier {}, log {}",
        plural(s.n, "probability", "probabilities"),
        score(b),
        score(l)
    );
    if let Some(t) = s.time_brier {
        line.push_str(&format!(", time-averaged Brier {}", score(t)));
    }
    Some(line)
}

/// The library's mean scores against always saying 50%: (name, mean, baseline, remark).
pub(super) fn library_scores(s: &ScoreSummary) -> Vec<[String; 4]> {
    let (Some(b), Some(l)) = (s.brier, s.log) else {
        return Vec::new();
    };
    let infinite = if s.log_infinite > 0 {
        format!(
            "{} gave the outcome no chance",
            plural(s.log_infinite, "forecast", "forecasts")
        )
    } else {
        String::new()
    };
    let mut rows = vec![
        [
            "Brier (lower is better)".into(),
            score(b),
            score(BASELINE_BRIER),
            format!("skill {}", skill(b)),
        ],
        [
            "Log (higher is better)".into(),
            score(l),
            score(BASELINE_LOG),
            infinite,
        ],
    ];
    if let Some(t) = s.time_brier {
        rows.push([
            "Time-averaged Brier".into(),
            score(t),
            score(BASELINE_BRIER),
            format!("over {}", plural(s.time_n, "forecast", "forecasts")),
        ]);
    }
    rows
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

    #[test]
    fn the_library_lines_name_each_mean_with_its_baseline() {
        let s = ScoreSummary {
            n: 2,
            brier: Some(0.04),
            log: Some(f64::NEG_INFINITY),
            log_infinite: 1,
            time_brier: Some(0.05),
            time_n: 1,
            numbers: 0,
            coverage: (0, 0),
            calibration: Vec::new(),
        };
        assert_eq!(
            means(&s).unwrap(),
            "Mean of 2 probabilities: Brier 0.0400, log -inf, time-averaged Brier 0.0500"
        );
        let rows = library_scores(&s);
        // Always 50%: Brier 0.25, log ln 0.5 = -0.6931.
        assert_eq!(
            rows[0],
            ["Brier (lower is better)", "0.0400", "0.2500", "skill 84%"]
        );
        assert_eq!(
            rows[1],
            [
                "Log (higher is better)",
                "-inf",
                "-0.6931",
                "1 forecast gave the outcome no chance"
            ]
        );
        assert_eq!(rows[2][3], "over 1 forecast");
        let none = ScoreSummary {
            n: 0,
            brier: None,
            log: None,
            time_brier: None,
            ..s
        };
        assert!(means(&none).is_none() && library_scores(&none).is_empty());
    }
}
