//! Tagged events by date: for each tag, P(#tag by D) as D runs from `as_of` to `horizon`,
//! and the dated branches with their probabilities.
//!
//! P(#tag by D) is the probability of the leaves whose path passes a node tagged `#tag` and
//! dated on or before D. Dates never decrease down a path, so one pre-order pass finds each
//! leaf's earliest dated tagged ancestor.
//!
//! Tags are ordered by relevance: those a forecast asks about first (in the order the
//! forecasts name them), then the rest by their probability by the horizon. A chart that
//! draws only some of them takes the first, and says which it left out.

use scn_dsl::Date;
use scn_eval::Evaluation;
use scn_eval::model::{Model, NodeId, NodeKind};

use super::NodeRef;

/// Tags a chart draws.
pub(crate) const SERIES_DRAWN: usize = 8;
/// Dated branches a chart draws, the most probable first.
pub(crate) const STEMS_DRAWN: usize = 12;
/// Dates a table of tags shows.
const TABLE_DATES: usize = 5;
/// Tags followed at most: each costs a pass over the tree.
const SERIES_MAX: usize = 40;
/// Dated branches kept: those a chart draws and a table lists.
const STEMS_KEPT: usize = STEMS_DRAWN + super::LIST_LIMIT;

/// The timeline.
pub(crate) struct Timeline {
    /// `as_of`, else the earliest date.
    pub start: Date,
    /// `horizon`, else the latest date.
    pub end: Date,
    /// The tags, by relevance: all of them, or the first [`SERIES_MAX`] (those forecasts ask
    /// about, then the others in the order they appear).
    pub series: Vec<Series>,
    /// Tags not followed, beyond [`SERIES_MAX`].
    pub more_tags: usize,
    /// The most probable dated branches of probability above 0 (ties in tree order).
    pub stems: Vec<Stem>,
    /// All dated branches of probability above 0.
    pub stems_total: usize,
    /// True under evidence.
    pub evidence: bool,
}

/// One tag's cumulative probability over time.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    /// The tag's name, without `#`.
    pub tag: String,
    /// (date, P(#tag by date)) at each date where it rises.
    pub steps: Vec<(Date, f64)>,
    /// The probability of leaves under a tagged node that has no date.
    pub undated: f64,
}

impl Series {
    /// P(#tag by the horizon).
    pub(crate) fn total(&self) -> f64 {
        self.steps.last().map_or(0.0, |s| s.1)
    }

    /// P(#tag by `date`).
    pub(crate) fn by(&self, date: Date) -> f64 {
        self.steps
            .iter()
            .take_while(|s| s.0 <= date)
            .last()
            .map_or(0.0, |s| s.1)
    }
}

/// A dated branch.
#[derive(Clone, Debug)]
pub(crate) struct Stem {
    /// Its node.
    pub node: NodeRef,
    /// Its date.
    pub date: Date,
    /// Its path probability now.
    pub probability: f64,
}

