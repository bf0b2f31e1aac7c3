//! The `scn` binary: parses the command line and hands over to [`scn_cli::run`].

use std::process::ExitCode;

/// A big scenario is millions of small allocations (its syntax tree, then its model, which
/// is built while the syntax tree is freed). glibc's malloc spends a third of `scn check`'s
/// CPU time on them and keeps the freed syntax tree's pages; mimalloc reuses and returns them
/// (bench/README.md has the figures). Its version 2 (the `v2` feature in the workspace's
/// Cargo.toml) hands freed pages back after 10 ms; version 3 waits a second, longer than
/// `scn check` of a million branches lives, so the freed tree stayed resident to the end.
/// While the syntax tree is freed, the delay is set to none (`allocator.rs` says why).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    scn_cli::main_with_large_stack()
}
