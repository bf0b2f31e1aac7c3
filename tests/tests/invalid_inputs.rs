//! The corpus of `tests/invalid/`: one syntax or literal mistake per file, named for the mistake.
//! Each must fail to parse, and its rendered diagnostics are snapshot-tested so that a change of
//! wording or of position is reviewed. Semantic mistakes (sums, unknown names) belong to the
//! evaluator's tests, not here.

mod common;

use std::path::Path;

use common::{check_diag_spans, check_header, parse, render_all};

/// Rule names of the grammar that must never reach a user (besides every `kw_*` and `*_op`).
const RULE_NAMES: &[&str] = &[
    "ident",
    "expr",
    "cites",
    "body_item",
    "scenario_item",
    "let_decl",
    "use_stmt",
    "paren_expr",
    "call_args",
    "named_arg",
    "prob_query",
    "exp_query",
    "event_and",
    "event_not",
    "event_atom",
    "event_by",
    "event_group",
    "ident_char",
    "lbrace",
    "rbrace",
    "lparen",
    "rparen",
    "EOI",
    "SOI",
    "WHITESPACE",
    "COMMENT",
];

/// The internal rule name a text shows, if any. Words inside backticks quote the user's input or
/// a keyword and are skipped, except for the unmistakable `Rule::` and `kw_`.
fn leaked_rule_name(text: &str) -> Option<String> {
    for marker in ["Rule::", "kw_"] {
        if text.contains(marker) {
            return Some(marker.to_owned());
        }
    }
    let outside_backticks = text.split('`').step_by(2);
    let words =
        outside_backticks.flat_map(|s| s.split(|c: char| !(c.is_alphanumeric() || c == '_')));
    words
        .filter(|w| w.ends_with("_op") || RULE_NAMES.contains(w))
        .map(str::to_owned)
        .next()
}

/// The diagnostics of one corpus file, rendered under its bare file name, after checking
/// that it fails and that every diagnostic reads as the spec says.
fn diagnose(path: &Path) -> String {
    let name = path
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
    let Err(diags) = parse(&text) else {
        panic!("{name} parsed, but every file in tests/invalid must fail to parse");
    };
    assert!(!diags.is_empty(), "{name}: an error without diagnostics");
    for d in &diags {
        assert!(d.is_error(), "{name}: {:?} is not an error", d.message);
        check_diag_spans(d, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered = render_all(&name, &text, std::slice::from_ref(d));
        check_header(&rendered, &name).unwrap_or_else(|e| panic!("{e}"));
        let texts = [Some(&d.message), d.span_label.as_ref(), d.help.as_ref()];
        for t in texts.into_iter().flatten() {
            if let Some(rule) = leaked_rule_name(t) {
                panic!("{name}: {t:?} names the internal rule `{rule}`");
            }
        }
    }
    render_all(&name, &text, &diags)
}

#[test]
fn every_invalid_file_fails_with_a_readable_diagnostic() {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("../invalid", "*.scn", |path| {
            insta::assert_snapshot!("diagnostics", diagnose(path));
        });
    });
}

#[test]
fn the_corpus_is_large_and_named_for_mistakes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/invalid");
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/invalid exists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.len() >= 40,
        "only {} files in tests/invalid",
        names.len()
    );
    for n in &names {
        let stem = n
            .strip_suffix(".scn")
            .unwrap_or_else(|| panic!("{n} is not a .scn file"));
        let kebab = stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        assert!(
            kebab,
            "{n}: name corpus files in kebab-case after their mistake"
        );
    }
}

#[test]
fn the_rule_name_check_catches_leaks_and_spares_words() {
    assert_eq!(
        leaked_rule_name("expected kw_let, found `x`").as_deref(),
        Some("kw_")
    );
    assert_eq!(
        leaked_rule_name("expected ident or expr").as_deref(),
        Some("ident")
    );
    assert_eq!(
        leaked_rule_name("expected add_op").as_deref(),
        Some("add_op")
    );
    assert_eq!(
        leaked_rule_name("expected Rule::expr").as_deref(),
        Some("Rule::")
    );
    assert_eq!(
        leaked_rule_name("expected an expression, found `expr`"),
        None
    );
    assert_eq!(leaked_rule_name("expected a name, found `stop_op`"), None);
}

#[test]
fn the_header_check_accepts_only_the_spec_form() {
    assert!(check_header("a.scn:2:20: error: expected `=`\n  |", "a.scn").is_ok());
    assert!(check_header("a.scn:2: error: x", "a.scn").is_err());
    assert!(check_header("a.scn:2:x: error: x", "a.scn").is_err());
    assert!(check_header("b.scn:2:3: error: x", "a.scn").is_err());
    assert!(check_header("a.scn:2:3: warning: x", "a.scn").is_err());
    assert!(check_header("/abs/a.scn:2:3: error: x", "a.scn").is_err());
}

/// Reproducer: `branch deal p = 1` at the top of a file, or `# comment`, `/* comment */`.
#[test]
fn a_mistake_before_the_first_item_names_what_may_start_a_file() {
    for text in [
        "branch deal p = 1\n",
        "# notes\nscenario s {}\n",
        "/* c */ scenario s {}\n",
    ] {
        let diags = parse(text).expect_err("invalid");
        let message = &diags[0].message;
        assert!(!message.contains("a file"), "{text:?}: {message}");
        assert!(message.contains("`scenario`"), "{text:?}: {message}");
    }
}

/// Reproducer: `scenario s {\n  branch b p = 1 \u{1b}[2J\n}` prints the terminal escape as is.
#[test]
fn control_characters_are_not_echoed_raw() {
    for text in [
        "scenario s {\n  branch b p = 1 \u{1b}[2J\n}\n",
        "\u{0}scenario s {}",
        "scenario s \u{7}{}",
    ] {
        let diags = parse(text).expect_err("invalid");
        for d in &diags {
            assert!(
                !d.message.chars().any(char::is_control),
                "{text:?}: {:?}",
                d.message
            );
        }
    }
}
