//! Events as sets of leaves.
//!
//! Which leaves an event holds depends on the tree's shape and dates only, never on
//! probabilities, so each event is computed once and reused by the point evaluation and by
//! every Monte Carlo sample. A set is a list of ranges of leaf ordinals: a subtree's leaves
//! are consecutive in pre-order, so a branch is one range and a tag is one range per tagged
//! subtree. Memory follows the tree's structure, not leaves × events, and summing a set
//! visits its leaves in ascending order, as a list of members would.
//!
//! A tag that templates repeat is on many separate subtrees, so its set has as many ranges:
//! a 10 KB file can tag every other leaf of a million. Events written twice (`P(#t)` in 400
//! forecasts) share one set, and the ranges of all distinct sets together are capped
//! (`Model::max_ranges`, four per unit of the node budget), so that no file makes the sets
//! outgrow what it asks for.

use std::collections::HashMap;
use std::sync::Arc;

use scn_dsl::{Code, Diagnostic};

use crate::model::{EventKind, Model, NodeId};

/// A set of leaves: sorted, disjoint, non-touching half-open ranges of leaf ordinals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeafSet {
    ranges: Vec<(u32, u32)>,
}

impl LeafSet {
    fn push(&mut self, lo: u32, hi: u32) {
        if lo >= hi {
            return;
        }
        match self.ranges.last_mut() {
            Some(last) if last.1 >= lo => last.1 = last.1.max(hi),
            _ => self.ranges.push((lo, hi)),
        }
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    /// Every ordinal in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|&(lo, hi)| lo..hi)
    }

    /// How many leaves.
    pub fn len(&self) -> usize {
        self.ranges.iter().map(|&(lo, hi)| (hi - lo) as usize).sum()
    }

    /// True when the set holds no leaf.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// True when the leaf with this ordinal is in the set.
    pub fn contains(&self, ord: u32) -> bool {
        let i = self.ranges.partition_point(|&(_, hi)| hi <= ord);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= ord)
    }

    /// The sum of `f` over the set's leaves, in ascending order. It starts from +0, so an
    /// empty set sums to 0 (a float `sum()` starts from −0 and would print `-0.0`).
    #[inline]
    pub fn sum(&self, mut f: impl FnMut(usize) -> f64) -> f64 {
        let mut acc = 0.0;
        for &(lo, hi) in &self.ranges {
            for o in lo as usize..hi as usize {
                acc += f(o);
            }
        }
        acc
    }

    fn complement(&self, total: u32) -> LeafSet {
        let mut out = LeafSet::default();
        let mut at = 0;
        for &(lo, hi) in &self.ranges {
            out.push(at, lo);
            at = hi;
        }
        out.push(at, total);
        out
    }

    fn union(&self, other: &LeafSet) -> LeafSet {
        let mut all: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len() + other.ranges.len());
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() || j < other.ranges.len() {
            let take_a = j >= other.ranges.len()
                || (i < self.ranges.len() && self.ranges[i].0 <= other.ranges[j].0);
            if take_a {
                all.push(self.ranges[i]);
                i += 1;
            } else {
                all.push(other.ranges[j]);
                j += 1;
            }
        }
        let mut out = LeafSet::default();
        for (lo, hi) in all {
            out.push(lo, hi);
        }
        out
    }

    fn intersection(&self, other: &LeafSet) -> LeafSet {
        let mut out = LeafSet::default();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            out.push(a.0.max(b.0), a.1.min(b.1));
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }
}

/// The leaves of a model and the leaf sets of its events.
#[derive(Clone, Debug)]
pub struct LeafSets {
    /// Leaf node ids in tree order; a leaf's ordinal is its index here.
    pub leaves: Vec<NodeId>,
    /// For each node, the ordinal of the first leaf at or after it in pre-order.
    first_leaf: Vec<u32>,
    /// Each event's leaves; events written alike share one set.
    sets: Vec<Arc<LeafSet>>,
    /// For each event, the first event written alike (itself when none was before it).
    first_alike: Vec<u32>,
    /// Ranges held by the distinct sets so far, and the most they may hold.
    ranges: u64,
    max_ranges: u64,
}

