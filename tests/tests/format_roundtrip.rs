//! The formatter's contract (`scn fmt`): its output parses to the same tree (spans erased),
//! formatting twice changes nothing, and no comment is lost. Checked on the fixtures of
//! `tests/fixtures/valid/` (whose formatted output is snapshot-tested), on the benchmark tree
//! in `bench/`, and, in tests that `scripts/test` runs only when the language contract is
//! beside the checkout (`../shared`), on every conformance case.

mod common;

use std::path::{Path, PathBuf};

use common::{comments, parse, round_trip};

/// The contract's conformance cases, outside the repository.
const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/cases"
);
/// The tree the project benchmarks itself on.
const PEER_TREE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/peer-tree.scn");

fn fmt(text: &str) -> String {
    let file = parse(text).unwrap_or_else(|d| panic!("{text:?} does not parse: {d:?}"));
    scn_dsl::format(&file, text)
}

fn scn_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            scn_files_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "scn") {
            out.push(p);
        }
    }
}

#[test]
fn fixtures_round_trip_and_their_layout_is_snapshotted() {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("../fixtures/valid", "*.scn", |path| {
            let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
            let rt = round_trip(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            insta::assert_snapshot!("formatted", rt.formatted);
        });
    });
}

#[test]
#[ignore = "needs the language contract in ../shared beside the checkout; scripts/test runs it when it is there"]
fn the_spec_example_is_the_one_of_section_12() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/spec/scn-language.md"
    );
    let spec = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the contract at {path}: {e}"));
    let fixture = include_str!("../fixtures/valid/spec-example.scn");
    let example = spec
        .split("## 12. Example")
        .nth(1)
        .and_then(|s| s.split("```\n").nth(1))
        .expect("section 12 holds a fenced example");
    assert_eq!(
        fixture, example,
        "copy the example of spec section 12 again"
    );
}

