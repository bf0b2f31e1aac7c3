//! The report model: every fact a report shows, worked out once from an evaluation, for each
//! format to render. Facts are numbers as computed (never pre-formatted: JSON keeps every
//! digit, the formats for people round them with [`Numbers`]), text as the author wrote it,
//! and sentences as [`Prose`](crate::report::prose::Prose).
//!
//! A [`Report`] is a [`Header`] and a list of [`Section`]s in reading order. `scn eval`
//! builds its list in [`Report::eval`]; other commands build their own lists, mixing their
//! sections with these.
//!
//! # Adding a section
//!
//! 1. Write a module here holding the section's struct (its facts) and a `build` function
//!    from whatever it needs (an evaluation, samples, a sensitivity run…).
//! 2. Add a variant to [`Section`].
//! 3. Write one function per format that renders it: `text`, `markdown`, `html` and `json`
//!    each match on [`Section`] exhaustively, so the compiler names every format that does
//!    not render the new section yet. A format for people renders the section's facts with
//!    the report's [`Numbers`]; the JSON format writes the section's keys, at full precision.
//! 4. Put the section in the list of the report that shows it.
//!
//! No format imports another's helpers: what two formats share (a sentence, which paths to
//! show, how to round) belongs here or in `number`, `words` and `prose`.

pub(crate) mod assumptions;
pub(crate) mod briefing;
pub(crate) mod decisions;
pub(crate) mod drivers;
pub(crate) mod evidence;
pub(crate) mod expectations;
pub(crate) mod forecasts;
pub(crate) mod metrics;
pub(crate) mod notes;
pub(crate) mod paths;
pub(crate) mod quotes;
pub(crate) mod sampling;
pub(crate) mod sources;
pub(crate) mod timeline;
pub(crate) mod tree;

use scn_dsl::Date;
use scn_eval::model::{Model, NodeId};
use scn_eval::{Evaluation, Samples};

use super::number::Numbers;

pub(crate) use assumptions::Assumptions;
pub(crate) use briefing::Briefing;
pub(crate) use decisions::Decisions;
pub(crate) use drivers::{DriverRuns, Drivers};
pub(crate) use evidence::Evidence;
pub(crate) use expectations::Expectations;
pub(crate) use forecasts::Forecasts;
pub(crate) use metrics::Metrics;
pub(crate) use notes::Notes;
pub(crate) use paths::Paths;
pub(crate) use quotes::Quotes;
pub(crate) use sampling::Sampling;
pub(crate) use sources::Sources;
pub(crate) use timeline::Timeline;
pub(crate) use tree::Tree;

/// A report: what every format renders.
pub(crate) struct Report<'a> {
    /// Title, dates, and what the numbers are conditioned on.
    pub header: Header,
    /// The sections, in reading order.
    pub sections: Vec<Section<'a>>,
    /// How numbers are rounded for people.
    pub numbers: Numbers,
    /// The threads a format may write it on (`--threads`); `None` for what the machine has.
    /// The bytes are the same either way.
    pub threads: Option<usize>,
}

