//! `scn completions` and `scn man`, and counts on the command line written as numbers are
//! written in a scenario.

use scn_cli::{Exit, Io};

fn run(args: &[&str]) -> (Exit, String, String) {
    let mut stdin: &[u8] = b"";
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut out,
        stderr: &mut err,
    };
    let mut argv = vec!["scn"];
    argv.extend_from_slice(args);
    let code = scn_cli::run(argv, &mut io);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn completions_for_each_shell_name_every_command() {
    for (shell, marker) in [
        ("bash", "complete -F _scn"),
        ("zsh", "#compdef scn"),
        ("fish", "complete -c scn"),
    ] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!((code, err.as_str()), (Exit::Ok, ""), "{shell}");
        assert!(out.contains(marker), "{shell}: {out}");
        for cmd in [
            "check",
            "eval",
            "test",
            "fmt",
            "trust",
            "lsp",
            "completions",
            "man",
        ] {
            assert!(out.contains(cmd), "{shell} lacks {cmd}");
        }
        assert!(out.contains("watch"), "{shell} lacks --watch");
    }
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

#[test]
fn the_manual_page_is_roff() {
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, Exit::Ok);
    assert!(out.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{out}");
    assert!(out.contains(".TH scn 1"), "{out}");
    assert!(out.contains("scenario\\-tree forecasting"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let (code, _, err) = run(&["man", "--dir", pages.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (Exit::Ok, ""));
    for page in ["scn.1", "scn-eval.1", "scn-lsp.1", "scn-completions.1"] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn samples_are_written_as_numbers_are() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.scn");
    std::fs::write(
        &f,
        "scenario s { branch a p = beta(2, 8) branch b p = rest forecast f = P(a) }",
    )
    .unwrap();
    let f = f.to_str().unwrap();
    for n in ["2k", "2e3", "2_000", "2.0k"] {
        let (code, out, err) = run(&["eval", f, "--samples", n, "--format", "json"]);
        assert_eq!((code, err.as_str()), (Exit::Ok, ""), "{n}");
        assert!(out.contains("\"requested\": 2000"), "{n}: {out}");
    }
    let (code, _, err) = run(&["eval", f, "--samples", "1.5k5"]);
    assert_eq!(code, Exit::Usage);
    assert!(
        err.contains("not a number; write a count as 10000, 10_000, 10k or 1e4"),
        "{err}"
    );
    let (code, _, err) = run(&["eval", f, "--samples", "2.5"]);
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("`2.5` is 2.5, not a whole number"), "{err}");
    let (code, _, err) = run(&["eval", f, "--samples=-3"]);
    assert_eq!(code, Exit::Usage);
    assert!(err.contains("it cannot be negative"), "{err}");
    let (code, _, err) = run(&["eval", f, "--samples", "2B"]);
    assert_eq!(code, Exit::Usage);
    assert!(
        err.contains("more than the most allowed, 1000000000"),
        "{err}"
    );
}
