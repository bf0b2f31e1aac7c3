//! Branches, options, bodies, effects and `use`.

use pest::iterators::Pair;

use super::Builder;
use crate::ast::{
    Arg, Block, BodyItem, BodyItemKind, Branch, Effect, EffectOp, Ident, OptionNode, Prob, Use,
    When,
};
use crate::grammar::Rule;

impl Builder {
    pub(super) fn parse_block(&mut self, pair: Pair<'_, Rule>) -> Block {
        assert_eq!(pair.as_rule(), Rule::block);
        let span = self.span(&pair);
        let items = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::lbrace | Rule::rbrace))
            .map(|p| self.parse_body_item(p))
            .collect();
        Block { items, span }
    }

    pub(super) fn parse_body_item(&mut self, pair: Pair<'_, Rule>) -> BodyItem {
        self.sink.operators = 0;
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::branch => BodyItemKind::Branch(Box::new(self.parse_branch(pair))),
            Rule::option => BodyItemKind::Option(Box::new(self.parse_option(pair))),
            Rule::use_stmt => BodyItemKind::Use(Box::new(self.parse_use(pair))),
            Rule::note => {
                let s = pair.into_inner().nth(1).expect("note has a string");
                BodyItemKind::Note(Box::new(self.parse_string(s)))
            }
            Rule::effect => BodyItemKind::Effect(Box::new(self.parse_effect(pair))),
            r => unreachable!("unexpected rule {r:?}"),
        };
        BodyItem { kind, span }
    }

    fn parse_branch(&mut self, pair: Pair<'_, Rule>) -> Branch {
        let mut inner = pair.into_inner();
        inner.next(); // kw_branch
        let id = self.parse_ident(inner.next().expect("branch has an id"));
        let (mut label, mut prob, mut when, mut body) = (None, None, None, None);
        let (mut tags, mut cites) = (Vec::new(), Vec::new());
        for p in inner {
            match p.as_rule() {
                Rule::string => label = Some(self.parse_string(p)),
                Rule::kw_p | Rule::assign_op => {}
                Rule::prob => prob = Some(self.parse_prob(p)),
                Rule::when => when = Some(self.parse_when(p)),
                Rule::tag => tags.push(self.parse_tag(p)),
                Rule::cites => cites = self.parse_cites(p).into_vec(),
                Rule::block => body = Some(self.parse_block(p)),
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        let prob = prob.expect("the grammar gives every branch a probability");
        Branch::new(id, label, prob, when, tags, cites, body)
    }

    fn parse_option(&mut self, pair: Pair<'_, Rule>) -> OptionNode {
        let mut inner = pair.into_inner();
        inner.next(); // kw_option
        let id = self.parse_ident(inner.next().expect("option has an id"));
        let mut tags = Vec::new();
        let mut o = OptionNode {
            id,
            label: None,
            when: None,
            tags: Box::default(),
            body: None,
        };
        for p in inner {
            match p.as_rule() {
                Rule::string => o.label = Some(self.parse_string(p)),
                Rule::when => o.when = Some(self.parse_when(p)),
                Rule::tag => tags.push(self.parse_tag(p)),
                Rule::block => o.body = Some(self.parse_block(p)),
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        o.tags = tags.into_boxed_slice();
        o
    }

    /// `cite a, b`.
    pub(super) fn parse_cites(&mut self, pair: Pair<'_, Rule>) -> Box<[Ident]> {
        assert_eq!(pair.as_rule(), Rule::cites);
        pair.into_inner()
            .filter(|q| q.as_rule() == Rule::ident)
            .map(|q| self.parse_ident(q))
            .collect()
    }

    fn parse_prob(&mut self, pair: Pair<'_, Rule>) -> Prob {
        let p = pair.into_inner().next().expect("prob has one child");
        match p.as_rule() {
            Rule::kw_rest => Prob::Rest(self.span(&p)),
            Rule::expr => Prob::Expr(self.parse_expr(p)),
            r => unreachable!("unexpected rule {r:?}"),
        }
    }

    fn parse_when(&mut self, pair: Pair<'_, Rule>) -> When {
        let mut inner = pair.into_inner();
        let kw = inner.next().expect("when has a keyword");
        let value = inner.next().expect("when has a value");
        match kw.as_rule() {
            Rule::kw_at => When::At(self.parse_date(value)),
            Rule::kw_after => When::After(self.parse_duration(value)),
            r => unreachable!("unexpected rule {r:?}"),
        }
    }

    fn parse_effect(&mut self, pair: Pair<'_, Rule>) -> Effect {
        let mut inner = pair.into_inner();
        let target = self.parse_ident(inner.next().expect("effect has a target"));
        let op = match inner.next().map(|p| p.as_rule()) {
            Some(Rule::assign_op) => EffectOp::Set,
            Some(Rule::add_assign_op) => EffectOp::Add,
            Some(Rule::sub_assign_op) => EffectOp::Sub,
            Some(Rule::mul_assign_op) => EffectOp::Mul,
            r => unreachable!("unexpected rule {r:?}"),
        };
        let value = self.parse_expr(inner.next().expect("effect has a value"));
        Effect { target, op, value }
    }

    fn parse_use(&mut self, pair: Pair<'_, Rule>) -> Use {
        let mut inner = pair.into_inner();
        inner.next(); // kw_use
        let template = self.parse_ident(inner.next().expect("use names a template"));
        let args = self.parse_call_args(inner.next().expect("use has arguments"));
        Use { template, args }
    }

    pub(super) fn parse_call_args(&mut self, pair: Pair<'_, Rule>) -> Vec<Arg> {
        assert_eq!(pair.as_rule(), Rule::call_args);
        let mut args = Vec::new();
        for p in pair.into_inner() {
            let span = self.span(&p);
            match p.as_rule() {
                Rule::lparen | Rule::rparen | Rule::comma => {}
                Rule::expr => args.push(Arg {
                    name: None,
                    value: self.parse_expr(p),
                    span,
                }),
                Rule::named_arg => {
                    let mut inner = p.into_inner();
                    let name = self.parse_ident(inner.next().expect("named arg has a name"));
                    inner.next(); // assign_op
                    let value = self.parse_expr(inner.next().expect("named arg has a value"));
                    args.push(Arg {
                        name: Some(name),
                        value,
                        span,
                    });
                }
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        args.shrink_to_fit();
        args
    }
}
