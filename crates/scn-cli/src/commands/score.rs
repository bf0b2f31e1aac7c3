//! `scn score [PATH...]`: score every resolved forecast of the scenarios under the paths.
//!
//! Each scenario's resolutions come from the `resolutions.toml` of its library. Without
//! `--history` a forecast is scored at its current value; with it, at the last version
//! committed before its question ended (the earlier of its `closes` and the resolution's
//! day), and the time-averaged Brier score runs over every version before then
//! ([`history`]). The figure scored is the point value, or the sampled mean with
//! `--samples` (the model's own probability of the event when its inputs are uncertain).
//!
//! The facts are gathered once ([`Scores`]); [`text`], [`markdown`], [`html`] and [`json`]
//! render them.

mod history;
mod html;
mod json;
mod markdown;
mod people;
mod text;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use scn_dsl::{Date, Diagnostic, SourceMap};
use scn_eval::{
    ForecastKind, ForecastView, Mismatch, Outcome, Resolution, Resolutions, Samples, Score,
    ScoreSummary, Summary,
};

use super::library;
use crate::args::{ScoreArgs, ScoreFormat};
use crate::input::{RunOptions, load};
use crate::{Exit, Io};

/// The figure of a forecast that is scored, and the point value beside it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Figure {
    /// What is scored: the sampled mean when sampled, else the point value.
    pub value: f64,
    /// The point value.
    pub point: f64,
    /// The sampled summary, when sampled.
    pub sampled: Option<Summary>,
}

impl Figure {
    /// A forecast's figure; `None` when it has no value (undefined in every sample).
    fn of(f: &ForecastView<'_>, samples: Option<&Samples>) -> Option<Figure> {
        let point = f.value?;
        match samples {
            Some(s) => {
                let sum = s.forecasts[f.index].summary?;
                Some(Figure {
                    value: sum.mean,
                    point,
                    sampled: Some(sum),
                })
            }
            None => Some(Figure {
                value: point,
                point,
                sampled: None,
            }),
        }
    }

    /// The sampled 90% interval.
    fn interval(&self) -> Option<(f64, f64)> {
        self.sampled.map(|s| (s.p05, s.p95))
    }
}

/// How figures are computed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Monte Carlo samples, when sampling.
    pub samples: Option<u64>,
    /// Their seed.
    pub seed: u64,
}

/// Samples an evaluation as the settings say.
fn sample(ev: &scn_eval::Evaluation, s: &Settings) -> Result<Option<Samples>, Vec<Diagnostic>> {
    let Some(n) = s.samples else {
        return Ok(None);
    };
    let opts = scn_eval::SampleOptions {
        samples: n,
        seed: s.seed,
        threads: None,
        progress: None,
        keep_rows: false,
    };
    scn_eval::sample(ev, &opts).map(Some)
}

/// One version of a forecast in its history.
#[derive(Clone, Debug)]
pub(crate) struct Point {
    pub commit: String,
    pub date: Date,
    pub value: f64,
}

/// A forecast's history: every version that had it, and which one was scored.
#[derive(Clone, Debug)]
pub(crate) struct History {
    /// Oldest first, those after the close included.
    pub points: Vec<Point>,
    /// The index of the version scored: the last before the close.
    pub scored: usize,
    /// The day versions had to come before.
    pub cutoff: Date,
}

/// One resolved and scored forecast.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub forecast: String,
    pub label: String,
    pub kind: ForecastKind,
    pub closes: Option<Date>,
    pub criteria: Option<String>,
    pub resolution: Resolution,
    pub figure: Figure,
    pub score: Score,
    pub history: Option<History>,
}

impl Row {
    /// The number of versions before the close, with `--history`.
    pub(crate) fn versions(&self) -> Option<usize> {
        self.history.as_ref().map(|h| h.scored + 1)
    }
}

/// The scored forecasts of one scenario.
pub(crate) struct ScenarioScores {
    pub id: String,
    pub title: String,
    pub file: String,
    pub rows: Vec<Row>,
    pub summary: ScoreSummary,
}

