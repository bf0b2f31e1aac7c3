//! The `scn` binary: parses the command line and hands over to [`scn_cli::run`].

use std::process::ExitCode;

/// A big scenario is millions of small allocations (its syntax tree, then its model, which
/// is built while the syntax tree is freed). glibc's malloc spends a third of `scn check`'s
/// CPU time on them and keeps the freed syntax tree's pages; mimalloc reuses and returns them
/// (bench/README.md has the figures).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    scn_cli::main_with_large_stack()
}
