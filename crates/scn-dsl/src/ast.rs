//! The typed syntax tree of a `.scn` file.
//!
//! Every node carries the [`Span`] it was parsed from, so checks that run after parsing
//! (resolution, validation, evaluation) can still point at the source. Literals keep their
//! value; the formatter reads their text back through the span, so `18%` stays `18%`.
//! Parentheses are kept as nodes for the same reason.
//!
//! The tree is kept small, because a file may hold a million branches: names and string
//! values are [`SmolStr`]s (no heap allocation up to 23 bytes), and the rare large kinds of
//! expression and body item are boxed so that the common ones stay a few words.

use crate::date::{Date, DatePrecision, Duration};
use crate::span::Span;

pub use smol_str::SmolStr;

/// A parsed file: its items in source order.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Imports, plugins, templates and scenarios, as written.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `import "path"`.
    Import(Import),
    /// `plugin name`.
    Plugin(PluginDecl),
    /// `template name(params) { body }`.
    Template(Template),
    /// `scenario id "title" { items }`.
    Scenario(Scenario),
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Import(i) => i.span,
            Item::Plugin(p) => p.span,
            Item::Template(t) => t.span,
            Item::Scenario(s) => s.span,
        }
    }
}

/// An identifier with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name as written (for a tag, without the `#`).
    pub name: SmolStr,
    /// Where it was written (for a tag, including the `#`).
    pub span: Span,
}

/// A string literal: its unescaped value and the span of the quoted text.
#[derive(Clone, Debug, PartialEq)]
pub struct Str {
    /// The value, escapes resolved.
    pub value: SmolStr,
    /// The literal including its quotes.
    pub span: Span,
}

/// `import "path"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The path, relative to the importing file.
    pub path: Str,
    /// The whole item.
    pub span: Span,
}

/// `plugin name`.
#[derive(Clone, Debug, PartialEq)]
pub struct PluginDecl {
    /// The plugin's name.
    pub name: Ident,
    /// The whole item.
    pub span: Span,
}

/// `template name(a, b = 2) { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The template's name.
    pub name: Ident,
    /// Its parameters in order; defaults come last.
    pub params: Vec<Param>,
    /// What `use` splices in.
    pub body: Block,
    /// The whole item.
    pub span: Span,
}

/// A template parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name, a let inside the template.
    pub name: Ident,
    /// The value when a `use` leaves it out.
    pub default: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// `scenario id "title" { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The scenario's id.
    pub id: Ident,
    /// Its title; reports fall back to the id.
    pub title: Option<Str>,
    /// Its items in source order.
    pub items: Vec<ScenarioItem>,
    /// What its items write out, counted by the parser.
    pub written: Written,
    /// The whole item, braces included.
    pub span: Span,
}

/// How many nodes (branches and options) and effects a scenario's items write out, in the
/// scenario and in the bodies under it; templates' bodies, which `use` adds, are not
/// counted. The parser counts them as it reads, so that the model's lists can be sized once
/// without a walk of the whole syntax tree. A size, not a fact: a tree changed after
/// parsing may no longer match it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Branches and options.
    pub nodes: usize,
    /// Effects.
    pub effects: usize,
}

impl Written {
    /// Counts what `items` write out, walking them.
    pub fn count(items: &[ScenarioItem]) -> Written {
        let mut written = Written::default();
        let mut stack: Vec<&BodyItem> = items
            .iter()
            .filter_map(|i| match &i.kind {
                ScenarioItemKind::Node(n) => Some(n),
                _ => None,
            })
            .collect();
        while let Some(item) = stack.pop() {
            written.add(&item.kind);
            let body = match &item.kind {
                BodyItemKind::Branch(b) => b.body.as_ref(),
                BodyItemKind::Option(o) => o.body.as_ref(),
                _ => None,
            };
            stack.extend(body.into_iter().flat_map(|b| b.items.iter()));
        }
        written
    }

    /// Counts one item, not what is under it.
    pub fn add(&mut self, item: &BodyItemKind) {
        match item {
            BodyItemKind::Branch(_) | BodyItemKind::Option(_) => self.nodes += 1,
            BodyItemKind::Effect(_) => self.effects += 1,
            BodyItemKind::Note(_) | BodyItemKind::Use(_) => {}
        }
    }
}

/// An item of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioItem {
    /// What the item is.
    pub kind: ScenarioItemKind,
    /// The whole item.
    pub span: Span,
}

