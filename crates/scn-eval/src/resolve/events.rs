//! Events and queries: branch references, tags, dates, evidence, forecasts, expectations.

use std::collections::HashMap;

use scn_dsl::ast::{Event, EventKind as AstEvent, Ident, Scenario, ScenarioItemKind};
use scn_dsl::{FileId, Span};

use super::Builder;
use super::expr::Ctx;
use crate::model::{EventKind, EventNode, EventRef, ExpectDef, ForecastDef, NodeId};

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
                // `closes` and `criteria` are read by nothing yet.
                ScenarioItemKind::Forecast {
                    name, label, value, ..
                } => {
                    let program = self.compile_expr(value, 0, Ctx::Query { upto: forecasts });
                    forecasts += 1;
                    self.model.forecasts.push(ForecastDef {
                        name: name.name.to_string(),
                        label: label.as_ref().map(|l| l.value.to_string()),
                        program,
                    });
                }
                ScenarioItemKind::Expect { value, lo, hi } => {
                    let program = self.compile_expr(value, 0, Ctx::Query { upto: forecasts });
                    if lo.value > hi.value {
                        self.error(
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
                    if node != 0 && self.model.nodes[node as usize].date.is_none() {
                        let id = self.model.path_of(node);
                        self.error(
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
                        .model
                        .nodes
                        .iter()
                        .find(|n| n.tags.contains(&tag) && n.date.is_none());
                    if let Some(n) = undated {
                        let (nf, ns, id) = (n.file, n.span, n.id.clone());
                        self.error(
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

    fn resolve_tag(&mut self, t: &Ident, file: FileId) -> u32 {
        match self.model.tags.iter().position(|x| *x == t.name) {
            Some(i) => i as u32,
            None => {
                let mut msg = format!("no branch or option is tagged `#{}`", t.name);
                if let Some(s) = super::suggest(&t.name, self.model.tags.iter().map(String::as_str))
                {
                    msg = format!("{msg}; did you mean `#{s}`?");
                }
                self.error(file, t.span, msg);
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
        let matches: Vec<NodeId> = (1..self.model.nodes.len() as NodeId)
            .filter(|&n| self.model.nodes[n as usize].id == *first)
            .collect();
        match matches.as_slice() {
            [] => {
                let mut msg = format!("no branch or option is named `{first}`");
                let ids = self.unique_ids();
                if let Some(s) = super::suggest(first, ids.keys().copied()) {
                    msg = format!("{msg}; did you mean `{s}`?");
                }
                self.error(file, parts[0].span, msg);
                None
            }
            [one] => match self.walk(*one, &parts[1..]) {
                Some(n) => Some(n),
                None => {
                    let path = parts
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(".");
                    self.error(
                        file,
                        span,
                        format!(
                            "`{path}` does not name a branch: `{}` has no such descendants",
                            self.model.path_of(*one)
                        ),
                    );
                    None
                }
            },
            many => {
                let mut paths: Vec<String> = many
                    .iter()
                    .take(8)
                    .map(|&n| self.model.path_of(n))
                    .collect();
                if many.len() > 8 {
                    paths.push(format!("… {} more", many.len() - 8));
                }
                self.error(
                    file,
                    parts[0].span,
                    format!("`{first}` is ambiguous: it could be {}", paths.join(", ")),
                )
                .help = Some("write the dotted path from the root".into());
                None
            }
        }
    }

    fn walk(&self, from: NodeId, parts: &[Ident]) -> Option<NodeId> {
        let mut n = from;
        for p in parts {
            n = *self.model.nodes[n as usize]
                .children
                .iter()
                .find(|&&c| self.model.nodes[c as usize].id == p.name)?;
        }
        Some(n)
    }

    fn unique_ids(&self) -> HashMap<&str, ()> {
        self.model
            .nodes
            .iter()
            .skip(1)
            .map(|n| (n.id.as_str(), ()))
            .collect()
    }
}