/// One part of a report.
pub(crate) enum Section<'a> {
    /// The bottom line: headline forecasts in numbers and words, the most likely paths.
    Briefing(Briefing),
    /// What moves the headline forecasts most.
    Drivers(Drivers),
    /// Every forecast.
    Forecasts(Forecasts),
    /// Every `let`: what it means and what it is worth.
    Assumptions(Assumptions),
    /// The scenario tree.
    Tree(Tree<'a>),
    /// Tagged events by date.
    Timeline(Timeline),
    /// The most likely paths with their metrics.
    Paths(Paths<'a>),
    /// Expected metrics and their outcome spread.
    Metrics(Metrics<'a>),
    /// Decisions and the value of each option.
    Decisions(Decisions),
    /// What the evidence changed.
    Evidence(Evidence),
    /// Sources and who cites them.
    Sources(Sources),
    /// The author's notes.
    Notes(Notes),
    /// How Monte Carlo went.
    Sampling(Sampling),
    /// What a reader should be warned of.
    Warnings(Vec<String>),
    /// The author's checks (`expect`).
    Expectations(Expectations),
}

/// What a report is about.
pub(crate) struct Header {
    /// The scenario's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// `as_of`.
    pub as_of: Option<Date>,
    /// `horizon`.
    pub horizon: Option<Date>,
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The evidence every number is conditioned on, if any.
    pub evidence: Option<Observed>,
    /// The Monte Carlo run forecasts lead with, if any.
    pub sampled: Option<SampledRun>,
    /// The external plugins the run started: every format names what ran.
    pub plugins: Vec<scn_eval::Launched>,
}

/// Evidence: `observe` lines and `--given` events.
#[derive(Clone, Debug)]
pub(crate) struct Observed {
    /// Each event as written, whitespace collapsed.
    pub events: Vec<String>,
    /// Its probability before it was observed.
    pub probability: f64,
}

/// A Monte Carlo run, in brief.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SampledRun {
    /// Samples asked for.
    pub requested: u64,
    /// Samples whose tree could be evaluated.
    pub kept: u64,
    /// The effective sample size under evidence.
    pub ess: Option<f64>,
}

impl Header {
    /// "External plugins run: base_rates (`python3 base_rates.py` in /lib)", or `None`.
    pub(crate) fn plugins_line(&self) -> Option<String> {
        if self.plugins.is_empty() {
            return None;
        }
        let each: Vec<String> = self
            .plugins
            .iter()
            .map(|p| {
                format!(
                    "{} (`{}` in {})",
                    p.name,
                    p.command.join(" "),
                    p.dir.display()
                )
            })
            .collect();
        Some(format!("External plugins run: {}.", each.join("; ")))
    }
}

/// What a report is built from.
#[derive(Clone, Copy)]
pub(crate) struct Inputs<'a> {
    /// The point evaluation.
    pub ev: &'a Evaluation,
    /// What the report quotes from the files.
    pub quotes: &'a Quotes,
    /// Monte Carlo results, when sampled.
    pub samples: Option<&'a Samples>,
    /// Samples that kept their rows, for the spread of lets computed from other lets (the
    /// same run as `samples`, or a shorter run with the same seed when that one is large).
    pub let_rows: Option<&'a Samples>,
}

/// What `scn eval`'s report works out from the evaluation, the samples and the drivers'
/// re-evaluations: the headline forecasts, the paths and the drivers. The report's other
/// sections are built from it and the [`Quotes`].
pub(crate) struct Analysed<'a> {
    forecasts: Forecasts,
    paths: Paths<'a>,
    briefing: Briefing,
    drivers: Drivers,
    warnings: Vec<String>,
}

impl<'a> Analysed<'a> {
    pub(crate) fn build(
        ev: &'a Evaluation,
        samples: Option<&'a Samples>,
        runs: DriverRuns,
    ) -> Analysed<'a> {
        let forecasts = Forecasts::build(ev, samples);
        let paths = Paths::build(ev);
        let mut warnings = ev.warnings().to_vec();
        warnings.extend(samples.map(|s| s.warnings(ev)).unwrap_or_default());
        let mut briefing = Briefing::build(&forecasts, &paths);
        let drivers = Drivers::build(runs, &forecasts);
        briefing.drivers = drivers.briefing();
        Analysed {
            forecasts,
            paths,
            briefing,
            drivers,
            warnings,
        }
    }
}

