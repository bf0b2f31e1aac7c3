//! `scn score` for a terminal: each scenario's resolved forecasts with their question,
//! resolution, figure and scores; the library's means against a 50% baseline; the
//! calibration table.

use std::io::{self, Write};

use scn_dsl::sanitize;
use scn_eval::{BASELINE_BRIER, BASELINE_LOG, Score, ScoreSummary};

use super::people::{basis, figure, number, outcome, plural, prob as pct, score, short, skill};
use super::{Row, Scores};

pub(super) fn render(s: &Scores, out: &mut dyn Write) -> io::Result<()> {
    let rows: usize = s.scenarios.iter().map(|c| c.rows.len()).sum();
    let basis = basis(s);
    writeln!(
        out,
        "Scores of {} in {}: {basis}",
        plural(rows, "resolved forecast", "resolved forecasts"),
        plural(s.scenarios.len(), "scenario", "scenarios")
    )?;
    for sc in &s.scenarios {
        writeln!(out)?;
        writeln!(
            out,
            "{}  {}  ({})",
            sanitize(&sc.id),
            sanitize(&sc.title),
            sanitize(&sc.file)
        )?;
        for r in &sc.rows {
            row(r, out)?;
        }
        mean_line(&sc.summary, out)?;
    }
    if rows == 0 {
        writeln!(out)?;
        writeln!(out, "{}", s.nothing())?;
        return Ok(());
    }
    library(&s.summary, out)?;
    calibration(&s.summary, out)
}

fn row(r: &Row, out: &mut dyn Write) -> io::Result<()> {
    let mut head = format!("  {}", sanitize(&r.forecast));
    if r.label != r.forecast {
        head.push_str(&format!("  \"{}\"", sanitize(&r.label)));
    }
    head.push_str(&format!("  {}", r.kind.as_str()));
    if let Some(c) = r.closes {
        head.push_str(&format!(", closes {c}"));
    }
    writeln!(out, "{head}")?;
    if let Some(c) = &r.criteria {
        writeln!(out, "    criteria  {}", sanitize(c))?;
    }
    let res = &r.resolution;
    let word = outcome(res.outcome);
    let source = res
        .source
        .as_deref()
        .map_or_else(String::new, |s| format!(": {}", sanitize(s)));
    writeln!(out, "    resolved  {word}, on {}{source}", res.on)?;
    let shown = match r.score {
        Score::Probability { p, .. } => pct(p),
        Score::Number { value, .. } => number(value),
    };
    let mut notes = Vec::new();
    // A figure that no draw moves has no interval worth showing.
    if let Some(sum) = r.figure.sampled.filter(|s| s.p05 != s.p95) {
        let show = |x: f64| figure(r, x);
        notes.push(format!(
            "90% interval {} .. {}; at the inputs' means {}",
            show(sum.p05),
            show(sum.p95),
            show(r.figure.point)
        ));
    }
    if let Some(h) = &r.history {
        let p = &h.points[h.scored];
        notes.push(format!(
            "commit {} of {}; {} before {}",
            short(&p.commit),
            p.date,
            plural(h.scored + 1, "version", "versions"),
            h.cutoff
        ));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("  ({})", notes.join("; "))
    };
    writeln!(out, "    forecast  {shown}{notes}")?;
    match r.score {
        Score::Probability {
            brier,
            log,
            time_brier,
            ..
        } => {
            let mut line = format!("    scores    Brier {}   log {}", score(brier), score(log));
            if let Some(t) = time_brier {
                line.push_str(&format!("   time-averaged Brier {}", score(t)));
            }
            if log.is_infinite() {
                line.push_str("   (it gave the outcome no chance)");
            }
            writeln!(out, "{line}")
        }
        Score::Number {
            abs_error, covered, ..
        } => {
            let mut line = format!("    scores    absolute error {}", number(abs_error));
            match covered {
                Some(true) => line.push_str("   the outcome is inside the 90% interval"),
                Some(false) => line.push_str("   the outcome is outside the 90% interval"),
                None => {}
            }
            writeln!(out, "{line}")
        }
    }
}

fn mean_line(s: &ScoreSummary, out: &mut dyn Write) -> io::Result<()> {
    if let (Some(b), Some(l)) = (s.brier, s.log) {
        let mut line = format!(
            "  mean of {}: Brier {}   log {}",
            plural(s.n, "probability", "probabilities"),
            score(b),
            score(l)
        );
        if let Some(t) = s.time_brier {
            line.push_str(&format!("   time-averaged Brier {}", score(t)));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn library(s: &ScoreSummary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Library: {}, {}",
        plural(s.n, "probability", "probabilities"),
        plural(s.numbers, "number", "numbers")
    )?;
    if let (Some(b), Some(l)) = (s.brier, s.log) {
        writeln!(
            out,
            "  Brier                {:>8}   50% baseline {}   skill {}",
            score(b),
            score(BASELINE_BRIER),
            skill(b)
        )?;
        let infinite = if s.log_infinite > 0 {
            format!(
                "   ({} gave the outcome no chance)",
                plural(s.log_infinite, "forecast", "forecasts")
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "  log                  {:>8}   50% baseline {}{infinite}",
            score(l),
            score(BASELINE_LOG)
        )?;
    }
    if let Some(t) = s.time_brier {
        writeln!(
            out,
            "  time-averaged Brier  {:>8}   over {}",
            score(t),
            plural(s.time_n, "forecast", "forecasts")
        )?;
    }
    let (n, covered) = s.coverage;
    if n > 0 {
        writeln!(
            out,
            "  numbers inside their sampled 90% interval: {covered} of {n}"
        )?;
    }
    Ok(())
}

fn calibration(s: &ScoreSummary, out: &mut dyn Write) -> io::Result<()> {
    if s.n == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "Calibration (probabilities in bins of 10 points)")?;
    writeln!(out, "  bin          n   mean forecast   observed")?;
    for b in s.calibration.iter().filter(|b| b.n > 0) {
        let bin = format!("{:.0}-{:.0}%", b.lo * 100.0, b.hi * 100.0);
        writeln!(
            out,
            "  {bin:<9} {:>4}   {:>13}   {:>8}",
            b.n,
            b.forecast.map_or_else(String::new, pct),
            b.observed.map_or_else(String::new, pct)
        )?;
    }
    Ok(())
}
