//! What `scn sens` and `scn voi` share: reading and evaluating the scenario, sampling with
//! rows, naming targets and decisions, and writing the output.

use std::io::Write;
use std::path::Path;

use scn_dsl::SourceFile;
use scn_eval::model::{EventRef, NodeId};
use scn_eval::{Evaluation, Samples};

use crate::input::load;
use crate::{Exit, Io};

/// A scenario read and evaluated, with the events to learn (for `scn voi --know`).
pub(crate) struct Evaluated {
    /// The point evaluation.
    pub ev: Evaluation,
    /// The sources, for diagnostics.
    pub sources: scn_dsl::SourceMap,
    /// The `--know` events, in order.
    pub known: Vec<EventRef>,
    /// The library's default seed, if it sets one.
    pub seed: Option<u64>,
}

/// Reads, resolves and evaluates a scenario. `know` are events to resolve against it
/// without conditioning on them. `Err` is the exit code, diagnostics already printed.
pub(crate) fn evaluate(
    file: &Path,
    know: &[String],
    options: crate::input::RunOptions,
    io: &mut Io<'_>,
) -> Result<Evaluated, Exit> {
    let (mut loaded, manifest) = match load(file, io.stdin, options) {
        Ok(l) => l,
        Err(e) => return Err(super::report_read_error(e, io)),
    };
    // Each --know is a source of its own, so its errors point into it.
    let mut events = Vec::new();
    let mut diags = Vec::new();
    for (i, text) in know.iter().enumerate() {
        let id = loaded
            .sources
            .add(SourceFile::new(format!("<know {}>", i + 1), text.clone()));
        match scn_dsl::parse_event(text, id) {
            Ok(e) => events.push((id, e)),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(super::report(&diags, &loaded.sources, io));
    }
    // The events are resolved as `--given` would be, then taken back out of the evidence:
    // they are learnt, not observed.
    let resolved = scn_eval::resolve_given(&loaded, &events).and_then(|mut model| {
        let kept = model.observe.len() - events.len();
        let known = model.observe.split_off(kept);
        model.given -= events.len();
        scn_eval::evaluate(model).map(|ev| (ev, known))
    });
    match resolved {
        Ok((ev, known)) => Ok(Evaluated {
            ev,
            sources: loaded.sources,
            known,
            seed: manifest.and_then(|m| m.defaults.seed),
        }),
        Err(d) => Err(super::report(&d, &loaded.sources, io)),
    }
}

/// Samples with every row kept, for global sensitivity and the value of information.
pub(crate) fn sample(
    e: &Evaluated,
    samples: u64,
    seed: Option<u64>,
    io: &mut Io<'_>,
) -> Result<Samples, Exit> {
    if let Err(why) = crate::memory::check_runs(samples, &[&e.ev], true) {
        let _ = writeln!(io.stderr, "scn: error: {why}; ask for fewer with --samples");
        return Err(Exit::Usage);
    }
    let opts = scn_eval::SampleOptions {
        samples,
        seed: seed.or(e.seed).unwrap_or(scn_eval::DEFAULT_SEED),
        threads: None,
        progress: None,
        keep_rows: true,
    };
    let s = scn_eval::sample(&e.ev, &opts).map_err(|d| super::report(&d, &e.sources, io))?;
    for w in s.warnings(&e.ev) {
        let _ = writeln!(io.stderr, "scn: warning: {w}");
    }
    Ok(s)
}

/// The decision at a node path; the root for `None`, the empty path or the scenario's id.
/// A node whose path is the scenario's id (`scenario sig { branch sig … }`) is that node
/// when it holds a decision: the path names it, the id is only a second name of the root.
pub(crate) fn decision(ev: &Evaluation, path: Option<&str>) -> Option<NodeId> {
    let model = ev.model();
    let is_decision = |node: NodeId| ev.decisions().iter().any(|d| d.node == node);
    let node = match path {
        None | Some("") => 0,
        Some(p) => match (1..model.nodes.len() as NodeId).find(|&k| model.path_of(k) == p) {
            Some(k) if is_decision(k) => k,
            _ if p == model.meta.id => 0,
            found => found?,
        },
    };
    is_decision(node).then_some(node)
}

/// How a text report names a decision.
pub(crate) fn decision_label(ev: &Evaluation, node: NodeId) -> String {
    if node == 0 {
        format!("the decision at the root ({})", ev.model().meta.id)
    } else {
        format!("the decision `{}`", ev.model().path_of(node))
    }
}

/// A number as written in a `.scn` file: an optional sign, digits (with `_`), an optional
/// fraction and exponent, then optionally `k`, `M` or `B`, then optionally `%`.
pub(crate) fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    let (t, scale) = match t.as_bytes().last() {
        Some(b'k') => (&t[..t.len() - 1], 1e3),
        Some(b'M') => (&t[..t.len() - 1], 1e6),
        Some(b'B') => (&t[..t.len() - 1], 1e9),
        _ => (t, 1.0),
    };
    let digits: String = t.chars().filter(|&c| c != '_').collect();
    let body = digits.trim_start_matches(['-', '+']);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let v = digits.parse::<f64>().ok()? * scale;
    let v = if percent { v / 100.0 } else { v };
    v.is_finite().then_some(v)
}

/// JSON has no use for a negative zero.
pub(crate) fn z(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

/// A left-aligned table with a header row (none when every heading is empty); columns as
/// wide as their widest cell.
pub(crate) fn table<const N: usize>(
    w: &mut dyn Write,
    header: [&str; N],
    rows: &[[String; N]],
    indent: &str,
) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut width = header.map(|h| h.chars().count());
    for r in rows {
        for (c, cell) in r.iter().enumerate() {
            width[c] = width[c].max(cell.chars().count());
        }
    }
    let line = |cells: [&str; N]| -> String {
        let mut s = indent.to_owned();
        for (c, cell) in cells.iter().enumerate() {
            if c + 1 == N {
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(width[c] - cell.chars().count() + 2));
            }
        }
        s.trim_end().to_owned()
    };
    // A table of labelled figures has no header.
    if header.iter().any(|h| !h.is_empty()) {
        writeln!(w, "{}", line(header))?;
    }
    for r in rows {
        writeln!(w, "{}", line(std::array::from_fn(|c| r[c].as_str())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_as_written() {
        assert_eq!(number("0.25"), Some(0.25));
        assert_eq!(number("-3"), Some(-3.0));
        assert_eq!(number("18%"), Some(0.18));
        assert_eq!(number("500k"), Some(500_000.0));
        assert_eq!(number("1.5M"), Some(1_500_000.0));
        assert_eq!(number("1_000"), Some(1000.0));
        assert_eq!(number("1e-3"), Some(0.001));
        assert_eq!(number(".5"), None);
        assert_eq!(number("abc"), None);
        assert_eq!(number("inf"), None);
        assert_eq!(number(""), None);
    }
}