impl LeafSets {
    /// Computes every event's set, in time proportional to the tree plus the sets' sizes;
    /// `Err` at the event whose set would take the distinct sets past their cap.
    pub fn new(model: &Model) -> Result<LeafSets, Diagnostic> {
        let n = model.nodes.len();
        let mut leaves = Vec::new();
        let mut first_leaf = Vec::with_capacity(n + 1);
        // Each tag's nodes in pre-order, so a tag event costs its own nodes, not the tree.
        // One pass over the nodes for both: on a big tree each pass is a read of the model.
        let mut tagged: Vec<Vec<NodeId>> = vec![Vec::new(); model.tags.len()];
        for (i, node) in model.nodes.iter().enumerate() {
            first_leaf.push(leaves.len() as u32);
            if node.children.is_empty() {
                leaves.push(i as NodeId);
            }
            for &t in &node.tags {
                tagged[t as usize].push(i as NodeId);
            }
        }
        first_leaf.push(leaves.len() as u32);
        let mut s = LeafSets {
            leaves,
            first_leaf,
            sets: Vec::with_capacity(model.events.len()),
            first_alike: Vec::with_capacity(model.events.len()),
            ranges: 0,
            max_ranges: model.max_ranges,
        };
        let total = s.leaves.len() as u32;
        // Each event's kind with its operands replaced by the first event written alike, so
        // that `not #t` twice finds one set as `#t` twice does.
        let mut alike: HashMap<EventKind, u32> = HashMap::new();
        // Operands are compiled before the events that use them, so index order works.
        for (i, ev) in model.events.iter().enumerate() {
            let canon = |e: u32| s.first_alike[e as usize];
            let key = match ev.kind {
                EventKind::Not(a) => EventKind::Not(canon(a)),
                EventKind::And(a, b) => EventKind::And(canon(a), canon(b)),
                EventKind::Or(a, b) => EventKind::Or(canon(a), canon(b)),
                other => other,
            };
            if let Some(&same) = alike.get(&key) {
                s.first_alike.push(same);
                let shared = Arc::clone(&s.sets[same as usize]);
                s.sets.push(shared);
                continue;
            }
            alike.insert(key, i as u32);
            s.first_alike.push(i as u32);
            let set = match ev.kind {
                EventKind::Node(node) => s.subtrees(model, [node]),
                EventKind::NodeBy(node, date) => match model.nodes[node as usize].date {
                    Some(d) if d <= date => s.subtrees(model, [node]),
                    _ => LeafSet::default(),
                },
                EventKind::Tag(tag) => s.subtrees(model, tagged[tag as usize].iter().copied()),
                EventKind::TagBy(tag, date) => s.subtrees(
                    model,
                    tagged[tag as usize]
                        .iter()
                        .copied()
                        .filter(|&k| model.nodes[k as usize].date.is_some_and(|d| d <= date)),
                ),
                EventKind::Not(a) => s.sets[a as usize].complement(total),
                EventKind::And(a, b) => s.sets[a as usize].intersection(&s.sets[b as usize]),
                EventKind::Or(a, b) => s.sets[a as usize].union(&s.sets[b as usize]),
            };
            s.count(&set)
                .map_err(|max| too_many_ranges(model, i, max, set.ranges.len()))?;
            s.sets.push(Arc::new(set));
        }
        Ok(s)
    }

    /// Counts a new distinct set against the cap; `Err` with the cap when over.
    pub(crate) fn count(&mut self, set: &LeafSet) -> Result<(), u64> {
        self.ranges = self.ranges.saturating_add(set.ranges.len() as u64);
        if self.ranges > self.max_ranges {
            return Err(self.max_ranges);
        }
        Ok(())
    }

    /// The leaves under any of `nodes` (given in pre-order): a node inside a subtree already
    /// taken adds nothing.
    fn subtrees(&self, model: &Model, nodes: impl IntoIterator<Item = NodeId>) -> LeafSet {
        let mut out = LeafSet::default();
        for node in nodes {
            let lo = self.first_leaf[node as usize];
            let hi = self.first_leaf[model.nodes[node as usize].subtree_end as usize];
            out.push(lo, hi);
        }
        out
    }

    /// An event's leaves.
    pub fn set(&self, event: u32) -> &LeafSet {
        &self.sets[event as usize]
    }

    /// The first event written like this one: two events with the same one have the same
    /// leaves.
    pub(crate) fn alike(&self, event: u32) -> u32 {
        self.first_alike[event as usize]
    }

    /// An event's leaves, shared.
    pub(crate) fn shared(&self, event: u32) -> Arc<LeafSet> {
        Arc::clone(&self.sets[event as usize])
    }

    /// The leaves in every one of `events` (all leaves for none).
    pub fn all_of(&self, events: &[u32]) -> LeafSet {
        let mut out = LeafSet::default();
        out.push(0, self.leaves.len() as u32);
        for &e in events {
            out = out.intersection(&self.sets[e as usize]);
        }
        out
    }

    /// True when the leaf with this ordinal is in the event.
    pub fn contains(&self, event: u32, ord: u32) -> bool {
        self.sets[event as usize].contains(ord)
    }

    /// The ordinal of a leaf node.
    pub fn ordinal(&self, leaf: NodeId) -> u32 {
        self.first_leaf[leaf as usize]
    }
}

/// The error of an event whose set (of `held` ranges) takes the distinct sets past `max`.
pub(crate) fn too_many_ranges(model: &Model, event: usize, max: u64, held: usize) -> Diagnostic {
    let ev = &model.events[event];
    Diagnostic::error(
        ev.file,
        ev.span,
        format!(
            "the scenario's events cover more than {max} separate runs of leaves (4 per unit \
             of --max-nodes); this one alone covers {held}"
        ),
    )
    .with_code(Code::TooLarge)
    .with_help(
        "a tag that templates repeat lies on many separate subtrees; ask fewer different \
         questions of it, or tag the subtree that holds them all",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(r: &[(u32, u32)]) -> LeafSet {
        let mut s = LeafSet::default();
        for &(lo, hi) in r {
            s.push(lo, hi);
        }
        s
    }

    #[test]
    fn set_algebra_by_hand() {
        let a = set(&[(0, 2), (5, 8)]);
        let b = set(&[(1, 6)]);
        assert_eq!(a.union(&b).ranges(), &[(0, 8)]);
        assert_eq!(a.intersection(&b).ranges(), &[(1, 2), (5, 6)]);
        assert_eq!(a.complement(10).ranges(), &[(2, 5), (8, 10)]);
        assert_eq!(set(&[]).complement(3).ranges(), &[(0, 3)]);
        assert_eq!(set(&[(0, 3)]).complement(3).ranges(), &[]);
        // Touching ranges merge, so equal sets compare equal.
        assert_eq!(set(&[(0, 2), (2, 4)]), set(&[(0, 4)]));
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 1, 5, 6, 7]);
        assert_eq!(a.len(), 5);
        assert!(a.contains(6) && !a.contains(2) && !a.contains(8) && a.contains(0));
        assert_eq!(set(&[]).sum(|_| 1.0).to_bits(), 0f64.to_bits());
    }
}
