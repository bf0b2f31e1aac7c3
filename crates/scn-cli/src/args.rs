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
    /// Refuse every external plugin, even those of a trusted scn.toml (docs/plugins.md).
    #[arg(long, global = true)]
    pub no_plugins: bool,
    /// Let the external plugins of the library's scn.toml run for this run, trusted or not
    /// (for CI; SCN_TRUST_PLUGINS=1 does the same). See `scn trust`.
    #[arg(long, global = true, conflicts_with = "no_plugins")]
    pub trust_plugins: bool,
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
    /// Trust a library's scn.toml to run the external plugins it declares.
    Trust(TrustArgs),
    /// Compare two versions of a scenario: what changed, and which edits moved each forecast.
    #[command(
        after_help = "OLD and NEW are files, `-`, or REV:PATH (PATH as the git repository \
                      around it holds it at revision REV, e.g. HEAD~1:s.scn). Exit codes: 0 \
                      done, 1 a version is invalid, 2 unreadable or unknown revision. See \
                      docs/diff.md and docs/reference/cli.md#scn-diff."
    )]
    Diff(DiffArgs),
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

/// Budgets shared by the commands that resolve scenarios.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Most nodes a scenario may grow to, counting branches, options, template expansions
    /// and the expressions they compile.
    #[arg(long, value_name = "N", default_value_t = scn_eval::Limits::DEFAULT_MAX_NODES,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_nodes: u64,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> scn_eval::Limits {
        scn_eval::Limits {
            max_nodes: self.max_nodes,
        }
    }
}

/// `scn trust [DIR]`
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// A folder of the library (its scn.toml is found as for a scenario there) [default: the
    /// current folder].
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// List the trusted manifests, and whether each is still as it was trusted.
    #[arg(long, conflicts_with_all = ["dir", "revoke"])]
    pub list: bool,
    /// Stop trusting the library's scn.toml.
    #[arg(long)]
    pub revoke: bool,
}

/// The formats of `scn sens` and `scn voi`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AnalysisFormat {
    /// Tables for a terminal.
    #[default]
    Text,
    /// JSON for programs (docs/analysis.md#json).
    Json,
    /// GitHub-flavoured Markdown tables, for issues, pull requests and wikis.
    Markdown,
    /// One self-contained HTML page with SVG charts, for browsers and print.
    Html,
}

/// `scn sens FILE`
#[derive(Debug, Args)]
pub struct SensArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
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
    /// Bars and shares shown per target in text, Markdown and HTML (0: all, and every input
    /// listed); JSON has them all.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// `scn voi FILE`
#[derive(Debug, Args)]
pub struct VoiArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=scn_eval::MAX_SAMPLES))]
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
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Significant digits of the numbers in text, Markdown and HTML reports, 1 to 12 (JSON
    /// keeps every digit) [default: 3].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=12))]
    pub precision: Option<u8>,
}

/// `scn diff OLD NEW`, `scn diff --history FILE`
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
    /// The old version: a file, `-` (standard input) or REV:PATH.
    #[arg(value_name = "OLD", required_unless_present = "history")]
    pub old: Option<PathBuf>,
    /// The new version: a file, `-` or REV:PATH.
    #[arg(value_name = "NEW", required_unless_present = "history")]
    pub new: Option<PathBuf>,
    /// Instead: every commit that changed FILE or a file it imports, oldest first, with the
    /// first five forecasts at each.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["old", "new"])]
    pub history: Option<PathBuf>,
    /// Report format.
    #[arg(long, short, value_enum, default_value_t = crate::commands::DiffFormat::Text)]
    pub format: crate::commands::DiffFormat,
    /// Show only this forecast; repeat for more.
    #[arg(long = "forecast", value_name = "ID")]
    pub forecasts: Vec<String>,
    /// Also sample both versions (same seed) and say whether each change is beyond sampling
    /// noise [default: 0, none].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=1_000_000_000))]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo and for sampled Shapley values [default: 20251205, or the
    /// library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
}

/// `scn test [PATH...]`
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or folders (searched recursively for `.scn` files) [default: the scenario folders
    /// of the scn.toml governing the current folder, else the current folder].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `scn check FILE...`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files to check; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
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
