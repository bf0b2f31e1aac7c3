//! `REV:PATH` and `--history` on a scratch git repository each test builds with fixed
//! authors and dates (so commit hashes are fixed too). These tests need `git`: without it
//! they fail, saying so; they never skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use scn_cli::Exit;

use super::cli::scn;

/// A scratch repository in a temporary folder.
struct Scratch {
    dir: tempfile::TempDir,
    commits: u32,
}

/// Runs the test's own git (not scn's) with no user or system configuration.
#[track_caller]
fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Forecaster")
        .env("GIT_AUTHOR_EMAIL", "forecaster@example.invalid")
        .env("GIT_COMMITTER_NAME", "Forecaster")
        .env("GIT_COMMITTER_EMAIL", "forecaster@example.invalid")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap_or_else(|e| {
            panic!("these tests need `git` on PATH to build a scratch repository: {e}")
        });
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("a temporary folder");
        git(
            dir.path(),
            &["init", "-q", "-b", "main"],
            "2025-12-01T00:00:00Z",
        );
        Scratch { dir, commits: 0 }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn arg(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).expect("write a file");
    }

    /// Writes the files and commits them on 1, 2, 3… December 2025.
    fn commit(&mut self, files: &[(&str, &str)], message: &str) {
        for (rel, text) in files {
            self.write(rel, text);
        }
        self.commits += 1;
        let date = format!("2025-12-{:02}T12:00:00Z", self.commits);
        git(self.dir.path(), &["add", "-A"], &date);
        git(self.dir.path(), &["commit", "-q", "-m", message], &date);
    }

    /// Output with the temporary folder shown as `[REPO]`.
    fn redact(&self, s: &str) -> String {
        s.replace(&self.dir.path().display().to_string(), "[REPO]")
    }
}

const LIB_V1: &str = "template leg(q = 0.2) {
  branch c \"C\" p = q
  branch nc \"Not C\" p = rest
}
";

const S_V1: &str = "import \"lib.scn\"
scenario s {
  let p = 0.3
  branch a \"A\" p = p { use leg() }
  branch b \"B\" p = rest
  forecast pac \"P(a then c)\" = P(a.c)
  forecast pb \"P(b)\" = P(b)
}
";