/// Everything a rendering shows.
pub(crate) struct Scores {
    pub scenarios: Vec<ScenarioScores>,
    pub summary: ScoreSummary,
    pub settings: Settings,
    pub history: bool,
    pub warnings: Vec<String>,
    /// True when an error stopped some file or scenario from being scored.
    pub failed: bool,
}

impl Scores {
    /// What a report says when it has no row: an error (printed already) is not the same as
    /// no resolution at all.
    pub(crate) fn nothing(&self) -> &'static str {
        if self.failed {
            "Nothing scored: the errors reported kept the files from being scored, so this \
             says nothing of how the forecasts did."
        } else if !self.warnings.is_empty() {
            "Nothing scored: no resolved forecast could be scored; the warnings say why."
        } else {
            "Nothing to score: no forecast under these paths has a resolution (docs/scoring.md)."
        }
    }
}

/// The state of one run: diagnostics printed as they are found, the exit code.
struct Run<'a, 'io> {
    io: &'a mut Io<'io>,
    exit: Exit,
    /// The first [`MAX_WARNINGS`] warnings, for the report.
    warnings: Vec<String>,
    /// Warnings beyond those (a resolutions file of thousands of typos): counted only.
    more_warnings: usize,
    res_sources: SourceMap,
}

/// Most warnings a report lists, and `scn score` prints of its own.
const MAX_WARNINGS: usize = super::MAX_DIAGNOSTICS_PER_FILE;

impl Run<'_, '_> {
    /// Prints diagnostics: every error, and warnings while fewer than [`MAX_WARNINGS`] have
    /// been kept (the rest are counted).
    fn diagnose(&mut self, diags: &[Diagnostic], sources: &SourceMap) {
        let mut shown = Vec::new();
        for d in diags {
            if d.is_error() || self.keep_warning(d.message.clone()) {
                shown.push(d.clone());
            }
        }
        let code = super::report(&shown, sources, self.io);
        self.exit = self.exit.combine(code);
    }

    fn resolution_diag(&mut self, d: &[Diagnostic]) {
        let sources = std::mem::take(&mut self.res_sources);
        self.diagnose(d, &sources);
        self.res_sources = sources;
    }

    /// Keeps a warning for the report; `false` past the first [`MAX_WARNINGS`].
    fn keep_warning(&mut self, message: String) -> bool {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(message);
            true
        } else {
            self.more_warnings += 1;
            false
        }
    }

    fn warn(&mut self, message: String) {
        let shown = scn_dsl::sanitize(&message).into_owned();
        if self.keep_warning(message) {
            let _ = writeln!(self.io.stderr, "scn: warning: {shown}");
        }
    }

    /// The warnings for the report, with a line for those left out.
    fn take_warnings(&mut self) -> Vec<String> {
        let mut all = std::mem::take(&mut self.warnings);
        if self.more_warnings > 0 {
            let line = format!(
                "… and {} more warning{} (the first {MAX_WARNINGS} are listed)",
                self.more_warnings,
                if self.more_warnings == 1 { "" } else { "s" }
            );
            let _ = writeln!(self.io.stderr, "scn: {line}");
            all.push(line);
        }
        all
    }

    fn fail(&mut self, message: &str, code: Exit) {
        let _ = writeln!(self.io.stderr, "scn: error: {}", scn_dsl::sanitize(message));
        self.exit = self.exit.combine(code);
    }
}

