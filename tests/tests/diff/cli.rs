//! `scn diff` on files: its text and JSON reports, and its errors.

use scn_cli::{Exit, Io};

const V1: &str = "fixtures/diff/launch-v1.scn";
const V2: &str = "fixtures/diff/launch-v2.scn";

/// What a run printed.
pub struct Run {
    pub code: Exit,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `scn ARGS…` in-process (the working directory is the `tests` folder), with `stdin`,
/// on a thread with the CLI's stack.
pub fn scn(args: &[&str], stdin: &str) -> Run {
    let args: Vec<String> = std::iter::once("scn")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    let stdin = stdin.to_owned();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(move || {
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let mut input = stdin.as_bytes();
            let code = scn_cli::run(
                &args,
                &mut Io {
                    stdin: &mut input,
                    stdout: &mut stdout,
                    stderr: &mut stderr,
                },
            );
            Run {
                code,
                stdout: String::from_utf8(stdout).expect("UTF-8 output"),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
            }
        });
    worker.expect("spawn").join().expect("no panic")
}

#[track_caller]
fn ok(args: &[&str]) -> String {
    let run = scn(args, "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    run.stdout
}

#[test]
fn text_report() {
    insta::assert_snapshot!("diff_text", ok(&["diff", V1, V2]));
}

#[test]
fn json_report() {
    let out = ok(&["diff", V1, V2, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    // ship_feb = P(ready.passes): 0.6·0.8 = 0.48 → 0.7·0.7 = 0.49; p_ready's share
    // ½(0.1·0.8 + 0.1·0.7) = 0.075, the review's ½(0.6·−0.1 + 0.7·−0.1) = −0.065.
    let f = &v["forecasts"][0];
    assert_eq!(f["id"], "ship_feb");
    let terms: Vec<(String, f64)> = f["attribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["input"].as_str().unwrap().to_owned(),
                t["contribution"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(terms.len(), 3);
    assert_eq!(terms[0].0, "structure");
    assert!(terms[0].1.abs() < 1e-12);
    assert_eq!(terms[1].0, "p_ready");
    assert!((terms[1].1 - 0.075).abs() < 1e-12);
    assert_eq!(terms[2].0, "ready.passes");
    assert!((terms[2].1 + 0.065).abs() < 1e-12);
    insta::assert_snapshot!("diff_json", out);
}

#[test]
fn sampled_report_says_what_is_noise() {
    let out = ok(&["diff", V1, V2, "--samples", "4000", "--seed", "3"]);
    insta::assert_snapshot!("diff_text_sampled", out);
    // Byte-identical on a second run: the same seed on both sides, whatever the threads.
    assert_eq!(
        out,
        ok(&["diff", V1, V2, "--samples", "4000", "--seed", "3"])
    );
}

#[test]
fn a_forecast_that_did_not_move_is_within_noise() {
    // `k` does not vary and does not change (standard error 0 on both sides); `m` does not
    // vary and moves by 0.1, which no amount of sampling explains.
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, m: &str| {
        let path = dir.path().join(name);
        let src = format!(
            "scenario s {{\n  let c = 0.5\n  let u = uniform(0, 1)\n  branch a p = u\n  branch b p = rest\n  forecast k = c\n  forecast m = {m}\n  forecast pa = P(a)\n}}\n"
        );
        std::fs::write(&path, src).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (old, new) = (write("old.scn", "0.2"), write("new.scn", "0.3"));
    let out = ok(&["diff", &old, &new, "--samples", "2000", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let noise = |id: &str| {
        doc["forecasts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()["sampled"]["within_noise"]
            .clone()
    };
    assert_eq!(noise("k"), true);
    assert_eq!(noise("m"), false);
    assert_eq!(noise("pa"), true);
}

#[test]
fn forecast_filter() {
    let out = ok(&[
        "diff",
        V1,
        V2,
        "--forecast",
        "revenue_q1",
        "--forecast",
        "ship_q1",
    ]);
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Forecasts"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(table.len(), 4, "{out}");
    assert!(table[2].trim_start().starts_with("ship_q1"), "{out}");
    assert!(table[3].trim_start().starts_with("revenue_q1"), "{out}");
}

#[test]
fn a_version_from_standard_input() {
    let v1 = std::fs::read_to_string(V1).expect("the fixture");
    let run = scn(&["diff", "-", V2], &v1);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("Old: <stdin>\nNew: fixtures/diff/launch-v2.scn\n")
    );
}

#[test]
fn errors() {
    let run = scn(&["diff", "-", "-"], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        run.stderr,
        "scn: error: only one of OLD and NEW can be `-` (standard input)\n"
    );

    let run = scn(&["diff", V1, V2, "--forecast", "nope"], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        run.stderr,
        "scn: error: no forecast `nope` in either version (--forecast)\n"
    );

    let run = scn(&["diff", V1, "fixtures/diff/missing.scn"], "");
    assert_eq!(run.code, Exit::Usage);
    assert!(
        run.stderr
            .starts_with("scn: error: cannot read fixtures/diff/missing.scn")
    );

    // An invalid version: its diagnostics, exit 1.
    let run = scn(&["diff", V1, "-"], "scenario s { branch a p = 2 }");
    assert_eq!(run.code, Exit::Invalid);
    assert!(
        run.stderr.starts_with("<stdin>:1:27: error:"),
        "{}",
        run.stderr
    );

    let run = scn(&["diff", V1], "");
    assert_eq!(run.code, Exit::Usage);
}

/// A 10,000-deep chain with every probability revised: no recursion to overflow, paths
/// shortened, one combined term (10,000 inputs cannot be split within the work budget), and
/// a report in proportion to the file.
#[test]
fn a_very_deep_tree() {
    let chain = |p: &str| {
        let n = 10_000;
        let mut s = String::from("scenario deep {\n");
        for i in 0..n {
            s.push_str(&format!("branch b{i} p = {p} {{\n"));
        }
        s.push_str("branch leaf p = 1\n");
        for i in (0..n).rev() {
            s.push_str(&format!("}}\nbranch c{i} p = rest\n"));
        }
        s.push_str("forecast f = P(b0.b1.b2)\n}\n");
        s
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (old, new) = (dir.path().join("old.scn"), dir.path().join("new.scn"));
    std::fs::write(&old, chain("0.99")).expect("write");
    std::fs::write(&new, chain("0.98")).expect("write");
    let size = std::fs::metadata(&new).expect("the file").len() as usize;
    let (old, new) = (old.display().to_string(), new.display().to_string());
    let run = scn(&["diff", &old, &new], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Changed inputs (10000; too many to split: one term for all")
    );
    // 0.99³ = 0.970299 → 0.98³ = 0.941192: −2.9 points, all the inputs'.
    assert!(
        run.stdout
            .contains("97%  94.1%  -2.9 pp  all inputs together -2.9 pp"),
        "{}",
        &run.stdout[..600]
    );
    assert!(run.stdout.contains("b30.b31.….b968.b969"));
    assert!(
        run.stdout
            .contains("… and 9000 more (the JSON report lists them all)")
    );
    assert!(
        run.stdout.len() < 4 * size,
        "{} bytes of text",
        run.stdout.len()
    );
    let run = scn(&["diff", &old, &new, "--format", "json"], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert!(
        run.stdout.len() < 40 * size,
        "{} bytes of JSON",
        run.stdout.len()
    );
}
