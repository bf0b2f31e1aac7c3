//! The `scn` command line: argument parsing, commands and report rendering.
//!
//! [`run`] takes the arguments and an [`Io`] (standard streams, or buffers in tests) and returns
//! the exit code (docs/reference/cli.md#exit-codes).

mod allocator;
mod args;
mod color;
mod commands;
mod config;
mod exit;
mod git;
mod input;
mod lsp;
mod memory;
mod output;
mod report;
mod signals;

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Parser as _;

pub use args::Cli;
pub use exit::Exit;
pub use input::{DATA_DIR_ENV, TRUST_ENV};
/// Makes user text safe for a terminal (control characters and bidirectional overrides
/// replaced): what every renderer calls on labels, notes and names.
pub use scn_dsl::{sanitize, sanitize_lines};

/// The standard streams of a run, replaceable in tests.
pub struct Io<'a> {
    /// Read by `-`.
    pub stdin: &'a mut dyn Read,
    /// Reports and formatted text.
    pub stdout: &'a mut dyn Write,
    /// Diagnostics and warnings.
    pub stderr: &'a mut dyn Write,
}

/// Runs `scn` with these arguments (the first is the program name).
pub fn run<I, T>(args: I, io: &mut Io<'_>) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                io.stderr.write_all(text.as_bytes())
            } else {
                io.stdout.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let mut stdout = output::Tracked::new(io.stdout);
    let mut tracked = Io {
        stdin: io.stdin,
        stdout: &mut stdout,
        stderr: io.stderr,
    };
    let code = commands::dispatch(cli, &mut tracked);
    match stdout.finish() {
        // A reader that stopped early (`| head`) is not an error.
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            let _ = writeln!(
                io.stderr,
                "scn: error: cannot write to standard output: {e}"
            );
            code.combine(Exit::Usage)
        }
        None => code,
    }
}

/// Stacks tried for the worker thread, largest first: the first is [`scn_dsl::LARGE_STACK`];
/// the others serve under a low `ulimit -v`, with nesting limits lowered to fit.
const STACKS: [usize; 4] = [scn_dsl::LARGE_STACK, 512 << 20, 128 << 20, 32 << 20];

/// Runs `scn` on the process's arguments and streams, on a thread whose stack holds the
/// deepest nesting the parser accepts. Stops every plugin's process group before returning.
pub fn main_with_large_stack() -> ExitCode {
    signals::install();
    color::detect();
    let mut last_error = None;
    for size in STACKS {
        scn_dsl::set_stack_size(size);
        match spawn_worker(size) {
            Ok(worker) => {
                let code = match worker.join() {
                    Ok(code) => code.into(),
                    Err(_) => ExitCode::from(Exit::Internal as u8),
                };
                scn_eval::stop_all();
                return code;
            }
            Err(e) => last_error = Some(e),
        }
    }
    eprintln!(
        "scn: error: cannot reserve {} MiB of stack for a thread: {}; the limit on virtual memory (`ulimit -v`) is too low",
        STACKS[STACKS.len() - 1] >> 20,
        last_error.map_or_else(String::new, |e| e.to_string())
    );
    ExitCode::from(Exit::Usage as u8)
}

fn spawn_worker(stack: usize) -> std::io::Result<std::thread::JoinHandle<Exit>> {
    std::thread::Builder::new().stack_size(stack).spawn(|| {
        // stderr stays unlocked: a sampling thread that ever writes to it (a panic
        // message) must not wait forever on a lock this thread holds.
        let (mut stdin, mut stdout, mut stderr) = (
            std::io::stdin().lock(),
            std::io::stdout().lock(),
            std::io::stderr(),
        );
        let mut io = Io {
            stdin: &mut stdin,
            stdout: &mut stdout,
            stderr: &mut stderr,
        };
        run(std::env::args_os(), &mut io)
    })
}
