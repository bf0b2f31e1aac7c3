//! Hostile and extreme input: deep nesting, huge literals, binary garbage, invalid UTF-8,
//! empty files. Each ends in success or a clear diagnostic, never a panic or a stack overflow.
//! Also the file handling of `scn fmt` and `scn check` (docs/reference/cli.md).

mod common;

use scn_cli::{Exit, Io};
use scn_dsl::ast::{BodyItemKind, ExprKind, File, Item, ScenarioItemKind};
use scn_dsl::{MAX_NESTING, SourceFile, SourceMap};

use common::{TempDir, check_header, check_spans, erased, on_big_stack, parse};

/// What `scn` printed and returned.
struct Run {
    exit: Exit,
    stdout: String,
    stderr: String,
}

/// Runs `scn` in-process with `stdin` on a big-stack thread, as the binary does.
fn scn(args: &[&str], stdin: Vec<u8>) -> Run {
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(String::from)
        .collect();
    on_big_stack(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut input = stdin.as_slice();
        let mut io = Io {
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
        };
        let exit = scn_cli::run(args, &mut io);
        Run {
            exit,
            stdout: String::from_utf8(out).expect("stdout is UTF-8"),
            stderr: String::from_utf8(err).expect("stderr is UTF-8"),
        }
    })
}

fn nested_branches(depth: usize) -> String {
    let mut s = String::from("scenario deep {\n");
    for _ in 0..depth {
        s.push_str("branch a p = 1 {\n");
    }
    s.push_str("branch leaf p = 1\n");
    for _ in 0..depth {
        s.push_str("}\n");
    }
    s.push_str("}\n");
    s
}

fn nested_parens(depth: usize) -> String {
    format!(
        "scenario deep {{ let x = {}1{} }}",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

/// Depth of the first branch chain of the first scenario, walked without recursion.
fn branch_depth(file: &File) -> usize {
    let Some(Item::Scenario(s)) = file.items.first() else {
        return 0;
    };
    let mut depth = 0;
    let mut items = s.items.iter().filter_map(|i| match &i.kind {
        ScenarioItemKind::Node(n) => Some(n),
        _ => None,
    });
    let mut node = items.next();
    while let Some(n) = node {
        let BodyItemKind::Branch(b) = &n.kind else {
            break;
        };
        depth += 1;
        node = b.body.as_ref().and_then(|body| body.items.first());
    }
    depth
}

/// Depth of the parentheses around the value of the first `let`, walked without recursion.
fn paren_depth(file: &File) -> usize {
    let Some(Item::Scenario(s)) = file.items.first() else {
        return 0;
    };
    let Some(ScenarioItemKind::Let { value, .. }) = s.items.first().map(|i| &i.kind) else {
        return 0;
    };
    let mut depth = 0;
    let mut e = value;
    while let ExprKind::Paren(inner) = &e.kind {
        depth += 1;
        e = inner;
    }
    depth
}

/// Parses, checks spans, formats and parses again, all on one big-stack thread (the tree is
/// dropped there too: dropping a deep tree recurses as well).
fn deep_round_trip(text: String, depth_of: fn(&File) -> usize) -> usize {
    on_big_stack(move || {
        let file = parse(&text).unwrap_or_else(|d| panic!("{}", d[0].message));
        check_spans(&file, &text).unwrap();
        let formatted = scn_dsl::format(&file, &text);
        let again = parse(&formatted).unwrap_or_else(|d| panic!("{}", d[0].message));
        assert!(
            erased(&file) == erased(&again),
            "formatting changed a deep tree"
        );
        depth_of(&again)
    })
}

#[test]
fn twenty_thousand_nested_branches_parse() {
    let text = nested_branches(20_000);
    let depth = on_big_stack(move || {
        let file = parse(&text).unwrap_or_else(|d| panic!("{}", d[0].message));
        check_spans(&file, &text).unwrap();
        branch_depth(&file)
    });
    assert_eq!(depth, 20_001);
}

#[test]
fn two_thousand_nested_branches_format() {
    // Not 20,000: the canonical layout indents two spaces a level, so the formatted text grows
    // with the square of the depth (20,000 levels would print some 800 MB).
    assert_eq!(deep_round_trip(nested_branches(2_000), branch_depth), 2_001);
}

#[test]
fn twenty_thousand_nested_parentheses_parse_and_format() {
    assert_eq!(deep_round_trip(nested_parens(20_000), paren_depth), 20_000);
}

#[test]
fn nesting_beyond_the_limit_is_refused_with_a_message() {
    for text in [nested_parens(MAX_NESTING + 1), nested_branches(MAX_NESTING)] {
        let diags = on_big_stack(move || parse(&text).expect_err("too deep"));
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].message,
            format!("nesting is deeper than {MAX_NESTING} levels")
        );
    }
    // Exactly at the limit (the scenario's brace counts) is fine.
    let at_limit = nested_parens(MAX_NESTING - 1);
    let depth = on_big_stack(move || parse(&at_limit).map(|f| paren_depth(&f)).ok());
    assert_eq!(depth, Some(MAX_NESTING - 1));
}

