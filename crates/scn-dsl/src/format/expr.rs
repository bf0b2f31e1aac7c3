//! Expressions and events in canonical spacing; literals as written.

use crate::ast::{Arg, Call, Event, EventKind, ExpectQuery, Expr, ExprKind, ProbQuery};

pub(super) fn expr(out: &mut String, src: &str, e: &Expr) {
    match &e.kind {
        ExprKind::Number(_) => out.push_str(&src[e.span.range()]),
        ExprKind::Name(id) => out.push_str(&id.name),
        ExprKind::Neg(inner) => {
            // `- -x`, not `--x`, which reads as a decrement.
            out.push_str(if matches!(inner.kind, ExprKind::Neg(_)) {
                "- "
            } else {
                "-"
            });
            expr(out, src, inner);
        }
        ExprKind::Binary { op, lhs, rhs } => {
            expr(out, src, lhs);
            out.push(' ');
            out.push_str(op.as_str());
            out.push(' ');
            expr(out, src, rhs);
        }
        ExprKind::Call(call) => {
            let Call {
                plugin,
                func,
                args: a,
            } = &**call;
            if let Some(p) = plugin {
                out.push_str(&p.name);
                out.push('.');
            }
            out.push_str(&func.name);
            args(out, src, a);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            expr(out, src, inner);
            out.push(')');
        }
        ExprKind::Prob(q) => {
            let ProbQuery { event: ev, given } = &**q;
            out.push_str("P(");
            event(out, src, ev);
            if let Some(g) = given {
                out.push_str(" | ");
                event(out, src, g);
            }
            out.push(')');
        }
        ExprKind::Expect(q) => {
            let ExpectQuery { metric, given } = &**q;
            out.push_str("E(");
            out.push_str(&metric.name);
            if let Some(g) = given {
                out.push_str(" | ");
                event(out, src, g);
            }
            out.push(')');
        }
    }
}

pub(super) fn args(out: &mut String, src: &str, args: &[Arg]) {
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if let Some(n) = &a.name {
            out.push_str(&n.name);
            out.push_str(" = ");
        }
        expr(out, src, &a.value);
    }
    out.push(')');
}

pub(super) fn event(out: &mut String, src: &str, e: &Event) {
    match &e.kind {
        EventKind::Ref(parts) => {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&p.name);
            }
        }
        EventKind::Tag(t) => {
            out.push('#');
            out.push_str(&t.name);
        }
        EventKind::By { target, date } => {
            event(out, src, target);
            out.push_str(" by ");
            out.push_str(&src[date.span.range()]);
        }
        EventKind::Not(inner) => {
            out.push_str("not ");
            event(out, src, inner);
        }
        EventKind::And(a, b) => {
            event(out, src, a);
            out.push_str(" and ");
            event(out, src, b);
        }
        EventKind::Or(a, b) => {
            event(out, src, a);
            out.push_str(" or ");
            event(out, src, b);
        }
        EventKind::Group(inner) => {
            out.push('(');
            event(out, src, inner);
            out.push(')');
        }
    }
}
