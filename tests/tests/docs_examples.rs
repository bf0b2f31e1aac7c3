//! The documentation cannot rot: every `.scn` example in `README.md` and `docs/` is run.
//!
//! The conventions are written for writers in `docs/README.md`:
//! - a `scn` block is a whole file: `scn check` must pass on it, and `scn eval` and
//!   `scn test` too when it holds a scenario (`scn test` must fail with code 3 instead when
//!   the info string says `scn expect-fails`);
//! - a `scn-fragment` block is scenario items: wrapped in `scenario fragment { … }`, it must
//!   parse;
//! - a `scn-error` block is a whole file that `scn check` must reject (exit 1), with an error
//!   on each line that carries a `// error: TEXT` comment, whose message contains TEXT (an
//!   error at the end of the file cannot be annotated: show it in a console block);
//! - a block whose first line is a comment holding a file name (`// forecast.scn`,
//!   `# scn.toml`) is saved under that name in the page's own temporary folder, where later
//!   blocks of the page can import, configure or run it;
//! - a `console` block runs each `$ scn …` line in that folder and compares what it prints
//!   (standard error, then standard output) with the lines below it; `…` alone on a line
//!   stands for any lines, `[..]` for any text within a line, and `# exit N` after the
//!   command for its exit code (0 when absent).
//!
//! `SCN_DOCS_UPDATE=1 cargo test -p scn-tests --test docs_examples` rewrites the expected
//! output of console commands that do not use `…` or `[..]`; review the diff like a snapshot.

mod docs;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use scn_cli::Io;

use docs::{Block, Command};

/// Examples run with the working directory set to their page's folder; the working directory
/// is the process's, so only one page may run at a time.
static CWD: Mutex<()> = Mutex::new(());

/// Fewer examples than this means the extraction broke, not that the docs shrank.
const AT_LEAST: usize = 150;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository root")
}

/// What a run of `scn` printed.
struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn scn(words: &[String]) -> Run {
    let mut stdin: &[u8] = b"";
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
    };
    let code = scn_cli::run(
        std::iter::once("scn".to_owned()).chain(words.to_vec()),
        &mut io,
    );
    Run {
        code: code as u8,
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::from_utf8_lossy(&err).into_owned(),
    }
}

fn words(args: &[&str]) -> Vec<String> {
    args.iter().map(|&s| s.to_owned()).collect()
}

/// What one page's examples came to.
#[derive(Default)]
struct Tally {
    files: usize,
    fragments: usize,
    errors: usize,
    commands: usize,
    failures: Vec<String>,
}

impl Tally {
    fn total(&self) -> usize {
        self.files + self.fragments + self.errors + self.commands
    }
}

/// Runs the examples of one page in a fresh folder; returns the page rewritten when
/// `update` is set and some output changed.
fn check_page(page: &Path, md: &str, update: bool, tally: &mut Tally) -> Option<String> {
    let shown = page
        .strip_prefix(repo_root())
        .unwrap_or(page)
        .display()
        .to_string();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let _guard = CWD.lock().unwrap_or_else(PoisonError::into_inner);
    let before = std::env::current_dir().expect("the working directory");
    std::env::set_current_dir(dir.path()).expect("enter the page's folder");
    let mut rewritten = md.to_owned();
    let mut changed = false;
    // Blocks are rewritten from the last, so earlier byte ranges stay valid.
    let mut edits: Vec<(Block, String)> = Vec::new();
    let mut unnamed = 0;
    for block in docs::blocks(md) {
        let mut failures = Vec::new();
        let edit = check_block(
            &block,
            dir.path(),
            update,
            &mut unnamed,
            tally,
            &mut failures,
        );
        let at = format!("{shown}:{}", block.line);
        tally
            .failures
            .extend(failures.into_iter().map(|f| format!("{at}: {f}")));
        if let Some(text) = edit {
            edits.push((block, text));
        }
    }
    for (block, text) in edits.iter().rev() {
        rewritten = docs::replace_block_text(&rewritten, block, text);
        changed = true;
    }
    std::env::set_current_dir(before).expect("leave the page's folder");
    changed.then_some(rewritten)
}

