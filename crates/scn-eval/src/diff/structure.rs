//! The list of edits between two versions: every item added, removed or changed, with its
//! old and new point values and expressions as written.

use scn_dsl::{SourceMap, Span};

use super::Side;
use super::matching::{Matching, node_path};
use super::same::Same;
use crate::model::{EffectDef, Model, Node, NodeKind, ProbDef};
use crate::program::Program;

/// How an item changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with something different.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// What kind of item changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// The scenario's own settings (`as_of`, `horizon`, `objective`, `observe`, title).
    Scenario,
    /// A `let`.
    Let,
    /// A template argument of one `use`.
    Parameter,
    /// A metric.
    Metric,
    /// A source.
    Source,
    /// A branch.
    Branch,
    /// An option.
    Option,
    /// A forecast.
    Forecast,
}

impl Item {
    /// The item's kind as reports name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Item::Scenario => "scenario",
            Item::Let => "let",
            Item::Parameter => "parameter",
            Item::Metric => "metric",
            Item::Source => "source",
            Item::Branch => "branch",
            Item::Option => "option",
            Item::Forecast => "forecast",
        }
    }
}

/// A value shown for one side of a change.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// Nothing (the item or the attribute is absent on that side).
    Nothing,
    /// A point value.
    Number(f64),
    /// Text: a label, a date, a citation.
    Text(String),
    /// Several texts: tags, effects, cited sources.
    List(Vec<String>),
}

/// One edit.
#[derive(Clone, Debug)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What kind of item.
    pub item: Item,
    /// Its dotted path or name (the scenario's id for the scenario's own settings).
    pub path: String,
    /// For a change, what changed (`probability`, `date`, `tags`, `effects`, `label`,
    /// `sources`, `expression`, `initial value`, `unit`, `text`, `as_of`, …); for an item
    /// added or removed, the kind of item.
    pub what: &'static str,
    /// The old value (point values for expressions).
    pub old: Shown,
    /// The new value.
    pub new: Shown,
    /// The old expression as written, for expressions.
    pub old_text: Option<String>,
    /// The new expression as written.
    pub new_text: Option<String>,
    /// For a node added or removed: how many nodes below it came or went with it.
    pub below: u32,
}

/// Collects changes, listing at most [`super::MAX_CHANGES`]; each is built only if listed.
struct Changes {
    list: Vec<Change>,
    omitted: usize,
}

impl Changes {
    fn push(&mut self, build: impl FnOnce() -> Change) {
        if self.list.len() < super::MAX_CHANGES {
            self.list.push(build());
        } else {
            self.omitted += 1;
        }
    }
}

/// Expressions longer than this are shortened in the middle in reports.
const TEXT_SHOWN: usize = 80;

/// An expression as written, on one line, shortened when long.
pub(super) fn text(sources: &SourceMap, p: &Program) -> String {
    span_text(sources, p.file, p.span)
}