pub(crate) fn run(args: &ScoreArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let roots = if args.paths.is_empty() {
        match library::default_roots(Path::new(".")) {
            Ok((_, roots)) => roots,
            Err(e) => return super::report_read_error(e, io),
        }
    } else {
        args.paths.clone()
    };
    let files = match library::scenario_files(&roots) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.stderr, "scn: error: {}", scn_dsl::sanitize(&e));
            return Exit::Usage;
        }
    };
    // The folders named (a file's own folder for a named file): where the resolutions of a
    // scenario outside any library may be read.
    let folders: Vec<PathBuf> = roots
        .iter()
        .map(|r| {
            if r.is_dir() {
                r.clone()
            } else {
                library::folder_of(r).to_path_buf()
            }
        })
        .collect();
    let mut run = Run {
        io,
        exit: Exit::Ok,
        warnings: Vec::new(),
        more_warnings: 0,
        res_sources: SourceMap::new(),
    };
    // Each resolutions file once, by path; `None` when it is malformed (reported once).
    let mut resolutions: Vec<(PathBuf, Option<Resolutions>)> = Vec::new();
    // (resolutions file, scenario id) → the file that holds it.
    let mut holders: HashMap<(usize, String), PathBuf> = HashMap::new();
    // Resolutions file → every scenario id of its library, with its file: read once, for
    // the clash check of named paths and for resolutions naming no scenario.
    let mut library_ids: HashMap<usize, Vec<(String, PathBuf)>> = HashMap::new();
    let mut clashes: HashSet<(usize, String)> = HashSet::new();
    let mut scenarios = Vec::new();
    let mut settings_used = None;
    for file in &files {
        let (mut loaded, manifest) = match load(file, run.io.stdin, options) {
            Ok(l) => l,
            Err(e) => {
                let code = super::report_read_error(e, run.io);
                run.exit = run.exit.combine(code);
                continue;
            }
        };
        let Some(ast) = loaded.root_file() else {
            let diags = loaded.diags.clone();
            run.diagnose(&diags, &loaded.sources);
            continue;
        };
        if !ast
            .items
            .iter()
            .any(|i| matches!(i, scn_dsl::ast::Item::Scenario(_)))
        {
            continue;
        }
        let resolved = scn_eval::resolve(&loaded);
        drop(std::mem::take(&mut loaded.plugins));
        let ev = match resolved.and_then(scn_eval::evaluate) {
            Ok(ev) => ev,
            Err(d) => {
                run.diagnose(&d, &loaded.sources);
                continue;
            }
        };
        run.diagnose(&ev.model().warnings, &loaded.sources);
        let defaults = manifest
            .as_ref()
            .map(|m| m.defaults.clone())
            .unwrap_or_default();
        let settings = Settings {
            samples: args.samples.or(defaults.samples()).filter(|&n| n > 0),
            seed: args
                .seed
                .or(defaults.seed)
                .unwrap_or(scn_eval::DEFAULT_SEED),
        };
        settings_used.get_or_insert(settings);

        let res_path = library::resolutions_path(file, manifest.as_ref());
        let res_index = match resolutions.iter().position(|(p, _)| *p == res_path) {
            Some(i) => i,
            None => {
                // The library's folder; for a scenario outside any library, a folder the
                // user named (not the scenario's own, which a link may have led out of).
                let allowed: Vec<&Path> = match &manifest {
                    Some(m) => vec![m.dir.as_path()],
                    None => folders.iter().map(PathBuf::as_path).collect(),
                };
                let loaded_res =
                    library::load_resolutions(&res_path, &allowed, &mut run.res_sources);
                let r = match loaded_res {
                    Ok(r) => Some(r),
                    Err(d) => {
                        run.resolution_diag(&d);
                        None
                    }
                };
                resolutions.push((res_path.clone(), r));
                resolutions.len() - 1
            }
        };
        let Some(res) = resolutions[res_index].1.as_ref() else {
            continue;
        };
        let model = ev.model();
        let id = model.meta.id.clone();
        // Named paths may leave out a library file that holds the same id: looked for in the
        // whole library, as a run over the library would find it.
        let elsewhere = if args.paths.is_empty() {
            None
        } else {
            let ids = library_ids
                .entry(res_index)
                .or_insert_with(|| library_scenario_ids(&res_path));
            let me = std::fs::canonicalize(file).ok();
            ids.iter()
                .find(|(i, f)| *i == id && std::fs::canonicalize(f).ok() != me)
                .map(|(_, f)| f.clone())
        };
        if let Some(other) = holders.get(&(res_index, id.clone())).or(elsewhere.as_ref()) {
            let message = format!(
                "{} and {} both hold a scenario `{id}`: resolutions name scenarios by id, so neither is scored",
                super::shown(other),
                super::shown(file)
            );
            // Once per id: the second of two named files would say it again.
            if clashes.insert((res_index, id.clone())) {
                run.fail(&message, Exit::Invalid);
            }
            scenarios.retain(|s: &ScenarioScores| s.id != id);
            continue;
        }
        holders.insert((res_index, id.clone()), file.clone());
        let entries: Vec<Resolution> = res.of(&id).cloned().collect();
        if entries.is_empty() {
            continue;
        }
        if let Some(n) = settings.samples
            && let Err(e) = crate::memory::check_samples(n, &ev)
        {
            run.fail(&e, Exit::Usage);
            return run.exit;
        }
        let samples = match sample(&ev, &settings) {
            Ok(s) => s,
            Err(d) => {
                run.diagnose(&d, &loaded.sources);
                continue;
            }
        };
        let versions = if args.history {
            let lib = manifest
                .as_ref()
                .map_or_else(|| crate::input::base_dir(file), |m| m.dir.clone());
            match history::versions(file, &lib, manifest.as_ref(), options, &settings) {
                Ok(v) => {
                    for bad in &v {
                        if let Err(why) = &bad.forecasts {
                            run.warn(format!(
                                "{}: the version of commit {} ({}) is not scored: {why}",
                                super::shown(file),
                                &bad.commit[..bad.commit.len().min(10)],
                                bad.date
                            ));
                        }
                    }
                    Some(v)
                }
                Err(e) => {
                    run.fail(
                        &format!("--history: {}: {e}", super::shown(file)),
                        Exit::Usage,
                    );
                    continue;
                }
            }
        } else {
            None
        };
        let mut rows = Vec::new();
        for r in &entries {
            let current = scn_eval::match_forecast(model, &r.forecast, r.outcome);
            let row = match (&current, &versions) {
                (Err(Mismatch::Kind { forecast, .. }), _) => {
                    let d = Diagnostic::error(
                        res.file,
                        r.outcome_span,
                        format!(
                            "`{}` is a {} in {}, but this outcome is {}",
                            r.id(),
                            forecast.as_str(),
                            super::shown(file),
                            describe(r.outcome)
                        ),
                    )
                    .with_help(match forecast {
                        ForecastKind::Probability => {
                            "a probability (one P(…) query) resolves `true` or `false`"
                        }
                        ForecastKind::Number => {
                            "only a forecast that is one P(…) query resolves `true` or `false`; write the true value"
                        }
                    });
                    run.resolution_diag(&[d]);
                    continue;
                }
                (Ok(i), None) => {
                    let fv = ev.forecast(*i);
                    let Some(figure) = Figure::of(&fv, samples.as_ref()) else {
                        run.warn(format!(
                            "`{}` has no value in any sample: not scored",
                            r.id()
                        ));
                        continue;
                    };
                    row_of(r, Question::of(fv.def), figure, None)
                }
                (Err(Mismatch::Unknown { suggestion }), None) => {
                    let mut d = Diagnostic::warning(
                        res.file,
                        r.span,
                        format!(
                            "`{}` is not scored: the scenario `{id}` in {} has no forecast `{}`",
                            r.id(),
                            super::shown(file),
                            r.forecast
                        ),
                    );
                    d = d.with_help(match suggestion {
                        Some(s) => format!("did you mean `{id}.{s}`?"),
                        None => "a forecast removed since it closed is scored from the versions that had it: `scn score --history`".into(),
                    });
                    run.resolution_diag(&[d]);
                    continue;
                }
                (_, Some(versions)) => match from_history(r, model, &current, versions) {
                    Ok(row) => row,
                    Err(HistoryGap::Never(_)) if current.is_ok() => {
                        // In the file, but in no commit yet: nothing of its history to score.
                        run.warn(format!(
                            "`{}` is not scored: no committed version of {} has it yet",
                            r.id(),
                            super::shown(file)
                        ));
                        continue;
                    }
                    Err(HistoryGap::Never(names)) => {
                        let mut d = Diagnostic::error(
                            res.file,
                            r.span,
                            format!(
                                "no version of {} has a forecast `{}` that is a {}",
                                super::shown(file),
                                r.forecast,
                                r.outcome.kind().as_str()
                            ),
                        );
                        if let Some(s) =
                            scn_eval::did_you_mean(&r.forecast, names.iter().map(String::as_str))
                        {
                            d = d.with_help(format!("did you mean `{id}.{s}`?"));
                        }
                        run.resolution_diag(&[d]);
                        continue;
                    }
                    Err(HistoryGap::NoneBefore(cutoff)) => {
                        run.warn(format!(
                                "`{}` is not scored: no committed version of {} came before {cutoff}, when its question ended",
                                r.id(),
                                super::shown(file)
                            ));
                        continue;
                    }
                },
            };
            rows.push(row);
        }
        if rows.is_empty() {
            continue;
        }
        let summary = ScoreSummary::of(rows.iter().map(|r| &r.score));
        scenarios.push(ScenarioScores {
            id,
            title: model.meta.title.clone(),
            file: super::shown(&library::relative(file)),
            rows,
            summary,
        });
    }
    run.unknown_scenarios(&resolutions, &mut library_ids);
    let summary = ScoreSummary::of(
        scenarios
            .iter()
            .flat_map(|s| s.rows.iter().map(|r| &r.score)),
    );
    let scores = Scores {
        scenarios,
        summary,
        settings: settings_used.unwrap_or(Settings {
            samples: args.samples.filter(|&n| n > 0),
            seed: args.seed.unwrap_or(scn_eval::DEFAULT_SEED),
        }),
        history: args.history,
        warnings: run.take_warnings(),
        failed: run.exit != Exit::Ok,
    };
    let mut inputs = files.clone();
    inputs.extend(resolutions.iter().map(|(path, _)| path.clone()));
    let for_people = !matches!(args.format, ScoreFormat::Json);
    let written =
        super::destination::deliver(run.io, args.output.as_deref(), &inputs, for_people, |w| {
            match args.format {
                ScoreFormat::Text => text::render(&scores, w),
                ScoreFormat::Json => json::render(&scores, w),
                ScoreFormat::Markdown => markdown::render(&scores, w),
                ScoreFormat::Html => html::render(&scores, w),
            }
        });
    run.exit.combine(written)
}

