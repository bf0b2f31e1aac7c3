//! File items and scenario items.

use pest::iterators::Pair;

use super::Builder;
use crate::ast::{Direction, Import, Param, PluginDecl, ScenarioItem, ScenarioItemKind, Template};
use crate::grammar::Rule;

impl Builder {
    pub(super) fn parse_import(&mut self, pair: Pair<'_, Rule>) -> Import {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_import
        let path = self.parse_string(inner.next().expect("import has a path"));
        Import { path, span }
    }

    pub(super) fn parse_plugin(&mut self, pair: Pair<'_, Rule>) -> PluginDecl {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        inner.next(); // kw_plugin
        let name = self.parse_ident(inner.next().expect("plugin has a name"));
        PluginDecl { name, span }
    }

    pub(super) fn parse_template(&mut self, pair: Pair<'_, Rule>) -> Template {
        // The parameters' defaults are this item's operators, not the last item's before it.
        self.sink.operators = 0;
        let span = self.span(&pair);
        let mut name = None;
        let mut params = Vec::new();
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kw_template | Rule::lparen | Rule::rparen => {}
                Rule::ident => name = Some(self.parse_ident(p)),
                Rule::params => {
                    params = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::param)
                        .map(|q| self.parse_param(q))
                        .collect();
                }
                Rule::block => body = Some(self.parse_block(p)),
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        Template {
            name: name.expect("template has a name"),
            params,
            body: body.expect("template has a body"),
            span,
        }
    }

    fn parse_param(&mut self, pair: Pair<'_, Rule>) -> Param {
        let span = self.span(&pair);
        let mut name = None;
        let mut default = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.parse_ident(p)),
                Rule::assign_op => {}
                Rule::expr => default = Some(self.parse_expr(p)),
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        Param {
            name: name.expect("param has a name"),
            default,
            span,
        }
    }

    pub(super) fn parse_scenario_item(&mut self, pair: Pair<'_, Rule>) -> ScenarioItem {
        self.sink.operators = 0;
        let span = self.span(&pair);
        let rule = pair.as_rule();
        if matches!(rule, Rule::branch | Rule::option | Rule::use_stmt) {
            return ScenarioItem {
                kind: ScenarioItemKind::Node(self.parse_body_item(pair)),
                span,
            };
        }
        let mut inner = pair.into_inner();
        inner.next(); // the item's keyword
        let kind = match rule {
            Rule::as_of => ScenarioItemKind::AsOf(self.parse_date(inner.next().expect("date"))),
            Rule::horizon => {
                ScenarioItemKind::Horizon(self.parse_date(inner.next().expect("date")))
            }
            Rule::author => {
                ScenarioItemKind::Author(self.parse_string(inner.next().expect("string")))
            }
            Rule::description => {
                ScenarioItemKind::Description(self.parse_string(inner.next().expect("string")))
            }
            Rule::source => {
                let id = self.parse_ident(inner.next().expect("id"));
                let text = self.parse_string(inner.next().expect("text"));
                ScenarioItemKind::Source { id, text }
            }
            Rule::let_decl => {
                let name = self.parse_ident(inner.next().expect("name"));
                inner.next(); // assign_op
                let value = self.parse_expr(inner.next().expect("value"));
                let (mut doc, mut cites) = (None, Box::default());
                for p in inner {
                    match p.as_rule() {
                        Rule::string => doc = Some(self.parse_string(p)),
                        Rule::cites => cites = self.parse_cites(p),
                        r => unreachable!("unexpected rule {r:?}"),
                    }
                }
                ScenarioItemKind::Let {
                    name,
                    value,
                    doc,
                    cites,
                }
            }
            Rule::note => ScenarioItemKind::Note(self.parse_string(inner.next().expect("string"))),
            Rule::metric => {
                let name = self.parse_ident(inner.next().expect("name"));
                let (mut label, mut unit, mut init) = (None, None, None);
                for p in inner {
                    match p.as_rule() {
                        Rule::string => label = Some(self.parse_string(p)),
                        Rule::unit => {
                            let s = p.into_inner().nth(1).expect("unit has a string");
                            unit = Some(self.parse_string(s));
                        }
                        Rule::assign_op => {}
                        Rule::expr => init = Some(self.parse_expr(p)),
                        r => unreachable!("unexpected rule {r:?}"),
                    }
                }
                ScenarioItemKind::Metric {
                    name,
                    label,
                    unit,
                    init: init.expect("metric has a value"),
                }
            }
            Rule::objective => {
                let dir = inner.next().expect("direction");
                let direction = match dir.into_inner().next().map(|p| p.as_rule()) {
                    Some(Rule::kw_maximize) => Direction::Maximize,
                    Some(Rule::kw_minimize) => Direction::Minimize,
                    r => unreachable!("unexpected rule {r:?}"),
                };
                let metric = self.parse_ident(inner.next().expect("metric"));
                ScenarioItemKind::Objective { direction, metric }
            }
            Rule::observe => {
                ScenarioItemKind::Observe(self.parse_event(inner.next().expect("event")))
            }
            Rule::forecast => {
                let name = self.parse_ident(inner.next().expect("name"));
                let (mut label, mut value, mut closes, mut criteria) = (None, None, None, None);
                for p in inner {
                    match p.as_rule() {
                        Rule::string => label = Some(self.parse_string(p)),
                        Rule::assign_op => {}
                        Rule::expr => value = Some(self.parse_expr(p)),
                        Rule::closes => {
                            let d = p.into_inner().nth(1).expect("closes has a date");
                            closes = Some(self.parse_date(d));
                        }
                        Rule::criteria => {
                            let s = p.into_inner().nth(1).expect("criteria has a string");
                            criteria = Some(self.parse_string(s));
                        }
                        r => unreachable!("unexpected rule {r:?}"),
                    }
                }
                ScenarioItemKind::Forecast {
                    name,
                    label,
                    value: value.expect("forecast has a value"),
                    closes,
                    criteria,
                }
            }
            Rule::expect => {
                let value = self.parse_expr(inner.next().expect("value"));
                inner.next(); // kw_in
                let lo = self.parse_bound(inner.next().expect("lo"));
                inner.next(); // range_op
                let hi = self.parse_bound(inner.next().expect("hi"));
                ScenarioItemKind::Expect { value, lo, hi }
            }
            r => unreachable!("unexpected rule {r:?}"),
        };
        ScenarioItem { kind, span }
    }
}
