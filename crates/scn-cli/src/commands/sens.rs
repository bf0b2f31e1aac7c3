//! `scn sens FILE`: what drives each forecast and decision — the exact tornado, thresholds,
//! risk profiles and, with `--samples`, global sensitivity. Rendered as text, JSON,
//! Markdown or HTML (docs/analysis.md): text and JSON here, the others beside it.

mod html;
mod markdown;

use std::io::{self, Write};

use scn_eval::Evaluation;
use scn_eval::analysis::{
    Bar, Global, Input, InputKind, InputSet, OneWay, Range, RangeKind, RiskProfile, RiskProfiles,
    Spider, Target, Thresholds, Tornado,
};
use serde_json::{Value, json};

use scn_dsl::one_line;

use super::analysis::{Evaluated, decision, decision_label, number, table, z};
use crate::args::{AnalysisFormat, SensArgs};
use crate::report::model::drivers::reads_as_probability;
use crate::report::model::forecasts::{measure_of, objective_measure};
use crate::report::number::{Measure, Numbers};
use crate::report::{approx, num, pct};
use crate::{Exit, Io};

/// Inputs listed in text before the rest are counted.
const INPUTS_SHOWN: usize = 50;
/// Outcomes listed per option in text before the rest are summed up.
const OUTCOMES_SHOWN: usize = 8;

/// Everything `scn sens` found.
struct Sens<'a> {
    ev: &'a Evaluation,
    inputs: InputSet,
    one_way: OneWay,
    thresholds: Thresholds,
    risk: RiskProfiles,
    /// Global sensitivity: the samples requested and drawn, the seed, and the figures.
    global: Option<(u64, u64, Vec<Global>)>,
    /// Spider lines of the strongest inputs, for the HTML page only (they cost 19
    /// re-evaluations per input).
    spider: Vec<Spider>,
}

/// Inputs drawn in each target's spider chart.
const SPIDER_INPUTS: usize = 5;

pub(crate) fn run(args: &SensArgs, options: crate::input::RunOptions, io: &mut Io<'_>) -> Exit {
    let read = [args.file.clone()];
    if let Err(code) = super::destination::check(io, args.output.as_deref(), &read) {
        return code;
    }
    let mut ranges = Vec::new();
    for r in &args.range {
        match parse_range(r) {
            Some(range) => ranges.push(range),
            None => {
                let _ = writeln!(
                    io.stderr,
                    "scn: error: --range {r}: expected NAME=LO..HI, as in `p_sign=0.05..0.3`"
                );
                return Exit::Usage;
            }
        }
    }
    let e = match super::analysis::evaluate(&args.file, &[], options, io) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let ev = &e.ev;
    let targets = match targets(ev, &args.forecast) {
        Ok(t) => t,
        Err(name) => {
            const LISTED: usize = 12;
            let names: Vec<&str> = ev
                .model()
                .forecasts
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            let mut list = names[..names.len().min(LISTED)].join(", ");
            if names.len() > LISTED {
                list.push_str(&format!(" and {} more", names.len() - LISTED));
            }
            if list.is_empty() {
                list = "none".into();
            }
            let _ = writeln!(
                io.stderr,
                "scn: error: --forecast {}: no forecast, and no decision at a node of that path (forecasts: {list})",
                scn_dsl::sanitize(&name)
            );
            return Exit::Usage;
        }
    };
    let inputs = match scn_eval::analysis::inputs(ev, &ranges) {
        Ok(i) => i,
        Err(message) => {
            let _ = writeln!(io.stderr, "scn: error: {message}");
            return Exit::Usage;
        }
    };
    let one_way = scn_eval::analysis::one_way(ev, &inputs.inputs, &targets);
    let thresholds = scn_eval::analysis::thresholds(ev, &inputs.inputs);
    let risk = scn_eval::analysis::risk_profiles(ev);
    let global = match args.samples.filter(|&n| n > 0) {
        Some(n) => match global(&e, n, args.seed, &targets, io) {
            Ok(g) => Some(g),
            Err(code) => return code,
        },
        None => None,
    };
    let spider = if args.format == AnalysisFormat::Html {
        let mut which: Vec<usize> = Vec::new();
        for t in &one_way.tornadoes {
            for b in t.bars.iter().filter(|b| b.swing > 0.0).take(SPIDER_INPUTS) {
                if !which.contains(&b.input) {
                    which.push(b.input);
                }
            }
        }
        scn_eval::analysis::spider(ev, &inputs.inputs, &which, &targets)
    } else {
        Vec::new()
    };
    let sens = Sens {
        ev,
        inputs,
        one_way,
        thresholds,
        risk,
        global,
        spider,
    };
    for note in sens.notes() {
        let _ = writeln!(io.stderr, "scn: warning: {note}");
    }
    let for_people = !matches!(args.format, AnalysisFormat::Json);
    super::destination::deliver(
        io,
        args.output.as_deref(),
        &read,
        for_people,
        |w| match args.format {
            AnalysisFormat::Text => sens.text(w, args.top),
            AnalysisFormat::Json => sens.json(w),
            AnalysisFormat::Markdown => markdown::render(&sens, args.top, w),
            AnalysisFormat::Html => html::render(&sens, args.top, w),
        },
    )
}

