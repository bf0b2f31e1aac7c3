//! `scn-fuzz`: runs the fuzzer for a while on a fixed seed and reports what it found.
//!
//! ```text
//! scn-fuzz [--seconds N] [--seed S] [--corpus DIR]... [--crashes DIR]
//! ```
//!
//! Exit 0 when nothing new was found (findings listed in `known.txt` are reported but
//! allowed), 1 after writing each new finding to the crashes folder.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut seconds = 10u64;
    let mut seed = 1u64;
    let mut corpus: Vec<PathBuf> = Vec::new();
    let mut crashes = PathBuf::from("target/fuzz-crashes");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--seconds" => seconds = value().parse().unwrap_or(seconds),
            "--seed" => seed = value().parse().unwrap_or(seed),
            "--corpus" => corpus.push(value().into()),
            "--crashes" => crashes = value().into(),
            "--print" => {
                // Shows what the generator writes, for tuning it.
                let n: u64 = value().parse().unwrap_or(1);
                return print_generated(n, seed);
            }
            _ => {
                eprintln!(
                    "usage: scn-fuzz [--seconds N] [--seed S] [--corpus DIR]... [--crashes DIR] | --print N [--seed S]"
                );
                return ExitCode::from(2);
            }
        }
    }
    if corpus.is_empty() {
        corpus = ["scenarios", "tests/fixtures", "crates/scn-fuzz/corpus"]
            .iter()
            .map(PathBuf::from)
            .collect();
    }
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn({
            let crashes = crashes.clone();
            move || {
                let stop = scn_fuzz::run::Stop::After(std::time::Duration::from_secs(seconds));
                let _ = done.send(scn_fuzz::run::run(stop, seed, &corpus, &crashes).new.len());
            }
        });
    if worker.is_err() {
        return ExitCode::from(101);
    }
    // No single input may take minutes: past the run's time and this grace, the input in
    // hand is saved as a hang and the run fails instead of holding CI until its timeout.
    match finished.recv_timeout(std::time::Duration::from_secs(seconds + HANG_GRACE_SECONDS)) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            let current = scn_fuzz::run::CURRENT
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            let name = crashes.join(format!("hang-{seed}.scn"));
            if let Some((input, given)) = current {
                let _ = std::fs::create_dir_all(&crashes);
                let given = given
                    .map(|g| format!("// --given {g}\n"))
                    .unwrap_or_default();
                let _ = std::fs::write(&name, format!("// scn-fuzz finding: hang\n{given}{input}"));
            }
            println!(
                "scn-fuzz: one input ran past {HANG_GRACE_SECONDS} s over the run's time; saved to {}",
                name.display()
            );
            ExitCode::from(1)
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => ExitCode::from(101),
    }
}

/// How long past `--seconds` the last input may run before it counts as a hang.
const HANG_GRACE_SECONDS: u64 = 120;

fn print_generated(n: u64, seed: u64) -> ExitCode {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    for _ in 0..n {
        let mut bytes = vec![0u8; 4096];
        rng.fill_bytes(&mut bytes);
        let mut u = arbitrary::Unstructured::new(&bytes);
        println!("{}", scn_fuzz::grammar::file(&mut u).unwrap_or_default());
        println!("// ----");
    }
    ExitCode::SUCCESS
}
