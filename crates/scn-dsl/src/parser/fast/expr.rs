//! Expressions, calls, queries and events on the fast path.
//!
//! An expression level is read flat, as pest reads it (`prefix* primary (infix prefix*
//! primary)*`), onto a scratch stack, then folded by the same Pratt algorithm and binding
//! powers as pest's `PrattParser` in `parser/expr.rs`, so the trees are the same.

use std::iter::Peekable;
use std::vec::Drain;

use crate::ast::{Arg, BinOp, Call, Event, EventKind, ExpectQuery, Expr, ExprKind, ProbQuery};
use crate::span::Span;

use super::{Fast, literal};

/// One element of an expression level.
pub(super) enum Tok {
    /// A unary minus at this span.
    Neg(Span),
    Infix(BinOp),
    Operand(Expr),
}

/// pest's binding powers: each `.op(...)` of the `PrattParser` adds 10, from 10.
fn power(op: BinOp) -> u32 {
    match op {
        BinOp::To => 20,
        BinOp::Add | BinOp::Sub => 30,
        BinOp::Mul | BinOp::Div => 40,
        BinOp::Pow => 60,
    }
}

const NEG: u32 = 50;

type Toks<'a> = Peekable<Drain<'a, Tok>>;

/// `PrattParser::expr`.
fn pratt(toks: &mut Toks<'_>, rbp: u32) -> Expr {
    let mut lhs = match toks.next() {
        Some(Tok::Neg(span)) => {
            let rhs = pratt(toks, NEG - 1);
            Expr {
                span: span.join(rhs.span),
                kind: ExprKind::Neg(Box::new(rhs)),
            }
        }
        Some(Tok::Operand(e)) => e,
        Some(Tok::Infix(_)) | None => unreachable!("an expression level starts with an operand"),
    };
    while let Some(&Tok::Infix(op)) = toks.peek() {
        if rbp >= power(op) {
            break;
        }
        toks.next();
        let rhs = match op {
            BinOp::Pow => pratt(toks, power(op) - 1),
            _ => pratt(toks, power(op)),
        };
        lhs = Expr {
            span: lhs.span.join(rhs.span),
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
        };
    }
    lhs
}