/// The scenario ids of the library whose resolutions file is `res_path`, with their files.
fn library_scenario_ids(res_path: &Path) -> Vec<(String, PathBuf)> {
    let dir = res_path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    library::default_roots(dir)
        .ok()
        .and_then(|(_, roots)| library::scenario_files(&roots).ok())
        .map(|files| library::scenario_ids(&files))
        .unwrap_or_default()
}

impl Run<'_, '_> {
    /// A resolution naming no scenario of its library is a typo or a scenario since removed:
    /// a warning at the entry. The library's scenarios are found as `scn resolve` finds them,
    /// whatever the paths scored.
    ///
    /// `library_ids` holds each resolutions file's library ids already read (by index in
    /// `resolutions`), so a library is parsed once per run.
    fn unknown_scenarios(
        &mut self,
        resolutions: &[(PathBuf, Option<Resolutions>)],
        library_ids: &mut HashMap<usize, Vec<(String, PathBuf)>>,
    ) {
        for (index, (path, res)) in resolutions.iter().enumerate() {
            let Some(res) = res else {
                continue;
            };
            let ids: BTreeSet<String> = library_ids
                .entry(index)
                .or_insert_with(|| library_scenario_ids(path))
                .iter()
                .map(|(id, _)| id.clone())
                .collect();
            // One report of them all, so that its cap per file holds.
            let mut unknown = Vec::new();
            for r in &res.entries {
                if ids.contains(&r.scenario) {
                    continue;
                }
                let mut d = Diagnostic::warning(
                    res.file,
                    r.span,
                    format!(
                        "`{}` is not scored: no scenario of the library has the id `{}`",
                        r.id(),
                        r.scenario
                    ),
                );
                if let Some(s) = scn_eval::did_you_mean(&r.scenario, ids.iter().map(String::as_str))
                {
                    d = d.with_help(format!("did you mean `{s}.{}`?", r.forecast));
                }
                unknown.push(d);
            }
            self.resolution_diag(&unknown);
        }
    }
}

