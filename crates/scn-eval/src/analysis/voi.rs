//! Value of information: how much better a decision could be taken knowing more first.
//!
//! - [`voi_events`] (exact): some events are learnt before the decision. Under each option
//!   that contains any of them they split its leaves into cells {E1, …, Ek, none}; the
//!   cells must have the same probabilities under every such option (else the event
//!   depends on the choice, and learning it first means nothing). An option containing none
//!   of them is worth its value in every cell. With the information, the best option is
//!   taken in each cell: value = Σ cells P(cell) · best over options of E[objective |
//!   option, cell]. Later decisions inside the options keep the choices they make without
//!   the information, so when they could use it too the figure is a lower bound.
//! - [`voi_inputs`] (sampled): every uncertain input is learnt first. EVPI = mean over
//!   samples of the best option's value in that sample − the best option's mean value.
//!   EVPPI of one let (learning that let alone): the samples are sorted by the let and cut
//!   into about √N bins of equal count; within each bin the best option by its mean there;
//!   EVPPI = Σ bins weight · that mean − the best option's overall mean. The best of noisy
//!   bin means overstates a little (by more with fewer samples per bin, and for options
//!   whose values are close), so a small EVPPI at few samples may be noise.
//!
//! Every figure is an improvement: for a decision that minimises, value − value with
//! information.

use std::fmt;

use scn_dsl::ast::Direction;

use super::bins::{Moments, Sorted, bin_count, runs};
use super::global::{best, decision_index, option_columns};
use super::inputs::draws;
use crate::model::{EventRef, NodeId};
use crate::{Evaluation, Samples};

/// Probabilities of a cell under two options may differ by this much and still agree.
const AGREE: f64 = 1e-9;

/// One cell of what is learnt: one event, or none of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The event learnt, as an index into the events given; `None` for "none of them".
    pub event: Option<usize>,
    /// Its probability, given the decision is reached.
    pub probability: f64,
    /// The best option knowing this cell.
    pub best: NodeId,
    /// Its expected objective in this cell.
    pub value: f64,
}

/// The value of perfect information about events.
#[derive(Clone, Debug, PartialEq)]
pub struct EventVoi {
    /// The decision.
    pub node: NodeId,
    /// Its value without the information.
    pub value: f64,
    /// Its value learning the events first.
    pub with_information: f64,
    /// The difference, as an improvement.
    pub evpi: f64,
    /// The cells of positive probability, the events in order, then "none".
    pub cells: Vec<Cell>,
    /// The options that contain any of the events; the others are worth the same in every
    /// cell.
    pub informed: Vec<NodeId>,
}

/// The value of perfect information about the uncertain inputs, from samples.
#[derive(Clone, Debug, PartialEq)]
pub struct InputVoi {
    /// The decision.
    pub node: NodeId,
    /// Samples used (weight above 0).
    pub samples: usize,
    /// Their effective count under evidence weights.
    pub ess: f64,
    /// The best option's mean value over the samples.
    pub value: f64,
    /// The mean over samples of the best option's value in each.
    pub with_information: f64,
    /// The difference, as an improvement.
    pub evpi: f64,
    /// Each uncertain let (by index in the model) with its EVPPI, largest first (ties in
    /// let order).
    pub evppi: Vec<(u32, f64)>,
    /// Uncertain lets left out, the last in let order, to keep within
    /// [`super::SHARES_WORK`].
    pub left_out: usize,
}

/// Why a value of information cannot be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum VoiError {
    /// The node holds no options.
    NotADecision(String),
    /// Two of the events share a leaf of positive probability under an option.
    Overlap {
        /// The option.
        option: String,
        /// The events, as indices into those given.
        events: (usize, usize),
        /// A leaf in both.
        leaf: String,
    },
    /// An event's probability depends on the option taken.
    Disagree {
        /// The event, as an index into those given; `None` for "none of them".
        event: Option<usize>,
        /// One option and the probability under it.
        first: (String, f64),
        /// Another option and the probability under it.
        second: (String, f64),
    },
    /// The samples were drawn without rows, or no sample weighs anything.
    NoSamples(String),
}

