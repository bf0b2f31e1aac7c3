//! An index of one file's syntax tree: every name it defines and every name it uses, with
//! spans. Hover, go to definition, completion and the outline read it, so that each walks a
//! flat list rather than the tree.
//!
//! Names resolve as the resolver resolves them (crates/scn-eval/src/resolve): inside a
//! template, its parameters first, then the scenario's lets, metrics, forecasts and sources,
//! one namespace; a branch path from the root, else from a bare id that is unique in the
//! tree. The index works on the syntax alone, so it answers while the scenario has errors;
//! what only the resolved tree knows (branches a template splices in) comes from the model.

use scn_dsl::Span;
use scn_dsl::ast::{
    Arg, Block, BodyItem, BodyItemKind, Event, EventKind, Expr, ExprKind, File, Ident, Item, Prob,
    ScenarioItemKind, SmolStr,
};

/// What a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefKind {
    Scenario,
    Let,
    Metric,
    Forecast,
    Source,
    Template,
    Param,
    Branch,
    Option,
    Plugin,
}

impl DefKind {
    pub(crate) fn word(self) -> &'static str {
        match self {
            DefKind::Scenario => "scenario",
            DefKind::Let => "let",
            DefKind::Metric => "metric",
            DefKind::Forecast => "forecast",
            DefKind::Source => "source",
            DefKind::Template => "template",
            DefKind::Param => "parameter",
            DefKind::Branch => "branch",
            DefKind::Option => "option",
            DefKind::Plugin => "plugin",
        }
    }

    /// Lets, metrics, forecasts and sources share the scenario's namespace.
    fn in_namespace(self) -> bool {
        matches!(
            self,
            DefKind::Let | DefKind::Metric | DefKind::Forecast | DefKind::Source
        )
    }

    pub(crate) fn is_node(self) -> bool {
        matches!(self, DefKind::Branch | DefKind::Option)
    }
}

/// A name defined.
#[derive(Clone, Debug)]
pub(crate) struct Def {
    pub kind: DefKind,
    pub name: SmolStr,
    /// The name as written.
    pub span: Span,
    /// The whole item.
    pub full: Span,
    /// The enclosing definition: a node's parent node, template or scenario; a parameter's
    /// template; a scenario item's scenario.
    pub parent: Option<usize>,
}

/// What a use of a name refers to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RefKind {
    /// A name in an expression: a let, forecast or parameter.
    Name,
    /// A metric: an effect's target, `E(m)`, the objective's.
    Metric,
    /// Part `index` of the branch path `path` (an index into [`Index::paths`]).
    Path { path: usize, index: usize },
    /// `#tag` in an event.
    Tag,
    /// A source in `cite`.
    Source,
    /// A template in `use`.
    Template,
    /// The plugin of `plugin.f(…)`.
    Plugin,
    /// A function called, with its plugin when written `plugin.f`.
    Function { plugin: Option<SmolStr> },
    /// The path of an `import`.
    Import,
    /// A named argument of `use`: a parameter of the template.
    NamedArg { template: SmolStr },
}

/// A use of a name.
#[derive(Clone, Debug)]
pub(crate) struct Ref {
    pub kind: RefKind,
    pub name: SmolStr,
    pub span: Span,
    /// The innermost template or scenario around it.
    pub scope: Option<usize>,
}

/// A branch path in an event, as written.
#[derive(Clone, Debug)]
pub(crate) struct PathRef {
    /// The whole reference (what the model records for its event).
    pub span: Span,
    pub parts: Vec<Ident>,
}

/// One file's names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub defs: Vec<Def>,
    pub refs: Vec<Ref>,
    pub paths: Vec<PathRef>,
    /// Tags on branches and options: name, span (with its `#`), the node.
    pub tags: Vec<(SmolStr, Span, usize)>,
}