#[test]
fn nesting_beyond_the_limit_exits_1_from_the_cli() {
    let run = scn(&["check", "-"], nested_parens(MAX_NESTING + 1).into_bytes());
    assert_eq!(run.exit, Exit::Invalid);
    check_header(&run.stderr, "<stdin>").unwrap();
    let first = run.stderr.lines().next().unwrap();
    insta::assert_snapshot!(first, @"<stdin>:1:50024: error: nesting is deeper than 50000 levels [too-large]");
    assert!(
        run.stderr.lines().all(|l| l.chars().count() < 200),
        "the excerpt is cut to a window"
    );
}

#[test]
fn braces_and_parentheses_inside_strings_and_comments_do_not_count_as_nesting() {
    let deep = "(".repeat(MAX_NESTING + 1);
    let text = format!("// {deep}\nscenario s \"{deep}\" {{ author \"{deep}\" }}\n");
    let file = on_big_stack(move || parse(&text).map(|f| f.items.len()));
    assert_eq!(file.ok(), Some(1));
}

#[test]
fn a_ten_megabyte_string_parses_and_renders_in_a_window() {
    let big = "x".repeat(10 << 20);
    let text = format!("scenario s {{\n  author \"{big}\"\n  branch a p = 1\n}}\n");
    let file = parse(&text).unwrap();
    let Item::Scenario(s) = &file.items[0] else {
        panic!("a scenario")
    };
    let ScenarioItemKind::Author(author) = &s.items[0].kind else {
        panic!("an author")
    };
    assert_eq!(author.value.len(), 10 << 20);
    assert_eq!(scn_dsl::format(&file, &text), text);

    // Unterminated, the same string gives one short diagnostic.
    let text = format!("scenario s {{\n  author \"{big}\n}}\n");
    let diags = parse(&text).unwrap_err();
    let mut map = SourceMap::new();
    map.add(SourceFile::new("big.scn", text.as_str()));
    let out = scn_dsl::render_all(&diags, &map);
    assert!(out.len() < 2_000, "{} bytes of diagnostics", out.len());
    insta::assert_snapshot!(out.lines().next().unwrap(), @"big.scn:2:10: error: unterminated string [unterminated-string]");
}

#[test]
fn numbers_beyond_f64_are_errors() {
    for (text, number) in [
        ("1e400", "1e400"),
        ("-1e400", "1e400"),
        ("1e308k", "1e308k"),
        ("2e306B%", "2e306B%"),
    ] {
        let src = format!("scenario s {{ let x = {text} }}");
        let diags = parse(&src).expect_err(text);
        assert_eq!(
            diags[0].message,
            format!("the number `{number}` is too large")
        );
    }
    // Underflow is not an error: it is a very small number.
    assert!(parse("scenario s { let x = 1e-400 }").is_ok());
    // A large number that survives its `%` is fine.
    assert!(parse("scenario s { let x = 1e308% }").is_ok());
}

#[test]
fn binary_garbage_on_stdin_is_a_diagnostic() {
    let garbage: Vec<u8> = (0..=255u8).cycle().take(256 * 40).collect();
    let run = scn(&["check", "-"], garbage);
    assert_eq!(run.exit, Exit::Invalid);
    check_header(&run.stderr, "<stdin>").unwrap();
    // Bytes 0x00..=0x7f are valid UTF-8 (with one line break at 0x0a); 0x80 is the first bad byte.
    let first = run.stderr.lines().next().unwrap();
    insta::assert_snapshot!(first, @"<stdin>:2:118: error: the file is not valid UTF-8 [not-utf8]");
}