/// Describes an outcome for a message.
fn describe(o: Outcome) -> String {
    match o {
        Outcome::Yes => "`true` (yes)".into(),
        Outcome::No => "`false` (no)".into(),
        Outcome::Number(x) => format!("the number {x}"),
    }
}

/// What a forecast asks, from the file or from the version scored.
struct Question {
    name: String,
    label: String,
    kind: ForecastKind,
    closes: Option<Date>,
    criteria: Option<String>,
}

impl Question {
    fn of(def: &scn_eval::model::ForecastDef) -> Question {
        Question {
            name: def.name.clone(),
            label: def.label.clone().unwrap_or_else(|| def.name.clone()),
            kind: def.kind,
            closes: def.closes,
            criteria: def.criteria.clone(),
        }
    }
}

fn row_of(r: &Resolution, q: Question, figure: Figure, history: Option<History>) -> Row {
    let time_brier = history.as_ref().and_then(|h| match r.outcome {
        Outcome::Yes | Outcome::No => {
            let before: Vec<(Date, f64)> = h.points[..=h.scored]
                .iter()
                .map(|p| (p.date, p.value))
                .collect();
            scn_eval::time_averaged_brier(&before, h.cutoff, r.outcome == Outcome::Yes)
        }
        Outcome::Number(_) => None,
    });
    let score = match r.outcome {
        Outcome::Yes => Score::probability(figure.value, true, time_brier),
        Outcome::No => Score::probability(figure.value, false, time_brier),
        Outcome::Number(x) => Score::number(figure.value, x, figure.interval()),
    };
    Row {
        forecast: q.name,
        label: q.label,
        kind: q.kind,
        closes: q.closes,
        criteria: q.criteria,
        resolution: r.clone(),
        figure,
        score,
        history,
    }
}

