//! External plugins end to end: the Python example of `examples/plugins/` declared in a
//! library's scn.toml, its answers, and one diagnostic per failure mode of the
//! protocol (docs/plugins.md).

use std::path::{Path, PathBuf};

use scn_cli::{Exit, Io};

fn example_plugin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/plugins/base_rates.py")
        .canonicalize()
        .unwrap()
}

/// A fresh library folder with a scn.toml declaring `base_rates` with extra arguments.
fn library(name: &str, plugin_args: &[&str], timeout_ms: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scn-plugin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = vec!["python3".to_owned(), example_plugin().display().to_string()];
    command.extend(plugin_args.iter().map(|s| (*s).to_owned()));
    let quoted: Vec<String> = command.iter().map(|c| format!("{c:?}")).collect();
    std::fs::write(
        dir.join("scn.toml"),
        format!(
            "[plugins.base_rates]\ncommand = [{}]\ntimeout_ms = {timeout_ms}\n",
            quoted.join(", ")
        ),
    )
    .unwrap();
    dir
}

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

const SCENARIO: &str = r#"plugin base_rates
scenario coups "Coups and ceasefires" {
  branch coup "Coup attempt within 2 years" p = base_rates.coup(2)
  branch calm "No coup" p = rest {
    branch holds "Ceasefire holds" p = base_rates.ceasefire_holds()
    branch fails "Ceasefire fails" p = rest
  }
  forecast p_coup = P(coup)
  forecast p_holds = P(holds | calm)
  forecast p_blend = P(coup) + 0 * base_rates.blend(0.1, 0.3)
}
"#;

fn write(dir: &Path, text: &str) -> String {
    let f = dir.join("main.scn");
    std::fs::write(&f, text).unwrap();
    f.display().to_string()
}

fn json(out: &str) -> serde_json_lite::Doc {
    serde_json_lite::Doc(out.to_owned())
}

/// Just enough JSON reading for these tests without another dependency.
mod serde_json_lite {
    pub struct Doc(pub String);
    impl Doc {
        /// The number after `"id": "NAME"` … `"value": `.
        pub fn forecast(&self, name: &str) -> f64 {
            let at = self
                .0
                .find(&format!("\"id\": \"{name}\""))
                .expect("forecast present");
            let rest = &self.0[at..];
            let v = rest.find("\"value\": ").expect("value") + 9;
            let end = rest[v..].find([',', '\n']).unwrap();
            rest[v..v + end].trim().parse().unwrap()
        }
    }
}

#[test]
fn the_python_example_answers_numbers_and_distributions() {
    let dir = library("ok", &[], 5000);
    let main = write(&dir, SCENARIO);
    let (code, out, err) = run(&["--trust-plugins", "eval", &main, "--format", "json"]);
    assert_eq!(code, Exit::Ok, "{err}");
    let doc = json(&out);
    // 1 − e^(−0.03·2)
    let want = 1.0 - (-0.06f64).exp();
    assert!((doc.forecast("p_coup") - want).abs() < 1e-12);
    // Beta(8, 14) has mean 8/22.
    assert!((doc.forecast("p_holds") - 8.0 / 22.0).abs() < 1e-12);
    // The distribution is sampled like any other.
    let (code, out, _) = run(&[
        "--trust-plugins",
        "eval",
        &main,
        "--format",
        "json",
        "--samples",
        "4000",
    ]);
    assert_eq!(code, Exit::Ok);
    assert!(out.contains("\"n\": 4000"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first diagnostic line of a failing check, with the temp path replaced.
fn failure(
    name: &str,
    plugin_args: &[&str],
    timeout_ms: u64,
    text: &str,
    extra: &[&str],
) -> String {
    let dir = library(name, plugin_args, timeout_ms);
    let main = write(&dir, text);
    let mut args = vec!["check"];
    if extra.is_empty() {
        // The library is a fresh temporary folder: trusted for this run only.
        args.push("--trust-plugins");
    }
    args.extend_from_slice(extra);
    args.push(&main);
    let (code, _, err) = run(&args);
    assert_eq!(code, Exit::Invalid, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let first = err
        .lines()
        .next()
        .unwrap_or_default()
        .replace(&main, "main.scn");
    let _ = std::fs::remove_dir_all(&dir);
    first
}

#[test]
fn every_failure_is_a_diagnostic_at_the_call() {
    let one_call = "plugin base_rates\nscenario s {\n  branch a p = base_rates.coup(2)\n  branch b p = rest\n}\n";
    insta::assert_snapshot!(failure("crash", &["crash"], 5000, one_call, &[]), @"main.scn:3:16: error: the plugin `base_rates` exited (exit status: 3): plugin: simulated crash [plugin]");
    insta::assert_snapshot!(failure("hang", &["hang"], 300, one_call, &[]), @"main.scn:3:16: error: the plugin `base_rates` did not answer within 300 ms [plugin]");
    insta::assert_snapshot!(failure("garbage", &["garbage"], 5000, one_call, &[]), @"main.scn:3:16: error: the plugin `base_rates` answered something that is not JSON: `this is not json` [plugin]");
    insta::assert_snapshot!(failure("wrong-id", &["wrong-id"], 5000, one_call, &[]), @"main.scn:3:16: error: the plugin `base_rates` answered request 1 with the id -1 [plugin]");
    let unknown_fn = one_call.replace("coup(2)", "coop(2)");
    insta::assert_snapshot!(failure("unknown-fn", &[], 5000, &unknown_fn, &[]), @"main.scn:3:27: error: the plugin `base_rates` has no function `coop`; did you mean `coup`? [unknown-function]");
    let arity = one_call.replace("coup(2)", "coup(2, 3)");
    insta::assert_snapshot!(failure("arity", &[], 5000, &arity, &[]), @"main.scn:3:16: error: base_rates.coup takes 1 argument, got 2 [wrong-arguments]");
    let plugin_error = one_call.replace("coup(2)", "coup(-1)");
    insta::assert_snapshot!(failure("error", &[], 5000, &plugin_error, &[]), @"main.scn:3:16: error: the plugin `base_rates` reported an error: years must be positive [plugin]");
    let not_const = "plugin base_rates\nscenario s {\n  let y = 2\n  branch a p = base_rates.coup(y)\n  branch b p = rest\n}\n";
    insta::assert_snapshot!(failure("not-const", &[], 5000, not_const, &[]), @"main.scn:4:16: error: base_rates.coup runs outside scn, once, when the file loads: its arguments must be numbers, not lets, names or distributions [plugin]");
    let missing = one_call.replace("base_rates", "nowhere");
    insta::assert_snapshot!(failure("missing", &[], 5000, &missing, &[]), @"main.scn:1:8: error: unknown plugin `nowhere` [plugin]");
    insta::assert_snapshot!(failure("refused", &[], 5000, one_call, &["--no-plugins"]), @"main.scn:1:8: error: the plugin `base_rates` is refused: external plugins are off (--no-plugins) [plugin]");
}

#[test]
fn a_scn_file_alone_never_starts_a_process() {
    // No scn.toml above the file: the plugin is unknown even though its name is declared.
    let dir = std::env::temp_dir().join(format!("scn-plugin-alone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let main = write(
        &dir,
        "plugin base_rates\nscenario s {\n  branch a p = base_rates.coup(2)\n  branch b p = rest\n}\n",
    );
    let (code, _, err) = run(&["check", &main]);
    assert_eq!(code, Exit::Invalid);
    assert!(err.contains("unknown plugin `base_rates`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