fn global(
    e: &Evaluated,
    n: u64,
    seed: Option<u64>,
    targets: &[Target],
    io: &mut Io<'_>,
) -> Result<(u64, u64, Vec<Global>), Exit> {
    let samples = super::analysis::sample(e, n, seed, io)?;
    let seed = seed.or(e.seed).unwrap_or(scn_eval::DEFAULT_SEED);
    match scn_eval::analysis::global(&e.ev, &samples, targets) {
        Ok(g) => Ok((n, seed, g)),
        Err(message) => {
            let _ = writeln!(io.stderr, "scn: error: {message}");
            Err(Exit::Usage)
        }
    }
}

/// `NAME=LO..HI`.
fn parse_range(text: &str) -> Option<Range> {
    let (name, range) = text.split_once('=')?;
    let (lo, hi) = range.split_once("..")?;
    Some(Range {
        name: name.trim().to_owned(),
        low: number(lo)?,
        high: number(hi)?,
    })
}

/// The targets named by `--forecast`, or all of them.
fn targets(ev: &Evaluation, names: &[String]) -> Result<Vec<Target>, String> {
    if names.is_empty() {
        return Ok(Target::all(ev));
    }
    let model = ev.model();
    names
        .iter()
        .map(|name| {
            if let Some(i) = model.forecasts.iter().position(|f| &f.name == name) {
                return Ok(Target::Forecast(i));
            }
            decision(ev, Some(name))
                .map(Target::Decision)
                .ok_or_else(|| name.clone())
        })
        .collect()
}

