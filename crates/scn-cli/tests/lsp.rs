//! `scn lsp` spoken to over its standard streams, as an editor would: JSON-RPC with
//! `Content-Length` headers, every answer awaited with a timeout so that a server that hangs
//! fails the test instead of stalling it. Each exchange is logged; `--nocapture` prints the
//! transcript.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    /// What the server wrote on standard error (an editor's log), once it has exited.
    stderr: std::thread::JoinHandle<String>,
    stdin: ChildStdin,
    inbox: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for a response.
    notifications: Vec<Value>,
    transcript: Vec<String>,
}

impl Client {
    fn start(data_dir: &Path) -> Client {
        Client::start_with(data_dir, &["lsp"])
    }

    /// `scn ARGS…` (which must start the server).
    fn start_with(data_dir: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scn"))
            .args(args)
            .env("SCN_DATA_DIR", data_dir)
            // Allows plugins for one command line run; an editor's server must not heed it.
            .env("SCN_TRUST_PLUGINS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("scn lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            // Shown with the test's output, as an inherited stream would have been.
            eprint!("{text}");
            text
        });
        let (tx, inbox) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stderr,
            stdin,
            inbox,
            next_id: 0,
            notifications: Vec::new(),
            transcript: Vec::new(),
        }
    }

    fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.transcript.push(format!("→ {method}"));
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self
                .inbox
                .recv_timeout(TIMEOUT)
                .unwrap_or_else(|_| panic!("no answer to {method} within {TIMEOUT:?}"));
            if msg["id"] == id {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                let result = msg["result"].clone();
                let mut shown = result.to_string();
                if shown.len() > 100 {
                    shown = format!("{}…", shown.chars().take(100).collect::<String>());
                }
                self.transcript.push(format!("→ {method} ← {shown}"));
                return result;
            }
            self.notifications.push(msg);
        }
    }

    /// The next diagnostics published for `uri` (waiting for them if need be).
    fn diagnostics(&mut self, uri: &str) -> (Vec<Value>, Value) {
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            }) {
                let n = self.notifications.remove(i);
                let d = n["params"]["diagnostics"].as_array().unwrap().clone();
                self.transcript.push(format!(
                    "← publishDiagnostics {} (version {}): {} diagnostic(s)",
                    uri.rsplit('/').next().unwrap(),
                    n["params"]["version"],
                    d.len()
                ));
                return (d, n["params"]["version"].clone());
            }
            let msg = self
                .inbox
                .recv_timeout(TIMEOUT)
                .expect("diagnostics within the timeout");
            self.notifications.push(msg);
        }
    }
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// Line and UTF-16 column of the first `needle` (plus `skip` bytes) in `text`.
fn pos(text: &str, needle: &str, skip: usize) -> (u32, u32) {
    let off = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + skip;
    let before = &text[..off];
    let line = before.matches('\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].encode_utf16().count() as u32)
}

const LIB: &str = "template deal(p_sign) {\n  branch signed \"Signed\" p = p_sign #deal { cost += 5 }\n  branch failed p = rest\n}\n";

// Non-ASCII text before positions checks the UTF-16 columns: `é` is one unit, `😀` two.
const MAIN: &str = r#"import "lib.scn"
// ünïcødé 😀 before the scenario
scenario talks "Peace talks 😀" {
  as_of 2026-01-01
  source un "UN report"
  let growth = 2% to 8% "yearly growth" cite un
  metric cost "Cost" unit "$M" = 0
  branch ceasefire "Ceasefire 😀" p = 30% at 2026-06 #calm {
    use deal(p_sign = 0.5)
  }
  branch war "Wär 😀" p = rest after 6mo { cost += growth * 100 }
  forecast p_cf = P(ceasefire) closes 2027 criteria "resolves yes"
  forecast p_signed = P(ceasefire.signed)
  forecast ev = E(cost)
}
"#;

/// A folder with `main.scn` importing `lib.scn`, the server's data folder, and the two
/// files' URIs.
struct Library {
    dir: tempfile::TempDir,
    data: tempfile::TempDir,
    main: String,
    lib: String,
}

