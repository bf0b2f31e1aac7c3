//! The corpus of `tests/invalid-semantic/`: files that parse but break a rule of the language
//! (docs/reference/language.md: sums, dates, names, templates, imports, decisions, evidence). One mistake per file,
//! named for it. Each must fail to build or to evaluate, `scn check` must exit 1 on it, and its
//! rendered diagnostics are snapshot-tested so that a change of wording or position is reviewed.
//!
//! Files load under their relative name (`invalid-semantic/NAME.scn`) with imports resolved
//! against the relative directory, so the snapshots hold no machine-specific path. A file
//! reached through an import of an import is displayed under its canonical absolute path by the
//! loader; that prefix is replaced by `[tests]` (see the report on `import-cycle.scn`).

use std::path::Path;

use scn_cli::Exit;

const DIR: &str = "invalid-semantic";

/// The absolute path of this package, as it appears in names of files imported transitively.
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn corpus_names() -> Vec<String> {
    let dir = Path::new(MANIFEST_DIR).join(DIR);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/invalid-semantic exists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Checks the diagnostic header, `FILE:LINE:COL: error: MESSAGE`, for any file name.
fn check_header(line: &str) -> Result<(), String> {
    let fail = || Err(format!("{line:?} is not `FILE:LINE:COL: error: MESSAGE`"));
    let Some((head, message)) = line.split_once(": error: ") else {
        return fail();
    };
    let mut parts = head.rsplitn(3, ':');
    let (Some(col), Some(row), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return fail();
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(col) && numeric(row) && !file.is_empty() && !message.is_empty() {
        Ok(())
    } else {
        fail()
    }
}

/// Loads one corpus file the way `scn check invalid-semantic/NAME.scn` does from `tests/`,
/// and returns its rendered diagnostics after checking that there are some, all errors.
fn diagnose(path: &Path) -> String {
    diagnose_raw(path).replace(MANIFEST_DIR, "[tests]")
}

/// [`diagnose`] without hiding absolute paths.
fn diagnose_raw(path: &Path) -> String {
    assert!(
        Path::new(DIR).is_dir(),
        "the tests run from the package directory, where `{DIR}` is"
    );
    let file = path
        .file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned();
    let name = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(path).expect("corpus files are UTF-8");
    assert!(
        scn_dsl::parse(&text, scn_dsl::FileId(0)).is_ok(),
        "{name} must parse: syntax mistakes belong to tests/invalid"
    );
    // The library is the package folder: the corpus imports fixtures beside it.
    let loaded = scn_eval::load_in(
        &name,
        text,
        Path::new(DIR),
        Some(Path::new(&name)),
        Path::new("."),
    );
    let Err(diags) = scn_eval::resolve(&loaded).and_then(scn_eval::evaluate) else {
        panic!("{name} evaluated, but every file in {DIR} must be invalid");
    };
    assert!(!diags.is_empty(), "{name}: an error without diagnostics");
    for d in &diags {
        assert!(d.is_error(), "{name}: {:?} is not an error", d.message);
    }
    let rendered = scn_dsl::render_all(&diags, &loaded.sources);
    for line in rendered
        .lines()
        .filter(|l| !l.starts_with(' ') && l.contains(": error: "))
    {
        check_header(line).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    rendered
}

#[test]
fn every_semantic_mistake_is_reported() {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("../invalid-semantic", "*.scn", |path| {
            insta::assert_snapshot!("semantic", diagnose(path));
        });
    });
}

#[test]
fn scn_check_exits_1_on_every_semantic_mistake() {
    for file in corpus_names() {
        let path = format!("{DIR}/{file}");
        let mut stdin: &[u8] = &[];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = scn_cli::Io {
            stdin: &mut stdin,
            stdout: &mut out,
            stderr: &mut err,
        };
        let code = scn_cli::run(["scn", "check", path.as_str()], &mut io);
        let err = String::from_utf8(err).expect("UTF-8");
        assert_eq!(code, Exit::Invalid, "scn check {path}:\n{err}");
        let first = err.lines().next().unwrap_or("");
        check_header(first).unwrap_or_else(|e| panic!("scn check {path}: {e}"));
        assert!(out.is_empty(), "scn check {path} printed to stdout");
    }
}

#[test]
fn the_corpus_is_named_for_mistakes_in_kebab_case() {
    let names = corpus_names();
    assert!(names.len() >= 40, "only {} files in {DIR}", names.len());
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
fn the_header_check_accepts_only_the_spec_form() {
    assert!(check_header("a.scn:2:20: error: expected `=`").is_ok());
    assert!(check_header("dir/a.scn:2:3: error: x: y").is_ok());
    assert!(check_header("<given 1>:1:1: error: x").is_ok());
    assert!(check_header("a.scn:2: error: x").is_err());
    assert!(check_header("a.scn:x:3: error: x").is_err());
    assert!(check_header("a.scn:2:3: warning: x").is_err());
    assert!(check_header(":2:3: error: x").is_err());
}

/// Errors in `--given` events point into a source of their own.
#[test]
fn given_errors_name_the_given_source() {
    let alarm = Path::new(MANIFEST_DIR).join("fixtures/eval/alarm.scn");
    let alarm = alarm.to_str().expect("a UTF-8 path");
    let run = |given: &str| {
        let mut stdin: &[u8] = &[];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = scn_cli::Io {
            stdin: &mut stdin,
            stdout: &mut out,
            stderr: &mut err,
        };
        let code = scn_cli::run(["scn", "eval", alarm, "--given", given], &mut io);
        (code, String::from_utf8(err).expect("UTF-8"))
    };
    let (code, err) = run("burgalry");
    assert_eq!(code, Exit::Invalid);
    insta::assert_snapshot!("given-unknown-branch", err);
    let (code, err) = run("burglary and calm");
    assert_eq!(code, Exit::Invalid);
    insta::assert_snapshot!("given-impossible", err);
}

/// Reproducer, from `tests/`: `scn check invalid-semantic/import-cycle.scn` prints
/// `/…/tests/fixtures/eval/cycle/b.scn:2:8: error: import cycle:
/// invalid-semantic/../fixtures/eval/cycle/a.scn → /…/cycle/b.scn → /…/cycle/a.scn`:
/// a file imported by an imported file is named by its absolute canonical path (the loader
/// resolves nested imports against the canonical directory), so one file appears under two
/// names in the same chain and diagnostics depend on where the checkout lives.
#[test]
fn transitively_imported_files_keep_relative_names() {
    let path = Path::new(MANIFEST_DIR).join(DIR).join("import-cycle.scn");
    let rendered = diagnose_raw(&path);
    assert!(!rendered.contains(MANIFEST_DIR), "{rendered}");
}

/// Reproducer: `invalid-semantic/duplicate-sibling-id-from-template.scn` uses `coin()` twice
/// in one body. The errors point only into `lib/base/coin.scn`, and the "first one" note
/// points at the very same span as the error; neither names the `use` lines (5 and 6).
#[test]
fn errors_in_a_template_body_point_at_the_use() {
    let path = Path::new(MANIFEST_DIR)
        .join(DIR)
        .join("duplicate-sibling-id-from-template.scn");
    let rendered = diagnose(&path);
    let site = "duplicate-sibling-id-from-template.scn:6:";
    assert!(
        rendered.contains(site),
        "no mention of the second `use` ({site}):\n{rendered}"
    );
}
