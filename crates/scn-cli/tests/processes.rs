//! The `scn` binary as a process (issue 11): trusting a library through the data folder,
//! plugins' process groups at the end of a run and on SIGTERM, plugins that flood their
//! output, write errors on standard output, and a low `ulimit -v`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SCN: &str = env!("CARGO_BIN_EXE_scn");

/// `scn` with a data folder of its own and no inherited trust.
fn scn(data: &Path) -> Command {
    let mut c = Command::new(SCN);
    c.env("SCN_DATA_DIR", data)
        .env_remove("SCN_TRUST_PLUGINS")
        .stdin(Stdio::null());
    c
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// True when the tests run as root (as CI does), whom file permissions do not stop.
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `scn`, run as nobody (by `setpriv`, from util-linux) when the tests run as root, so that
/// permissions apply to it; as the user otherwise.
fn scn_not_as_root() -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", SCN]);
        c
    } else {
        Command::new(SCN)
    }
}

/// True while a process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.trim_start().chars().next()?;
            Some(after != 'Z' && after != 'X')
        })
        .unwrap_or(false)
}

/// Waits up to `limit` for every process to be gone.
fn all_gone(pids: &[u32], limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if pids.iter().all(|&p| !alive(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A plugin that starts a grandchild (`sleep 300`), writes both pids to the file named by
/// its first argument, answers `p()` with 0.25 (after `delay` seconds), and ignores the end
/// of its input: a process that would outlive scn unless its group is killed.
const STUBBORN: &str = r#"
import json, os, subprocess, sys, time
child = subprocess.Popen(["sleep", "300"])
with open(sys.argv[1], "w") as f:
    f.write(f"{os.getpid()} {child.pid}\n")
delay = float(sys.argv[2])
for line in sys.stdin:
    req = json.loads(line)
    if req["method"] == "describe":
        ans = {"id": req["id"], "functions": [{"name": "p", "arity": 0}]}
    else:
        time.sleep(delay)
        ans = {"id": req["id"], "value": 0.25}
    print(json.dumps(ans), flush=True)
while True:
    time.sleep(1)
"#;

const USES_P: &str = "plugin st\nscenario s {\n  branch a p = st.p()\n  branch b p = rest\n}\n";

fn stubborn_library(dir: &Path, delay: f64, timeout_ms: u64) -> (PathBuf, PathBuf) {
    let script = write(dir, "stubborn.py", STUBBORN);
    let pids = dir.join("pids");
    write(
        dir,
        "scn.toml",
        &format!(
            "[plugins.st]\ncommand = [\"python3\", {:?}, {:?}, \"{delay}\"]\ntimeout_ms = {timeout_ms}\n",
            script.display().to_string(),
            pids.display().to_string()
        ),
    );
    (write(dir, "main.scn", USES_P), pids)
}

fn read_pids(file: &Path) -> Vec<u32> {
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(file)
            && s.ends_with('\n')
        {
            return s.split_whitespace().map(|p| p.parse().unwrap()).collect();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the plugin never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_plugin_and_what_it_started_end_with_a_successful_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (main, pids) = stubborn_library(dir.path(), 0.0, 5000);
    let out = scn(data.path())
        .args(["--trust-plugins", "eval", "-f", "json"])
        .arg(&main)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("\"probability\": 0.25"), "{stdout}");
    let pids = read_pids(&pids);
    assert_eq!(pids.len(), 2);
    assert!(
        all_gone(&pids, Duration::from_secs(5)),
        "still running: {pids:?}"
    );
}

#[test]
fn sigterm_stops_the_plugin_group_too() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    // The call takes 300 s: scn is waiting on it when the signal comes.
    let (main, pids) = stubborn_library(dir.path(), 300.0, 600_000);
    let mut child = scn(data.path())
        .args(["--trust-plugins", "check"])
        .arg(&main)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pids = read_pids(&pids);
    std::thread::sleep(Duration::from_millis(300));
    let scn_pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(scn_pid, rustix::process::Signal::TERM).unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(
        all_gone(&pids, Duration::from_secs(5)),
        "still running: {pids:?}"
    );
}

#[test]
fn a_plugin_that_floods_its_output_is_cut_at_the_line_limit() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "scn.toml",
        "[plugins.st]\ncommand = [\"sh\", \"-c\", \"exec cat /dev/zero\"]\ntimeout_ms = 60000\n",
    );
    let main = write(dir.path(), "main.scn", USES_P);
    let start = Instant::now();
    let out = scn(data.path())
        .args(["--trust-plugins", "check"])
        .arg(&main)
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: the plugin `st` could not be read: it wrote a line longer than 1048576 bytes"
        ),
        "{stderr}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn trust_is_recorded_per_manifest_and_revoked_by_any_edit() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let marker = dir.path().join("RAN");
    let manifest = write(
        dir.path(),
        "scn.toml",
        &format!(
            "[plugins.st]\ncommand = [\"sh\", \"-c\", \"touch {}\"]\n",
            marker.display()
        ),
    );
    let main = write(dir.path(), "main.scn", USES_P);
    let check = || scn(data.path()).arg("check").arg(&main).output().unwrap();

    let (_, err) = text(&check());
    assert!(err.contains("the plugin `st` is not trusted"), "{err}");
    assert!(!marker.exists());

    let out = scn(data.path())
        .arg("trust")
        .arg(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let canonical = std::fs::canonicalize(&manifest).unwrap();
    assert!(
        stdout.starts_with(&format!("trusted {} (sha256 ", canonical.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("  st: runs [\"sh\", \"-c\", \"touch "),
        "{stdout}"
    );
    assert!(data.path().join("trusted.json").is_file());

    // Trusted: it runs (and fails the protocol, having answered nothing).
    let (_, err) = text(&check());
    assert!(marker.exists(), "{err}");
    std::fs::remove_file(&marker).unwrap();

    // Any edit revokes the trust.
    let mut edited = std::fs::read_to_string(&manifest).unwrap();
    edited.push_str("# a comment\n");
    std::fs::write(&manifest, edited).unwrap();
    let (_, err) = text(&check());
    assert!(err.contains("is not trusted"), "{err}");
    assert!(!marker.exists());
    let list = scn(data.path()).args(["trust", "--list"]).output().unwrap();
    assert_eq!(text(&list).0, format!("changed  {}\n", canonical.display()));

    // For one run, from the environment (CI).
    let out = scn(data.path())
        .env("SCN_TRUST_PLUGINS", "1")
        .arg("check")
        .arg(&main)
        .output()
        .unwrap();
    assert!(marker.exists(), "{}", text(&out).1);

    let out = scn(data.path())
        .args(["trust", "--revoke"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        text(&out).0,
        format!("no longer trusted: {}\n", canonical.display())
    );
    let list = scn(data.path()).args(["trust", "--list"]).output().unwrap();
    assert_eq!(text(&list).0, "no library is trusted\n");
}

#[test]
fn write_errors_on_standard_output_exit_2_and_a_closed_pipe_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.scn",
        "scenario s {\n  branch a p = 1\n  expect P(a) in 1 .. 1\n}\n",
    );
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = scn(data.path())
        .arg("test")
        .arg(dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("scn: error: cannot write to standard output: No space left on device"),
        "{stderr}"
    );

    // A report far larger than a pipe's buffer, read by nobody.
    let mut big = String::from("scenario s {\n");
    for i in 0..5000 {
        big.push_str(&format!("  branch b{i} \"Branch number {i}\" p = 0.0002\n"));
    }
    big.push_str("}\n");
    let main = write(dir.path(), "big.scn", &big);
    let mut child = scn(data.path())
        .args(["eval", "-f", "json"])
        .arg(&main)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
}

#[test]
fn a_low_virtual_memory_limit_lowers_the_nesting_limit_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let ok = write(dir.path(), "ok.scn", "scenario s {\n  branch a p = 1\n}\n");
    let depth = 40_000;
    let mut deep = String::from("scenario s {\n");
    deep.push_str(&"branch a p = 1 {\n".repeat(depth));
    deep.push_str(&"}\n".repeat(depth));
    deep.push_str("}\n");
    let deep = write(dir.path(), "deep.scn", &deep);
    let run = |file: &Path| {
        Command::new("sh")
            .env("SCN_DATA_DIR", data.path())
            .stdin(Stdio::null())
            .arg("-c")
            .arg(format!(
                "ulimit -v 2000000 && exec {SCN} check {}",
                file.display()
            ))
            .output()
            .unwrap()
    };
    let out = run(&ok);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = run(&deep);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: nesting is deeper than 12500 levels"),
        "{stderr}"
    );
}

