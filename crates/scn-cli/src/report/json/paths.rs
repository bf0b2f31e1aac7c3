//! The report's `paths`: every leaf's path, most probable first. A million-leaf tree writes
//! about 500 MB here, so the paths are streamed, read a batch at a time (see [`PathBatch`]),
//! and formatted on two threads where the machine has two: each thread formats every other
//! run of leaves into a buffer of its own, and the buffers are written in order, so the
//! bytes are the same whatever the threads.

use std::collections::HashMap;
use std::io::{self, Write};

use scn_eval::model::NodeId;
use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

use super::pretty;
use super::z;
use crate::report::model::paths::Paths;

/// Leaves a thread formats at a time: a few megabytes of text.
const RUN: usize = 4096;

/// Most metric values [`PathTable`] holds, one per node and metric (64 MiB). Past it, each
/// path's metrics are gathered along the path instead, a cache miss a step.
const METRIC_TABLE_MAX: usize = 1 << 23;

/// Writes the `paths` array as the value of a key of the report's top-level object, on
/// two threads unless `threads` (or, without it, the machine) allows only one.
pub(super) fn write(w: &mut impl Write, p: &Paths<'_>, threads: Option<usize>) -> io::Result<()> {
    let two = match threads {
        Some(t) => t > 1,
        None => std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
    };
    write_on(w, p, two)
}

/// [`write`], on two threads or one.
fn write_on(w: &mut impl Write, p: &Paths<'_>, two: bool) -> io::Result<()> {
    write_with(w, p, two, METRIC_TABLE_MAX)
}

/// [`write_on`] with a [`PathTable`] that holds at most `table_max` metric values.
fn write_with(w: &mut impl Write, p: &Paths<'_>, two: bool, table_max: usize) -> io::Result<()> {
    if p.leaves.is_empty() {
        return w.write_all(b"[]");
    }
    w.write_all(b"[")?;
    let table = PathTable::new(p.ev(), table_max);
    let mut here = Formatted::new(&table, p);
    if two && p.leaves.len() > RUN {
        let mut there = Formatted::new(&table, p);
        for (k, pair) in p.leaves.chunks(2 * RUN).enumerate() {
            let (mine, theirs) = pair.split_at(pair.len().min(RUN));
            std::thread::scope(|scope| -> io::Result<()> {
                let other = scope.spawn(|| there.format(theirs, false));
                here.format(mine, k == 0)?;
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })?;
            w.write_all(&here.text)?;
            w.write_all(&there.text)?;
        }
    } else {
        for (k, run) in p.leaves.chunks(RUN).enumerate() {
            here.format(run, k == 0)?;
            w.write_all(&here.text)?;
        }
    }
    pretty::new_line(w, 1)?;
    w.write_all(b"]")
}

/// One thread's formatting: the text of a run of paths and what it reuses from run to run
/// (a million leaves would otherwise cost millions of short-lived allocations).
struct Formatted<'t, 'p, 'a> {
    table: &'t PathTable<'t>,
    paths: &'p Paths<'a>,
    batch: PathBatch,
    /// Each metric column's key, escaped, with what follows it: `"cost": `.
    keys: Vec<Vec<u8>>,
    id: String,
    text: Vec<u8>,
}

impl<'t, 'p, 'a> Formatted<'t, 'p, 'a> {
    fn new(table: &'t PathTable<'t>, paths: &'p Paths<'a>) -> Self {
        let keys = paths
            .columns
            .iter()
            .map(|c| {
                let mut key = Vec::new();
                escaped(&mut key, &c.id);
                key.extend_from_slice(b": ");
                key
            })
            .collect();
        Formatted {
            table,
            paths,
            batch: PathBatch::default(),
            keys,
            id: String::new(),
            text: Vec::new(),
        }
    }

