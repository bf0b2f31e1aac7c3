//! Events and queries: branch references, tags, dates, evidence, forecasts, expectations.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use scn_dsl::ast::{DateLit, Event, EventKind as AstEvent, Ident, Scenario, ScenarioItemKind};
use scn_dsl::{Code, Diagnostic, FileId, Span};

use super::Builder;
use super::expr::Ctx;
use crate::model::{
    EventKind, EventNode, EventRef, ExpectDef, ForecastDef, ForecastKind, Node, NodeId, Query,
};
use crate::program::{Instr, Program};

impl Builder<'_> {
    /// Compiles evidence, forecasts and expectations, in source order.
    pub(super) fn compile_queries(&mut self, s: &Scenario) {
        let mut forecasts = 0;
        for item in &s.items {
            match &item.kind {
                ScenarioItemKind::Observe(e) => {
                    let ev = self.compile_event(e, self.file);
                    self.model.observe.push(ev);
                }
                ScenarioItemKind::Forecast {
                    name,
                    label,
                    value,
                    closes,
                    criteria,
                } => {
                    let program = self.compile_expr(value, 0, Ctx::Query { upto: forecasts });
                    forecasts += 1;
                    let kind = self.forecast_kind(&program);
                    if let Some(c) = closes {
                        self.check_closes(&name.name, c);
                    }
                    self.model.forecasts.push(ForecastDef {
                        name: name.name.to_string(),
                        label: label.as_ref().map(|l| l.value.to_string()),
                        program,
                        kind,
                        closes: closes.map(|c| c.date),
                        criteria: criteria.as_ref().map(|c| c.value.to_string()),
                        span: name.span,
                        file: self.file,
                    });
                }
                ScenarioItemKind::Expect { value, lo, hi } => {
                    let program = self.compile_expr(value, 0, Ctx::Query { upto: forecasts });
                    if lo.value > hi.value {
                        self.error(
                            Code::ReversedBounds,
                            self.file,
                            lo.span,
                            format!("the bounds {} .. {} are reversed", lo.value, hi.value),
                        );
                    }
                    self.model.expects.push(ExpectDef {
                        program,
                        lo: lo.value,
                        hi: hi.value,
                        span: item.span,
                        file: self.file,
                    });
                }
                _ => {}
            }
        }
    }

    /// A forecast is a probability when it is one `P(…)` query and nothing else (or names
    /// such a forecast): only then is its value the chance of one event, which a yes or a no
    /// resolves. Arithmetic around a query (`1 - P(a)`) makes it a number; the event algebra
    /// (`P(not a)`) says the same as a probability.
    fn forecast_kind(&self, program: &Program) -> ForecastKind {
        match &*program.code {
            [Instr::Query(q)] if matches!(self.model.queries[*q as usize], Query::Prob { .. }) => {
                ForecastKind::Probability
            }
            [Instr::Forecast(i)] => self.model.forecasts[*i as usize].kind,
            _ => ForecastKind::Number,
        }
    }

    /// `closes` after the horizon is an error: the scenario says nothing past its horizon,
    /// so it cannot answer the question. Before `as_of` it is a warning: the question had
    /// closed when the scenario was written (a library that keeps its closed forecasts stays
    /// valid, but the forecast is hindsight).
    fn check_closes(&mut self, name: &str, closes: &DateLit) {
        let meta = &self.model.meta;
        if let Some(h) = meta.horizon
            && closes.date > h
        {
            let id = meta.id.clone();
            self.error(
                Code::DateOrder,
                self.file,
                closes.span,
                format!(
                    "the forecast `{name}` closes {}, after the horizon {h} of `{id}`",
                    closes.date
                ),
            )
            .help = Some(
                "a scenario says nothing past its horizon: close the question by then, or move the horizon".into(),
            );
        } else if let Some(a) = meta.as_of
            && closes.date < a
        {
            self.model.warnings.push(
                Diagnostic::warning(
                    self.file,
                    closes.span,
                    format!(
                        "the forecast `{name}` closes {}, before as_of {a}: its question had closed when the scenario was written",
                        closes.date
                    ),
                )
                .with_help(
                    "a closed question's forecast is scored from the versions before it closed (`scn score --history`); remove it from this version, or correct the date",
                )
                .with_code(Code::ClosedQuestion),
            );
        }
    }

    pub(super) fn compile_event(&mut self, e: &Event, file: FileId) -> EventRef {
        let kind = match &e.kind {
            AstEvent::Group(inner) => return self.compile_event(inner, file),
            AstEvent::Ref(parts) => {
                EventKind::Node(self.resolve_ref(parts, e.span, file).unwrap_or(0))
            }
            AstEvent::Tag(t) => EventKind::Tag(self.resolve_tag(t, file)),
            AstEvent::By { target, date } => match &target.kind {
                AstEvent::Ref(parts) => {
                    let node = self.resolve_ref(parts, target.span, file).unwrap_or(0);
                    if node != 0
                        && self.model.nodes[node as usize].date.is_none()
                        && !self.date_past_end(node)
                    {
                        let id = self.path_of(node);
                        self.error(
                            Code::Undated,
                            file,
                            target.span,
                            format!("`{id}` has no date, so `by` cannot apply to it"),
                        )
                        .help = Some(
                            "date it with `at`/`after`, or give the scenario an `as_of`".into(),
                        );
                    }
                    EventKind::NodeBy(node, date.date)
                }
                AstEvent::Tag(t) => {
                    let tag = self.resolve_tag(t, file);
                    let undated = self
                        .first_undated(tag)
                        .filter(|&n| !self.date_past_end(n))
                        .map(|n| &self.model.nodes[n as usize]);
                    if let Some(n) = undated {
                        let (nf, ns, id) = (n.file, n.span, n.id.clone());
                        self.error(
                            Code::Undated,
                            file,
                            target.span,
                            format!(
                                "`#{}` is on `{id}`, which has no date, so `by` cannot apply",
                                t.name
                            ),
                        )
                        .labels
                        .push(scn_dsl::Label {
                            file: nf,
                            span: ns,
                            message: "undated".into(),
                        });
                    }
                    EventKind::TagBy(tag, date.date)
                }
                _ => unreachable!("the grammar puts `by` only after a reference or a tag"),
            },
            AstEvent::Not(inner) => EventKind::Not(self.compile_event(inner, file)),
            AstEvent::And(a, b) => {
                EventKind::And(self.compile_event(a, file), self.compile_event(b, file))
            }
            AstEvent::Or(a, b) => {
                EventKind::Or(self.compile_event(a, file), self.compile_event(b, file))
            }
        };
        self.model.events.push(EventNode {
            kind,
            span: e.span,
            file,
        });
        self.model.events.len() as EventRef - 1
    }

    /// The first node in tree order with this tag and no date, if any.
    fn first_undated(&mut self, tag: u32) -> Option<NodeId> {
        if self.undated_tags.is_none() {
            let mut first = HashMap::new();
            for (i, n) in self.model.nodes.iter().enumerate() {
                if n.date.is_none() {
                    for &t in &n.tags {
                        first.entry(t).or_insert(i as NodeId);
                    }
                }
            }
            self.undated_tags = Some(first);
        }
        self.undated_tags.as_ref()?.get(&tag).copied()
    }

    fn resolve_tag(&mut self, t: &Ident, file: FileId) -> u32 {
        match self.tag_index.get(t.name.as_str()) {
            Some(&i) => i,
            None => {
                let mut msg = format!("no branch or option is tagged `#{}`", t.name);
                if let Some(s) = self.suggest(&t.name, self.model.tags.iter().map(String::as_str)) {
                    msg = format!("{msg}; did you mean `#{s}`?");
                }
                self.error(Code::UnknownTag, file, t.span, msg);
                self.intern_tag(&t.name)
            }
        }
    }

    /// A dotted path from the root, or from a bare id that is unique in the tree.
    fn resolve_ref(&mut self, parts: &[Ident], span: Span, file: FileId) -> Option<NodeId> {
        if let Some(n) = self.walk(0, parts) {
            return Some(n);
        }
        let first = &parts[0].name;
        // The count and the first few: all of them could be every node of the tree.
        self.bare_ids();
        let bare = self.bare_ids.as_ref().expect("built above");
        let nodes = &self.model.nodes;
        let (mut count, mut matches) = (0, Vec::new());
        for n in bare.nodes(nodes, first) {
            if count < 8 {
                matches.push(n);
            }
            count += 1;
        }
        match matches.as_slice() {
            [] => {
                let mut msg = format!("no branch or option is named `{first}`");
                // `P(deal)` for the tag `#deal`: the tag is what was meant, not a near name.
                let tag = parts.len() == 1 && self.tag_index.contains_key(first.as_str());
                let ids = self.model.nodes.iter().skip(1).map(|n| &*n.id);
                if tag {
                    msg = format!("{msg}; `#{first}` is a tag");
                } else if let Some(s) = self.suggest(first, ids) {
                    msg = format!("{msg}; did you mean `{s}`?");
                }
                let d = self.error(Code::UnknownBranch, file, parts[0].span, msg);
                if tag {
                    d.help = Some(format!(
                        "write `#{first}` for the branches and options tagged `#{first}`"
                    ));
                }
                None
            }
            [one] if count == 1 => match self.walk(*one, &parts[1..]) {
                Some(n) => Some(n),
                None => {
                    let path = parts
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(".");
                    self.error(
                        Code::UnknownBranch,
                        file,
                        span,
                        format!(
                            "`{path}` does not name a branch: `{}` has no such descendants",
                            self.path_of(*one)
                        ),
                    );
                    None
                }
            },
            many => {
                let mut paths: Vec<String> = many.iter().map(|&n| self.path_of(n)).collect();
                if count > 8 {
                    paths.push(format!("… {} more", count - 8));
                }
                self.error(
                    Code::AmbiguousName,
                    file,
                    parts[0].span,
                    format!("`{first}` is ambiguous: it could be {}", paths.join(", ")),
                )
                .help = Some("write the dotted path from the root".into());
                None
            }
        }
    }

    /// Follows a dotted path down from a node; the first sibling of an id wins.
    fn walk(&mut self, from: NodeId, parts: &[Ident]) -> Option<NodeId> {
        let mut n = from;
        for p in parts {
            n = self.child(n, &p.name)?;
        }
        Some(n)
    }

    /// The first child of a node with an id. A node with many children gets an index on
    /// first use, so that many references into it cost a lookup each, not a scan.
    fn child(&mut self, node: NodeId, id: &str) -> Option<NodeId> {
        const SCAN: usize = 16;
        let nodes = &self.model.nodes;
        let children = self.model.children(node);
        if children.len() <= SCAN {
            return children
                .iter()
                .copied()
                .find(|&c| &*nodes[c as usize].id == id);
        }
        let index = self.child_ids.entry(node).or_insert_with(|| {
            let mut m = HashMap::with_capacity(children.len());
            for &c in children {
                m.entry(nodes[c as usize].id.clone()).or_insert(c);
            }
            m
        });
        index.get(id).copied()
    }

    /// The index of bare ids, built once the tree is done.
    fn bare_ids(&mut self) {
        if self.bare_ids.is_none() {
            self.bare_ids = Some(BareIds::new(&self.model.nodes));
        }
    }
}