#[test]
fn a_bare_file_name_finds_its_library_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    write(dir.path(), "lib/t.scn", "template t() { branch a p = 1 }\n");
    write(
        dir.path(),
        "main.scn",
        "import \"lib/t.scn\"\nscenario s { use t() }\n",
    );
    write(dir.path(), "scn.toml", "[defaults]\nformat = \"json\"\n");
    let out = scn(data.path())
        .current_dir(dir.path())
        .args(["eval", "main.scn"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    // The manifest was found: its default format applies.
    assert!(stdout.starts_with('{'), "{stdout}");
}

/// A burst of edits sent while a document is analysed is taken whole before the next
/// analysis: the language server publishes diagnostics for far fewer versions than it was
/// sent. With no room between the reader and the server it analysed every version (20 edits
/// of a costly file took 21 s before a request was answered).
#[test]
fn the_language_server_takes_a_burst_of_edits_at_once() {
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut lsp = Lsp::start(data.path());
    // A file of 2^14 template expansions: each analysis takes a visible while.
    let mut text =
        String::from("template t0() { branch a p = 50% { m += 1 } branch b p = rest }\n");
    for i in 1..15 {
        text.push_str(&format!(
            "template t{i}() {{ branch a p = 50% {{ use t{}() }} branch b p = rest {{ use t{}() }} }}\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("scenario s {\n  metric m = 0\n  use t14()\n  forecast f = E(m)\n}\n");
    let uri = "untitled:burst";
    lsp.send(
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    lsp.send(serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    lsp.send(
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": uri, "languageId": "scn", "version": 1, "text": text}}}),
    );
    let edits = 20;
    for v in 2..2 + edits {
        lsp.send(
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": v},
            "contentChanges": [{"text": format!("{text}// {v}\n")}]}}),
        );
    }
    lsp.send(serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    lsp.send(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let (messages, status) = lsp.finish();
    let published = messages
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .count();
    assert!(status.success());
    assert!(
        published < edits / 2,
        "diagnostics were published {published} times for {edits} edits"
    );
}

/// `scn lsp` as a process: messages are written to it, then, once its input is closed,
/// everything it wrote is read.
struct Lsp {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
}

impl Lsp {
    fn start(data: &Path) -> Lsp {
        let mut child = scn(data)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("scn lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        Lsp { child, stdin }
    }

    /// Sends one message's text, framed (it need not be valid JSON).
    fn send_raw(&mut self, body: &str) {
        use std::io::Write;
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    }

    fn send(&mut self, message: serde_json::Value) {
        self.send_raw(&message.to_string());
    }

    /// Closes its input: every message it wrote, and how it ended.
    fn finish(mut self) -> (Vec<serde_json::Value>, std::process::ExitStatus) {
        drop(self.stdin);
        let messages = lsp_messages(self.child.stdout.take().expect("stdout"));
        (messages, self.child.wait().expect("scn lsp ends"))
    }
}

/// Every message the server wrote, until it closed its output.
fn lsp_messages(out: impl std::io::Read) -> Vec<serde_json::Value> {
    use std::io::{BufRead, BufReader, Read};
    let mut out = BufReader::new(out);
    let mut messages = Vec::new();
    loop {
        let mut len = 0usize;
        let mut line = String::new();
        while out.read_line(&mut line).expect("a header") > 0 {
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.trim().parse().expect("a length");
            }
            line.clear();
        }
        if len == 0 {
            return messages;
        }
        let mut body = vec![0; len];
        out.read_exact(&mut body).expect("a body");
        messages.push(serde_json::from_slice(&body).expect("JSON"));
    }
}

/// Before `initialize`, a request is refused and `exit` ends the server with the protocol's
/// code 1 (it was 2, an error of scn's); a request with an id lsp-server cannot hold is
/// answered by that id instead of being taken for a notification and never answered.
#[test]
fn the_language_server_answers_every_request_and_exits_by_the_protocol() {
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut lsp = Lsp::start(data.path());
    lsp.send(
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}),
    );
    lsp.send(serde_json::json!({"jsonrpc": "2.0", "id": 3000000000u64, "method": "shutdown"}));
    lsp.send(serde_json::json!({"jsonrpc": "2.0", "method": "exit"}));
    let (messages, status) = lsp.finish();
    assert_eq!(status.code(), Some(1));
    let error_of = |id: serde_json::Value| {
        messages
            .iter()
            .find(|m| m["id"] == id)
            .map(|m| m["error"]["code"].clone())
    };
    assert_eq!(
        error_of(serde_json::json!(1)),
        Some(serde_json::json!(-32002))
    );
    assert_eq!(
        error_of(serde_json::json!(3000000000u64)),
        Some(serde_json::json!(-32600)),
        "{messages:?}"
    );
}

/// `scn fmt` of a file with two names (hard links) is written in place; when the write
/// fails half-way (here the file-size limit, as a full disk would), the old text is put
/// back. Before, the file was emptied first and left cut off: 46,080 bytes of a file that
/// no longer parsed.
#[test]
fn fmt_of_a_hard_linked_file_keeps_the_old_text_when_writing_fails() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let compact: String = (0..900)
        .map(|i| format!("scenario s{i}{{branch a p=0.5 branch b p=rest}}\n"))
        .collect();
    let file = write(dir.path(), "f.scn", &compact);
    std::fs::hard_link(&file, dir.path().join("g.scn")).expect("a second name");
    // The layout grows the file from 41,290 to 51,190 bytes; the limit is 46,080.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 45; exec {SCN} fmt {}",
            file.display()
        ))
        .output()
        .expect("bash");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), compact);
}