impl<'a> Report<'a> {
    /// The report of `scn eval`, from what was [`Analysed`] of the same `inputs`. Without
    /// `for_people` the sections that only arrange facts for reading are left out: on a
    /// million-node tree the timeline alone took a third of a second that the JSON report
    /// would have thrown away.
    pub(crate) fn eval(
        analysed: Analysed<'a>,
        inputs: Inputs<'a>,
        numbers: Numbers,
        for_people: bool,
    ) -> Report<'a> {
        let Inputs { ev, samples, .. } = inputs;
        let Analysed {
            forecasts,
            paths,
            briefing,
            drivers,
            warnings,
        } = analysed;
        // Forecasts, metrics, decisions, warnings and expectations are in every report, empty
        // or not: the JSON report's contract lists their keys always. Formats for people
        // leave out an empty section.
        let mut sections = vec![
            Section::Briefing(briefing),
            Section::Drivers(drivers),
            Section::Forecasts(forecasts),
            Section::Assumptions(Assumptions::build(inputs)),
        ];
        if for_people {
            sections.push(Section::Tree(Tree::build(ev)));
            sections.extend(Timeline::build(ev).map(Section::Timeline));
        }
        sections.push(Section::Paths(paths));
        sections.push(Section::Metrics(Metrics::build(ev, samples)));
        sections.push(Section::Decisions(Decisions::build(ev, samples)));
        sections.extend(Evidence::build(inputs).map(Section::Evidence));
        if for_people {
            sections.extend(Sources::build(ev.model()).map(Section::Sources));
            sections.extend(Notes::build(ev.model()).map(Section::Notes));
        }
        sections.extend(samples.map(|s| Section::Sampling(Sampling::build(s))));
        sections.push(Section::Warnings(warnings));
        sections.push(Section::Expectations(Expectations::build(inputs)));
        Report {
            header: Header::build(inputs),
            sections,
            numbers,
            threads: None,
        }
    }

    /// The warnings, for the command to repeat on standard error.
    pub(crate) fn warnings(&self) -> &[String] {
        self.sections
            .iter()
            .find_map(|s| match s {
                Section::Warnings(w) => Some(w.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }
}

impl Header {
    fn build(inputs: Inputs<'_>) -> Header {
        let ev = inputs.ev;
        let meta = &ev.model().meta;
        Header {
            id: meta.id.clone(),
            title: meta.title.clone(),
            as_of: meta.as_of,
            horizon: meta.horizon,
            author: meta.author.clone(),
            description: meta.description.clone(),
            evidence: ev.evidence().map(|probability| Observed {
                events: inputs.quotes.observed.clone(),
                probability,
            }),
            sampled: inputs.samples.map(|s| SampledRun {
                requested: s.requested,
                kept: s.kept,
                ess: s.evidence_ess,
            }),
            plugins: Vec::new(),
        }
    }
}

/// A node as a reader finds it: its dotted path and its label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeRef {
    /// The dotted path of ids; empty for the root.
    pub path: String,
    /// The label, when one is written.
    pub label: Option<String>,
}

impl NodeRef {
    pub(crate) fn of(model: &Model, k: NodeId) -> NodeRef {
        let node = &model.nodes[k as usize];
        NodeRef {
            path: model.path_of(k),
            label: if k == 0 {
                None
            } else {
                node.label.as_deref().map(str::to_owned)
            },
        }
    }

    /// True for the root.
    pub(crate) fn is_root(&self) -> bool {
        self.path.is_empty()
    }
}

/// A step of a path shown to a reader: a node, or the middle of a long path left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// A node: its id and label (the id when no label is written).
    Node {
        /// The id.
        id: String,
        /// The label, defaulting to the id.
        label: String,
    },
    /// Nodes left out of the middle of a long path.
    Gap(usize),
}

/// The nodes from the root's child down to `leaf`, the middle of a path deeper than ten
/// levels replaced by a [`Step::Gap`]: a path thousands of levels deep would fill the page.
pub(crate) fn steps(model: &Model, leaf: NodeId) -> Vec<Step> {
    const HEAD: usize = 3;
    const TAIL: usize = 3;
    let path = model.ancestry(leaf);
    let step = |k: NodeId| {
        let node = &model.nodes[k as usize];
        Step::Node {
            id: node.id.to_string(),
            label: node.label().to_owned(),
        }
    };
    if path.len() <= 10 {
        return path.into_iter().map(step).collect();
    }
    let mut out: Vec<Step> = path[..HEAD].iter().map(|&k| step(k)).collect();
    out.push(Step::Gap(path.len() - HEAD - TAIL));
    out.extend(path[path.len() - TAIL..].iter().map(|&k| step(k)));
    out
}

/// Lists cut to this many items say how many more there are: a template used a thousand
/// times would otherwise repeat one line a thousand times.
pub(crate) const LIST_LIMIT: usize = 20;
