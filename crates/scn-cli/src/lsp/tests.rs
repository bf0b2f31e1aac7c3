//! The features in process: every corpus file and truncations of it through hover, go to
//! definition, completion, the outline, semantic tokens and diagnostics, at many positions —
//! none may panic, whatever the text. And the cases the protocol test does not reach.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

use super::document::{Document, Env};
use super::{completion, definition, diagnostics, hover, symbols, tokens};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.scn` file of the scenario library, the invalid-input corpora and the fuzzer's
/// corpus.
fn corpus() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![
        repo().join("scenarios"),
        repo().join("tests/invalid"),
        repo().join("tests/invalid-semantic"),
        repo().join("crates/scn-fuzz/corpus"),
    ];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "scn") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(
        out.len() > 100,
        "the corpus is missing: {} files",
        out.len()
    );
    out
}

fn uri_of(path: &Path) -> Uri {
    super::uri::from_path(&path.canonicalize().unwrap_or(path.to_path_buf())).unwrap()
}

/// Runs every feature at the given offsets of `text`, read as the file at `path`.
fn exercise(path: &Path, text: &str, offsets: impl Iterator<Item = usize>) {
    let env = Env {
        root: Some(repo()),
        ..Env::default()
    };
    let uri = uri_of(path);
    let mut doc = Document::new(uri.clone(), 1, text.to_owned());
    let a = doc.analysis(&env);
    let _ = diagnostics::of(&a, &uri);
    let _ = symbols::outline(&a);
    let toks = tokens::semantic_tokens(text, a.index.as_ref());
    assert_eq!(toks.data.len(), toks.data.len().min(text.len()));
    for off in offsets {
        if !text.is_char_boundary(off) {
            continue;
        }
        let pos = doc.lines.position(text, off);
        assert_eq!(
            doc.lines.offset(text, pos),
            doc.lines
                .offset(text, doc.lines.position(text, doc.lines.offset(text, pos)))
        );
        let _ = hover::at(&a, off);
        let _ = definition::at(&a, &uri, off);
        let _ = completion::at(text, off, Some(&a));
    }
}

#[test]
fn no_text_and_no_position_makes_a_feature_panic() {
    let files = corpus();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        // Every position of the small files, a few hundred of the large ones.
        let step = (text.len() / 300).max(1);
        exercise(path, &text, (0..=text.len()).step_by(step));
        // Truncations: text being typed, cut anywhere.
        let cuts = 12;
        for k in 1..cuts {
            let mut at = text.len() * k / cuts;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let cut = &text[..at];
            let step = (cut.len() / 25).max(1);
            exercise(path, cut, (0..=cut.len()).step_by(step));
        }
    }
}

#[test]
fn every_position_of_a_few_files() {
    for name in [
        "scenarios/lib/decision.scn",
        "scenarios/decision/oil-wildcatter.scn",
    ] {
        let path = repo().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        exercise(&path, &text, 0..=text.len());
    }
    // Non-ASCII everywhere, and out-of-range positions.
    let text = "scenario s \"é😀\" {\n  let ü = 1\n  branch a \"ä\" p = 50% #t { }\n  branch b p = rest\n  forecast f = P(a)\n}\n";
    exercise(Path::new("/nonexistent/x.scn"), text, 0..=text.len() + 3);
}

#[test]
fn a_problem_in_an_import_is_shown_on_the_import_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lib.scn"),
        "template t() {\n  branch a p = }\n",
    )
    .unwrap();
    let main = dir.path().join("main.scn");
    let text = "// uses lib\nimport \"lib.scn\"\nscenario s { branch x p = 1 }\n";
    let env = Env {
        root: Some(dir.path().to_path_buf()),
        ..Env::default()
    };
    let uri = uri_of(dir.path()).as_str().to_owned() + "/main.scn";
    let uri = Uri::from_str(&uri).unwrap();
    let mut doc = Document::new(uri.clone(), 1, text.to_owned());
    assert_eq!(
        doc.path.as_deref(),
        Some(main.canonicalize().unwrap_or(main).as_path())
    );
    let a = doc.analysis(&env);
    let d = diagnostics::of(&a, &uri);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].range.start, lsp_types::Position::new(1, 7));
    assert!(
        d[0].message.starts_with("lib.scn:2:16: "),
        "{}",
        d[0].message
    );
    let rel = d[0].related_information.as_ref().unwrap();
    assert!(rel[0].location.uri.as_str().ends_with("/lib.scn"));
    assert_eq!(rel[0].location.range.start, lsp_types::Position::new(1, 15));
}

#[test]
fn completion_keeps_the_names_of_the_last_text_that_parsed() {
    let env = Env::default();
    let uri = Uri::from_str("untitled:Untitled-1").unwrap();
    let good = "scenario s {\n  let rate = 0.2\n  branch a p = rate #hot\n  branch b p = rest\n}\n";
    let mut doc = Document::new(uri, 1, good.to_owned());
    assert!(doc.analysis(&env).index.is_some());
    // Typing a new line that does not parse yet.
    let at = good.find("  branch b").unwrap();
    doc.edit(Some((at, at)), "  forecast f = P(#");
    let a = doc.analysis(&env);
    assert!(a.index.is_none());
    let names = doc.last_parsed();
    let offset = at + "  forecast f = P(#".len();
    let items = completion::at(&doc.text, offset, names.as_deref()).items;
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["hot"]);
    let items = completion::at(&doc.text, offset - 1, names.as_deref()).items;
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert!(labels.contains(&"a") && labels.contains(&"b"), "{labels:?}");
}

#[test]
fn completion_of_a_huge_tree_is_capped_and_filtered() {
    let mut text = String::from("scenario s {\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "  branch b{i} p = 0.0001\n  branch c{i} p = 0.0001\n"
        ));
    }
    text.push_str("  branch last p = rest\n  forecast f = P(b)\n}\n");
    let env = Env::default();
    let mut doc = Document::new(Uri::from_str("untitled:big").unwrap(), 1, text.clone());
    let a = doc.analysis(&env);
    let at = text.find("P(b)").unwrap() + 3;
    let list = completion::at(&text, at, Some(&a));
    // 3000 ids start with `b`: the first 2000 (in label order) are sent, marked incomplete.
    assert!(list.is_incomplete);
    assert_eq!(list.items.len(), 2000);
    assert!(list.items.iter().all(|i| i.label.starts_with('b')));
    let list = completion::at(&text, at - 1, Some(&a));
    assert!(list.items.iter().any(|i| i.label == "not"));
}

#[test]
fn the_outline_of_a_deep_tree_stops_nesting_at_its_limit() {
    // 200 nested branches: the first 63 below the scenario nest, the rest are listed flat
    // under the deepest, so the reply stays shallow and every branch is in it.
    let n = 200;
    let mut text = String::from("scenario s {\n");
    for i in 0..n {
        text.push_str(&format!("branch b{i} p = 1 {{\n"));
    }
    text.push_str(&"}\n".repeat(n));
    text.push_str("}\n");
    let env = Env::default();
    let mut doc = Document::new(Uri::from_str("untitled:deep").unwrap(), 1, text);
    let a = doc.analysis(&env);
    let outline = symbols::outline(&a);
    fn walk(s: &lsp_types::DocumentSymbol, depth: usize, most: &mut usize, count: &mut usize) {
        *most = (*most).max(depth);
        *count += 1;
        for c in s.children.iter().flatten() {
            walk(c, depth + 1, most, count);
        }
    }
    let (mut most, mut count) = (0, 0);
    for s in &outline {
        walk(s, 1, &mut most, &mut count);
    }
    assert_eq!(most, symbols::MAX_OUTLINE_DEPTH);
    assert_eq!(count, n + 1, "the scenario and every branch");
}

#[test]
fn hover_numbers_are_the_evaluations() {
    // Hand values: P(a) = 0.4; P(a.c) = 0.4 × 0.25 = 0.1; E(cost) = 0.1 × 8 = 0.8;
    // beta(2, 8) has mean 0.2.
    let text = "scenario s {\n  as_of 2026-01-01\n  let r = beta(2, 8)\n  metric cost = 0\n  \
                branch a p = 40% after 6mo {\n    branch c p = 25% { cost += 8 }\n    \
                branch d p = rest\n  }\n  branch b p = rest\n  forecast f = P(a.c)\n}\n";
    let env = Env::default();
    let uri = Uri::from_str("untitled:x").unwrap();
    let mut doc = Document::new(uri, 1, text.to_owned());
    let a = doc.analysis(&env);
    let hover = |needle: &str| hover::at(&a, text.find(needle).unwrap()).unwrap().0;
    let c = hover("c p =");
    assert!(c.contains("probability given its parent: **25%**"), "{c}");
    assert!(c.contains("path probability: **10%**"), "{c}");
    assert!(c.contains("date: 2026-07-01"), "{c}");
    assert!(hover("f =").contains("value: **0.1**"));
    assert!(hover("cost =").contains("expected value: **0.8**"));
    let r = hover("r =");
    assert!(r.contains("mean **0.2**"), "{r}");
    // beta(2, 8)'s 5th and 95th percentiles are 0.0410 and 0.4291 (its CDF is
    // P(Binomial(9, x) >= 2), solved by bisection): 4096 draws come within a few thousandths.
    let interval = r.split("interval **").nth(1).unwrap();
    let (lo, hi) = interval.split_once(" to ").unwrap();
    let hi = hi.split("**").next().unwrap();
    let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
    assert!((lo - 0.0410).abs() < 0.005, "{lo}");
    assert!((hi - 0.4291).abs() < 0.015, "{hi}");
}

#[test]
fn diagnostics_are_sanitised_as_on_a_terminal() {
    // The import's path, quoted by the error, holds a right-to-left override and an escape.
    let text = "import \"a\u{202E}b\u{1b}[31m.scn\"\nscenario s {\n  branch a p = rest\n}\n";
    let env = Env::default();
    let uri = Uri::from_str("untitled:bidi").unwrap();
    let mut doc = Document::new(uri.clone(), 1, text.to_owned());
    let a = doc.analysis(&env);
    assert!(!a.diagnostics.is_empty());
    assert!(
        a.diagnostics[0].message.contains('\u{202E}'),
        "{:?}",
        a.diagnostics
    );
    let sent = diagnostics::of(&a, &uri);
    assert!(!sent.is_empty());
    for d in &sent {
        assert!(
            !d.message.contains(['\u{202E}', '\u{1b}']),
            "{:?}",
            d.message
        );
    }
    assert!(
        sent[0].message.contains(scn_dsl::REPLACEMENT),
        "{}",
        sent[0].message
    );
}