/// The nodes of each id, in tree order, without a copy of the ids: the hash of an id leads
/// to the first node whose id has that hash, and each node to the next one with the same
/// hash. On a million-node tree a map from each id to its nodes held over 100 MB.
pub(super) struct BareIds {
    hasher: RandomState,
    first: HashMap<u64, NodeId>,
    /// The next node with the same hash; 0 (the root, which has no id) for none.
    next: Vec<NodeId>,
}

impl BareIds {
    fn new(nodes: &[Node]) -> BareIds {
        let hasher = RandomState::new();
        let mut first = HashMap::new();
        let mut next = vec![0; nodes.len()];
        // Backwards, so that each chain runs in tree order.
        for (i, n) in nodes.iter().enumerate().skip(1).rev() {
            let h = hasher.hash_one(&*n.id);
            next[i] = first.insert(h, i as NodeId).unwrap_or(0);
        }
        BareIds {
            hasher,
            first,
            next,
        }
    }

    /// The nodes whose id is `id`, in tree order.
    fn nodes<'s>(&'s self, nodes: &'s [Node], id: &'s str) -> impl Iterator<Item = NodeId> + 's {
        let start = self
            .first
            .get(&self.hasher.hash_one(id))
            .copied()
            .unwrap_or(0);
        std::iter::successors(Some(start), |&n| Some(self.next[n as usize]))
            .take_while(|&n| n != 0)
            .filter(move |&n| &*nodes[n as usize].id == id)
    }
}