    /// Formats `leaves`' entries into `self.text`, each after its separator; `first` when
    /// they open the array.
    fn format(&mut self, leaves: &[NodeId], first: bool) -> io::Result<()> {
        self.text.clear();
        let mut first = first;
        for leaves in leaves.chunks(PathBatch::LEAVES) {
            self.batch.read(self.table, self.paths.ev(), leaves);
            for lane in 0..leaves.len() {
                if !first {
                    self.text.push(b',');
                }
                first = false;
                new_line(&mut self.text, 2);
                self.entry(lane)?;
            }
        }
        Ok(())
    }

    /// One element of `paths`: the object `{id, labels, probability, [prior_probability,]
    /// date, metrics}` as serde_json's pretty layout writes it two levels in (the tests
    /// compare), put together byte by byte: through a serializer, most of a big report's
    /// writing went into escaping, a byte at a time, names that need no escaping.
    fn entry(&mut self, lane: usize) -> io::Result<()> {
        let (table, out) = (self.table, &mut self.text);
        let nodes = &self.batch.paths[lane];
        let leaf = &self.batch.leaves[lane];
        out.push(b'{');
        key(out, true, b"\"id\": ");
        if nodes.iter().all(|&n| table.id(n).1) {
            out.push(b'"');
            for (i, &n) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                out.extend_from_slice(table.id(n).0.as_bytes());
            }
            out.push(b'"');
        } else {
            self.id.clear();
            for (i, &n) in nodes.iter().enumerate() {
                if i > 0 {
                    self.id.push('.');
                }
                self.id.push_str(table.id(n).0);
            }
            escaped(out, &self.id);
        }
        key(out, false, b"\"labels\": ");
        if nodes.is_empty() {
            out.extend_from_slice(b"[]");
        } else {
            out.push(b'[');
            for (i, &n) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                new_line(out, 4);
                match table.label(n) {
                    (label, true) => plain(out, label),
                    (label, false) => escaped(out, label),
                }
            }
            new_line(out, 3);
            out.push(b']');
        }
        key(out, false, b"\"probability\": ");
        number(out, leaf.probability)?;
        if self.paths.evidence {
            key(out, false, b"\"prior_probability\": ");
            number(out, leaf.prior)?;
        }
        key(out, false, b"\"date\": ");
        match leaf.date {
            Some(d) => date(out, d)?,
            None => out.extend_from_slice(b"null"),
        }
        key(out, false, b"\"metrics\": ");
        if self.keys.is_empty() {
            out.extend_from_slice(b"{}");
        } else {
            out.push(b'{');
            let values = &self.batch.metrics[lane];
            for (i, (k, &v)) in self.keys.iter().zip(values).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                new_line(out, 4);
                out.extend_from_slice(k);
                number(out, v)?;
            }
            new_line(out, 3);
            out.push(b'}');
        }
        new_line(out, 2);
        out.push(b'}');
        Ok(())
    }
}

/// A line break and `depth` levels of serde_json's pretty indentation (two spaces each).
fn new_line(out: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8; 16] = b"                ";
    out.push(b'\n');
    out.extend_from_slice(&SPACES[..2 * depth]);
}

/// A key of a path's object (three levels in) after its separator, quoted, with its `: `.
fn key(out: &mut Vec<u8>, first: bool, key: &[u8]) {
    if !first {
        out.push(b',');
    }
    new_line(out, 3);
    out.extend_from_slice(key);
}

