//! Structural rules of the tree that need the whole tree: subtree extents, dates,
//! sibling ids, `rest`, branches mixed with options, and the objective.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use scn_dsl::{Code, Date, Label};

use super::Builder;
use crate::model::{NodeId, NodeKind, ProbDef, WhenDef};
use crate::prefetch::prefetch;

impl Builder<'_> {
    pub(super) fn finish_tree(&mut self) {
        self.lay_out_children();
        self.subtree_extents();
        self.resolve_dates();
        self.check_siblings();
    }

    /// Each node's children, from the parents: nodes are in pre-order, so a node's children
    /// come in the order written, and one list serves the whole tree.
    fn lay_out_children(&mut self) {
        let nodes = &mut self.model.nodes;
        let mut count = vec![0u32; nodes.len()];
        for n in nodes.iter().skip(1) {
            count[n.parent as usize] += 1;
        }
        let mut at = 0;
        for (n, c) in nodes.iter_mut().zip(count) {
            n.children = at..at;
            at += c;
        }
        let ids = &mut self.model.child_ids;
        *ids = vec![0; at as usize];
        for k in 1..nodes.len() {
            let parent = nodes[k].parent as usize;
            let range = &mut nodes[parent].children;
            ids[range.end as usize] = k as NodeId;
            range.end += 1;
        }
    }

    /// `subtree_end` of each node: children come after parents, so scan backwards.
    fn subtree_extents(&mut self) {
        let (nodes, ids) = (&mut self.model.nodes, &self.model.child_ids);
        for n in (0..nodes.len()).rev() {
            let children = &nodes[n].children;
            let end = if children.end > children.start {
                nodes[ids[children.end as usize - 1] as usize].subtree_end
            } else {
                n as u32 + 1
            };
            nodes[n].subtree_end = end;
        }
    }

    fn resolve_dates(&mut self) {
        let horizon = self.model.meta.horizon;
        self.model.nodes[0].date = self.model.meta.as_of;
        if let (Some(a), Some(h)) = (self.model.meta.as_of, horizon)
            && h < a
        {
            let (file, span) = (self.model.meta.file, self.model.meta.span);
            self.error(
                Code::DateOrder,
                file,
                span,
                format!("the horizon {h} is before as_of {a}"),
            );
        }
        // Nodes whose date ran past the last one: reported once, at the first, not again as
        // undated descendants.
        let mut past_end = vec![false; self.model.nodes.len()];
        for n in 1..self.model.nodes.len() {
            let node = &self.model.nodes[n];
            let parent = node.parent as usize;
            let parent_date = self.model.nodes[parent].date;
            let (file, span) = (node.file, node.span);
            let date = match node.when {
                None => {
                    past_end[n] = past_end[parent];
                    parent_date
                }
                Some(WhenDef::At(d)) => Some(d),
                Some(WhenDef::After(_)) if past_end[parent] => {
                    past_end[n] = true;
                    None
                }
                Some(WhenDef::After(dur)) => match parent_date {
                    Some(p) => match p.plus(dur) {
                        Some(d) => Some(d),
                        None => {
                            past_end[n] = true;
                            let id = node.id.clone();
                            self.error(
                                Code::InvalidDate,
                                file,
                                span,
                                format!(
                                    "`{id}` would be dated after {}, the last date scn handles",
                                    Date::LAST
                                ),
                            )
                            .help = Some(
                                "shorten the `after` durations on the way to this branch".into(),
                            );
                            None
                        }
                    },
                    None => {
                        let id = node.id.clone();
                        self.error(
                            Code::Undated,
                            file,
                            span,
                            format!("`{id}` is dated `after` a parent that has no date"),
                        )
                        .help = Some(
                            "give the scenario an `as_of` date, or date a node above with `at`"
                                .into(),
                        );
                        None
                    }
                },
            };
            self.model.nodes[n].date = date;
            if self.model.nodes[n].when.is_none() {
                continue;
            }
            let id = self.model.nodes[n].id.clone();
            if let (Some(d), Some(p)) = (date, parent_date)
                && d < p
            {
                let what = if parent == 0 {
                    "as_of".to_owned()
                } else {
                    format!("its parent `{}`", self.model.nodes[parent].id)
                };
                self.error(
                    Code::DateOrder,
                    file,
                    span,
                    format!("`{id}` is dated {d}, before {what} ({p})"),
                );
            }
            if let (Some(d), Some(h)) = (date, horizon)
                && d > h
            {
                self.error(
                    Code::DateOrder,
                    file,
                    span,
                    format!("`{id}` is dated {d}, after the horizon {h}"),
                );
            }
        }
        if past_end.contains(&true) {
            self.past_end = past_end;
        }
    }

    /// True when `node` has no date because a date above it ran past the last one.
    pub(super) fn date_past_end(&self, node: NodeId) -> bool {
        self.past_end.get(node as usize).is_some_and(|&b| b)
    }

    fn check_siblings(&mut self) {
        let mut any_option = None;
        for n in 0..self.model.nodes.len() {
            let children = self.model.children(n as NodeId);
            let Some(&first) = children.first() else {
                continue;
            };
            let first_kind = self.model.nodes[first as usize].kind;
            // Most bodies hold a few children: a scan finds an earlier sibling's id faster
            // than a map built for each of a million bodies.
            const SCAN: usize = 16;
            let mut ids: HashMap<&str, u32> = HashMap::new();
            let mut rest: Option<u32> = None;
            let mut errors = Vec::new();
            for (k, &c) in children.iter().enumerate() {
                // Siblings lie apart in pre-order, past each other's subtrees: each is a cache
                // miss on a big tree, which the next one's load can overlap.
                if let Some(&next) = children.get(k + 1) {
                    let next = &self.model.nodes[next as usize];
                    prefetch(&next.kind);
                    prefetch(&next.id);
                    prefetch(&next.prob);
                }
                let child = &self.model.nodes[c as usize];
                if child.kind == NodeKind::Option && any_option.is_none() {
                    any_option = Some(c);
                }
                if child.kind != first_kind {
                    let (a, b) = if first_kind == NodeKind::Branch {
                        ("branches", "option")
                    } else {
                        ("options", "branch")
                    };
                    errors.push((c, format!("this {b} stands among {a}: one body holds branches or options, never both"), None));
                }
                let earlier = if children.len() <= SCAN {
                    children[..k]
                        .iter()
                        .copied()
                        .find(|&p| self.model.nodes[p as usize].id == child.id)
                } else {
                    match ids.entry(&child.id) {
                        Entry::Occupied(e) => Some(*e.get()),
                        Entry::Vacant(e) => {
                            e.insert(c);
                            None
                        }
                    }
                };
                if let Some(prev) = earlier {
                    errors.push((
                        c,
                        format!("`{}` is already the id of a sibling", child.id),
                        Some(prev),
                    ));
                }
                if matches!(child.prob, ProbDef::Rest(_)) {
                    if let Some(prev) = rest {
                        errors.push((
                            c,
                            "only one sibling may have `p = rest`".to_owned(),
                            Some(prev),
                        ));
                    }
                    rest = Some(c);
                }
            }
            for (c, msg, prev) in errors {
                let child = &self.model.nodes[c as usize];
                let (file, span) = (
                    child.file,
                    if msg.contains("rest") {
                        child.prob_span()
                    } else {
                        child.span
                    },
                );
                let label = prev.map(|p| {
                    let pn = &self.model.nodes[p as usize];
                    Label {
                        file: pn.file,
                        span: if msg.contains("rest") {
                            pn.prob_span()
                        } else {
                            pn.span
                        },
                        message: "the first one".into(),
                    }
                });
                let site = self.model.use_site(c);
                let d = self.error(Code::TreeShape, file, span, msg);
                d.labels.extend(label);
                if let Some((f, s)) = site {
                    d.labels.push(Label {
                        file: f,
                        span: s,
                        message: "spliced in by this `use`".into(),
                    });
                }
            }
        }
        if let Some(o) = any_option
            && !self.objective_written
        {
            let n = &self.model.nodes[o as usize];
            let (file, span) = (n.file, n.span);
            self.error(Code::MissingObjective, file, span, "a scenario with options needs an objective").help =
                Some("add `objective maximize METRIC` (or `minimize`) so decisions know what to optimise".into());
        }
    }
}
