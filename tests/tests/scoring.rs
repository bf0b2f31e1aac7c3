//! Resolving and scoring forecasts (docs/scoring.md): scores against hand-computed values,
//! the time-averaged Brier score over scratch git repositories whose commits the tests date
//! themselves, every refusal of `scn resolve` and every malformed `resolutions.toml` as a
//! snapshot of its diagnostic, and the file kept whole.
//!
//! The tests need `git` (it is on every machine that builds scn, CI's included): without it
//! they fail, they do not skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use scn_cli::Exit;
use serde_json::Value;

/// The worked library, scenarios/scored.
fn worked() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/scored")
}

struct Run {
    code: Exit,
    stdout: String,
    stderr: String,
}

fn scn(args: &[&str]) -> Run {
    let mut stdin: &[u8] = b"";
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = scn_cli::Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
    };
    let code = scn_cli::run(std::iter::once("scn").chain(args.iter().copied()), &mut io);
    Run {
        code,
        stdout: String::from_utf8(out).expect("UTF-8"),
        stderr: String::from_utf8(err).expect("UTF-8"),
    }
}

/// A copy of the worked library in a fresh folder (with its own `.git` marker absent: the
/// library's scn.toml is found first).
fn copy_of_worked() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for entry in std::fs::read_dir(worked()).expect("scenarios/scored") {
        let p = entry.expect("an entry").path();
        std::fs::copy(&p, dir.path().join(p.file_name().expect("a name"))).expect("copy");
    }
    dir
}

