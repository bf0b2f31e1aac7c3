//! `scn diff --history FILE --format markdown`: one row per commit, one column per forecast.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Row, figures, short, shown_value, subject, value_at};
use crate::report::markdown::escape::{code, inline};

pub(super) fn render(
    file: &str,
    rows: &[Row],
    columns: &[(String, Option<String>, bool)],
    samples: Option<u64>,
    seed: u64,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# History of {}\n\n{} commit{} that changed it or a file it imports, oldest first ({}).",
        code(file),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        figures(samples, seed)
    );
    if !rows.is_empty() {
        let mut head = vec!["Commit".to_owned(), "Date".to_owned()];
        head.extend(columns.iter().map(|(n, ..)| code(n)));
        head.push("Subject".into());
        let _ = writeln!(s, "\n| {} |", head.join(" | "));
        let mut rule = vec!["---", "---"];
        rule.extend(columns.iter().map(|_| "---:"));
        rule.push("---");
        let _ = writeln!(s, "|{}|", rule.join("|"));
        for r in rows {
            let mut cells = vec![code(short(&r.commit.hash)), inline(&r.commit.date)];
            for (name, _, probability) in columns {
                let v = value_at(r, name);
                cells.push(inline(&shown_value(v, *probability, samples.is_some())));
            }
            cells.push(inline(&subject(r)));
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
    }
    w.write_all(s.as_bytes())?;
    w.flush()
}