/// Why a forecast's history gives nothing to score.
enum HistoryGap {
    /// No version has the forecast with the outcome's kind; the names versions had.
    Never(Vec<String>),
    /// None came before the cutoff.
    NoneBefore(Date),
}

/// Scores a resolution from the versions: the last before the close, and every version
/// before it for the time average.
fn from_history(
    r: &Resolution,
    model: &scn_eval::Model,
    current: &Result<usize, Mismatch>,
    versions: &[history::Version],
) -> Result<Row, HistoryGap> {
    let mut points = Vec::new();
    let mut last: Option<&history::VersionForecast> = None;
    let mut names = BTreeSet::new();
    for v in versions {
        let Ok(forecasts) = &v.forecasts else {
            continue;
        };
        for f in forecasts {
            names.insert(f.name.clone());
            if f.name == r.forecast && f.kind == r.outcome.kind() {
                points.push((v, f));
                last = Some(f);
            }
        }
    }
    let Some(last) = last else {
        return Err(HistoryGap::Never(names.into_iter().collect()));
    };
    // The question as last stated: the current file's, else the last version's.
    let question = match current {
        Ok(i) => Question::of(&model.forecasts[*i]),
        Err(_) => Question {
            name: last.name.clone(),
            label: last.label.clone(),
            kind: last.kind,
            closes: last.closes,
            criteria: last.criteria.clone(),
        },
    };
    // The earlier of the close and the resolution: a question that resolved before it
    // closed (the strike settled early) ended then, and a version committed after that knew
    // the answer.
    let cutoff = question.closes.map_or(r.on, |closes| closes.min(r.on));
    let Some(scored) = points.iter().rposition(|(v, _)| v.date < cutoff) else {
        return Err(HistoryGap::NoneBefore(cutoff));
    };
    let figure = points[scored].1.figure;
    let history = History {
        points: points
            .iter()
            .map(|(v, f)| Point {
                commit: v.commit.clone(),
                date: v.date,
                value: f.figure.value,
            })
            .collect(),
        scored,
        cutoff,
    };
    Ok(row_of(r, question, figure, Some(history)))
}