impl Timeline {
    /// `None` when the scenario has no span of dates, or nothing to draw on it.
    pub(crate) fn build(ev: &Evaluation) -> Option<Timeline> {
        let model = ev.model();
        let (start, end) = range(model)?;
        let prob = |k: usize| ev.node(k as NodeId).probability;
        let mut asked: Vec<u32> = Vec::new();
        for f in 0..model.forecasts.len() {
            for t in model.forecast_tags(f) {
                if !asked.contains(&t) {
                    asked.push(t);
                }
            }
        }
        // The tags forecasts ask about, then the rest in the order they appear; a scenario
        // with very many tags is followed on the first of them only.
        let mut candidates: Vec<usize> = asked.iter().map(|&t| t as usize).collect();
        candidates.extend((0..model.tags.len()).filter(|t| !asked.contains(&(*t as u32))));
        let more_tags = candidates.len().saturating_sub(SERIES_MAX);
        candidates.truncate(SERIES_MAX);
        let marks = marks(model, &candidates);
        let mut series: Vec<Series> = candidates
            .into_iter()
            .enumerate()
            .map(|(bit, t)| tag_series(ev, &marks, bit, t))
            .collect();
        // Asked-about tags in the order forecasts name them; the rest by probability, ties
        // in the order the tags first appear.
        let rank = |s: &Series| {
            let t = model.tags.iter().position(|x| *x == s.tag).unwrap_or(0) as u32;
            asked.iter().position(|&a| a == t)
        };
        series.sort_by(|a, b| match (rank(a), rank(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => b.total().total_cmp(&a.total()),
        });
        let mut stems: Vec<usize> = ev
            .most_probable_first((1..model.nodes.len() as NodeId).filter(|&k| {
                let node = &model.nodes[k as usize];
                node.when.is_some() && node.date.is_some() && prob(k as usize) > 0.0
            }))
            .into_iter()
            .map(|k| k as usize)
            .collect();
        let stems_total = stems.len();
        stems.truncate(STEMS_KEPT);
        if series.is_empty() && stems.is_empty() {
            return None;
        }
        Some(Timeline {
            start,
            end,
            series,
            more_tags,
            stems_total,
            stems: stems
                .into_iter()
                .map(|k| Stem {
                    node: NodeRef::of(model, k as NodeId),
                    date: model.nodes[k].date.unwrap_or(start),
                    probability: prob(k),
                })
                .collect(),
            evidence: ev.evidence().is_some(),
        })
    }

    /// The stems a chart draws, by date (ties in order of probability).
    pub(crate) fn drawn_stems(&self) -> Vec<&Stem> {
        let mut drawn: Vec<&Stem> = self.stems.iter().take(STEMS_DRAWN).collect();
        drawn.sort_by_key(|s| s.date);
        drawn
    }

    /// The dates a table of tags shows: each year's end at least a quarter after the start
    /// and before the end, then the end; at most [`TABLE_DATES`], the last ones kept.
    pub(crate) fn table_dates(&self) -> Vec<Date> {
        let first = self.start.day_number() + 90;
        let mut dates: Vec<Date> = (self.start.year()..self.end.year())
            .filter_map(|y| Date::from_ymd(y, 12, 31).ok())
            .filter(|&d| d.day_number() >= first && d < self.end)
            .collect();
        dates.push(self.end);
        let skip = dates.len().saturating_sub(TABLE_DATES);
        dates.split_off(skip)
    }
}

/// The dates a timeline spans: `as_of` (else the earliest date) to `horizon` (else the latest).
fn range(model: &Model) -> Option<(Date, Date)> {
    let dates = || model.nodes.iter().filter_map(|n| n.date);
    let start = model.meta.as_of.or_else(|| dates().min())?;
    let end = model.meta.horizon.or_else(|| dates().max())?;
    (end > start).then_some((start, end))
}

/// A bit for each tag followed.
const _: () = assert!(SERIES_MAX <= u64::BITS as usize);

/// What [`tag_series`] reads of a node: its parent, its date, and which of the followed tags
/// it carries (bit `i` for the `i`-th).
#[derive(Clone, Copy)]
struct Mark {
    parent: u32,
    date: Option<Date>,
    tags: u64,
}

/// Each node's [`Mark`], read from the model once for every tag followed. A pass over the
/// model's nodes per tag (184 bytes each, their tags behind a pointer) cost the text report
/// of a million-node tree with ten tags a twentieth of its time.
fn marks(model: &Model, followed: &[usize]) -> Vec<Mark> {
    let mut bit_of: Vec<Option<u32>> = vec![None; model.tags.len()];
    for (bit, &t) in followed.iter().enumerate() {
        bit_of[t] = Some(bit as u32);
    }
    model
        .nodes
        .iter()
        .map(|node| Mark {
            parent: node.parent,
            date: node.date,
            tags: if node.kind == NodeKind::Root {
                0
            } else {
                node.tags
                    .iter()
                    .filter_map(|&t| bit_of.get(t as usize).copied().flatten())
                    .fold(0, |acc, bit| acc | 1 << bit)
            },
        })
        .collect()
}

/// The chance, by date, that an event tagged `tag` (the `bit`-th followed) has happened.
fn tag_series(ev: &Evaluation, marks: &[Mark], bit: usize, tag: usize) -> Series {
    let model = ev.model();
    let n = marks.len();
    let mut first: Vec<Option<Date>> = vec![None; n];
    let mut tagged = vec![false; n];
    for k in 1..n {
        let node = marks[k];
        let p = node.parent as usize;
        let mine = node.tags & (1 << bit) != 0;
        let own = if mine { node.date } else { None };
        first[k] = match (first[p], own) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tagged[k] = tagged[p] || mine;
    }
    let mut events: Vec<(Date, f64)> = Vec::new();
    let mut undated = 0.0;
    for &leaf in ev.leaves() {
        let p = ev.node(leaf).probability;
        let l = leaf as usize;
        if p <= 0.0 {
            continue;
        }
        match first[l] {
            Some(d) => events.push((d, p)),
            None if tagged[l] => undated += p,
            None => {}
        }
    }
    events.sort_by_key(|e| e.0);
    let mut steps: Vec<(Date, f64)> = Vec::new();
    let mut total = 0.0;
    for (d, p) in events {
        total += p;
        match steps.last_mut() {
            Some(last) if last.0 == d => last.1 = total,
            _ => steps.push((d, total)),
        }
    }
    Series {
        tag: model.tags[tag].clone(),
        steps,
        undated,
    }
}
