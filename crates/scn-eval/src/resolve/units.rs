//! Warnings about values that do not fit their metric's unit, found once the model is built.
//!
//! A `unit "%"` metric holds a fraction, as every percentage in scn does (`4.5%` is 0.045).
//! A newcomer writes `= 4.5` for 4.5 %, and every figure of the metric comes out a hundred
//! times too large without any error. A value above 1 in magnitude, set or added as a plain
//! number, is almost always that mistake; it stays a warning, since a share can exceed 100 %.

use scn_dsl::ast::EffectOp;
use scn_dsl::{Code, Diagnostic};

use crate::model::Model;
use crate::program::{Instr, Program};

/// One warning per `%` metric, at the first place that gives it a value above 1: its initial
/// value, else an effect that sets it or adds to it. Only numbers written as they are count:
/// a value computed from lets is the writer's arithmetic, not a misread percentage.
pub(super) fn percent_above_one(model: &Model) -> Vec<Diagnostic> {
    let percent: Vec<bool> = model
        .metrics
        .iter()
        .map(|m| m.unit.as_deref().is_some_and(|u| u.trim() == "%"))
        .collect();
    if !percent.contains(&true) {
        return Vec::new();
    }
    let mut warned = vec![false; percent.len()];
    let mut out = Vec::new();
    let mut warn = |m: usize, p: &Program, out: &mut Vec<Diagnostic>| {
        let Some(v) = plain_number(p) else {
            return;
        };
        if !percent[m] || warned[m] || v.abs() <= 1.0 {
            return;
        }
        warned[m] = true;
        let name = &model.metrics[m].name;
        out.push(
            Diagnostic::warning(
                p.file,
                p.span,
                format!("the `%` metric `{name}` is given {v}, more than 100 %"),
            )
            .with_help(format!(
                "a `%` metric holds fractions: write `{v}%` for {v} percent"
            ))
            .with_code(Code::PercentAboveOne),
        );
    };
    for (m, def) in model.metrics.iter().enumerate() {
        warn(m, &def.init, &mut out);
    }
    // Nodes in pre-order: the first warning is the first in the file's tree.
    for e in &model.effects {
        if e.op != EffectOp::Mul {
            warn(e.metric as usize, &e.program, &mut out);
        }
    }
    out
}

/// The value of a program that is one number as written.
fn plain_number(p: &Program) -> Option<f64> {
    match &*p.code {
        [Instr::Const(v)] => Some(*v),
        _ => None,
    }
}