fn span_text(sources: &SourceMap, file: scn_dsl::FileId, span: Span) -> String {
    let raw = sources.get(file).slice(span);
    let mut out = String::new();
    let mut count = 0;
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= TEXT_SHOWN {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

fn changed(item: Item, path: String, what: &'static str, old: Shown, new: Shown) -> Change {
    Change {
        kind: ChangeKind::Changed,
        item,
        path,
        what,
        old,
        new,
        old_text: None,
        new_text: None,
        below: 0,
    }
}

fn opt_text(s: Option<&str>) -> Shown {
    s.map_or(Shown::Nothing, |t| Shown::Text(t.to_owned()))
}

fn num(v: f64) -> Shown {
    Shown::Number(v)
}

/// Every edit from `old` to `new`, and how many were found beyond those listed.
pub(super) fn changes(
    old: Side<'_>,
    new: Side<'_>,
    m: &Matching,
    same: &Same<'_>,
) -> (Vec<Change>, usize) {
    let mut out = Changes {
        list: Vec::new(),
        omitted: 0,
    };
    scenario(old, new, same, &mut out);
    lets(old, new, m, same, &mut out);
    metrics(old, new, m, same, &mut out);
    sources(old.evaluation.model(), new.evaluation.model(), m, &mut out);
    nodes(old, new, m, same, &mut out);
    forecasts(old, new, m, same, &mut out);
    (out.list, out.omitted)
}

fn scenario(old: Side<'_>, new: Side<'_>, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let (a, b) = (&om.meta, &nm.meta);
    let id = || b.id.clone();
    let date = |d: Option<scn_dsl::Date>| d.map_or(Shown::Nothing, |d| Shown::Text(d.to_string()));
    if a.id != b.id {
        out.push(|| {
            changed(
                Item::Scenario,
                id(),
                "id",
                Shown::Text(a.id.clone()),
                Shown::Text(b.id.clone()),
            )
        });
    }
    if a.title != b.title {
        out.push(|| {
            changed(
                Item::Scenario,
                id(),
                "title",
                Shown::Text(a.title.clone()),
                Shown::Text(b.title.clone()),
            )
        });
    }
    if a.as_of != b.as_of {
        out.push(|| changed(Item::Scenario, id(), "as_of", date(a.as_of), date(b.as_of)));
    }
    if a.horizon != b.horizon {
        out.push(|| {
            changed(
                Item::Scenario,
                id(),
                "horizon",
                date(a.horizon),
                date(b.horizon),
            )
        });
    }
    let objective = |model: &Model| {
        model.objective.map_or(Shown::Nothing, |(dir, metric)| {
            Shown::Text(format!(
                "{} {}",
                dir.as_str(),
                model.metrics[metric as usize].name
            ))
        })
    };
    let (oa, ob) = (objective(om), objective(nm));
    if oa != ob {
        out.push(|| changed(Item::Scenario, id(), "objective", oa, ob));
    }
    let evidence_same = om.observe.len() == nm.observe.len()
        && om
            .observe
            .iter()
            .zip(&nm.observe)
            .all(|(&x, &y)| same.event(x, y));
    if !evidence_same {
        let list = |side: Side<'_>| {
            let model = side.evaluation.model();
            Shown::List(
                model
                    .observe
                    .iter()
                    .map(|&e| {
                        let ev = &model.events[e as usize];
                        span_text(side.sources, ev.file, ev.span)
                    })
                    .collect(),
            )
        };
        out.push(|| changed(Item::Scenario, id(), "evidence", list(old), list(new)));
    }
}

fn lets(old: Side<'_>, new: Side<'_>, m: &Matching, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let ov: Vec<f64> = old.evaluation.lets().map(|l| l.value).collect();
    let nv: Vec<f64> = new.evaluation.lets().map(|l| l.value).collect();
    for (j, l) in nm.lets.iter().enumerate() {
        let item = if l.is_param {
            Item::Parameter
        } else {
            Item::Let
        };
        match m.lets_new[j] {
            Some(i) => {
                let i = i as usize;
                let o = &om.lets[i];
                if !same.program(&o.program, &l.program) {
                    out.push(|| Change {
                        old_text: Some(text(old.sources, &o.program)),
                        new_text: Some(text(new.sources, &l.program)),
                        ..changed(
                            item,
                            m.let_name(nm, j),
                            "expression",
                            num(ov[i]),
                            num(nv[j]),
                        )
                    });
                }
            }
            // A template argument comes and goes with its `use`: the node's effects or
            // children say so.
            None if l.is_param => {}
            None => out.push(|| Change {
                kind: ChangeKind::Added,
                new_text: Some(text(new.sources, &l.program)),
                ..changed(item, l.name.clone(), "let", Shown::Nothing, num(nv[j]))
            }),
        }
    }
    for (i, l) in om.lets.iter().enumerate() {
        if m.lets_old[i].is_none() && !l.is_param {
            out.push(|| Change {
                kind: ChangeKind::Removed,
                old_text: Some(text(old.sources, &l.program)),
                ..changed(Item::Let, l.name.clone(), "let", num(ov[i]), Shown::Nothing)
            });
        }
    }
}

fn metrics(old: Side<'_>, new: Side<'_>, m: &Matching, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let (oe, ne) = (old.evaluation, new.evaluation);
    for (j, d) in nm.metrics.iter().enumerate() {
        let Some(i) = m.metrics_new[j] else {
            out.push(|| Change {
                kind: ChangeKind::Added,
                new_text: Some(text(new.sources, &d.init)),
                ..changed(
                    Item::Metric,
                    d.name.clone(),
                    "metric",
                    Shown::Nothing,
                    num(ne.initial(j)),
                )
            });
            continue;
        };
        let i = i as usize;
        let o = &om.metrics[i];
        if !same.program(&o.init, &d.init) {
            out.push(|| Change {
                old_text: Some(text(old.sources, &o.init)),
                new_text: Some(text(new.sources, &d.init)),
                ..changed(
                    Item::Metric,
                    d.name.clone(),
                    "initial value",
                    num(oe.initial(i)),
                    num(ne.initial(j)),
                )
            });
        }
        if o.label != d.label {
            out.push(|| {
                changed(
                    Item::Metric,
                    d.name.clone(),
                    "label",
                    opt_text(o.label.as_deref()),
                    opt_text(d.label.as_deref()),
                )
            });
        }
        if o.unit != d.unit {
            out.push(|| {
                changed(
                    Item::Metric,
                    d.name.clone(),
                    "unit",
                    opt_text(o.unit.as_deref()),
                    opt_text(d.unit.as_deref()),
                )
            });
        }
    }
    for (i, o) in om.metrics.iter().enumerate() {
        if m.metrics_old[i].is_none() {
            out.push(|| Change {
                kind: ChangeKind::Removed,
                old_text: Some(text(old.sources, &o.init)),
                ..changed(
                    Item::Metric,
                    o.name.clone(),
                    "metric",
                    num(oe.initial(i)),
                    Shown::Nothing,
                )
            });
        }
    }
}

fn sources(om: &Model, nm: &Model, m: &Matching, out: &mut Changes) {
    for (j, s) in nm.sources.iter().enumerate() {
        match m.sources_new[j] {
            Some(i) if om.sources[i as usize].text != s.text => out.push(|| {
                changed(
                    Item::Source,
                    s.id.clone(),
                    "text",
                    Shown::Text(om.sources[i as usize].text.clone()),
                    Shown::Text(s.text.clone()),
                )
            }),
            Some(_) => {}
            None => out.push(|| Change {
                kind: ChangeKind::Added,
                ..changed(
                    Item::Source,
                    s.id.clone(),
                    "source",
                    Shown::Nothing,
                    Shown::Text(s.text.clone()),
                )
            }),
        }
    }
    for (i, s) in om.sources.iter().enumerate() {
        if m.sources_old[i].is_none() {
            out.push(|| Change {
                kind: ChangeKind::Removed,
                ..changed(
                    Item::Source,
                    s.id.clone(),
                    "source",
                    Shown::Text(s.text.clone()),
                    Shown::Nothing,
                )
            });
        }
    }
}

fn node_item(n: &Node) -> Item {
    match n.kind {
        NodeKind::Branch | NodeKind::Root => Item::Branch,
        NodeKind::Option => Item::Option,
    }
}

/// A node added or removed, with its probability given its parent on its side.
fn whole_node(side: Side<'_>, node: u32, kind: ChangeKind) -> Change {
    let model = side.evaluation.model();
    let n = &model.nodes[node as usize];
    let item = node_item(n);
    let value = match n.kind {
        NodeKind::Branch => num(side.evaluation.node(node).cond),
        NodeKind::Option | NodeKind::Root => opt_text(n.label.as_deref()),
    };
    let expr = prob_text(side.sources, &n.prob);
    let (old, new, old_text, new_text) = match kind {
        ChangeKind::Removed => (value, Shown::Nothing, expr, None),
        ChangeKind::Added | ChangeKind::Changed => (Shown::Nothing, value, None, expr),
    };
    Change {
        kind,
        item,
        path: node_path(model, node),
        what: item.as_str(),
        old,
        new,
        old_text,
        new_text,
        below: n.subtree_end - node - 1,
    }
}

fn prob_text(sources: &SourceMap, p: &ProbDef) -> Option<String> {
    match p {
        ProbDef::None => None,
        ProbDef::Rest(_) => Some("rest".into()),
        ProbDef::Expr(p) => Some(text(sources, p)),
    }
}

fn nodes(old: Side<'_>, new: Side<'_>, m: &Matching, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    // Pre-order: after an unmatched node, skip its subtree (it is counted in `below`).
    let mut j = 1;
    while j < nm.nodes.len() {
        let b = &nm.nodes[j];
        let Some(i) = m.nodes_new[j] else {
            out.push(|| whole_node(new, j as u32, ChangeKind::Added));
            j = b.subtree_end as usize;
            continue;
        };
        node_changes(old, new, i, j as u32, same, out);
        j += 1;
    }
    let mut i = 1;
    while i < om.nodes.len() {
        if m.nodes_old[i].is_none() {
            out.push(|| whole_node(old, i as u32, ChangeKind::Removed));
            i = om.nodes[i].subtree_end as usize;
        } else {
            i += 1;
        }
    }
}

fn node_changes(old: Side<'_>, new: Side<'_>, i: u32, j: u32, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let (a, b) = (&om.nodes[i as usize], &nm.nodes[j as usize]);
    let item = node_item(b);
    let path = || node_path(nm, j);
    let prob_same = match (&a.prob, &b.prob) {
        (ProbDef::Expr(p), ProbDef::Expr(q)) => same.program(p, q),
        (ProbDef::Rest(_), ProbDef::Rest(_)) | (ProbDef::None, ProbDef::None) => true,
        _ => false,
    };
    if !prob_same {
        out.push(|| Change {
            old_text: prob_text(old.sources, &a.prob),
            new_text: prob_text(new.sources, &b.prob),
            ..changed(
                item,
                path(),
                "probability",
                num(old.evaluation.node(i).cond),
                num(new.evaluation.node(j).cond),
            )
        });
    }
    if a.when != b.when {
        let date =
            |d: Option<scn_dsl::Date>| d.map_or(Shown::Nothing, |d| Shown::Text(d.to_string()));
        out.push(|| changed(item, path(), "date", date(a.date), date(b.date)));
    }
    let names = |model: &Model, ids: &[u32], of: fn(&Model, u32) -> String| {
        let mut v: Vec<String> = ids.iter().map(|&t| of(model, t)).collect();
        v.sort();
        v
    };
    let tag = |model: &Model, t: u32| model.tags[t as usize].clone();
    let (ta, tb) = (names(om, &a.tags, tag), names(nm, &b.tags, tag));
    if ta != tb {
        out.push(|| changed(item, path(), "tags", Shown::List(ta), Shown::List(tb)));
    }
    if a.label != b.label {
        out.push(|| {
            changed(
                item,
                path(),
                "label",
                opt_text(a.label.as_deref()),
                opt_text(b.label.as_deref()),
            )
        });
    }
    let source = |model: &Model, s: u32| model.sources[s as usize].id.clone();
    let (ca, cb) = (names(om, a.cites(), source), names(nm, b.cites(), source));
    if ca != cb {
        out.push(|| changed(item, path(), "sources", Shown::List(ca), Shown::List(cb)));
    }
    let (ea, eb) = (om.effects_of(a), nm.effects_of(b));
    let effects_same = ea.len() == eb.len()
        && ea.iter().zip(eb).all(|(x, y)| {
            om.metrics[x.metric as usize].name == nm.metrics[y.metric as usize].name
                && x.op == y.op
                && same.program(&x.program, &y.program)
        });
    if !effects_same {
        let list = |side: Side<'_>, effects: &[EffectDef]| {
            let model = side.evaluation.model();
            Shown::List(
                effects
                    .iter()
                    .map(|e| {
                        format!(
                            "{} {} {}",
                            model.metrics[e.metric as usize].name,
                            e.op.as_str(),
                            text(side.sources, &e.program)
                        )
                    })
                    .collect(),
            )
        };
        out.push(|| changed(item, path(), "effects", list(old, ea), list(new, eb)));
    }
}

