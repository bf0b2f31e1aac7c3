//! What a command that evaluates a scenario runs with, resolved in one place from its flags
//! and the library's `scn.toml` `[defaults]`: a flag wins over a default, a default over the
//! built-in value. Commands receive an [`EvalConfig`] and never read flags or the manifest
//! again; the commands that evaluate (eval, and the analyses that follow it) share it.

use std::path::PathBuf;

use scn_eval::Defaults;

use crate::args::EvalArgs;
use crate::input::is_stdin;
use crate::report::{Format, Numbers};

/// How to evaluate a scenario and report on it.
#[derive(Clone, Debug)]
pub(crate) struct EvalConfig {
    /// Events to condition on, as written (`--given`).
    pub givens: Vec<String>,
    /// Monte Carlo, when asked for (`--samples` above 0).
    pub sampling: Option<Sampling>,
    /// `--threads`, capped: the bound on worker threads for sampling and for the report's
    /// re-evaluations. `None` for one per core.
    pub threads: Option<usize>,
    /// The report.
    pub report: ReportConfig,
    /// What a reader of the command line should be told (a flag lowered to a sane value).
    pub warnings: Vec<String>,
}

/// Worker threads allowed per core: more only adds switching, and `--threads 65535` would
/// spend minutes creating threads.
const THREADS_PER_CORE: usize = 4;

/// A Monte Carlo run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sampling {
    /// Samples to draw.
    pub samples: u64,
    /// The seed: the same seed gives the same numbers.
    pub seed: u64,
    /// Worker threads; `None` for one per core. Never changes the numbers.
    pub threads: Option<usize>,
}

/// How to write a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReportConfig {
    /// Its format.
    pub format: Format,
    /// How numbers are rounded for people (JSON keeps every digit).
    pub numbers: Numbers,
    /// Where it goes.
    pub output: Output,
}

/// Where a report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

/// A `[defaults]` value that means nothing: a usage error (exit 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConfigError(pub String);

impl EvalConfig {
    /// Resolves the flags of `scn eval` against the library's defaults.
    pub(crate) fn new(args: &EvalArgs, defaults: &Defaults) -> Result<EvalConfig, ConfigError> {
        let format = match (args.format, defaults.format()) {
            (Some(f), _) => f,
            (None, Some(name)) => {
                <Format as clap::ValueEnum>::from_str(name, true).map_err(|_| {
                    ConfigError(format!("scn.toml: unknown format `{name}` in [defaults]"))
                })?
            }
            (None, None) => Format::Text,
        };
        let samples = args.samples.or(defaults.samples()).unwrap_or(0);
        let mut warnings = Vec::new();
        let threads = args.threads.map(|t| {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            let max = cores * THREADS_PER_CORE;
            let t = usize::from(t);
            if t > max {
                warnings.push(format!(
                    "--threads {t} is more than {THREADS_PER_CORE} per core; using {max}"
                ));
            }
            t.min(max)
        });
        let sampling = (samples > 0).then(|| Sampling {
            samples,
            seed: args
                .seed
                .or(defaults.seed)
                .unwrap_or(scn_eval::DEFAULT_SEED),
            threads,
        });
        let output = match &args.output {
            Some(path) if !is_stdin(path) => Output::File(path.clone()),
            _ => Output::Stdout,
        };
        Ok(EvalConfig {
            givens: args.given.clone(),
            sampling,
            threads,
            warnings,
            report: ReportConfig {
                format,
                numbers: args.precision.map_or_else(Numbers::default, Numbers::new),
                output,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn config(argv: &[&str], defaults: &Defaults) -> Result<EvalConfig, ConfigError> {
        let cli = Cli::try_parse_from(["scn", "eval"].iter().chain(argv)).expect("valid flags");
        let Command::Eval(args) = cli.command else {
            unreachable!("an eval command")
        };
        EvalConfig::new(&args, defaults)
    }

    #[test]
    fn flags_win_over_defaults_which_win_over_built_ins() {
        let none = Defaults::default();
        let c = config(&["a.scn"], &none).expect("valid");
        assert_eq!(c.report.format, Format::Text);
        assert_eq!(c.sampling, None);
        assert_eq!(c.report.numbers, Numbers::default());
        assert_eq!(c.report.output, Output::Stdout);

        let library = Defaults {
            samples: Some(toml::Spanned::new(0..0, 2000)),
            seed: Some(7),
            format: Some(toml::Spanned::new(0..0, "Markdown".into())),
        };
        let c = config(&["a.scn"], &library).expect("valid");
        assert_eq!(c.report.format, Format::Markdown);
        assert_eq!(
            c.sampling,
            Some(Sampling {
                samples: 2000,
                seed: 7,
                threads: None
            })
        );

        let c = config(
            &[
                "a.scn",
                "-f",
                "json",
                "--samples",
                "0",
                "--seed",
                "9",
                "--precision",
                "5",
                "-o",
                "out.json",
            ],
            &library,
        )
        .expect("valid");
        assert_eq!(c.report.format, Format::Json);
        assert_eq!(
            c.sampling, None,
            "--samples 0 turns the library's sampling off"
        );
        assert_eq!(c.report.numbers, Numbers::new(5));
        assert_eq!(c.report.output, Output::File("out.json".into()));

        let c = config(&["a.scn", "--samples", "10", "--threads", "2"], &none).expect("valid");
        assert_eq!(
            c.sampling,
            Some(Sampling {
                samples: 10,
                seed: scn_eval::DEFAULT_SEED,
                threads: Some(2)
            })
        );
        assert_eq!(c.threads, Some(2));
        let cap = std::thread::available_parallelism().map_or(1, usize::from) * THREADS_PER_CORE;
        let c = config(&["a.scn", "--threads", "65535"], &none).expect("valid");
        assert_eq!(
            (c.sampling, c.threads),
            (None, Some(cap)),
            "the bound holds without sampling too"
        );
        assert_eq!(
            config(&["a.scn", "-o", "-"], &none)
                .expect("valid")
                .report
                .output,
            Output::Stdout
        );
    }

    #[test]
    fn an_unknown_default_format_is_an_error() {
        let bad = Defaults {
            format: Some(toml::Spanned::new(0..0, "pdf".into())),
            ..Defaults::default()
        };
        assert_eq!(
            config(&["a.scn"], &bad).unwrap_err(),
            ConfigError("scn.toml: unknown format `pdf` in [defaults]".into())
        );
        // A flag makes the default irrelevant.
        assert!(config(&["a.scn", "-f", "text"], &bad).is_ok());
    }
}