/// The kinds of scenario item (docs/reference/language.md#scenario-items).
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioItemKind {
    /// `as_of DATE`.
    AsOf(DateLit),
    /// `horizon DATE`.
    Horizon(DateLit),
    /// `author "..."`.
    Author(Str),
    /// `description "..."`.
    Description(Str),
    /// `source id "citation"`.
    Source {
        /// Its id, for `cite`.
        id: Ident,
        /// The citation.
        text: Str,
    },
    /// `let name = expr "doc" cite a, b`.
    Let {
        /// The let's name.
        name: Ident,
        /// Its value, maybe a distribution.
        value: Expr,
        /// What it means.
        doc: Option<Str>,
        /// Sources cited, in order; empty when there is no `cite`.
        cites: Box<[Ident]>,
    },
    /// `metric name "label" unit "u" = expr`.
    Metric {
        /// The metric's name.
        name: Ident,
        /// A label for reports.
        label: Option<Str>,
        /// Its unit.
        unit: Option<Str>,
        /// The initial value.
        init: Expr,
    },
    /// `objective maximize|minimize metric`.
    Objective {
        /// Which way decisions optimise.
        direction: Direction,
        /// The metric they optimise.
        metric: Ident,
    },
    /// `observe event`.
    Observe(Event),
    /// `forecast name "label" = expr closes DATE criteria "..."`.
    Forecast {
        /// The forecast's name.
        name: Ident,
        /// A label for reports.
        label: Option<Str>,
        /// The query.
        value: Expr,
        /// `closes DATE`: when the question resolves.
        closes: Option<DateLit>,
        /// `criteria "..."`: how it resolves.
        criteria: Option<Str>,
    },
    /// `expect expr in lo .. hi`.
    Expect {
        /// What is asserted.
        value: Expr,
        /// Inclusive lower bound.
        lo: Bound,
        /// Inclusive upper bound.
        hi: Bound,
    },
    /// `note "..."` about the scenario as a whole.
    Note(Str),
    /// A branch, option or `use` at the root.
    Node(BodyItem),
}

/// `maximize` or `minimize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Prefer larger values.
    Maximize,
    /// Prefer smaller values.
    Minimize,
}

impl Direction {
    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Maximize => "maximize",
            Direction::Minimize => "minimize",
        }
    }
}

/// A signed number bounding an `expect`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// Its value, sign and suffixes applied.
    pub value: f64,
    /// The number as written, without its sign.
    pub number: Span,
    /// The sign and number as written.
    pub span: Span,
}

/// `{ items }` of a branch, option or template.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The items in source order.
    pub items: Box<[BodyItem]>,
    /// The braces and all between.
    pub span: Span,
}

/// An item of a body.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyItem {
    /// What the item is.
    pub kind: BodyItemKind,
    /// The whole item.
    pub span: Span,
}

/// The kinds of body item (docs/reference/language.md#branches). Every kind is boxed, so that
/// a body item is three words whatever it holds.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyItemKind {
    /// `metric op= expr`.
    Effect(Box<Effect>),
    /// `note "..."`.
    Note(Box<Str>),
    /// A child event.
    Branch(Box<Branch>),
    /// A choice of a decision.
    Option(Box<OptionNode>),
    /// `use template(args)`.
    Use(Box<Use>),
}

/// `metric op= expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The metric changed.
    pub target: Ident,
    /// How.
    pub op: EffectOp,
    /// By what.
    pub value: Expr,
}

/// The assignment operators of effects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectOp {
    /// `=`
    Set,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
}

impl EffectOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            EffectOp::Set => "=",
            EffectOp::Add => "+=",
            EffectOp::Sub => "-=",
            EffectOp::Mul => "*=",
        }
    }
}

/// `branch id "label" p = prob when? #tags cite a, b { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// Unique among siblings.
    pub id: Ident,
    /// Defaults to the id in reports.
    pub label: Option<Str>,
    /// Conditional on the parent.
    pub prob: Prob,
    /// `at` or `after`. Boxed, and the tags and citations kept in one list, so that a branch
    /// fits a 160-byte allocation rather than a 192-byte one: a big file holds a million.
    pub when: Option<Box<When>>,
    /// The `#tags` (names without the `#`), then the sources cited: read them with
    /// [`Branch::tags`] and [`Branch::cites`].
    pub marks: Box<[Ident]>,
    /// How many of `marks` are tags.
    pub tag_count: u32,
    /// Effects and children.
    pub body: Option<Block>,
}

