//! `scn diff OLD NEW`: what changed between two versions of a scenario, and which edits
//! moved each forecast; `scn diff --history FILE`: the forecasts at every commit.
//!
//! This module reads and evaluates the versions; the comparison itself is
//! `scn_eval::diff`. The renderers beside it (`text`, `json`, `markdown`, `html`) read one
//! [`DiffReport`]; `terms` writes the figures the formats for people share.

mod history;
mod html;
mod json;
mod markdown;
mod terms;
mod text;

use std::path::{Path, PathBuf};

use scn_eval::diff::{Diff, DiffOptions, Side};
use scn_eval::{Evaluation, Loaded, Samples, Summary};

use crate::args::DiffArgs;
use crate::git::Repo;
use crate::input::RunOptions;
use crate::input::{self, is_stdin};
use crate::{Exit, Io};

/// The formats of `scn diff --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Tables for a terminal.
    Text,
    /// JSON, for programs (docs/diff.md#json).
    Json,
    /// GitHub-flavoured Markdown, for issues and pull requests.
    Markdown,
    /// One self-contained HTML page with a waterfall chart per forecast.
    Html,
}

/// One version, read and evaluated.
pub(crate) struct Version {
    /// How the command line named it.
    pub shown: String,
    pub loaded: Loaded,
    pub evaluation: Evaluation,
}

/// A version named on the command line.
enum Spec<'a> {
    /// A file, or `-`.
    Path(&'a Path),
    /// `REV:PATH`.
    Git { rev: &'a str, path: PathBuf },
}

/// `REV:PATH` unless the argument names a file that exists (or `-`); the revision ends at
/// the first `:` outside braces (`HEAD@{…}` may hold colons).
fn spec(arg: &Path) -> Spec<'_> {
    if is_stdin(arg) || arg.exists() {
        return Spec::Path(arg);
    }
    let Some(s) = arg.to_str() else {
        return Spec::Path(arg);
    };
    let mut depth = 0u32;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                return Spec::Git {
                    rev: &s[..i],
                    path: PathBuf::from(&s[i + 1..]),
                };
            }
            _ => {}
        }
    }
    Spec::Path(arg)
}

/// Why a version could not be used: already reported; the exit code.
struct Failed(Exit);

fn usage(io: &mut Io<'_>, message: &str) -> Failed {
    let _ = writeln!(io.stderr, "scn: error: {message}");
    Failed(Exit::Usage)
}

/// Reads, resolves and evaluates one version.
fn read_version(arg: &Path, options: RunOptions, io: &mut Io<'_>) -> Result<Version, Failed> {
    let (shown, loaded) = match spec(arg) {
        Spec::Path(path) => match input::load(path, io.stdin, options) {
            Ok((loaded, _)) => (
                if is_stdin(path) {
                    input::STDIN_NAME.to_owned()
                } else {
                    path.display().to_string()
                },
                loaded,
            ),
            Err(e) => return Err(Failed(super::report_read_error(e, io))),
        },
        Spec::Git { rev, path } => {
            let shown = format!("{rev}:{}", path.display());
            let (repo, rel) = Repo::around(&path).map_err(|e| usage(io, &e))?;
            let commit = repo.commit(rev).map_err(|e| usage(io, &e))?;
            let snapshot = repo.at(commit);
            let bytes = match snapshot.text(&rel) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return Err(usage(
                        io,
                        &format!(
                            "{} does not exist at revision `{}` (as {} in the repository)",
                            path.display(),
                            crate::git::clean(rev),
                            rel.display()
                        ),
                    ));
                }
                Err(e) => return Err(usage(io, &e)),
            };
            let (name, text) = match input::decode(shown.clone(), bytes) {
                Ok(t) => t,
                Err(e) => return Err(Failed(super::report_read_error(e, io))),
            };
            // Plugins are the ones the library allows today, whatever the old revision's
            // scn.toml said: running code is the user's say-so now.
            let manifest = match input::manifest_for(&path) {
                Ok(m) => m,
                Err(e) => return Err(Failed(super::report_read_error(e, io))),
            };
            let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
            // The library's root at that revision: the folder of today's scn.toml, as a path
            // in the repository, else the scenario's own folder.
            let root = manifest
                .as_ref()
                .and_then(|m| m.dir.canonicalize().ok())
                .and_then(|d| {
                    repo.top
                        .canonicalize()
                        .ok()
                        .and_then(|top| d.strip_prefix(top).ok().map(Path::to_path_buf))
                })
                .unwrap_or_else(|| dir.clone());
            let mut loaded =
                scn_eval::load_from(&snapshot, &name, text, &dir, Some(&rel), Some(root));
            loaded.limits = options.limits;
            if let Some(m) = &manifest {
                let policy = input::plugin_policy(m, options).map_err(|e| usage(io, &e))?;
                loaded.plugins = m.plugins(policy);
            }
            (shown, loaded)
        }
    };
    match scn_eval::resolve(&loaded).and_then(scn_eval::evaluate) {
        Ok(evaluation) => Ok(Version {
            shown,
            loaded,
            evaluation,
        }),
        Err(d) => Err(Failed(super::report(&d, &loaded.sources, io))),
    }
}

/// What every format of `scn diff` shows.
pub(crate) struct DiffReport<'a> {
    pub old: &'a Version,
    pub new: &'a Version,
    pub diff: &'a Diff,
    /// Indices into `diff.forecasts` to show, in order.
    pub shown: Vec<usize>,
    pub sampled: Option<Sampled>,
}

/// Both versions sampled with one seed.
pub(crate) struct Sampled {
    pub samples: u64,
    pub seed: u64,
    pub old: Samples,
    pub new: Samples,
}

