//! Events as sets of leaves.
//!
//! Which leaves an event holds depends on the tree's shape and dates only, never on
//! probabilities, so each event is computed once as a bitset over leaf ordinals and reused
//! by the point evaluation and by every Monte Carlo sample.

use crate::model::{EventKind, Model, NodeId};

/// The leaves of a model and the leaf sets of its events.
#[derive(Clone, Debug)]
pub struct LeafSets {
    /// Leaf node ids in tree order; a leaf's ordinal is its index here.
    pub leaves: Vec<NodeId>,
    /// For each node, the ordinal of the first leaf at or after it in pre-order.
    first_leaf: Vec<u32>,
    /// Each event's leaves, as a bitset over ordinals.
    sets: Vec<Vec<u64>>,
}

impl LeafSets {
    /// Computes every event's set.
    pub fn new(model: &Model) -> LeafSets {
        let n = model.nodes.len();
        let mut leaves = Vec::new();
        let mut first_leaf = Vec::with_capacity(n + 1);
        for (i, node) in model.nodes.iter().enumerate() {
            first_leaf.push(leaves.len() as u32);
            if node.children.is_empty() {
                leaves.push(i as NodeId);
            }
        }
        first_leaf.push(leaves.len() as u32);
        let mut s = LeafSets {
            leaves,
            first_leaf,
            sets: Vec::with_capacity(model.events.len()),
        };
        // Operands are compiled before the events that use them, so index order works.
        for ev in &model.events {
            let set = match ev.kind {
                EventKind::Node(node) => s.subtree(model, node),
                EventKind::NodeBy(node, date) => match model.nodes[node as usize].date {
                    Some(d) if d <= date => s.subtree(model, node),
                    _ => s.empty(),
                },
                EventKind::Tag(tag) => s.on_path(model, |m, k| m.nodes[k].tags.contains(&tag)),
                EventKind::TagBy(tag, date) => s.on_path(model, |m, k| {
                    let node = &m.nodes[k];
                    node.tags.contains(&tag) && node.date.is_some_and(|d| d <= date)
                }),
                EventKind::Not(a) => {
                    let mut v: Vec<u64> = s.sets[a as usize].iter().map(|w| !w).collect();
                    s.trim(&mut v);
                    v
                }
                EventKind::And(a, b) => s.sets[a as usize]
                    .iter()
                    .zip(&s.sets[b as usize])
                    .map(|(x, y)| x & y)
                    .collect(),
                EventKind::Or(a, b) => s.sets[a as usize]
                    .iter()
                    .zip(&s.sets[b as usize])
                    .map(|(x, y)| x | y)
                    .collect(),
            };
            s.sets.push(set);
        }
        s
    }

    fn words(&self) -> usize {
        self.leaves.len().div_ceil(64)
    }

    fn empty(&self) -> Vec<u64> {
        vec![0; self.words()]
    }

    /// Clears the bits past the last leaf.
    fn trim(&self, v: &mut [u64]) {
        let extra = self.words() * 64 - self.leaves.len();
        if extra > 0
            && let Some(last) = v.last_mut()
        {
            *last &= u64::MAX >> extra;
        }
    }

    fn subtree(&self, model: &Model, node: NodeId) -> Vec<u64> {
        let mut v = self.empty();
        let lo = self.first_leaf[node as usize] as usize;
        let hi = self.first_leaf[model.nodes[node as usize].subtree_end as usize] as usize;
        for i in lo..hi {
            v[i / 64] |= 1 << (i % 64);
        }
        v
    }

    /// Leaves whose path (the leaf included) passes a node satisfying `hit`.
    fn on_path(&self, model: &Model, hit: impl Fn(&Model, usize) -> bool) -> Vec<u64> {
        let mut flag = vec![false; model.nodes.len()];
        let mut v = self.empty();
        for k in 0..model.nodes.len() {
            let parent = model.nodes[k].parent as usize;
            flag[k] = (k != 0 && flag[parent]) || hit(model, k);
        }
        for (ord, &leaf) in self.leaves.iter().enumerate() {
            if flag[leaf as usize] {
                v[ord / 64] |= 1 << (ord % 64);
            }
        }
        v
    }

    /// The ordinals of the leaves in an event, ascending.
    pub fn members(&self, event: u32) -> Vec<u32> {
        let mut out = Vec::new();
        for (w, &word) in self.sets[event as usize].iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                out.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        out
    }

    /// The intersection of two events, as ordinals.
    pub fn members_and(&self, a: u32, b: u32) -> Vec<u32> {
        let mut out = Vec::new();
        for (w, (&x, &y)) in self.sets[a as usize]
            .iter()
            .zip(&self.sets[b as usize])
            .enumerate()
        {
            let mut bits = x & y;
            while bits != 0 {
                out.push((w * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        out
    }
}

impl LeafSets {
    /// True when the leaf with this ordinal is in the event.
    pub fn contains(&self, event: u32, ord: u32) -> bool {
        self.sets[event as usize][ord as usize / 64] >> (ord % 64) & 1 == 1
    }

    /// The ordinal of a leaf node.
    pub fn ordinal(&self, leaf: NodeId) -> u32 {
        self.first_leaf[leaf as usize]
    }
}
