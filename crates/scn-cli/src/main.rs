//! The `scn` binary: parses the command line and hands over to [`scn_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    scn_cli::main_with_large_stack()
}