impl Library {
    fn new() -> Library {
        let (dir, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(dir.path().join("lib.scn"), LIB).unwrap();
        std::fs::write(dir.path().join("main.scn"), MAIN).unwrap();
        Library {
            main: uri(&dir.path().join("main.scn")),
            lib: uri(&dir.path().join("lib.scn")),
            dir,
            data,
        }
    }
}

#[test]
fn an_editor_session() {
    let Library {
        dir,
        data,
        main,
        lib,
    } = Library::new();
    let mut c = Client::start(data.path());

    let init = c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    let caps = &init["capabilities"];
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "completionProvider",
        "semanticTokensProvider",
    ] {
        assert!(!caps[cap].is_null(), "{cap} in {caps}");
    }
    assert_eq!(caps["positionEncoding"], "utf-16");
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "scn", "version": 1, "text": MAIN}}),
    );
    let (diags, version) = c.diagnostics(&main);
    assert_eq!(diags, Vec::<Value>::new());
    assert_eq!(version, 1);

    // Hover: a branch, a let (a distribution), a metric, a forecast, a path into a template.
    let (l, ch) = pos(MAIN, "ceasefire \"", 2);
    let h = c.request("textDocument/hover", at(&main, l, ch));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("probability given its parent: **30%**"),
        "{text}"
    );
    assert!(text.contains("path probability: **30%**"), "{text}");
    assert!(text.contains("date: 2026-06-30"), "{text}");
    assert_eq!(h["range"]["start"], json!({"line": l, "character": ch - 2}));
    let (l, ch) = pos(MAIN, "growth =", 1);
    let h = c.request("textDocument/hover", at(&main, l, ch));
    let text = h["contents"]["value"].as_str().unwrap();
    // `2% to 8%` is a lognormal whose 5th and 95th percentiles are 2% and 8%.
    assert!(text.contains("90% interval **0.02"), "{text}");
    assert!(text.contains("to 0.08"), "{text}");
    let (l, ch) = pos(MAIN, "E(cost)", 3);
    let h = c.request("textDocument/hover", at(&main, l, ch));
    let text = h["contents"]["value"].as_str().unwrap();
    // cost: 0.3 × 0.5 × 5 (signed) + 0.7 × 100 × E(growth).
    assert!(text.contains("expected value: **"), "{text}");
    let (l, ch) = pos(MAIN, "p_cf", 0);
    let h = c.request("textDocument/hover", at(&main, l, ch));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("value: **0.3**")
    );
    let (l, ch) = pos(MAIN, "ceasefire.signed", 11);
    let h = c.request("textDocument/hover", at(&main, l, ch));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("`ceasefire.signed`"), "{text}");
    assert!(text.contains("path probability: **15%**"), "{text}");

    // Definition: a path's first part, a branch spliced in by a template, a template, a
    // cited source, an import.
    let (l, ch) = pos(MAIN, "ceasefire.signed", 3);
    let d = c.request("textDocument/definition", at(&main, l, ch));
    let (dl, dc) = pos(MAIN, "ceasefire \"", 0);
    assert_eq!(d[0]["uri"], main);
    assert_eq!(d[0]["range"]["start"], json!({"line": dl, "character": dc}));
    let (l, ch) = pos(MAIN, "ceasefire.signed", 12);
    let d = c.request("textDocument/definition", at(&main, l, ch));
    assert_eq!(d[0]["uri"], lib);
    assert_eq!(d[0]["range"]["start"], json!({"line": 1, "character": 9}));
    let (l, ch) = pos(MAIN, "deal(", 1);
    let d = c.request("textDocument/definition", at(&main, l, ch));
    assert_eq!(d[0]["uri"], lib);
    assert_eq!(d[0]["range"]["start"], json!({"line": 0, "character": 9}));
    let (l, ch) = pos(MAIN, "cite un", 6);
    let d = c.request("textDocument/definition", at(&main, l, ch));
    let (sl, sc) = pos(MAIN, "un \"UN", 0);
    assert_eq!(d[0]["range"]["start"], json!({"line": sl, "character": sc}));
    let d = c.request("textDocument/definition", at(&main, 0, 10));
    assert_eq!(d[0]["uri"], lib);

    // Completion: branches and event words inside P(…), tags after `#`.
    let (l, ch) = pos(MAIN, "P(ceasefire)", 2);
    let items = c.request("textDocument/completion", at(&main, l, ch));
    assert_eq!(items["isIncomplete"], false);
    let labels: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for want in ["ceasefire", "war", "signed", "not", "by"] {
        assert!(labels.contains(&want), "{want} in {labels:?}");
    }
    assert!(!labels.contains(&"growth"), "{labels:?}");

    // The outline nests the tree.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    let scenario = &syms[0];
    assert_eq!(scenario["name"], "talks");
    let names: Vec<&str> = scenario["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "un",
            "growth",
            "cost",
            "ceasefire",
            "war",
            "p_cf",
            "p_signed",
            "ev"
        ]
    );

    // Semantic tokens: `import` is a keyword, then the path a string.
    let toks = c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": main}}),
    );
    let data = toks["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    let legend = caps["semanticTokensProvider"]["legend"]["tokenTypes"].clone();
    let ty = |i: usize| legend[data[i * 5 + 3].as_u64().unwrap() as usize].clone();
    assert_eq!(ty(0), "keyword");
    assert_eq!(ty(1), "string");
    assert_eq!(ty(2), "comment");
    // The comment holds `😀`: 2 units, so its length counts UTF-16 units.
    let comment = MAIN.lines().nth(1).unwrap();
    assert_eq!(data[2 * 5 + 2], comment.encode_utf16().count());

    // An edit after non-ASCII text: `30%` becomes `130%`; the error's range is where scn
    // check puts it, in UTF-16 columns.
    let (l, ch) = pos(MAIN, "30% at", 0);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch}}, "text": "1"}
        ]}),
    );
    let (diags, version) = c.diagnostics(&main);
    assert_eq!(version, 2);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + 4}})
    );
    let edited = MAIN.replacen("30% at", "130% at", 1);
    std::fs::write(dir.path().join("edited.scn"), &edited).unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["check", "edited.scn"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8(check.stderr).unwrap();
    let header = stderr.lines().next().unwrap();
    let message = diags[0]["message"].as_str().unwrap();
    assert_eq!(
        header,
        // scn check counts characters: `😀` before the error is one, not two units.
        // The terminal shows the diagnostic's code at the end; the server sends it apart.
        format!(
            "edited.scn:{}:{}: error: {message} [{}]",
            l + 1,
            ch,
            diags[0]["code"].as_str().unwrap()
        ),
        "scn check and the server agree"
    );
    // Back as it was: no diagnostics.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 3}, "contentChanges": [
            {"range": {"start": {"line": l, "character": ch}, "end": {"line": l, "character": ch + 1}}, "text": ""}
        ]}),
    );
    let (diags, version) = c.diagnostics(&main);
    assert_eq!((diags.len(), version), (0, json!(3)));

    // Formatting gives what `scn fmt` gives.
    let messy = "scenario   s {\n branch a p=40%\n   branch b p = rest }\n";
    let messy_uri = uri(&dir.path().join("messy.scn"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": messy_uri, "languageId": "scn", "version": 1, "text": messy}}),
    );
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy_uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let mut fmt = Command::new(env!("CARGO_BIN_EXE_scn"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    fmt.stdin
        .take()
        .unwrap()
        .write_all(messy.as_bytes())
        .unwrap();
    let expected = String::from_utf8(fmt.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(edits[0]["newText"], expected);
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );

    // A file with a syntax error: the range of scn check's caret.
    let broken = "scenario s {\n  let é = 1\n}\n";
    let broken_uri = uri(&dir.path().join("broken.scn"));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": broken_uri, "languageId": "scn", "version": 7, "text": broken}}),
    );
    let (diags, version) = c.diagnostics(&broken_uri);
    assert_eq!(version, 7);
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 1, "character": 6})
    );
    assert_eq!(diags[0]["severity"], 1);

    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    c.notify("exit", Value::Null);
    let status = c.child.wait().unwrap();
    assert!(status.success(), "{status}");
    println!("transcript:\n  {}", c.transcript.join("\n  "));
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let data = tempfile::tempdir().unwrap();
    let mut c = Client::start(data.path());
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