impl Fast<'_> {
    /// `expr = { prefix_op* ~ primary ~ (infix_op ~ prefix_op* ~ primary)* }`.
    pub(super) fn expr(&mut self) -> Option<Expr> {
        let base = self.toks.len();
        self.operand()?;
        let mut once = false;
        loop {
            let save = self.pos;
            self.skip();
            let Some((op, len)) = self.infix_op() else {
                if once {
                    self.pos = save;
                }
                break;
            };
            once = true;
            self.take(self.pos + len);
            self.count_operator()?;
            self.toks.push(Tok::Infix(op));
            self.skip();
            self.operand()?;
        }
        let mut toks = self.toks.drain(base..).peekable();
        Some(pratt(&mut toks, 0))
    }

    /// `infix_op = _{ to_op | add_op | sub_op | mul_op | div_op | pow_op }`.
    fn infix_op(&self) -> Option<(BinOp, usize)> {
        let rest = &self.b[self.pos..];
        match rest {
            [b'+', c, ..] if *c != b'=' => Some((BinOp::Add, 1)),
            [b'+'] => Some((BinOp::Add, 1)),
            [b'-', c, ..] if *c != b'=' => Some((BinOp::Sub, 1)),
            [b'-'] => Some((BinOp::Sub, 1)),
            [b'*', c, ..] if *c != b'=' => Some((BinOp::Mul, 1)),
            [b'*'] => Some((BinOp::Mul, 1)),
            [b'/', c, ..] if *c != b'/' => Some((BinOp::Div, 1)),
            [b'/'] => Some((BinOp::Div, 1)),
            [b'^', ..] => Some((BinOp::Pow, 1)),
            [b't', b'o', ..] if self.word() == b"to" => Some((BinOp::To, 2)),
            _ => None,
        }
    }

    /// `prefix_op* ~ primary`, pushed onto the scratch stack.
    fn operand(&mut self) -> Option<()> {
        while self.byte() == Some(b'-') {
            let span = self.take(self.pos + 1);
            self.count_operator()?;
            self.toks.push(Tok::Neg(span));
            self.skip();
        }
        let e = self.primary()?;
        self.toks.push(Tok::Operand(e));
        Some(())
    }

    /// `primary = _{ number | prob_query | exp_query | reference | paren_expr }`.
    fn primary(&mut self) -> Option<Expr> {
        let start = self.pos;
        let c = self.byte()?;
        let kind = if c.is_ascii_digit() {
            let end = self.number_end(self.pos)?;
            let span = self.take(end);
            ExprKind::Number(literal::number(
                &mut self.sink,
                &self.src[span.range()],
                span,
            ))
        } else if c == b'(' {
            // paren_expr = { lparen ~ expr ~ rparen }
            self.open(b'(')?;
            self.skip();
            let inner = self.expr()?;
            self.skip();
            self.close(b')')?;
            ExprKind::Paren(Box::new(inner))
        } else {
            match self.word() {
                b"P" => {
                    // prob_query = { kw_P ~ lparen ~ event ~ (bar ~ event)? ~ rparen }
                    self.take(self.pos + 1);
                    self.skip();
                    self.open(b'(')?;
                    self.skip();
                    let event = self.event()?;
                    self.skip();
                    let given = self.opt_given()?;
                    self.skip();
                    self.close(b')')?;
                    ExprKind::Prob(Box::new(ProbQuery { event, given }))
                }
                b"E" => {
                    // exp_query = { kw_E ~ lparen ~ ident ~ (bar ~ event)? ~ rparen }
                    self.take(self.pos + 1);
                    self.skip();
                    self.open(b'(')?;
                    self.skip();
                    let metric = self.ident()?;
                    self.skip();
                    let given = self.opt_given()?;
                    self.skip();
                    self.close(b')')?;
                    ExprKind::Expect(Box::new(ExpectQuery { metric, given }))
                }
                _ => self.reference()?,
            }
        };
        Some(Expr {
            kind,
            span: self.span_from(start),
        })
    }

    /// `(bar ~ event)?`.
    fn opt_given(&mut self) -> Option<Option<Event>> {
        if self.punct(b'|').is_none() {
            return Some(None);
        }
        self.skip();
        Some(Some(self.event()?))
    }

    /// `reference = { ident ~ (dot ~ ident ~ call_args | call_args)? }`.
    fn reference(&mut self) -> Option<ExprKind> {
        let first = self.ident()?;
        self.skip();
        Some(match self.byte() {
            Some(b'.') => {
                self.take(self.pos + 1);
                self.skip();
                let func = self.ident()?;
                self.skip();
                let args = self.call_args()?;
                ExprKind::Call(Box::new(Call {
                    plugin: Some(first),
                    func,
                    args,
                }))
            }
            Some(b'(') => ExprKind::Call(Box::new(Call {
                plugin: None,
                func: first,
                args: self.call_args()?,
            })),
            _ => ExprKind::Name(first),
        })
    }

    /// `call_args = { lparen ~ (arg ~ (comma ~ arg)*)? ~ rparen }`.
    pub(super) fn call_args(&mut self) -> Option<Vec<Arg>> {
        self.open(b'(')?;
        self.skip();
        let mut args = Vec::new();
        if self.byte() != Some(b')') {
            args.push(self.arg()?);
            self.skip();
            while self.punct(b',').is_some() {
                self.skip();
                args.push(self.arg()?);
                self.skip();
            }
        }
        self.close(b')')?;
        args.shrink_to_fit();
        Some(args)
    }

    /// `arg = _{ named_arg | expr }`, `named_arg = { ident ~ assign_op ~ expr }`.
    fn arg(&mut self) -> Option<Arg> {
        let start = self.pos;
        if let Some(end) = self.ident_end(self.pos) {
            let save = self.pos;
            self.pos = end;
            self.skip();
            let named = self.byte() == Some(b'=');
            self.pos = save;
            if named {
                let name = self.ident()?;
                self.skip();
                self.take(self.pos + 1);
                self.skip();
                let value = self.expr()?;
                return Some(Arg {
                    name: Some(name),
                    value,
                    span: self.span_from(start),
                });
            }
        }
        let value = self.expr()?;
        Some(Arg {
            name: None,
            value,
            span: self.span_from(start),
        })
    }

    /// `event = { event_and ~ (kw_or ~ event_and)* }`, folded to the left.
    pub(super) fn event(&mut self) -> Option<Event> {
        self.event_level(b"or", EventKind::Or)
    }

    /// `event_and = { event_not ~ (kw_and ~ event_not)* }` (`or` levels) or `event_not`.
    fn event_level(
        &mut self,
        word: &[u8],
        make: fn(Box<Event>, Box<Event>) -> EventKind,
    ) -> Option<Event> {
        let operand = |p: &mut Self| {
            if word == b"or" {
                p.event_level(b"and", EventKind::And)
            } else {
                p.event_not()
            }
        };
        let mut acc = operand(self)?;
        let mut once = false;
        loop {
            let save = self.pos;
            self.skip();
            if self.keyword(word).is_none() {
                if once {
                    self.pos = save;
                }
                break;
            }
            once = true;
            self.count_operator()?;
            self.skip();
            let rhs = operand(self)?;
            acc = Event {
                span: acc.span.join(rhs.span),
                kind: make(Box::new(acc), Box::new(rhs)),
            };
        }
        Some(acc)
    }

    /// `event_not = { kw_not* ~ event_atom }`.
    fn event_not(&mut self) -> Option<Event> {
        let start = self.pos;
        let base = self.nots.len();
        while let Some(span) = self.keyword(b"not") {
            self.count_operator()?;
            self.nots.push(span.start);
            self.skip();
        }
        let mut event = self.event_atom()?;
        if self.nots.len() > base {
            let end = self.span_from(start).end;
            for start in self.nots.drain(base..).rev() {
                event = Event {
                    kind: EventKind::Not(Box::new(event)),
                    span: Span { start, end },
                };
            }
        }
        Some(event)
    }

    /// `event_atom = _{ event_by | event_group }`.
    fn event_atom(&mut self) -> Option<Event> {
        let start = self.pos;
        if self.byte() == Some(b'(') {
            // event_group = { lparen ~ event ~ rparen }
            self.open(b'(')?;
            self.skip();
            let inner = self.event()?;
            self.skip();
            self.close(b')')?;
            return Some(Event {
                kind: EventKind::Group(Box::new(inner)),
                span: self.span_from(start),
            });
        }
        // event_by = { (tag | path) ~ (kw_by ~ date)? }
        let target = if self.byte() == Some(b'#') {
            let tag = self.tag()?;
            Event {
                span: tag.span,
                kind: EventKind::Tag(tag),
            }
        } else {
            // path = { ident ~ (dot ~ ident)* }
            let parts = self.ident_list(b'.')?;
            Event {
                kind: EventKind::Ref(parts),
                span: self.span_from(start),
            }
        };
        self.skip();
        if self.keyword(b"by").is_none() {
            return Some(target);
        }
        self.skip();
        let date = self.date()?;
        Some(Event {
            kind: EventKind::By {
                target: Box::new(target),
                date,
            },
            span: self.span_from(start),
        })
    }
}