/// Output with the temporary folder's path replaced, so snapshots hold no machine's paths.
fn redact(text: &str, dir: &Path) -> String {
    let canonical = std::fs::canonicalize(dir).expect("canonical");
    text.replace(&canonical.display().to_string(), "[lib]")
        .replace(&dir.display().to_string(), "[lib]")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

fn forecast<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["forecasts"]
        .as_array()
        .expect("forecasts")
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no forecast {id} in {doc:#}"))
}

// ---------------------------------------------------------------------------------------------
// Scores of the worked library, by hand
// ---------------------------------------------------------------------------------------------

/// The worked library's point values (each scenario's comment shows them) against its
/// resolutions:
///
/// | forecast | p | outcome | Brier (p − o)² | log |
/// |---|---|---|---|---|
/// | harbour_strike.settled_oct | 0.35 | no | 0.1225 | ln 0.65 = −0.4307829 |
/// | harbour_strike.settled_dec | 0.74 | yes | 0.0676 | ln 0.74 = −0.3011051 |
/// | rate_december.cut_dec | 0.55 | yes | 0.2025 | ln 0.55 = −0.5978370 |
/// | app_launch.ships_q1 | 0.70 | no | 0.4900 | ln 0.30 = −1.2039728 |
/// | app_launch.ships_h1 | 0.88 | yes | 0.0144 | ln 0.88 = −0.1278334 |
///
/// Means: Brier 0.897 / 5 = 0.1794; log −2.6615311855 / 5 = −0.5323062371. Numbers: days lost
/// 84.6 against 95 (error 10.4), the rate 3.8625 against 3.75 (error 0.1125). Calibration:
/// 30–40 % holds 0.35 (observed 0), 50–60 % 0.55 (1), 70–80 % 0.70 and 0.74 (mean 0.72,
/// observed 1/2), 80–90 % 0.88 (1).
#[test]
fn the_worked_library_scores_as_computed_by_hand() {
    let lib = worked();
    let run = scn(&["score", lib.to_str().expect("UTF-8"), "--format", "json"]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let probabilities = [
        (
            "harbour_strike.settled_oct",
            0.35,
            false,
            0.1225,
            0.65f64.ln(),
        ),
        (
            "harbour_strike.settled_dec",
            0.74,
            true,
            0.0676,
            0.74f64.ln(),
        ),
        ("rate_december.cut_dec", 0.55, true, 0.2025, 0.55f64.ln()),
        ("app_launch.ships_q1", 0.70, false, 0.49, 0.30f64.ln()),
        ("app_launch.ships_h1", 0.88, true, 0.0144, 0.88f64.ln()),
    ];
    for (id, p, o, brier, log) in probabilities {
        let f = forecast(&doc, id);
        assert!(close(num(&f["value"]), p), "{id}: {f}");
        assert_eq!(f["outcome"], Value::Bool(o), "{id}");
        assert!(close(num(&f["brier"]), brier), "{id}: {f}");
        assert!(close(num(&f["log"]), log), "{id}: {f}");
        assert_eq!(f["log_infinite"], false);
        assert_eq!(f["time_brier"], Value::Null);
        assert_eq!(f["versions"], Value::Null);
        assert_eq!(f["kind"], "probability");
    }
    let days = forecast(&doc, "harbour_strike.days");
    assert!(close(num(&days["abs_error"]), 10.4), "{days}");
    assert_eq!(days["kind"], "number");
    assert_eq!(days["closes"], "2026-03-31");
    let rate = forecast(&doc, "rate_december.rate_end");
    assert!(close(num(&rate["abs_error"]), 0.1125), "{rate}");
    assert_eq!(
        rate["covered"],
        Value::Null,
        "no interval without --samples"
    );

    let s = &doc["summary"];
    assert_eq!(s["n"], 5);
    assert_eq!(s["numbers"], 2);
    assert!(close(num(&s["brier"]), 0.1794), "{s}");
    assert!(close(num(&s["log"]), -2.661_531_185_5 / 5.0), "{s}");
    let bins = s["calibration"].as_array().expect("bins");
    assert_eq!(bins.len(), 10);
    let counts: Vec<u64> = bins.iter().map(|b| b["n"].as_u64().expect("n")).collect();
    assert_eq!(counts, [0, 0, 0, 1, 0, 1, 0, 2, 1, 0]);
    assert!(close(num(&bins[7]["forecast"]), 0.72));
    assert!(close(num(&bins[7]["observed"]), 0.5));
    assert!(close(num(&bins[3]["observed"]), 0.0));
    assert!(close(num(&bins[8]["observed"]), 1.0));
    assert_eq!(bins[0]["forecast"], Value::Null);
    assert!(close(num(&bins[7]["lo"]), 0.7) && close(num(&bins[7]["hi"]), 0.8));

    // Per scenario: app_launch's mean Brier (0.49 + 0.0144) / 2 = 0.2522.
    let app = doc["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|s| s["id"] == "app_launch")
        .expect("app_launch");
    assert!(close(num(&app["summary"]["brier"]), 0.2522));
}

#[test]
fn the_worked_library_in_text() {
    let dir = copy_of_worked();
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    insta::assert_snapshot!("worked_library_text", redact(&run.stdout, dir.path()));
}

/// A forecast's question is part of every report of `scn eval`: text, Markdown, HTML and JSON
/// each show `closes` and `criteria`.
#[test]
fn every_eval_format_shows_the_question() {
    let file = worked().join("rate-decision.scn");
    let file = file.to_str().expect("UTF-8");
    for format in ["text", "markdown", "html", "json"] {
        let run = scn(&["eval", file, "--format", format]);
        assert_eq!(run.code, Exit::Ok, "{format}: {}", run.stderr);
        let said: [&str; 2] = if format == "json" {
            [
                "\"closes\": \"2025-12-18\"",
                "\"criteria\": \"The policy rate in that statement.\"",
            ]
        } else {
            [
                "closes 2025-12-18",
                "criteria: The policy rate in that statement.",
            ]
        };
        for s in said {
            assert!(
                run.stdout.contains(s),
                "{format} lacks {s:?}:\n{}",
                run.stdout
            );
        }
    }
}

/// The people's formats of the same scores: Markdown, and HTML (one page, nothing fetched).
/// The HTML page's fit in a browser is checked by html_chromium.rs.
#[test]
fn the_worked_library_in_markdown_and_html() {
    let dir = copy_of_worked();
    let path = dir.path().to_str().expect("UTF-8");
    let md = scn(&["score", path, "--format", "markdown"]);
    assert_eq!(md.code, Exit::Ok, "{}", md.stderr);
    insta::assert_snapshot!("worked_library_markdown", redact(&md.stdout, dir.path()));
    let html = scn(&["score", path, "--format", "html"]);
    assert_eq!(html.code, Exit::Ok, "{}", html.stderr);
    let page = &html.stdout;
    assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
    for fetched in ["src=", "href=\"http", "<script", "<link", "url("] {
        assert!(
            !page.contains(fetched),
            "the page fetches something: {fetched}"
        );
    }
    // The calibration diagram: one dot per non-empty bin (30–40, 50–60, 70–80, 80–90%); the
    // 70–80% bin holds 0.70 and 0.74, so its dot sits at 72% across and 50% up: x = 44 +
    // 0.72 × 254 = 226.9, y = 26 + 0.5 × 230 = 141.
    assert_eq!(page.matches("<circle class=\"bin\"").count(), 4);
    assert!(page.contains("cx=\"226.9\" cy=\"141\""), "{page}");
    // Without --history there are no lines to draw.
    assert!(!page.contains("<figure class=\"history\">"));
    // The style sheet is the reports' own (snapshotted with them): the body only.
    let body = &page[page.find("<main>").expect("a <main>")..];
    insta::assert_snapshot!("worked_library_html", redact(body, dir.path()));
}

/// Every JSON document `scn score` writes matches docs/reference/score.schema.json, and the
/// schema refuses what scn never writes.
#[test]
fn score_json_matches_its_schema() {
    let text = std::fs::read_to_string(worked().join("../../docs/reference/score.schema.json"))
        .expect("the schema exists");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert!(jsonschema::draft202012::meta::is_valid(&schema));
    let v = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let lib = worked();
    let lib = lib.to_str().expect("UTF-8");
    let repo = coin_repo();
    let coin = repo.path().join("coin.scn");
    let coin = coin.to_str().expect("UTF-8");
    let mut docs = Vec::new();
    for args in [
        vec!["score", lib, "--format", "json"],
        vec!["score", lib, "--format", "json", "--samples", "500"],
        vec!["score", coin, "--format", "json", "--history"],
    ] {
        let run = scn(&args);
        assert_eq!(run.code, Exit::Ok, "{args:?}: {}", run.stderr);
        let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
        docs.push(doc);
    }
    // A key scn does not write, a number scored like a probability, a history without the
    // version scored: each refused.
    let mut extra = docs[0].clone();
    extra["forecasts"][0]["confidence"] = Value::from(1);
    let mut number_with_log = docs[0].clone();
    let days = number_with_log["forecasts"]
        .as_array_mut()
        .expect("forecasts")
        .iter_mut()
        .find(|f| f["kind"] == "number")
        .expect("a number");
    days["log"] = Value::from(-0.5);
    let mut no_version = docs[2].clone();
    no_version["forecasts"][0]
        .as_object_mut()
        .expect("an object")
        .remove("scored_version");
    for (what, doc) in [
        ("an extra key", extra),
        ("a number's log score", number_with_log),
        ("a history without its version", no_version),
    ] {
        assert!(!v.is_valid(&doc), "the schema accepts {what}");
    }
}

/// With --samples the figure scored is the sampled mean. P(cut) is beta(11, 9)'s mean, 0.55,
/// in every sample's expectation, so its sampled mean is near 0.55; the rate after the meeting
/// is 4 − 0.25 p, at least 3.75 and equal to it only when p = 1, so the outcome 3.75 lies
/// below the sampled 90 % interval.
#[test]
fn with_samples_the_sampled_mean_is_scored() {
    let lib = worked();
    let path = lib.join("rate-decision.scn");
    let run = scn(&[
        "score",
        path.to_str().expect("UTF-8"),
        "--samples",
        "20000",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let cut = forecast(&doc, "rate_december.cut_dec");
    let mean = num(&cut["samples"]["mean"]);
    assert_eq!(num(&cut["value"]), mean);
    assert!(close(num(&cut["point"]), 0.55));
    // sd of beta(11, 9) = sqrt(0.55 * 0.45 / 21) = 0.1086; 4.5 standard errors of 20000 draws.
    assert!(
        (mean - 0.55).abs() < 4.5 * 0.1086 / 20000f64.sqrt(),
        "{mean}"
    );
    assert!(close(num(&cut["brier"]), (mean - 1.0).powi(2)));
    let rate = forecast(&doc, "rate_december.rate_end");
    assert!(num(&rate["samples"]["p05"]) > 3.75, "{rate}");
    assert_eq!(rate["covered"], false);
    assert_eq!(doc["summary"]["coverage"]["n"], 1);
    assert_eq!(doc["summary"]["coverage"]["covered"], 0);
    // The same seed, the same bytes.
    let again = scn(&[
        "score",
        path.to_str().expect("UTF-8"),
        "--samples",
        "20000",
        "--format",
        "json",
    ]);
    assert_eq!(run.stdout, again.stdout);
}

// ---------------------------------------------------------------------------------------------
// History: scratch repositories with dated commits
// ---------------------------------------------------------------------------------------------

/// A scratch git repository whose commits carry the dates the test gives.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"], None);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str], date: Option<&str>) {
        let mut c = Command::new("git");
        c.arg("-C")
            .arg(self.path())
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.invalid",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args);
        if let Some(d) = date {
            c.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
        }
        let out = c
            .output()
            .expect("git runs (the scoring tests need git, as CI has)");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// Stages everything and commits it at `date` (ISO 8601, with a zone).
    fn commit(&self, date: &str, message: &str) {
        self.git(&["add", "-A"], None);
        self.git(&["commit", "-q", "-m", message], Some(date));
    }
}

const PAIR_V1: &str = "template pair(q) {\n  branch up p = q\n  branch down p = rest\n}\n";
const PAIR_V2: &str = "template pair(q) {\n  branch up p = q * 3\n  branch down p = rest\n}\n";

fn main_scn(arg: &str) -> String {
    format!(
        "import \"lib/pair.scn\"\n\nscenario coin \"A coin\" {{\n  as_of 2026-01-01\n  use pair({arg})\n  forecast up_jan = P(up) closes 2026-01-21 criteria \"Up by 21 Jan.\"\n  forecast up_any = P(up)\n}}\n"
    )
}

/// The scenario's history:
///
/// | commit | time (UTC) | change | P(up) |
/// |---|---|---|---|
/// | 1 | 2026-01-01 12:00 | `main.scn` and `lib/pair.scn` | 0.2 |
/// | 2 | 2026-01-11 09:00 | `lib/pair.scn` only (the import): `p = q * 3` | 0.6 |
/// | 3 | 2026-01-11 18:00 | `notes.txt` only: not a version | — |
/// | 4 | 2026-01-25 08:00 | `main.scn` renamed `coin.scn`, `pair(1/3)` | 1.0 |
///
/// `up_jan` closes 2026-01-21 and resolved yes: the version scored is commit 2 (0.6): Brier
/// 0.16, log ln 0.6; versions before the close: 2; time-averaged Brier over 1–20 January:
/// 10 days at (0.2 − 1)² = 0.64 and 10 at (0.6 − 1)² = 0.16 → 8 / 20 = 0.4.
///
/// `up_any` has no `closes`; it resolved no on 2026-01-26, so every version dated before
/// then counts: the scored one is commit 4 (1.0), Brier 1, log −∞; time-averaged over 1–25
/// January: 10 days at 0.04, 14 at 0.36, 1 at 1 → (0.4 + 5.04 + 1) / 25 = 0.2576.
fn coin_repo() -> Repo {
    let repo = Repo::new();
    repo.write("lib/pair.scn", PAIR_V1);
    repo.write("main.scn", &main_scn("0.2"));
    repo.write(
        "resolutions.toml",
        "[[resolved]]\nforecast = \"coin.up_jan\"\noutcome = true\non = 2026-01-22\n\n[[resolved]]\nforecast = \"coin.up_any\"\noutcome = false\non = 2026-01-26\n",
    );
    repo.commit("2026-01-01T12:00:00Z", "first version");
    repo.write("lib/pair.scn", PAIR_V2);
    repo.commit("2026-01-11T09:00:00Z", "the template triples q");
    repo.write("notes.txt", "nothing to do with the scenario\n");
    repo.commit("2026-01-11T18:00:00Z", "notes");
    repo.git(&["mv", "main.scn", "coin.scn"], None);
    repo.write("coin.scn", &main_scn("1 / 3"));
    repo.commit("2026-01-25T08:00:00Z", "rename, and certainty");
    repo
}

#[test]
fn history_scores_by_hand() {
    let repo = coin_repo();
    let file = repo.path().join("coin.scn");
    let run = scn(&[
        "score",
        file.to_str().expect("UTF-8"),
        "--history",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let jan = forecast(&doc, "coin.up_jan");
    assert!(close(num(&jan["value"]), 0.6), "{jan}");
    assert!(close(num(&jan["brier"]), 0.16), "{jan}");
    assert!(close(num(&jan["log"]), 0.6f64.ln()), "{jan}");
    assert!(close(num(&jan["time_brier"]), 0.4), "{jan}");
    assert_eq!(jan["versions"], 2);
    assert_eq!(jan["scored_version"]["date"], "2026-01-11");
    let dates: Vec<&str> = jan["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|p| p["date"].as_str().expect("a date"))
        .collect();
    assert_eq!(dates, ["2026-01-01", "2026-01-11", "2026-01-25"]);

    let any = forecast(&doc, "coin.up_any");
    assert!(close(num(&any["value"]), 1.0), "{any}");
    assert!(close(num(&any["brier"]), 1.0));
    assert_eq!(any["log"], Value::Null, "JSON has no -inf");
    assert_eq!(any["log_infinite"], true);
    assert!(close(num(&any["time_brier"]), 0.2576), "{any}");
    assert_eq!(any["versions"], 3);

    let s = &doc["summary"];
    assert_eq!(s["n"], 2);
    assert_eq!(s["log"], Value::Null);
    assert_eq!(s["log_infinite"], 1);
    assert!(close(num(&s["brier"]), (0.16 + 1.0) / 2.0));
    assert!(close(num(&s["time_brier"]), (0.4 + 0.2576) / 2.0));

    let text = scn(&["score", file.to_str().expect("UTF-8"), "--history"]);
    assert_eq!(text.code, Exit::Ok);
    insta::assert_snapshot!(
        "history_coin_text",
        redact_hashes(&redact(&text.stdout, repo.path()))
    );
}

/// A commit dated before a commit it descends from (GIT_COMMITTER_DATE, a wrong clock)
/// counts from that commit's day: a revision made after a later commit cannot be dated
/// before it.
///
/// | commit | date | P(a) |
/// |---|---|---|
/// | 1 | 2026-01-01 | 0.5 |
/// | 2 | 2026-02-02 (after the close, 31 Jan) | 0.9 |
/// | 3 | 2026-01-20, a child of 2: in force from 2 February | 0.91 |
///
/// Resolved yes on 1 February: the version scored is commit 1 (0.5), Brier 0.25, and the
/// only version before the close; time-averaged over 1–30 January, 0.25.
#[test]
fn a_backdated_commit_counts_from_its_parents_day() {
    let scenario = |p: &str| {
        format!(
            "scenario q {{\n  branch a p = {p}\n  branch b p = rest\n  forecast f = P(a) closes 2026-01-31\n}}\n"
        )
    };
    // The first version (0.5) and the resolution, committed on 1 January.
    let started = || {
        let repo = Repo::new();
        repo.write("q.scn", &scenario("0.5"));
        repo.write(
            "resolutions.toml",
            "[[resolved]]\nforecast = \"q.f\"\noutcome = true\non = 2026-02-01\n",
        );
        repo.commit("2026-01-01T12:00:00Z", "first");
        repo
    };
    let repo = started();
    repo.write("q.scn", &scenario("0.9"));
    repo.commit("2026-02-02T12:00:00Z", "after the close");
    repo.write("q.scn", &scenario("0.91"));
    repo.commit("2026-01-20T12:00:00Z", "backdated");
    let file = repo.path().join("q.scn");
    let doc = history_json(&file);
    let f = forecast(&doc, "q.f");
    assert!(close(num(&f["value"]), 0.5), "{f}");
    assert!(close(num(&f["brier"]), 0.25), "{f}");
    assert!(close(num(&f["time_brier"]), 0.25), "{f}");
    assert_eq!(f["versions"], 1, "{f}");
    assert_eq!(f["scored_version"]["date"], "2026-01-01");

    // The commit it descends from need not be a version: here a note committed after the
    // close, then the revision dated before it.
    let repo = started();
    repo.write("notes.txt", "after the close\n");
    repo.commit("2026-02-02T12:00:00Z", "a note");
    repo.write("q.scn", &scenario("0.99"));
    repo.commit("2026-01-20T12:00:00Z", "backdated past a later commit");
    let file = repo.path().join("q.scn");
    let doc = history_json(&file);
    let f = forecast(&doc, "q.f");
    assert!(close(num(&f["value"]), 0.5), "{f}");
    assert_eq!(f["versions"], 1, "{f}");
}

/// `scn score FILE --history --format json`, which must succeed, parsed.
fn history_json(file: &Path) -> Value {
    let run = scn(&[
        "score",
        file.to_str().expect("UTF-8"),
        "--history",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

/// Commit hashes (shortened to ten digits) are not for people to compare: `[hash]`.
fn redact_hashes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if word.len() == 10 && word.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str("[hash]");
        } else {
            out.push_str(&word);
        }
        if i < chars.len() {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// What --history cannot score: a question that closed before the first version (a
/// warning), a version that does not parse (left out, with a warning), a forecast only in
/// the uncommitted file (a warning), a forecast in no version at all (an error, with a
/// suggestion). The one left, `later`, is scored from the first version alone: P = 0.5,
/// outcome no, Brier 0.25 every day.
#[test]
fn what_history_cannot_score() {
    let repo = Repo::new();
    let v1 = "scenario s {\n  as_of 2026-01-01\n  branch x p = 0.5\n  branch y p = rest\n  forecast early = P(x) closes 2026-01-03\n  forecast later = P(x) closes 2026-02-01\n}\n";
    repo.write("s.scn", v1);
    repo.write(
        "resolutions.toml",
        "[[resolved]]\nforecast = \"s.early\"\noutcome = true\non = 2026-01-04\n\n[[resolved]]\nforecast = \"s.later\"\noutcome = false\non = 2026-02-02\n\n[[resolved]]\nforecast = \"s.fresh\"\noutcome = true\non = 2026-02-02\n\n[[resolved]]\nforecast = \"s.erly\"\noutcome = true\non = 2026-02-02\n",
    );
    repo.commit("2026-01-05T10:00:00Z", "first");
    repo.write("s.scn", "scenario s {\n  branch x p = \n}\n");
    repo.commit("2026-01-10T10:00:00Z", "broken");
    repo.write("s.scn", &v1.replace("}\n", "  forecast fresh = P(x)\n}\n"));
    let file = repo.path().join("s.scn");
    let run = scn(&[
        "score",
        file.to_str().expect("UTF-8"),
        "--history",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, Exit::Invalid, "{}", run.stderr);
    insta::assert_snapshot!(
        "history_cannot_score",
        redact_hashes(&redact(&run.stderr, repo.path()))
    );
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["forecasts"].as_array().expect("forecasts").len(), 1);
    let later = forecast(&doc, "s.later");
    assert!(close(num(&later["brier"]), 0.25));
    assert!(close(num(&later["time_brier"]), 0.25));
    assert_eq!(later["versions"], 1);
    assert_eq!(doc["warnings"].as_array().expect("warnings").len(), 3);
}

/// A version is dated by its committer's own day: 23:30 on 20 January in New York (04:30 on
/// the 21st in UTC) came before a question closing on the 21st, so it is the one scored
/// (P = 0.6, outcome yes: Brier 0.16). Time-averaged over 1–20 January: 19 days at
/// (0.2 − 1)² = 0.64 and one at 0.16 → (12.16 + 0.16) / 20 = 0.616.
#[test]
fn versions_are_dated_in_the_committers_time_zone() {
    let repo = Repo::new();
    let text = |p: &str| {
        format!(
            "scenario s {{\n  as_of 2026-01-01\n  branch x p = {p}\n  branch y p = rest\n  forecast f = P(x) closes 2026-01-21\n}}\n"
        )
    };
    repo.write("s.scn", &text("0.2"));
    repo.write(
        "resolutions.toml",
        "[[resolved]]\nforecast = \"s.f\"\noutcome = true\non = 2026-01-21\n",
    );
    repo.commit("2026-01-01T12:00:00Z", "first");
    repo.write("s.scn", &text("0.6"));
    repo.commit("2026-01-20T23:30:00-05:00", "late in New York");
    let file = repo.path().join("s.scn");
    let doc = history_json(&file);
    let f = forecast(&doc, "s.f");
    assert_eq!(f["scored_version"]["date"], "2026-01-20", "{f}");
    assert!(close(num(&f["brier"]), 0.16), "{f}");
    assert!(close(num(&f["time_brier"]), 0.616), "{f}");
}

#[test]
fn without_history_the_current_version_is_scored() {
    let repo = coin_repo();
    let file = repo.path().join("coin.scn");
    let run = scn(&["score", file.to_str().expect("UTF-8"), "--format", "json"]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).expect("JSON");
    // 1/3 * 3 = 1 (to rounding): a certain forecast of an event that happened.
    let jan = forecast(&doc, "coin.up_jan");
    assert!(close(num(&jan["brier"]), 0.0), "{jan}");
    assert_eq!(jan["versions"], Value::Null);
}

#[test]
fn a_named_file_is_not_scored_when_another_library_file_shares_its_id() {
    // The resolution `dup.pa` cannot tell the two scenarios `dup` apart, whether the run
    // covers the library or names one of the files.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let put = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put("scn.toml", "[library]\nscenarios = [\"forecasts\"]\n");
    put(
        "resolutions.toml",
        "[[resolved]]\nforecast = \"dup.pa\"\noutcome = true\non = 2025-01-01\n",
    );
    let scenario = |p: &str| {
        format!(
            "scenario dup {{\n  branch a p = {p}\n  branch b p = rest\n  forecast pa = P(a)\n}}\n"
        )
    };
    put("forecasts/a.scn", &scenario("0.4"));
    put("forecasts/sub/b.scn", &scenario("0.9"));
    let a = dir.path().join("forecasts/a.scn");
    let run = scn(&["score", a.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(
        run.stderr.contains("both hold a scenario `dup`") && run.stderr.contains("b.scn"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Nothing scored"), "{}", run.stdout);
}

#[test]
fn a_file_outside_git_has_no_history() {
    let dir = copy_of_worked();
    let run = scn(&["score", dir.path().to_str().expect("UTF-8"), "--history"]);
    assert_eq!(run.code, Exit::Usage);
    assert!(
        run.stderr.contains("--history: ") && run.stderr.contains("not a git repository"),
        "{}",
        run.stderr
    );
    // The library has resolutions: the report does not say it has none.
    assert!(
        run.stdout
            .contains("Nothing scored: the errors reported kept the files from being scored"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("has a resolution"), "{}", run.stdout);
}

/// The worked library as a scratch repository: each scenario committed as first written,
/// then revised, dated as its story goes (the dates and changes are invented, like the
/// library). What `scn score --history` prints on it is shown in docs/scoring.md.
fn worked_repo() -> Repo {
    let repo = Repo::new();
    let text = |name: &str| std::fs::read_to_string(worked().join(name)).expect("read");
    let (strike, rate, app) = (
        text("harbour-strike.scn"),
        text("rate-decision.scn"),
        text("app-launch.scn"),
    );
    repo.write("scn.toml", &text("scn.toml"));
    repo.write("resolutions.toml", &text("resolutions.toml"));
    repo.write(
        "harbour-strike.scn",
        &strike.replace("p = 35% at 2025-10-20", "p = 50% at 2025-10-20"),
    );
    repo.write("app-launch.scn", &app.replace("p = 70%", "p = 80%"));
    repo.commit(
        "2025-09-01T09:00:00Z",
        "the strike and the app, as first seen",
    );
    repo.write("harbour-strike.scn", &strike);
    repo.commit(
        "2025-10-05T09:00:00Z",
        "talks stall: a settlement in October is less likely",
    );
    repo.write(
        "rate-decision.scn",
        &rate.replace("beta(11, 9)", "beta(8, 12)"),
    );
    repo.commit("2025-11-01T09:00:00Z", "the December meeting");
    repo.write("rate-decision.scn", &rate);
    repo.commit("2025-12-01T09:00:00Z", "futures move towards a cut");
    repo.write("app-launch.scn", &app);
    repo.commit("2026-01-15T09:00:00Z", "the beta slips");
    repo.write("app-launch.scn", &app.replace("p = 70%", "p = 0%"));
    repo.commit(
        "2026-04-02T09:00:00Z",
        "March is past: the app did not ship",
    );
    repo
}

#[test]
fn history_of_the_worked_library() {
    let repo = worked_repo();
    let run = scn(&["score", repo.path().to_str().expect("UTF-8"), "--history"]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!(
        "history_worked_text",
        redact_hashes(&redact(&run.stdout, repo.path()))
    );
    let json = scn(&[
        "score",
        repo.path().to_str().expect("UTF-8"),
        "--history",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&json.stdout).expect("JSON");
    // settled_oct: 0.5 from 1 Sep, 0.35 from 5 Oct, closes 31 Oct, outcome no:
    // 34 days at 0.25 and 26 at 0.1225 → (8.5 + 3.185) / 60 = 0.19475.
    let oct = forecast(&doc, "harbour_strike.settled_oct");
    assert!(close(num(&oct["time_brier"]), 0.19475), "{oct}");
    // ships_q1 ignores the April version; ships_h1 (closes 30 June) scores it: P = 0 + 0.6.
    let q1 = forecast(&doc, "app_launch.ships_q1");
    assert!(close(num(&q1["value"]), 0.7) && q1["versions"] == 2, "{q1}");
    let h1 = forecast(&doc, "app_launch.ships_h1");
    assert!(close(num(&h1["value"]), 0.6) && h1["versions"] == 3, "{h1}");
}

// ---------------------------------------------------------------------------------------------
// scn resolve
// ---------------------------------------------------------------------------------------------

fn resolve_in(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["resolve", "-C", dir.to_str().expect("UTF-8")];
    all.extend_from_slice(args);
    scn(&all)
}

#[test]
fn resolve_appends_and_keeps_the_comments() {
    let dir = copy_of_worked();
    let path = dir.path().join("resolutions.toml");
    let before = std::fs::read_to_string(&path).expect("read");
    // Drop one entry, then put it back with `scn resolve`.
    let cut = before
        .find("[[resolved]]\nforecast = \"app_launch.ships_h1\"")
        .expect("the entry");
    std::fs::write(&path, &before[..cut]).expect("write");
    let run = resolve_in(
        dir.path(),
        &[
            "app_launch.ships_h1",
            "yes",
            "--on",
            "2026-05-12",
            "--source",
            "Released on 12 May (invented)",
        ],
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
    assert_eq!(
        redact(&run.stdout, dir.path()),
        "resolved app_launch.ships_h1: yes on 2026-05-12 ([lib]/resolutions.toml)\n"
    );
    // --replace rewrites the entry in place.
    let run = resolve_in(
        dir.path(),
        &[
            "app_launch.ships_h1",
            "no",
            "--on",
            "2026-07-01",
            "--replace",
        ],
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    // What was replaced is printed, so that it can be put back.
    assert_eq!(
        redact(&run.stdout, dir.path()),
        "re-resolved app_launch.ships_h1: no on 2026-07-01 ([lib]/resolutions.toml; was yes on \
         2026-05-12, source \"Released on 12 May (invented)\")\n"
    );
    let after = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        after,
        before.replace(
            "outcome = true\non = 2026-05-12\nsource = \"Released on 12 May (invented)\"\n",
            "outcome = false\non = 2026-07-01\n"
        )
    );
    // A number on a number forecast; a new file where there was none.
    std::fs::remove_file(&path).expect("remove");
    let run = resolve_in(
        dir.path(),
        &["harbour_strike.days", "95.5", "--on", "2026-01-20"],
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "[[resolved]]\nforecast = \"harbour_strike.days\"\noutcome = 95.5\non = 2026-01-20\n"
    );
}

/// `scn resolve` run many times at once: every resolution is kept (each run locks the
/// library's folder from its read to its rename; before, most were lost).
#[test]
fn resolutions_recorded_at_once_are_all_kept() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let forecasts: String = (0..8)
        .map(|i| format!("  forecast f{i} = P(a)\n"))
        .collect();
    std::fs::write(
        dir.path().join("c.scn"),
        format!("scenario c {{\n  branch a p = 0.5\n  branch b p = rest\n{forecasts}}}\n"),
    )
    .expect("write");
    std::fs::write(dir.path().join("scn.toml"), "[library]\n").expect("write");
    // Threads of one process: each run opens the folder to lock it, and such locks exclude
    // each other as between processes.
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..8)
            .map(|i| {
                let dir = dir.path();
                scope.spawn(move || {
                    resolve_in(dir, &[&format!("c.f{i}"), "yes", "--on", "2026-01-01"])
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().expect("a run")).collect()
    });
    for run in runs {
        assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    }
    let text = std::fs::read_to_string(dir.path().join("resolutions.toml")).expect("read");
    for i in 0..8 {
        assert!(
            text.contains(&format!("forecast = \"c.f{i}\"")),
            "f{i} lost:\n{text}"
        );
    }
}

/// A resolutions file is the library's own: a link to a file outside it is neither read
/// (its text would be printed in a diagnostic) nor written; a read-only file and CRLF line
/// ends are respected; an empty source is refused.
#[test]
fn resolutions_stay_inside_the_library_and_as_written() {
    let outside = tempfile::tempdir().expect("a temporary folder");
    let secret = outside.path().join("creds");
    std::fs::write(&secret, "token = \"ghp_SECRET\"\n").expect("write");
    let dir = copy_of_worked();
    let path = dir.path().join("resolutions.toml");
    std::fs::remove_file(&path).expect("remove");
    std::os::unix::fs::symlink(&secret, &path).expect("symlink");
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(
        run.stderr.contains("leads outside the library"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("ghp_SECRET"), "{}", run.stderr);
    let run = resolve_in(
        dir.path(),
        &["harbour_strike.days", "3", "--on", "2026-01-20"],
    );
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(
        run.stderr.contains("leads outside the library"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&secret).expect("read"),
        "token = \"ghp_SECRET\"\n"
    );

    std::fs::remove_file(&path).expect("remove");
    std::fs::write(&path, "# outcomes\r\n").expect("write");
    let run = resolve_in(
        dir.path(),
        &["harbour_strike.days", "3", "--on", "2026-01-20"],
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "# outcomes\r\n\r\n[[resolved]]\r\nforecast = \"harbour_strike.days\"\r\noutcome = 3\r\non = 2026-01-20\r\n"
    );

    let mut perms = std::fs::metadata(&path).expect("stat").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).expect("chmod");
    let before = std::fs::read_to_string(&path).expect("read");
    let run = resolve_in(
        dir.path(),
        &["app_launch.ships_h1", "yes", "--on", "2026-05-12"],
    );
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(run.stderr.contains("is read-only"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);

    let run = resolve_in(
        dir.path(),
        &[
            "app_launch.ships_h1",
            "yes",
            "--on",
            "2026-05-12",
            "--source",
            " ",
        ],
    );
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(run.stderr.contains("the source is empty"), "{}", run.stderr);
}

/// Thousands of resolutions naming nothing (typos, a file from another library): the first
/// hundred warnings are printed and listed, the rest counted; and a report with no row
/// says that the warnings explain it, not that nothing was resolved.
#[test]
fn warnings_are_capped_and_explain_an_empty_report() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("scn.toml"), "[library]\n").expect("write");
    std::fs::write(
        dir.path().join("c.scn"),
        "scenario c {\n  branch a p = 0.5\n  branch b p = rest\n  forecast f = P(a)\n}\n",
    )
    .expect("write");
    let entries: String = (0..150)
        .map(|i| {
            format!("[[resolved]]\nforecast = \"c.g{i}\"\noutcome = true\non = 2026-01-01\n\n")
        })
        .chain((0..150).map(|i| {
            format!("[[resolved]]\nforecast = \"x{i}.f\"\noutcome = true\non = 2026-01-01\n\n")
        }))
        .collect();
    std::fs::write(dir.path().join("resolutions.toml"), entries).expect("write");
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let warnings = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .count();
    assert_eq!(warnings, 100, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("scn: … and 200 more warnings (the first 100 are listed)\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains(
            "Nothing scored: no resolved forecast could be scored; the warnings say why."
        ),
        "{}",
        run.stdout
    );
}

/// A resolution dated before the scenario's `as_of` is recorded, with a warning: the
/// question was asked after that day, so the date is likely a typo.
#[test]
fn a_resolution_before_as_of_is_a_warning() {
    let dir = copy_of_worked();
    let run = resolve_in(
        dir.path(),
        &[
            "app_launch.ships_h1",
            "yes",
            "--on",
            "2025-01-01",
            "--replace",
        ],
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "scn: warning: app_launch.ships_h1 resolved on 2025-01-01, before the scenario's as_of \
         2025-10-01: check --on\n"
    );
}

/// Without a `scn.toml`, a scenario's resolutions are read beside it, but only inside the
/// folders named: a link to a folder elsewhere does not make its `resolutions.toml` part of
/// the run (its text was printed in a diagnostic). Naming that folder does.
#[test]
fn a_linked_folder_does_not_bring_its_resolutions() {
    let outside = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        outside.path().join("resolutions.toml"),
        "secret = \"TOPSECRET\"\n",
    )
    .expect("write");
    std::fs::write(
        outside.path().join("s.scn"),
        "scenario s {\n  branch a p = 0.5\n  branch b p = rest\n  forecast f = P(a)\n}\n",
    )
    .expect("write");
    let lib = tempfile::tempdir().expect("a temporary folder");
    std::os::unix::fs::symlink(outside.path(), lib.path().join("x")).expect("symlink");
    let run = scn(&["score", lib.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Invalid, "{}", run.stdout);
    assert!(
        run.stderr.contains("leads outside the library"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TOPSECRET"), "{}", run.stderr);
    let named = lib.path().join("x");
    let run = scn(&["score", named.to_str().expect("UTF-8")]);
    assert!(
        run.stderr.contains("unknown field `secret`"),
        "{}",
        run.stderr
    );
}

/// Every refusal: the diagnostic, exit 1, and the file as it was.
#[test]
fn every_refusal_of_resolve() {
    let dir = copy_of_worked();
    std::fs::write(
        dir.path().join("twin.scn"),
        "scenario twin_a { branch a p = 1 }\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::fs::write(
        dir.path().join("sub/twin.scn"),
        "scenario twin_a { branch a p = 1 }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("broken.scn"),
        "scenario broken {\n  branch a p = 1\n  forecast f = P(b)\n}\n",
    )
    .expect("write");
    let path = dir.path().join("resolutions.toml");
    let before = std::fs::read_to_string(&path).expect("read");
    let cases: &[(&str, &[&str])] = &[
        ("not-scenario-dot-forecast", &["harbour_strike", "yes"]),
        ("unknown-scenario", &["harbor_strike.days", "95"]),
        ("unknown-forecast", &["harbour_strike.dayz", "95"]),
        ("already-resolved", &["app_launch.ships_q1", "yes"]),
        ("yes-on-a-number", &["harbour_strike.days", "yes"]),
        (
            "number-on-a-probability",
            &["app_launch.ships_q1", "0.3", "--replace"],
        ),
        ("not-an-outcome", &["harbour_strike.days", "lots"]),
        ("infinite-outcome", &["harbour_strike.days", "inf"]),
        (
            "not-a-day",
            &["harbour_strike.days", "95", "--on", "2026-02-30"],
        ),
        (
            "not-a-date",
            &["harbour_strike.days", "95", "--on", "last week"],
        ),
        (
            "month-not-day",
            &["harbour_strike.days", "95", "--on", "2026-02"],
        ),
        ("scenario-id-twice", &["twin_a.x", "yes"]),
        ("invalid-scenario", &["broken.f", "yes"]),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let run = resolve_in(dir.path(), args);
        assert_eq!(run.code, Exit::Invalid, "{name}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{name}");
        assert!(
            run.stderr
                .lines()
                .next()
                .is_some_and(|l| l.contains(": error: ")),
            "{name}: {}",
            run.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            before,
            "{name} changed the file"
        );
        all.push_str(&format!(
            "## {name}: scn resolve {}\n{}\n",
            args.join(" "),
            redact(&run.stderr, dir.path())
        ));
    }
    insta::assert_snapshot!("resolve_refusals", all);
}

/// A malformed resolutions file: `scn score` reports it at its line and column, and
/// `scn resolve` refuses to touch it.
#[test]
fn every_malformed_resolutions_file() {
    let cases: &[(&str, &str)] = &[
        ("toml-syntax", "[[resolved]\nforecast = \"t.a\"\n"),
        ("unknown-top-level-key", "resolution = 1\n"),
        (
            "unknown-key",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcom = true\non = 2026-01-02\n",
        ),
        (
            "missing-on",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\n",
        ),
        (
            "missing-forecast",
            "[[resolved]]\noutcome = true\non = 2026-01-02\n",
        ),
        (
            "outcome-a-string",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = \"yes\"\non = 2026-01-02\n",
        ),
        (
            "outcome-not-finite",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = nan\non = 2026-01-02\n",
        ),
        (
            "outcome-an-array",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = [true]\non = 2026-01-02\n",
        ),
        (
            "on-a-string",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = \"2026-01-02\"\n",
        ),
        (
            "on-with-a-time",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = 2026-01-02T10:00:00Z\n",
        ),
        (
            "on-not-a-day",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = 2026-02-30\n",
        ),
        (
            "forecast-without-scenario",
            "[[resolved]]\nforecast = \"heads\"\noutcome = true\non = 2026-01-02\n",
        ),
        (
            "resolved-twice",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = 2026-01-02\n\n# again\n[[resolved]]\nforecast = \"coin.heads\"\noutcome = false\non = 2026-01-03\n",
        ),
        (
            "source-not-a-string",
            "[[resolved]]\nforecast = \"coin.heads\"\noutcome = true\non = 2026-01-02\nsource = 3\n",
        ),
    ];
    let mut all = String::new();
    for (name, text) in cases {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(
            dir.path().join("coin.scn"),
            "scenario coin {\n  branch heads p = 0.5\n  branch tails p = rest\n  forecast heads = P(heads)\n}\n",
        )
        .expect("write");
        let path = dir.path().join("resolutions.toml");
        std::fs::write(&path, text).expect("write");
        let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
        assert_eq!(run.code, Exit::Invalid, "{name}: {}", run.stderr);
        let first = run.stderr.lines().next().unwrap_or("");
        assert!(
            first.contains("resolutions.toml:") && first.contains(": error: "),
            "{name}: {first}"
        );
        all.push_str(&format!("## {name}\n{}\n", redact(&run.stderr, dir.path())));
        let refused = resolve_in(dir.path(), &["coin.heads", "yes", "--on", "2026-01-05"]);
        assert_eq!(refused.code, Exit::Invalid, "{name}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            *text,
            "{name}"
        );
    }
    // Not UTF-8.
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("coin.scn"),
        "scenario coin { branch a p = 1 }\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("resolutions.toml"), b"# caf\xe9\n").expect("write");
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Invalid);
    all.push_str(&format!(
        "## not-utf-8\n{}\n",
        redact(&run.stderr, dir.path())
    ));
    insta::assert_snapshot!("malformed_resolutions", all);
}

/// Resolutions that parse but do not fit the library: a kind that does not match is an
/// error; an unknown forecast or scenario is a warning (a forecast removed since it closed
/// is scored with --history), with a suggestion when one is close.
#[test]
fn resolutions_that_do_not_fit_the_library() {
    let dir = copy_of_worked();
    let path = dir.path().join("resolutions.toml");
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str(
        "\n[[resolved]]\nforecast = \"harbour_strike.dayz\"\noutcome = 3\non = 2026-01-01\n\n[[resolved]]\nforecast = \"harbor_strike.days\"\noutcome = 3\non = 2026-01-01\n",
    );
    std::fs::write(&path, &text).expect("write");
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Ok, "warnings only: {}", run.stderr);
    let mut all = redact(&run.stderr, dir.path());
    text = text.replace(
        "forecast = \"harbour_strike.days\"\noutcome = 95",
        "forecast = \"harbour_strike.days\"\noutcome = true",
    );
    std::fs::write(&path, &text).expect("write");
    let run = scn(&["score", dir.path().to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Invalid, "{}", run.stderr);
    all.push_str(&redact(&run.stderr, dir.path()));
    insta::assert_snapshot!("resolutions_that_do_not_fit", all);
}

#[test]
fn a_question_closed_before_as_of_is_a_warning() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("late.scn");
    std::fs::write(
        &file,
        "scenario late {\n  as_of 2026-03-01\n  branch a p = 0.5\n  branch b p = rest\n  forecast a_feb = P(a) closes 2026-02\n}\n",
    )
    .expect("write");
    let run = scn(&["check", file.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Exit::Ok);
    insta::assert_snapshot!("closes_before_as_of", redact(&run.stderr, dir.path()));
}
