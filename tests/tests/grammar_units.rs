//! Unit tests of the grammar: operator precedence (docs/reference/expressions.md), literal
//! values and whole-word keywords. Trees are printed as s-expressions, and every expected
//! value was worked out by hand from the spec.

mod common;

use scn_dsl::DatePrecision;
use scn_dsl::ast::{
    Arg, BodyItemKind, DateLit, Event, EventKind, Expr, ExprKind, File, Item, Prob,
    ScenarioItemKind,
};

use common::parse;

/// An expression as an s-expression: `(neg (^ 2 2))`.
fn sexpr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(v) => format!("{v}"),
        ExprKind::Name(id) => id.name.to_string(),
        ExprKind::Neg(x) => format!("(neg {})", sexpr(x)),
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", op.as_str(), sexpr(lhs), sexpr(rhs))
        }
        ExprKind::Call(call) => {
            let name = match &call.plugin {
                Some(p) => format!("{}.{}", p.name, call.func.name),
                None => call.func.name.to_string(),
            };
            format!("({name}{})", sargs(&call.args))
        }
        ExprKind::Paren(x) => format!("(paren {})", sexpr(x)),
        ExprKind::Prob(q) => match &q.given {
            Some(g) => format!("(P {} | {})", sevent(&q.event), sevent(g)),
            None => format!("(P {})", sevent(&q.event)),
        },
        ExprKind::Expect(q) => match &q.given {
            Some(g) => format!("(E {} | {})", q.metric.name, sevent(g)),
            None => format!("(E {})", q.metric.name),
        },
    }
}

fn sargs(args: &[Arg]) -> String {
    args.iter()
        .map(|a| match &a.name {
            Some(n) => format!(" {}={}", n.name, sexpr(&a.value)),
            None => format!(" {}", sexpr(&a.value)),
        })
        .collect()
}

/// An event as an s-expression: `(or (not (by a 2026-12-31)) (and b c))`.
fn sevent(e: &Event) -> String {
    match &e.kind {
        EventKind::Ref(parts) => parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        EventKind::Tag(t) => format!("#{}", t.name),
        EventKind::By { target, date } => format!("(by {} {})", sevent(target), date.date),
        EventKind::Not(x) => format!("(not {})", sevent(x)),
        EventKind::And(a, b) => format!("(and {} {})", sevent(a), sevent(b)),
        EventKind::Or(a, b) => format!("(or {} {})", sevent(a), sevent(b)),
        EventKind::Group(x) => format!("(group {})", sevent(x)),
    }
}

fn scenario_items(file: &File) -> &[scn_dsl::ast::ScenarioItem] {
    match file.items.first() {
        Some(Item::Scenario(s)) => &s.items,
        other => panic!("expected a scenario, found {other:?}"),
    }
}

/// The value of `let x = <src>`, as an s-expression.
fn expr(src: &str) -> String {
    let text = format!("scenario s {{ let x = {src} }}");
    let file = parse(&text).unwrap_or_else(|d| panic!("{src:?}: {}", d[0].message));
    match &scenario_items(&file)[0].kind {
        ScenarioItemKind::Let { value, .. } => sexpr(value),
        other => panic!("expected a let, found {other:?}"),
    }
}

/// The event of `observe <src>`, as an s-expression.
fn event(src: &str) -> String {
    let text = format!("scenario s {{ observe {src} }}");
    let file = parse(&text).unwrap_or_else(|d| panic!("{src:?}: {}", d[0].message));
    match &scenario_items(&file)[0].kind {
        ScenarioItemKind::Observe(e) => sevent(e),
        other => panic!("expected observe, found {other:?}"),
    }
}

/// The value of a number literal.
fn number(src: &str) -> f64 {
    let text = format!("scenario s {{ let x = {src} }}");
    let file = parse(&text).unwrap_or_else(|d| panic!("{src:?}: {}", d[0].message));
    match &scenario_items(&file)[0].kind {
        ScenarioItemKind::Let {
            value:
                Expr {
                    kind: ExprKind::Number(v),
                    ..
                },
            ..
        } => *v,
        other => panic!("{src:?} is not a number literal: {other:?}"),
    }
}

