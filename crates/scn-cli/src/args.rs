//! What the command line can say. These structs only describe arguments; each command
//! turns them into what it needs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// scn: scenario-tree forecasting. Parse, check, evaluate and test `.scn` files.
#[derive(Debug, Parser)]
#[command(name = "scn", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and validate files; print every diagnostic.
    Check(CheckArgs),
    /// Rewrite files in the canonical layout.
    Fmt(FmtArgs),
}

/// `scn check FILE...`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files to check; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `scn fmt [--check] FILE...`
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Write nothing; exit 1 and name each file that is not formatted.
    #[arg(long)]
    pub check: bool,
    /// Files to format in place; `-` formats standard input to standard output.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
