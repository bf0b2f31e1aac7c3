//! The corpus of `tests/corpus/newcomer/`: mistakes a newcomer to scn makes, one per file,
//! named for the mistake. Each is checked by code (the diagnostic kind is what must not
//! regress) and by a snapshot of what `scn check` prints, so that wording and positions are
//! reviewed. Also here: every code is documented, and every diagnostic of the other corpora
//! has a code.

use std::path::Path;

use scn_cli::Exit;
use scn_dsl::{Code, Severity};

/// Where the corpus lies, relative to the package directory the tests run in.
const DIR: &str = "corpus/newcomer";

/// Each corpus file, the code its first diagnostic must have, and whether it is an error.
const EXPECTED: &[(&str, Code, Severity)] = &[
    ("dollar-sign.scn", Code::NumberForm, Severity::Error),
    ("lowercase-million.scn", Code::NumberForm, Severity::Error),
    (
        "missing-brace-mid-file.scn",
        Code::UnclosedBrace,
        Severity::Error,
    ),
    (
        "misspelt-keyword.scn",
        Code::MisspeltKeyword,
        Severity::Error,
    ),
    ("one-digit-month-date.scn", Code::DateForm, Severity::Error),
    (
        "p-on-option-without-body.scn",
        Code::ProbabilityOnOption,
        Severity::Error,
    ),
    (
        "p-on-option.scn",
        Code::ProbabilityOnOption,
        Severity::Error,
    ),
    (
        "percent-metric-as-number.scn",
        Code::PercentAboveOne,
        Severity::Warning,
    ),
    ("percent-with-space.scn", Code::NumberForm, Severity::Error),
    (
        "percent-without-sign.scn",
        Code::ProbabilityRange,
        Severity::Error,
    ),
    ("slash-date.scn", Code::DateForm, Severity::Error),
    (
        "swapped-letters-short-tag.scn",
        Code::UnknownTag,
        Severity::Error,
    ),
    ("swapped-tag-letters.scn", Code::UnknownTag, Severity::Error),
    ("tag-without-hash.scn", Code::UnknownBranch, Severity::Error),
    (
        "template-missing-metric.scn",
        Code::UnknownMetric,
        Severity::Error,
    ),
    ("thousands-comma.scn", Code::NumberForm, Severity::Error),
];

/// The diagnostics of a corpus file, as `scn check` finds them.
fn diagnostics(file: &str) -> Vec<scn_dsl::Diagnostic> {
    let name = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let loaded = scn_eval::load_in(
        &name,
        text,
        Path::new(DIR),
        Some(Path::new(&name)),
        Path::new("."),
    );
    if !loaded.diags.is_empty() {
        return loaded.diags.clone();
    }
    match scn_eval::resolve(&loaded).and_then(scn_eval::evaluate) {
        Ok(ev) => ev.model().warnings.clone(),
        Err(d) => d,
    }
}

/// `scn check` on a corpus file: its exit code and what it prints.
fn check(file: &str) -> (Exit, String) {
    let path = format!("{DIR}/{file}");
    let mut stdin: &[u8] = &[];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = scn_cli::Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
    };
    let code = scn_cli::run(["scn", "check", path.as_str()], &mut io);
    assert!(out.is_empty(), "scn check {path} printed to stdout");
    (code, String::from_utf8(err).expect("UTF-8"))
}

#[test]
fn every_newcomer_mistake_has_its_code() {
    for &(file, code, severity) in EXPECTED {
        let diags = diagnostics(file);
        let first = diags
            .first()
            .unwrap_or_else(|| panic!("{file}: no diagnostic"));
        assert_eq!(first.code, Some(code), "{file}: {}", first.message);
        assert_eq!(first.severity, severity, "{file}: {}", first.message);
        let (exit, _) = check(file);
        let want = match severity {
            Severity::Error => Exit::Invalid,
            Severity::Warning => Exit::Ok,
        };
        assert_eq!(exit, want, "{file}");
    }
}

#[test]
fn every_corpus_file_is_listed() {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .expect("tests/corpus/newcomer exists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(
        names, listed,
        "list each file of {DIR} in EXPECTED, in order"
    );
}

#[test]
fn scn_check_output_is_reviewed() {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("../corpus/newcomer", "*.scn", |path| {
            let file = path.file_name().expect("a name").to_string_lossy();
            let (exit, err) = check(&file);
            insta::assert_snapshot!("newcomer", format!("exit {}\n{err}", exit as i32));
        });
    });
}

/// The reference explains every code, in its table of codes.
#[test]
fn every_code_is_documented() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/reference/errors.md");
    let doc = std::fs::read_to_string(doc).expect("docs/reference/errors.md");
    for code in Code::ALL {
        assert!(
            doc.contains(&format!("| `{code}` |")),
            "docs/reference/errors.md has no row for `{code}`"
        );
    }
}

/// Every diagnostic of the syntax and semantic corpora carries a code.
#[test]
fn every_corpus_diagnostic_has_a_code() {
    for dir in ["invalid", "invalid-semantic"] {
        for entry in std::fs::read_dir(dir).expect("the corpus exists") {
            let path = entry.expect("an entry").path();
            let name = path.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            let loaded = scn_eval::load_in(
                &name,
                text,
                Path::new(dir),
                Some(Path::new(&name)),
                Path::new("."),
            );
            let diags = if loaded.diags.is_empty() {
                scn_eval::resolve(&loaded)
                    .and_then(scn_eval::evaluate)
                    .err()
                    .unwrap_or_default()
            } else {
                loaded.diags.clone()
            };
            assert!(!diags.is_empty(), "{name}: no diagnostic");
            for d in &diags {
                assert!(d.code.is_some(), "{name}: {:?} has no code", d.message);
            }
        }
    }
}
