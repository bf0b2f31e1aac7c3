//! What the Markdown and HTML reports derive alike from a [`Report`]: citations, the
//! evidence as written, long paths cut short, and numbers with their units.

use scn_eval::model::{Model, NodeId};

use crate::report::{Report, approx};

/// Citing branches named per source, and notes listed, before the list is cut short: a
/// template used a thousand times would otherwise repeat the same line a thousand times.
pub(in crate::report) const LIST_LIMIT: usize = 20;

/// For each source, the nodes that cite it, in tree order.
pub(in crate::report) fn citations(model: &Model) -> Vec<Vec<NodeId>> {
    let mut by_source = vec![Vec::new(); model.sources.len()];
    for (k, node) in model.nodes.iter().enumerate() {
        for &c in &node.cites {
            by_source[c as usize].push(k as NodeId);
        }
    }
    by_source
}

/// The evidence as written, each `observe` or `--given` in its own code span.
pub(in crate::report) fn observed_texts(r: &Report<'_>) -> Vec<String> {
    let model = &r.ev.model();
    model
        .observe
        .iter()
        .map(|&e| {
            let e = &model.events[e as usize];
            r.sources
                .get(e.file)
                .slice(e.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The nodes of a long path, its middle replaced by "… N more …": a path thousands of
/// levels deep would otherwise fill the page.
pub(in crate::report) fn elided(
    path: &[NodeId],
    show: impl Fn(usize, NodeId) -> String,
) -> Vec<String> {
    const HEAD: usize = 3;
    const TAIL: usize = 3;
    if path.len() <= 10 {
        return path.iter().enumerate().map(|(i, &k)| show(i, k)).collect();
    }
    let mut out: Vec<String> = path[..HEAD]
        .iter()
        .enumerate()
        .map(|(i, &k)| show(i, k))
        .collect();
    out.push(format!("… {} more …", path.len() - HEAD - TAIL));
    let start = path.len() - TAIL;
    out.extend(
        path[start..]
            .iter()
            .enumerate()
            .map(|(i, &k)| show(start + i, k)),
    );
    out
}

/// A metric's value with its unit. A "%" unit goes with values written as percentages
/// (`= 18%` is 0.18), so the value is shown times 100.
pub(in crate::report) fn unit_value(
    v: f64,
    unit: Option<&str>,
    fmt: fn(f64) -> String,
    escape: fn(&str) -> String,
) -> String {
    match unit {
        Some("%") => format!("{}%", fmt(v * 100.0)),
        Some(u) => format!("{} {}", fmt(v), escape(u)),
        None => fmt(v),
    }
}

/// A sampled interval with its unit, written once.
pub(in crate::report) fn sampled_range(
    lo: f64,
    hi: f64,
    unit: Option<&str>,
    escape: fn(&str) -> String,
) -> String {
    match unit {
        Some("%") => format!("{}% – {}%", approx(lo * 100.0), approx(hi * 100.0)),
        Some(u) => format!("{} – {} {}", approx(lo), approx(hi), escape(u)),
        None => format!("{} – {}", approx(lo), approx(hi)),
    }
}