/// An imported file open in the editor is read as the editor has it: an unsaved edit of the
/// template moves the importer's numbers and diagnostics, and closing it without saving
/// brings back the file on disk.
#[test]
fn imports_are_read_as_the_editor_has_them() {
    let Library {
        dir,
        data,
        main,
        lib,
    } = Library::new();
    let mut c = Client::start(data.path());
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "scn", "version": 1, "text": MAIN}}),
    );
    assert_eq!(c.diagnostics(&main).0, Vec::<Value>::new());
    let (l, ch) = pos(MAIN, "ceasefire.signed", 11);
    let signed = |c: &mut Client| {
        let h = c.request("textDocument/hover", at(&main, l, ch));
        h["contents"]["value"].as_str().unwrap().to_owned()
    };
    assert!(signed(&mut c).contains("path probability: **15%**"));

    // The template halves the signing chance in the editor, unsaved: 30% × 50% × 50%.
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": lib, "languageId": "scn", "version": 1, "text": LIB}}),
    );
    let halved = LIB.replace("p = p_sign #deal", "p = p_sign / 2 #deal");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": lib, "version": 2}, "contentChanges": [{"text": halved}]}),
    );
    let text = signed(&mut c);
    assert!(text.contains("path probability: **7.5%**"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("lib.scn")).unwrap(),
        LIB
    );

    // A mistake in the unsaved template is the importer's error too.
    let broken = LIB.replace("p = p_sign #deal", "p = p_sign * 3 #deal");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": lib, "version": 3}, "contentChanges": [{"text": broken}]}),
    );
    loop {
        let (diags, _) = c.diagnostics(&main);
        if !diags.is_empty() {
            break;
        }
    }

    // Closed without saving: the file on disk again.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": lib}}),
    );
    assert!(signed(&mut c).contains("path probability: **15%**"));
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}