/// What lies at an offset.
#[derive(Clone, Copy, Debug)]
pub(crate) enum At<'a> {
    Def(usize, &'a Def),
    Ref(&'a Ref),
    /// A tag on a node.
    Tag(&'a str, Span),
}

impl Index {
    pub(crate) fn build(file: &File) -> Index {
        let mut ix = Index::default();
        for item in &file.items {
            match item {
                Item::Import(i) => ix.refs.push(Ref {
                    kind: RefKind::Import,
                    name: i.path.value.clone(),
                    span: i.path.span,
                    scope: None,
                }),
                Item::Plugin(p) => {
                    ix.def(DefKind::Plugin, &p.name, p.span, None);
                }
                Item::Template(t) => {
                    let me = ix.def(DefKind::Template, &t.name, t.span, None);
                    for p in &t.params {
                        ix.def(DefKind::Param, &p.name, p.span, Some(me));
                        if let Some(d) = &p.default {
                            ix.expr(d, Some(me));
                        }
                    }
                    ix.block(&t.body, me, me);
                }
                Item::Scenario(s) => {
                    let me = ix.def(DefKind::Scenario, &s.id, s.span, None);
                    for it in &s.items {
                        ix.scenario_item(&it.kind, it.span, me);
                    }
                }
            }
        }
        ix
    }

    fn def(&mut self, kind: DefKind, id: &Ident, full: Span, parent: Option<usize>) -> usize {
        self.defs.push(Def {
            kind,
            name: id.name.clone(),
            span: id.span,
            full,
            parent,
        });
        self.defs.len() - 1
    }

    fn reference(&mut self, kind: RefKind, id: &Ident, scope: Option<usize>) {
        self.refs.push(Ref {
            kind,
            name: id.name.clone(),
            span: id.span,
            scope,
        });
    }

    fn scenario_item(&mut self, kind: &ScenarioItemKind, full: Span, s: usize) {
        let scope = Some(s);
        match kind {
            ScenarioItemKind::AsOf(_)
            | ScenarioItemKind::Horizon(_)
            | ScenarioItemKind::Author(_)
            | ScenarioItemKind::Description(_)
            | ScenarioItemKind::Note(_) => {}
            ScenarioItemKind::Source { id, .. } => {
                self.def(DefKind::Source, id, full, scope);
            }
            ScenarioItemKind::Let {
                name, value, cites, ..
            } => {
                self.def(DefKind::Let, name, full, scope);
                self.expr(value, scope);
                for c in cites.iter() {
                    self.reference(RefKind::Source, c, scope);
                }
            }
            ScenarioItemKind::Metric { name, init, .. } => {
                self.def(DefKind::Metric, name, full, scope);
                self.expr(init, scope);
            }
            ScenarioItemKind::Objective { metric, .. } => {
                self.reference(RefKind::Metric, metric, scope);
            }
            ScenarioItemKind::Observe(e) => self.event(e, scope),
            ScenarioItemKind::Forecast { name, value, .. } => {
                self.def(DefKind::Forecast, name, full, scope);
                self.expr(value, scope);
            }
            ScenarioItemKind::Expect { value, .. } => self.expr(value, scope),
            ScenarioItemKind::Node(b) => self.body_item(b, s, s),
        }
    }

    /// `parent` is the enclosing node (or template, or scenario); `scope` the template or
    /// scenario.
    fn block(&mut self, b: &Block, parent: usize, scope: usize) {
        for item in b.items.iter() {
            self.body_item(item, parent, scope);
        }
    }

    fn body_item(&mut self, item: &BodyItem, parent: usize, scope: usize) {
        let sc = Some(scope);
        match &item.kind {
            BodyItemKind::Effect(e) => {
                self.reference(RefKind::Metric, &e.target, sc);
                self.expr(&e.value, sc);
            }
            BodyItemKind::Note(_) => {}
            BodyItemKind::Branch(b) => {
                let me = self.def(DefKind::Branch, &b.id, item.span, Some(parent));
                if let Prob::Expr(e) = &b.prob {
                    self.expr(e, sc);
                }
                for t in b.tags() {
                    self.tags.push((t.name.clone(), t.span, me));
                }
                for c in b.cites() {
                    self.reference(RefKind::Source, c, sc);
                }
                if let Some(body) = &b.body {
                    self.block(body, me, scope);
                }
            }
            BodyItemKind::Option(o) => {
                let me = self.def(DefKind::Option, &o.id, item.span, Some(parent));
                for t in o.tags.iter() {
                    self.tags.push((t.name.clone(), t.span, me));
                }
                if let Some(body) = &o.body {
                    self.block(body, me, scope);
                }
            }
            BodyItemKind::Use(u) => {
                self.reference(RefKind::Template, &u.template, sc);
                self.args(&u.args, sc, Some(&u.template.name));
            }
        }
    }

    fn args(&mut self, args: &[Arg], scope: Option<usize>, template: Option<&SmolStr>) {
        for a in args {
            if let (Some(name), Some(t)) = (&a.name, template) {
                self.reference(
                    RefKind::NamedArg {
                        template: t.clone(),
                    },
                    name,
                    scope,
                );
            }
            self.expr(&a.value, scope);
        }
    }

    fn expr(&mut self, e: &Expr, scope: Option<usize>) {
        match &e.kind {
            ExprKind::Number(_) => {}
            ExprKind::Name(id) => self.reference(RefKind::Name, id, scope),
            ExprKind::Neg(x) | ExprKind::Paren(x) => self.expr(x, scope),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, scope);
                self.expr(rhs, scope);
            }
            ExprKind::Call(c) => {
                if let Some(p) = &c.plugin {
                    self.reference(RefKind::Plugin, p, scope);
                }
                let plugin = c.plugin.as_ref().map(|p| p.name.clone());
                self.reference(RefKind::Function { plugin }, &c.func, scope);
                self.args(&c.args, scope, None);
            }
            ExprKind::Prob(q) => {
                self.event(&q.event, scope);
                if let Some(g) = &q.given {
                    self.event(g, scope);
                }
            }
            ExprKind::Expect(q) => {
                self.reference(RefKind::Metric, &q.metric, scope);
                if let Some(g) = &q.given {
                    self.event(g, scope);
                }
            }
        }
    }

    fn event(&mut self, e: &Event, scope: Option<usize>) {
        match &e.kind {
            EventKind::Ref(parts) => {
                let path = self.paths.len();
                self.paths.push(PathRef {
                    span: e.span,
                    parts: parts.clone(),
                });
                for (index, p) in parts.iter().enumerate() {
                    self.reference(RefKind::Path { path, index }, p, scope);
                }
            }
            EventKind::Tag(t) => self.reference(RefKind::Tag, t, scope),
            EventKind::By { target, .. } => self.event(target, scope),
            EventKind::Not(x) | EventKind::Group(x) => self.event(x, scope),
            EventKind::And(a, b) | EventKind::Or(a, b) => {
                self.event(a, scope);
                self.event(b, scope);
            }
        }
    }

    /// The name defined or used at a byte offset (a cursor just after a name is on it).
    pub(crate) fn at(&self, offset: usize) -> Option<At<'_>> {
        let on = |s: Span| s.start as usize <= offset && offset <= s.end as usize;
        if let Some(r) = self.refs.iter().find(|r| on(r.span)) {
            return Some(At::Ref(r));
        }
        if let Some((i, d)) = self.defs.iter().enumerate().find(|(_, d)| on(d.span)) {
            return Some(At::Def(i, d));
        }
        self.tags
            .iter()
            .find(|(_, s, _)| on(*s))
            .map(|(n, s, _)| At::Tag(n.as_str(), *s))
    }

    /// The template or scenario a definition lies in (itself for one).
    pub(crate) fn scope_of(&self, mut d: usize) -> usize {
        loop {
            match self.defs[d].kind {
                DefKind::Template | DefKind::Scenario => return d,
                _ => match self.defs[d].parent {
                    Some(p) => d = p,
                    None => return d,
                },
            }
        }
    }

    /// The first scenario, whose namespace templates read.
    pub(crate) fn scenario(&self) -> Option<usize> {
        self.defs.iter().position(|d| d.kind == DefKind::Scenario)
    }

    /// What a name in an expression (or a metric reference) written in `scope` stands for.
    pub(crate) fn resolve_name(&self, name: &str, scope: Option<usize>) -> Option<usize> {
        if let Some(s) = scope
            && self.defs[s].kind == DefKind::Template
            && let Some(p) = self
                .defs
                .iter()
                .position(|d| d.kind == DefKind::Param && d.parent == Some(s) && d.name == name)
        {
            return Some(p);
        }
        let scenario = match scope {
            Some(s) if self.defs[s].kind == DefKind::Scenario => Some(s),
            _ => self.scenario(),
        }?;
        self.defs
            .iter()
            .position(|d| d.kind.in_namespace() && d.parent == Some(scenario) && d.name == name)
    }

    /// The nodes directly under `parent` (a scenario, template or node).
    pub(crate) fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        self.defs
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.kind.is_node() && d.parent == Some(parent))
            .map(|(i, _)| i)
    }

    /// The node a path names from the syntax alone: from the scenario's top, else from a
    /// bare id unique in the scenario. Gives the node of each part that resolved.
    pub(crate) fn walk_path(&self, path: &PathRef) -> Vec<usize> {
        let Some(scenario) = self.scenario() else {
            return Vec::new();
        };
        let walk = |from: usize, parts: &[Ident]| -> Vec<usize> {
            let mut out = Vec::new();
            let mut at = from;
            for p in parts {
                match self.children(at).find(|&c| self.defs[c].name == p.name) {
                    Some(c) => {
                        out.push(c);
                        at = c;
                    }
                    None => break,
                }
            }
            out
        };
        let from_root = walk(scenario, &path.parts);
        if from_root.len() == path.parts.len() {
            return from_root;
        }
        let first = &path.parts[0].name;
        let mut bare = self
            .defs
            .iter()
            .enumerate()
            .filter(|(i, d)| d.kind.is_node() && d.name == *first && self.scope_of(*i) == scenario)
            .map(|(i, _)| i);
        match (bare.next(), bare.next()) {
            (Some(one), None) => {
                let mut out = vec![one];
                out.extend(walk(one, &path.parts[1..]));
                out
            }
            _ => from_root,
        }
    }

    /// The path of ids from the top of its scenario or template down to a node.
    #[cfg(test)]
    pub(crate) fn dotted(&self, node: usize) -> String {
        let mut parts = Vec::new();
        let mut at = Some(node);
        while let Some(d) = at {
            if !self.defs[d].kind.is_node() {
                break;
            }
            parts.push(self.defs[d].name.as_str());
            at = self.defs[d].parent;
        }
        parts.reverse();
        parts.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(src: &str) -> Index {
        Index::build(&scn_dsl::parse(src, scn_dsl::FileId(0)).unwrap())
    }

    #[test]
    fn names_resolve_as_the_resolver_does() {
        let src = "template t(x) { branch a p = x { cost += x } branch b p = rest }\n\
                   scenario s { let x = 0.3 metric cost = 0\n\
                   branch top p = x { use t(x = 0.5) }\n\
                   branch other p = rest { branch a p = 1 }\n\
                   forecast f = P(top.a) + P(other) }";
        let ix = index(src);
        // `x` in the template is its parameter; in the scenario, the let.
        let in_template = src.find("p = x").unwrap() + 4;
        let Some(At::Ref(r)) = ix.at(in_template) else {
            panic!()
        };
        let d = ix.resolve_name(&r.name, r.scope).unwrap();
        assert_eq!(ix.defs[d].kind, DefKind::Param);
        let in_scenario = src.find("top p = x").unwrap() + 8;
        let Some(At::Ref(r)) = ix.at(in_scenario) else {
            panic!()
        };
        let d = ix.resolve_name(&r.name, r.scope).unwrap();
        assert_eq!(ix.defs[d].kind, DefKind::Let);
        // `cost` in the template's effect is the scenario's metric.
        let cost = src.find("cost +=").unwrap();
        let Some(At::Ref(r)) = ix.at(cost) else {
            panic!()
        };
        assert_eq!(r.kind, RefKind::Metric);
        assert_eq!(
            ix.defs[ix.resolve_name(&r.name, r.scope).unwrap()].kind,
            DefKind::Metric
        );
        // `top.a` walks from the root: `top` resolves, `a` is spliced in by the template,
        // which only the model knows.
        assert_eq!(ix.walk_path(&ix.paths[0]).len(), 1);
        // `other` is a top-level branch.
        let other = ix.walk_path(&ix.paths[1]);
        assert_eq!(ix.dotted(other[0]), "other");
    }

    #[test]
    fn bare_ids_walk_from_a_unique_node() {
        let ix = index(
            "scenario s { branch a p = 1 { branch b p = 1 { branch c p = 1 } } \
             forecast f = P(b.c) }",
        );
        let nodes = ix.walk_path(&ix.paths[0]);
        assert_eq!(nodes.len(), 2);
        assert_eq!(ix.dotted(nodes[1]), "a.b.c");
    }
}
