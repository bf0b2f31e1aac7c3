//! Walks every span of a syntax tree: to erase them when comparing trees (formatter round
//! trips), and to check span invariants in tests.

use crate::ast::{
    Arg, Block, BodyItem, BodyItemKind, Call, Event, EventKind, ExpectQuery, Expr, ExprKind, File,
    Ident, Item, Prob, ProbQuery, ScenarioItemKind, When,
};
use crate::span::Span;

/// Calls `f` on every span of `file`, parents before children.
pub fn spans_mut(file: &mut File, f: &mut dyn FnMut(&mut Span)) {
    for item in &mut file.items {
        match item {
            Item::Import(i) => {
                f(&mut i.span);
                f(&mut i.path.span);
            }
            Item::Plugin(p) => {
                f(&mut p.span);
                f(&mut p.name.span);
            }
            Item::Template(t) => {
                f(&mut t.span);
                f(&mut t.name.span);
                for p in &mut t.params {
                    f(&mut p.span);
                    f(&mut p.name.span);
                    if let Some(d) = &mut p.default {
                        expr(d, f);
                    }
                }
                block(&mut t.body, f);
            }
            Item::Scenario(s) => {
                f(&mut s.span);
                f(&mut s.id.span);
                if let Some(t) = &mut s.title {
                    f(&mut t.span);
                }
                for it in &mut s.items {
                    f(&mut it.span);
                    scenario_item(&mut it.kind, f);
                }
            }
        }
    }
}

/// Sets every span to the empty span at 0, so that trees parsed from differently laid out
/// text compare equal.
pub fn erase_spans(file: &mut File) {
    spans_mut(file, &mut |s| *s = Span::default());
}

fn scenario_item(kind: &mut ScenarioItemKind, f: &mut dyn FnMut(&mut Span)) {
    match kind {
        ScenarioItemKind::AsOf(d) | ScenarioItemKind::Horizon(d) => f(&mut d.span),
        ScenarioItemKind::Author(s) | ScenarioItemKind::Description(s) => f(&mut s.span),
        ScenarioItemKind::Source { id, text } => {
            f(&mut id.span);
            f(&mut text.span);
        }
        ScenarioItemKind::Let {
            name,
            value,
            doc,
            cites,
        } => {
            f(&mut name.span);
            expr(value, f);
            if let Some(d) = doc {
                f(&mut d.span);
            }
            idents(cites, f);
        }
        ScenarioItemKind::Note(s) => f(&mut s.span),
        ScenarioItemKind::Metric {
            name,
            label,
            unit,
            init,
        } => {
            f(&mut name.span);
            for s in [label, unit].into_iter().flatten() {
                f(&mut s.span);
            }
            expr(init, f);
        }
        ScenarioItemKind::Objective { metric, .. } => f(&mut metric.span),
        ScenarioItemKind::Observe(e) => event(e, f),
        ScenarioItemKind::Forecast {
            name,
            label,
            value,
            closes,
            criteria,
        } => {
            f(&mut name.span);
            if let Some(l) = label {
                f(&mut l.span);
            }
            expr(value, f);
            if let Some(d) = closes {
                f(&mut d.span);
            }
            if let Some(c) = criteria {
                f(&mut c.span);
            }
        }
        ScenarioItemKind::Expect { value, lo, hi } => {
            expr(value, f);
            for b in [lo, hi] {
                f(&mut b.span);
                f(&mut b.number);
            }
        }
        ScenarioItemKind::Node(n) => body_item(n, f),
    }
}

fn block(b: &mut Block, f: &mut dyn FnMut(&mut Span)) {
    f(&mut b.span);
    for item in &mut b.items {
        body_item(item, f);
    }
}

fn idents(ids: &mut [Ident], f: &mut dyn FnMut(&mut Span)) {
    for i in ids {
        f(&mut i.span);
    }
}

fn when(w: Option<&mut When>, f: &mut dyn FnMut(&mut Span)) {
    match w {
        Some(When::At(d)) => f(&mut d.span),
        Some(When::After(d)) => f(&mut d.span),
        None => {}
    }
}

fn body_item(item: &mut BodyItem, f: &mut dyn FnMut(&mut Span)) {
    f(&mut item.span);
    match &mut item.kind {
        BodyItemKind::Effect(e) => {
            f(&mut e.target.span);
            expr(&mut e.value, f);
        }
        BodyItemKind::Note(s) => f(&mut s.span),
        BodyItemKind::Branch(b) => {
            f(&mut b.id.span);
            if let Some(l) = &mut b.label {
                f(&mut l.span);
            }
            match &mut b.prob {
                Prob::Rest(s) => f(s),
                Prob::Expr(e) => expr(e, f),
            }
            when(b.when.as_deref_mut(), f);
            // The tags, then the citations.
            idents(&mut b.marks, f);
            if let Some(body) = &mut b.body {
                block(body, f);
            }
        }
        BodyItemKind::Option(o) => {
            f(&mut o.id.span);
            if let Some(l) = &mut o.label {
                f(&mut l.span);
            }
            when(o.when.as_mut(), f);
            idents(&mut o.tags, f);
            if let Some(body) = &mut o.body {
                block(body, f);
            }
        }
        BodyItemKind::Use(u) => {
            f(&mut u.template.span);
            args(&mut u.args, f);
        }
    }
}

fn args(args: &mut [Arg], f: &mut dyn FnMut(&mut Span)) {
    for a in args {
        f(&mut a.span);
        if let Some(n) = &mut a.name {
            f(&mut n.span);
        }
        expr(&mut a.value, f);
    }
}

fn expr(e: &mut Expr, f: &mut dyn FnMut(&mut Span)) {
    f(&mut e.span);
    match &mut e.kind {
        ExprKind::Number(_) => {}
        ExprKind::Name(i) => f(&mut i.span),
        ExprKind::Neg(x) | ExprKind::Paren(x) => expr(x, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs, f);
            expr(rhs, f);
        }
        ExprKind::Call(call) => {
            let Call {
                plugin,
                func,
                args: a,
            } = &mut **call;
            if let Some(p) = plugin {
                f(&mut p.span);
            }
            f(&mut func.span);
            args(a, f);
        }
        ExprKind::Prob(q) => {
            let ProbQuery { event: ev, given } = &mut **q;
            event(ev, f);
            if let Some(g) = given {
                event(g, f);
            }
        }
        ExprKind::Expect(q) => {
            let ExpectQuery { metric, given } = &mut **q;
            f(&mut metric.span);
            if let Some(g) = given {
                event(g, f);
            }
        }
    }
}

fn event(e: &mut Event, f: &mut dyn FnMut(&mut Span)) {
    f(&mut e.span);
    match &mut e.kind {
        EventKind::Ref(parts) => idents(parts, f),
        EventKind::Tag(t) => f(&mut t.span),
        EventKind::By { target, date } => {
            event(target, f);
            f(&mut date.span);
        }
        EventKind::Not(x) | EventKind::Group(x) => event(x, f),
        EventKind::And(a, b) | EventKind::Or(a, b) => {
            event(a, f);
            event(b, f);
        }
    }
}
