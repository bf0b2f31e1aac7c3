//! Compiling expressions to postfix programs, resolving every name on the way.

use scn_dsl::ast::{Arg, BinOp as AstOp, Expr, ExprKind};
use scn_dsl::{Code, FileId, Span};

use super::{Builder, Name};
use crate::dist::DistKind;
use crate::functions::{Arity, Func, Math, Op, STD};
use crate::model::Query;
use crate::plugin::Value;
use crate::program::{BinOp, ConstDist, Instr, Program};

/// Where an expression stands, which decides the names it may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// The value of the let numbered `upto`: earlier lets only.
    Let { upto: u32 },
    /// A metric's initial value: lets.
    MetricInit,
    /// A branch probability: lets and template parameters.
    Prob,
    /// An effect: lets, parameters and the current values of metrics.
    Effect,
    /// A template argument or default: lets and parameters.
    Arg,
    /// A forecast or expectation: lets, the first `upto` forecasts, and queries.
    Query { upto: u32 },
}

impl Ctx {
    fn what(self) -> &'static str {
        match self {
            Ctx::Let { .. } => "a let",
            Ctx::MetricInit => "a metric's initial value",
            Ctx::Prob => "a probability",
            Ctx::Effect => "an effect",
            Ctx::Arg => "a template argument",
            Ctx::Query { .. } => "a forecast",
        }
    }
}

/// A program while it is compiled: instructions are pushed, folded and fused, then frozen
/// into a [`Program`].
#[derive(Default)]
pub(super) struct Draft {
    code: Vec<Instr>,
    spans: Vec<Span>,
    file: FileId,
}

