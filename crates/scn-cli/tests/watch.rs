//! `scn eval FILE --watch`: the binary runs in the background while the test edits the file
//! and its import, and waits (with a timeout, so a broken watch fails rather than hangs) for
//! the report to change, or, after an edit that breaks the file, to stay as it was.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

const LIB: &str = "template deal(p) {\n  branch signed p = p\n  branch failed p = rest\n}\n";

fn main_scn(p: &str) -> String {
    format!(
        "import \"lib.scn\"\nscenario s {{\n  branch talks p = {p} {{\n    use deal(p = 50%)\n  }}\n  \
         branch none p = rest\n  forecast p_talks = P(talks)\n  forecast p_signed = P(talks.signed)\n}}\n"
    )
}

/// Kills the watcher when the test ends, however it ends.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(what: &str, log: &Mutex<String>, mut done: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < TIMEOUT,
            "timed out waiting for {what}; scn said:\n{}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

/// True when `text` holds the number `n` (not merely a longer number starting with it).
fn has_number(text: &str, n: &str) -> bool {
    text.match_indices(n).any(|(i, _)| {
        !text[i + n.len()..].starts_with(|c: char| c.is_ascii_digit())
            && !text[..i].ends_with(|c: char| c.is_ascii_digit() || c == '.')
    })
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn the_report_follows_the_file_and_its_imports() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.scn");
    let lib = dir.path().join("lib.scn");
    let report = dir.path().join("report.json");
    std::fs::write(&lib, LIB).unwrap();
    std::fs::write(&main, main_scn("37%")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args([
            "eval", "main.scn", "--watch", "--format", "json", "--output",
        ])
        .arg(&report)
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let sink = stderr.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let _watcher = Watcher(child);
    let log = || stderr.lock().unwrap().clone();
    let runs = |log: &str| log.matches("watching").count();

    // The first run: P(talks) = 0.37, P(talks.signed) = 0.37 × 0.5 = 0.185.
    wait_for("the first report", &stderr, || {
        has_number(&read(&report), "0.185")
    });
    wait_for("the first run's message", &stderr, || runs(&log()) == 1);
    assert!(log().contains("main.scn: wrote"), "{}", log());
    assert!(log().contains("watching 2 files"), "{}", log());

    // An edit of the file: 0.41 × 0.5 = 0.205.
    std::fs::write(&main, main_scn("41%")).unwrap();
    let file_edit = wait_for("the report after an edit", &stderr, || {
        has_number(&read(&report), "0.205")
    });

    // An edit of the import: the template takes 80% of its argument, 0.41 × 0.4 = 0.164.
    wait_for("the second run's message", &stderr, || runs(&log()) == 2);
    std::fs::write(&lib, LIB.replace("p = p", "p = p * 0.8")).unwrap();
    let import_edit = wait_for("the report after an import's edit", &stderr, || {
        has_number(&read(&report), "0.164")
    });

    // A broken file: errors printed, the last good report kept.
    wait_for("the third run's message", &stderr, || runs(&log()) == 3);
    let good = read(&report);
    std::fs::write(&main, main_scn("141%")).unwrap();
    wait_for("the error", &stderr, || runs(&log()) == 4);
    let text = log();
    assert!(text.contains("error"), "{text}");
    assert!(text.contains("the last good report is kept"), "{text}");
    assert_eq!(read(&report), good);

    // Fixed again: a new report.
    std::fs::write(&main, main_scn("50%")).unwrap();
    wait_for("the report after the fix", &stderr, || {
        has_number(&read(&report), "0.2")
    });
    println!(
        "report rewritten {file_edit:?} after an edit of the file, {import_edit:?} after an edit of its import"
    );
}

#[test]
fn watch_needs_a_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["eval", "-", "--watch"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "scn: error: --watch needs a file, not standard input\n"
    );
}

/// A report that can never be written (over the scenario itself, into a missing folder, onto
/// a full disk) ends the watch at once, exit 2, instead of watching forever and blaming the
/// file for errors it does not have.
#[test]
fn a_report_that_cannot_be_written_ends_the_watch() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.scn");
    std::fs::write(dir.path().join("lib.scn"), LIB).unwrap();
    std::fs::write(&main, main_scn("60%")).unwrap();
    let missing = dir.path().join("no/such/folder/r.html");
    for (out, says) in [
        (main.as_path(), "is an input of this run"),
        (missing.as_path(), "No such file or directory"),
        (Path::new("/dev/full"), "No space left on device"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
            .arg("eval")
            .arg(&main)
            .arg("--watch")
            .arg("-o")
            .arg(out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                let _ = child.kill();
                panic!("the watch of -o {} went on", out.display());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains("has errors"), "{stderr}");
    }
    assert_eq!(read(&main), main_scn("60%"));
}
