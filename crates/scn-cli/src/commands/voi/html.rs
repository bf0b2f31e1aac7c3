//! `scn voi --format html`: one self-contained page with the value of information in tables
//! and a bar chart: the best option's value once each event is learnt, or each let's EVPPI
//! beside the EVPI of every input.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::Evaluation;

use super::{Found, option_id};
use crate::report::html::esc;
use crate::report::html::figures;
use crate::report::html::page::{self, Head};
use crate::report::{approx, pct};

fn code(t: &str) -> String {
    format!("<code>{}</code>", esc(t))
}

pub(super) fn render(ev: &Evaluation, found: &Found, out: &mut dyn Write) -> io::Result<()> {
    let model = ev.model();
    let node = found.node();
    let decision = if node == 0 {
        "The decision at the root".to_owned()
    } else {
        format!("The decision {}", model.path_of(node))
    };
    let lead = [format!(
        "{decision} takes {} without more information. EVPI: the expected value of perfect \
         information, what knowing before deciding is worth at most.{}",
        option_id(ev, found.choice(ev)),
        super::values_are(ev).map_or(String::new(), |(name, tail)| format!(
            " Values are the objective {name}{tail}"
        ))
    )];
    let mut s = String::with_capacity(32 * 1024);
    page::open(
        &Head {
            kind: "Value of information",
            id: &model.meta.id,
            title: &model.meta.title,
            lead: &lead,
            contents: &[],
        },
        &mut s,
    );
    let value = |v: f64| found.shown(ev, v);
    let summary = |rows: [(&str, f64); 3], s: &mut String| {
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|&(what, v)| vec![esc(what), format!("<b>{}</b>", esc(&value(v)))])
            .collect();
        page::table(&["", "Value"], &[1], &cells, s);
    };
    match found {
        Found::Events { voi, know } => {
            s.push_str("<section id=\"events\">\n<h2>Learning an event first</h2>\n");
            s.push_str("<p>One of these is learnt before deciding:</p>\n<ol>\n");
            for k in know {
                let _ = writeln!(s, "<li>{}</li>", code(k));
            }
            s.push_str("</ol>\n");
            let name = |c: &scn_eval::analysis::Cell| {
                c.event.map_or("none of them".to_owned(), |e| {
                    format!("{}. {}", e + 1, know[e])
                })
            };
            let rows: Vec<Vec<String>> = voi
                .cells
                .iter()
                .map(|c| {
                    vec![
                        esc(&name(c)),
                        esc(&pct(c.probability)),
                        code(option_id(ev, c.best)),
                        esc(&value(c.value)),
                    ]
                })
                .collect();
            page::table(
                &["Learnt", "Probability", "Best option", "Its value"],
                &[1, 3],
                &rows,
                &mut s,
            );
            let uninformed = found.uninformed(ev);
            if !uninformed.is_empty() {
                page::note(
                    &format!(
                        "{} hold{} none of the events: worth the same whatever is learnt.",
                        uninformed.join(", "),
                        if uninformed.len() == 1 { "s" } else { "" }
                    ),
                    &mut s,
                );
            }
            let bars: Vec<(String, f64)> = voi
                .cells
                .iter()
                .map(|c| (format!("{} → {}", name(c), option_id(ev, c.best)), c.value))
                .chain([("without the information".to_owned(), voi.value)])
                .collect();
            s.push_str("<figure class=\"card analysis-figure\">\n<figcaption>The best option's value once each is learnt, and without the information</figcaption>\n");
            figures::bars("Value once each event is learnt", &bars, &value, &mut s);
            s.push_str("</figure>\n");
            summary(
                [
                    ("Without the information", voi.value),
                    ("With it", voi.with_information),
                    ("EVPI", voi.evpi),
                ],
                &mut s,
            );
            s.push_str("</section>\n");
        }
        Found::Inputs {
            voi,
            requested,
            seed,
        } => {
            s.push_str(
                "<section id=\"inputs\">\n<h2>Perfect information about every uncertain input</h2>\n",
            );
            page::note(
                &format!(
                    "{} of {} samples used, seed {seed}.",
                    approx(voi.samples as f64),
                    approx(*requested as f64)
                ),
                &mut s,
            );
            summary(
                [
                    ("Best option's mean value", voi.value),
                    (
                        "Mean of the best option's value in each sample",
                        voi.with_information,
                    ),
                    ("EVPI", voi.evpi),
                ],
                &mut s,
            );
            s.push_str(
                "</section>\n<section id=\"evppi\">\n<h2>EVPPI: learning one let alone</h2>\n",
            );
            if voi.evppi.is_empty() {
                page::note("No let varies across the samples.", &mut s);
            } else {
                page::note(
                    "A binned estimate, largest first; the EVPI of every input for scale.",
                    &mut s,
                );
                let bars: Vec<(String, f64)> = [("every input (EVPI)".to_owned(), voi.evpi)]
                    .into_iter()
                    .chain(
                        voi.evppi
                            .iter()
                            .map(|&(l, v)| (model.lets[l as usize].name.clone(), v)),
                    )
                    .collect();
                s.push_str("<figure class=\"card analysis-figure\">\n");
                figures::bars("EVPPI of each let", &bars, &value, &mut s);
                s.push_str("</figure>\n");
                let rows: Vec<Vec<String>> = voi
                    .evppi
                    .iter()
                    .map(|&(l, v)| vec![code(&model.lets[l as usize].name), esc(&value(v))])
                    .collect();
                page::table(&["Input", "EVPPI"], &[1], &rows, &mut s);
            }
            s.push_str("</section>\n");
        }
    }
    page::close(
        "Values of the decision are its best option's expected objective.",
        &mut s,
    );
    out.write_all(s.as_bytes())?;
    out.flush()
}
