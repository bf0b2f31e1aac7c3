//! Properties of the parser and the formatter over generated input: arbitrary text, token soup
//! and random edits of the valid fixtures never panic; failures carry diagnostics whose spans
//! lie within the text on character boundaries; successes carry a tree whose spans do too, and
//! which the formatter round-trips.
//!
//! Every property runs on a big-stack thread, since generated input may nest deeply.

mod common;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};

use common::{
    check_diag_spans, check_header, check_spans, on_big_stack, parse, render_all, round_trip,
};

const CASES: u32 = 256;
const SEED: u64 = 0x5c4e_7e57;

/// The texts of the valid fixtures, mutated by the edit properties.
const FIXTURES: &[&str] = &[
    include_str!("../fixtures/valid/spec-example.scn"),
    include_str!("../fixtures/valid/all-items.scn"),
    include_str!("../fixtures/valid/comments.scn"),
    include_str!("../fixtures/valid/decision.scn"),
    include_str!("../fixtures/valid/expressions.scn"),
    include_str!("../fixtures/valid/library.scn"),
    include_str!("../fixtures/valid/messy-layout.scn"),
];

/// Runs a property over `cases` inputs (or `PROPTEST_CASES`, for a longer hunt) on a
/// big-stack thread, failing with the shrunk input.
fn check<S>(cases: u32, strategy: S, test: fn(&str) -> Result<(), TestCaseError>)
where
    S: Strategy<Value = String> + Send + 'static,
{
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    // Seeded, so that a run is repeatable; `PROPTEST_RNG_SEED` explores other inputs.
    let rng_seed = match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => Config::default().rng_seed,
        None => RngSeed::Fixed(SEED),
    };
    on_big_stack(move || {
        let config = Config {
            cases,
            rng_seed,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, |text| test(&text)) {
            panic!("{e}");
        }
    });
}

/// The property every input must have, valid or not.
fn never_panics_and_stays_in_bounds(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Err(diags) => {
            prop_assert!(!diags.is_empty(), "a failure without diagnostics");
            for d in &diags {
                check_diag_spans(d, text).map_err(TestCaseError::fail)?;
            }
            let rendered = render_all("p.scn", text, &diags);
            check_header(&rendered, "p.scn").map_err(TestCaseError::fail)?;
        }
        Ok(file) => {
            check_spans(&file, text).map_err(TestCaseError::fail)?;
            round_trip(text).map_err(TestCaseError::fail)?;
        }
    }
    Ok(())
}

/// Words, literals and punctuation of the language, glued by spaces, line breaks or nothing,
/// so that generated text gets past the first token often enough to be interesting.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => prop::sample::select(vec![
            "scenario", "template", "import", "plugin", "let", "metric", "branch", "option",
            "use", "rest", "at", "after", "by", "as_of", "horizon", "author", "description",
            "source", "cite", "note", "objective", "maximize", "minimize", "observe", "forecast",
            "expect", "in", "to", "not", "and", "or", "P", "E", "unit", "p", "tag",
        ]),
        4 => prop::sample::select(vec![
            "a", "b", "x", "to_p", "s", "#t", "#peace", "1", "0.5", "18%", "2.5k", "1e400",
            "1_000", "2026", "2026-02", "2026-02-30", "2026-13", "6mo", "1y6mo", "\"s\"",
            "\"a\\n\"", "\"\\q\"", "\"open", "é", "//c\n", "\t",
        ]),
        5 => prop::sample::select(vec![
            "{", "}", "(", ")", "=", "+=", "-=", "*=", "+", "-", "*", "/", "^", "..", ",", ".",
            "|", "#",
        ]),
    ];
    let sep = prop::sample::select(vec![" ", " ", " ", "\n", ""]);
    prop::collection::vec((token, sep), 0..60)
        .prop_map(|parts| parts.into_iter().flat_map(|(t, s)| [t, s]).collect())
}

/// One edit of a text: where, and what.
#[derive(Clone, Debug)]
enum Edit {
    Insert(Index, char),
    Delete(Index),
    Replace(Index, char),
}

fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '{', '}', '(', ')', '"', '\\', '#', '.', ',', '=', '+', '-', '*', '/', '^', '%', '|',
            '\n', ' ', '\t', '\r', 'p', 'a', '0', '9', 'k', 'e', '_', 'é', '—', '\u{feff}', '\0',
        ]),
        1 => any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), interesting_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), interesting_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

/// Applies edits at character positions, so the result stays valid UTF-8.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match *e {
            Edit::Insert(ref i, c) => chars.insert(i.index(chars.len() + 1), c),
            Edit::Delete(ref i) if !chars.is_empty() => {
                chars.remove(i.index(chars.len()));
            }
            Edit::Replace(ref i, c) if !chars.is_empty() => {
                let at = i.index(chars.len());
                chars[at] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn mutated_fixture() -> impl Strategy<Value = String> {
    (
        prop::sample::select(FIXTURES),
        prop::collection::vec(edit(), 1..4),
    )
        .prop_map(|(text, edits)| apply(text, &edits))
}

/// Nested braces and parentheses in a valid frame, some of them unbalanced. Branches nest less
/// deeply: their formatted text grows with the square of the depth (two spaces a level).
fn deep_nesting() -> impl Strategy<Value = String> {
    let branches =
        (1usize..1_000, 0usize..1_000, prop::bool::ANY).prop_map(|(open, close, balanced)| {
            let close = if balanced { open } else { close };
            format!(
                "scenario s {{{}{}",
                "branch a p = 1 {".repeat(open),
                "}".repeat(close + 1)
            )
        });
    let parens =
        (1usize..5_000, 0usize..5_000, prop::bool::ANY).prop_map(|(open, close, balanced)| {
            let close = if balanced { open } else { close };
            format!(
                "scenario s {{ let x = {}1{} }}",
                "(".repeat(open),
                ")".repeat(close)
            )
        });
    prop_oneof![branches, parens]
}

#[test]
fn arbitrary_strings() {
    check(CASES, any::<String>(), never_panics_and_stays_in_bounds);
}

#[test]
fn arbitrary_printable_ascii() {
    check(CASES, "[ -~\n\t]{0,200}", never_panics_and_stays_in_bounds);
}

#[test]
fn token_soup_never_panics() {
    check(CASES, token_soup(), never_panics_and_stays_in_bounds);
}

#[test]
fn edited_fixtures_never_panic_and_round_trip_when_valid() {
    check(CASES, mutated_fixture(), never_panics_and_stays_in_bounds);
}

#[test]
fn deep_nesting_never_overflows() {
    check(32, deep_nesting(), never_panics_and_stays_in_bounds);
}

#[test]
fn the_generators_reach_valid_input() {
    // Guard against generators that only ever produce errors: then the round-trip half of the
    // properties above would test nothing.
    let mut runner = TestRunner::deterministic();
    let strategy = mutated_fixture();
    let valid = (0..200)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).expect("a value").current();
            parse(&text).is_ok()
        })
        .count();
    assert!(valid >= 20, "only {valid} of 200 edited fixtures parse");
}

#[test]
fn every_fixture_round_trips() {
    for text in FIXTURES {
        round_trip(text).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Spans end at the last token: pest skips the white space and comments before trying an
/// optional or repeated part, so a rule such as `expr` once ended after the trivia that followed
/// it (`metric m = 0 // c\n`), and `fmt` then moved trailing comments.
#[test]
fn item_spans_end_at_their_last_token() {
    let text = "scenario s {\n  metric m = 0 // c\n  let x = 1 \n  branch a p = b // d\n  \
                forecast f = P(a ) + g(x ) + h(y = 1 )\n}\n";
    let mut file = parse(text).unwrap();
    let mut bad = Vec::new();
    scn_dsl::visit::spans_mut(&mut file, &mut |s| {
        let covered = &text[s.range()];
        if covered.trim_end() != covered {
            bad.push(covered.to_owned());
        }
    });
    assert!(bad.is_empty(), "spans with trailing trivia: {bad:#?}");
}
