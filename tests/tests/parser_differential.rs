//! The fast path against pest: on every input, `scn_dsl::parse_fast` either declines or
//! returns exactly what `scn_dsl::parse_pest` returns (the same tree, spans included, or the
//! same literal errors).
//!
//! Inputs: every `.scn` file of the repository (a required corpus: the test fails if it is
//! missing), the shared conformance cases when present, trees from `bench/gen_scn.py`, and
//! generated files: the valid fixtures with tokens deleted, inserted, duplicated and swapped.
//! On the repository's valid files the fast path must also not decline: a fast path that
//! declined everything would pass the comparison and serve no one.
//!
//! The fast path reads a big file on two threads, the second starting at a line past the
//! middle that begins with `branch` (`fast/ahead.rs`). `split_agrees` forces that on every
//! input, starting the second thread at each such line in turn: the outcome must be the one
//! thread's, declines included, and the repository's files and the generated trees must have
//! had runs of items taken from the second thread.

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use scn_dsl::{FileId, parse_fast, parse_fast_split, parse_pest};

use common::on_big_stack;

/// Compares the two paths on `text`, and `parse` (which asks pest only about the item where
/// the fast path declined) with pest; `Ok(true)` when the fast path answered.
fn agree(text: &str) -> Result<bool, String> {
    let pest = parse_pest(text, FileId(0));
    let parsed = scn_dsl::parse(text, FileId(0));
    if parsed != pest {
        return Err(format!(
            "parse and pest disagree on {text:?}\nparse: {parsed:#?}\npest: {pest:#?}"
        ));
    }
    split_agrees(text, 6)?;
    let Some(fast) = parse_fast(text, FileId(0)) else {
        return Ok(false);
    };
    if fast == pest {
        Ok(true)
    } else {
        Err(format!(
            "the paths disagree on {text:?}\nfast: {fast:#?}\npest: {pest:#?}"
        ))
    }
}

/// The fast path on two threads, the second starting at each of (at most `most`, spread
/// evenly) the lines that begin with `branch`, and on three, from each two neighbouring ones
/// of those, against the fast path on one: the same outcome, the place where it declined
/// included. The runs taken from the other threads, over every split.
fn split_agrees(text: &str, most: usize) -> Result<usize, String> {
    let (one, _) = parse_fast_split(text, FileId(0), &[]);
    let b = text.as_bytes();
    // The newline before each line that begins with `branch`: a helper starts at the first
    // such line after its split.
    let lines: Vec<usize> = (0..b.len())
        .filter(|&i| b[i] == b'\n' && b[i + 1..].trim_ascii_start().starts_with(b"branch"))
        .collect();
    let step = lines.len().div_ceil(most.max(1)).max(1);
    let chosen: Vec<usize> = lines.iter().copied().step_by(step).collect();
    let splits = chosen
        .iter()
        .map(|&at| vec![at])
        .chain(chosen.windows(2).map(<[usize]>::to_vec));
    let mut taken = 0;
    for at in splits {
        let (many, runs) = parse_fast_split(text, FileId(0), &at);
        if many != one {
            let show = |r: &Result<_, String>| match r {
                Ok(Ok(_)) => "a tree".to_owned(),
                Ok(Err(d)) => format!("{d:?}"),
                Err(e) => e.clone(),
            };
            return Err(format!(
                "split at bytes {at:?}, the paths disagree on {:?}…\none thread: {}\nmore: {}\n(trees differ if both say `a tree`)",
                &text[..text.len().min(200)],
                show(&one),
                show(&many),
            ));
        }
        taken += runs.len();
    }
    Ok(taken)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scn_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            scn_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "scn") {
            out.push(path);
        }
    }
}