#[test]
fn ascii_garbage_is_a_syntax_error_not_a_panic() {
    let garbage: String = (0..=127u8).cycle().take(128 * 40).map(char::from).collect();
    let run = scn(&["check", "-"], garbage.into_bytes());
    assert_eq!(run.exit, Exit::Invalid);
    check_header(&run.stderr, "<stdin>").unwrap();
}

#[test]
fn invalid_utf8_points_at_the_first_bad_byte() {
    let mut text = b"scenario s {\n  author \"caf".to_vec();
    text.push(0xe9); // Latin-1 é
    text.extend_from_slice(b"\"\n}\n");
    let run = scn(&["check", "-"], text);
    assert_eq!(run.exit, Exit::Invalid);
    insta::assert_snapshot!(run.stderr, @r#"
    <stdin>:2:14: error: the file is not valid UTF-8 [not-utf8]
      |
    2 |   author "caf
      |              ^
      = help: save it as UTF-8 text
    "#);
}

#[test]
fn an_empty_file_is_valid_with_no_items() {
    assert_eq!(parse("").unwrap().items.len(), 0);
    assert_eq!(parse(" \n\t\r\n").unwrap().items.len(), 0);
    let run = scn(&["check", "-"], Vec::new());
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (Exit::Ok, "", "")
    );
}

#[test]
fn a_file_of_comments_only_is_valid_with_no_items() {
    let text = "// one\n// two\n\n   // three";
    assert_eq!(parse(text).unwrap().items.len(), 0);
    let run = scn(&["fmt", "-"], text.as_bytes().to_vec());
    assert_eq!(run.exit, Exit::Ok);
    assert_eq!(run.stdout, "// one\n// two\n\n// three\n");
}

#[test]
fn a_byte_order_mark_is_white_space() {
    assert_eq!(parse("\u{feff}scenario s {}").unwrap().items.len(), 1);
}

const UNFORMATTED: &str = "scenario s{branch a p=1 branch b p=rest}";
const FORMATTED: &str = "scenario s {\n  branch a p = 1\n  branch b p = rest\n}\n";

#[test]
fn fmt_check_reports_an_unformatted_file_and_leaves_it_untouched() {
    let dir = TempDir::new("fmt-check");
    let path = dir.0.join("a.scn");
    std::fs::write(&path, UNFORMATTED).unwrap();
    let name = path.to_str().unwrap();
    let run = scn(&["fmt", "--check", name], Vec::new());
    assert_eq!(run.exit, Exit::Invalid);
    assert!(run.stderr.contains(name), "{}", run.stderr);
    assert_eq!(std::fs::read(&path).unwrap(), UNFORMATTED.as_bytes());
    assert_eq!(dir.entries(), ["a.scn"]);

    std::fs::write(&path, FORMATTED).unwrap();
    let run = scn(&["fmt", "--check", name], Vec::new());
    assert_eq!((run.exit, run.stderr.as_str()), (Exit::Ok, ""));
}

#[test]
fn fmt_rewrites_a_file_and_leaves_no_temporary_behind() {
    let dir = TempDir::new("fmt-write");
    let path = dir.0.join("a.scn");
    std::fs::write(&path, UNFORMATTED).unwrap();
    let run = scn(&["fmt", path.to_str().unwrap()], Vec::new());
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (Exit::Ok, "", "")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
    assert_eq!(dir.entries(), ["a.scn"]);
    // Formatting again changes nothing.
    let run = scn(&["fmt", path.to_str().unwrap()], Vec::new());
    assert_eq!(run.exit, Exit::Ok);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FORMATTED);
    assert_eq!(dir.entries(), ["a.scn"]);
}

#[test]
fn fmt_leaves_an_invalid_file_untouched() {
    let dir = TempDir::new("fmt-invalid");
    let path = dir.0.join("bad.scn");
    let bad = "scenario s{branch a p==1}";
    std::fs::write(&path, bad).unwrap();
    let name = path.to_str().unwrap();
    let run = scn(&["fmt", name], Vec::new());
    assert_eq!(run.exit, Exit::Invalid);
    check_header(&run.stderr, name).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    assert_eq!(dir.entries(), ["bad.scn"]);
}

#[test]
fn fmt_of_stdin_prints_to_stdout() {
    let run = scn(&["fmt", "-"], UNFORMATTED.as_bytes().to_vec());
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (Exit::Ok, FORMATTED, "")
    );
}

