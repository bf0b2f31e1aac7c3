//! The pest parser generated from `grammar/scn.pest`, and the words each rule has in an error.
//!
//! Nothing here leaves the crate: callers see the typed AST and diagnostics only.

// The derive generates an undocumented `Rule` enum from the grammar.
#![allow(missing_docs)]

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../../../grammar/scn.pest"]
pub(crate) struct ScnParser;

/// How a rule is named in "expected …" messages: in a forecaster's words, never the rule's.
///
/// Exhaustive on purpose: a new rule must be given words before the crate compiles.
pub(crate) fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::file => "`scenario`, `template`, `import` or `plugin`",
        Rule::given_event => "an event",
        Rule::import => "`import`",
        Rule::plugin => "`plugin`",
        Rule::template => "`template`",
        Rule::params => "template parameters",
        Rule::param => "a parameter name",
        Rule::scenario => "`scenario`",
        Rule::as_of => "`as_of`",
        Rule::horizon => "`horizon`",
        Rule::author => "`author`",
        Rule::description => "`description`",
        Rule::source => "`source`",
        Rule::let_decl => "`let`",
        Rule::metric => "`metric`",
        Rule::unit => "`unit`",
        Rule::objective => "`objective`",
        Rule::direction => "`maximize` or `minimize`",
        Rule::observe => "`observe`",
        Rule::forecast => "`forecast`",
        Rule::closes => "`closes DATE`",
        Rule::criteria => "`criteria \"...\"`",
        Rule::expect => "`expect`",
        Rule::bound => "a number bound",
        Rule::branch => "`branch`",
        Rule::prob => "a probability after `p =` (a number, an expression or `rest`)",
        Rule::option => "`option`",
        Rule::when => "`at DATE` or `after DURATION`",
        Rule::cites => "`cite`",
        Rule::block => "`{`",
        Rule::note => "`note`",
        Rule::effect => "an effect such as `cost += 5`",
        Rule::use_stmt => "`use`",
        Rule::expr => "an expression (a number, a name or a call)",
        Rule::paren_expr => "`(`",
        Rule::reference => "a name",
        Rule::call_args => "`(`",
        Rule::named_arg => "an argument",
        Rule::prob_query => "`P(…)`",
        Rule::exp_query => "`E(…)`",
        Rule::event => "an event (a branch, a `#tag`, `not`, or `(`)",
        Rule::event_and => "an event",
        Rule::event_not => "an event",
        Rule::event_group => "`(`",
        Rule::event_by => "a branch or a `#tag`",
        Rule::path => "a branch name",
        Rule::ident => "a name",
        Rule::tag => "a tag such as `#peace`",
        Rule::number => "a number",
        Rule::date => "a date such as 2026-06-30, 2026-06 or 2026",
        Rule::duration => "a duration such as 6mo, 1y6mo or 90d",
        Rule::string => "a string in double quotes",
        Rule::kw_scenario => "`scenario`",
        Rule::kw_import => "`import`",
        Rule::kw_template => "`template`",
        Rule::kw_use => "`use`",
        Rule::kw_plugin => "`plugin`",
        Rule::kw_let => "`let`",
        Rule::kw_metric => "`metric`",
        Rule::kw_branch => "`branch`",
        Rule::kw_option => "`option`",
        Rule::kw_rest => "`rest`",
        Rule::kw_at => "`at`",
        Rule::kw_after => "`after`",
        Rule::kw_by => "`by`",
        Rule::kw_as_of => "`as_of`",
        Rule::kw_horizon => "`horizon`",
        Rule::kw_author => "`author`",
        Rule::kw_description => "`description`",
        Rule::kw_source => "`source`",
        Rule::kw_cite => "`cite`",
        Rule::kw_note => "`note`",
        Rule::kw_objective => "`objective`",
        Rule::kw_maximize => "`maximize`",
        Rule::kw_minimize => "`minimize`",
        Rule::kw_observe => "`observe`",
        Rule::kw_forecast => "`forecast`",
        Rule::kw_expect => "`expect`",
        Rule::kw_in => "`in`",
        Rule::kw_not => "`not`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_P => "`P`",
        Rule::kw_E => "`E`",
        Rule::kw_unit => "`unit`",
        Rule::kw_p => "`p =`",
        Rule::kw_closes => "`closes`",
        Rule::kw_criteria => "`criteria`",
        Rule::to_op => "`to`",
        Rule::add_op => "`+`",
        Rule::sub_op => "`-`",
        Rule::mul_op => "`*`",
        Rule::div_op => "`/`",
        Rule::pow_op => "`^`",
        Rule::neg_op => "`-`",
        Rule::pos_op => "`+`",
        Rule::assign_op => "`=`",
        Rule::add_assign_op => "`+=`",
        Rule::sub_assign_op => "`-=`",
        Rule::mul_assign_op => "`*=`",
        Rule::range_op => "`..`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::comma => "`,`",
        Rule::dot => "`.`",
        Rule::bar => "`|`",
        // Silent rules never reach an error, but they are variants all the same.
        Rule::WHITESPACE | Rule::COMMENT => "white space",
        Rule::item | Rule::file_rest => "`scenario`, `template`, `import` or `plugin`",
        Rule::scenario_item | Rule::scenario_rest => "a scenario item",
        Rule::block_rest => "an item or `}`",
        Rule::body_item => "a body item",
        Rule::effect_op => "`=`, `+=`, `-=` or `*=`",
        Rule::prefix_op => "`-`",
        Rule::infix_op => "an operator",
        Rule::primary | Rule::arg => "an expression",
        Rule::event_atom => "an event",
        Rule::ident_char | Rule::keyword => "a name",
        Rule::digits | Rule::exponent | Rule::scale => "a number",
    }
}