/// The date of `as_of <src>`.
fn date(src: &str) -> DateLit {
    let text = format!("scenario s {{ as_of {src} }}");
    let file = parse(&text).unwrap_or_else(|d| panic!("{src:?}: {}", d[0].message));
    match &scenario_items(&file)[0].kind {
        ScenarioItemKind::AsOf(d) => *d,
        other => panic!("expected as_of, found {other:?}"),
    }
}

/// The first message of a text that must fail.
fn error(text: &str) -> String {
    parse(text).expect_err(text)[0].message.clone()
}

#[test]
fn unary_minus_binds_looser_than_power() {
    insta::assert_snapshot!(expr("-2^2"), @"(neg (^ 2 2))");
    insta::assert_snapshot!(expr("(-2)^2"), @"(^ (paren (neg 2)) 2)");
    insta::assert_snapshot!(expr("2^-2"), @"(^ 2 (neg 2))");
    insta::assert_snapshot!(expr("-a * b"), @"(* (neg a) b)");
    insta::assert_snapshot!(expr("--a"), @"(neg (neg a))");
    insta::assert_snapshot!(expr("a - -b"), @"(- a (neg b))");
}

#[test]
fn power_is_right_associative() {
    insta::assert_snapshot!(expr("2^3^2"), @"(^ 2 (^ 3 2))");
    insta::assert_snapshot!(expr("(2^3)^2"), @"(^ (paren (^ 2 3)) 2)");
}

#[test]
fn to_takes_whole_arithmetic_operands() {
    insta::assert_snapshot!(expr("1 + 2 to 3 * 4"), @"(to (+ 1 2) (* 3 4))");
    insta::assert_snapshot!(expr("-1 to 2^2"), @"(to (neg 1) (^ 2 2))");
    insta::assert_snapshot!(expr("(1 to 2) * 3"), @"(* (paren (to 1 2)) 3)");
}

#[test]
fn additive_and_multiplicative_operators_are_left_associative() {
    insta::assert_snapshot!(expr("1 - 2 - 3"), @"(- (- 1 2) 3)");
    insta::assert_snapshot!(expr("8 / 4 / 2"), @"(/ (/ 8 4) 2)");
    insta::assert_snapshot!(expr("1 + 2 * 3 - 4 / 5"), @"(- (+ 1 (* 2 3)) (/ 4 5))");
    insta::assert_snapshot!(expr("2 * 3 ^ 2"), @"(* 2 (^ 3 2))");
}

#[test]
fn calls_queries_and_names() {
    insta::assert_snapshot!(expr("beta(3, 9)"), @"(beta 3 9)");
    insta::assert_snapshot!(expr("f()"), @"(f)");
    insta::assert_snapshot!(expr("hazard.within(0.1, years = 2)"), @"(hazard.within 0.1 years=2)");
    insta::assert_snapshot!(expr("P(a | #b) * E(m | c.d)"), @"(* (P a | #b) (E m | c.d))");
    insta::assert_snapshot!(expr("1 - P(a)"), @"(- 1 (P a))");
}

#[test]
fn by_binds_tightest_then_not_and_or() {
    insta::assert_snapshot!(event("not a by 2026 or b and c"), @"(or (not (by a 2026-12-31)) (and b c))");
    insta::assert_snapshot!(event("a or b or c"), @"(or (or a b) c)");
    insta::assert_snapshot!(event("a and b and c"), @"(and (and a b) c)");
    insta::assert_snapshot!(event("a or b and not c"), @"(or a (and b (not c)))");
    insta::assert_snapshot!(event("not not #t by 2026-06"), @"(not (not (by #t 2026-06-30)))");
    insta::assert_snapshot!(event("not (a or b)"), @"(not (group (or a b)))");
    insta::assert_snapshot!(event("talks.signing.demob by 2027-01-15"), @"(by talks.signing.demob 2027-01-15)");
}

#[test]
fn by_applies_only_to_a_reference_or_a_tag() {
    insta::assert_snapshot!(
        error("scenario s { observe (a or b) by 2026 }"),
        @"expected a scenario item (`branch`, `option`, `let`, `metric`, `forecast`, `expect`, …), `and`, `or` or `}`, found `by`"
    );
    assert!(parse("scenario s { observe not a by 2026 }").is_ok());
    assert!(parse("scenario s { observe a by 2026 by 2027 }").is_err());
}