/// Revision 1 → the working file, whose import changed too: the old version's import is
/// read at the old revision.
#[test]
fn diff_against_an_earlier_revision() {
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    repo.commit(
        &[
            ("lib.scn", &LIB_V1.replace("q = 0.2", "q = 0.25")),
            ("s.scn", &S_V1.replace("let p = 0.3", "let p = 0.4")),
        ],
        "Revise after the news",
    );
    let old = format!("HEAD~1:{}", repo.arg("s.scn"));
    let run = scn(&["diff", &old, &repo.arg("s.scn")], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    // P(a.c) = p · q: 0.3 · 0.2 = 0.06 → 0.4 · 0.25 = 0.10; p's share ½(0.1·0.2 + 0.1·0.25)
    // = 0.0225 (+2.2 pp), q's ½(0.05·0.3 + 0.05·0.4) = 0.0175 (+1.8 pp).
    insta::assert_snapshot!("diff_git_revision", repo.redact(&run.stdout));

    // With the import edited in the working tree but not committed, HEAD:s.scn still reads
    // the committed import.
    repo.write("lib.scn", &LIB_V1.replace("q = 0.2", "q = 0.9"));
    let new = format!("HEAD:{}", repo.arg("s.scn"));
    let run = scn(&["diff", &old, &new, "--format", "json"], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let q = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "leg.q @ a")
        .expect("the template argument is an input");
    assert_eq!(q["old"], 0.2);
    assert_eq!(q["new"], 0.25);
    assert_eq!(q["kind"], "parameter");
}

#[test]
fn history_follows_the_file_and_its_imports() {
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    repo.commit(
        &[("lib.scn", &LIB_V1.replace("q = 0.2", "q = 0.25"))],
        "Library: C is likelier",
    );
    repo.commit(&[("README.md", "notes\n")], "Unrelated notes");
    repo.commit(&[("s.scn", &S_V1.replace("p = p {", "p = 2 {"))], "A typo");
    // From here the scenario also imports extra.scn, whose later edit belongs to its history.
    let with_extra = S_V1
        .replace(
            "import \"lib.scn\"",
            "import \"lib.scn\"\nimport \"extra.scn\"",
        )
        .replace("let p = 0.3", "let p = 0.35");
    repo.commit(
        &[
            ("extra.scn", "template spare(k = 1) { }\n"),
            ("s.scn", &with_extra),
        ],
        "Fix the typo; p up",
    );
    repo.commit(
        &[("extra.scn", "template spare(k = 2) { }\n")],
        "Extra: a new default",
    );
    repo.commit(&[("other.scn", "scenario o { }\n")], "Another scenario");

    let run = scn(&["diff", "--history", &repo.arg("s.scn")], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    // P(a.c) = p·q: 0.3·0.2 = 6.0%, 0.3·0.25 = 7.5%, invalid, 0.35·0.25 = 8.75%, the same.
    insta::assert_snapshot!("diff_git_history", repo.redact(&run.stdout));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].contains(": 5 commits"), "{}", run.stdout);
    assert!(!run.stdout.contains("Unrelated") && !run.stdout.contains("Another"));

    let run = scn(
        &[
            "diff",
            "--history",
            &repo.arg("s.scn"),
            "--format",
            "json",
            "--forecast",
            "pb",
        ],
        "",
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let commits = v["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 5);
    assert_eq!(commits[0]["date"], "2025-12-01");
    assert_eq!(commits[0]["values"]["pb"], 0.7);
    assert_eq!(commits[2]["status"], "invalid");
    assert_eq!(commits[2]["values"]["pb"], serde_json::Value::Null);
    assert_eq!(commits[3]["values"]["pb"], 0.65);
    insta::assert_snapshot!("diff_git_history_json", repo.redact(&run.stdout));
}

/// A renamed scenario keeps its history: the versions under its old name count, as `git
/// log --follow` finds them, and so do the commits that changed its import meanwhile.
#[test]
fn history_follows_a_renamed_file() {
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    repo.commit(
        &[("s.scn", &S_V1.replace("let p = 0.3", "let p = 0.4"))],
        "p up",
    );
    std::fs::remove_file(repo.path("s.scn")).unwrap();
    repo.commit(
        &[("talks.scn", &S_V1.replace("let p = 0.3", "let p = 0.5"))],
        "Renamed, p up again",
    );
    repo.commit(
        &[("lib.scn", &LIB_V1.replace("q = 0.2", "q = 0.5"))],
        "Library: C as likely as not",
    );
    let run = scn(
        &[
            "diff",
            "--history",
            &repo.arg("talks.scn"),
            "--forecast",
            "pac",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let commits = v["commits"].as_array().expect("commits");
    let subjects: Vec<&str> = commits
        .iter()
        .map(|c| c["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "First estimate",
            "p up",
            "Renamed, p up again",
            "Library: C as likely as not"
        ],
        "{}",
        run.stdout
    );
    // P(a.c) = p·q: 0.3·0.2, 0.4·0.2, 0.5·0.2, 0.5·0.5.
    let pac: Vec<f64> = commits
        .iter()
        .map(|c| c["values"]["pac"].as_f64().unwrap())
        .collect();
    for (got, want) in pac.iter().zip([0.06, 0.08, 0.1, 0.25]) {
        assert!((got - want).abs() < 1e-12, "{pac:?}");
    }
}

#[test]
fn git_errors_are_usage_errors() {
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    let s = repo.arg("s.scn");

    let run = scn(&["diff", &format!("HEAD~5:{s}"), &s], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        repo.redact(&run.stderr),
        "scn: error: unknown revision `HEAD~5` in the git repository at [REPO]\n"
    );

    let run = scn(&["diff", &format!("HEAD:{}", repo.arg("nope.scn")), &s], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        repo.redact(&run.stderr),
        "scn: error: [REPO]/nope.scn does not exist at revision `HEAD` (as nope.scn in the \
         repository)\n"
    );

    // A revision that looks like an option is still a revision.
    let run = scn(&["diff", "--", &format!("--output=x:{s}"), &s], "");
    assert_eq!(run.code, Exit::Usage, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("scn: error: unknown revision `--output=x`"),
        "{}",
        run.stderr
    );

    let run = scn(&["diff", "HEAD:", &s], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        run.stderr,
        "scn: error: the path after `REV:` is empty: write REV:FILE\n"
    );

    // --history follows one file that git has.
    let run = scn(
        &["diff", "--history", &repo.dir.path().display().to_string()],
        "",
    );
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        repo.redact(&run.stderr),
        "scn: error: [REPO] is a folder: --history follows one scenario file\n"
    );
    repo.write("new.scn", S_V1);
    let run = scn(&["diff", "--history", &repo.arg("new.scn")], "");
    assert_eq!(run.code, Exit::Usage);
    assert_eq!(
        repo.redact(&run.stderr),
        "scn: error: git has no commit of [REPO]/new.scn: commit it first (`git add` and \
         `git commit`)\n"
    );

    let outside = tempfile::tempdir().expect("a temporary folder");
    let file = outside.path().join("s.scn");
    std::fs::write(&file, S_V1).expect("write");
    let run = scn(&["diff", &format!("HEAD:{}", file.display()), &s], "");
    assert_eq!(run.code, Exit::Usage);
    assert!(
        run.stderr.contains("is not inside a git repository"),
        "{}",
        run.stderr
    );
}

/// The environment variable that makes the test binary run [`missing_git_child`].
const CHILD: &str = "SCN_DIFF_MISSING_GIT_CHILD";

/// Without git on PATH, `REV:PATH` is a clear usage error. The PATH of this process cannot be
/// changed safely while other tests run, so a child process runs the case.
#[test]
fn a_missing_git_is_a_clear_error() {
    let exe = std::env::current_exe().expect("the test binary");
    let empty = tempfile::tempdir().expect("a temporary folder");
    let out = Command::new(&exe)
        .args([
            "git::missing_git_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PATH", empty.path())
        .env(CHILD, "1")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let outcome = stdout
        .lines()
        .find_map(|l| l.split_once("outcome: ").map(|(_, o)| o))
        .unwrap_or_else(|| panic!("the child reports an outcome: {stdout}"));
    assert_eq!(
        outcome,
        "2 scn: error: cannot run `git`: it is not installed or not on PATH (reading REV:PATH \
         and --history need it)"
    );
}

#[test]
#[ignore = "run by a_missing_git_is_a_clear_error in a child process with an empty PATH"]
fn missing_git_child() {
    assert_eq!(
        std::env::var(CHILD).as_deref(),
        Ok("1"),
        "only a_missing_git_is_a_clear_error runs this"
    );
    let run = scn(
        &[
            "diff",
            "HEAD:fixtures/diff/none.scn",
            "fixtures/diff/launch-v1.scn",
        ],
        "",
    );
    println!("outcome: {} {}", run.code as u8, run.stderr.trim_end());
}

#[test]
fn history_in_markdown_and_html() {
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    repo.commit(
        &[("lib.scn", &LIB_V1.replace("q = 0.2", "q = 0.25"))],
        "Library: <C> is likelier",
    );
    repo.commit(&[("s.scn", &S_V1.replace("p = p {", "p = 2 {"))], "A typo");
    repo.commit(
        &[("s.scn", &S_V1.replace("let p = 0.3", "let p = 0.35"))],
        "Fix the typo; p up",
    );
    let file = repo.arg("s.scn");
    let run = scn(&["diff", "--history", &file, "--format", "markdown"], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    insta::assert_snapshot!("diff_git_history_markdown", repo.redact(&run.stdout));

    let run = scn(&["diff", "--history", &file, "--format", "html"], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let html = run.stdout;
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert!(!html.contains("<script") && !html.contains("http"));
    // A line per forecast: P(a.c) = p·q is 6%, 7.5%, invalid (a gap), 8.75% — so the line
    // has a run of two points and a lone point after the gap.
    assert!(html.contains("<polyline class=\"series c0\""), "{html}");
    assert!(html.contains("<circle class=\"series c0 dot\""), "{html}");
    assert!(html.contains("Library: &lt;C&gt; is likelier"), "escaped");
    insta::assert_snapshot!("diff_git_history_html", repo.redact(&html));
}

/// A commit subject is text like a label: a JSON report keeps it exactly (escaped), and the
/// reports for people show control characters as U+FFFD.
#[test]
fn history_keeps_commit_subjects_exact_in_json_only() {
    let mut repo = Scratch::new();
    repo.commit(
        &[("lib.scn", LIB_V1), ("s.scn", S_V1)],
        "Tab\there \u{1b}[31mred\u{7}",
    );
    let file = repo.arg("s.scn");
    let run = scn(&["diff", "--history", &file, "--format", "json"], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let subjects: Vec<&str> = v["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["Tab\there \u{1b}[31mred\u{7}"], "{v}");
    for format in ["text", "markdown", "html"] {
        let run = scn(&["diff", "--history", &file, "--format", format], "");
        assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
        assert!(
            !run.stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: {:?}",
            run.stdout
        );
        assert!(
            // (Markdown escapes the bracket.)
            run.stdout.contains("31mred\u{FFFD}") && run.stdout.contains("here \u{FFFD}"),
            "{format}: {}",
            run.stdout
        );
    }
}

/// A downloaded folder carries its own `.git/config`: the settings there that make `git
/// log` verify signatures (`log.showSignature` with the author's `gpg.program`) or watch the
/// files (`core.fsmonitor`) must not make scn start the author's program.
#[test]
fn the_repository_config_starts_no_program() {
    use std::os::unix::fs::PermissionsExt;
    let mut repo = Scratch::new();
    repo.commit(&[("lib.scn", LIB_V1), ("s.scn", S_V1)], "First estimate");
    // A commit that changes s.scn and carries a signature, which is what makes git start
    // the signing program when asked to show signatures.
    repo.write("s.scn", &S_V1.replace("let p = 0.3", "let p = 0.4"));
    let date = "2025-12-05T12:00:00Z";
    git(repo.dir.path(), &["add", "-A"], date);
    let tree = git(repo.dir.path(), &["write-tree"], date);
    let parent = git(repo.dir.path(), &["rev-parse", "HEAD"], date);
    let signed = format!(
        "tree {}\nparent {}\nauthor F <f@example.invalid> 1764936000 +0000\n\
         committer F <f@example.invalid> 1764936000 +0000\n\
         gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\n\
         Signed revision\n",
        tree.trim(),
        parent.trim()
    );
    repo.write("commit.txt", &signed);
    let id = git(
        repo.dir.path(),
        &["hash-object", "-t", "commit", "-w", "commit.txt"],
        date,
    );
    std::fs::remove_file(repo.path("commit.txt")).expect("rm");
    git(repo.dir.path(), &["update-ref", "HEAD", id.trim()], date);

    let marker = repo.path("ran");
    let program = repo.path("program.sh");
    std::fs::write(
        &program,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", marker.display()),
    )
    .expect("write");
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let program = program.display().to_string();
    for (key, value) in [
        ("log.showSignature", "true"),
        ("gpg.program", program.as_str()),
        ("core.fsmonitor", program.as_str()),
    ] {
        git(repo.dir.path(), &["config", key, value], date);
    }
    // The test's own git, run the way scn's was before: the hostile settings do start it.
    let shown = Command::new("git")
        .current_dir(repo.dir.path())
        .args(["log", "-1", "--format=%H"])
        .output()
        .expect("git");
    assert!(shown.status.success());
    assert!(
        marker.exists(),
        "the repository's settings start the program"
    );
    std::fs::remove_file(&marker).expect("rm");

    let run = scn(&["diff", "--history", &repo.arg("s.scn")], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert!(run.stdout.contains("Signed revision"), "{}", run.stdout);
    let old = format!("HEAD~1:{}", repo.arg("s.scn"));
    let run = scn(&["diff", &old, &repo.arg("s.scn")], "");
    assert_eq!(run.code, Exit::Ok, "{}", run.stderr);
    assert!(
        !marker.exists(),
        "scn started the repository's program: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
}
