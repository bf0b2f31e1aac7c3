//! The report's `paths`: every leaf's path, most probable first. A million-leaf tree writes
//! about 500 MB here, so the paths are streamed, read a batch at a time (see [`PathBatch`]),
//! and formatted on two threads where the machine has two: each thread formats every other
//! run of leaves into a buffer of its own, and the buffers are written in order, so the
//! bytes are the same whatever the threads.

use std::collections::HashMap;
use std::io::{self, Write};

use scn_eval::model::NodeId;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::pretty;
use super::z;
use crate::report::model::paths::{Column, Paths};

/// Leaves a thread formats at a time: a few megabytes of text.
const RUN: usize = 4096;

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
    if p.leaves.is_empty() {
        return w.write_all(b"[]");
    }
    w.write_all(b"[")?;
    let table = PathTable::new(p.ev().model());
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
    id: String,
    text: Vec<u8>,
}

impl<'t, 'p, 'a> Formatted<'t, 'p, 'a> {
    fn new(table: &'t PathTable<'t>, paths: &'p Paths<'a>) -> Self {
        Formatted {
            table,
            paths,
            batch: PathBatch::default(),
            id: String::new(),
            text: Vec::new(),
        }
    }

    /// Formats `leaves`' entries into `self.text`, each after its separator; `first` when
    /// they open the array.
    fn format(&mut self, leaves: &[NodeId], first: bool) -> io::Result<()> {
        let (table, p) = (self.table, self.paths);
        self.text.clear();
        let mut first = first;
        for leaves in leaves.chunks(PathBatch::LEAVES) {
            self.batch.read(table, p.ev(), leaves);
            for (lane, leaf) in self.batch.leaves.iter().enumerate() {
                let nodes = &self.batch.paths[lane];
                self.id.clear();
                for (i, &n) in nodes.iter().enumerate() {
                    if i > 0 {
                        self.id.push('.');
                    }
                    self.id.push_str(table.id(n));
                }
                if !first {
                    self.text.push(b',');
                }
                first = false;
                pretty::new_line(&mut self.text, 2)?;
                let entry = PathEntry {
                    paths: p,
                    id: &self.id,
                    labels: Labels(table, nodes),
                    metrics: &self.batch.metrics[lane],
                    probability: leaf.probability,
                    prior: p.evidence.then_some(leaf.prior),
                    date: leaf.date,
                };
                pretty::write(&mut self.text, 2, &entry)?;
            }
        }
        Ok(())
    }
}

/// One element of `paths`, written straight to the output: the same object, key for key, as
/// a `serde_json::Map` would be, without building one per leaf.
struct PathEntry<'p, 'r, 'a> {
    paths: &'p Paths<'a>,
    id: &'r str,
    labels: Labels<'r>,
    metrics: &'r [f64],
    probability: f64,
    prior: Option<f64>,
    date: Option<scn_dsl::Date>,
}

impl Serialize for PathEntry<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5 + usize::from(self.prior.is_some())))?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("labels", &self.labels)?;
        map.serialize_entry("probability", &z(self.probability))?;
        if let Some(prior) = self.prior {
            map.serialize_entry("prior_probability", &z(prior))?;
        }
        map.serialize_entry("date", &self.date.map(|d| d.to_string()))?;
        map.serialize_entry("metrics", &LeafMetrics(&self.paths.columns, self.metrics))?;
        map.end()
    }
}

/// Each node's parent, id and label, packed into 12 bytes, the texts shared: the paths come
/// in order of probability, so walking each up to the root through the model's nodes (184
/// bytes each) missed the cache at every step, about a second on a million leaves. This
/// table fits in the cache of the machines we measure on.
struct PathTable<'m> {
    nodes: Vec<[u32; 3]>,
    texts: Vec<&'m str>,
}

impl<'m> PathTable<'m> {
    fn new(model: &'m scn_eval::Model) -> PathTable<'m> {
        // Ids and labels are shared strings in the model: one entry per string, keyed by
        // where it lives, so building costs no string comparison.
        let mut index: HashMap<(usize, usize), u32> = HashMap::new();
        let mut texts = Vec::new();
        let mut intern = |text: &'m str| {
            *index
                .entry((text.as_ptr() as usize, text.len()))
                .or_insert_with(|| {
                    texts.push(text);
                    (texts.len() - 1) as u32
                })
        };
        let nodes = model
            .nodes
            .iter()
            .map(|n| [n.parent, intern(&n.id), intern(n.label())])
            .collect();
        PathTable { nodes, texts }
    }

    fn parent(&self, n: NodeId) -> NodeId {
        self.nodes[n as usize][0]
    }

    fn id(&self, n: NodeId) -> &'m str {
        self.texts[self.nodes[n as usize][1] as usize]
    }

    fn label(&self, n: NodeId) -> &'m str {
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
        for (path, metrics) in self.paths.iter().zip(&mut self.metrics).take(leaves.len()) {
            ev.metrics_along(path, metrics);
        }
    }
}

/// The labels along a path.
struct Labels<'r>(&'r PathTable<'r>, &'r [NodeId]);

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &n in self.1 {
            seq.serialize_element(self.0.label(n))?;
        }
        seq.end()
    }
}

/// A leaf's metrics, keyed by metric id in column order.
struct LeafMetrics<'r>(&'r [Column], &'r [f64]);

impl Serialize for LeafMetrics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (c, &v) in self.0.iter().zip(self.1) {
            map.serialize_entry(&c.id, &z(v))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `2 * 3^levels` leaves, each adding its own index to a metric. Chances are
    /// powers of two, so every number prints and parses back exactly.
    fn evaluation(levels: u32) -> scn_eval::Evaluation {
        fn body(out: &mut String, depth: u32, levels: u32) {
            for (k, p) in ["50%", "25%", "rest"].iter().enumerate() {
                out.push_str(&format!(
                    "branch b{depth}_{k} \"B{k}\" p = {p} {{\n m += {k}\n"
                ));
                if depth < levels {
                    body(out, depth + 1, levels);
                }
                out.push_str("}\n");
            }
        }
        let mut text = String::from("scenario s {\nmetric m = 0\nbranch a p = 75% {\n");
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
        let ev = evaluation(8);
        let paths = Paths::build(&ev);
        assert!(paths.leaves.len() > 3 * RUN);
        let mut one = Vec::new();
        let mut two = Vec::new();
        write_on(&mut one, &paths, false).expect("written");
        write_on(&mut two, &paths, true).expect("written");
        assert!(one == two, "two threads wrote other bytes than one");
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
        assert_eq!(value.as_array().map(Vec::len), Some(paths.leaves.len()));
    }

    #[test]
    fn no_leaves_write_an_empty_array() {
        let ev = evaluation(1);
        let mut paths = Paths::build(&ev);
        paths.leaves.clear();
        let mut out = Vec::new();
        write_on(&mut out, &paths, true).expect("written");
        assert_eq!(out, b"[]");
    }
}