#[test]
fn check_of_a_missing_file_exits_2() {
    let dir = TempDir::new("missing");
    let path = dir.0.join("nowhere.scn");
    let run = scn(&["check", path.to_str().unwrap()], Vec::new());
    assert_eq!(run.exit, Exit::Usage);
    assert!(
        run.stderr.starts_with("scn: error: cannot read "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nowhere.scn"), "{}", run.stderr);
}

#[test]
fn check_names_the_file_as_given_and_exits_1_on_a_syntax_error() {
    let dir = TempDir::new("check");
    let path = dir.0.join("bad.scn");
    std::fs::write(&path, "scenario s {\n  branch a \"A\" p = = 0.2\n}\n").unwrap();
    let name = path.to_str().unwrap();
    let run = scn(&["check", name], Vec::new());
    assert_eq!(run.exit, Exit::Invalid);
    check_header(&run.stderr, name).unwrap();
    assert!(
        run.stderr.starts_with(&format!("{name}:2:20: error: ")),
        "{}",
        run.stderr
    );
    // One bad file among good ones still exits 1, and the good one is silent.
    let good = dir.0.join("good.scn");
    std::fs::write(&good, FORMATTED).unwrap();
    let run = scn(&["check", good.to_str().unwrap(), name], Vec::new());
    assert_eq!(run.exit, Exit::Invalid);
    assert!(!run.stderr.contains("good.scn"), "{}", run.stderr);
}

/// The child process of `long_operator_chains_do_not_overflow_the_stack` reads its case here.
const CHAIN_ENV: &str = "SCN_TESTS_OPERATOR_CHAIN";

fn operator_chain(kind: &str, n: usize) -> String {
    match kind {
        "neg" => format!("scenario s {{ let x = {}1 }}", "-".repeat(n)),
        "pow" => format!("scenario s {{ let x = 1{} }}", "^1".repeat(n)),
        "add" => format!("scenario s {{ let x = 1{} }}", "+1".repeat(n)),
        "not" => format!("scenario s {{ observe {}a }}", "not ".repeat(n)),
        _ => panic!("unknown chain {kind}"),
    }
}

/// The child side of `long_operator_chains_do_not_overflow_the_stack`: parses, formats, erases
/// and drops one long chain on a big stack. Ignored in a normal run; the parent runs it.
#[test]
#[ignore = "the child process of long_operator_chains_do_not_overflow_the_stack, which runs it"]
fn operator_chain_child() {
    let case = std::env::var(CHAIN_ENV).unwrap_or_else(|_| {
        panic!("run by long_operator_chains_do_not_overflow_the_stack with {CHAIN_ENV} set")
    });
    let (kind, n) = case.split_once(':').expect("KIND:N");
    let text = operator_chain(kind, n.parse().expect("a count"));
    let outcome = on_big_stack(move || match parse(&text) {
        Ok(file) => {
            let formatted = scn_dsl::format(&file, &text);
            drop(erased(&file));
            format!("parsed, {} bytes formatted", formatted.len())
        }
        Err(diags) => diags[0].message.clone(),
    });
    println!("outcome: {outcome}");
}

/// Reproducer: a 3 MB file `scenario s { let x = ---…---1 }` (3,000,000 minus signs) aborts
/// `scn check` with "has overflowed its stack" in a debug build, on the 2 GiB stack. The
/// nesting limit counts only `{` and `(`, but the Pratt parser recurses once per prefix `-`
/// and per right-associative `^`, and a long `1+1+…` or `not not …` chain makes a tree whose
/// drop, visit and format recurse as deep. Each case runs in a child process, so the abort
/// fails this test instead of killing the run. Slow (about two minutes in a debug build).
#[test]
fn long_operator_chains_do_not_overflow_the_stack() {
    let exe = std::env::current_exe().expect("the test binary");
    let cases = [
        ("neg", 3_000_000),
        ("pow", 3_000_000),
        ("add", 3_000_000),
        ("not", 10_000_000),
    ];
    for (kind, n) in cases {
        let out = std::process::Command::new(&exe)
            .args([
                "operator_chain_child",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHAIN_ENV, format!("{kind}:{n}"))
            .output()
            .expect("run the child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why = stderr
            .lines()
            .find(|l| l.contains("overflow"))
            .unwrap_or("");
        assert!(out.status.success(), "{kind} × {n}: {} {why}", out.status);
        // The harness may print "test operator_chain_child ... " on the same line first.
        let outcome = stdout
            .lines()
            .find_map(|l| l.split_once("outcome: ").map(|(_, o)| o));
        let outcome = outcome.expect("the child reports an outcome");
        assert!(
            outcome.starts_with("parsed")
                || outcome.contains("deeper than")
                || outcome.contains("more than 100000 operators"),
            "{kind} × {n}: {outcome}"
        );
    }
}

/// `scn check` gives up the text of a file of 16 MiB or more during the point evaluation
/// and reads it back for diagnostics: a probability error found then points at the right
/// line and column and shows the right excerpt, as it does for the same scenario in a
/// small file.
#[test]
fn a_big_files_evaluation_errors_show_where_they_are() {
    let dir = TempDir::new("big-text");
    let scenario = "scenario s {\n  branch a p = 0.5\n  branch b \"B\" p = 0.7\n}\n";
    let padding = format!("// {}\n", "x".repeat(16 << 20));
    let big = dir.0.join("big.scn");
    std::fs::write(&big, format!("{padding}{scenario}")).unwrap();
    let small = dir.0.join("small.scn");
    std::fs::write(&small, format!("//\n{scenario}")).unwrap();

    let run = |path: &std::path::Path| {
        let run = scn(&["check", path.to_str().unwrap()], Vec::new());
        assert_eq!(run.exit, Exit::Invalid, "{}", run.stderr);
        let name = path.to_str().unwrap();
        run.stderr.replace(name, "FILE")
    };
    let (big, small) = (run(&big), run(&small));
    assert!(small.contains("FILE:3:"), "{small}");
    assert!(small.contains("branch a p = 0.5"), "{small}");
    assert_eq!(big, small);
}

/// `scn eval` gives up a big file's text as well, once it has copied what the report quotes
/// (the expressions of lets, the evidence, the lines of expectations), and reads it back
/// only for diagnostics: its reports and its errors are those of the same scenario in a
/// small file.
#[test]
fn a_big_files_report_and_errors_quote_it_as_a_small_files_do() {
    let dir = TempDir::new("big-report");
    let scenario = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reports/launch.scn"),
    )
    .unwrap();
    let bad = "scenario s {\n  branch a p = 0.5\n  branch b \"B\" p = 0.7\n}\n";
    // One line of padding in both, so that lines are numbered alike.
    let padding = format!("// {}\n", "x".repeat(16 << 20));
    let write = |name: &str, padding: &str, body: &str| {
        let path = dir.0.join(name);
        std::fs::write(&path, format!("{padding}{body}")).unwrap();
        path
    };
    let run = |args: &[&str], path: &std::path::Path, exit: Exit| {
        let name = path.to_str().unwrap();
        let mut all = vec!["eval", name];
        all.extend(args);
        let run = scn(&all, Vec::new());
        assert_eq!(run.exit, exit, "{}", run.stderr);
        (
            run.stdout.replace(name, "FILE"),
            run.stderr.replace(name, "FILE"),
        )
    };
    let big = write("big.scn", &padding, &scenario);
    let small = write("small.scn", "//\n", &scenario);
    // What each format quotes: the let's expression, and the evidence as written or the
    // expectation's line (the fixture's line 40, after one line of padding).
    for (format, quoted) in [
        ("text", "`not bug`"),
        ("json", "\"line\": 41,"),
        ("markdown", "`not bug`"),
    ] {
        let args = ["--format", format, "--samples", "2000", "--seed", "3"];
        let (big, small) = (run(&args, &big, Exit::Ok), run(&args, &small, Exit::Ok));
        assert!(small.0.contains("beta(2, 8)"), "{format}: {}", small.0);
        assert!(small.0.contains(quoted), "{format}: {}", small.0);
        assert_eq!(big, small, "{format}");
    }
    let big = write("big-bad.scn", &padding, bad);
    let small = write("small-bad.scn", "//\n", bad);
    let (big, small) = (
        run(&[], &big, Exit::Invalid),
        run(&[], &small, Exit::Invalid),
    );
    assert!(small.1.contains("FILE:3:"), "{}", small.1);
    assert!(small.1.contains("branch a p = 0.5"), "{}", small.1);
    assert_eq!(big, small);
}