#[test]
fn number_suffixes() {
    assert_eq!(number("18%"), 0.18);
    assert_eq!(number("50B"), 5e10);
    assert_eq!(number("2.5k"), 2500.0);
    assert_eq!(number("1_000"), 1000.0);
    assert_eq!(number("1e-3"), 0.001);
    assert_eq!(number("3M"), 3e6);
    assert_eq!(number("1E+3"), 1000.0);
    assert_eq!(number("0.25"), 0.25);
    assert_eq!(number("12"), 12.0);
    assert_eq!(number("1.5k%"), 15.0);
    assert_eq!(number("100%"), 1.0);
    assert_eq!(number("0%"), 0.0);
    assert_eq!(number("1_000.000_1"), 1000.0001);
}

#[test]
fn malformed_numbers_are_errors() {
    // `_1` is not here: it is a name.
    for bad in [
        "2km", "1__000", "1_", ".5", "1.", "1e", "5%%", "1kk", "1K", "1b", "0x10",
    ] {
        let text = format!("scenario s {{ let x = {bad} }}");
        assert!(parse(&text).is_err(), "{bad} parsed");
    }
}

#[test]
fn partial_dates_mean_the_last_day() {
    let d = date("2026-02");
    assert_eq!(
        (d.date.to_string(), d.precision),
        ("2026-02-28".to_owned(), DatePrecision::Month)
    );
    assert_eq!(date("2028-02").date.to_string(), "2028-02-29");
    assert_eq!(date("2000-02").date.to_string(), "2000-02-29");
    assert_eq!(date("2100-02").date.to_string(), "2100-02-28");
    assert_eq!(date("2026-04").date.to_string(), "2026-04-30");
    assert_eq!(date("2026-01").date.to_string(), "2026-01-31");
    let d = date("2027");
    assert_eq!(
        (d.date.to_string(), d.precision),
        ("2027-12-31".to_owned(), DatePrecision::Year)
    );
    let d = date("2026-06-15");
    assert_eq!(
        (d.date.to_string(), d.precision),
        ("2026-06-15".to_owned(), DatePrecision::Day)
    );
    assert_eq!(date("2028-02-29").date.to_string(), "2028-02-29");
}

#[test]
fn impossible_dates_are_errors() {
    insta::assert_snapshot!(
        error("scenario s { as_of 2026-02-29 }"),
        @"`2026-02-29` is not a date: day 29 does not exist: that month has 28 days"
    );
    insta::assert_snapshot!(
        error("scenario s { as_of 2026-13 }"),
        @"`2026-13` is not a date: month 13 does not exist (months run 01 to 12)"
    );
    assert!(parse("scenario s { as_of 2026-04-31 }").is_err());
    assert!(parse("scenario s { as_of 2026-00-10 }").is_err());
    assert!(parse("scenario s { as_of 1900-02-29 }").is_err());
}