#[test]
fn paths_agree_on_every_file_of_the_repository() {
    let mut files = Vec::new();
    for dir in ["tests", "scenarios", "examples", "docs"] {
        scn_files(&root().join(dir), &mut files);
    }
    // The repository holds well over a hundred `.scn` files; far fewer means the walk broke.
    assert!(
        files.len() >= 100,
        "only {} .scn files found under {}",
        files.len(),
        root().display()
    );
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    on_big_stack(move || {
        let mut declined_valid = Vec::new();
        let mut runs_taken = 0;
        for (path, text) in &texts {
            let answered = agree(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if !answered && parse_pest(text, FileId(0)).is_ok() {
                declined_valid.push(path.display().to_string());
            }
            runs_taken += split_agrees(text, 6).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(
            declined_valid.is_empty(),
            "the fast path declined valid files: {declined_valid:?}"
        );
        // Else the second thread's work was always dropped and its reading went untested.
        assert!(
            runs_taken > 100,
            "only {runs_taken} runs taken from a second thread"
        );
    });
}

#[test]
fn paths_agree_on_the_conformance_cases_when_present() {
    // Optional extra corpus beside the repository; the repository's own files above are the
    // required one.
    let mut files = Vec::new();
    scn_files(&root().join("../shared/conformance"), &mut files);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    on_big_stack(move || {
        for (path, text) in &texts {
            agree(text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    });
}

#[test]
fn paths_agree_on_generated_trees() {
    let script = root().join("bench/gen_scn.py");
    let mut texts = Vec::new();
    for (seed, nodes, extra) in [
        ("1", "3000", &[][..]),
        (
            "2",
            "2000",
            &["--comment-frac", "0.5", "--note-frac", "0.5"][..],
        ),
        ("3", "1500", &["--max-depth", "40", "--indent", "0"][..]),
    ] {
        let out = std::process::Command::new("python3")
            .arg(&script)
            .args(["--nodes", nodes, "--seed", seed])
            .args(extra)
            .output()
            .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        texts.push(String::from_utf8(out.stdout).expect("the generator writes UTF-8"));
    }
    on_big_stack(move || {
        for text in &texts {
            assert!(
                agree(text).unwrap_or_else(|e| panic!("{e}")),
                "declined a generated tree"
            );
            let (_, runs) = parse_fast_split(text, FileId(0), &[text.len() / 2]);
            assert!(!runs.is_empty(), "no run taken from the second thread");
            // On three threads, runs from the third (it starts at the first `branch` line
            // after two thirds of the text) as well as from the second.
            let (second, third) = (text.len() / 3, 2 * text.len() / 3);
            let b = text.as_bytes();
            let helper = (third..b.len())
                .find(|&i| b[i] == b'\n' && b[i + 1..].trim_ascii_start().starts_with(b"branch"))
                .expect("a branch after two thirds");
            let (_, runs) = parse_fast_split(text, FileId(0), &[second, third]);
            assert!(
                runs.iter().any(|&r| r < helper),
                "none from the second thread"
            );
            assert!(
                runs.iter().any(|&r| r > helper),
                "none from the third thread"
            );
            assert!(split_agrees(text, 24).unwrap_or_else(|e| panic!("{e}")) > 0);
        }
    });
}

/// Valid corners of the grammar, each of which the fast path must answer, like pest.
const CORNERS: &[&str] = &[
    "",
    "// only a comment",
    "\u{FEFF}scenario s {}",
    "scenario s{branch a p=1//c\n}",
    "scenario s {\r\n  branch a \"A\" p = 10%\r\n  branch b p = rest\r\n}\r\n",
    "scenario s { branch a p = rest at 2026 #t #u cite s, t { } option o after 1y6mo2w #t {} }",
    "scenario s { observe not not a.b.c or (#x and y by 2026-02) or #z }",
    "scenario s { forecast f = E(m | #t by 2026) + P(a | not b) * -2 ^ -x }",
    "plugin hazard scenario s { let x = hazard.rate(1, x = 2) + f() + g(a = -1, b = (2)) }",
    "scenario s { let n = 1_000.5e+3k% + 2.5M - 3B / 1e5 to 4e-2 }",
    "scenario s { author \"\\\"q\\\" \\\\ \\n \\t é ✓\" description \"\" }",
    "template t(a, b = 2 + 3) { use t(1) note \"n\" x += a x -= b x *= 2 x = 1 }",
    "scenario s { expect x in -1 .. +2 expect P(a) in 0..1 expect y in - 1 .. 2% }",
    "scenario s { metric m \"M\" unit \"u\" = 0 objective minimize m source a \"b\" }",
    "import \"lib/x.scn\" scenario s { as_of 2026-01 horizon 2027 } // end",
    "scenario s { let x = a \u{FEFF} + b \u{FEFF}\n branch c p = x \u{FEFF} // c\n \u{FEFF}}",
    "scenario s { forecast f = P(a) closes 2026 criteria \"c\" \u{FEFF} let y = 1 }",
    "scenario s { let x = 1 \"d\" cite a, b\u{FEFF}\n note \"n\" }",
    // A forecast's question: partial dates, escapes in the criteria, each clause alone, and
    // `closes`/`criteria` as names inside the value.
    "scenario s { forecast f \"F\" = P(a by 2026-01-31) closes 2026-02 criteria \"a \\\"b\\\" \\n é\" }",
    "scenario s { let closes = 1 let criteria = closes forecast f = closes + criteria closes 2027\n forecast g = E(m) criteria \"c\" // q\n }",
];

#[test]
fn the_fast_path_answers_every_corner_like_pest() {
    on_big_stack(|| {
        for text in CORNERS {
            assert!(parse_pest(text, FileId(0)).is_ok(), "not valid: {text:?}");
            let answered = agree(text).unwrap_or_else(|e| panic!("{e}"));
            assert!(answered, "the fast path declined {text:?}");
        }
    });
}

/// Syntax errors right after an item that ends with its block's `}`, where pest is asked
/// again from the failing item rather than from that item, and after items that end
/// otherwise, where it is asked from the item before: the same diagnostic as pest's own path.
#[test]
fn errors_after_a_block_read_alike_on_both_paths() {
    let texts = [
        "scenario s {\n  branch a p = 1 { branch b p = 1 }\n  junk\n}\n",
        "scenario s {\n  branch a p = 1 { branch b p = 1 { x += 1 } }\n  branch c p = rest 1\n}\n",
        "scenario s {\n  branch a p = 1 {\n    branch b p = 1 { }\n    + 2\n  }\n}\n",
        "scenario s {\n  branch a p = 1 {\n    branch b p = 1\n    + 2 )\n  }\n}\n",
        "scenario s {\n  branch a p = 1 #t\n  #u branch\n}\n",
        "template t() { branch a p = 1 { } } }\n",
    ];
    on_big_stack(move || {
        for text in texts {
            assert!(parse_pest(text, FileId(0)).is_err(), "valid: {text:?}");
            agree(text).unwrap_or_else(|e| panic!("{e}"));
        }
    });
}

/// The operator limit counts each item's own operators, once each: a template's parameter
/// defaults are the template's, not added to the last item before it. 60,000 operators in a scenario's
/// last branch and 40,001 in a following template's default are each under the 100,000 of
/// an item; one default past the limit is refused, on both paths alike.
#[test]
fn template_defaults_count_their_own_operators() {
    let near = format!(
        "scenario s {{\n  branch tail p = 0.9{}\n  branch b p = rest\n}}\ntemplate t(x = 1{}) {{\n  branch z p = x\n}}\n",
        " + 0".repeat(60_000),
        " + 1".repeat(40_001)
    );
    let over = format!(
        "template t(x = 1{}) {{\n  branch z p = x\n}}\n",
        " + 1".repeat(100_001)
    );
    on_big_stack(move || {
        assert!(parse_pest(&near, FileId(0)).is_ok());
        assert!(agree(&near).unwrap_or_else(|e| panic!("{e}")));
        // An item of exactly the limit is read by both paths, one more is refused by both:
        // pest counted each infix operator twice and refused from 50,001.
        for (n, ok) in [(50_001, true), (100_000, true), (100_001, false)] {
            let text = format!("scenario s {{\n  let x = 1{}\n}}\n", " - 1".repeat(n));
            assert_eq!(parse_pest(&text, FileId(0)).is_ok(), ok, "{n} operators");
            assert_eq!(agree(&text).unwrap_or_else(|e| panic!("{e}")), ok, "{n}");
        }
        let diags = parse_pest(&over, FileId(0)).expect_err("over the limit");
        assert_eq!(diags[0].message, "this item has more than 100000 operators");
        agree(&over).unwrap_or_else(|e| panic!("{e}"));
    });
}

/// Literal errors before the second thread's start, in its runs (at the scenario's level and
/// in a branch's block) and after them: the same errors in the same order, from every start
/// and every two starts.
#[test]
fn two_threads_keep_every_literal_error_in_order() {
    let text = "scenario s {\n  branch a p = 1 at 2026-02-30 {\n    branch a1 p = 1 at 2026-02-31\n    \
                branch a2 p = rest at 2026-04-31\n    x += 1\n    branch a3 p = rest at 2026-06-31\n  \
                }\n  branch b p = rest at 2026-09-31\n  branch c p = 0\n  \
                forecast f = P(a) closes 2026-11-31\n}\n";
    let (one, _) = on_big_stack(move || parse_fast_split(text, FileId(0), &[]));
    let Ok(Err(errors)) = &one else {
        panic!("expected the literal errors, got {one:?}");
    };
    let days: Vec<&str> = errors.iter().map(|d| &text[d.span.range()]).collect();
    assert_eq!(
        days,
        [
            "2026-02-30",
            "2026-02-31",
            "2026-04-31",
            "2026-06-31",
            "2026-09-31",
            "2026-11-31"
        ]
    );
    let runs = on_big_stack(move || {
        let lines: Vec<usize> = (0..text.len())
            .filter(|&i| text.as_bytes()[i] == b'\n')
            .collect();
        let mut runs = 0;
        for &at in &lines {
            let (two, taken) = parse_fast_split(text, FileId(0), &[at]);
            assert_eq!(two, one, "second thread from the line after byte {at}");
            runs += taken.len();
            // And a third thread from every later line.
            for &then in lines.iter().filter(|&&l| l > at) {
                let (three, _) = parse_fast_split(text, FileId(0), &[at, then]);
                assert_eq!(
                    three, one,
                    "helpers from the lines after bytes {at} and {then}"
                );
            }
        }
        runs
    });
    // a1 and a2; a3; b and c; each again from later starts.
    assert!(runs >= 6, "only {runs} runs taken");
}

/// A run read ahead counts its nesting from its own items: the main thread must not take it
/// where the depth it stands at brings the run past the nesting limit (it declines there),
/// counting the nesting of runs a helper took inside it.
#[test]
fn two_threads_keep_the_nesting_limit() {
    let outcomes = on_big_stack(|| {
        let limit = scn_dsl::max_nesting();
        // The scenario's brace and `n` branches' braces: at the limit, then one past it.
        [limit - 1, limit].map(|n| {
            let mut text = String::from("scenario s {\n");
            for i in 0..n {
                text.push_str(&format!("branch b{i} p = 1 {{\n"));
            }
            text.push_str(&"}\n".repeat(n + 1));
            let (one, _) = parse_fast_split(&text, FileId(0), &[]);
            let (two, runs) = parse_fast_split(&text, FileId(0), &[text.len() / 2]);
            // On three threads the second takes the third's run inside its own, and the
            // main thread must count the nesting of both.
            let thirds = [text.len() / 3, 2 * text.len() / 3];
            let (three, _) = parse_fast_split(&text, FileId(0), &thirds);
            (one.is_err(), one == two && one == three, runs.len())
        })
    });
    assert_eq!(
        outcomes.map(|(declined, alike, _)| (declined, alike)),
        [(false, true), (true, true)],
        "(declined on one thread, two and three threads alike) at the limit and past it"
    );
    assert_eq!(outcomes[0].2, 1, "the run at the limit is taken");
}

/// `let … cite` and scenario-level `note`: both paths give the same tree, and that tree holds
/// what was written (a tree both paths got wrong the same way would pass `agree` alone).
#[test]
fn let_cites_and_scenario_notes_read_alike_on_both_paths() {
    use scn_dsl::ast::{Item, ScenarioItemKind};
    let text = "scenario s {\n  note \"about the whole tree\"\n  source moscow \"m\"\n  \
                source framework \"f\"\n  \
                let p_sign = beta(3, 9) \"rationale\" cite moscow, framework\n  \
                let p_hold = 80% cite framework\n  branch a p = p_sign\n  branch b p = rest\n}\n";
    let (fast, pest) =
        on_big_stack(move || (parse_fast(text, FileId(0)), parse_pest(text, FileId(0))));
    let fast = fast.expect("the fast path answers").expect("valid");
    assert_eq!(Ok(fast.clone()), pest, "the paths disagree");
    let Item::Scenario(s) = &fast.items[0] else {
        panic!("not a scenario: {:?}", fast.items[0]);
    };
    let mut seen = Vec::new();
    for item in &s.items {
        match &item.kind {
            ScenarioItemKind::Note(n) => seen.push(format!("note {}", n.value)),
            ScenarioItemKind::Let {
                name, doc, cites, ..
            } => {
                let cites: Vec<&str> = cites.iter().map(|c| c.name.as_str()).collect();
                let doc = doc.as_ref().map_or("-", |d| d.value.as_str());
                seen.push(format!("let {} {doc} [{}]", name.name, cites.join(",")));
            }
            _ => {}
        }
    }
    assert_eq!(
        seen,
        [
            "note about the whole tree",
            "let p_sign rationale [moscow,framework]",
            "let p_hold - [framework]",
        ]
    );
}

// ---- generated near-valid files ----

const FIXTURES: &[&str] = &[
    include_str!("../fixtures/valid/spec-example.scn"),
    include_str!("../fixtures/valid/all-items.scn"),
    include_str!("../fixtures/valid/comments.scn"),
    include_str!("../fixtures/valid/decision.scn"),
    include_str!("../fixtures/valid/expressions.scn"),
    include_str!("../fixtures/valid/library.scn"),
    include_str!("../fixtures/valid/messy-layout.scn"),
    include_str!("../fixtures/valid/forecast-extensions.scn"),
];

/// Tokens to insert besides the reserved words (`scn_dsl::KEYWORDS`): words that are keywords
/// only in places, names, literals good and bad, operators, and the trivia that decides where
/// a span ends (U+FEFF, comments, `\r`, blank lines).
const OTHER_TOKENS: &[&str] = &[
    "p",
    "closes",
    "criteria",
    "x",
    "_y2",
    "#t",
    "#not",
    "1",
    "0.5",
    "1e-3",
    "1e",
    "2.5k",
    "18%",
    "1_000",
    "1__0",
    "1e400",
    "2026",
    "2026-02",
    "2026-02-30",
    "2026-13",
    "6mo",
    "1y6mo",
    "6m",
    "99999999999y",
    "\"s\"",
    "\"a\\\"b\"",
    "\"bad \\q\"",
    "\"open",
    "+",
    "-",
    "*",
    "/",
    "^",
    "=",
    "+=",
    "-=",
    "*=",
    "..",
    "{",
    "}",
    "(",
    ")",
    ",",
    ".",
    "|",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{FEFF}",
    "// c \"q\"\n",
    "//\n",
    "\n\n",
];

/// Splits a text into tokens: runs of white space, comments, strings, words, single bytes.
fn tokens(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        if c.is_ascii_whitespace() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
        } else if b[i..].starts_with(b"//") || c == b'"' {
            let stop = if c == b'"' { b'"' } else { b'\n' };
            i += 1;
            while i < b.len() && b[i] != stop && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            if c == b'"' {
                i += 1;
            }
            i = i.min(b.len());
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_%.-".contains(&b[i])) {
                i += 1;
            }
        } else {
            i += 1;
        }
        while !text.is_char_boundary(i) {
            i += 1;
        }
        out.push(&text[start..i]);
    }
    out
}

/// Trivia to put in place of white space: a valid file stays valid, and spans must still end
/// where pest's do (it trims white space and comments, but not U+FEFF).
const TRIVIA: &[&str] = &[
    " ",
    "\n",
    "\u{FEFF}",
    " \u{FEFF} ",
    "\n\u{FEFF}\n",
    "  // c\n",
    "// \"q\" //\n",
    "\r\n",
    "\u{FEFF}// c\n ",
    " //\u{FEFF}\n\u{FEFF}",
];

#[derive(Clone, Debug)]
enum Edit {
    Trivia(prop::sample::Index, &'static str),
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, &'static str),
    Duplicate(prop::sample::Index),
    Swap(prop::sample::Index, prop::sample::Index),
}

/// Every reserved word, then the other tokens.
fn vocabulary() -> Vec<&'static str> {
    scn_dsl::KEYWORDS
        .iter()
        .chain(OTHER_TOKENS)
        .copied()
        .collect()
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), prop::sample::select(TRIVIA))
            .prop_map(|(i, t)| Edit::Trivia(i, t)),
        any::<prop::sample::Index>().prop_map(Edit::Delete),
        (
            any::<prop::sample::Index>(),
            prop::sample::select(vocabulary())
        )
            .prop_map(|(i, t)| Edit::Insert(i, t)),
        any::<prop::sample::Index>().prop_map(Edit::Duplicate),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(i, j)| Edit::Swap(i, j)),
    ]
}

