//! What changed between two versions of a scenario, and which edits moved each forecast.
//!
//! [`compare`] compares two evaluated versions. Their structure: branches and options matched
//! by dotted path, lets, metrics, sources and forecasts by name, template arguments by the
//! node their `use` is written under. Their forecasts: each one's change is split into a
//! *structure* term and one term per changed *input* — a let or template argument whose
//! expression changed, or a branch whose written probability changed — by Shapley values
//! over the new tree ([`Method`]). The terms add up to the change.
//!
//! Expressions are compared as written (compiled, with names matched across the versions),
//! never by value: a probability that moved only because a let it reads changed is not an
//! input; the let is.

mod matching;
mod same;
mod shapley;
mod structure;

use scn_dsl::SourceMap;

use self::matching::Matching;
use self::same::Same;
use self::shapley::Target;
pub use self::shapley::{EXACT_UP_TO, MAX_PERMUTATIONS, MAX_SHARES, Method, WORK_BUDGET};
pub use self::structure::{Change, ChangeKind, Item, Shown};
use crate::eval::Evaluation;
use crate::model::{Model, ProbDef};
use crate::program::Instr;

/// One version: its evaluation, and the files it was read from (for expressions as written).
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The point evaluation.
    pub evaluation: &'a Evaluation,
    /// Its files.
    pub sources: &'a SourceMap,
}

/// How to compare.
#[derive(Clone, Copy, Debug)]
pub struct DiffOptions {
    /// Seeds the permutations of sampled Shapley values (more than twelve inputs).
    pub seed: u64,
    /// The most work the shares may take, in units of one node, let, effect or forecast
    /// evaluated once: beyond it, exact shares become sampled ones, and sampled ones one
    /// combined term. Default [`WORK_BUDGET`].
    pub budget: f64,
}

impl Default for DiffOptions {
    fn default() -> DiffOptions {
        DiffOptions {
            seed: crate::DEFAULT_SEED,
            budget: WORK_BUDGET,
        }
    }
}

/// The differences between two versions.
#[derive(Clone, Debug)]
pub struct Diff {
    /// Every edit, old to new: scenario settings, lets, metrics, sources, the tree, forecasts.
    pub structure: Vec<Change>,
    /// Edits found beyond the first [`MAX_CHANGES`], counted but not listed.
    pub omitted: usize,
    /// The changed inputs the forecasts' changes are attributed to, in the new version's
    /// order: lets and template arguments, then branch probabilities.
    pub inputs: Vec<Input>,
    /// Changed inputs whose old value cannot be put into the new tree: their effect is part
    /// of the structure term.
    pub folded: Vec<Folded>,
    /// How the Shapley values were found.
    pub method: Method,
    /// Every forecast of either version: the new version's in order, then those it dropped.
    pub forecasts: Vec<ForecastChange>,
}

/// At most this many edits are listed (paths of a deep tree are long).
pub const MAX_CHANGES: usize = 1000;

/// A changed input.
#[derive(Clone, Debug)]
pub struct Input {
    /// How reports name it: the let's name, `template.param @ node.path` for a template
    /// argument, the branch's dotted path for a probability.
    pub name: String,
    /// What it is.
    pub kind: InputKind,
    /// Its point value in the old version (a distribution's mean).
    pub old: f64,
    /// Its point value in the new version.
    pub new: f64,
    /// The old expression as written.
    pub old_text: String,
    /// The new expression as written.
    pub new_text: String,
    /// Where it goes in the new tree, with the old value put back there: one place, or for
    /// [`InputKind::Probabilities`] each sibling's.
    targets: Vec<(Target, f64)>,
}

/// The kinds of input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A scenario's `let`.
    Let,
    /// A template argument of one `use` (or the parameter's default, for a `use` that
    /// leaves it out).
    Parameter,
    /// A branch's written probability.
    Probability,
    /// The written probabilities of siblings changed together, whose old values fit the new
    /// tree only together (`p = 0.3` and `p = 0.7` edited to 0.4 and 0.6, with no `rest`).
    /// `old` and `new` are NaN: the texts list each sibling's value.
    Probabilities,
}

impl InputKind {
    /// The kind as reports name it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Let => "let",
            InputKind::Parameter => "parameter",
            InputKind::Probability => "probability",
            InputKind::Probabilities => "probabilities",
        }
    }
}

/// An input left out of the attribution, and why.
#[derive(Clone, Debug)]
pub struct Folded {
    /// The input.
    pub input: Input,
    /// Why its old value cannot be used in the new tree.
    pub reason: String,
}

/// One forecast, old and new.
#[derive(Clone, Debug)]
pub struct ForecastChange {
    /// Its name.
    pub name: String,
    /// Its label (the new version's, if it has the forecast).
    pub label: Option<String>,
    /// True when it is one `P(…)` query: reports show it in percent, changes in points.
    pub probability: bool,
    /// Its index among the old version's forecasts, if it has it.
    pub old_index: Option<usize>,
    /// Its index among the new version's forecasts, if it has it.
    pub new_index: Option<usize>,
    /// Its old value.
    pub old: Option<f64>,
    /// Its new value.
    pub new: Option<f64>,
    /// How the change splits, when both versions have a value.
    pub attribution: Option<Attribution>,
}