/// Checks one block; returns its new text when it is a console block whose output was
/// rewritten.
fn check_block(
    block: &Block,
    dir: &Path,
    update: bool,
    unnamed: &mut usize,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) -> Option<String> {
    let saved = block.file_name().map(|name| {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create the example's folder");
        }
        std::fs::write(&path, &block.text).expect("save the example");
        name.to_owned()
    });
    let mut file = || -> String {
        saved.clone().unwrap_or_else(|| {
            *unnamed += 1;
            let name = format!("example-{unnamed}.scn");
            std::fs::write(dir.join(&name), &block.text).expect("save the example");
            name
        })
    };
    match block.lang.as_str() {
        "scn" => {
            tally.files += 1;
            let name = file();
            // The pages' own plugins are trusted: they are part of the docs.
            let run = scn(&words(&["--trust-plugins", "check", &name]));
            if run.code != 0 {
                failures.push(format!("`scn check` exits {}:\n{}", run.code, run.stderr));
                return None;
            }
            let has_scenario = block
                .text
                .lines()
                .any(|l| l.trim_start().starts_with("scenario "));
            if has_scenario {
                let run = scn(&words(&["--trust-plugins", "eval", &name]));
                if run.code != 0 {
                    failures.push(format!("`scn eval` exits {}:\n{}", run.code, run.stderr));
                }
                let want = if block.words.iter().any(|w| w == "expect-fails") {
                    3
                } else {
                    0
                };
                let run = scn(&words(&["--trust-plugins", "test", &name]));
                if run.code != want {
                    failures.push(format!(
                        "`scn test` exits {}, not {want}:\n{}{}",
                        run.code, run.stderr, run.stdout
                    ));
                }
            }
        }
        "scn-fragment" => {
            tally.fragments += 1;
            let text = format!("scenario fragment {{\n{}}}\n", block.text);
            if let Err(d) = scn_dsl::parse(&text, scn_dsl::FileId(0)) {
                let mut map = scn_dsl::SourceMap::new();
                map.add(scn_dsl::SourceFile::new("fragment", text.clone()));
                failures.push(format!(
                    "the fragment does not parse:\n{}",
                    scn_dsl::render_all(&d, &map)
                ));
            }
        }
        "scn-error" => {
            tally.errors += 1;
            let name = file();
            let run = scn(&words(&["check", &name]));
            if run.code != 1 {
                failures.push(format!(
                    "`scn check` should exit 1, exits {}:\n{}",
                    run.code, run.stderr
                ));
                return None;
            }
            for (i, line) in block.text.lines().enumerate() {
                let Some((_, want)) = line.split_once("// error: ") else {
                    continue;
                };
                let header = format!("{name}:{}:", i + 1);
                let found = run.stderr.lines().any(|l| {
                    l.starts_with(&header)
                        && l.split_once(": error")
                            .is_some_and(|(_, msg)| msg.contains(want.trim()))
                });
                if !found {
                    failures.push(format!(
                        "no error on line {} containing {want:?}; scn printed:\n{}",
                        i + 1,
                        run.stderr
                    ));
                }
            }
        }
        "console" => {
            let commands = match docs::commands(&block.text) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(e);
                    return None;
                }
            };
            let mut outputs = Vec::new();
            let mut changed = false;
            for c in &commands {
                tally.commands += 1;
                outputs.push(run_command(c, update, &mut changed, failures));
            }
            if changed {
                return Some(docs::rewrite_console(&commands, &outputs));
            }
        }
        _ => {}
    }
    None
}

/// Runs one console command and compares its output; returns the output to write back when
/// updating.
fn run_command(
    c: &Command,
    update: bool,
    changed: &mut bool,
    failures: &mut Vec<String>,
) -> Option<Vec<String>> {
    let Some(("scn", args)) = c.words.split_first().map(|(p, a)| (p.as_str(), a)) else {
        failures.push(format!(
            "`{}`: console blocks run only `scn`; use a `sh` block for other commands",
            c.line
        ));
        return None;
    };
    let run = scn(args);
    let mut printed = docs::output_lines(&run.stderr);
    printed.extend(docs::output_lines(&run.stdout));
    let same_output = docs::matches(&c.expected, &printed);
    let rewritable = !docs::is_pattern(&c.expected);
    if run.code != c.exit {
        failures.push(format!(
            "`{}` exits {}, not {}:\n{}",
            c.line,
            run.code,
            c.exit,
            printed.join("\n")
        ));
    }
    if same_output {
        return None;
    }
    if update && rewritable {
        *changed = true;
        return Some(printed);
    }
    failures.push(format!(
        "`{}` printed something else.\n--- shown in the docs\n{}\n--- printed\n{}\n---",
        c.line,
        c.expected.join("\n"),
        printed.join("\n")
    ));
    None
}