impl fmt::Display for VoiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoiError::NotADecision(n) => write!(f, "`{n}` is not a decision: it has no options"),
            VoiError::Overlap {
                option,
                events: (a, b),
                leaf,
            } => write!(
                f,
                "the events {} and {} overlap under the option `{option}` (both hold `{leaf}`): what is learnt must be one of them or none",
                a + 1,
                b + 1
            ),
            VoiError::Disagree {
                event,
                first: (a, pa),
                second: (b, pb),
            } => {
                let what = match event {
                    Some(e) => format!("event {}", e + 1),
                    None => "none of the events".to_owned(),
                };
                write!(
                    f,
                    "the probability of {what} depends on the choice: {} under `{a}`, {} under `{b}`; \
                     what is learnt before a decision must not depend on it",
                    short(*pa),
                    short(*pb)
                )
            }
            VoiError::NoSamples(why) => f.write_str(why),
        }
    }
}

/// A probability in a message: up to nine decimals, no float noise.
fn short(p: f64) -> String {
    let s = format!("{p:.9}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn decision_options(ev: &Evaluation, node: NodeId) -> Result<&[NodeId], VoiError> {
    let model = ev.model();
    if node as usize >= model.nodes.len() {
        return Err(VoiError::NotADecision(format!("node {node}")));
    }
    if !model.is_decision(node) || model.objective.is_none() {
        return Err(VoiError::NotADecision(model.path_of(node)));
    }
    Ok(model.children(node))
}

fn direction(ev: &Evaluation) -> Direction {
    ev.model().objective.map_or(Direction::Maximize, |(d, _)| d)
}

/// Improvement of `b` over `a` under the direction.
fn gain(dir: Direction, a: f64, b: f64) -> f64 {
    match dir {
        Direction::Maximize => b - a,
        Direction::Minimize => a - b,
    }
}

/// The value of perfect information about `events`, learnt before the decision at `node`.
pub fn voi_events(
    ev: &Evaluation,
    node: NodeId,
    events: &[EventRef],
) -> Result<EventVoi, VoiError> {
    let options = decision_options(ev, node)?;
    let model = ev.model();
    let dir = direction(ev);
    let sets = ev.leaf_sets();
    let k = events.len();
    // Per option: probability and objective mass of each cell, or None when it holds none
    // of the events.
    let mut cells: Vec<Option<(Vec<f64>, Vec<f64>)>> = Vec::with_capacity(options.len());
    let mut rel = vec![0.0; model.nodes.len()];
    for &o in options {
        let end = model.nodes[o as usize].subtree_end as usize;
        rel[o as usize] = 1.0;
        let mut contains = false;
        let (mut q, mut a) = (vec![0.0; k + 1], vec![0.0; k + 1]);
        for c in o as usize + 1..end {
            rel[c] = rel[model.nodes[c].parent as usize] * ev.node(c as NodeId).cond;
        }
        for (leaf, &r) in rel.iter().enumerate().take(end).skip(o as usize) {
            if !model.nodes[leaf].children.is_empty() {
                continue;
            }
            let ord = sets.ordinal(leaf as NodeId);
            let mut cell = k;
            for (j, &e) in events.iter().enumerate() {
                if !sets.contains(e, ord) {
                    continue;
                }
                contains = true;
                if cell < k && r > 0.0 {
                    return Err(VoiError::Overlap {
                        option: model.path_of(o),
                        events: (cell, j),
                        leaf: model.path_of(leaf as NodeId),
                    });
                }
                cell = cell.min(j);
            }
            let v = ev.node(leaf as NodeId).value.unwrap_or(0.0);
            q[cell] += r;
            a[cell] += r * v;
        }
        cells.push(contains.then_some((q, a)));
    }
    let value = ev.node(node).value.unwrap_or(0.0);
    let informed: Vec<NodeId> = options
        .iter()
        .zip(&cells)
        .filter(|(_, c)| c.is_some())
        .map(|(&o, _)| o)
        .collect();
    let Some((first, (q, _))) = options
        .iter()
        .zip(&cells)
        .find_map(|(&o, c)| c.as_ref().map(|c| (o, c)))
    else {
        // Nothing any option holds is learnt: the choice stays as it is.
        let choice = ev
            .decisions()
            .iter()
            .find(|d| d.node == node)
            .map(|d| d.choice);
        return Ok(EventVoi {
            node,
            value,
            with_information: value,
            evpi: 0.0,
            cells: vec![Cell {
                event: None,
                probability: 1.0,
                best: choice.unwrap_or(options[0]),
                value,
            }],
            informed,
        });
    };
    for (&o, c) in options.iter().zip(&cells) {
        let Some((qo, _)) = c else { continue };
        if let Some(j) = (0..=k).find(|&j| (qo[j] - q[j]).abs() > AGREE) {
            return Err(VoiError::Disagree {
                event: (j < k).then_some(j),
                first: (model.path_of(first), q[j]),
                second: (model.path_of(o), qo[j]),
            });
        }
    }
    let q = q.clone();
    let mut with = 0.0;
    let mut out = Vec::new();
    for j in 0..=k {
        if q[j] <= 0.0 {
            continue;
        }
        let mut best: Option<(NodeId, f64)> = None;
        for (&o, c) in options.iter().zip(&cells) {
            let v = match c {
                Some((_, a)) => a[j] / q[j],
                None => ev.node(o).value.unwrap_or(0.0),
            };
            // The first option wins a tie, as in the roll-back.
            if best.is_none_or(|(_, b)| gain(dir, b, v) > 0.0) {
                best = Some((o, v));
            }
        }
        let (o, v) = best.expect("a decision has options");
        with += q[j] * v;
        out.push(Cell {
            event: (j < k).then_some(j),
            probability: q[j],
            best: o,
            value: v,
        });
    }
    Ok(EventVoi {
        node,
        value,
        with_information: with,
        evpi: gain(dir, value, with),
        cells: out,
        informed,
    })
}

/// The value of perfect information about the uncertain inputs at the decision `node`,
/// from samples drawn with rows.
pub fn voi_inputs(ev: &Evaluation, samples: &Samples, node: NodeId) -> Result<InputVoi, VoiError> {
    voi_inputs_within(ev, samples, node, super::SHARES_WORK)
}

/// [`voi_inputs`] with `work` samples read in place of [`super::SHARES_WORK`].
pub fn voi_inputs_within(
    ev: &Evaluation,
    samples: &Samples,
    node: NodeId,
    work: u64,
) -> Result<InputVoi, VoiError> {
    decision_options(ev, node)?;
    let rows = samples.rows.as_ref().ok_or_else(|| {
        VoiError::NoSamples("the value of information needs the samples' rows (keep_rows)".into())
    })?;
    let dir = direction(ev);
    let (at, len, width) = option_columns(ev, node);
    let n = rows.weight.len();
    // A sample weighs its evidence times its chance of reaching the decision: the choice is
    // made only where it is reached, and reaching it says something of the inputs (as a
    // conditional forecast weighs its condition).
    let (d, decisions) = decision_index(ev, node);
    let w = |s: usize| rows.weight[s] * rows.reach[s * decisions + d];
    let value_of = |s: usize, o: usize| rows.option_values[s * width + at + o];
    let weighs: Vec<bool> = (0..n).map(|s| w(s) > 0.0).collect();
    let used: Vec<usize> = (0..n).filter(|&s| weighs[s]).collect();
    if used.is_empty() {
        return Err(VoiError::NoSamples(
            "no sample could be used: every one was dropped or weighs nothing".into(),
        ));
    }
    let mut per_option = vec![Moments::default(); len];
    let mut informed = Moments::default();
    for &s in &used {
        for (o, m) in per_option.iter_mut().enumerate() {
            m.add(value_of(s, o), w(s));
        }
        informed.add(best((0..len).map(|o| value_of(s, o)), Some(dir)), w(s));
    }
    let value = best(per_option.iter().map(Moments::mean), Some(dir));
    let with_information = informed.mean();

    let model = ev.model();
    let lets = model.lets.len();
    let mut evppi: Vec<(u32, f64)> = Vec::new();
    let fits = super::lets_within_work(work, (len as u64).saturating_mul(n as u64));
    let mut left_out = 0;
    for (l, def) in model.lets.iter().enumerate() {
        let x = |s: usize| rows.lets[s * lets + l];
        if def.is_param || !draws(&def.program) || used.iter().all(|&s| x(s) == x(used[0])) {
            continue;
        }
        if evppi.len() == fits {
            left_out += 1;
            continue;
        }
        let sorted = Sorted::by(x, n).filtered(&weighs);
        let mut with = 0.0;
        for (a, b) in runs(&sorted.values, bin_count(sorted.values.len())) {
            let mut bin = vec![Moments::default(); len];
            for &s in &sorted.samples[a..b] {
                let s = s as usize;
                for (o, m) in bin.iter_mut().enumerate() {
                    m.add(value_of(s, o), w(s));
                }
            }
            let share = bin[0].w / informed.w;
            with += share * best(bin.iter().map(Moments::mean), Some(dir));
        }
        evppi.push((l as u32, gain(dir, value, with)));
    }
    evppi.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(InputVoi {
        node,
        samples: used.len(),
        ess: informed.w * informed.w / informed.w2,
        value,
        with_information,
        evpi: gain(dir, value, with_information),
        evppi,
        left_out,
    })
}