/// `scn fmt` refuses a file the user may not write, even when the folder would let it
/// replace the file by a rename (and so take it over); and a pipe is refused whether or
/// not its text needs a new layout.
#[test]
fn fmt_respects_write_permission_and_refuses_pipes_always() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let messy = "scenario   s {branch a p=1}\n";
    let file = write(dir.path(), "owned.scn", messy);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    use std::os::unix::fs::MetadataExt;
    let as_root = is_root();
    // The check needs a file the user may not write though its folder lets them rename
    // over it. As root (CI): the test's file, scn run as nobody. Otherwise: the user's own
    // file with write permission for its group only, which the owner does not get.
    if !as_root {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o464)).expect("chmod");
    }
    let mut cmd = scn_not_as_root();
    let out = cmd
        .args(["fmt", &file.display().to_string()])
        .output()
        .expect("scn (under setpriv, from util-linux, as root) runs");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), messy);
    if as_root {
        assert_eq!(std::fs::metadata(&file).expect("stat").uid(), 0);
    }

    // A formatted text through a pipe: still exit 2.
    let mut child = Command::new(SCN)
        .args(["fmt", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"scenario s {}\n").expect("write");
    }
    let out = child.wait_with_output().expect("scn ends");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

/// A report into a folder that refuses new files: the error names the folder and the
/// system's reason, not the random name of the temporary file scn tried.
#[test]
fn a_report_into_a_closed_folder_names_the_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let file = write(
        dir.path(),
        "s.scn",
        "scenario s {\n  branch a p = 1\n  forecast f = P(a)\n}\n",
    );
    let closed = dir.path().join("closed");
    std::fs::create_dir(&closed).expect("mkdir");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // Root may create files anywhere: as root (CI), scn runs as nobody.
    let mut cmd = scn_not_as_root();
    let out = cmd
        .args([
            "eval",
            &file.display().to_string(),
            "--format",
            "json",
            "-o",
        ])
        .arg(closed.join("r.json"))
        .output()
        .expect("scn (under setpriv, from util-linux, as root) runs");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "scn: error: cannot write {}: cannot create a file in {}: Permission denied (os error 13)",
            closed.join("r.json").display(),
            closed.display()
        )
    );
    assert_eq!(std::fs::read_dir(&closed).expect("ls").count(), 0);
}

