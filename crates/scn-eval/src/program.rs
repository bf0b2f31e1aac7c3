//! Compiled expressions: postfix programs over a value stack.
//!
//! Expressions are compiled once, then run many times (once for the point evaluation, once
//! per sample in Monte Carlo). A postfix program runs without recursion, so a 20,000-deep
//! parenthesised expression cannot overflow the stack, and without allocation once the
//! stack has grown.

use scn_dsl::{Code, Diagnostic, FileId, Span};

use crate::dist::DistKind;
use crate::functions::Math;

/// One instruction. Operands come from the stack, results go on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Instr {
    /// Push a constant.
    Const(f64),
    /// Push the value of a let (or of a template parameter of one `use`).
    Let(u32),
    /// Push the current value of a metric on the path (effects only).
    Metric(u32),
    /// Push the value of an earlier forecast.
    Forecast(u32),
    /// Push the value of a query (`P(…)`, `E(…)`).
    Query(u32),
    /// Negate the top.
    Neg,
    /// Binary arithmetic on the top two.
    Bin(BinOp),
    /// Binary arithmetic of the top and a let (`top op let`): `Let(i), Bin(op)` fused.
    BinLet(BinOp, u32),
    /// Binary arithmetic of the top and a constant (`top op c`): `Const(c), Bin(op)` fused.
    BinConst(BinOp, f64),
    /// A distribution over the top `n` values: its mean in point evaluation, a draw in Monte
    /// Carlo. The `u32` numbers the draw site, so every inline distribution draws on its own.
    Dist(DistKind, u32),
    /// A distribution whose parameters are all constants, prepared once: the index of a
    /// [`ConstDist`] in `Model::const_dists`.
    ConstDist(u32),
    /// A plugin or std function over the top `n` values.
    Call(Math, u8),
}

/// A distribution with constant parameters. Each use in the source is its own entry, so
/// each draws on its own.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConstDist {
    /// The family.
    pub kind: DistKind,
    /// Its parameters.
    pub args: Vec<f64>,
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
}

/// A compiled expression.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Program {
    /// Postfix instructions.
    pub code: Box<[Instr]>,
    /// For each instruction, the span of the sub-expression whose value it leaves on the
    /// stack, so a non-finite result is reported where it arose; empty when the program is
    /// one instruction over the whole expression, as most of a big tree's are (read them
    /// through [`Program::span_at`]).
    spans: Box<[Span]>,
    /// The file of those spans.
    pub file: FileId,
    /// The whole expression.
    pub span: Span,
}

impl Program {
    /// A compiled program: `spans[k]` is where `code[k]`'s value comes from. Copied from
    /// the compiler's lists, which it keeps for the next program.
    pub(crate) fn new(code: &[Instr], spans: &[Span], file: FileId, span: Span) -> Program {
        debug_assert_eq!(code.len(), spans.len());
        let spans = if spans == [span] {
            Box::default()
        } else {
            spans.into()
        };
        Program {
            code: code.into(),
            spans,
            file,
            span,
        }
    }

    /// The span of the sub-expression whose value instruction `k` leaves on the stack.
    #[inline]
    pub(crate) fn span_at(&self, k: usize) -> Span {
        self.spans.get(k).copied().unwrap_or(self.span)
    }
}

/// Why a program could not produce a finite number. Boxed, so that a `Result<f64, EvalError>`
/// is two words and comes back in registers: programs run millions of times, errors rarely.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EvalError(Box<(Span, String, Code)>);

impl EvalError {
    /// A computation without a value ([`Code::Math`]).
    pub(crate) fn new(span: Span, message: impl Into<String>) -> EvalError {
        EvalError::of(Code::Math, span, message)
    }

    /// An error of another kind than [`Code::Math`].
    pub(crate) fn of(code: Code, span: Span, message: impl Into<String>) -> EvalError {
        EvalError(Box::new((span, message.into(), code)))
    }

    /// Where.
    pub(crate) fn span(&self) -> Span {
        self.0.0
    }

    /// What happened, in a forecaster's words.
    pub(crate) fn message(&self) -> &str {
        &self.0.1
    }

    /// The diagnostic, in the file of the program that failed.
    pub(crate) fn into_diagnostic(self, file: FileId) -> Diagnostic {
        let (span, message, code) = *self.0;
        Diagnostic::error(file, span, message).with_code(code)
    }
}

