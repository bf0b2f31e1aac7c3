//! The `scn` command line: argument parsing, commands and report rendering.
//!
//! [`run`] takes the arguments and an [`Io`] (standard streams, or buffers in tests) and returns
//! the exit code (docs/reference/cli.md#exit-codes).

mod args;
mod commands;
mod exit;
mod git;
mod input;
mod output;
mod report;

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Parser as _;

pub use args::Cli;
pub use exit::Exit;

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
    commands::dispatch(cli, io)
}

/// Runs `scn` on the process's arguments and streams, on a thread whose stack holds the
/// deepest nesting the parser accepts.
pub fn main_with_large_stack() -> ExitCode {
    let worker = std::thread::Builder::new()
        .stack_size(scn_dsl::LARGE_STACK)
        .spawn(|| {
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
            let code = run(std::env::args_os(), &mut io);
            let _ = io.stdout.flush();
            code
        });
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code.into(),
        _ => ExitCode::from(Exit::Internal as u8),
    }
}
