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
    #[command(after_help = "See docs/trust.md.")]
    Trust(TrustArgs),
    /// Record how a forecast's question resolved, in the library's resolutions.toml.
    #[command(
        allow_negative_numbers = true,
        after_help = "See docs/scoring.md and docs/reference/cli.md#scn-resolve."
    )]
    Resolve(ResolveArgs),
    /// Score resolved forecasts: Brier, log and time-averaged Brier scores, calibration.
    #[command(after_help = "See docs/scoring.md and docs/reference/cli.md#scn-score.")]
    Score(ScoreArgs),
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
    /// Run a language server on standard input and output, for editors.
    #[command(
        after_help = "Diagnostics, hover, go to definition, outline, formatting, completion and \
                      semantic tokens. Setting up VS Code, Neovim and Helix: docs/editors.md. \
                      External plugins run only for a library you trust (`scn trust`)."
    )]
    Lsp(LspArgs),
    /// Print a shell's completion script for scn.
    #[command(after_help = "See docs/reference/cli.md#scn-completions.")]
    Completions(CompletionsArgs),
    /// Print scn's manual page (roff), or write one page per command into a folder.
    #[command(after_help = "See docs/reference/cli.md#scn-man.")]
    Man(ManArgs),
}

/// `scn lsp`
#[derive(Debug, Args)]
pub struct LspArgs {
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `scn completions SHELL`
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `scn man [--dir DIR]`
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `scn.1` and a page per command (`scn-eval.1`, …) into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// A count written as the language writes numbers: `10000`, `10_000`, `10k`, `1e4`, `1M`.
fn parse_count(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = text.trim();
    if t.starts_with('-') {
        return Err("it cannot be negative".into());
    }
    let v = scn_dsl::parse_number(t).ok_or_else(|| {
        format!("`{t}` is not a number; write a count as 10000, 10_000, 10k or 1e4")
    })?;
    if v.fract() != 0.0 {
        return Err(format!("`{t}` is {v}, not a whole number"));
    }
    if v > max as f64 {
        return Err(format!("`{t}` is more than the most allowed, {max}"));
    }
    if v < min as f64 {
        return Err(format!("`{t}` is less than the least allowed, {min}"));
    }
    Ok(v as u64)
}

/// `eval --samples` and `diff --samples`: a count of at most [`scn_eval::MAX_SAMPLES`].
fn parse_samples(text: &str) -> Result<u64, String> {
    parse_count(text, 0, scn_eval::MAX_SAMPLES)
}

/// Most samples an analysis draws: `sens` and `voi` keep every sample's row in memory.
const MAX_ANALYSIS_SAMPLES: u64 = 100_000_000;

/// `sens --samples`: 0 (none) up to [`MAX_ANALYSIS_SAMPLES`].
fn parse_sens_samples(text: &str) -> Result<u64, String> {
    parse_count(text, 0, MAX_ANALYSIS_SAMPLES)
}

/// `voi --samples`: at least one sample, up to [`MAX_ANALYSIS_SAMPLES`].
fn parse_voi_samples(text: &str) -> Result<u64, String> {
    parse_count(text, 1, MAX_ANALYSIS_SAMPLES)
}

/// `scn resolve SCENARIO.FORECAST yes|no|NUMBER`
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The forecast: its scenario's id, a dot, its own id.
    #[arg(value_name = "SCENARIO.FORECAST")]
    pub forecast: String,
    /// `yes` or `no` for a probability (a single P(...) query); a number otherwise.
    #[arg(value_name = "yes|no|NUMBER")]
    pub outcome: String,
    /// The day the question resolved, YYYY-MM-DD [default: today, in UTC].
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Where the outcome comes from.
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,
    /// Replace the forecast's earlier resolution instead of refusing.
    #[arg(long)]
    pub replace: bool,
    /// A folder of the library [default: the current folder]: its scn.toml's scenario folders
    /// are searched, else the folder itself.
    #[arg(long, short = 'C', value_name = "DIR")]
    pub library: Option<PathBuf>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The formats of `scn score`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScoreFormat {
    /// Tables for a terminal.
    Text,
    /// One JSON document, for programs (docs/scoring.md#json).
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// One self-contained HTML page: tables, a calibration diagram, and with --history each
    /// forecast's line over its versions.
    Html,
}

/// `scn score [PATH...]`
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Files or folders (searched recursively for `.scn` files) [default: the scenario folders
    /// of the scn.toml governing the current folder, else the current folder].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ScoreFormat::Text)]
    pub format: ScoreFormat,
    /// Write the report into this file (atomically) instead of standard output; never over
    /// an input, a `.scn` file, `scn.toml` or `resolutions.toml`.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Score every version in git: the last before each question ended, and the
    /// time-averaged Brier score over all of them.
    #[arg(long)]
    pub history: bool,
    /// Monte Carlo: score the sampled mean of this many samples (and the 90% interval of
    /// numbers) [default: 0, or the library's `[defaults] samples`].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=scn_eval::MAX_SAMPLES))]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo [default: 20251205, or the library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub limits: LimitArgs,
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
    /// Write the report into this file (atomically) instead of standard output; never over
    /// an input, a `.scn` file, `scn.toml` or `resolutions.toml`.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also draw this many Monte Carlo samples and give each uncertain input's share of
    /// each target's variance.
    #[arg(long, value_name = "N", value_parser = parse_sens_samples)]
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
    #[arg(long, value_name = "N", value_parser = parse_voi_samples)]
    pub samples: Option<u64>,
    /// Seed for Monte Carlo [default: 20251205, or the library's `[defaults] seed`].
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t)]
    pub format: AnalysisFormat,
    /// Write the report into this file (atomically) instead of standard output; never over
    /// an input, a `.scn` file, `scn.toml` or `resolutions.toml`.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Monte Carlo: draw this many samples of every uncertain input (0: none; `100k`, `1e5`
    /// and `100_000` are read as in a scenario); see docs/reference/evaluation.md
    /// [default: 0, or the library's `[defaults] samples`].
    #[arg(long, value_name = "N", value_parser = parse_samples)]
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
    /// Evaluate again whenever the file or a file it imports changes, until interrupted;
    /// errors are printed and the last good report is kept.
    #[arg(long)]
    pub watch: bool,
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
    /// Write the report into this file (atomically) instead of standard output; never over
    /// an input, a `.scn` file, `scn.toml` or `resolutions.toml`.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show only this forecast; repeat for more.
    #[arg(long = "forecast", value_name = "ID")]
    pub forecasts: Vec<String>,
    /// Also sample both versions (same seed) and say whether each change is beyond sampling
    /// noise [default: 0, none].
    #[arg(long, value_name = "N", value_parser = parse_samples)]
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

    #[test]
    fn counts_are_written_as_numbers_are() {
        use super::parse_count;
        assert_eq!(parse_count("1e6", 0, u64::MAX), Ok(1_000_000));
        assert_eq!(parse_count("100k", 0, u64::MAX), Ok(100_000));
        assert_eq!(parse_count("2.5k", 0, u64::MAX), Ok(2_500));
        assert_eq!(parse_count("1_000", 0, u64::MAX), Ok(1_000));
        assert_eq!(parse_count("1M", 0, u64::MAX), Ok(1_000_000));
        assert_eq!(parse_count("0", 0, u64::MAX), Ok(0));
        assert_eq!(
            parse_count("1.5", 0, 10),
            Err("`1.5` is 1.5, not a whole number".into())
        );
        assert_eq!(
            parse_count("50%", 0, 10),
            Err("`50%` is 0.5, not a whole number".into())
        );
        assert_eq!(
            parse_count("-5", 0, 10),
            Err("it cannot be negative".into())
        );
        assert_eq!(
            parse_count("11", 0, 10),
            Err("`11` is more than the most allowed, 10".into())
        );
        assert_eq!(
            super::parse_voi_samples("0"),
            Err("`0` is less than the least allowed, 1".into())
        );
        assert_eq!(super::parse_sens_samples("1e8"), Ok(100_000_000));
        assert!(super::parse_sens_samples("1.5e8").is_err());
        assert_eq!(super::parse_samples("1e9"), Ok(1_000_000_000));
        for bad in [
            "", "k", "1e", "1kk", "0x10", "1 000", "inf", "NaN", "1,000", "1e400",
        ] {
            assert!(parse_count(bad, 0, u64::MAX).is_err(), "{bad}");
        }
    }
}