#[test]
fn plugins_run_only_for_a_trusted_library() {
    let lib = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/plugins/base_rates.py")
        .canonicalize()
        .unwrap();
    // The command leaves a mark when it runs at all.
    let marker = lib.path().join("started");
    std::fs::write(
        lib.path().join("scn.toml"),
        format!(
            "[plugins.base_rates]\ncommand = [\"sh\", \"-c\", \"touch {} && exec python3 {}\"]\n",
            marker.display(),
            plugin.display()
        ),
    )
    .unwrap();
    let text = "plugin base_rates\nscenario s {\n  branch coup p = base_rates.coup(2)\n  branch calm p = rest\n  forecast f = P(coup)\n}\n";
    let path = lib.path().join("main.scn");
    std::fs::write(&path, text).unwrap();
    let main = uri(&path);
    let mut c = Client::start(data.path());
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(lib.path()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "scn", "version": 1, "text": text}}),
    );
    let (diags, _) = c.diagnostics(&main);
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the plugin `base_rates` is not trusted"),
        "{message}"
    );
    assert!(!marker.exists(), "an untrusted plugin was started");

    // Trusted: the next analysis (a save) runs it.
    let trust = Command::new(env!("CARGO_BIN_EXE_scn"))
        .arg("trust")
        .arg(lib.path())
        .env("SCN_DATA_DIR", data.path())
        .output()
        .unwrap();
    assert!(trust.status.success(), "{trust:?}");
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": main}}),
    );
    let (diags, _) = c.diagnostics(&main);
    assert_eq!(diags, Vec::<Value>::new());
    assert!(marker.exists());
    let h = c.request("textDocument/hover", at(&main, 4, 12));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("value: **"),
        "{h}"
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
}

#[test]
fn the_budget_applies_and_one_run_trust_is_refused() {
    // 2 x 2 x 2 leaves through a template used twice at each level: 14 nodes, more than 10.
    let text = "template t1() {\n  branch a p = 0.5\n  branch b p = rest\n}\n\
                template t2() {\n  branch x p = 0.5 { use t1() }\n  branch y p = rest { use t1() }\n}\n\
                scenario s {\n  branch l p = 0.5 { use t2() }\n  branch r p = rest { use t2() }\n}\n";
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.scn");
    std::fs::write(&path, text).unwrap();
    let check = |max: &str| {
        Command::new(env!("CARGO_BIN_EXE_scn"))
            .args(["check", "--max-nodes", max])
            .arg(&path)
            .output()
            .unwrap()
    };
    assert!(check("1000").status.success());
    let small = check("10");
    assert!(!small.status.success());
    let small = String::from_utf8(small.stderr).unwrap();

    let mut c = Client::start_with(
        data.path(),
        &["--trust-plugins", "lsp", "--max-nodes", "10"],
    );
    c.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    c.notify("initialized", json!({}));
    let u = uri(&path);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "scn", "version": 1, "text": text}}),
    );
    let (diags, _) = c.diagnostics(&u);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let message = diags[0]["message"].as_str().unwrap();
    let first = message.lines().next().unwrap();
    assert!(first.contains("grows past 10 nodes"), "{message}");
    assert!(
        small
            .lines()
            .next()
            .unwrap()
            .ends_with(&format!("{first} [{}]", diags[0]["code"].as_str().unwrap())),
        "scn check --max-nodes 10 says the same: {small}"
    );
    c.request("shutdown", Value::Null);
    c.notify("exit", Value::Null);
    assert!(c.child.wait().unwrap().success());
    let log = c.stderr.join().unwrap();
    assert!(
        log.contains("--trust-plugins and SCN_TRUST_PLUGINS do not apply to the language server"),
        "{log}"
    );
}