fn forecasts(old: Side<'_>, new: Side<'_>, m: &Matching, same: &Same<'_>, out: &mut Changes) {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let value = |side: Side<'_>, i: usize| {
        side.evaluation
            .forecast(i)
            .value
            .map_or(Shown::Nothing, Shown::Number)
    };
    for (j, f) in nm.forecasts.iter().enumerate() {
        let Some(i) = m.forecasts_new[j] else {
            out.push(|| Change {
                kind: ChangeKind::Added,
                new_text: Some(text(new.sources, &f.program)),
                ..changed(
                    Item::Forecast,
                    f.name.clone(),
                    "forecast",
                    Shown::Nothing,
                    value(new, j),
                )
            });
            continue;
        };
        let i = i as usize;
        let o = &om.forecasts[i];
        if !same.program(&o.program, &f.program) {
            out.push(|| Change {
                old_text: Some(text(old.sources, &o.program)),
                new_text: Some(text(new.sources, &f.program)),
                ..changed(
                    Item::Forecast,
                    f.name.clone(),
                    "expression",
                    value(old, i),
                    value(new, j),
                )
            });
        }
        if o.label != f.label {
            out.push(|| {
                changed(
                    Item::Forecast,
                    f.name.clone(),
                    "label",
                    opt_text(o.label.as_deref()),
                    opt_text(f.label.as_deref()),
                )
            });
        }
    }
    for (i, o) in om.forecasts.iter().enumerate() {
        if m.forecasts_old[i].is_none() {
            out.push(|| Change {
                kind: ChangeKind::Removed,
                old_text: Some(text(old.sources, &o.program)),
                ..changed(
                    Item::Forecast,
                    o.name.clone(),
                    "forecast",
                    value(old, i),
                    Shown::Nothing,
                )
            });
        }
    }
}