#[test]
#[ignore = "needs the conformance cases in ../shared beside the checkout; scripts/test runs it when they are there"]
fn every_conformance_case_round_trips() {
    let dir = Path::new(CASES);
    assert!(dir.is_dir(), "no conformance cases at {CASES}");
    let mut files = Vec::new();
    scn_files_under(dir, &mut files);
    let mut mains = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("cases are UTF-8");
        let is_main = path.file_name().is_some_and(|n| n == "main.scn");
        // Files of the error cases may be invalid on purpose; every `main.scn` must be valid.
        if !is_main && parse(&text).is_err() {
            continue;
        }
        mains += usize::from(is_main);
        round_trip(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    assert!(mains > 0, "no main.scn under {CASES}");
}

#[test]
fn the_benchmark_tree_round_trips() {
    let text = std::fs::read_to_string(PEER_TREE)
        .unwrap_or_else(|e| panic!("the benchmark tree belongs at {PEER_TREE}: {e}"));
    round_trip(&text).unwrap_or_else(|e| panic!("{PEER_TREE}: {e}"));
}

#[test]
fn let_cites_and_scenario_notes_keep_their_layout() {
    let messy = "scenario s {note   \"whole tree\"\nsource a \"A\" source b \"B\"\n\
                 let x = beta(3,9)   \"why\"   cite a ,b\nlet y = 80%  cite   b\n\
                 branch k p = x branch l p = rest }";
    let rt = round_trip(messy).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(rt.formatted, @r#"
    scenario s {
      note "whole tree"
      source a "A"
      source b "B"
      let x = beta(3, 9) "why" cite a, b
      let y = 80% cite b
      branch k p = x
      branch l p = rest
    }
    "#);
}

#[test]
fn an_empty_file_formats_to_nothing_and_comments_alone_survive() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    insta::assert_snapshot!(fmt("// one\n\n\n// two   \n   // three"), @r"
    // one

    // two
    // three
    ");
}

#[test]
fn line_endings_tabs_and_blank_line_runs_are_normalised() {
    let text = "scenario s {\r\n\tbranch a p = 1 {}\r\n\r\n\r\n\r\n\tbranch b p = rest\r\n}\r\n";
    let out = round_trip(text).unwrap().formatted;
    assert!(!out.contains('\r') && !out.contains('\t'), "{out:?}");
    insta::assert_snapshot!(out, @r"
    scenario s {
      branch a p = 1 {}

      branch b p = rest
    }
    ");
}

#[test]
fn literals_are_kept_as_written_and_spacing_is_canonical() {
    let text = "scenario s{let x=(1_000.50k+2E-3%)*-(3)^-2 \"a\\tb \\\"c\\\"\"\n\
                branch b p=x at 2026-02 #t cite q{}expect P(b)in - 5%..0}";
    insta::assert_snapshot!(round_trip(text).unwrap().formatted, @r#"
    scenario s {
      let x = (1_000.50k + 2E-3%) * -(3) ^ -2 "a\tb \"c\""
      branch b p = x at 2026-02 #t cite q {}
      expect P(b) in -5% .. 0
    }
    "#);
}

#[test]
fn a_plus_sign_is_accepted_on_a_bound() {
    // Spec section 4: bounds are "signed numbers".
    assert!(parse("scenario s { expect 1 in +0 .. 1 }").is_ok());
    assert!(parse("scenario s { expect 1 in -0 .. 1 }").is_ok());
}

#[test]
fn comments_inside_an_item_move_before_the_next_line_but_are_kept() {
    let text = "template t(a, // in the parameters\n  b) {}\n\
                scenario s {\n  let x = 1 + // in an expression\n    2 \"doc\"\n}\n";
    let out = round_trip(text).unwrap().formatted;
    assert_eq!(comments(&out), comments(text));
}

/// A comment after code stays at the end of its line, whatever the item ends with.
#[test]
fn trailing_comments_stay_on_their_line() {
    let text = "\
scenario s {
  let x = 1  // a
  metric m = 0  // b
  forecast f = P(y)  // c
  observe y  // d
  branch y p = 1  // e
  branch z p = rest {
    m += 1  // f
    option o  // g
  }
}
";
    assert_eq!(fmt(text), text);
}

/// Reproducer: `scenario s {\n  branch b p = 1 { m += 1 } // after\n}`.
#[test]
fn a_comment_after_a_one_line_block_stays_after_it() {
    let text = "scenario s {\n  branch b p = 1 { m += 1 } // after\n}\n";
    assert_eq!(
        fmt(text),
        "scenario s {\n  branch b p = 1 {\n    m += 1\n  }  // after\n}\n"
    );
    let text = "scenario s {\n  branch b p = 1 { m += 1 // on m\n  }\n}\n";
    assert_eq!(
        fmt(text),
        "scenario s {\n  branch b p = 1 {\n    m += 1  // on m\n  }\n}\n"
    );
    let text = "template t() { branch a p = 1 } // after t\n";
    assert_eq!(
        fmt(text),
        "template t() {\n  branch a p = 1\n}  // after t\n"
    );
}

/// Reproducer: `scenario s {\n  expect 1 in - // c\n    1 .. 2\n}` formats as
/// `expect 1 in -//c1 .. 2`, which comments out the rest of the line.
#[test]
fn a_comment_inside_a_bound_does_not_break_the_output() {
    let text = "scenario s {\n  expect 1 in - // c\n    1 .. 2\n}\n";
    round_trip(text).unwrap();
}

/// A trailing comment stays with its own item, not the one above, whose span once ran on to the
/// start of the next item.
#[test]
fn a_trailing_comment_stays_with_its_own_item() {
    let text = "scenario s {\n  let a = 1\n  let b = 2  // about b\n}\n";
    assert_eq!(fmt(text), text);
    let text = "scenario s {\n  metric m = 0\n  branch a p = 1 {}  // c\n}\n";
    assert_eq!(fmt(text), text);
    round_trip(text).unwrap();
}