impl Sens<'_> {
    fn input(&self, i: usize) -> &Input {
        &self.inputs.inputs[i]
    }

    /// What a target measures, for writing its values for people.
    fn measure(&self, t: Target) -> Measure {
        match t {
            Target::Forecast(i) => measure_of(self.ev.model(), i),
            Target::Decision(_) => objective_measure(self.ev.model()),
        }
    }

    /// A target's value for people: in its measure, three significant digits.
    fn shown(&self, t: Target, v: Option<f64>) -> String {
        v.map_or_else(
            || "undefined".to_owned(),
            |v| Numbers::default().value(v, &self.measure(t)),
        )
    }

    /// A target's change for people: percentage points for a probability.
    fn change_shown(&self, t: Target, v: f64) -> String {
        Numbers::default().change(v, &self.measure(t))
    }

    /// An input's value for people: a probability in percent.
    fn input_shown(&self, i: usize, v: f64) -> String {
        if reads_as_probability(self.input(i)) {
            pct(v)
        } else {
            approx(v)
        }
    }

    /// Where a threshold lies, for people: in the input's own style, with its uncertainty
    /// when the search could not pin it down.
    fn at_shown(&self, i: usize, at: f64, within: f64) -> String {
        let input = self.input(i);
        let range = input.search.1 - input.search.0;
        if within > 1e-6 * range.abs() {
            format!(
                "at {} ± {}",
                self.input_shown(i, at),
                self.input_shown(i, within)
            )
        } else {
            format!("at {}", self.input_shown(i, at))
        }
    }

    /// A target's id and label.
    fn target_name(&self, t: Target) -> (String, Option<String>) {
        let model = self.ev.model();
        match t {
            Target::Forecast(i) => (
                model.forecasts[i].name.clone(),
                model.forecasts[i].label.clone(),
            ),
            Target::Decision(0) => (
                model.meta.id.clone(),
                Some("the decision at the root".into()),
            ),
            Target::Decision(n) => (model.path_of(n), Some("the decision".into())),
        }
    }

    /// A tornado's bars that move the target, the first `top` of them (all for 0); how many
    /// more move it, and how many do not.
    fn bars<'t>(&self, t: &'t Tornado, top: usize) -> (Vec<&'t Bar>, usize, usize) {
        // An input that makes the target undefined at one end (a condition it takes to
        // probability 0) has no swing, and matters more than any: it is shown.
        let moving: Vec<&Bar> = t
            .bars
            .iter()
            .filter(|b| b.swing > 0.0 || b.value_low.is_none() || b.value_high.is_none())
            .collect();
        let shown = if top == 0 {
            moving.len()
        } else {
            top.min(moving.len())
        };
        let (more, still) = (moving.len() - shown, t.bars.len() - moving.len());
        (moving[..shown].to_vec(), more, still)
    }

    /// A decision's thresholds for people: for each input that changes its best option
    /// within its range, (input, where, option below, option above); then the inputs that
    /// do not.
    fn thresholds_of(&self, decision: u32) -> (Vec<[String; 4]>, Vec<&str>) {
        let (mut changes, mut unchanged) = (Vec::new(), Vec::new());
        for t in self
            .thresholds
            .thresholds
            .iter()
            .filter(|t| t.decision == decision)
        {
            let name = self.input(t.input).name.as_str();
            match t.at {
                Some(at) => changes.push([
                    name.to_owned(),
                    self.at_shown(t.input, at, t.within),
                    self.option_id(t.below).to_owned(),
                    self.option_id(t.above).to_owned(),
                ]),
                None => unchanged.push(name),
            }
        }
        (changes, unchanged)
    }

    /// An option's outcomes, lowest first, each with its probability: the first
    /// [`OUTCOMES_SHOWN`], then how many more and their probability together.
    fn outcomes_shown(&self, p: &RiskProfile, show: impl Fn(f64) -> String) -> Vec<String> {
        let mut parts: Vec<String> = p
            .outcomes
            .iter()
            .take(OUTCOMES_SHOWN)
            .map(|o| format!("{} ({})", show(o.value), pct(o.probability)))
            .collect();
        if p.outcomes.len() > OUTCOMES_SHOWN {
            let rest: f64 = p.outcomes[OUTCOMES_SHOWN..]
                .iter()
                .map(|o| o.probability)
                .sum();
            parts.push(format!(
                "{} more ({})",
                p.outcomes.len() - OUTCOMES_SHOWN,
                pct(rest)
            ));
        }
        parts
    }

    fn option_id(&self, node: u32) -> &str {
        &self.ev.model().nodes[node as usize].id
    }

    /// What a reader should know about how far the analysis went.
    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.inputs.mixed.is_empty() {
            notes.push(format!(
                "not in the tornado: {} (a distribution inside arithmetic has no exact percentiles; give the distribution a let of its own)",
                self.inputs.mixed.join(", ")
            ));
        }
        if self.inputs.dropped > 0 {
            notes.push(format!(
                "{} inputs were not varied: the tree has {} nodes, too many to re-evaluate for every input (the least probable branches were left out first)",
                self.inputs.dropped,
                self.ev.model().nodes.len()
            ));
        }
        for f in &self.one_way.failures {
            notes.push(format!(
                "`{}` at {}: the tree cannot be evaluated ({}); that end of its bars is missing",
                self.input(f.input).name,
                num(f.value),
                f.message
            ));
        }
        for (i, m) in &self.thresholds.failures {
            notes.push(format!(
                "`{}`: the tree cannot be evaluated at some points of its search range ({m}); they were skipped",
                self.input(*i).name
            ));
        }
        if let Some(left_out) = self
            .global
            .as_ref()
            .and_then(|(_, _, g)| g.first())
            .map(|g| g.left_out)
            .filter(|&n| n > 0)
        {
            notes.push(format!(
                "variance shares of {left_out} uncertain let{} left out (the last in the file): each costs a pass over the samples per target, and together they would pass {} samples read; name fewer targets with --forecast or ask for fewer --samples",
                if left_out == 1 { "" } else { "s" },
                scn_eval::analysis::SHARES_WORK
            ));
        }
        if self.risk.omitted > 0 {
            notes.push(format!(
                "risk profiles of {} decisions left out: their subtrees are too large",
                self.risk.omitted
            ));
        }
        notes
    }

    fn target_label(&self, t: Target) -> String {
        let model = self.ev.model();
        match t {
            Target::Forecast(i) => {
                let f = &model.forecasts[i];
                match &f.label {
                    Some(l) => format!("{}  {}", f.name, one_line(l)),
                    None => f.name.clone(),
                }
            }
            Target::Decision(n) => decision_label(self.ev, n),
        }
    }

    fn text(&self, out: &mut dyn Write, top: usize) -> io::Result<()> {
        let mut w = io::BufWriter::new(out);
        let model = self.ev.model();
        writeln!(w, "{} ({})", one_line(&model.meta.title), model.meta.id)?;
        writeln!(
            w,
            "Exact one-way sensitivity: each input at its low and high end, every other input at its mean."
        )?;

        writeln!(w, "\nInputs")?;
        if self.inputs.inputs.is_empty() {
            writeln!(
                w,
                "  none: no let holds a number or a distribution, and no branch probability is written as a number"
            )?;
        }
        let all = &self.inputs.inputs;
        let listed = if top == 0 {
            all.len()
        } else {
            all.len().min(INPUTS_SHOWN)
        };
        let rows: Vec<[String; 5]> = all[..listed]
            .iter()
            .map(|i| {
                [
                    i.name.clone(),
                    num(i.base),
                    num(i.low),
                    num(i.high),
                    range_text(i),
                ]
            })
            .collect();
        table(
            &mut w,
            ["input", "base", "low", "high", "range"],
            &rows,
            "  ",
        )?;
        if listed < all.len() {
            writeln!(
                w,
                "  and {} more (--top 0 lists them all; the JSON has them all)",
                all.len() - listed
            )?;
        }

        for t in &self.one_way.tornadoes {
            let base = t.base.map_or("undefined".to_owned(), num);
            writeln!(w, "\nTornado: {} = {base}", self.target_label(t.target))?;
            let (shown, more, still) = self.bars(t, top);
            let rows: Vec<[String; 5]> = shown
                .iter()
                .map(|b| {
                    let v = |x: Option<f64>| x.map_or("undefined".to_owned(), num);
                    [
                        self.input(b.input).name.clone(),
                        num(b.low),
                        num(b.high),
                        format!("{} .. {}", v(b.value_low), v(b.value_high)),
                        num(b.swing),
                    ]
                })
                .collect();
            if rows.is_empty() {
                writeln!(w, "  no input moves it")?;
                continue;
            } else {
                table(
                    &mut w,
                    ["input", "low", "high", "value at low .. high", "swing"],
                    &rows,
                    "  ",
                )?;
            }
            let moves = |m: usize| match m {
                1 => "1 more input moves it less".to_owned(),
                m => format!("{m} more inputs move it less"),
            };
            let stays = |s: usize, other: &str| match s {
                1 => format!("1{other} input does not move it"),
                s => format!("{s}{other} inputs do not move it"),
            };
            match (more, still) {
                (0, 0) => {}
                (0, s) => writeln!(w, "  {}", stays(s, " other"))?,
                (m, 0) => writeln!(w, "  {}", moves(m))?,
                (m, s) => writeln!(w, "  {}; {}", moves(m), stays(s, ""))?,
            }
        }

        if !self.thresholds.thresholds.is_empty() {
            writeln!(
                w,
                "\nThresholds: where the best option changes as one input moves, the others at their means"
            )?;
            for d in self.ev.decisions() {
                writeln!(
                    w,
                    "  {} (takes `{}`)",
                    decision_label(self.ev, d.node),
                    self.option_id(d.choice)
                )?;
                let mut unchanged = Vec::new();
                let mut rows = Vec::new();
                for t in self
                    .thresholds
                    .thresholds
                    .iter()
                    .filter(|t| t.decision == d.node)
                {
                    let name = self.input(t.input).name.clone();
                    match t.at {
                        Some(at) => rows.push([
                            name,
                            at_text(at, t.within, self.input(t.input)),
                            format!(
                                "`{}` below, `{}` above",
                                self.option_id(t.below),
                                self.option_id(t.above)
                            ),
                        ]),
                        None => unchanged.push(name),
                    }
                }
                table(&mut w, ["input", "change", "best option"], &rows, "    ")?;
                if !unchanged.is_empty() {
                    writeln!(w, "    no change in range: {}", unchanged.join(", "))?;
                }
            }
        }

        if !self.risk.profiles.is_empty() {
            writeln!(
                w,
                "\nRisk profiles: the objective under each option, given the decision is reached (* taken)"
            )?;
            for d in self.ev.decisions() {
                writeln!(w, "  {}", decision_label(self.ev, d.node))?;
                for p in self.risk.profiles.iter().filter(|p| p.decision == d.node) {
                    let mark = if p.chosen { "*" } else { " " };
                    let parts = self.outcomes_shown(p, num);
                    writeln!(
                        w,
                        "  {mark} {}: mean {}; {}",
                        self.option_id(p.option),
                        num(p.mean),
                        parts.join(", ")
                    )?;
                }
                for dom in self.risk.dominance.iter().filter(|x| x.decision == d.node) {
                    writeln!(
                        w,
                        "    `{}` dominates `{}` (first order: at least as good at every level of the objective)",
                        self.option_id(dom.better),
                        self.option_id(dom.worse)
                    )?;
                }
            }
        }

        if let Some((n, seed, global)) = &self.global {
            writeln!(
                w,
                "\nGlobal sensitivity ({} samples, seed {seed}): each uncertain let's first-order share of the variance (binned conditional means) and Spearman rank correlation",
                num(*n as f64)
            )?;
            for g in global {
                writeln!(
                    w,
                    "  {}  (sd {} over {} samples)",
                    self.target_label(g.target),
                    approx(g.variance.sqrt()),
                    num(g.samples as f64)
                )?;
                if g.shares.is_empty() {
                    writeln!(w, "    does not vary across samples")?;
                    continue;
                }
                let shown = if top == 0 {
                    g.shares.len()
                } else {
                    top.min(g.shares.len())
                };
                let rows: Vec<[String; 3]> = g.shares[..shown]
                    .iter()
                    .map(|s| {
                        [
                            model.lets[s.input as usize].name.clone(),
                            pct(s.share),
                            signed(s.spearman),
                        ]
                    })
                    .collect();
                table(&mut w, ["input", "share", "spearman"], &rows, "    ")?;
                if g.shares.len() > shown {
                    writeln!(w, "    {} more", g.shares.len() - shown)?;
                }
            }
        }
        w.flush()
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let model = self.ev.model();
        let target = |t: Target| -> Value {
            match t {
                Target::Forecast(i) => {
                    json!({"target": model.forecasts[i].name, "kind": "forecast"})
                }
                Target::Decision(n) => json!({"target": model.path_of(n), "kind": "decision"}),
            }
        };
        let inputs: Vec<Value> = self
            .inputs
            .inputs
            .iter()
            .map(|i| {
                json!({
                    "name": i.name,
                    "kind": match i.kind { InputKind::Let(_) => "let", InputKind::Branch(_) => "branch" },
                    "base": z(i.base),
                    "low": z(i.low),
                    "high": z(i.high),
                    "range": range_text(i),
                    "search": [z(i.search.0), z(i.search.1)],
                })
            })
            .collect();
        let tornado: Vec<Value> = self
            .one_way
            .tornadoes
            .iter()
            .map(|t| {
                let mut v = target(t.target);
                v["base"] = json!(t.base.map(z));
                v["bars"] = t
                    .bars
                    .iter()
                    .map(|b| {
                        json!({
                            "input": self.input(b.input).name,
                            "low": z(b.low),
                            "high": z(b.high),
                            "value_low": b.value_low.map(z),
                            "value_high": b.value_high.map(z),
                            "swing": z(b.swing),
                        })
                    })
                    .collect();
                v
            })
            .collect();
        let thresholds: Vec<Value> = self
            .thresholds
            .thresholds
            .iter()
            .map(|t| {
                json!({
                    "node": model.path_of(t.decision),
                    "input": self.input(t.input).name,
                    "at": t.at.map(z),
                    "within": z(t.within),
                    "below": self.option_id(t.below),
                    "above": self.option_id(t.above),
                })
            })
            .collect();
        let profiles: Vec<Value> = self
            .risk
            .profiles
            .iter()
            .map(|p| {
                json!({
                    "node": model.path_of(p.decision),
                    "option": self.option_id(p.option),
                    "chosen": p.chosen,
                    "mean": z(p.mean),
                    "outcomes": p.outcomes.iter().map(|o| json!({"value": z(o.value), "probability": o.probability})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let dominance: Vec<Value> = self
            .risk
            .dominance
            .iter()
            .map(|d| {
                json!({
                    "node": model.path_of(d.decision),
                    "better": self.option_id(d.better),
                    "worse": self.option_id(d.worse),
                })
            })
            .collect();
        let mut doc = json!({
            "scenario": {"id": model.meta.id, "title": model.meta.title},
            "inputs": inputs,
            "tornado": tornado,
            "thresholds": thresholds,
            "risk_profiles": profiles,
            "dominance": dominance,
        });
        if let Some((n, seed, global)) = &self.global {
            let targets: Vec<Value> = global
                .iter()
                .map(|g| {
                    let mut v = target(g.target);
                    v["samples"] = json!(g.samples);
                    v["ess"] = json!(g.ess);
                    v["variance"] = json!(z(g.variance));
                    v["inputs"] = g
                        .shares
                        .iter()
                        .map(|s| {
                            json!({
                                "input": model.lets[s.input as usize].name,
                                "share": z(s.share),
                                "spearman": z(s.spearman),
                            })
                        })
                        .collect();
                    v
                })
                .collect();
            doc["global"] = json!({"samples": n, "seed": seed, "targets": targets});
        }
        doc["notes"] = json!(self.notes());
        let mut w = io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut w, &doc).map_err(io::Error::other)?;
        writeln!(w)?;
        w.flush()
    }
}

/// How an input's range was chosen, in words.
fn range_text(i: &Input) -> String {
    match &i.range {
        RangeKind::Percentiles(kind, args) => {
            let args: Vec<String> = args.iter().map(|&a| num(a)).collect();
            let dist = if kind.name() == "to" {
                args.join(" to ")
            } else {
                format!("{}({})", kind.name(), args.join(", "))
            };
            format!("5th..95th percentile of {dist}")
        }
        RangeKind::Points => "±10 points (a probability)".to_owned(),
        RangeKind::Relative => "±20%".to_owned(),
        RangeKind::Given => "--range".to_owned(),
    }
}

/// A correlation with its sign, two decimals; one that rounds to zero has none.
fn signed(r: f64) -> String {
    if r.abs() < 0.005 {
        "0.00".to_owned()
    } else {
        format!("{r:+.2}")
    }
}

/// Where a threshold lies, with its uncertainty when the search could not pin it down.
fn at_text(at: f64, within: f64, input: &Input) -> String {
    let range = input.search.1 - input.search.0;
    if within > 1e-6 * range.abs() {
        format!("at {} ± {}", num(at), num(within))
    } else {
        format!("at {}", num(at))
    }
}