/// A folder listed many times, or inside another listed folder, is searched once: 1,500
/// copies of `.` made `scn test` test one file 1,500 times (21 s), and `scn score` then
/// found each scenario "in two files". The list itself is capped.
#[test]
fn scenario_folders_count_once_and_are_few() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let lib = dir.path();
    write(
        lib,
        "scn.toml",
        "[library]\nscenarios = [\".\", \"./\", \"sub\", \"./.\", \"sub/\"]\n",
    );
    let coin = "scenario COIN {\n  branch h p = 1/2\n  branch t p = rest\n  forecast f = P(h)\n  expect P(h) in 0.49 .. 0.51\n}\n";
    write(lib, "a.scn", &coin.replace("COIN", "a"));
    std::fs::create_dir(lib.join("sub")).expect("mkdir");
    write(lib, "sub/b.scn", &coin.replace("COIN", "b"));
    let run = |args: &[&str]| {
        let out = Command::new(SCN)
            .current_dir(lib)
            .args(args)
            .output()
            .expect("scn runs");
        let (stdout, stderr) = text(&out);
        (out.status.code(), stdout, stderr)
    };
    let (code, stdout, stderr) = run(&["test"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("2 scenarios in 2 files"), "{stdout}");
    // A failure names its file from the current folder, wherever the library sits.
    write(
        lib,
        "sub/c.scn",
        &coin
            .replace("COIN", "c")
            .replace("0.49 .. 0.51", "0.6 .. 0.7"),
    );
    let (code, stdout, stderr) = run(&["test"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stdout.starts_with("./sub/c.scn:5:3: expectation failed"),
        "{stdout}"
    );
    assert!(!stdout.contains(&lib.display().to_string()), "{stdout}");
    std::fs::remove_file(lib.join("sub/c.scn")).expect("rm");

    let many = vec!["\"sub\""; 257].join(", ");
    write(
        lib,
        "scn.toml",
        &format!("[library]\nscenarios = [{many}]\n"),
    );
    let (code, _, stderr) = run(&["test"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("scn.toml:2:1806: error: [library] scenarios lists more than 256 folders"),
        "{stderr}"
    );
}

/// A change the server could not read at all (here a lone surrogate, which a JavaScript
/// editor can send and serde refuses) marks the documents out of sync: formatting is then
/// refused, where it answered with the stale copy and deleted the user's edit.
#[test]
fn the_language_server_does_not_format_after_losing_a_change() {
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut lsp = Lsp::start(data.path());
    let uri = "untitled:messy.scn";
    lsp.send_raw(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    lsp.send_raw(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    lsp.send(
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
        {"textDocument": {"uri": uri, "languageId": "scn", "version": 1,
         "text": "scenario s {   branch a p = 1 }"}}}),
    );
    lsp.send_raw(&format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":0}},"end":{{"line":0,"character":0}}}},"text":"// note \ud800\n"}}]}}}}"#
    ));
    lsp.send(
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/formatting",
        "params": {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}}),
    );
    lsp.send_raw(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#);
    lsp.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let (messages, status) = lsp.finish();
    assert!(status.success());
    let answer = messages
        .iter()
        .find(|m| m["id"] == 2)
        .expect("formatting is answered");
    assert_eq!(answer["error"]["code"], -32803, "{answer}");
}