fn mutated() -> impl Strategy<Value = String> {
    (
        prop::sample::select(FIXTURES),
        prop::collection::vec(edit(), 0..6),
    )
        .prop_map(|(text, edits)| {
            let mut toks: Vec<&str> = tokens(text);
            for e in edits {
                if toks.is_empty() {
                    break;
                }
                match e {
                    Edit::Trivia(i, t) => {
                        let spaces: Vec<usize> = (0..toks.len())
                            .filter(|&k| toks[k].trim().is_empty())
                            .collect();
                        if !spaces.is_empty() {
                            toks[spaces[i.index(spaces.len())]] = t;
                        }
                    }
                    Edit::Delete(i) => {
                        toks.remove(i.index(toks.len()));
                    }
                    Edit::Insert(i, t) => toks.insert(i.index(toks.len() + 1), t),
                    Edit::Duplicate(i) => {
                        let i = i.index(toks.len());
                        toks.insert(i, toks[i]);
                    }
                    Edit::Swap(i, j) => {
                        let (i, j) = (i.index(toks.len()), j.index(toks.len()));
                        toks.swap(i, j);
                    }
                }
            }
            toks.concat()
        })
}

#[test]
fn paths_agree_on_mutated_fixtures() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    on_big_stack(move || {
        let config = Config {
            cases,
            rng_seed: RngSeed::Fixed(0xd1ff_5eed),
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let answered = std::cell::Cell::new(0u32);
        let result = runner.run(&mutated(), |text| {
            let fast = agree(&text).map_err(TestCaseError::fail)?;
            answered.set(answered.get() + u32::from(fast));
            Ok(())
        });
        let answered = answered.get();
        if let Err(e) = result {
            panic!("{e}");
        }
        // Most edits keep a file valid or leave only a literal error: the fast path must have
        // answered many of them, or the comparison tested nothing.
        assert!(
            answered > cases / 5,
            "the fast path answered only {answered} of {cases} cases"
        );
    });
}
