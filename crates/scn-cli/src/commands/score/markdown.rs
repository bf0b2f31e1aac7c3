//! `scn score --format markdown`: the text report's facts as GitHub-flavoured Markdown — a
//! table of each scenario's resolved probabilities and one of its numbers, the questions
//! listed under them, the library's means against the 50% baseline, the calibration table.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::ScoreSummary;

use super::people::{basis, library_scores, means, outcome, plural, prob, short, tables};
use super::{Row, ScenarioScores, Scores};
use crate::report::markdown::escape::{code, inline};

pub(super) fn render(s: &Scores, out: &mut dyn Write) -> io::Result<()> {
    let mut m = String::new();
    let rows: usize = s.scenarios.iter().map(|c| c.rows.len()).sum();
    let _ = writeln!(
        m,
        "# Scores\n\n{} in {}: {}.",
        plural(rows, "resolved forecast", "resolved forecasts"),
        plural(s.scenarios.len(), "scenario", "scenarios"),
        basis(s)
    );
    for sc in &s.scenarios {
        scenario(sc, s.history, &mut m);
    }
    if rows == 0 {
        m.push('\n');
        m.push_str(s.nothing());
        m.push('\n');
    } else {
        library(&s.summary, &mut m);
        calibration(&s.summary, &mut m);
    }
    if !s.warnings.is_empty() {
        m.push_str("\n## Warnings\n\n");
        for w in &s.warnings {
            let _ = writeln!(m, "- {}", inline(w));
        }
    }
    out.write_all(scn_dsl::sanitize_lines(&m).as_bytes())?;
    out.flush()
}

/// When the question closes, or `–`.
fn closes(r: &Row) -> String {
    r.closes.map_or("–".into(), |d| d.to_string())
}

/// "Label `id`", or "`id`" when the label is the id.
fn named(r: &Row) -> String {
    if r.label == r.forecast {
        code(&r.forecast)
    } else {
        format!("{} {}", inline(&r.label), code(&r.forecast))
    }
}

fn scenario(sc: &ScenarioScores, history: bool, m: &mut String) {
    let _ = writeln!(
        m,
        "\n## {} {}\n\n_{}_",
        inline(&sc.title),
        code(&sc.id),
        inline(&sc.file)
    );
    let (probs, numbers) = tables(sc);
    if !probs.is_empty() {
        m.push_str("\n| Forecast | Closes | Outcome | Resolved on | Forecast | Brier | Log |");
        if history {
            m.push_str(" Time-averaged Brier | Version scored |");
        }
        m.push_str("\n|---|---|---|---|---:|---:|---:|");
        if history {
            m.push_str("---:|---|");
        }
        m.push('\n');
        for x in &probs {
            let _ = write!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                named(x.row),
                closes(x.row),
                outcome(x.row.resolution.outcome),
                x.row.resolution.on,
                x.forecast,
                x.brier,
                x.log
            );
            if history {
                let _ = write!(m, " {} | {} |", x.time_brier, version(x.row));
            }
            m.push('\n');
        }
    }
    if !numbers.is_empty() {
        m.push_str(
            "\n| Forecast | Closes | Outcome | Resolved on | Forecast | Absolute error | In the 90% interval |",
        );
        if history {
            m.push_str(" Version scored |");
        }
        m.push_str("\n|---|---|---:|---|---:|---:|---|");
        if history {
            m.push_str("---|");
        }
        m.push('\n');
        for x in &numbers {
            let _ = write!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                named(x.row),
                closes(x.row),
                outcome(x.row.resolution.outcome),
                x.row.resolution.on,
                x.forecast,
                x.abs_error,
                x.covered
            );
            if history {
                let _ = write!(m, " {} |", version(x.row));
            }
            m.push('\n');
        }
    }
    // Criteria and sources are sentences: a list under the tables, not a wide column.
    let said: Vec<&Row> = sc
        .rows
        .iter()
        .filter(|r| r.criteria.is_some() || r.resolution.source.is_some())
        .collect();
    if !said.is_empty() {
        m.push_str("\nQuestions and sources:\n\n");
        for r in said {
            let mut parts = Vec::new();
            if let Some(c) = &r.criteria {
                parts.push(format!("criteria: {}", inline(c)));
            }
            if let Some(src) = &r.resolution.source {
                parts.push(format!("resolved from: {}", inline(src)));
            }
            let _ = writeln!(m, "- {}: {}", code(&r.forecast), parts.join(" — "));
        }
    }
    if let Some(line) = means(&sc.summary) {
        let _ = writeln!(m, "\n{line}.");
    }
}

/// The version a forecast was scored at, with `--history`.
fn version(r: &Row) -> String {
    r.history.as_ref().map_or("–".into(), |h| {
        let p = &h.points[h.scored];
        format!(
            "{} of {} ({} before {})",
            code(short(&p.commit)),
            p.date,
            plural(h.scored + 1, "version", "versions"),
            h.cutoff
        )
    })
}

fn library(s: &ScoreSummary, m: &mut String) {
    let _ = writeln!(
        m,
        "\n## Library\n\n{} and {}.",
        plural(s.n, "probability", "probabilities"),
        plural(s.numbers, "number", "numbers")
    );
    let scores = library_scores(s);
    if !scores.is_empty() {
        m.push_str("\n| Score | Mean | Always 50% | |\n|---|---:|---:|---|\n");
        for [name, mean, baseline, remark] in &scores {
            let _ = writeln!(m, "| {name} | {mean} | {baseline} | {remark} |");
        }
    }
    let (n, covered) = s.coverage;
    if n > 0 {
        let _ = writeln!(
            m,
            "\nNumbers inside their sampled 90% interval: {covered} of {n}."
        );
    }
}

fn calibration(s: &ScoreSummary, m: &mut String) {
    if s.n == 0 {
        return;
    }
    m.push_str(
        "\n## Calibration\n\nProbabilities in bins of ten points: how often what was given \
         each chance happened.\n\n| Bin | Forecasts | Mean forecast | Happened |\n|---|---:|---:|---:|\n",
    );
    for b in s.calibration.iter().filter(|b| b.n > 0) {
        let _ = writeln!(
            m,
            "| {:.0}–{:.0}% | {} | {} | {} |",
            b.lo * 100.0,
            b.hi * 100.0,
            b.n,
            b.forecast.map_or_else(String::new, prob),
            b.observed.map_or_else(String::new, prob)
        );
    }
}