impl Branch {
    /// A branch from its parts as written.
    pub fn new(
        id: Ident,
        label: Option<Str>,
        prob: Prob,
        when: Option<When>,
        tags: Vec<Ident>,
        cites: Vec<Ident>,
        body: Option<Block>,
    ) -> Branch {
        // A file's size is bounded well below 4 GiB, so is its tag count.
        let tag_count = tags.len() as u32;
        let marks = if cites.is_empty() {
            tags
        } else {
            let mut marks = tags;
            marks.extend(cites);
            marks
        };
        Branch {
            id,
            label,
            prob,
            when: when.map(Box::new),
            marks: marks.into_boxed_slice(),
            tag_count,
            body,
        }
    }

    /// Its `#tags`, names without the `#`.
    pub fn tags(&self) -> &[Ident] {
        &self.marks[..self.tag_count as usize]
    }

    /// The sources it cites.
    pub fn cites(&self) -> &[Ident] {
        &self.marks[self.tag_count as usize..]
    }
}

/// `option id "label" when? #tags { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionNode {
    /// Unique among siblings.
    pub id: Ident,
    /// Defaults to the id in reports.
    pub label: Option<Str>,
    /// `at` or `after`.
    pub when: Option<When>,
    /// `#tags`.
    pub tags: Box<[Ident]>,
    /// Effects and children.
    pub body: Option<Block>,
}

/// A branch probability.
#[derive(Clone, Debug, PartialEq)]
pub enum Prob {
    /// `rest`: one minus the siblings.
    Rest(Span),
    /// A number or distribution.
    Expr(Expr),
}

/// When a node happens.
#[derive(Clone, Debug, PartialEq)]
pub enum When {
    /// `at DATE`.
    At(DateLit),
    /// `after DURATION`, from the parent's date.
    After(DurationLit),
}

/// A date as written: its value, how much of it was written, and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DateLit {
    /// The date meant (a partial date means the last day of its month or year).
    pub date: Date,
    /// Year, month or day.
    pub precision: DatePrecision,
    /// The literal.
    pub span: Span,
}

/// A duration as written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DurationLit {
    /// Its months and days.
    pub duration: Duration,
    /// The literal.
    pub span: Span,
}

/// `use template(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Use {
    /// The template used.
    pub template: Ident,
    /// Positional first, then named.
    pub args: Vec<Arg>,
}

/// An argument of a call or `use`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `name =` for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// The whole argument.
    pub span: Span,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// The whole expression.
    pub span: Span,
}

/// The kinds of expression, queries included (docs/reference/expressions.md).
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number, suffixes applied.
    Number(f64),
    /// A let, metric, parameter or forecast.
    Name(Ident),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `f(args)` or `plugin.f(args)`.
    Call(Box<Call>),
    /// `( expr )`.
    Paren(Box<Expr>),
    /// `P(event | given)`.
    Prob(Box<ProbQuery>),
    /// `E(metric | given)`.
    Expect(Box<ExpectQuery>),
}

/// `f(args)` or `plugin.f(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The plugin, when written `plugin.f`.
    pub plugin: Option<Ident>,
    /// The function.
    pub func: Ident,
    /// Its arguments.
    pub args: Vec<Arg>,
}

/// `P(event | given)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbQuery {
    /// The event.
    pub event: Event,
    /// The condition.
    pub given: Option<Event>,
}

/// `E(metric | given)`.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectQuery {
    /// The metric.
    pub metric: Ident,
    /// The condition.
    pub given: Option<Event>,
}

/// Binary operators, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `a to b`: a 90% interval.
    To,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`, right-associative.
    Pow,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::To => "to",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
        }
    }
}

/// An event: a set of leaves (docs/reference/expressions.md#events).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// What it is.
    pub kind: EventKind,
    /// The whole event.
    pub span: Span,
}

/// The kinds of event.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A branch or option, by dotted path or bare id.
    Ref(Vec<Ident>),
    /// `#tag`.
    Tag(Ident),
    /// `ref by DATE` or `#tag by DATE`.
    By {
        /// A `Ref` or `Tag`.
        target: Box<Event>,
        /// The deadline, inclusive.
        date: DateLit,
    },
    /// `not e`.
    Not(Box<Event>),
    /// `a and b`.
    And(Box<Event>, Box<Event>),
    /// `a or b`.
    Or(Box<Event>, Box<Event>),
    /// `( e )`.
    Group(Box<Event>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million-branch file makes millions of these: a field added carelessly shows here.
    #[test]
    fn nodes_stay_small() {
        use std::mem::size_of;
        assert_eq!(size_of::<Ident>(), 32);
        assert_eq!(size_of::<Str>(), 32);
        assert_eq!(size_of::<Expr>(), 40);
        assert_eq!(size_of::<BodyItem>(), 24);
        assert_eq!(size_of::<Event>(), 48);
        assert_eq!(size_of::<Branch>(), 160);
    }
}
