//! The VS Code extension's TextMate grammar (editors/vscode/syntaxes/scn.tmLanguage.json),
//! run by the engine VS Code runs it with: `vscode-textmate` and the Oniguruma regex
//! library, installed from the npm registry into the target folder (once; later runs reuse
//! them) and driven by editors/vscode/test/tokenize.js under node. The scopes of a fixture
//! are a snapshot beside it.
//!
//! Ignored by a plain `cargo test`: it needs `node` and `npm`, and the npm registry the first
//! time. `scripts/test` runs it when both programs are there and reports it NOT RUN when they
//! are not, except under `CI`, where a missing one fails the run (`.ci/run` installs them).
//! Once started, nothing is skipped: a failed installation or tokenizer fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

const TEXTMATE: &str = "vscode-textmate@9.3.2";
const ONIGURUMA: &str = "vscode-oniguruma@2.0.1";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The folder holding `node_modules` with both packages. Installed into a folder of its own,
/// then renamed into place, so that tests running at once (in one process or several) never
/// see half an installation.
fn node_packages() -> PathBuf {
    let name = format!("vscode-grammar-node-{TEXTMATE}-{ONIGURUMA}");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let installed = |dir: &Path| {
        [TEXTMATE, ONIGURUMA].iter().all(|pkg| {
            let (name, version) = pkg.split_once('@').unwrap();
            std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json"))
                .is_ok_and(|p| p.contains(&format!("\"version\": \"{version}\"")))
        })
    };
    if installed(&dir) {
        return dir;
    }
    let staging = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let out = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
        ])
        .arg("--prefix")
        .arg(staging.path())
        .args([TEXTMATE, ONIGURUMA])
        .output()
        .unwrap_or_else(|e| panic!("npm is needed to test the TextMate grammar: {e}"));
    assert!(
        out.status.success() && installed(staging.path()),
        "npm install {TEXTMATE} {ONIGURUMA} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another test may have got there first: then its installation is used.
    let staged = staging.keep();
    if std::fs::rename(&staged, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    assert!(
        installed(&dir),
        "{} is not a complete installation",
        dir.display()
    );
    dir
}

/// Each token of `input` with its scopes, one per line.
fn tokenize(input: &Path) -> String {
    let packages = node_packages();
    let vscode = repo().join("editors/vscode");
    let out = Command::new("node")
        .arg(vscode.join("test/tokenize.js"))
        .arg(vscode.join("syntaxes/scn.tmLanguage.json"))
        .arg(input)
        .env("NODE_PATH", packages.join("node_modules"))
        .output()
        .unwrap_or_else(|e| panic!("node is needed to test the TextMate grammar: {e}"));
    assert!(
        out.status.success(),
        "tokenize.js failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs node and npm; scripts/test runs it when they are installed, and CI installs them"]
fn the_fixture_gets_its_scopes() {
    let tokens = tokenize(&repo().join("editors/vscode/test/fixture.scn"));
    insta::with_settings!({
        snapshot_path => repo().join("editors/vscode/test/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("fixture", tokens);
    });
}

/// Every reserved word of grammar/scn.pest is coloured as a keyword, never as a name.
#[test]
#[ignore = "needs node and npm; scripts/test runs it when they are installed, and CI installs them"]
fn every_keyword_of_the_grammar_is_a_keyword() {
    let pest = std::fs::read_to_string(repo().join("grammar/scn.pest")).unwrap();
    let rule = pest
        .split("keyword = _{")
        .nth(1)
        .and_then(|r| r.split("~ !ident_char").next())
        .expect("the keyword rule");
    let words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
    assert!(words.len() > 30, "{words:?}");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("keywords.scn");
    // `P` and `E` are queries only before a parenthesis.
    let lines: Vec<String> = words.iter().map(|w| format!("{w}(")).collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let tokens = tokenize(&input);
    let firsts: Vec<&str> = tokens.lines().filter(|l| !l.starts_with("\"(\"")).collect();
    assert_eq!(firsts.len(), words.len(), "{tokens}");
    for (word, line) in words.iter().zip(firsts) {
        assert!(line.starts_with(&format!("\"{word}\" ")), "{line}");
        let scope = line.rsplit(' ').next().unwrap();
        assert!(
            scope.starts_with("keyword.")
                || scope.starts_with("constant.language.")
                || scope.starts_with("support.function.query."),
            "`{word}` is {scope}"
        );
    }
}
