//! `scn diff --history FILE --format html`: one self-contained page with a line chart of
//! each forecast over the commits, and the table of every commit.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Row, figures, short, shown_value, subject, value_at};
use crate::report::html::esc;
use crate::report::html::figures::{self as charts, Lines, Series, XAxis};
use crate::report::html::page::{self, Head};

fn code(t: &str) -> String {
    format!("<code>{}</code>", esc(t))
}

pub(super) fn render(
    file: &str,
    rows: &[Row],
    columns: &[(String, Option<String>, bool)],
    samples: Option<u64>,
    seed: u64,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut s = String::with_capacity(32 * 1024);
    let lead = [format!(
        "{} commit{} that changed it or a file it imports, oldest first ({}).",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        figures(samples, seed)
    )];
    page::open(
        &Head {
            kind: "History",
            id: file,
            title: &format!("History of {file}"),
            lead: &lead,
            contents: &[],
        },
        &mut s,
    );
    let sampled = samples.is_some();
    if !rows.is_empty() && !columns.is_empty() {
        s.push_str("<section id=\"charts\">\n<h2>Forecasts over the commits</h2>\n");
        page::note(
            "One point per commit, oldest on the left; a gap where the scenario is invalid, \
             deleted, or the forecast undefined.",
            &mut s,
        );
        s.push_str("<div class=\"cards\">\n");
        let labels: Vec<(f64, String)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as f64, short(&r.commit.hash).to_owned()))
            .collect();
        for (name, label, probability) in columns {
            let series = [Series::of(
                name.clone(),
                rows.iter()
                    .enumerate()
                    .map(|(i, r)| (i as f64, value_at(r, name))),
            )];
            let _ = writeln!(
                s,
                "<figure class=\"card analysis-figure\">\n<figcaption>{}{}</figcaption>",
                label
                    .as_deref()
                    .map(|l| format!("{} ", esc(l)))
                    .unwrap_or_default(),
                code(name)
            );
            let y = |v: f64| shown_value(Some(v), *probability, sampled);
            // One commit is a range of its own: the chart centres it.
            let x_fixed = (rows.len() > 1).then(|| (0.0, (rows.len() - 1) as f64));
            charts::lines(
                &Lines {
                    aria: &format!("{name} over the commits"),
                    series: &series,
                    x: XAxis::Labels(labels.clone()),
                    y: &y,
                    y_fixed: None,
                    x_fixed,
                    reference: None,
                },
                &mut s,
            );
            s.push_str("</figure>\n");
        }
        s.push_str("</div>\n</section>\n");
    }
    if !rows.is_empty() {
        s.push_str("<section id=\"commits\">\n<h2>Commits</h2>\n");
        let mut head = vec!["Commit", "Date"];
        head.extend(columns.iter().map(|(n, ..)| n.as_str()));
        head.push("Subject");
        let numeric: Vec<usize> = (2..2 + columns.len()).collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut c = vec![code(short(&r.commit.hash)), esc(&r.commit.date)];
                for (name, _, probability) in columns {
                    c.push(esc(&shown_value(value_at(r, name), *probability, sampled)));
                }
                c.push(esc(&subject(r)));
                c
            })
            .collect();
        page::table(&head, &numeric, &cells, &mut s);
        s.push_str("</section>\n");
    }
    page::close("Each commit's version read from git and evaluated.", &mut s);
    w.write_all(s.as_bytes())?;
    w.flush()
}
