//! `scn voi --format markdown`: the value of information as GitHub-flavoured Markdown tables.

use std::fmt::Write as _;
use std::io::{self, Write};

use scn_eval::Evaluation;

use super::{Found, option_id};
use crate::report::approx;
use crate::report::markdown::escape::{code, inline};
use crate::report::pct;

pub(super) fn render(ev: &Evaluation, found: &Found, out: &mut dyn Write) -> io::Result<()> {
    let model = ev.model();
    let mut s = String::new();
    let _ = writeln!(s, "# Value of information: {}\n", inline(&model.meta.title));
    let node = found.node();
    let decision = if node == 0 {
        "The decision at the root".to_owned()
    } else {
        format!("The decision {}", code(&model.path_of(node)))
    };
    let _ = writeln!(
        s,
        "Scenario {}. {decision} takes {} without more information.{}",
        code(&model.meta.id),
        code(option_id(ev, found.choice(ev))),
        super::values_are(ev).map_or(String::new(), |(name, tail)| format!(
            " Values are the objective {}{}",
            code(&name),
            inline(&tail)
        ))
    );
    let value = |v: f64| inline(&found.shown(ev, v));
    match found {
        Found::Events { voi, know } => {
            s.push_str(
                "\n## Learning an event first\n\nOne of these is learnt before deciding:\n\n",
            );
            for (i, k) in know.iter().enumerate() {
                let _ = writeln!(s, "{}. {}", i + 1, code(k));
            }
            s.push_str(
                "\n| Learnt | Probability | Best option | Its value |\n|---|---:|---|---:|\n",
            );
            for c in &voi.cells {
                let learnt = c.event.map_or("none of them".to_owned(), |e| {
                    format!("{}. {}", e + 1, code(&know[e]))
                });
                let _ = writeln!(
                    s,
                    "| {learnt} | {} | {} | {} |",
                    inline(&pct(c.probability)),
                    code(option_id(ev, c.best)),
                    value(c.value)
                );
            }
            let uninformed = found.uninformed(ev);
            if !uninformed.is_empty() {
                let list: Vec<String> = uninformed.iter().map(|o| code(o)).collect();
                let _ = writeln!(
                    s,
                    "\n{} hold{} none of the events: worth the same whatever is learnt.",
                    list.join(", "),
                    if list.len() == 1 { "s" } else { "" }
                );
            }
            let _ = writeln!(
                s,
                "\n| | Value |\n|---|---:|\n| Without the information | {} |\n| With it | {} |\n| **EVPI** (expected value of perfect information) | **{}** |",
                value(voi.value),
                value(voi.with_information),
                value(voi.evpi)
            );
        }
        Found::Inputs {
            voi,
            requested,
            seed,
        } => {
            let _ = writeln!(
                s,
                "\n## Perfect information about every uncertain input\n\n{} of {} samples \
                 used, seed {seed}.\n",
                approx(voi.samples as f64),
                approx(*requested as f64)
            );
            let _ = writeln!(
                s,
                "| | Value |\n|---|---:|\n| Best option's mean value | {} |\n| Mean of the best option's value in each sample | {} |\n| **EVPI** (expected value of perfect information) | **{}** |",
                value(voi.value),
                value(voi.with_information),
                value(voi.evpi)
            );
            if voi.evppi.is_empty() {
                s.push_str("\nNo let varies across the samples.\n");
            } else {
                s.push_str(
                    "\n## EVPPI: learning one let alone\n\nA binned estimate, largest first.\n\n\
                     | Input | EVPPI |\n|---|---:|\n",
                );
                for &(l, v) in &voi.evppi {
                    let _ = writeln!(
                        s,
                        "| {} | {} |",
                        code(&model.lets[l as usize].name),
                        value(v)
                    );
                }
            }
        }
    }
    out.write_all(s.as_bytes())?;
    out.flush()
}
