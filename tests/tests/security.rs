//! Regression tests of the attacks on scn (issue 11): a hostile `scn.toml`, files built to
//! exhaust time or memory, imports reaching outside the library, writes through planted
//! links, escape sequences for the terminal. Each input ends in a clear diagnostic or a
//! bounded run. Tests that need the real binary (environment, signals, process groups,
//! `ulimit`) are in `crates/scn-cli/tests/processes.rs`.

mod common;

use std::path::{Path, PathBuf};

use scn_cli::{Exit, Io};

use common::{TempDir, on_big_stack};

/// What `scn` printed and returned.
struct Run {
    exit: Exit,
    stdout: String,
    stderr: String,
}

/// Runs `scn` in-process on a big-stack thread, as the binary does.
fn scn(args: &[&str], stdin: &str) -> Run {
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(String::from)
        .collect();
    let stdin = stdin.as_bytes().to_vec();
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

// These tests check what each attack now meets (a budget, a cap, a refusal). How long the
// attacks take is measured, not asserted, by bench/attacks.sh: wall time on a shared CI
// machine is no test.

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp paths")
}

/// Templates that each use the one below twice: `levels` of them expand to 2^levels nodes.
pub fn exponential_templates(levels: usize) -> String {
    let mut t = String::from("template t0() {\n  branch a p = 50%\n  branch b p = rest\n}\n");
    for i in 1..=levels {
        t.push_str(&format!(
            "template t{i}() {{\n  branch x p = 50% {{ use t{0}() }}\n  branch y p = rest {{ use t{0}() }}\n}}\n",
            i - 1
        ));
    }
    t.push_str(&format!("scenario s {{\n  use t{levels}()\n}}\n"));
    t
}

// ---------------------------------------------------------------- budgets