/// Groups of rules that stand for one thing a writer would name ("a scenario item").
///
/// When every rule of a group is expected at a position, the message names the group
/// instead of listing its members. Checked in order; a rule is consumed by the first group
/// that takes it.
pub(crate) const GROUPS: &[(&[Rule], &str)] = &[
    (
        &[
            Rule::kw_as_of,
            Rule::kw_horizon,
            Rule::kw_author,
            Rule::kw_description,
            Rule::kw_source,
            Rule::kw_let,
            Rule::kw_metric,
            Rule::kw_objective,
            Rule::kw_observe,
            Rule::kw_forecast,
            Rule::kw_expect,
            Rule::kw_branch,
            Rule::kw_option,
            Rule::kw_use,
            Rule::kw_note,
        ],
        "a scenario item (`branch`, `option`, `let`, `metric`, `forecast`, `expect`, …)",
    ),
    (
        &[
            Rule::kw_branch,
            Rule::kw_option,
            Rule::kw_use,
            Rule::kw_note,
            Rule::ident,
        ],
        "a body item (`branch`, `option`, `use`, `note` or an effect)",
    ),
    (
        &[
            Rule::kw_import,
            Rule::kw_plugin,
            Rule::kw_template,
            Rule::kw_scenario,
        ],
        "`scenario`, `template`, `import` or `plugin`",
    ),
    (
        &[
            Rule::to_op,
            Rule::add_op,
            Rule::sub_op,
            Rule::mul_op,
            Rule::div_op,
            Rule::pow_op,
        ],
        "an operator",
    ),
    (
        &[
            Rule::assign_op,
            Rule::add_assign_op,
            Rule::sub_assign_op,
            Rule::mul_assign_op,
        ],
        "`=`, `+=`, `-=` or `*=`",
    ),
];

/// The reserved words: grammar/scn.pest's `keyword` rule, which a test keeps in step. Editors'
/// highlighting and completion read them from here.
pub const KEYWORDS: &[&str] = &[
    "scenario",
    "import",
    "template",
    "use",
    "plugin",
    "let",
    "metric",
    "branch",
    "option",
    "rest",
    "at",
    "after",
    "by",
    "as_of",
    "horizon",
    "author",
    "description",
    "source",
    "cite",
    "note",
    "tag",
    "objective",
    "maximize",
    "minimize",
    "observe",
    "forecast",
    "expect",
    "in",
    "to",
    "not",
    "and",
    "or",
    "P",
    "E",
    "unit",
];

#[cfg(test)]
mod keyword_tests {
    use super::KEYWORDS;

    #[test]
    fn the_keyword_list_is_the_grammars() {
        let grammar = include_str!("../../../grammar/scn.pest");
        let start = grammar
            .find("keyword = _{")
            .expect("the grammar has a keyword rule");
        let rule = &grammar[start..start + grammar[start..].find('}').expect("rule ends")];
        let words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        assert_eq!(words, KEYWORDS);
    }
}
