//! Building the arena tree from the scenario's branches, options and `use`s.
//!
//! An explicit stack of open bodies replaces recursion, so nesting depth costs heap, not
//! stack. Nodes are numbered as they are met, which is pre-order.

use std::collections::HashMap;

use scn_dsl::ast::{
    Block, BodyItem, BodyItemKind, Prob, Scenario, ScenarioItem, ScenarioItemKind, Use, When,
};
use scn_dsl::ast::{Effect, EffectOp};
use scn_dsl::{Code, FileId, Span};

use super::expr::Ctx;
use super::{Builder, Name, Scope};
use crate::model::{EffectDef, LetDef, Node, NodeId, NodeKind, ProbDef, WhenDef};
use crate::prefetch::prefetch;

/// A body being read: its items still to read, under which node and in which scope.
struct Open<'a> {
    items: Items<'a>,
    /// Whether the item read last was an option (`option go p = 50%` reads as an option and
    /// an effect).
    after_option: bool,
    parent: NodeId,
    scope: usize,
    /// The template whose body this is, if it is one: while it is open, a `use` of the same
    /// template is a recursion.
    template: Option<&'a str>,
}

/// The items of a body still to read: borrowed from the syntax tree, or taken out of it
/// (see [`super::resolve_draining`]) and so freed one by one as they are read.
enum Items<'a> {
    /// The scenario's own items, of which only branches, options and `use`s are read here.
    Scenario(std::slice::Iter<'a, ScenarioItem>),
    Borrowed(std::slice::Iter<'a, BodyItem>),
    Owned(std::vec::IntoIter<BodyItem>),
}

/// An item of a body: borrowed, or owned and dropped once read.
enum Next<'a> {
    Borrowed(&'a BodyItem),
    Owned(BodyItem),
}

impl<'a> Items<'a> {
    fn next(&mut self) -> Option<Next<'a>> {
        match self {
            Items::Scenario(it) => it.find_map(|i| match &i.kind {
                ScenarioItemKind::Node(n) => Some(Next::Borrowed(n)),
                _ => None,
            }),
            Items::Borrowed(it) => it.next().map(Next::Borrowed),
            Items::Owned(it) => it.next().map(Next::Owned),
        }
    }

    /// A block's items, borrowed.
    fn of_block(block: &'a Block) -> Items<'a> {
        Items::Borrowed(block.items.iter())
    }

    /// Asks for the next item's branch or option to be loaded (see [`prefetch`]): the
    /// syntax tree is read long after it was built, so each is a cache miss.
    fn prefetch_next(&self) {
        let next = match self {
            Items::Scenario(_) => None,
            Items::Borrowed(it) => it.as_slice().first(),
            Items::Owned(it) => it.as_slice().first(),
        };
        match next.map(|i| &i.kind) {
            Some(BodyItemKind::Branch(b)) => {
                prefetch(&**b);
                prefetch(&b.body);
            }
            Some(BodyItemKind::Option(o)) => prefetch(&**o),
            _ => {}
        }
    }
}

impl<'a> Builder<'a> {
    /// Builds the tree from the scenario's branches, options and `use`s: those of `taken`
    /// when the caller took them out of the syntax tree (each is then freed as soon as it is
    /// read), else those of `s`.
    pub(super) fn build_tree(&mut self, s: &'a Scenario, taken: Option<Vec<BodyItem>>) {
        let root_items = match taken {
            Some(items) => Items::Owned(items.into_iter()),
            None => Items::Scenario(s.items.iter()),
        };
        // Sized once, from the parser's count, rather than doubled into up to twice their room.
        let written = s.written;
        self.model.nodes.reserve_exact(written.nodes);
        self.model.effects.reserve_exact(written.effects);
        self.effect_owners.reserve_exact(written.effects);
        let stack = vec![Open {
            items: root_items,
            after_option: false,
            parent: 0,
            scope: 0,
            template: None,
        }];
        self.read_bodies(stack);
        // Notes are gathered aside while they are read: a node's notes are a boxed slice,
        // which grows only by copying.
        for (node, notes) in std::mem::take(&mut self.notes) {
            let n = &mut self.model.nodes[node as usize];
            n.extra.get_or_insert_default().notes = notes.into_boxed_slice();
        }
        self.lay_out_effects();
    }

    /// Puts [`Model::effects`], read in the order written, in node order, and gives each
    /// node its range. A node's effects may be written after its children's, which puts
    /// them out of node order; a stable sort keeps each node's in the order written.
    fn lay_out_effects(&mut self) {
        let mut owners = std::mem::take(&mut self.effect_owners);
        if !owners.is_sorted() {
            let mut order: Vec<u32> = (0..owners.len() as u32).collect();
            order.sort_by_key(|&i| owners[i as usize]);
            gather(&mut self.model.effects, order);
            owners.sort_unstable();
        }
        let nodes = &mut self.model.nodes;
        for (at, &node) in owners.iter().enumerate() {
            let at = at as u32;
            let range = &mut nodes[node as usize].effects;
            if range.start == range.end {
                *range = at..at;
            }
            range.end = at + 1;
        }
    }

    /// Reads the bodies on `stack` and every body they open, in pre-order.
    fn read_bodies(&mut self, mut stack: Vec<Open<'a>>) {
        // Templates with an open body, counted: the recursion check without walking the chain.
        let mut active: HashMap<&'a str, u32> = HashMap::new();
        while let Some(top) = stack.last_mut() {
            if self.over_budget {
                return;
            }
            let Some(next) = top.items.next() else {
                if let Some(t) = stack.pop().and_then(|o| o.template)
                    && let Some(n) = active.get_mut(t)
                {
                    *n -= 1;
                }
                continue;
            };
            // An owned item gives up its body to the stack; the rest of it is dropped at the
            // end of this iteration.
            let owned_item;
            let (item, body): (&BodyItem, Option<Items<'a>>) = match next {
                Next::Borrowed(i) => (i, body_of(i).map(Items::of_block)),
                Next::Owned(mut i) => {
                    let body =
                        take_body(&mut i).map(|b| Items::Owned(b.items.into_vec().into_iter()));
                    owned_item = i;
                    (&owned_item, body)
                }
            };
            // Read next, in pre-order: the first item of this one's body, else its sibling.
            match &body {
                Some(items) => items.prefetch_next(),
                None => top.items.prefetch_next(),
            }
            let after_option = std::mem::replace(
                &mut top.after_option,
                matches!(item.kind, BodyItemKind::Option(_)),
            );
            let (parent, scope) = (top.parent, top.scope);
            self.current_use = self.scopes[scope].use_site;
            let file = self.scopes[scope].file;
            let errors_before = self.diags.len();
            match &item.kind {
                BodyItemKind::Effect(e) => {
                    let metric = match self.names.get(e.target.name.as_str()) {
                        Some(&(Name::Metric(m), _)) => m,
                        other => {
                            let found = other.map(|&(n, _)| n);
                            self.effect_target_error(e, found, after_option, file);
                            // Skipping the rest of the item skips the labels below too.
                            self.label_use_sites(errors_before, scope);
                            continue;
                        }
                    };
                    let program = self.compile_expr(&e.value, scope, Ctx::Effect);
                    self.model.effects.push(EffectDef {
                        metric,
                        op: e.op,
                        program,
                    });
                    self.effect_owners.push(parent);
                }
                BodyItemKind::Note(n) => {
                    // One shared copy: a template's note is repeated at every use.
                    let text = self.texts.get(&n.value);
                    self.notes.entry(parent).or_default().push(text);
                }
                BodyItemKind::Branch(b) => {
                    let prob = match &b.prob {
                        Prob::Rest(span) => ProbDef::Rest(*span),
                        Prob::Expr(e) => ProbDef::Expr(self.compile_expr(e, scope, Ctx::Prob)),
                    };
                    let cites = self.resolve_cites(b.cites(), file);
                    let node = self.add_node(
                        parent,
                        file,
                        NodeKind::Branch,
                        &b.id,
                        b.label.as_ref(),
                        prob,
                    );
                    self.finish_header(node, b.when.as_deref(), b.tags(), cites);
                    if let Some(body) = body {
                        stack.push(open(body, node, scope));
                    }
                }
                BodyItemKind::Option(o) => {
                    let node = self.add_node(
                        parent,
                        file,
                        NodeKind::Option,
                        &o.id,
                        o.label.as_ref(),
                        ProbDef::None,
                    );
                    self.finish_header(node, o.when.as_ref(), &o.tags, Vec::new());
                    if let Some(body) = body {
                        stack.push(open(body, node, scope));
                    }
                }
                BodyItemKind::Use(u) => {
                    let name = u.template.name.as_str();
                    let recursive = active.get(name).is_some_and(|&n| n > 0);
                    if let Some((body, inner, name)) =
                        self.expand_use(u, parent, scope, file, recursive)
                    {
                        *active.entry(name).or_insert(0) += 1;
                        let mut o = open(Items::of_block(body), parent, inner);
                        o.template = Some(name);
                        stack.push(o);
                    }
                }
            }
            if self.diags.len() > errors_before {
                self.label_use_sites(errors_before, scope);
            }
        }
    }

    /// The error of an effect on something that is not a metric.
    fn effect_target_error(
        &mut self,
        e: &Effect,
        found: Option<Name>,
        after_option: bool,
        file: FileId,
    ) {
        if found.is_none() && e.target.name == "p" && e.op == EffectOp::Set && after_option {
            let span = Span::new(e.target.span.start as usize, e.value.span.end as usize);
            self.error(
                Code::ProbabilityOnOption,
                file,
                span,
                "an option has no probability: the decision chooses it",
            )
            .help = Some(
                "remove the `p = …`; if chance decides rather than the decision maker, write `branch` instead of `option`".into(),
            );
            return;
        }
        let (code, msg) = match found {
            Some(n) => (
                Code::WrongKind,
                format!(
                    "an effect changes a metric; `{}` is a {}",
                    e.target.name,
                    n.kind()
                ),
            ),
            None => (
                Code::UnknownMetric,
                format!("unknown metric `{}`", e.target.name),
            ),
        };
        self.error(code, file, e.target.span, msg).help =
            Some("declare it with `metric name = initial value`".into());
    }

    /// Errors found inside a template's body also point at the `use`s that spliced it in,
    /// innermost first: the template's text alone does not say which use went wrong. The
    /// innermost few are enough, and keep a deep chain from multiplying every error.
    fn label_use_sites(&mut self, from: usize, scope: usize) {
        const SHOWN: usize = 8;
        let mut sites = Vec::new();
        let mut s = Some(scope);
        while let Some(i) = s
            && sites.len() < SHOWN
        {
            if let (Some(site), Some(t)) = (self.scopes[i].use_site, &self.scopes[i].template) {
                sites.push((site, t.clone()));
            }
            s = self.scopes[i].caller;
        }
        for d in &mut self.diags[from..] {
            for ((file, span), t) in &sites {
                d.labels.push(scn_dsl::Label {
                    file: *file,
                    span: *span,
                    message: format!("in this use of `{t}`"),
                });
            }
        }
    }

    fn add_node(
        &mut self,
        parent: NodeId,
        file: FileId,
        kind: NodeKind,
        id: &scn_dsl::ast::Ident,
        label: Option<&scn_dsl::ast::Str>,
        prob: ProbDef,
    ) -> NodeId {
        self.spend(1, file, id.span);
        let n = self.model.nodes.len() as NodeId;
        let depth = self.model.nodes[parent as usize].depth + 1;
        if let Some((file, span)) = self.current_use {
            self.model.use_sites.push((n, file, span));
        }
        let mut node = Node::new(kind, parent, self.texts.get(&id.name), file, id.span);
        node.label = label.map(|l| self.texts.get(&l.value));
        node.subtree_end = n + 1;
        node.depth = depth;
        node.prob = prob;
        self.model.nodes.push(node);
        n
    }

    fn finish_header(
        &mut self,
        node: NodeId,
        when: Option<&When>,
        tags: &[scn_dsl::ast::Ident],
        cites: Vec<u32>,
    ) {
        let when = when.map(|w| match w {
            When::At(d) => WhenDef::At(d.date),
            When::After(d) => WhenDef::After(d.duration),
        });
        // Tags and citations are copied at every use of a template: they count against the
        // budget with the node, or a template tagged 400 times grows gigabytes of tags.
        let (file, span) = {
            let n = &self.model.nodes[node as usize];
            (n.file, n.span)
        };
        self.spend((tags.len() + cites.len()) as u64, file, span);
        let tags = tags.iter().map(|t| self.intern_tag(&t.name)).collect();
        let n = &mut self.model.nodes[node as usize];
        n.when = when;
        n.tags = tags;
        if !cites.is_empty() {
            n.extra.get_or_insert_default().cites = cites.into_boxed_slice();
        }
    }

    pub(super) fn intern_tag(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.tag_index.get(name) {
            return i;
        }
        self.model.tags.push(name.to_owned());
        let i = self.model.tags.len() as u32 - 1;
        self.tag_index.insert(name.to_owned(), i);
        i
    }

    pub(super) fn resolve_cites(
        &mut self,
        cites: &[scn_dsl::ast::Ident],
        file: FileId,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        for c in cites {
            match self.names.get(c.name.as_str()) {
                Some(&(Name::Source(i), _)) => out.push(i),
                Some(&(other, _)) => {
                    self.error(
                        Code::WrongKind,
                        file,
                        c.span,
                        format!("`cite` names a source; `{}` is a {}", c.name, other.kind()),
                    );
                }
                None => {
                    self.error(
                        Code::UnknownSource,
                        file,
                        c.span,
                        format!("unknown source `{}`", c.name),
                    )
                    .help = Some("declare it with `source id \"citation\"` in the scenario".into());
                }
            }
        }
        out
    }

    /// Binds a `use`'s arguments to fresh lets and opens the template's scope: the body,
    /// its scope and the template's name. `parent` is the node the `use` is written under;
    /// `recursive` says the template's body is open.
    fn expand_use(
        &mut self,
        u: &Use,
        parent: NodeId,
        caller: usize,
        file: FileId,
        recursive: bool,
    ) -> Option<(&'a Block, usize, &'a str)> {
        let name = &u.template.name;
        let Some(&(tfile, template)) = self.templates.get(name.as_str()) else {
            let mut msg = format!("unknown template `{name}`");
            if let Some(s) = self.suggest(name, self.templates.keys().copied()) {
                msg = format!("{msg}; did you mean `{s}`?");
            }
            self.error(Code::UnknownTemplate, file, u.template.span, msg)
                .help = Some("templates come from this file or from files it imports".into());
            return None;
        };
        // A template that uses itself, directly or through others, would never end. The
        // chain is walked only to name it in the error.
        if recursive {
            let mut chain = vec![name.to_string()];
            let mut s = Some(caller);
            while let Some(i) = s {
                if let Some(t) = &self.scopes[i].template {
                    chain.push(t.clone());
                    if t == name {
                        break;
                    }
                }
                s = self.scopes[i].caller;
            }
            chain.reverse();
            self.error(
                Code::TemplateCycle,
                file,
                u.template.span,
                format!("template `{name}` uses itself: {}", chain.join(" → ")),
            );
            return None;
        }
        let params = &template.params;
        // Refuse at once a use that cannot fit in what is left of the budget.
        let predicted = self.template_size(name);
        if predicted > self.budget {
            let alone = if predicted == u64::MAX {
                format!("more than {}", u64::MAX - 1)
            } else {
                predicted.to_string()
            };
            let detail = format!("this use of `{name}` alone expands to {alone}");
            self.out_of_budget(file, u.template.span, Some(detail));
            return None;
        }
        if !self.spend(1 + params.len() as u64, file, u.template.span) {
            return None;
        }
        let names: Vec<&str> = params.iter().map(|p| p.name.name.as_str()).collect();
        let given = self.bind_args(&format!("template `{name}`"), &names, &u.args, file)?;
        let inner = self.scopes.len();
        let site = Some((file, u.template.span));
        self.scopes.push(Scope {
            params: HashMap::new(),
            template: Some(name.to_string()),
            caller: Some(caller),
            file: tfile,
            use_site: site,
        });
        for (i, param) in params.iter().enumerate() {
            let program = match (given[i], &param.default) {
                (Some(arg), _) => self.compile_expr(arg, caller, Ctx::Arg),
                (None, Some(default)) => self.compile_expr(default, inner, Ctx::Arg),
                (None, None) => {
                    self.error(
                        Code::TemplateArguments,
                        file,
                        u.template.span,
                        format!("template `{name}` needs a value for `{}`", param.name.name),
                    );
                    return None;
                }
            };
            self.model.lets.push(LetDef {
                name: format!("{name}.{}", param.name.name),
                doc: None,
                program,
                cites: Vec::new(),
                is_param: true,
                use_parent: Some(parent),
            });
            let slot = self.model.lets.len() as u32 - 1;
            self.scopes[inner]
                .params
                .insert(param.name.name.to_string(), slot);
        }
        Some((&template.body, inner, template.name.name.as_str()))
    }
}

fn open(items: Items<'_>, parent: NodeId, scope: usize) -> Open<'_> {
    Open {
        items,
        after_option: false,
        parent,
        scope,
        template: None,
    }
}

/// A branch's or an option's body.
fn body_of(item: &BodyItem) -> Option<&Block> {
    match &item.kind {
        BodyItemKind::Branch(b) => b.body.as_ref(),
        BodyItemKind::Option(o) => o.body.as_ref(),
        _ => None,
    }
}

/// Takes a branch's or an option's body out of it.
fn take_body(item: &mut BodyItem) -> Option<Block> {
    match &mut item.kind {
        BodyItemKind::Branch(b) => b.body.take(),
        BodyItemKind::Option(o) => o.body.take(),
        _ => None,
    }
}

/// Reorders `items` in place so that `items[k]` becomes what was at `order[k]`: a list
/// as big as a tree's effects is not copied to be sorted.
fn gather<T>(items: &mut [T], mut order: Vec<u32>) {
    for start in 0..order.len() {
        // Each cycle of the permutation is walked once; a walked place points at itself.
        let mut k = start;
        while order[k] as usize != k {
            let from = order[k] as usize;
            order[k] = k as u32;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::gather;

    #[test]
    fn gather_puts_each_item_where_the_order_says() {
        // Fixed points, a 2-cycle, a 3-cycle and a long cycle, against a copy made the plain way.
        let orders: [&[u32]; 5] = [
            &[],
            &[0, 1, 2],
            &[1, 0, 2],
            &[2, 0, 1, 3],
            &[5, 3, 0, 4, 1, 2, 7, 6],
        ];
        for order in orders {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let plain: Vec<String> = order.iter().map(|&i| items[i as usize].clone()).collect();
            let mut moved = items.clone();
            gather(&mut moved, order.to_vec());
            assert_eq!(moved, plain, "order {order:?}");
        }
    }
}