/// What a running program reads from its surroundings.
pub(crate) trait Env {
    /// A let's value in this evaluation.
    fn let_value(&self, i: u32) -> f64;
    /// A metric's current value on the path.
    fn metric(&self, i: u32) -> f64;
    /// An earlier forecast's value.
    fn forecast(&self, i: u32) -> f64;
    /// A query's value.
    fn query(&mut self, i: u32, span: Span) -> Result<f64, EvalError>;
    /// A distribution: its mean, or a draw.
    fn dist(
        &mut self,
        kind: DistKind,
        site: u32,
        args: &[f64],
        span: Span,
    ) -> Result<f64, EvalError>;
    /// A distribution with constant parameters: its mean, or a draw.
    fn const_dist(&mut self, i: u32, span: Span) -> Result<f64, EvalError>;
}

/// Runs a program. `stack` is scratch space, reused between runs.
///
/// Inlined where it is called, so that the common one-instruction programs (one name, one
/// number, one distribution, one query) cost a branch rather than a call into the
/// interpreter.
#[inline(always)]
pub(crate) fn run<E: Env + ?Sized>(
    p: &Program,
    env: &mut E,
    stack: &mut Vec<f64>,
) -> Result<f64, EvalError> {
    match &*p.code {
        [Instr::Const(v)] => Ok(*v),
        [Instr::Let(i)] => Ok(env.let_value(*i)),
        [Instr::Metric(i)] => Ok(env.metric(*i)),
        _ => interpret(p, env, stack),
    }
}

/// The general case of [`run`]: a postfix program over a value stack whose top is kept in a
/// register (`acc`), so that the fused `BinLet`/`BinConst` instructions — most arithmetic in
/// scenario files, like `(1 - p) * q` — touch no memory but the operand. Every value it
/// computes must be finite, or the program fails where the value arose.
#[inline(never)]
pub(crate) fn interpret<E: Env + ?Sized>(
    p: &Program,
    env: &mut E,
    stack: &mut Vec<f64>,
) -> Result<f64, EvalError> {
    stack.clear();
    // The top of the stack; `stack` holds what is below it. Every program starts with an
    // instruction that pushes, so the placeholder is never read.
    let mut acc = f64::NAN;
    for (k, instr) in p.code.iter().enumerate() {
        let pushed = match *instr {
            Instr::Const(v) => v,
            Instr::Let(i) => env.let_value(i),
            Instr::Metric(i) => env.metric(i),
            Instr::Forecast(i) => env.forecast(i),
            Instr::Query(i) => env.query(i, p.span_at(k))?,
            Instr::ConstDist(i) => env.const_dist(i, p.span_at(k))?,
            Instr::Neg => {
                acc = -acc;
                continue;
            }
            Instr::Bin(op) => {
                let a = pop(stack);
                acc = binary(op, a, acc).ok_or_else(|| division_by_zero(p, k))?;
                check(acc, p, k)?;
                continue;
            }
            Instr::BinLet(op, i) => {
                acc = binary(op, acc, env.let_value(i)).ok_or_else(|| division_by_zero(p, k))?;
                check(acc, p, k)?;
                continue;
            }
            Instr::BinConst(op, c) => {
                acc = binary(op, acc, c).ok_or_else(|| division_by_zero(p, k))?;
                check(acc, p, k)?;
                continue;
            }
            // The arguments are the top (in `acc`) and what is below it; the result replaces
            // them all as the new top.
            Instr::Dist(kind, site) => {
                stack.push(acc);
                let at = stack.len() - kind.arity();
                let v = env.dist(kind, site, &stack[at..], p.span_at(k))?;
                stack.truncate(at);
                acc = check(v, p, k)?;
                continue;
            }
            Instr::Call(func, n) => {
                stack.push(acc);
                let at = stack.len() - n as usize;
                let v = func
                    .apply(&stack[at..])
                    .map_err(|message| EvalError::new(p.span_at(k), message))?;
                stack.truncate(at);
                acc = check(v, p, k)?;
                continue;
            }
        };
        check(pushed, p, k)?;
        if k > 0 {
            stack.push(acc);
        }
        acc = pushed;
    }
    Ok(acc)
}