impl ForecastChange {
    /// New minus old, when both versions have a value.
    pub fn change(&self) -> Option<f64> {
        Some(self.new? - self.old?)
    }
}

/// A forecast's change, split. `structure + Σ inputs (+ combined)` is the change, up to
/// rounding.
#[derive(Clone, Debug)]
pub struct Attribution {
    /// The new tree with every input at its old value, minus the old forecast.
    pub structure: f64,
    /// Each input's Shapley value, in the order of [`Diff::inputs`]; empty with
    /// [`Method::Combined`].
    pub inputs: Vec<f64>,
    /// With [`Method::Combined`], the inputs' share as one term.
    pub combined: Option<f64>,
}

/// Compares two versions and attributes each forecast's change. Both evaluations must be
/// without command-line evidence.
pub fn compare(old: Side<'_>, new: Side<'_>, options: &DiffOptions) -> Diff {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let matching = Matching::new(om, nm);
    let same = Same::new(om, nm, &matching);
    let (structure, omitted) = structure::changes(old, new, &matching, &same);
    let inputs = changed_inputs(old, new, &matching, &same);
    let shares = shapley::attribute(new.evaluation, inputs, options.seed, options.budget);

    let mut forecasts = Vec::new();
    for (j, f) in nm.forecasts.iter().enumerate() {
        let i = matching.forecasts_new[j];
        let old_value = i.and_then(|i| old.evaluation.forecast(i as usize).value);
        let new_value = new.evaluation.forecast(j).value;
        let attribution = match (old_value, new_value) {
            (Some(o), Some(_)) => Some(Attribution {
                structure: shares.base[j] - o,
                inputs: shares.phi.iter().map(|phi| phi[j]).collect(),
                combined: shares.combined.as_ref().map(|c| c[j]),
            }),
            _ => None,
        };
        forecasts.push(ForecastChange {
            name: f.name.clone(),
            label: f.label.clone(),
            probability: is_probability(nm, j),
            old_index: i.map(|i| i as usize),
            new_index: Some(j),
            old: old_value,
            new: new_value,
            attribution,
        });
    }
    for (i, f) in om.forecasts.iter().enumerate() {
        if matching.forecasts_old[i].is_none() {
            forecasts.push(ForecastChange {
                name: f.name.clone(),
                label: f.label.clone(),
                probability: is_probability(om, i),
                old_index: Some(i),
                new_index: None,
                old: old.evaluation.forecast(i).value,
                new: None,
                attribution: None,
            });
        }
    }
    Diff {
        structure,
        omitted,
        inputs: shares.inputs,
        folded: shares.folded,
        method: shares.method,
        forecasts,
    }
}

/// True when forecast `i` of `model` is written as one `P(…)`: a probability, which reports
/// show in percent and whose changes they give in percentage points.
pub fn is_probability(model: &Model, i: usize) -> bool {
    let p = &model.forecasts[i].program;
    matches!(&*p.code, [Instr::Query(q)]
        if matches!(model.queries[*q as usize], crate::model::Query::Prob { .. }))
}

/// The lets, template arguments and written probabilities present in both versions whose
/// expressions differ.
fn changed_inputs(old: Side<'_>, new: Side<'_>, m: &Matching, same: &Same<'_>) -> Vec<Input> {
    let (om, nm) = (old.evaluation.model(), new.evaluation.model());
    let (olets, nlets): (Vec<f64>, Vec<f64>) = (
        old.evaluation.lets().map(|l| l.value).collect(),
        new.evaluation.lets().map(|l| l.value).collect(),
    );
    let mut inputs = Vec::new();
    for (j, l) in nm.lets.iter().enumerate() {
        let Some(i) = m.lets_new[j] else { continue };
        let i = i as usize;
        if same.program(&om.lets[i].program, &l.program) {
            continue;
        }
        inputs.push(Input {
            name: m.let_name(nm, j),
            kind: if l.is_param {
                InputKind::Parameter
            } else {
                InputKind::Let
            },
            old: olets[i],
            new: nlets[j],
            old_text: structure::text(old.sources, &om.lets[i].program),
            new_text: structure::text(new.sources, &l.program),
            targets: vec![(Target::Let(j as u32), olets[i])],
        });
    }
    for (b, node) in nm.nodes.iter().enumerate() {
        let Some(a) = m.nodes_new[b] else { continue };
        let (ProbDef::Expr(p), ProbDef::Expr(q)) = (&om.nodes[a as usize].prob, &node.prob) else {
            continue;
        };
        if same.program(p, q) {
            continue;
        }
        inputs.push(Input {
            name: matching::node_path(nm, b as u32),
            kind: InputKind::Probability,
            old: old.evaluation.node(a).cond,
            new: new.evaluation.node(b as u32).cond,
            old_text: structure::text(old.sources, p),
            new_text: structure::text(new.sources, q),
            targets: vec![(Target::Prob(b as u32), old.evaluation.node(a).cond)],
        });
    }
    inputs
}