/// The lock `scn resolve` takes on the library's folder is advisory: a folder it may write
/// but not read (so not open to lock) still gets the resolution, with a warning.
#[test]
fn resolve_without_a_lock_warns_and_records() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let lib = dir.path().join("lib");
    std::fs::create_dir_all(lib.join("sub")).expect("mkdir");
    write(&lib, "scn.toml", "[library]\nscenarios = [\"sub\"]\n");
    write(
        &lib.join("sub"),
        "s.scn",
        "scenario s {\n  branch a p = 0.5\n  branch b p = rest\n  forecast f = P(a)\n}\n",
    );
    if is_root() {
        // Root reads any folder: the library is nobody's, and scn runs as nobody.
        for p in [dir.path(), &lib, &lib.join("sub")] {
            std::os::unix::fs::chown(p, Some(65534), Some(65534)).expect("chown");
        }
        for f in ["scn.toml", "sub/s.scn"] {
            std::os::unix::fs::chown(lib.join(f), Some(65534), Some(65534)).expect("chown");
        }
    }
    let mut cmd = scn_not_as_root();
    std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(0o300)).expect("chmod");
    let out = cmd
        .env("SCN_DATA_DIR", data_dir(dir.path()))
        .args([
            "resolve",
            "-C",
            &lib.display().to_string(),
            "s.f",
            "yes",
            "--on",
            "2025-06-01",
        ])
        .output()
        .expect("scn runs");
    let (stdout, stderr) = text(&out);
    std::fs::set_permissions(&lib, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning: cannot lock"), "{stderr}");
    assert!(
        stdout.starts_with("resolved s.f: yes on 2025-06-01"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(lib.join("resolutions.toml")).expect("read");
    assert!(text.contains("forecast = \"s.f\""), "{text}");
}

/// A data folder for a run as another user: one it may write.
fn data_dir(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let _ = std::os::unix::fs::chown(&data, Some(65534), Some(65534));
    data
}
