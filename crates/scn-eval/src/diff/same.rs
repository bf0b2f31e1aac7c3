//! Whether an expression of the old version says what one of the new version says.
//!
//! Compiled programs are compared instruction by instruction, with every name read through
//! the matching: `p_sign` is the same in both versions when it names the matching let,
//! whatever its value. `50%` and `0.5` compile alike and are the same; whitespace and
//! comments never count.

use super::matching::Matching;
use crate::model::{EventKind, EventRef, Model, NodeId, Query};
use crate::program::{Instr, Program};

/// Compares expressions across two versions.
pub(super) struct Same<'a> {
    old: &'a Model,
    new: &'a Model,
    m: &'a Matching,
}

impl<'a> Same<'a> {
    pub(super) fn new(old: &'a Model, new: &'a Model, m: &'a Matching) -> Same<'a> {
        Same { old, new, m }
    }

    /// True when old program `a` and new program `b` are the same expression.
    pub(super) fn program(&self, a: &Program, b: &Program) -> bool {
        a.code.len() == b.code.len() && a.code.iter().zip(&b.code).all(|(x, y)| self.instr(x, y))
    }

    fn instr(&self, x: &Instr, y: &Instr) -> bool {
        let (old, new, m) = (self.old, self.new, self.m);
        match *x {
            Instr::Const(a) => matches!(*y, Instr::Const(b) if a == b),
            Instr::Let(a) => matches!(*y, Instr::Let(b) if m.lets_old[a as usize] == Some(b)),
            Instr::Metric(a) => {
                matches!(*y, Instr::Metric(b) if m.metrics_old[a as usize] == Some(b))
            }
            Instr::Forecast(a) => {
                matches!(*y, Instr::Forecast(b) if m.forecasts_old[a as usize] == Some(b))
            }
            Instr::Query(a) => matches!(*y, Instr::Query(b) if self.query(a, b)),
            Instr::Neg => matches!(*y, Instr::Neg),
            Instr::Bin(a) => matches!(*y, Instr::Bin(b) if a == b),
            Instr::BinLet(a, i) => {
                matches!(*y, Instr::BinLet(b, j) if a == b && m.lets_old[i as usize] == Some(j))
            }
            Instr::BinConst(a, c) => matches!(*y, Instr::BinConst(b, d) if a == b && c == d),
            // Draw sites are numbered per file: only the family matters.
            Instr::Dist(a, _) => matches!(*y, Instr::Dist(b, _) if a == b),
            Instr::ConstDist(a) => matches!(*y, Instr::ConstDist(b)
                if old.const_dists[a as usize] == new.const_dists[b as usize]),
            Instr::Call(f, n) => matches!(*y, Instr::Call(g, k) if f == g && n == k),
        }
    }

    fn query(&self, a: u32, b: u32) -> bool {
        match self.old.queries[a as usize] {
            Query::Prob { event, given } => match self.new.queries[b as usize] {
                Query::Prob { event: e, given: g } => self.event(event, e) && self.given(given, g),
                Query::Expect { .. } => false,
            },
            Query::Expect { metric, given } => match self.new.queries[b as usize] {
                Query::Expect {
                    metric: n,
                    given: g,
                } => self.m.metrics_old[metric as usize] == Some(n) && self.given(given, g),
                Query::Prob { .. } => false,
            },
        }
    }

    fn given(&self, a: Option<EventRef>, b: Option<EventRef>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => self.event(a, b),
            (None, Some(_)) | (Some(_), None) => false,
        }
    }

    fn node(&self, a: NodeId, b: NodeId) -> bool {
        self.m.nodes_old[a as usize] == Some(b)
    }

    fn tag(&self, a: u32, b: u32) -> bool {
        self.old.tags[a as usize] == self.new.tags[b as usize]
    }

    /// True when old event `a` and new event `b` are written alike over matching nodes and
    /// tags. An explicit stack: events may nest as deep as the parser allows.
    pub(super) fn event(&self, a: EventRef, b: EventRef) -> bool {
        let mut stack = vec![(a, b)];
        while let Some((a, b)) = stack.pop() {
            let y = self.new.events[b as usize].kind;
            let same = match self.old.events[a as usize].kind {
                EventKind::Node(n) => matches!(y, EventKind::Node(m) if self.node(n, m)),
                EventKind::Tag(t) => matches!(y, EventKind::Tag(u) if self.tag(t, u)),
                EventKind::NodeBy(n, d) => {
                    matches!(y, EventKind::NodeBy(m, e) if self.node(n, m) && d == e)
                }
                EventKind::TagBy(t, d) => {
                    matches!(y, EventKind::TagBy(u, e) if self.tag(t, u) && d == e)
                }
                EventKind::Not(p) => match y {
                    EventKind::Not(q) => {
                        stack.push((p, q));
                        true
                    }
                    _ => false,
                },
                EventKind::And(p, q) => match y {
                    EventKind::And(r, s) => {
                        stack.push((p, r));
                        stack.push((q, s));
                        true
                    }
                    _ => false,
                },
                EventKind::Or(p, q) => match y {
                    EventKind::Or(r, s) => {
                        stack.push((p, r));
                        stack.push((q, s));
                        true
                    }
                    _ => false,
                },
            };
            if !same {
                return false;
            }
        }
        true
    }
}