impl Builder<'_> {
    /// Compiles `e`, written in the file of `scope`, for the context `ctx`.
    pub(super) fn compile_expr(&mut self, e: &Expr, scope: usize, ctx: Ctx) -> Program {
        let file = self.scopes[scope].file;
        // Taken, not borrowed: compiling may compile another expression meanwhile, which
        // then starts a draft of its own.
        let mut p = std::mem::take(&mut self.draft);
        p.code.clear();
        p.spans.clear();
        p.file = file;
        self.emit(e, scope, ctx, &mut p);
        // Expressions count against the node budget: a template body is compiled once per
        // expansion, so its expressions multiply with its uses.
        self.spend(p.code.len() as u64, file, e.span);
        let program = Program::new(&p.code, &p.spans, file, e.span);
        self.draft = p;
        program
    }

    fn push(p: &mut Draft, instr: Instr, span: Span) {
        p.code.push(instr);
        p.spans.push(span);
    }

    /// Emits a binary operator over the two operands just emitted: two constants fold into
    /// one (when the result is a finite number, so errors still arise where they are
    /// written), and a let or constant right operand fuses with the operator.
    fn push_binary(p: &mut Draft, op: BinOp, span: Span) {
        let n = p.code.len();
        let fused = match p.code[n - 1] {
            Instr::Const(b) => match n.checked_sub(2).map(|i| p.code[i]) {
                Some(Instr::Const(a)) => match crate::program::binary(op, a, b) {
                    Some(v) if v.is_finite() => {
                        p.code.truncate(n - 2);
                        p.spans.truncate(n - 2);
                        return Self::push(p, Instr::Const(v), span);
                    }
                    _ => None,
                },
                _ => Some(Instr::BinConst(op, b)),
            },
            Instr::Let(i) => Some(Instr::BinLet(op, i)),
            _ => None,
        };
        match fused {
            Some(f) => {
                p.code[n - 1] = f;
                p.spans[n - 1] = span;
            }
            None => Self::push(p, Instr::Bin(op), span),
        }
    }

    /// Emits a call over the `n` operands just emitted; with constant operands and a valid
    /// result it is folded to that constant, so `max(0, 5)` costs nothing per sample. An
    /// invalid result stays a call, and evaluation reports it at the call.
    fn push_call(p: &mut Draft, m: Math, n: usize, span: Span) {
        let at = p.code.len() - n;
        if let Some(args) = constants(&p.code[at..])
            && let Ok(v) = m.apply(&args)
            && v.is_finite()
        {
            p.code.truncate(at);
            p.spans.truncate(at);
            return Self::push(p, Instr::Const(v), span);
        }
        Self::push(p, Instr::Call(m, n as u8), span);
    }

    /// Emits a distribution over the operands just emitted; with constant operands it is
    /// prepared once instead of rebuilt at every draw.
    fn push_dist(&mut self, p: &mut Draft, kind: DistKind, span: Span) {
        let n = kind.arity();
        let at = p.code.len() - n;
        let consts = constants(&p.code[at..]);
        if let Some(args) = consts {
            p.code.truncate(at);
            p.spans.truncate(at);
            self.model.const_dists.push(ConstDist { kind, args });
            return Self::push(
                p,
                Instr::ConstDist(self.model.const_dists.len() as u32 - 1),
                span,
            );
        }
        self.model.dist_sites += 1;
        Self::push(p, Instr::Dist(kind, self.model.dist_sites - 1), span);
    }

    fn emit(&mut self, e: &Expr, scope: usize, ctx: Ctx, p: &mut Draft) {
        let file = p.file;
        match &e.kind {
            ExprKind::Number(v) => Self::push(p, Instr::Const(*v), e.span),
            ExprKind::Paren(inner) => self.emit(inner, scope, ctx, p),
            ExprKind::Neg(inner) => {
                self.emit(inner, scope, ctx, p);
                if let Some(Instr::Const(v)) = p.code.last_mut() {
                    // Folded, so that `-1` is a constant argument for a plugin and costs
                    // nothing per sample.
                    *v = -*v;
                    if let Some(s) = p.spans.last_mut() {
                        *s = e.span;
                    }
                } else {
                    Self::push(p, Instr::Neg, e.span);
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.emit(lhs, scope, ctx, p);
                self.emit(rhs, scope, ctx, p);
                let op = match op {
                    AstOp::To => return self.push_dist(p, DistKind::To, e.span),
                    AstOp::Add => BinOp::Add,
                    AstOp::Sub => BinOp::Sub,
                    AstOp::Mul => BinOp::Mul,
                    AstOp::Div => BinOp::Div,
                    AstOp::Pow => BinOp::Pow,
                };
                Self::push_binary(p, op, e.span);
            }
            ExprKind::Name(id) => {
                let instr = self.resolve_name(&id.name, id.span, file, scope, ctx);
                Self::push(p, instr, e.span);
            }
            ExprKind::Call(call) => {
                let scn_dsl::ast::Call { plugin, func, args } = &**call;
                self.emit_call(plugin.as_ref(), func, args, e.span, scope, ctx, p);
            }
            ExprKind::Prob(q) => {
                let scn_dsl::ast::ProbQuery { event, given } = &**q;
                if !self.queries_allowed(ctx, e.span, file, "P(…)") {
                    return Self::push(p, Instr::Const(0.0), e.span);
                }
                let event = self.compile_event(event, file);
                let given = given.as_ref().map(|g| self.compile_event(g, file));
                self.model.queries.push(Query::Prob { event, given });
                Self::push(p, Instr::Query(self.model.queries.len() as u32 - 1), e.span);
            }
            ExprKind::Expect(q) => {
                let scn_dsl::ast::ExpectQuery { metric, given } = &**q;
                if !self.queries_allowed(ctx, e.span, file, "E(…)") {
                    return Self::push(p, Instr::Const(0.0), e.span);
                }
                let m = match self.names.get(metric.name.as_str()) {
                    Some(&(Name::Metric(m), _)) => m,
                    other => {
                        let code = if other.is_some() {
                            Code::WrongKind
                        } else {
                            Code::UnknownMetric
                        };
                        let msg = match other {
                            Some((n, _)) => {
                                format!("E(…) takes a metric; `{}` is a {}", metric.name, n.kind())
                            }
                            None => format!("unknown metric `{}`", metric.name),
                        };
                        let help = self.metric_suggestion(&metric.name);
                        let d = self.error(code, file, metric.span, msg);
                        d.help = help;
                        0
                    }
                };
                let given = given.as_ref().map(|g| self.compile_event(g, file));
                self.model.queries.push(Query::Expect { metric: m, given });
                Self::push(p, Instr::Query(self.model.queries.len() as u32 - 1), e.span);
            }
        }
    }

    fn queries_allowed(&mut self, ctx: Ctx, span: Span, file: FileId, what: &str) -> bool {
        if matches!(ctx, Ctx::Query { .. }) {
            return true;
        }
        self.error(
            Code::WrongKind,
            file,
            span,
            format!("{what} cannot be used in {}", ctx.what()),
        )
        .help = Some("queries belong in `forecast` and `expect` lines".into());
        false
    }

    fn resolve_name(
        &mut self,
        name: &str,
        span: Span,
        file: FileId,
        scope: usize,
        ctx: Ctx,
    ) -> Instr {
        if matches!(ctx, Ctx::Prob | Ctx::Effect | Ctx::Arg)
            && let Some(&slot) = self.scopes[scope].params.get(name)
        {
            return Instr::Let(slot);
        }
        let found = self.names.get(name).copied();
        let code = match (found, ctx) {
            (None, _) => Code::UnknownName,
            (Some((Name::Let(i), _)), Ctx::Let { upto }) if i >= upto => Code::UsedBeforeDeclared,
            _ => Code::WrongKind,
        };
        let problem = match (found, ctx) {
            (Some((Name::Let(i), _)), Ctx::Let { upto }) if i >= upto => {
                format!("`{name}` is declared below; a let can use only the lets above it")
            }
            (Some((Name::Let(i), _)), _) => return Instr::Let(i),
            (Some((Name::Metric(m), _)), Ctx::Effect) => return Instr::Metric(m),
            (Some((Name::Metric(_), _)), Ctx::Query { .. }) => {
                format!(
                    "the metric `{name}` can be used in a forecast only inside E(…): write E({name})"
                )
            }
            (Some((Name::Metric(_), _)), _) => {
                format!(
                    "{} cannot read the metric `{name}`; metrics can be read only in effects",
                    ctx.what()
                )
            }
            (Some((Name::Forecast(i), _)), Ctx::Query { upto }) if i < upto => {
                return Instr::Forecast(i);
            }
            (Some((Name::Forecast(_), _)), Ctx::Query { .. }) => {
                format!(
                    "the forecast `{name}` is declared below; a forecast can use only the forecasts above it"
                )
            }
            (Some((Name::Forecast(_), _)), _) => {
                format!("{} cannot use the forecast `{name}`", ctx.what())
            }
            (Some((Name::Source(_), _)), _) => format!("`{name}` is a source, not a value"),
            (None, _) => {
                let mut msg = format!("unknown name `{name}`");
                let params = self.scopes[scope].params.keys().map(String::as_str);
                let names = self.names.keys().map(String::as_str);
                if let Some(s) = self.suggest(name, params.chain(names)) {
                    msg = format!("{msg}; did you mean `{s}`?");
                }
                msg
            }
        };
        self.error(code, file, span, problem);
        Instr::Const(0.0)
    }

    #[allow(clippy::too_many_arguments)] // one call site; a struct would only rename these
    fn emit_call(
        &mut self,
        plugin: Option<&scn_dsl::ast::Ident>,
        func: &scn_dsl::ast::Ident,
        args: &[Arg],
        span: Span,
        scope: usize,
        ctx: Ctx,
        p: &mut Draft,
    ) {
        let file = p.file;
        let is_std = plugin.is_none_or(|pl| pl.name == STD);
        if is_std {
            let Some(def) = Func::lookup(STD, &func.name).map(Func::def) else {
                let names = Func::of_plugin(STD).map(|d| d.name);
                let mut msg = format!("unknown function `{}`", func.name);
                if let Some(s) = self.suggest(&func.name, names) {
                    msg = format!("{msg}; did you mean `{s}`?");
                }
                let all: Vec<&str> = Func::of_plugin(STD).map(|d| d.name).collect();
                self.error(Code::UnknownFunction, file, func.span, msg).help = Some(format!(
                    "the core functions are {}; plugin functions are called as plugin.fn(…)",
                    all.join(", ")
                ));
                return Self::push(p, Instr::Const(0.0), span);
            };
            let ordered: Vec<&Expr> = match def.arity {
                Arity::Exactly(_) => {
                    match self.order_args(def.name, def.params, args, span, file) {
                        Some(o) => o,
                        None => return Self::push(p, Instr::Const(0.0), span),
                    }
                }
                Arity::AtLeast(_) => {
                    if let Some(named) = args.iter().find(|a| a.name.is_some()) {
                        self.error(
                            Code::WrongArguments,
                            file,
                            named.span,
                            format!("{} takes positional arguments only", def.name),
                        );
                        return Self::push(p, Instr::Const(0.0), span);
                    }
                    if !def.arity.accepts(args.len()) {
                        self.error(
                            Code::WrongArguments,
                            file,
                            span,
                            format!(
                                "{} takes {}, got {}",
                                def.name,
                                def.arity.describe(),
                                args.len()
                            ),
                        );
                        return Self::push(p, Instr::Const(0.0), span);
                    }
                    args.iter().map(|a| &a.value).collect()
                }
            };
            let n = ordered.len();
            for a in ordered {
                self.emit(a, scope, ctx, p);
            }
            return match def.op {
                Op::Dist(kind) => self.push_dist(p, kind, span),
                Op::Math(m) => Self::push_call(p, m, n, span),
            };
        }
        let plugin = plugin.expect("not std");
        let plugins = &self.loaded.plugins;
        let Some(pl) = plugins.get(&plugin.name) else {
            let (msg, help) = match plugins.refusal(&plugin.name) {
                Some(why) => why.explain(&plugin.name),
                None => (
                    format!("unknown plugin `{}`", plugin.name),
                    format!(
                        "the built-in plugins are {}; external ones are declared in scn.toml",
                        plugins.names().join(", ")
                    ),
                ),
            };
            self.error(Code::Plugin, file, plugin.span, msg).help = Some(help);
            return Self::push(p, Instr::Const(0.0), span);
        };
        if !self.plugin_enabled(file, &plugin.name) {
            self.error(
                Code::Plugin,
                file,
                plugin.span,
                format!("the plugin `{}` is not enabled in this file", plugin.name),
            )
            .help = Some(format!(
                "add `plugin {}` at the top of the file",
                plugin.name
            ));
            return Self::push(p, Instr::Const(0.0), span);
        }
        let signatures = match pl.signatures() {
            Ok(s) => s,
            Err(e) => {
                self.error(Code::Plugin, file, span, e);
                return Self::push(p, Instr::Const(0.0), span);
            }
        };
        let Some(sig) = signatures.iter().find(|s| s.name == func.name) else {
            let names: Vec<&str> = signatures.iter().map(|s| s.name.as_str()).collect();
            let mut msg = format!(
                "the plugin `{}` has no function `{}`",
                plugin.name, func.name
            );
            if let Some(s) = self.suggest(&func.name, names.iter().copied()) {
                msg = format!("{msg}; did you mean `{s}`?");
            }
            self.error(Code::UnknownFunction, file, func.span, msg).help =
                Some(format!("its functions are {}", names.join(", ")));
            return Self::push(p, Instr::Const(0.0), span);
        };
        let qualified = format!("{}.{}", plugin.name, func.name);
        if let Some(named) = args.iter().find(|a| a.name.is_some()) {
            self.error(
                Code::WrongArguments,
                file,
                named.span,
                format!("{qualified} takes positional arguments only"),
            );
            return Self::push(p, Instr::Const(0.0), span);
        }
        if !sig.arity.accepts(args.len()) {
            self.error(
                Code::WrongArguments,
                file,
                span,
                format!(
                    "{qualified} takes {}, got {}",
                    sig.arity.describe(),
                    args.len()
                ),
            );
            return Self::push(p, Instr::Const(0.0), span);
        }
        let start = p.code.len();
        for a in args {
            self.emit(&a.value, scope, ctx, p);
        }
        // A built-in compiles to a direct instruction; a plugin that runs outside scn is
        // called now, once.
        let builtin = (!pl.load_time_only())
            .then(|| Func::lookup(&plugin.name, &func.name))
            .flatten();
        match builtin.map(|f| f.def().op) {
            Some(Op::Math(m)) => Self::push_call(p, m, args.len(), span),
            Some(Op::Dist(kind)) => self.push_dist(p, kind, span),
            None => self.emit_load_time_call(&qualified, &plugin.name, &func.name, start, span, p),
        }
    }

    /// Calls a plugin that runs out of process, once, now: its arguments must be constants.
    fn emit_load_time_call(
        &mut self,
        qualified: &str,
        plugin: &str,
        func: &str,
        start: usize,
        span: Span,
        p: &mut Draft,
    ) {
        let file = p.file;
        let consts = constants(&p.code[start..]);
        p.code.truncate(start);
        p.spans.truncate(start);
        let Some(args) = consts else {
            self.error(Code::Plugin, file, span, format!("{qualified} runs outside scn, once, when the file loads: its arguments must be numbers, not lets, names or distributions"));
            return Self::push(p, Instr::Const(0.0), span);
        };
        let key = (
            plugin.to_owned(),
            func.to_owned(),
            args.iter().map(|a| a.to_bits()).collect::<Vec<_>>(),
        );
        let answer = match self.plugin_calls.get(&key) {
            Some(a) => a.clone(),
            None => {
                let pl = self
                    .loaded
                    .plugins
                    .get(plugin)
                    .expect("looked up by the caller");
                let a = pl.call(func, &args);
                self.plugin_calls.insert(key, a.clone());
                a
            }
        };
        match answer {
            Ok(Value::Number(v)) => Self::push(p, Instr::Const(v), span),
            Ok(Value::Dist(kind, params)) => {
                for v in params {
                    Self::push(p, Instr::Const(v), span);
                }
                self.push_dist(p, kind, span);
            }
            Err(e) => {
                self.error(Code::Plugin, file, span, e);
                Self::push(p, Instr::Const(0.0), span);
            }
        }
    }

    /// Puts a std function's arguments in parameter order; `None` after reporting.
    fn order_args<'e>(
        &mut self,
        func: &str,
        params: &[&str],
        args: &'e [Arg],
        span: Span,
        file: FileId,
    ) -> Option<Vec<&'e Expr>> {
        let slots = self.bind_args(func, params, args, file)?;
        if let Some(missing) = slots.iter().position(Option::is_none) {
            let msg = format!(
                "{func} takes {} arguments ({}); `{}` is missing",
                params.len(),
                params.join(", "),
                params[missing]
            );
            self.error(Code::WrongArguments, file, span, msg);
            return None;
        }
        Some(
            slots
                .into_iter()
                .map(|s| s.expect("checked above"))
                .collect(),
        )
    }

    /// Matches positional arguments, then named ones, to parameters: each parameter's
    /// argument, `None` where none is given. `None` after reporting a mistake.
    pub(super) fn bind_args<'e>(
        &mut self,
        what: &str,
        params: &[&str],
        args: &'e [Arg],
        file: FileId,
    ) -> Option<Vec<Option<&'e Expr>>> {
        let code = if what.starts_with("template ") {
            Code::TemplateArguments
        } else {
            Code::WrongArguments
        };
        let mut slots: Vec<Option<&Expr>> = vec![None; params.len()];
        let mut seen_named = false;
        for (i, a) in args.iter().enumerate() {
            let at = match &a.name {
                None if seen_named => {
                    self.error(
                        code,
                        file,
                        a.span,
                        "a positional argument cannot follow a named one",
                    );
                    return None;
                }
                None if i >= params.len() => {
                    let n = params.len();
                    let plural = if n == 1 { "" } else { "s" };
                    let msg = format!(
                        "{what} takes {n} argument{plural} ({}), got {}",
                        params.join(", "),
                        args.len()
                    );
                    self.error(code, file, a.span, msg);
                    return None;
                }
                None => i,
                Some(n) => {
                    seen_named = true;
                    let Some(at) = params.iter().position(|p| *p == n.name) else {
                        let help = format!("its parameters are {}", params.join(", "));
                        self.error(
                            code,
                            file,
                            n.span,
                            format!("{what} has no parameter `{}`", n.name),
                        )
                        .help = Some(help);
                        return None;
                    };
                    at
                }
            };
            if slots[at].replace(&a.value).is_some() {
                self.error(
                    code,
                    file,
                    a.span,
                    format!("the parameter `{}` is given twice", params[at]),
                );
                return None;
            }
        }
        Some(slots)
    }
}

/// The values of a run of instructions that are all constants.
fn constants(code: &[Instr]) -> Option<Vec<f64>> {
    code.iter()
        .map(|i| {
            if let Instr::Const(v) = i {
                Some(*v)
            } else {
                None
            }
        })
        .collect()
}