/// A forecast's sampled means, old and new.
pub(crate) struct SampledChange<'a> {
    pub old: Option<&'a Summary>,
    pub new: Option<&'a Summary>,
}

impl SampledChange<'_> {
    /// New mean minus old mean.
    pub(crate) fn change(&self) -> Option<f64> {
        Some(self.new?.mean - self.old?.mean)
    }

    /// True when the change of the means is within twice its standard error (each side's
    /// standard error from its effective sample size, combined as if independent). No change
    /// is within noise: a forecast that does not vary (standard error 0) and did not move was
    /// called "beyond noise" by a strict comparison.
    pub(crate) fn within_noise(&self) -> Option<bool> {
        let (o, n) = (self.old?, self.new?);
        let se2 = |s: &Summary| {
            let n = s.ess.unwrap_or(s.n as f64);
            if n > 0.0 { s.sd * s.sd / n } else { 0.0 }
        };
        let change = (n.mean - o.mean).abs();
        Some(change == 0.0 || change < 2.0 * (se2(o) + se2(n)).sqrt())
    }
}

impl DiffReport<'_> {
    /// Forecast `i` of the diff, sampled.
    pub(crate) fn sampled(&self, i: usize) -> Option<SampledChange<'_>> {
        let s = self.sampled.as_ref()?;
        let f = &self.diff.forecasts[i];
        fn pick(samples: &Samples, index: Option<usize>) -> Option<&Summary> {
            index.and_then(|k| samples.forecasts[k].summary.as_ref())
        }
        Some(SampledChange {
            old: pick(&s.old, f.old_index),
            new: pick(&s.new, f.new_index),
        })
    }
}

fn sample(ev: &Evaluation, samples: u64, seed: u64) -> Result<Samples, Vec<scn_dsl::Diagnostic>> {
    scn_eval::sample(
        ev,
        &scn_eval::SampleOptions {
            samples,
            seed,
            threads: None,
            progress: None,
            keep_rows: false,
        },
    )
}

/// The seed: the flag, else the library's default, else scn's.
fn seed_for(args: &DiffArgs, path: &Path) -> u64 {
    let library = match spec(path) {
        Spec::Path(p) => input::manifest_for(p).ok().flatten(),
        Spec::Git { path, .. } => input::manifest_for(&path).ok().flatten(),
    };
    args.seed
        .or(library.and_then(|m| m.defaults.seed))
        .unwrap_or(scn_eval::DEFAULT_SEED)
}

pub(crate) fn run(args: &DiffArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    if let Some(file) = &args.history {
        let seed = seed_for(args, file);
        return history::run(args, file, seed, options, io);
    }
    let (Some(old), Some(new)) = (&args.old, &args.new) else {
        return usage(io, "scn diff needs OLD and NEW, or --history FILE").0;
    };
    if is_stdin(old) && is_stdin(new) {
        return usage(io, "only one of OLD and NEW can be `-` (standard input)").0;
    }
    let seed = seed_for(args, new);
    let old = match read_version(old, options, io) {
        Ok(v) => v,
        Err(Failed(code)) => return code,
    };
    let new = match read_version(new, options, io) {
        Ok(v) => v,
        Err(Failed(code)) => return code,
    };
    let diff = scn_eval::diff::compare(
        Side {
            evaluation: &old.evaluation,
            sources: &old.loaded.sources,
        },
        Side {
            evaluation: &new.evaluation,
            sources: &new.loaded.sources,
        },
        &DiffOptions {
            seed,
            ..DiffOptions::default()
        },
    );
    let shown = match shown_forecasts(&diff, &args.forecasts) {
        Ok(s) => s,
        Err(unknown) => {
            return usage(
                io,
                &format!("no forecast `{unknown}` in either version (--forecast)"),
            )
            .0;
        }
    };
    let sampled = match args.samples {
        Some(n) if n > 0 => {
            if let Err(why) =
                crate::memory::check_runs(n, &[&old.evaluation, &new.evaluation], false)
            {
                return usage(io, &format!("{why}; ask for fewer with --samples")).0;
            }
            let old_s = match sample(&old.evaluation, n, seed) {
                Ok(s) => s,
                Err(d) => return super::report(&d, &old.loaded.sources, io),
            };
            let new_s = match sample(&new.evaluation, n, seed) {
                Ok(s) => s,
                Err(d) => return super::report(&d, &new.loaded.sources, io),
            };
            Some(Sampled {
                samples: n,
                seed,
                old: old_s,
                new: new_s,
            })
        }
        _ => None,
    };
    let report = DiffReport {
        old: &old,
        new: &new,
        diff: &diff,
        shown,
        sampled,
    };
    let inputs: Vec<PathBuf> = [&args.old, &args.new]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let for_people = !matches!(args.format, DiffFormat::Json);
    super::destination::deliver(
        io,
        args.output.as_deref(),
        &inputs,
        for_people,
        |w| match args.format {
            DiffFormat::Text => text::render(&report, w),
            DiffFormat::Json => json::render(&report, w),
            DiffFormat::Markdown => markdown::render(&report, w),
            DiffFormat::Html => html::render(&report, w),
        },
    )
}

/// The forecasts to show: all, or those `--forecast` names, in the diff's order; `Err` with
/// a name neither version has.
fn shown_forecasts(diff: &Diff, wanted: &[String]) -> Result<Vec<usize>, String> {
    if wanted.is_empty() {
        return Ok((0..diff.forecasts.len()).collect());
    }
    if let Some(w) = wanted
        .iter()
        .find(|w| !diff.forecasts.iter().any(|f| &f.name == *w))
    {
        return Err(w.clone());
    }
    Ok(diff
        .forecasts
        .iter()
        .enumerate()
        .filter(|(_, f)| wanted.contains(&f.name))
        .map(|(i, _)| i)
        .collect())
}
