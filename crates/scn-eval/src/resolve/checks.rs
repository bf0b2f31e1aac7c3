//! Structural rules of the tree that need the whole tree: subtree extents, dates,
//! sibling ids, `rest`, branches mixed with options, and the objective.

use std::collections::HashMap;

use scn_dsl::{Code, Label};

use super::Builder;
use crate::model::{NodeKind, ProbDef, WhenDef};

impl Builder<'_> {
    pub(super) fn finish_tree(&mut self) {
        self.subtree_extents();
        self.resolve_dates();
        self.check_siblings();
    }

    /// `subtree_end` of each node: children come after parents, so scan backwards.
    fn subtree_extents(&mut self) {
        let nodes = &mut self.model.nodes;
        for n in (0..nodes.len()).rev() {
            // Lists grown by `push` keep room for four: a big tree's model would carry
            // that slack for every node.
            nodes[n].children.shrink_to_fit();
            nodes[n].effects.shrink_to_fit();
            let end = nodes[n]
                .children
                .last()
                .map_or(n as u32 + 1, |&c| nodes[c as usize].subtree_end);
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
        for n in 1..self.model.nodes.len() {
            let node = &self.model.nodes[n];
            let parent = node.parent as usize;
            let parent_date = self.model.nodes[parent].date;
            let (file, span) = (node.file, node.span);
            let date = match node.when {
                None => parent_date,
                Some(WhenDef::At(d)) => Some(d),
                Some(WhenDef::After(dur)) => match parent_date {
                    Some(p) => Some(p.plus(dur)),
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
    }

    fn check_siblings(&mut self) {
        let mut any_option = None;
        for n in 0..self.model.nodes.len() {
            let children = self.model.nodes[n].children.clone();
            let Some(&first) = children.first() else {
                continue;
            };
            let first_kind = self.model.nodes[first as usize].kind;
            let mut ids: HashMap<&str, u32> = HashMap::new();
            let mut rest: Option<u32> = None;
            let mut errors = Vec::new();
            for &c in &children {
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
                if let Some(&prev) = ids.get(child.id.as_str()) {
                    errors.push((
                        c,
                        format!("`{}` is already the id of a sibling", child.id),
                        Some(prev),
                    ));
                } else {
                    ids.insert(&child.id, c);
                }
                if matches!(child.prob, ProbDef::Rest) {
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
                        child.prob_span
                    } else {
                        child.span
                    },
                );
                let label = prev.map(|p| {
                    let pn = &self.model.nodes[p as usize];
                    Label {
                        file: pn.file,
                        span: if msg.contains("rest") {
                            pn.prob_span
                        } else {
                            pn.span
                        },
                        message: "the first one".into(),
                    }
                });
                let site = child.use_site;
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