/// A program that is a number or a let followed only by `BinLet`/`BinConst` instructions,
/// run with one register and no stack; the same arithmetic and errors as [`interpret`].
#[inline]
pub(crate) fn chain(p: &Program, lets: &[f64]) -> Result<f64, EvalError> {
    let mut acc = match p.code[0] {
        Instr::Const(v) => v,
        Instr::Let(i) => lets[i as usize],
        _ => unreachable!("a chain starts with a number or a let"),
    };
    for (k, instr) in p.code.iter().enumerate().skip(1) {
        let (op, b) = match *instr {
            Instr::BinLet(op, i) => (op, lets[i as usize]),
            Instr::BinConst(op, c) => (op, c),
            _ => unreachable!("a chain holds only fused arithmetic"),
        };
        acc = binary(op, acc, b).ok_or_else(|| division_by_zero(p, k))?;
        check(acc, p, k)?;
    }
    Ok(acc)
}

/// A chain without its checks, for a chain with no `^`: an infinity, a NaN or a division
/// by zero on the way leaves the result infinite or NaN (a finite operand cannot bring it
/// back; only `^ 0` could), so a finite result is [`chain`]'s, and anything else is sent
/// to [`chain`] for its error.
#[inline(always)]
pub(crate) fn chain_unchecked(p: &Program, lets: &[f64]) -> f64 {
    let mut acc = match p.code[0] {
        Instr::Const(v) => v,
        Instr::Let(i) => lets[i as usize],
        _ => f64::NAN,
    };
    for instr in &p.code[1..] {
        let (op, b) = match *instr {
            Instr::BinLet(op, i) => (op, lets[i as usize]),
            Instr::BinConst(op, c) => (op, c),
            _ => return f64::NAN,
        };
        if op == BinOp::Pow {
            return f64::NAN;
        }
        // A division by zero would be infinite or NaN anyway: NaN says so.
        acc = binary(op, acc, b).unwrap_or(f64::NAN);
    }
    acc
}

/// `a op b`; `None` for a division by zero.
#[inline(always)]
pub(crate) fn binary(op: BinOp, a: f64, b: f64) -> Option<f64> {
    Some(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b == 0.0 => return None,
        BinOp::Div => a / b,
        BinOp::Pow => a.powf(b),
    })
}

#[inline(always)]
fn check(v: f64, p: &Program, k: usize) -> Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EvalError::new(
            p.span_at(k),
            format!("this evaluates to {v}, not a finite number"),
        ))
    }
}

#[cold]
fn division_by_zero(p: &Program, k: usize) -> EvalError {
    EvalError::new(p.span_at(k), "division by zero")
}

fn pop(stack: &mut Vec<f64>) -> f64 {
    stack.pop().expect("compiled programs are balanced")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(code: Vec<Instr>) -> Program {
        let spans = vec![Span::default(); code.len()];
        Program::new(&code, &spans, FileId::default(), Span::new(0, 1))
    }

    /// The fast chain may be trusted only when finite: then it must be the checked chain's
    /// value bit for bit, and whenever the checked chain fails it must not be finite.
    #[test]
    fn the_unchecked_chain_is_finite_exactly_when_the_checked_one_succeeds() {
        use BinOp::*;
        let lets = [0.25, 0.0, 1e308, -3.0, 2.0];
        let operands = [
            Instr::BinLet(Add, 0),
            Instr::BinLet(Div, 1),
            Instr::BinLet(Mul, 2),
            Instr::BinLet(Sub, 3),
            Instr::BinConst(Div, 0.0),
            Instr::BinConst(Mul, 0.0),
            Instr::BinConst(Pow, 0.0),
            Instr::BinLet(Pow, 4),
            Instr::BinConst(Add, 1.5),
        ];
        let mut cases = 0;
        for first in [Instr::Const(1.0), Instr::Let(2), Instr::Let(1)] {
            for a in operands {
                for b in operands {
                    for c in operands {
                        let p = program(vec![first, a, b, c]);
                        let fast = chain_unchecked(&p, &lets);
                        match chain(&p, &lets) {
                            Ok(v) if fast.is_finite() => assert_eq!(v.to_bits(), fast.to_bits()),
                            // Only a `^` is left to the checked chain while it succeeds.
                            Ok(_) => assert!(p.code.iter().any(|i| matches!(
                                i,
                                Instr::BinLet(Pow, _) | Instr::BinConst(Pow, _)
                            ))),
                            Err(_) => assert!(!fast.is_finite(), "{:?} gave {fast}", p.code),
                        }
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 3 * 9 * 9 * 9);
    }
}
