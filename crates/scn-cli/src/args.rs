//! What the command line can say. These structs only describe arguments; each command
//! turns them into what it needs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

/// scn: scenario-tree forecasting. Check, evaluate, test and format `.scn` files.
#[derive(Debug, Parser)]
#[command(
    name = "scn",
    version,
    about,
    after_help = "Documentation, in the repository: docs/README.md (start with docs/tutorial.md; \
                  commands and exit codes: docs/reference/cli.md).",
    max_term_width = 100
)]
pub struct Cli {
    /// Refuse every external plugin, even those the library's scn.toml declares (docs/plugins.md).
    #[arg(long, global = true)]
    pub no_plugins: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and validate files, run their point evaluation; print every diagnostic.
    #[command(
        after_help = "Exit codes: 0 valid, 1 invalid, 2 unreadable. Every error message, with an \
                      example: docs/reference/errors.md."
    )]
    Check(CheckArgs),
    /// Evaluate a scenario and print a report.
    #[command(
        after_help = "See docs/reference/cli.md#scn-eval; what the numbers mean: \
                      docs/reference/evaluation.md; the JSON report: docs/reference/json.md."
    )]
    Eval(EvalArgs),
    /// Check every `expect` of every scenario under the paths.
    #[command(
        after_help = "Exit codes: 0 all hold, 3 one failed, 1 a file is invalid. See \
                      docs/reference/cli.md#scn-test."
    )]
    Test(TestArgs),
    /// Rewrite files in the canonical layout.
    #[command(after_help = "See docs/reference/cli.md#scn-fmt.")]
    Fmt(FmtArgs),
    /// What drives each forecast and decision: tornado, thresholds, risk profiles, and with
    /// --samples each input's share of the variance.
    #[command(
        after_help = "See docs/reference/cli.md#scn-sens; what the numbers mean: docs/analysis.md."
    )]
    Sens(SensArgs),
    /// What knowing more before a decision is worth: EVPI of events (--know) or of the
    /// uncertain inputs (--samples).
    #[command(
        after_help = "See docs/reference/cli.md#scn-voi; what the numbers mean: docs/analysis.md."
    )]
    Voi(VoiArgs),
}

/// The formats of `scn sens` and `scn voi`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AnalysisFormat {
    /// Tables for a terminal.
    #[default]
    Text,
    /// JSON for programs (docs/analysis.md#json).
    Json,
}

/// `scn sens FILE`
#[derive(Debug, Args)]
pub struct SensArgs {
    /// The scenario file; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Analyse this forecast, or the decision at this node path (the scenario's id for a
    /// decision at the root); repeat for more [default: every forecast and decision].
    #[arg(long, value_name = "ID")]
    pub forecast: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub format: AnalysisFormat,
    /// Also draw this many Monte Carlo samples and give each uncertain input's share of
    /// each target's variance.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo [default: 20251205, or the library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Move input NAME (a let, or a branch's dotted path) from LO to HI instead of its
    /// default range; repeat for more.
    #[arg(long, value_name = "NAME=LO..HI")]
    pub range: Vec<String>,
    /// Bars and shares shown per target in text (0: all, and every input listed); JSON has
    /// them all.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// `scn voi FILE`
#[derive(Debug, Args)]
pub struct VoiArgs {
    /// The scenario file; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The decision, by its node path [default: the decision at the root].
    #[arg(long, value_name = "NODE")]
    pub decision: Option<String>,
    /// An event learnt before the decision (the syntax of `--given`); repeat for the others
    /// that could be learnt instead: the cells are each event, and none of them.
    #[arg(long, value_name = "EVENT")]
    pub know: Vec<String>,
    /// Learn every uncertain input instead: EVPI and each let's EVPPI from this many samples.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo [default: 20251205, or the library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub format: AnalysisFormat,
}

/// `scn eval FILE`
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The scenario file; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Report format [default: text, or the library's `[defaults] format`].
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
    /// Monte Carlo: draw this many samples of every uncertain input (0: none); see
    /// docs/reference/evaluation.md [default: 0, or the library's `[defaults] samples`].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=1_000_000_000))]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo; the same seed gives the same numbers [default: 20251205, or the
    /// library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Worker threads for Monte Carlo (default: one per core); never changes the numbers.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Condition on an event, as `observe` does; repeat to combine with `and`. Events:
    /// docs/reference/expressions.md#events.
    #[arg(long, value_name = "EVENT")]
    pub given: Vec<String>,
    /// Write the report here (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `scn test [PATH...]`
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or folders (searched recursively for `.scn` files) [default: the scenario folders
    /// of the scn.toml governing the current folder, else the current folder].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
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
