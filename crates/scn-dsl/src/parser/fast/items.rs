//! File items, scenario items, branches, options and bodies, on the fast path.

use crate::ast::{
    Block, BodyItem, BodyItemKind, Bound, Branch, Direction, Effect, EffectOp, File, Import, Item,
    OptionNode, Param, PluginDecl, Prob, Scenario, ScenarioItem, ScenarioItemKind, Template, Use,
    When, Written,
};

use super::{Fast, literal};

impl Fast<'_> {
    /// `file = { SOI ~ item* ~ EOI }`.
    pub(super) fn file(&mut self) -> Option<File> {
        let mut items = Vec::new();
        self.skip();
        while self.pos < self.b.len() {
            self.at.file_item = self.pos;
            self.at.block_item = None;
            let item = match self.word() {
                b"import" => Item::Import(self.import()?),
                b"plugin" => Item::Plugin(self.plugin()?),
                b"template" => Item::Template(self.template()?),
                b"scenario" => Item::Scenario(self.scenario()?),
                _ => return None,
            };
            items.push(item);
            self.skip();
        }
        Some(File { items })
    }

    fn import(&mut self) -> Option<Import> {
        let start = self.pos;
        self.keyword(b"import")?;
        self.skip();
        let path = self.string()?;
        Some(Import {
            path,
            span: self.span_from(start),
        })
    }

    fn plugin(&mut self) -> Option<PluginDecl> {
        let start = self.pos;
        self.keyword(b"plugin")?;
        self.skip();
        let name = self.ident()?;
        Some(PluginDecl {
            name,
            span: self.span_from(start),
        })
    }

    /// `template = { kw_template ~ ident ~ lparen ~ params? ~ rparen ~ block }`.
    fn template(&mut self) -> Option<Template> {
        // As `parse_template`: the defaults count for this item alone.
        self.sink.operators = 0;
        let start = self.pos;
        self.keyword(b"template")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.open(b'(')?;
        self.skip();
        let mut params = Vec::new();
        if self.ident_end(self.pos).is_some() {
            // params = { param ~ (comma ~ param)* }
            params.push(self.param()?);
            self.skip();
            while self.punct(b',').is_some() {
                self.skip();
                params.push(self.param()?);
                self.skip();
            }
        }
        self.skip();
        self.close(b')')?;
        self.skip();
        let body = self.block()?;
        Some(Template {
            name,
            params,
            body,
            span: self.span_from(start),
        })
    }

    /// `param = { ident ~ (assign_op ~ expr)? }`.
    fn param(&mut self) -> Option<Param> {
        let start = self.pos;
        let name = self.ident()?;
        self.skip();
        let mut default = None;
        if self.punct(b'=').is_some() {
            self.skip();
            default = Some(self.expr()?);
        }
        Some(Param {
            name,
            default,
            span: self.span_from(start),
        })
    }

    /// `scenario = { kw_scenario ~ ident ~ string? ~ lbrace ~ scenario_item* ~ rbrace }`.
    fn scenario(&mut self) -> Option<Scenario> {
        let start = self.pos;
        self.keyword(b"scenario")?;
        self.skip();
        let id = self.ident()?;
        self.skip();
        let title = self.opt_string()?;
        self.skip();
        self.open(b'{')?;
        self.skip();
        let mut items = Vec::new();
        let mut previous = None;
        // Templates are read outside scenarios, so the items read from here on are this
        // scenario's.
        let before = self.written;
        while self.byte() != Some(b'}') {
            if self.pos >= self.ahead_at
                && let Some(last) = self.take_run_into_scenario(&mut items)
            {
                previous = Some(last);
                continue;
            }
            let start = self.pos;
            self.at.scenario_item = Some((previous, start));
            self.at.block_item = None;
            items.push(self.scenario_item()?);
            self.skip();
            previous = Some(self.retry_from(start));
        }
        self.at.scenario_item = None;
        self.close(b'}')?;
        Some(Scenario {
            id,
            title,
            items,
            written: Written {
                nodes: self.written.nodes - before.nodes,
                effects: self.written.effects - before.effects,
            },
            span: self.span_from(start),
        })
    }

    /// `string?`: `Some(None)` when absent, `None` (decline) when a quote opens no string.
    fn opt_string(&mut self) -> Option<Option<crate::ast::Str>> {
        if self.byte() == Some(b'"') {
            Some(Some(self.string()?))
        } else {
            Some(None)
        }
    }

    fn scenario_item(&mut self) -> Option<ScenarioItem> {
        self.sink.operators = 0;
        let start = self.pos;
        let word = self.word();
        let kind = match word {
            b"branch" | b"option" | b"use" => ScenarioItemKind::Node(self.body_item()?),
            b"note" => {
                self.keyword(word)?;
                self.skip();
                ScenarioItemKind::Note(self.string()?)
            }
            b"as_of" | b"horizon" => {
                self.keyword(word)?;
                self.skip();
                let d = self.date()?;
                if word == b"as_of" {
                    ScenarioItemKind::AsOf(d)
                } else {
                    ScenarioItemKind::Horizon(d)
                }
            }
            b"author" | b"description" => {
                self.keyword(word)?;
                self.skip();
                let s = self.string()?;
                if word == b"author" {
                    ScenarioItemKind::Author(s)
                } else {
                    ScenarioItemKind::Description(s)
                }
            }
            b"source" => {
                self.keyword(word)?;
                self.skip();
                let id = self.ident()?;
                self.skip();
                let text = self.string()?;
                ScenarioItemKind::Source { id, text }
            }
            b"let" => self.let_decl()?,
            b"metric" => self.metric()?,
            b"objective" => {
                self.keyword(word)?;
                self.skip();
                let direction = match self.word() {
                    b"maximize" => Direction::Maximize,
                    b"minimize" => Direction::Minimize,
                    _ => return None,
                };
                self.keyword(direction.as_str().as_bytes())?;
                self.skip();
                let metric = self.ident()?;
                ScenarioItemKind::Objective { direction, metric }
            }
            b"observe" => {
                self.keyword(word)?;
                self.skip();
                ScenarioItemKind::Observe(self.event()?)
            }
            b"forecast" => self.forecast()?,
            b"expect" => {
                self.keyword(word)?;
                self.skip();
                let value = self.expr()?;
                self.skip();
                self.keyword(b"in")?;
                self.skip();
                let lo = self.bound()?;
                self.skip();
                if !self.b[self.pos..].starts_with(b"..") {
                    return None;
                }
                self.take(self.pos + 2);
                self.skip();
                let hi = self.bound()?;
                ScenarioItemKind::Expect { value, lo, hi }
            }
            _ => return None,
        };
        Some(ScenarioItem {
            kind,
            span: self.span_from(start),
        })
    }

    /// `let_decl = { kw_let ~ ident ~ assign_op ~ expr ~ string? ~ cites? }`.
    fn let_decl(&mut self) -> Option<ScenarioItemKind> {
        self.keyword(b"let")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.punct(b'=')?;
        self.skip();
        let value = self.expr()?;
        self.skip();
        let doc = self.opt_string()?;
        self.skip();
        let cites = self.opt_cites()?;
        Some(ScenarioItemKind::Let {
            name,
            value,
            doc,
            cites,
        })
    }

    /// `metric = { kw_metric ~ ident ~ string? ~ unit? ~ assign_op ~ expr }`.
    fn metric(&mut self) -> Option<ScenarioItemKind> {
        self.keyword(b"metric")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let label = self.opt_string()?;
        self.skip();
        let mut unit = None;
        if self.keyword(b"unit").is_some() {
            self.skip();
            unit = Some(self.string()?);
        }
        self.skip();
        self.punct(b'=')?;
        self.skip();
        let init = self.expr()?;
        Some(ScenarioItemKind::Metric {
            name,
            label,
            unit,
            init,
        })
    }

    /// `forecast = { kw_forecast ~ ident ~ string? ~ assign_op ~ expr ~ closes? ~ criteria? }`.
    fn forecast(&mut self) -> Option<ScenarioItemKind> {
        self.keyword(b"forecast")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let label = self.opt_string()?;
        self.skip();
        self.punct(b'=')?;
        self.skip();
        let value = self.expr()?;
        self.skip();
        let mut closes = None;
        if self.keyword(b"closes").is_some() {
            self.skip();
            closes = Some(self.date()?);
        }
        self.skip();
        let mut criteria = None;
        if self.keyword(b"criteria").is_some() {
            self.skip();
            criteria = Some(self.string()?);
        }
        Some(ScenarioItemKind::Forecast {
            name,
            label,
            value,
            closes,
            criteria,
        })
    }

    /// `bound = { (neg_op | pos_op)? ~ number }`.
    fn bound(&mut self) -> Option<Bound> {
        let start = self.pos;
        let negative = match self.byte() {
            Some(b'-') => true,
            Some(b'+') => false,
            _ => return self.bound_number(start, false),
        };
        self.take(self.pos + 1);
        self.skip();
        self.bound_number(start, negative)
    }

    fn bound_number(&mut self, start: usize, negative: bool) -> Option<Bound> {
        let end = self.number_end(self.pos)?;
        let number = self.take(end);
        let value = literal::number(&mut self.sink, &self.src[number.range()], number);
        Some(Bound {
            value: if negative { -value } else { value },
            number,
            span: self.span_from(start),
        })
    }

    /// `cites?`, where `cites = { kw_cite ~ ident ~ (comma ~ ident)* }`.
    fn opt_cites(&mut self) -> Option<Box<[crate::ast::Ident]>> {
        if self.keyword(b"cite").is_none() {
            return Some(Box::default());
        }
        self.skip();
        Some(self.ident_list(b',')?.into_boxed_slice())
    }

    /// `body_item = _{ branch | option | use_stmt | note | effect }`.
    pub(super) fn body_item(&mut self) -> Option<BodyItem> {
        self.sink.operators = 0;
        let start = self.pos;
        let kind = match self.word() {
            b"branch" => BodyItemKind::Branch(Box::new(self.branch()?)),
            b"option" => BodyItemKind::Option(Box::new(self.option()?)),
            b"use" => {
                self.keyword(b"use")?;
                self.skip();
                let template = self.ident()?;
                self.skip();
                let args = self.call_args()?;
                BodyItemKind::Use(Box::new(Use { template, args }))
            }
            b"note" => {
                self.keyword(b"note")?;
                self.skip();
                BodyItemKind::Note(Box::new(self.string()?))
            }
            _ => {
                // effect = { ident ~ effect_op ~ expr }
                let target = self.ident()?;
                self.skip();
                let rest = &self.b[self.pos..];
                let (op, len) = match rest {
                    [b'=', ..] => (EffectOp::Set, 1),
                    [b'+', b'=', ..] => (EffectOp::Add, 2),
                    [b'-', b'=', ..] => (EffectOp::Sub, 2),
                    [b'*', b'=', ..] => (EffectOp::Mul, 2),
                    _ => return None,
                };
                self.take(self.pos + len);
                self.skip();
                let value = self.expr()?;
                BodyItemKind::Effect(Box::new(Effect { target, op, value }))
            }
        };
        self.written.add(&kind);
        Some(BodyItem {
            kind,
            span: self.span_from(start),
        })
    }

    /// `branch = { kw_branch ~ ident ~ string? ~ kw_p ~ assign_op ~ prob ~ when? ~ tag* ~
    /// cites? ~ block? }`.
    fn branch(&mut self) -> Option<Branch> {
        self.keyword(b"branch")?;
        self.skip();
        let id = self.ident()?;
        self.skip();
        let label = self.opt_string()?;
        self.skip();
        self.keyword(b"p")?;
        self.skip();
        self.punct(b'=')?;
        self.skip();
        // prob = { kw_rest | expr }
        let prob = match self.keyword(b"rest") {
            Some(span) => Prob::Rest(span),
            None => Prob::Expr(self.expr()?),
        };
        self.skip();
        let when = self.opt_when()?;
        self.skip();
        let tags = self.tags()?;
        self.skip();
        let cites = self.opt_cites()?;
        self.skip();
        let body = self.opt_block()?;
        Some(Branch::new(
            id,
            label,
            prob,
            when,
            tags.into_vec(),
            cites.into_vec(),
            body,
        ))
    }

    /// `option = { kw_option ~ ident ~ string? ~ when? ~ tag* ~ block? }`.
    fn option(&mut self) -> Option<OptionNode> {
        self.keyword(b"option")?;
        self.skip();
        let id = self.ident()?;
        self.skip();
        let label = self.opt_string()?;
        self.skip();
        let when = self.opt_when()?;
        self.skip();
        let tags = self.tags()?;
        self.skip();
        let body = self.opt_block()?;
        Some(OptionNode {
            id,
            label,
            when,
            tags,
            body,
        })
    }

    /// `when?`, where `when = { kw_at ~ date | kw_after ~ duration }`.
    fn opt_when(&mut self) -> Option<Option<When>> {
        if self.keyword(b"at").is_some() {
            self.skip();
            Some(Some(When::At(self.date()?)))
        } else if self.keyword(b"after").is_some() {
            self.skip();
            Some(Some(When::After(self.duration()?)))
        } else {
            Some(None)
        }
    }

    /// `tag*`, followed in every rule by a skip, so the repetition's own skips need no undoing.
    fn tags(&mut self) -> Option<Box<[crate::ast::Ident]>> {
        if self.byte() != Some(b'#') {
            return Some(Box::default());
        }
        let base = self.idents.len();
        while self.byte() == Some(b'#') {
            let t = self.tag()?;
            self.idents.push(t);
            self.skip();
        }
        Some(self.idents.drain(base..).collect())
    }

    fn opt_block(&mut self) -> Option<Option<Block>> {
        if self.byte() == Some(b'{') {
            Some(Some(self.block()?))
        } else {
            Some(None)
        }
    }

    /// Where pest starts again to report a syntax error in the item after the one that
    /// started at `start` and was just read (with the trivia after it): at that item, since
    /// pest may have tried at the next item's start to go on with it (`p = 1` tries for more
    /// operators), unless it ended with its block's `}`, after which its rule tries nothing.
    /// Then at the next item itself, so that an error after a big branch does not have pest
    /// read the branch.
    pub(super) fn retry_from(&self, start: usize) -> usize {
        if self.b[..self.last].ends_with(b"}") {
            self.pos
        } else {
            start
        }
    }

    /// `block = { lbrace ~ body_item* ~ rbrace }`.
    fn block(&mut self) -> Option<Block> {
        let start = self.pos;
        self.open(b'{')?;
        self.skip();
        let base = self.body.len();
        let mut previous = None;
        while self.byte() != Some(b'}') {
            if self.pos >= self.ahead_at
                && let Some(last) = self.take_run_into_block()
            {
                previous = Some(last);
                continue;
            }
            if self.stop_asked() {
                return None;
            }
            let start = self.pos;
            self.at.block_item = Some((previous, start));
            let item = self.body_item()?;
            self.body.push(item);
            self.skip();
            previous = Some(self.retry_from(start));
        }
        self.close(b'}')?;
        let items = self.body.drain(base..).collect();
        Some(Block {
            items,
            span: self.span_from(start),
        })
    }
}