/// True when JSON has `text` as it is between quotes: no control character, quote or
/// backslash (serde_json escapes nothing else).
fn needs_no_escape(text: &str) -> bool {
    !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A string [`needs_no_escape`] passed.
fn plain(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    out.extend_from_slice(text.as_bytes());
    out.push(b'"');
}

/// A string as serde_json escapes it.
fn escaped(out: &mut Vec<u8>, text: &str) {
    let mut ser = serde_json::Serializer::new(out);
    // Serializing a string into memory cannot fail.
    let _ = text.serialize(&mut ser);
}

/// A date as its `Display` writes it, quoted: digits and dashes, nothing to escape. Written
/// digit by digit for the years 0 to 9999, where most of a big report's dates fall: through
/// `write!` they cost as much as the rest of the path.
fn date(out: &mut Vec<u8>, d: scn_dsl::Date) -> io::Result<()> {
    let Ok(year) = u16::try_from(d.year()) else {
        return write!(out, "\"{d}\"");
    };
    if year > 9999 {
        return write!(out, "\"{d}\"");
    }
    let digit = |n: u16| b'0' + (n % 10) as u8;
    let (month, day) = (u16::from(d.month()), u16::from(d.day()));
    out.extend_from_slice(&[
        b'"',
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
        b'"',
    ]);
    Ok(())
}

/// A number as serde_json writes an `f64`: `null` when not finite; and no negative zero.
fn number(out: &mut Vec<u8>, v: f64) -> io::Result<()> {
    let v = z(v);
    if v.is_finite() {
        CompactFormatter.write_f64(out, v)
    } else {
        out.extend_from_slice(b"null");
        Ok(())
    }
}

/// Each node's parent, id and label, packed into 12 bytes, the texts shared: the paths come
/// in order of probability, so walking each up to the root through the model's nodes (184
/// bytes each) missed the cache at every step, about a second on a million leaves. This
/// table fits in the cache of the machines we measure on.
///
/// With them, when they fit in [`METRIC_TABLE_MAX`], every node's metric values: gathering
/// a leaf's along its path read each node's effects, a cache miss a step, and was the
/// largest part of writing the paths.
struct PathTable<'m> {
    nodes: Vec<[u32; 3]>,
    /// Each text, and whether it [`needs_no_escape`].
    texts: Vec<(&'m str, bool)>,
    /// Node `n`'s metrics are `metrics[n * width..(n + 1) * width]`.
    metrics: Option<Vec<f64>>,
    width: usize,
}

impl<'m> PathTable<'m> {
    fn new(ev: &'m scn_eval::Evaluation, metrics_max: usize) -> PathTable<'m> {
        let model = ev.model();
        // Ids and labels are shared strings in the model: one entry per string, keyed by
        // where it lives, so building costs no string comparison.
        let mut index: HashMap<(usize, usize), u32> = HashMap::new();
        let mut texts = Vec::new();
        let mut intern = |text: &'m str| {
            *index
                .entry((text.as_ptr() as usize, text.len()))
                .or_insert_with(|| {
                    texts.push((text, needs_no_escape(text)));
                    (texts.len() - 1) as u32
                })
        };
        let width = ev.initial_metrics().len();
        let mut metrics = (width > 0 && model.nodes.len().saturating_mul(width) <= metrics_max)
            .then(|| Vec::with_capacity(model.nodes.len() * width));
        let mut nodes = Vec::with_capacity(model.nodes.len());
        // One pass: the model's nodes are in pre-order, so a parent's row is there before its
        // children's.
        for (k, n) in model.nodes.iter().enumerate() {
            if let Some(values) = metrics.as_mut() {
                if k == 0 {
                    values.extend_from_slice(ev.initial_metrics());
                } else {
                    let p = n.parent as usize;
                    values.extend_from_within(p * width..(p + 1) * width);
                }
                let row = &mut values[k * width..];
                for &(m, v) in ev.effects_at(k as NodeId) {
                    row[m as usize] = v;
                }
            }
            nodes.push([n.parent, intern(&n.id), intern(n.label())]);
        }
        PathTable {
            nodes,
            texts,
            metrics,
            width,
        }
    }

    /// Node `n`'s metric values, when the table holds them.
    fn metrics(&self, n: NodeId) -> Option<&[f64]> {
        let n = n as usize;
        let values = self.metrics.as_ref()?;
        Some(&values[n * self.width..(n + 1) * self.width])
    }

    fn parent(&self, n: NodeId) -> NodeId {
        self.nodes[n as usize][0]
    }

    /// The node's id, and whether it needs no escaping.
    fn id(&self, n: NodeId) -> (&'m str, bool) {
        self.texts[self.nodes[n as usize][1] as usize]
    }

    /// The node's label, and whether it needs no escaping.
    fn label(&self, n: NodeId) -> (&'m str, bool) {
        self.texts[self.nodes[n as usize][2] as usize]
    }
}

/// What the report writes of a few leaves at a time. The leaves come in order of
/// probability, far apart in the tree, so each step up a path is a load that misses the
/// cache and waits for the one before it: walking a batch's paths side by side, and reading
/// the batch's probabilities and metrics before writing any, lets those misses overlap.
#[derive(Default)]
struct PathBatch {
    /// Each leaf's path from just below the root down to it.
    paths: [Vec<NodeId>; PathBatch::LEAVES],
    /// Each leaf's metrics, in column order.
    metrics: [Vec<f64>; PathBatch::LEAVES],
    leaves: Vec<LeafFacts>,
}

struct LeafFacts {
    probability: f64,
    prior: f64,
    date: Option<scn_dsl::Date>,
}

impl PathBatch {
    const LEAVES: usize = 16;

    fn read(&mut self, table: &PathTable<'_>, ev: &scn_eval::Evaluation, leaves: &[NodeId]) {
        let mut at = [0; PathBatch::LEAVES];
        at[..leaves.len()].copy_from_slice(leaves);
        for path in &mut self.paths {
            path.clear();
        }
        let mut walking = true;
        while walking {
            walking = false;
            for (n, path) in at.iter_mut().zip(&mut self.paths) {
                if *n != 0 {
                    path.push(*n);
                    *n = table.parent(*n);
                    walking = true;
                }
            }
        }
        for path in &mut self.paths {
            path.reverse();
        }
        self.leaves.clear();
        self.leaves.extend(leaves.iter().map(|&leaf| {
            let node = ev.node(leaf);
            LeafFacts {
                probability: node.probability,
                prior: node.prior,
                date: node.def.date,
            }
        }));
        for ((path, metrics), &leaf) in self.paths.iter().zip(&mut self.metrics).zip(leaves) {
            match table.metrics(leaf) {
                Some(values) => {
                    metrics.clear();
                    metrics.extend_from_slice(values);
                }
                None => ev.metrics_along(path, metrics),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `2 * 3^levels` leaves, each adding its own index to a metric. Chances are
    /// powers of two, so every number prints and parses back exactly. The middle branch of
    /// each three has a date and a label JSON must escape; with `evidence`, `a.b1_2 or
    /// z.b1_0` is observed, so that the paths have a prior too.
    fn evaluation(levels: u32, evidence: bool) -> scn_eval::Evaluation {
        fn body(out: &mut String, depth: u32, levels: u32) {
            for (k, p) in ["50%", "25%", "rest"].iter().enumerate() {
                let (label, date) = match k {
                    1 => (r#"B\"1\\ – \t"#, " at 2027-03"),
                    _ => ("B", ""),
                };
                out.push_str(&format!(
                    "branch b{depth}_{k} \"{label}\" p = {p}{date} {{\n m += {k}\n"
                ));
                if depth < levels {
                    body(out, depth + 1, levels);
                }
                out.push_str("}\n");
            }
        }
        let mut text = String::from("scenario s {\nmetric m = 0\nmetric n = 1\n");
        if evidence {
            text.push_str("observe a.b1_2 or z.b1_0\n");
        }
        text.push_str("branch a p = 75% {\n");
        body(&mut text, 1, levels);
        text.push_str("}\nbranch z p = rest {\n");
        body(&mut text, 1, levels);
        text.push_str("}\n}\n");
        let loaded = scn_eval::load("t.scn", text, std::path::Path::new("."), None);
        let model = scn_eval::resolve(&loaded).expect("a valid tree");
        scn_eval::evaluate(model).expect("an evaluation")
    }

    #[test]
    fn two_threads_write_what_one_writes_in_serde_json_layout() {
        // 2 * 3^8 = 13,122 leaves: four runs of 4,096 and a short fifth, split between the
        // threads unevenly at the end.
        for evidence in [false, true] {
            same_bytes_on_two_threads_and_in_serde_json(evaluation(8, evidence), evidence);
        }
    }

    fn same_bytes_on_two_threads_and_in_serde_json(ev: scn_eval::Evaluation, evidence: bool) {
        let paths = Paths::build(&ev);
        assert!(paths.leaves.len() > 3 * RUN);
        let mut one = Vec::new();
        let mut two = Vec::new();
        write_on(&mut one, &paths, false).expect("written");
        write_on(&mut two, &paths, true).expect("written");
        assert!(one == two, "two threads wrote other bytes than one");
        // A table too small for the metrics: they are gathered along each path instead.
        let mut along = Vec::new();
        write_with(&mut along, &paths, true, 1).expect("written");
        assert!(
            one == along,
            "metrics along the paths differ from the table's"
        );
        // The layout is serde_json's own: the same text comes back from a round trip.
        let text = String::from_utf8(one).expect("UTF-8");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let mut again = Vec::new();
        pretty::write(&mut again, 1, &value).expect("written");
        let again = String::from_utf8(again).expect("UTF-8");
        if let Some(at) = again.bytes().zip(text.bytes()).position(|(a, b)| a != b) {
            let window = |s: &str| s[at.saturating_sub(80)..(at + 80).min(s.len())].to_owned();
            panic!(
                "differs at byte {at}:\n{}\n---\n{}",
                window(&text),
                window(&again)
            );
        }
        assert_eq!(again.len(), text.len());
        // And it says what the tree says.
        let entries = value.as_array().expect("an array");
        assert_eq!(entries.len(), paths.leaves.len());
        let mut keys = vec!["id", "labels", "probability", "date", "metrics"];
        if evidence {
            keys.insert(3, "prior_probability");
        }
        for e in entries {
            assert_eq!(e.as_object().unwrap().keys().collect::<Vec<_>>(), keys);
            assert_eq!(e["metrics"].as_object().unwrap().len(), 2);
        }
        let deep = "a.b1_1.b2_0.b3_1.b4_0.b5_0.b6_0.b7_0.b8_1";
        let e = entries.iter().find(|e| e["id"] == deep).expect("the path");
        let odd = "B\"1\\ – \t";
        let labels: Vec<&str> = e["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(labels, ["a", odd, "B", odd, "B", "B", "B", "B", odd]);
        // A month stands for its last day.
        assert_eq!(e["date"].as_str(), Some("2027-03-31"));
        // m adds each branch's index: 1 + 0 + 1 + 0 + 0 + 0 + 0 + 1; n starts at 1.
        assert_eq!(e["metrics"]["m"].as_f64(), Some(3.0));
        assert_eq!(e["metrics"]["n"].as_f64(), Some(1.0));
    }

    #[test]
    fn dates_are_written_as_they_display() {
        for (y, m, d) in [
            (2025, 12, 5),
            (1, 1, 1),
            (0, 2, 29),
            (9999, 12, 31),
            (10000, 1, 1),
            (-44, 3, 15),
        ] {
            let day = scn_dsl::Date::from_ymd(y, m, d).expect("a date");
            let mut out = Vec::new();
            date(&mut out, day).expect("written");
            assert_eq!(String::from_utf8(out).unwrap(), format!("\"{day}\""));
        }
        let mut out = Vec::new();
        date(&mut out, scn_dsl::Date::from_ymd(2025, 12, 5).unwrap()).unwrap();
        assert_eq!(out, b"\"2025-12-05\"");
    }

    #[test]
    fn no_leaves_write_an_empty_array() {
        let ev = evaluation(1, false);
        let mut paths = Paths::build(&ev);
        paths.leaves.clear();
        let mut out = Vec::new();
        write_on(&mut out, &paths, true).expect("written");
        assert_eq!(out, b"[]");
    }
}