#[test]
fn every_literal_error_of_a_sound_file_is_reported() {
    let text = "scenario s {\n  as_of 2026-13\n  let x = 1e400 \"a\\qb\"\n  branch a p = 1 at 2026-02-30\n}";
    let messages: Vec<String> = parse(text)
        .unwrap_err()
        .into_iter()
        .map(|d| d.message)
        .collect();
    insta::assert_debug_snapshot!(messages, @r#"
    [
        "`2026-13` is not a date: month 13 does not exist (months run 01 to 12)",
        "the number `1e400` is too large",
        "unknown escape `\\q` in a string",
        "`2026-02-30` is not a date: day 30 does not exist: that month has 28 days",
    ]
    "#);
}

#[test]
fn string_escapes() {
    let text = r#"scenario s { author "a \"q\" \\ \n \t é" }"#;
    let file = parse(text).unwrap();
    let ScenarioItemKind::Author(s) = &scenario_items(&file)[0].kind else {
        panic!("author")
    };
    assert_eq!(s.value, "a \"q\" \\ \n \t é");
}

#[test]
fn durations() {
    let text = "scenario s { branch a p = 1 after 1y6mo2w3d branch b p = rest after 90d }";
    let file = parse(text).unwrap();
    let mut found = Vec::new();
    for item in scenario_items(&file) {
        if let ScenarioItemKind::Node(n) = &item.kind
            && let BodyItemKind::Branch(b) = &n.kind
            && let Some(scn_dsl::ast::When::After(d)) = b.when.as_deref()
        {
            found.push((d.duration.months, d.duration.days));
        }
    }
    assert_eq!(found, [(18, 17), (0, 90)]);
    for bad in ["6m", "1.5y", "y", "6mo1", "1h", "-1d"] {
        let text = format!("scenario s {{ branch a p = 1 after {bad} }}");
        assert!(parse(&text).is_err(), "{bad} parsed");
    }
}

#[test]
fn keywords_are_whole_words() {
    for name in [
        "to_p", "indep", "income", "by_april", "notable", "order", "android", "P_x", "E2",
    ] {
        insta::allow_duplicates! {
            insta::assert_snapshot!(expr(&format!("{name} + 1")).replace(name, "NAME"), @"(+ NAME 1)");
        }
        let text = format!("scenario s {{ branch {name} p = 1 forecast f = P({name} or {name}) }}");
        assert!(parse(&text).is_ok(), "{name} as a branch id");
    }
    insta::assert_snapshot!(event("by_april or indep"), @"(or by_april indep)");
    insta::assert_snapshot!(expr("income to to_p"), @"(to income to_p)");
    for keyword in [
        "to", "in", "by", "not", "and", "or", "rest", "unit", "tag", "P", "E",
    ] {
        let text = format!("scenario s {{ let {keyword} = 1 }}");
        assert!(parse(&text).is_err(), "`{keyword}` was taken for a name");
    }
}

#[test]
fn p_is_special_only_after_a_branch_id_and_label() {
    let text = "scenario s {\n  let p = 0.3\n  metric q = p\n  branch p \"P\" p = p { q += p }\n  branch b p = rest\n  forecast pp = P(p)\n}";
    let file = parse(text).unwrap();
    let items = scenario_items(&file);
    let ScenarioItemKind::Let { name, value, .. } = &items[0].kind else {
        panic!("let")
    };
    assert_eq!((name.name.as_str(), sexpr(value)), ("p", "0.3".to_owned()));
    let ScenarioItemKind::Node(n) = &items[2].kind else {
        panic!("node")
    };
    let BodyItemKind::Branch(b) = &n.kind else {
        panic!("branch")
    };
    let Prob::Expr(prob) = &b.prob else {
        panic!("an expression")
    };
    assert_eq!((b.id.name.as_str(), sexpr(prob)), ("p", "p".to_owned()));
    let ScenarioItemKind::Node(n) = &items[3].kind else {
        panic!("node")
    };
    let BodyItemKind::Branch(b) = &n.kind else {
        panic!("branch")
    };
    assert!(matches!(b.prob, Prob::Rest(_)));
    // Template parameters and arguments may be called `p` too.
    assert!(parse("template t(p = 1) { branch a p = p } scenario s { use t(p = 0.5) }").is_ok());
    // A branch without `p =` is an error that names it.
    insta::assert_snapshot!(error("scenario s { branch a = 1 }"), @"expected a string in double quotes or `p =`, found `=`");
}

#[test]
fn columns_count_characters_and_lines_count_line_feeds() {
    let text = "scenario s \"é—ü\" {\r\n\tbranch a p = = 1\r\n}";
    let diags = parse(text).unwrap_err();
    let header = common::render_all("x.scn", text, &diags);
    insta::assert_snapshot!(header.lines().next().unwrap(), @"x.scn:2:15: error: expected a probability after `p =` (a number, an expression or `rest`), found `=` [syntax]");
}

/// The items of a scenario written around `src`.
fn items(src: &str) -> Vec<ScenarioItemKind> {
    let text = format!("scenario s {{ {src} }}");
    let file = parse(&text).unwrap_or_else(|d| panic!("{src:?}: {}", d[0].message));
    scenario_items(&file)
        .iter()
        .map(|i| i.kind.clone())
        .collect()
}

#[test]
fn a_forecast_ends_with_closes_then_criteria_each_optional() {
    let forecast = |src: &str| match items(src).remove(0) {
        ScenarioItemKind::Forecast {
            value,
            closes,
            criteria,
            ..
        } => format!(
            "{} closes={} criteria={}",
            sexpr(&value),
            closes.map_or("-".to_owned(), |d| d.date.to_string()),
            criteria.map_or("-".to_owned(), |c| c.value.to_string()),
        ),
        other => panic!("expected a forecast, found {other:?}"),
    };
    insta::assert_snapshot!(
        forecast(r#"forecast f "F" = P(#deal by 2026-01-31) closes 2026-01-31 criteria "Both sign.""#),
        @"(P (by #deal 2026-01-31)) closes=2026-01-31 criteria=Both sign."
    );
    // A partial date means its last day, as everywhere.
    insta::assert_snapshot!(forecast("forecast f = a closes 2026-02"), @"a closes=2026-02-28 criteria=-");
    insta::assert_snapshot!(forecast(r#"forecast f = a criteria "c""#), @"a closes=- criteria=c");
    // The expression before them is read greedily: `to` and operators still continue it.
    insta::assert_snapshot!(forecast("forecast f = 1 to 2 * a closes 2027"), @"(to 1 (* 2 a)) closes=2027-12-31 criteria=-");
    // `closes` and `criteria` are names everywhere else, even inside the forecast's value.
    insta::assert_snapshot!(forecast("forecast f = closes + criteria closes 2026"), @"(+ closes criteria) closes=2026-12-31 criteria=-");
    assert_eq!(
        error(r#"scenario s { forecast f = a criteria "c" closes 2026 }"#),
        "expected a scenario item (`branch`, `option`, `let`, `metric`, `forecast`, `expect`, …) or `}`, found `closes`"
    );
    assert_eq!(
        error("scenario s { forecast f = a closes }"),
        "expected a date such as 2026-06-30, 2026-06 or 2026, found `}`"
    );
}

#[test]
fn closes_and_criteria_stay_names() {
    let names: Vec<String> = items("let closes = 1 let criteria = 2 metric closes_m = closes")
        .into_iter()
        .map(|k| match k {
            ScenarioItemKind::Let { name, .. } | ScenarioItemKind::Metric { name, .. } => {
                name.name.to_string()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["closes", "criteria", "closes_m"]);
    let file = parse("scenario s { branch closes p = 1 #criteria }").expect("valid");
    assert!(matches!(
        &scenario_items(&file)[0].kind,
        ScenarioItemKind::Node(n) if matches!(&n.kind, BodyItemKind::Branch(b) if b.id.name == "closes" && b.tags()[0].name == "criteria")
    ));
}

#[test]
fn a_let_cites_sources_after_its_description() {
    let cites = |src: &str| match items(src).remove(0) {
        ScenarioItemKind::Let { doc, cites, .. } => format!(
            "doc={} cites={}",
            doc.map_or("-".to_owned(), |d| d.value.to_string()),
            cites
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => panic!("expected a let, found {other:?}"),
    };
    insta::assert_snapshot!(cites(r#"let p = beta(3, 9) "doc" cite moscow, framework"#), @"doc=doc cites=moscow,framework");
    insta::assert_snapshot!(cites("let p = 1 cite a"), @"doc=- cites=a");
    insta::assert_snapshot!(cites(r#"let p = 1 "doc""#), @"doc=doc cites=");
    assert_eq!(
        error(r#"scenario s { let p = 1 cite a "doc" }"#),
        "expected a scenario item (`branch`, `option`, `let`, `metric`, `forecast`, `expect`, …), `}` or `,`, found `\"doc\"`"
    );
}

#[test]
fn a_note_may_stand_at_scenario_level() {
    let kinds = items(r#"note "first" branch a p = rest { note "inner" } note "last""#);
    let notes: Vec<String> = kinds
        .iter()
        .filter_map(|k| match k {
            ScenarioItemKind::Note(s) => Some(s.value.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(notes, ["first", "last"]);
}
