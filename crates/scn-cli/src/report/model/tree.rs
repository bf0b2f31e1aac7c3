//! The tree: each node's probability given its parent and of its whole path, its date, tags
//! and state (an option taken or not, a branch the evidence rules out). A large tree is
//! shown in part: [`Tree::select`] keeps the most probable nodes within a budget of rows and
//! levels, and sums up every group of children it leaves out as a [`Fold`] that says what
//! it hides. Every pass is a loop over the pre-order arena, whatever the depth.

use scn_dsl::Date;
use scn_eval::Evaluation;
use scn_eval::model::{NodeId, NodeKind};

/// The tree of an evaluation.
pub(crate) struct Tree<'a> {
    ev: &'a Evaluation,
    /// True under evidence: probabilities are given it, and each node has a prior.
    pub evidence: bool,
}

/// What a node shows.
pub(crate) struct TreeNode<'a> {
    /// Its id (empty for the root).
    pub id: &'a str,
    /// Its label, defaulting to its id.
    pub label: &'a str,
    /// Its dotted path.
    pub path: String,
    /// Root, branch or option.
    pub kind: NodeKind,
    /// Its depth (the root is 0).
    pub depth: u32,
    /// Its probability given its parent now (given the evidence, if any).
    pub cond: f64,
    /// Its path probability now.
    pub probability: f64,
    /// Its path probability before the evidence.
    pub prior: f64,
    /// Its date.
    pub date: Option<Date>,
    /// Its tags.
    pub tags: Vec<&'a str>,
    /// Whether it is greyed out.
    pub state: State,
    /// True when its children are options.
    pub decision: bool,
    /// Its notes.
    pub notes: &'a [std::sync::Arc<str>],
    /// The ids of the sources it cites.
    pub cites: Vec<&'a str>,
    /// Nodes below it.
    pub descendants: usize,
}

/// How a node stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// A branch, or the root.
    Open,
    /// An option its decision takes.
    Chosen,
    /// An option not taken, or a node under one: probability 0 by choice.
    Unchosen,
    /// A branch the evidence rules out.
    RuledOut,
}

/// The nodes shown of a large tree, in reading (pre-)order.
pub(crate) struct Selection {
    /// Nodes and folds.
    pub items: Vec<Item>,
    /// Nodes left out, in folds.
    pub hidden: usize,
    /// Nodes in the tree, root included.
    pub total: usize,
}

/// One line of a selection.
pub(crate) enum Item {
    /// A node shown.
    Node(NodeId),
    /// Children of one node left out.
    Fold(Fold),
}

/// Children of a node left out of a selection.
pub(crate) struct Fold {
    /// The depth they stand at.
    pub depth: u32,
    /// Nodes left out, with their subtrees.
    pub nodes: usize,
    /// The probability of the paths through them.
    pub probability: f64,
}

impl<'a> Tree<'a> {
    pub(crate) fn build(ev: &'a Evaluation) -> Tree<'a> {
        Tree {
            ev,
            evidence: ev.evidence().is_some(),
        }
    }

    /// Node `k`.
    pub(crate) fn node(&self, k: NodeId) -> TreeNode<'a> {
        let ev = self.ev;
        let model = ev.model();
        let view = ev.node(k);
        let node = view.def;
        let state = if node.kind == NodeKind::Option && view.cond == 1.0 {
            State::Chosen
        } else if node.kind == NodeKind::Option && view.cond == 0.0 {
            State::Unchosen
        } else if view.probability == 0.0 && view.prior > 0.0 {
            State::RuledOut
        } else if view.prior == 0.0 && k > 0 {
            State::Unchosen
        } else {
            State::Open
        };
        TreeNode {
            id: &node.id,
            label: if k == 0 { "Now" } else { node.label() },
            path: model.path_of(k),
            kind: node.kind,
            depth: node.depth,
            cond: view.cond_now,
            probability: view.probability,
            prior: view.prior,
            date: node.date,
            tags: node
                .tags
                .iter()
                .map(|&t| model.tags[t as usize].as_str())
                .collect(),
            state,
            decision: model.is_decision(k),
            notes: node.notes(),
            cites: node
                .cites()
                .iter()
                .map(|&c| model.sources[c as usize].id.as_str())
                .collect(),
            descendants: node.subtree_end as usize - k as usize - 1,
        }
    }

    /// The nodes to show within `rows` lines (leaves and folds) and `depth` levels below the
    /// root: all of a small tree; else the most probable nodes, taken in order of path
    /// probability while the budget allows, and every option of a decision shown (options
    /// not taken have probability 0, but they are the alternatives a reader weighs).
    pub(crate) fn select(&self, rows: usize, depth: u32) -> Selection {
        let model = self.ev.model();
        let nodes = &model.nodes;
        let n = nodes.len();
        let keep = self.keep(rows, depth);
        let prob = |k: usize| self.ev.node(k as NodeId).probability;

        // A node is closed once the scan leaves its subtree: its fold, after its shown
        // children, goes there.
        let mut items = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let close = |k: usize, items: &mut Vec<Item>| {
            let (count, p) = model
                .children(k as NodeId)
                .iter()
                .map(|&c| c as usize)
                .filter(|&c| !keep[c])
                .fold((0, 0.0), |(count, p), c| {
                    (count + nodes[c].subtree_end as usize - c, p + prob(c))
                });
            if count > 0 {
                items.push(Item::Fold(Fold {
                    depth: nodes[k].depth + 1,
                    nodes: count,
                    probability: p,
                }));
            }
        };
        for k in (0..n).filter(|&k| keep[k]) {
            while let Some(&top) = open.last() {
                if k < nodes[top].subtree_end as usize {
                    break;
                }
                open.pop();
                close(top, &mut items);
            }
            items.push(Item::Node(k as NodeId));
            if !model.is_leaf(k as NodeId) {
                open.push(k);
            }
        }
        while let Some(top) = open.pop() {
            close(top, &mut items);
        }
        Selection {
            items,
            hidden: keep.iter().filter(|&&k| !k).count(),
            total: n,
        }
    }

    /// Which nodes [`Tree::select`] shows.
    ///
    /// A parent is never less probable than its child, and ties go to the lower index, so
    /// the order adds every node after its parent. Adding a node adds one row (the node, or
    /// the fold of its children), and removes its parent's fold row when it was the last
    /// child folded.
    fn keep(&self, rows: usize, max_depth: u32) -> Vec<bool> {
        let model = self.ev.model();
        let nodes = &model.nodes;
        let n = nodes.len();
        let deepest = nodes.iter().map(|x| x.depth).max().unwrap_or(0);
        if self.ev.leaves().len() <= rows && deepest <= max_depth {
            return vec![true; n];
        }
        let order = self
            .ev
            .most_probable_first((1..n as NodeId).filter(|&k| nodes[k as usize].depth <= max_depth))
            .into_iter()
            .map(|k| k as usize);
        let mut keep = vec![false; n];
        keep[0] = true;
        let mut folded: Vec<usize> = (0..n).map(|k| model.children(k as NodeId).len()).collect();
        let mut used = 1;
        for k in order {
            let p = nodes[k].parent as usize;
            if !keep[p] {
                continue;
            }
            let grow = usize::from(folded[p] > 1);
            if used + grow > rows {
                continue;
            }
            keep[k] = true;
            folded[p] -= 1;
            used += grow;
        }
        for k in 0..n {
            let children = model.children(k as NodeId);
            if keep[k]
                && nodes[k].depth < max_depth
                && children.len() <= 12
                && model.is_decision(k as NodeId)
            {
                for &c in children {
                    keep[c as usize] = true;
                }
            }
        }
        keep
    }
}