#[test]
fn every_example_in_the_docs_holds() {
    let root = repo_root();
    let update = std::env::var_os("SCN_DOCS_UPDATE").is_some();
    let mut tally = Tally::default();
    let mut per_page = Vec::new();
    for page in docs::pages(&root) {
        let md = std::fs::read_to_string(&page).expect("a readable page");
        let before = tally.total();
        if let Some(new) = check_page(&page, &md, update, &mut tally) {
            std::fs::write(&page, new).expect("rewrite the page");
        }
        per_page.push(format!(
            "{}: {}",
            page.strip_prefix(&root).unwrap_or(&page).display(),
            tally.total() - before
        ));
    }
    eprintln!(
        "docs examples: {} files, {} fragments, {} error examples, {} commands ({} in all)\n  {}",
        tally.files,
        tally.fragments,
        tally.errors,
        tally.commands,
        tally.total(),
        per_page.join("\n  ")
    );
    assert!(
        tally.failures.is_empty(),
        "{} example(s) do not hold:\n\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    assert!(
        tally.total() >= AT_LEAST,
        "only {} examples found: is the extraction broken?",
        tally.total()
    );
}

#[test]
fn links_between_pages_resolve() {
    let root = repo_root();
    let mut broken = Vec::new();
    for page in docs::pages(&root) {
        let md = std::fs::read_to_string(&page).expect("a readable page");
        for link in docs::links(&md) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().expect("a folder").join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link}: no such file", page.display()));
                continue;
            }
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target).unwrap_or_default();
                if !docs::anchors(&text).iter().any(|a| a == anchor) {
                    broken.push(format!("{}: {link}: no such heading", page.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_output_matcher_can_fail() {
    let lines = |s: &str| -> Vec<String> { s.lines().map(str::to_owned).collect() };
    let out = lines("a\nb  \nc");
    assert!(docs::matches(&lines("a\nb\nc"), &out));
    assert!(docs::matches(&lines("a\n…\nc"), &out));
    assert!(docs::matches(&lines("…"), &out));
    assert!(
        docs::matches(&lines("a\nb\n…\nc"), &out),
        "… may match nothing"
    );
    assert!(docs::matches(&lines("[..]\nb\n[..]c"), &out));
    assert!(!docs::matches(&lines("a\nc"), &out), "a line is missing");
    assert!(
        !docs::matches(&lines("a\nb\nc\nd"), &out),
        "a line too many"
    );
    assert!(!docs::matches(&lines("a\nB\nc"), &out));
    assert!(!docs::matches(&lines("…\nb"), &out), "c is not matched");
    assert!(!docs::matches(&lines("a[..]x\nb\nc"), &out));
}

#[test]
fn console_blocks_and_file_names_are_read_as_documented() {
    let md = "# T\n\n```scn\n// lib/x.scn\ntemplate t() {}\n```\n\n```console\n$ scn eval \"a b.scn\" --given '#x' # exit 3\nline\n\n$ scn test\n```\n";
    let blocks = docs::blocks(md);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].file_name(), Some("lib/x.scn"));
    assert_eq!(blocks[0].line, 4);
    let cmds = docs::commands(&blocks[1].text).expect("commands");
    assert_eq!(cmds[0].words, ["scn", "eval", "a b.scn", "--given", "#x"]);
    assert_eq!(cmds[0].exit, 3);
    assert_eq!(cmds[0].expected, ["line"]);
    assert_eq!(cmds[1].exit, 0);
    let new = docs::rewrite_console(&cmds, &[Some(vec!["new".to_owned()]), None]);
    let page = docs::replace_block_text(md, &blocks[1], &new);
    assert!(
        page.ends_with(
            "```console\n$ scn eval \"a b.scn\" --given '#x' # exit 3\nnew\n$ scn test\n```\n"
        ),
        "{page}"
    );
    assert_eq!(
        docs::anchors("# A b\n## A b\n### `P(a|b)` and E"),
        ["a-b", "a-b-1", "pab-and-e"]
    );
}
