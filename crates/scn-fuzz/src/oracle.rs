//! What must hold for every input, whatever it is: no stage panics, exit codes are those of
//! the spec (0 ok, 1 invalid, 2 usage or I/O, 3 failed expectations), the formatter keeps
//! the tree and is idempotent, and sampling gives the same numbers on one thread and on two.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use scn_cli::{Exit, Io};
use scn_dsl::FileId;

/// Something that should never happen, with the input that made it happen.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The stage: `parse`, `fmt`, `check`, `eval …`.
    pub stage: String,
    /// The panic message and location, or what did not hold.
    pub message: String,
    /// The scenario text.
    pub input: String,
    /// The `--given` event, if the stage used one.
    pub given: Option<String>,
}

/// How far inputs got: parsed, then valid (`check` exit 0).
pub static PARSED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Inputs that `check` accepted, and so were evaluated in every format.
pub static VALID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The last panic's message and location, recorded by [`quiet_panics`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the panic hook with one that records the message instead of printing it: the
/// fuzzer reports each crash once, with its input. Only unnamed threads (the fuzzer's own
/// and the sampler's workers) are quiet: a named thread — a test's, whose assertion failed —
/// still prints through the previous hook.
pub fn quiet_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name().is_some() {
            return previous(info);
        }
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *LAST_PANIC
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(format!("{msg} at {at}"));
    }));
}

fn last_panic() -> String {
    LAST_PANIC
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
        .unwrap_or_else(|| "a panic".to_owned())
}

/// Runs `scn` in-process on `stdin`: exit code and standard output, or the panic.
fn scn(args: &[&str], stdin: &str) -> Result<(Exit, String), String> {
    let mut argv = vec!["scn"];
    argv.extend_from_slice(args);
    catch_unwind(AssertUnwindSafe(|| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut input = stdin.as_bytes();
        let mut io = Io {
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
        };
        let code = scn_cli::run(argv, &mut io);
        (code, String::from_utf8_lossy(&out).into_owned())
    }))
    .map_err(|_| last_panic())
}

/// Budget for each run: inputs are small, and a generated template chain must not make one
/// input take seconds.
const MAX_NODES: &str = "20000";

/// Runs every stage on one input; the first thing that does not hold. Must run on a thread
/// with [`scn_dsl::LARGE_STACK`] of stack, as the command line does.
pub fn check_input(input: &str, given: Option<&str>) -> Option<Finding> {
    let finding = |stage: &str, message: String, given: Option<&str>| Finding {
        stage: stage.to_owned(),
        message,
        input: input.to_owned(),
        given: given.map(str::to_owned),
    };
    // Parse and format.
    let parsed = catch_unwind(|| scn_dsl::parse(input, FileId(0))).map_err(|_| last_panic());
    let file = match parsed {
        Err(p) => return Some(finding("parse", p, None)),
        Ok(f) => f.ok(),
    };
    if file.is_some() {
        PARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    if let Some(file) = &file
        && let Some(problem) = format_problem(file, input)
    {
        return Some(finding("fmt", problem, None));
    }
    // Check.
    let code = match scn(&["check", "--max-nodes", MAX_NODES, "-"], input) {
        Err(p) => return Some(finding("check", p, None)),
        Ok((code, _)) => code,
    };
    if !matches!(code, Exit::Ok | Exit::Invalid) {
        return Some(finding("check", format!("exit {code:?}"), None));
    }
    if code != Exit::Ok {
        return None;
    }
    VALID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Every format, then Monte Carlo on one thread and on two, then conditioned.
    for format in ["text", "json", "markdown", "html"] {
        let args = ["eval", "--max-nodes", MAX_NODES, "-f", format, "-"];
        if let Some(f) = run_eval(&args, input) {
            return Some(finding(&format!("eval -f {format}"), f, None));
        }
    }
    let sampled = |threads: &str| {
        scn(
            &[
                "eval",
                "--max-nodes",
                MAX_NODES,
                "-f",
                "json",
                "--samples",
                "64",
                "--threads",
                threads,
                "-",
            ],
            input,
        )
    };
    match (sampled("1"), sampled("2")) {
        (Err(p), _) | (_, Err(p)) => return Some(finding("eval --samples 64", p, None)),
        (Ok((a, one)), Ok((b, two))) => {
            if !allowed(a) || !allowed(b) {
                return Some(finding(
                    "eval --samples 64",
                    format!("exit {a:?} {b:?}"),
                    None,
                ));
            }
            if one != two {
                return Some(finding(
                    "eval --samples 64",
                    "one thread and two gave different reports".into(),
                    None,
                ));
            }
        }
    }
    if let Some(g) = given {
        let args = [
            "eval",
            "--max-nodes",
            MAX_NODES,
            "-f",
            "json",
            "--samples",
            "16",
            "--given",
            g,
            "-",
        ];
        if let Some(f) = run_eval(&args, input) {
            return Some(finding("eval --given", f, Some(g)));
        }
    }
    None
}

fn allowed(code: Exit) -> bool {
    matches!(code, Exit::Ok | Exit::Invalid | Exit::Usage)
}

fn run_eval(args: &[&str], input: &str) -> Option<String> {
    match scn(args, input) {
        Err(p) => Some(p),
        Ok((code, _)) if !allowed(code) => Some(format!("exit {code:?}")),
        Ok(_) => None,
    }
}

/// The formatter's contract, or what broke it.
fn format_problem(file: &scn_dsl::ast::File, input: &str) -> Option<String> {
    let run = catch_unwind(AssertUnwindSafe(|| {
        let formatted = scn_dsl::format(file, input);
        let again = match scn_dsl::parse(&formatted, FileId(0)) {
            Ok(f) => f,
            Err(d) => {
                return Some(format!(
                    "the formatted text does not parse: {}\n--- formatted:\n{formatted}",
                    d[0].message
                ));
            }
        };
        let (mut a, mut b) = (file.clone(), again.clone());
        scn_dsl::visit::erase_spans(&mut a);
        scn_dsl::visit::erase_spans(&mut b);
        if a != b {
            return Some(format!(
                "formatting changed the tree\n--- formatted:\n{formatted}"
            ));
        }
        let twice = scn_dsl::format(&again, &formatted);
        (twice != formatted)
            .then(|| format!("formatting is not idempotent\n--- once:\n{formatted}"))
    }));
    run.unwrap_or_else(|_| Some(last_panic()))
}
