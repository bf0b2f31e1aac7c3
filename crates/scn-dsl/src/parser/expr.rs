//! Expressions (operator precedence by the Pratt parser), events and queries.

use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::Builder;
use crate::ast::{BinOp, Call, Event, EventKind, ExpectQuery, Expr, ExprKind, ProbQuery};
use crate::grammar::Rule;
use crate::span::Span;

/// Precedence, loosest first: `to`; `+ -`; `* /`; unary `-`; `^` (right-associative).
/// Unary minus sits below `^` so that `-2^2` is -4.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::to_op, Assoc::Left))
        .op(Op::infix(Rule::add_op, Assoc::Left) | Op::infix(Rule::sub_op, Assoc::Left))
        .op(Op::infix(Rule::mul_op, Assoc::Left) | Op::infix(Rule::div_op, Assoc::Left))
        .op(Op::prefix(Rule::neg_op))
        .op(Op::infix(Rule::pow_op, Assoc::Right))
});

impl Builder {
    pub(super) fn parse_expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        assert_eq!(pair.as_rule(), Rule::expr);
        let span = self.span(&pair);
        // The operators of this level, infix and prefix, as the fast path counts them: the
        // children less the operands. (Children minus one, operands included, counted each
        // infix operator twice, so pest refused an item of 50,001 `+` the fast path took.)
        let operators = pair
            .clone()
            .into_inner()
            .filter(|p| {
                matches!(
                    p.as_rule(),
                    Rule::to_op
                        | Rule::add_op
                        | Rule::sub_op
                        | Rule::mul_op
                        | Rule::div_op
                        | Rule::pow_op
                        | Rule::neg_op
                )
            })
            .count();
        if !self.count_operators(operators, span) {
            return Expr {
                kind: ExprKind::Number(0.0),
                span,
            };
        }
        let base = self.base;
        PRATT
            .map_primary(|p| self.parse_primary(p))
            .map_prefix(|op, rhs| {
                let s = super::span_of(&op);
                let op_span = Span::new(base + s.start as usize, base + s.end as usize);
                let span = op_span.join(rhs.span);
                match op.as_rule() {
                    Rule::neg_op => Expr {
                        kind: ExprKind::Neg(Box::new(rhs)),
                        span,
                    },
                    r => unreachable!("unexpected rule {r:?}"),
                }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::to_op => BinOp::To,
                    Rule::add_op => BinOp::Add,
                    Rule::sub_op => BinOp::Sub,
                    Rule::mul_op => BinOp::Mul,
                    Rule::div_op => BinOp::Div,
                    Rule::pow_op => BinOp::Pow,
                    r => unreachable!("unexpected rule {r:?}"),
                };
                let span = lhs.span.join(rhs.span);
                Expr {
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                }
            })
            .parse(pair.into_inner())
    }

    fn parse_primary(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number => ExprKind::Number(self.parse_number(pair)),
            Rule::paren_expr => {
                let inner = pair
                    .into_inner()
                    .nth(1)
                    .expect("parentheses hold an expression");
                ExprKind::Paren(Box::new(self.parse_expr(inner)))
            }
            Rule::reference => self.parse_reference(pair),
            Rule::prob_query => {
                let mut events = pair.into_inner().filter(|p| p.as_rule() == Rule::event);
                let event = self.parse_event(events.next().expect("P has an event"));
                let given = events.next().map(|p| self.parse_event(p));
                ExprKind::Prob(Box::new(ProbQuery { event, given }))
            }
            Rule::exp_query => {
                let mut metric = None;
                let mut given = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_E | Rule::lparen | Rule::rparen | Rule::bar => {}
                        Rule::ident => metric = Some(self.parse_ident(p)),
                        Rule::event => given = Some(self.parse_event(p)),
                        r => unreachable!("unexpected rule {r:?}"),
                    }
                }
                ExprKind::Expect(Box::new(ExpectQuery {
                    metric: metric.expect("E names a metric"),
                    given,
                }))
            }
            r => unreachable!("unexpected rule {r:?}"),
        };
        Expr { kind, span }
    }

    fn parse_reference(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let mut inner = pair.into_inner();
        let first = self.parse_ident(inner.next().expect("a reference starts with a name"));
        match inner.next() {
            None => ExprKind::Name(first),
            Some(p) if p.as_rule() == Rule::call_args => ExprKind::Call(Box::new(Call {
                plugin: None,
                func: first,
                args: self.parse_call_args(p),
            })),
            Some(p) if p.as_rule() == Rule::dot => {
                let func = self.parse_ident(inner.next().expect("a plugin call names a function"));
                let args = self.parse_call_args(inner.next().expect("a plugin call has arguments"));
                ExprKind::Call(Box::new(Call {
                    plugin: Some(first),
                    func,
                    args,
                }))
            }
            Some(p) => unreachable!("unexpected rule {:?}", p.as_rule()),
        }
    }

    pub(super) fn parse_event(&mut self, pair: Pair<'_, Rule>) -> Event {
        match pair.as_rule() {
            Rule::event => self.fold_events(pair, Rule::kw_or, EventKind::Or),
            Rule::event_and => self.fold_events(pair, Rule::kw_and, EventKind::And),
            Rule::event_not => {
                let span = self.span(&pair);
                let nots = pair.clone().into_inner().count().saturating_sub(1);
                if !self.count_operators(nots, span) {
                    return Event {
                        kind: EventKind::Ref(Vec::new()),
                        span,
                    };
                }
                let mut nots = Vec::new();
                let mut atom = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_not => nots.push(self.span(&p).start),
                        _ => atom = Some(self.parse_event(p)),
                    }
                }
                let mut event = atom.expect("`not` applies to an event");
                for start in nots.into_iter().rev() {
                    let s = Span {
                        start,
                        end: span.end,
                    };
                    event = Event {
                        kind: EventKind::Not(Box::new(event)),
                        span: s,
                    };
                }
                event
            }
            Rule::event_group => {
                let span = self.span(&pair);
                let inner = pair.into_inner().nth(1).expect("parentheses hold an event");
                Event {
                    kind: EventKind::Group(Box::new(self.parse_event(inner))),
                    span,
                }
            }
            Rule::event_by => {
                let span = self.span(&pair);
                let mut inner = pair.into_inner();
                let target = self.parse_event(inner.next().expect("by applies to a target"));
                match inner.nth(1) {
                    Some(d) => {
                        let date = self.parse_date(d);
                        Event {
                            kind: EventKind::By {
                                target: Box::new(target),
                                date,
                            },
                            span,
                        }
                    }
                    None => target,
                }
            }
            Rule::tag => {
                let span = self.span(&pair);
                Event {
                    kind: EventKind::Tag(self.parse_tag(pair)),
                    span,
                }
            }
            Rule::path => {
                let span = self.span(&pair);
                let parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::ident)
                    .map(|p| self.parse_ident(p))
                    .collect();
                Event {
                    kind: EventKind::Ref(parts),
                    span,
                }
            }
            r => unreachable!("unexpected rule {r:?}"),
        }
    }

    /// Left-folds `a op b op c` into nested binary events.
    fn fold_events(
        &mut self,
        pair: Pair<'_, Rule>,
        op: Rule,
        make: fn(Box<Event>, Box<Event>) -> EventKind,
    ) -> Event {
        let span = self.span(&pair);
        if !self.count_operators(pair.clone().into_inner().count() / 2, span) {
            return Event {
                kind: EventKind::Ref(Vec::new()),
                span,
            };
        }
        let mut acc: Option<Event> = None;
        for p in pair.into_inner() {
            if p.as_rule() == op {
                continue;
            }
            let rhs = self.parse_event(p);
            acc = Some(match acc {
                None => rhs,
                Some(lhs) => {
                    let span = lhs.span.join(rhs.span);
                    Event {
                        kind: make(Box::new(lhs), Box::new(rhs)),
                        span,
                    }
                }
            });
        }
        acc.expect("an event has at least one operand")
    }
}