#[test]
fn exponential_templates_are_refused_before_they_expand() {
    let text = exponential_templates(28);
    assert!(text.len() < 2600, "{} bytes", text.len());
    let run = scn(&["check", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: the scenario grows past 5000000 nodes here"),
        "{}",
        run.stderr
    );
    // t0 is 2 nodes; t(i) is 2 branches and 2 uses of t(i-1): s(i) = 4 + 2 s(i-1), so
    // s(i) = 6 × 2^i - 4, and s(28) = 1,610,612,732.
    assert!(
        run.stderr
            .contains("this use of `t28` alone expands to 1610612732"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--max-nodes"), "{}", run.stderr);
}

#[test]
fn max_nodes_sets_the_budget() {
    // 2^4 leaves, 30 nodes and expansions in all, plus the probabilities' terms.
    let text = exponential_templates(4);
    let small = scn(&["check", "--max-nodes", "20", "-"], &text);
    assert_eq!(small.exit, Exit::Invalid);
    assert!(
        small.stderr.contains("grows past 20 nodes"),
        "{}",
        small.stderr
    );
    let enough = scn(&["check", "--max-nodes", "1000", "-"], &text);
    assert_eq!(enough.exit, Exit::Ok, "{}", enough.stderr);
}

/// Templates ten deep whose first branch carries tags: 2,048 leaves, every other one tagged
/// `#t`, so `#t` covers 1,024 separate runs of leaves.
fn tagged_templates(tags: &str, forecasts: &[String]) -> String {
    let mut text =
        format!("template t0() {{\n  branch a p = 0.5 {tags}\n  branch b p = rest\n}}\n");
    for i in 1..=10 {
        text += &format!(
            "template t{i}() {{\n  branch x p = 0.5 {{ use t{j}() }}\n  branch y p = rest {{ use t{j}() }}\n}}\n",
            j = i - 1
        );
    }
    text += "scenario s {\n  use t10()\n";
    for f in forecasts {
        text += &format!("  {f}\n");
    }
    text + "}\n"
}

/// A tag copied by templates counts against the node budget at every copy: 400 tags on a
/// template's branch made a 4 KB file take 15 s and 5 GB.
#[test]
fn tags_copied_by_templates_count_against_the_budget() {
    let tags: Vec<String> = (0..40).map(|i| format!("#g{i}")).collect();
    let text = tagged_templates(&tags.join(" "), &[]);
    let run = scn(&["check", "--max-nodes", "20000", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid, "{}", run.stderr);
    assert!(
        run.stderr.contains("grows past 20000 nodes"),
        "{}",
        run.stderr
    );
    // 4,094 nodes, 1,024 × 40 tags: the same file with room for them.
    let run = scn(&["check", "--max-nodes", "60000", "-"], &text);
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
}

/// The leaves of events: a question asked in 300 forecasts is one set, but 300 different
/// questions of a tag that covers 1,024 separate runs need their own, and together they
/// may hold at most 4 runs per unit of the node budget (80,000 here). The forecasts × leaves
/// of an audit's 10 KB file took 14.7 s and 4.2 GB.
#[test]
fn leaf_sets_of_events_are_shared_and_capped() {
    let same: Vec<String> = (0..300).map(|k| format!("forecast f{k} = P(#t)")).collect();
    let text = tagged_templates("#t", &same);
    let run = scn(&["check", "--max-nodes", "20000", "-"], &text);
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    let run = scn(
        &["eval", "--max-nodes", "20000", "--format", "json", "-"],
        &text,
    );
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    // Half the leaves at every level: P(#t) = 0.5.
    assert_eq!(v["forecasts"][299]["value"], 0.5);

    // Each condition a different subtree eight levels down (x/y for the bits of k).
    let different: Vec<String> = (0..200)
        .map(|k: u32| {
            let path: Vec<&str> = (0..8)
                .map(|b| if k >> b & 1 == 1 { "y" } else { "x" })
                .collect();
            format!("forecast g{k} = P(#t | not {})", path.join("."))
        })
        .collect();
    let text = tagged_templates("#t", &different);
    let run = scn(&["check", "--max-nodes", "20000", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: the scenario's events cover more than 80000 separate runs of leaves (4 per \
             unit of --max-nodes); this one alone covers 1020"
        ),
        "{}",
        run.stderr
    );
    let run = scn(&["check", "--max-nodes", "100000", "-"], &text);
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
}

#[test]
fn did_you_mean_on_long_names_takes_linear_time() {
    // Two 100,000-letter names one letter apart: the full edit-distance table has 10^10 cells.
    let name = "a".repeat(100_000);
    let text = format!("scenario s {{\n  let {name} = 1\n  forecast f = {name}b\n}}\n");
    let run = scn(&["check", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        run.stderr.contains("did you mean"),
        "{}",
        &run.stderr[..200]
    );
}

#[test]
fn many_unknown_names_take_linear_time() {
    // 5,000 lets and 5,000 forecasts each using an unknown name of the same length: a
    // suggestion for each compares 5,000 × 10,000 pairs of names.
    let mut text = String::from("scenario s {\n");
    for i in 0..5_000 {
        text.push_str(&format!("  let v{i:05} = 1\n"));
    }
    for i in 0..5_000 {
        text.push_str(&format!("  forecast f{i:05} = w{i:05}\n"));
    }
    text.push_str("}\n");
    let run = scn(&["check", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid);
    // At most 100 diagnostics shown, then a count of the rest.
    assert_eq!(run.stderr.matches(": error: ").count(), 100);
    assert!(
        run.stderr
            .contains("scn: … and 4900 more diagnostics in <stdin>"),
        "{}",
        run.stderr.lines().last().unwrap_or_default()
    );
}

#[test]
fn many_errors_on_one_long_line_are_capped() {
    let names: Vec<String> = (0..50_000).map(|i| format!("u{i}")).collect();
    let text = format!("scenario s {{ forecast f = {} }}\n", names.join(" + "));
    let run = scn(&["check", "-"], &text);
    assert_eq!(run.exit, Exit::Invalid);
    assert_eq!(run.stderr.matches(": error: ").count(), 100);
    assert!(
        run.stderr.contains("and 49900 more diagnostics"),
        "{}",
        run.stderr.len()
    );
}

/// Resolves a scenario (without evaluating it: the evaluator's costs are its own); it must
/// resolve.
fn resolve(text: String) {
    on_big_stack(move || {
        let loaded = scn_eval::load("t.scn", text, Path::new("."), None);
        if let Err(d) = scn_eval::resolve(&loaded) {
            panic!("{}", scn_dsl::render_all(d.iter().take(3), &loaded.sources));
        }
    });
}

#[test]
fn bare_ids_and_tags_are_looked_up_through_hash_maps() {
    // 20,000 nodes under one parent, each with its own tag, each referred to by its bare id
    // and by its tag: a scan per reference is 8 × 10^8 comparisons.
    let n = 20_000;
    let mut text = String::from("scenario s {\n  branch top p = 1 {\n");
    for i in 0..n {
        let p = if i == 0 { "rest" } else { "0" };
        text.push_str(&format!("    branch b{i} p = {p} #t{i}\n"));
    }
    text.push_str("  }\n");
    for i in 0..n {
        text.push_str(&format!(
            "  forecast f{i} = P(b{i})\n  forecast g{i} = P(#t{i})\n"
        ));
    }
    text.push_str("}\n");
    resolve(text);
}

#[test]
fn dotted_paths_into_wide_nodes_are_hashed() {
    let n = 20_000;
    let mut text = String::from("scenario s {\n  branch top p = 1 {\n");
    for i in 0..n {
        let p = if i == 0 { "rest" } else { "0" };
        text.push_str(&format!("    branch b{i} p = {p}\n"));
    }
    text.push_str("  }\n");
    for i in 0..n {
        text.push_str(&format!("  forecast f{i} = P(top.b{i})\n"));
    }
    text.push_str("}\n");
    resolve(text);
}

#[test]
fn deep_files_format_to_a_bounded_size() {
    let depth = 20_000;
    let mut text = String::from("scenario deep {\n");
    for _ in 0..depth {
        text.push_str("branch a p = 1 {\n");
    }
    text.push_str("branch leaf p = 1\n");
    for _ in 0..depth {
        text.push_str("}\n");
    }
    text.push_str("}\n");
    let run = scn(&["fmt", "-"], &text);
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    // Uncapped, the indentation alone would be 2 × depth² = 800 MB; capped, each line gets
    // at most 80 columns of it.
    let lines = text.lines().count();
    assert!(
        run.stdout.len() <= text.len() + 80 * lines,
        "{} bytes from {}",
        run.stdout.len(),
        text.len()
    );
    let again = scn(&["fmt", "-"], &run.stdout);
    assert_eq!(again.stdout, run.stdout, "formatting is idempotent");
    let check = scn(&["check", "-"], &run.stdout);
    assert_eq!(check.exit, Exit::Ok, "{}", check.stderr);
}

#[test]
fn import_chains_are_bounded() {
    let dir = TempDir::new("import-chain");
    let n = 300;
    for i in 0..n {
        let next = if i + 1 < n {
            format!("import \"c{}.scn\"\n", i + 1)
        } else {
            String::new()
        };
        write(
            &dir.0,
            &format!("c{i}.scn"),
            &format!("{next}template t{i}() {{}}\n"),
        );
    }
    let main = write(&dir.0, "main.scn", "import \"c0.scn\"\nscenario s {}\n");
    let run = scn(&["check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        run.stderr
            .contains("imports are nested more than 256 files deep"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_json_report_of_every_metric_on_every_path_is_bounded() {
    // 8,000 metrics and 8,000 leaves in 0.3 MB: the JSON report would list 64 million
    // path metric values; the text report shows the likeliest paths.
    let n = 8_000;
    let mut text = String::from("scenario s {\n");
    for i in 0..n {
        text.push_str(&format!("  metric m{i} = 0\n"));
    }
    for i in 0..n {
        let p = if i == 0 { "rest" } else { "0" };
        text.push_str(&format!("  branch b{i} p = {p}\n"));
    }
    text.push_str("}\n");
    let json = scn(&["eval", "--format", "json", "-"], &text);
    assert_eq!(json.exit, Exit::Usage, "{}", json.stderr);
    assert!(
        json.stderr.starts_with(
            "scn: error: the JSON report would list 64000000 path metric values (8000 paths × 8000 metrics), more than the 50000000"
        ),
        "{}",
        json.stderr
    );
    assert!(json.stdout.is_empty());
    let people = scn(&["eval", "-"], &text);
    assert_eq!(people.exit, Exit::Ok, "{}", people.stderr);
}

#[test]
fn a_library_default_asks_for_at_most_a_million_samples() {
    let dir = TempDir::new("default-samples");
    write(&dir.0, "scn.toml", "[defaults]\nsamples = 300000000\n");
    let main = write(&dir.0, "s.scn", "scenario s {}\n");
    let run = scn(&["eval", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "scn.toml:2:11: error: [defaults] samples is more than 1,000,000, the most a library may ask for"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn sample_memory_is_estimated_before_sampling() {
    // 200 forecasts × 8 bytes, plus 32 bytes for the columns being summarised, × 10^9
    // samples: 1632 GB = 1519.9 GiB.
    let mut text = String::from("scenario s {\n  let x = 0 to 1\n");
    for i in 0..200 {
        text.push_str(&format!("  forecast f{i} = x\n"));
    }
    text.push_str("}\n");
    let run = scn(&["eval", "--samples", "1000000000", "-"], &text);
    assert_eq!(run.exit, Exit::Usage, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "scn: error: 1000000000 samples need at least 1519.9 GiB of memory (1632 bytes per sample)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn analyses_estimate_their_sample_memory_first() {
    // sens and voi keep every sample's row (200 forecasts and their weights: 3.2 kB), diff
    // samples both versions: each asks for hundreds of GB at 10^8 samples, and is refused
    // before drawing one instead of aborting when an allocation fails.
    let mut text = String::from(
        "scenario s {\n  metric v = 0\n  let x = 0 to 1\n  objective maximize v\n  \
         option a { v += x }\n  option b { v += 1 }\n",
    );
    for i in 0..200 {
        text.push_str(&format!("  forecast f{i} = x\n"));
    }
    text.push_str("}\n");
    let lib = TempDir::new("analysis-memory");
    let file = write(&lib.0, "s.scn", &text);
    for args in [
        vec!["sens", s(&file), "--samples", "100000000"],
        vec!["voi", s(&file), "--samples", "100000000"],
        vec!["diff", s(&file), s(&file), "--samples", "100000000"],
    ] {
        let run = scn(&args, "");
        assert_eq!(run.exit, Exit::Usage, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with("scn: error: 100000000 samples need at least ")
                && run.stderr.contains("ask for fewer with --samples"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn threads_are_capped_at_a_multiple_of_the_cores() {
    let text = "scenario s {\n  let x = 0 to 1\n  forecast f = x\n}\n";
    let run = scn(
        &["eval", "--threads", "65535", "--samples", "1000", "-"],
        text,
    );
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("scn: warning: --threads 65535 is more than 4 per core; using "),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------- imports and files

#[test]
fn imports_read_only_inside_the_library() {
    let secret_dir = TempDir::new("secret");
    let secret = write(&secret_dir.0, "secret.scn", "TOP-SECRET-LINE\n");
    let lib = TempDir::new("library");
    let absolute = write(
        &lib.0,
        "abs.scn",
        &format!("import \"{}\"\nscenario s {{}}\n", s(&secret)),
    );
    let run = scn(&["check", s(&absolute)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        run.stderr.contains("the path is absolute"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOP-SECRET"), "{}", run.stderr);

    let up = write(
        &lib.0,
        "sub/up.scn",
        "import \"../../x.scn\"\nscenario s {}\n",
    );
    write(&lib.0, "../x.scn", "TOP-SECRET-LINE\n");
    let run = scn(&["check", s(&up)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        run.stderr.contains("it lies outside the library"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOP-SECRET"), "{}", run.stderr);
    let _ = std::fs::remove_file(lib.0.join("../x.scn"));

    // A link inside the library to a file outside it.
    std::os::unix::fs::symlink(&secret, lib.0.join("link.scn")).unwrap();
    let via_link = write(&lib.0, "via.scn", "import \"link.scn\"\nscenario s {}\n");
    let run = scn(&["check", s(&via_link)], "");
    assert!(
        run.stderr.contains("it lies outside the library"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOP-SECRET"), "{}", run.stderr);
}

/// A named pipe at `path`.
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn imports_read_only_regular_files_of_bounded_size() {
    let lib = TempDir::new("import-kinds");
    let fifo = lib.0.join("pipe.scn");
    mkfifo(&fifo);
    let main = write(&lib.0, "main.scn", "import \"pipe.scn\"\nscenario s {}\n");
    let run = scn(&["check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        run.stderr
            .contains("cannot import `pipe.scn`: it is not a regular file"),
        "{}",
        run.stderr
    );

    // A sparse file one byte over the limit: nothing of it is read.
    let big = std::fs::File::create(lib.0.join("big.scn")).unwrap();
    big.set_len(scn_eval::MAX_IMPORT_BYTES + 1).unwrap();
    let main = write(&lib.0, "main.scn", "import \"big.scn\"\nscenario s {}\n");
    let run = scn(&["check", s(&main)], "");
    assert!(
        run.stderr
            .contains("cannot import `big.scn`: it is larger than 64 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_library_root_is_the_manifest_folder() {
    // With a scn.toml above, a file may import a sibling folder's file (as the bundled
    // scenarios import scenarios/lib).
    let lib = TempDir::new("root");
    write(&lib.0, "scn.toml", "");
    write(&lib.0, "lib/t.scn", "template t() { branch a p = 1 }\n");
    let main = write(
        &lib.0,
        "s/main.scn",
        "import \"../lib/t.scn\"\nscenario s { use t() }\n",
    );
    let run = scn(&["check", s(&main)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
}

#[test]
fn eval_refuses_to_write_over_its_inputs() {
    let lib = TempDir::new("over-inputs");
    let text = "import \"lib.scn\"\nscenario s { use t() }\n";
    let main = write(&lib.0, "main.scn", text);
    let lib_text = "template t() { branch a p = 1 }\n";
    let imported = write(&lib.0, "lib.scn", lib_text);
    for out in [&main, &imported] {
        let run = scn(&["eval", s(&main), "-o", s(out)], "");
        assert_eq!(run.exit, Exit::Usage, "{}", run.stderr);
        assert!(
            run.stderr
                .contains("is an input of this run; the report would replace it"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&main).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&imported).unwrap(), lib_text);
    let report = lib.0.join("report.txt");
    let run = scn(&["eval", s(&main), "-o", s(&report)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(std::fs::read_to_string(&report).unwrap().contains("s"));
}

/// `-o` of `sens`, `voi`, `diff` and `score` writes the report file and never a scenario, a
/// library's settings or its resolutions, whether or not the run read them.
#[test]
fn analysis_reports_go_to_their_file_and_never_over_a_library_file() {
    let lib = TempDir::new("analysis-output");
    let text = "scenario s {\n  metric v = 0\n  let p = beta(2, 2)\n  branch go p = 60% {\n    option a { v = 1 }\n    option b { v = p * 3 }\n  }\n  branch stay p = rest\n  objective maximize v\n  forecast f = P(go)\n  forecast g = E(v)\n}\n";
    let main = write(&lib.0, "main.scn", text);
    let settings = write(&lib.0, "scn.toml", "");
    let other = write(&lib.0, "other.scn", "scenario o { branch a p = 1 }\n");
    let runs: [&[&str]; 4] = [
        &["sens", s(&main)],
        &["voi", s(&main), "--decision", "go", "--samples", "500"],
        &["diff", s(&main), s(&main)],
        &["score", s(&main)],
    ];
    for args in runs {
        for protected in [&main, &settings, &other] {
            let mut full = args.to_vec();
            full.extend(["-o", s(protected)]);
            let run = scn(&full, "");
            assert_eq!(
                run.exit,
                Exit::Usage,
                "{args:?} -o {protected:?}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains("the report would replace it"),
                "{}",
                run.stderr
            );
        }
        let report = lib.0.join(format!("{}.json", args[0]));
        let mut full = args.to_vec();
        full.extend(["-f", "json", "-o", s(&report)]);
        let run = scn(&full, "");
        assert_eq!(run.exit, Exit::Ok, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?} wrote to stdout too");
        let written = std::fs::read_to_string(&report).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&written).is_ok(),
            "{args:?}: {written}"
        );
    }
    assert_eq!(std::fs::read_to_string(&main).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "");
}

#[test]
fn eval_writes_through_a_link_and_into_devices() {
    use std::os::unix::fs::{FileTypeExt, symlink};
    let lib = TempDir::new("eval-links");
    let main = write(&lib.0, "main.scn", "scenario s { branch a p = 1 }\n");
    let real = write(&lib.0, "real.json", "old");
    let link = lib.0.join("link.json");
    symlink(&real, &link).unwrap();
    let run = scn(&["eval", s(&main), "-f", "json", "-o", s(&link)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&real).unwrap().starts_with('{'));
    let run = scn(&["eval", s(&main), "-o", "/dev/null"], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(lib.entries(), ["link.json", "main.scn", "real.json"]);
}

#[test]
fn fmt_keeps_the_mode_and_leaves_read_only_files_alone() {
    use std::os::unix::fs::PermissionsExt;
    let lib = TempDir::new("fmt-mode");
    let messy = "scenario   s {branch a p=1}\n";
    let f = write(&lib.0, "a.scn", messy);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = scn(&["fmt", s(&f)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        "scenario s {\n  branch a p = 1\n}\n"
    );
    let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    let ro = write(&lib.0, "ro.scn", messy);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = scn(&["fmt", s(&ro)], "");
    assert_eq!(run.exit, Exit::Usage);
    assert!(
        run.stderr.contains("ro.scn: the file is read-only"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), messy);
}

#[test]
fn fmt_does_not_write_back_into_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let lib = TempDir::new("fmt-pipe");
    let fifo = lib.0.join("pipe.scn");
    mkfifo(&fifo);
    // A writer on the other end, as `scn fmt <(…)` would have.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "scenario   s {branch a p=1}\n"))
    };
    let run = scn(&["fmt", s(&fifo)], "");
    writer.join().unwrap().unwrap();
    assert_eq!(run.exit, Exit::Usage);
    assert!(
        run.stderr
            .contains("pipe.scn: it is not a regular file (use `scn fmt - <"),
        "{}",
        run.stderr
    );
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn scn_test_passes_over_pipes_in_a_folder() {
    let lib = TempDir::new("test-pipe");
    write(
        &lib.0,
        "x.scn",
        "scenario s {\n  branch a p = 1\n  expect P(a) in 1 .. 1\n}\n",
    );
    mkfifo(&lib.0.join("pipe.scn"));
    // Reading the pipe would block for ever, since nobody writes to it: a run that does not
    // end in a minute fails the test rather than hanging it.
    let root = s(&lib.0).to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(scn(&["test", &root], "")));
    let run = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("`scn test` ends without reading the pipe");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 scenario in 1 file; expectations: 1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn scn_test_walks_symlink_loops_once() {
    let lib = TempDir::new("test-loop");
    write(
        &lib.0,
        "a/x.scn",
        "scenario s {\n  branch a p = 1\n  expect P(a) in 1 .. 1\n}\n",
    );
    std::os::unix::fs::symlink(&lib.0, lib.0.join("a/up")).unwrap();
    let run = scn(&["test", s(&lib.0)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("1 scenario in 1 file; expectations: 1 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

// ---------------------------------------------------------------- terminal and charts

/// The analysis commands print the author's titles, labels and the file names in text,
/// Markdown and HTML: no control character or bidirectional override reaches the output
/// raw, and JSON keeps them exactly (escaped).
#[test]
fn analysis_reports_carry_no_raw_escapes() {
    let lib = TempDir::new("analysis-escapes");
    let scenario = |title: &str, label: &str| {
        format!(
            "scenario t \"{title}\" {{\n  metric m = 0\n  objective maximize m\n  \
             option a \"A\" {{ branch x p = 50% {{ m += 1 }}  branch y p = rest }}\n  \
             option b \"B\"\n  forecast f \"{label}\" = P(x)\n}}\n"
        )
    };
    let plain = write(&lib.0, "plain.scn", &scenario("T", "F"));
    let evil = write(
        &lib.0,
        "evil\u{1b}[31m.scn",
        &scenario("T\u{1b}]0;pwned\u{7}\u{1b}[2J", "F\u{1b}[31mred\u{202e}"),
    );
    for format in ["text", "markdown", "html", "json"] {
        for args in [
            vec!["sens", s(&evil)],
            vec!["voi", s(&evil), "--know", "x"],
            vec!["diff", s(&plain), s(&evil)],
        ] {
            let mut args = args.clone();
            args.extend(["--format", format]);
            let run = scn(&args, "");
            assert_eq!(run.exit, Exit::Ok, "{args:?}: {}", run.stderr);
            // JSON escapes control characters and keeps the override: it is text, exact.
            let raw =
                |c: char| (c.is_control() && c != '\n') || (format != "json" && c == '\u{202e}');
            assert!(!run.stdout.chars().any(raw), "{args:?}: {:?}", run.stdout);
            // Every one of these reports shows the scenario's title.
            if format == "json" {
                let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
                assert!(
                    doc.to_string()
                        .contains("T\\u001b]0;pwned\\u0007\\u001b[2J"),
                    "{args:?}: {doc}"
                );
            } else {
                assert!(
                    run.stdout.contains("pwned\u{FFFD}\u{FFFD}"),
                    "{args:?}: {}",
                    run.stdout
                );
            }
        }
    }
}

/// A label that changed is shown in a code span of `scn diff --format markdown`: a run of
/// backticks in it cannot close the span, and a line break cannot start a heading or raw
/// HTML.
#[test]
fn diff_markdown_keeps_labels_inside_their_code_spans() {
    let lib = TempDir::new("diff-markdown");
    let old = write(
        &lib.0,
        "d0.scn",
        "scenario d { branch a \"A\" p = 50%  branch b p = rest }\n",
    );
    let new = write(
        &lib.0,
        "d1.scn",
        "scenario d {\n  branch a \"A`` <img src=x onerror=alert(1)> ``\" p = 50%\n  \
         branch b \"x\\n# Owned\\n<script>alert(2)</script>|\" p = rest\n}\n",
    );
    let run = scn(&["diff", s(&old), s(&new), "--format", "markdown"], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("- ``` ~ branch a: label A → A`` <img src=x onerror=alert(1)> `` ```\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("- `~ branch b: label none → x # Owned <script>alert(2)</script>|`\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.lines().any(|l| l.starts_with("# Owned")));
}

/// A line break in a title, a label, a unit, an expression or a file name cannot print a
/// line of its own in a text report, where it could pass for one of the report's lines.
#[test]
fn text_reports_keep_each_label_on_its_line() {
    let lib = TempDir::new("forged-lines");
    let scenario = |p: &str| {
        format!(
            "scenario t \"T\\nFORGED title\" {{\n  metric m \"M\\nFORGED metric\" unit \"u\\nFORGED unit\" = 0\n  \
             objective maximize m\n  let x = beta(2, 3)\n  \
             option a \"A\\nFORGED option\" {{ branch y \"Y\\nFORGED branch\" p = {p} {{ m += 1 }}  branch z p = rest }}\n  \
             option b \"B\"\n  forecast f \"F\\nFORGED forecast\" = P(y)\n  \
             note \"first\\nFORGED note\"\n}}\n"
        )
    };
    let old = write(&lib.0, "old.scn", &scenario("x"));
    let new = write(&lib.0, "new\nFORGED file.scn", &scenario("(x\n  + 0.1)"));
    for args in [
        vec!["eval", s(&old)],
        vec!["eval", s(&new), "--samples", "2000"],
        vec!["sens", s(&old)],
        vec!["voi", s(&old), "--know", "y"],
        vec!["diff", s(&old), s(&new)],
    ] {
        let run = scn(&args, "");
        assert_eq!(run.exit, Exit::Ok, "{args:?}: {}", run.stderr);
        assert!(run.stdout.contains("FORGED"), "{args:?}: {}", run.stdout);
        let forged: Vec<&str> = run
            .stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("FORGED"))
            .collect();
        // A note keeps its paragraphs, indented under its first line.
        let forged: Vec<&&str> = forged
            .iter()
            .filter(|l| !l.starts_with("    FORGED note"))
            .collect();
        assert!(forged.is_empty(), "{args:?}: {forged:?}\n{}", run.stdout);
    }
}

#[test]
fn escape_sequences_never_reach_the_terminal_raw() {
    let lib = TempDir::new("escapes");
    // A file name and a failing expectation: `scn test` prints both.
    let evil = write(
        &lib.0,
        "evil\u{1b}]0;owned\u{7}.scn",
        "scenario s {\n  branch a p = 1\n  expect P(a) in 0 .. 0.5\n}\n",
    );
    let run = scn(&["test", s(&evil)], "");
    assert_eq!(run.exit, Exit::Failed);
    for out in [&run.stdout, &run.stderr] {
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }
    assert!(
        run.stdout.contains("evil\u{FFFD}]0;owned\u{FFFD}.scn:3:3"),
        "{}",
        run.stdout
    );
    // An import path with escapes, echoed by a diagnostic.
    let main = write(
        &lib.0,
        "m.scn",
        "import \"\u{1b}[2J\u{9b}31m\"\nscenario s {}\n",
    );
    let run = scn(&["check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(
        !run.stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        run.stderr
    );
}

#[test]
fn html_charts_survive_the_ends_of_the_floats() {
    for v in ["5e-324", "1e308"] {
        let text = format!(
            "scenario t {{\n  metric cost = 0\n  branch a p = 50% {{ cost += {v} }}\n  branch b p = rest {{ cost -= {v} }}\n  forecast e = E(cost)\n}}\n"
        );
        for samples in ["0", "200"] {
            let run = scn(&["eval", "-f", "html", "--samples", samples, "-"], &text);
            assert_eq!(run.exit, Exit::Ok, "{v}: {}", run.stderr);
            let mut rest = run.stdout.as_str();
            let mut charts = 0;
            while let Some(at) = rest.find("<svg") {
                let end = rest[at..].find("</svg>").expect("closed") + at;
                let svg = &rest[at..end];
                assert!(!svg.contains("NaN") && !svg.contains("inf"), "{v}: {svg}");
                charts += 1;
                rest = &rest[end..];
            }
            assert!(charts > 0, "{v}: no chart");
        }
    }
}

// ---------------------------------------------------------------- plugins

/// A library whose scn.toml declares `x`, a plugin that would leave a marker file if it
/// ever ran.
fn marker_library(tag: &str, name: &str) -> (TempDir, PathBuf) {
    let lib = TempDir::new(tag);
    let marker = lib.0.join("RAN");
    write(
        &lib.0,
        "scn.toml",
        &format!(
            "[plugins.{name}]\ncommand = [\"sh\", \"-c\", \"touch {}\"]\n",
            s(&marker)
        ),
    );
    (lib, marker)
}

#[test]
fn an_untrusted_library_starts_nothing_and_says_what_would_run() {
    let (lib, marker) = marker_library("untrusted", "x");
    let main = write(
        &lib.0,
        "main.scn",
        "plugin x\nscenario s {\n  branch a p = x.f(1)\n  branch b p = rest\n}\n",
    );
    let run = scn(&["check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(!marker.exists(), "the plugin ran");
    let manifest = std::fs::canonicalize(lib.0.join("scn.toml")).unwrap();
    let dir = manifest.parent().unwrap();
    let first = run.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{}:1:8: error: the plugin `x` is not trusted: {} would run [\"sh\", \"-c\", \"touch {}\"] in {} [plugin]",
            s(&main),
            manifest.display(),
            s(&marker),
            dir.display()
        )
    );
    assert!(
        run.stderr.contains(&format!(
            "= help: nothing was started; if you trust this library, run `scn trust {}`",
            dir.display()
        )),
        "{}",
        run.stderr
    );
    // Allowed for one run, it runs (and fails the protocol, having answered nothing).
    let run = scn(&["--trust-plugins", "check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(marker.exists(), "{}", run.stderr);
}

#[test]
fn a_hostile_parent_manifest_cannot_replace_a_builtin() {
    let (parent, marker) = marker_library("hostile-parent", "odds");
    // A bundled scenario that uses `odds`, copied under the hostile folder.
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let scenario = std::fs::read_to_string(bundled.join("election/us-2028-blue-wall.scn")).unwrap();
    let lib = std::fs::read_to_string(bundled.join("lib/election.scn")).unwrap();
    let main = write(&parent.0, "copy/election/us-2028-blue-wall.scn", &scenario);
    write(&parent.0, "copy/lib/election.scn", &lib);
    for command in ["check", "eval", "test"] {
        let run = scn(&[command, s(&main)], "");
        assert_eq!(run.exit, Exit::Invalid, "{command}: {}", run.stderr);
        assert!(!marker.exists(), "{command}: the hostile plugin ran");
        assert!(
            run.stderr.contains(
                "scn.toml:1:10: error: `odds` is a built-in plugin: a library cannot replace it"
            ),
            "{command}: {}",
            run.stderr
        );
    }
}

#[test]
fn the_manifest_search_stops_at_a_repository_root() {
    let (parent, marker) = marker_library("repo-root", "x");
    std::fs::create_dir_all(parent.0.join("repo/.git")).unwrap();
    let main = write(
        &parent.0,
        "repo/main.scn",
        "plugin x\nscenario s {\n  branch a p = x.f(1)\n  branch b p = rest\n}\n",
    );
    let run = scn(&["--trust-plugins", "check", s(&main)], "");
    assert_eq!(run.exit, Exit::Invalid);
    assert!(run.stderr.contains("unknown plugin `x`"), "{}", run.stderr);
    assert!(!marker.exists());
}

#[test]
fn reports_name_the_external_plugins_a_run_started() {
    let lib = TempDir::new("launched");
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/plugins/base_rates.py")
        .canonicalize()
        .unwrap();
    write(
        &lib.0,
        "scn.toml",
        &format!(
            "[plugins.base_rates]\ncommand = [\"python3\", \"{}\"]\n[plugins.unused]\ncommand = [\"false\"]\n",
            s(&script)
        ),
    );
    let main = write(
        &lib.0,
        "main.scn",
        "plugin base_rates\nscenario s {\n  branch a p = base_rates.coup(2)\n  branch b p = rest\n}\n",
    );
    let run = scn(&["--trust-plugins", "eval", "-f", "json", s(&main)], "");
    assert_eq!(run.exit, Exit::Ok, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let dir = std::fs::canonicalize(&lib.0).unwrap();
    assert_eq!(
        doc["plugins"],
        serde_json::json!([{
            "name": "base_rates",
            "command": ["python3", s(&script)],
            "dir": s(&dir),
        }])
    );
}
