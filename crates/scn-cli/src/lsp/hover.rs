//! Hover: what a name stands for, with its numbers from the point evaluation — a branch's
//! probability given its parent, its path probability and date; a let's value or, for a
//! distribution, its mean and 90% interval; a metric's expected value; a forecast's value.
//! Numbers are written as the reports write them ([`crate::report::number`]): point values
//! to six significant digits, sampled intervals to three, probabilities as percentages.

use std::fmt::Write;

use scn_dsl::ast::SmolStr;
use scn_dsl::{FileId, Span};
use scn_eval::model::{EventKind, NodeId, NodeKind};
use scn_eval::{Evaluation, Signature};

use super::document::Analysis;
use super::syntax::{At, Def, DefKind, Index, PathRef, RefKind};
use crate::report::number::{approx, num, pct};

/// Most instances of a template's branch listed (each `use` makes one).
const MAX_INSTANCES: usize = 5;

/// The hover text (Markdown) at a byte offset of the document, and the span it is about.
pub(crate) fn at(a: &Analysis, offset: usize) -> Option<(String, Span)> {
    let ix = a.index.as_ref()?;
    let root = a.loaded.root;
    let text = match ix.at(offset)? {
        At::Def(i, d) => (def(a, root, ix, i), d.span),
        At::Ref(r) => {
            let md = match &r.kind {
                RefKind::Name | RefKind::Metric | RefKind::Source => {
                    let d = ix.resolve_name(&r.name, r.scope)?;
                    def(a, root, ix, d)
                }
                RefKind::Path { path, index } => path_part(a, ix, &ix.paths[*path], *index)?,
                RefKind::Tag => tag(a, &r.name),
                RefKind::Template => {
                    let (file, ix2, d) = find_template(a, &r.name)?;
                    def(a, file, ix2, d)
                }
                RefKind::NamedArg { template } => {
                    let (file, ix2, t) = find_template(a, template)?;
                    let p = ix2.defs.iter().position(|d| {
                        d.kind == DefKind::Param && d.parent == Some(t) && d.name == r.name
                    })?;
                    def(a, file, ix2, p)
                }
                RefKind::Plugin => {
                    let n = a
                        .functions
                        .iter()
                        .find(|(p, _)| *p == r.name)
                        .map_or(0, |(_, f)| f.len());
                    format!("**plugin** `{}`: {n} functions", r.name)
                }
                RefKind::Function { plugin } => function(a, plugin.as_ref(), &r.name)?,
                RefKind::Import => {
                    let dir = a
                        .loaded
                        .sources
                        .get(a.loaded.root)
                        .name
                        .rsplit_once('/')
                        .map_or(String::new(), |(d, _)| format!("{d}/"));
                    format!("**import** `{dir}{}`: its templates", r.name)
                }
            };
            (md, r.span)
        }
        At::Tag(name, span) => (tag(a, name), span),
    };
    Some(text)
}

/// The template of a name: this file's, else an import's; with its file.
pub(crate) fn find_template<'a>(a: &'a Analysis, name: &str) -> Option<(FileId, &'a Index, usize)> {
    a.indices().find_map(|(file, ix)| {
        ix.defs
            .iter()
            .position(|d| d.kind == DefKind::Template && d.name == name)
            .map(|d| (file, ix, d))
    })
}

/// The first line of an item as written, shortened.
fn head(a: &Analysis, file: FileId, d: &Def) -> String {
    let item = a
        .loaded
        .sources
        .get(file)
        .text
        .get(d.full.range())
        .unwrap_or("");
    let line = item
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('{')
        .trim();
    let mut short: String = line.chars().take(160).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    format!("```scn\n{short}\n```\n")
}

fn def(a: &Analysis, file: FileId, ix: &Index, i: usize) -> String {
    let d = &ix.defs[i];
    let mut out = head(a, file, d);
    let ev = a.evaluation.as_ref();
    match d.kind {
        DefKind::Branch | DefKind::Option => {
            let Some(ev) = ev else {
                return no_values(out);
            };
            let nodes: Vec<NodeId> = ev
                .model()
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.file == file && n.span == d.span)
                .map(|(k, _)| k as NodeId)
                .collect();
            if nodes.is_empty() {
                let _ = writeln!(out, "not in the evaluated tree");
            }
            for &n in nodes.iter().take(MAX_INSTANCES) {
                if nodes.len() > 1 {
                    let _ = writeln!(out, "\n`{}`:", ev.model().path_of(n));
                }
                node(&mut out, ev, n);
            }
            if nodes.len() > MAX_INSTANCES {
                let _ = writeln!(out, "\n… and {} more", nodes.len() - MAX_INSTANCES);
            }
        }
        DefKind::Let => match ev {
            Some(ev) => {
                let model = ev.model();
                if let Some(k) = model
                    .lets
                    .iter()
                    .position(|l| !l.is_param && l.name == d.name)
                {
                    let v = ev.lets().nth(k).map_or(f64::NAN, |l| l.value);
                    value_with_interval(&mut out, a, k, v);
                    if let Some(doc) = &model.lets[k].doc {
                        let _ = writeln!(out, "\n{doc}");
                    }
                }
            }
            None => return no_values(out),
        },
        DefKind::Param => {
            let template = d
                .parent
                .map(|t| ix.defs[t].name.clone())
                .unwrap_or_default();
            let _ = writeln!(out, "parameter of the template `{template}`");
            if let Some(ev) = ev {
                let full = format!("{template}.{}", d.name);
                let uses: Vec<usize> = ev
                    .model()
                    .lets
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.is_param && l.name == full)
                    .map(|(k, _)| k)
                    .collect();
                for (n, &k) in uses.iter().enumerate().take(MAX_INSTANCES) {
                    let v = ev.lets().nth(k).map_or(f64::NAN, |l| l.value);
                    let _ = write!(out, "\nuse {}: ", n + 1);
                    value_with_interval(&mut out, a, k, v);
                }
            }
        }
        DefKind::Metric => match ev.and_then(|ev| ev.metrics().find(|m| m.def.name == d.name)) {
            Some(m) => {
                let unit = m
                    .def
                    .unit
                    .as_deref()
                    .map_or(String::new(), |u| format!(" {u}"));
                let _ = writeln!(out, "expected value: **{}**{unit}", num(m.expected));
                if let Some(p) = m.prior {
                    let _ = writeln!(out, "\nbefore the evidence: {}{unit}", num(p));
                }
                if let Some(l) = &m.def.label {
                    let _ = writeln!(out, "\n{l}");
                }
            }
            None => return no_values(out),
        },
        DefKind::Forecast => {
            match ev.and_then(|ev| ev.forecasts().find(|f| f.def.name == d.name)) {
                Some(f) => {
                    match f.value {
                        Some(v) => {
                            let _ = writeln!(out, "value: **{}**", num(v));
                        }
                        None => {
                            let _ = writeln!(out, "undefined given the evidence");
                        }
                    }
                    if let Some(p) = f.prior {
                        let _ = writeln!(out, "\nbefore the evidence: {}", num(p));
                    }
                    if let Some(l) = &f.def.label {
                        let _ = writeln!(out, "\n{l}");
                    }
                }
                None => return no_values(out),
            }
        }
        DefKind::Source => {
            if let Some(s) = ev.and_then(|ev| ev.model().sources.iter().find(|s| s.id == d.name)) {
                let _ = writeln!(out, "{}", s.text);
            }
        }
        DefKind::Scenario => {
            if let Some(ev) = ev {
                let m = &ev.model().meta;
                let _ = writeln!(out, "{}", m.title);
                if let Some(d) = m.as_of {
                    let _ = writeln!(out, "\nas of {d}");
                }
                if let Some(p) = ev.evidence() {
                    let _ = writeln!(out, "\nprobability of the evidence: {}", pct(p));
                }
            }
        }
        DefKind::Template | DefKind::Plugin => {}
    }
    out
}

fn no_values(mut out: String) -> String {
    out.push_str("no values: the file has errors");
    out
}

/// A let's value; for one that varies, its mean and 90% interval.
fn value_with_interval(out: &mut String, a: &Analysis, k: usize, v: f64) {
    match a.let_intervals().and_then(|iv| iv.get(k)) {
        Some(&(lo, hi)) if hi > lo => {
            let _ = writeln!(
                out,
                "mean **{}**, 90% interval **{} to {}** (Monte Carlo, {} draws)",
                num(v),
                approx(lo),
                approx(hi),
                super::document::INTERVAL_SAMPLES
            );
        }
        _ => {
            let _ = writeln!(out, "value: **{}**", num(v));
        }
    }
}

/// Probabilities and date of a node.
fn node(out: &mut String, ev: &Evaluation, n: NodeId) {
    let v = ev.node(n);
    if v.def.kind == NodeKind::Option {
        let chosen = if v.is_chosen_option() {
            "taken"
        } else {
            "not taken"
        };
        let _ = writeln!(out, "option {chosen}");
        if let Some(val) = ev
            .decisions()
            .iter()
            .flat_map(|d| d.options.iter())
            .find(|o| o.node == n)
        {
            let _ = writeln!(out, "\nvalue if taken: {}", num(val.value));
        }
    } else {
        let _ = write!(out, "probability given its parent: **{}**", pct(v.cond_now));
        if v.cond_now != v.cond {
            let _ = write!(out, " (before the evidence: {})", pct(v.cond));
        }
        let _ = writeln!(out);
    }
    let _ = write!(out, "\npath probability: **{}**", pct(v.probability));
    if v.probability != v.prior {
        let _ = write!(out, " (before the evidence: {})", pct(v.prior));
    }
    let _ = writeln!(out);
    if let Some(date) = v.def.date {
        let _ = writeln!(out, "\ndate: {date}");
    }
}

/// A part of a branch path: the node it names.
fn path_part(a: &Analysis, ix: &Index, path: &PathRef, index: usize) -> Option<String> {
    if let Some(ev) = &a.evaluation
        && let Some(n) = model_node(a, ev, path, index)
    {
        let model = ev.model();
        let def = &model.nodes[n as usize];
        let kind = if def.kind == NodeKind::Option {
            "option"
        } else {
            "branch"
        };
        let mut out = format!("**{kind}** `{}`", model.path_of(n));
        if let Some(l) = &def.label {
            let _ = write!(out, " — {l}");
        }
        out.push_str("\n\n");
        node(&mut out, ev, n);
        return Some(out);
    }
    let nodes = ix.walk_path(path);
    nodes.get(index).map(|&d| def(a, a.loaded.root, ix, d))
}

/// The model node that part `index` of a path names, from the event the resolver made of it.
pub(crate) fn model_node(
    a: &Analysis,
    ev: &Evaluation,
    path: &PathRef,
    index: usize,
) -> Option<NodeId> {
    let model = ev.model();
    let target = model.events.iter().find_map(|e| match e.kind {
        EventKind::Node(n) | EventKind::NodeBy(n, _)
            if e.file == a.loaded.root && e.span.start == path.span.start && n != 0 =>
        {
            Some(n)
        }
        _ => None,
    })?;
    let mut n = target;
    for _ in index + 1..path.parts.len() {
        n = model.nodes[n as usize].parent;
    }
    (n != 0 && *model.nodes[n as usize].id == *path.parts[index].name).then_some(n)
}

fn tag(a: &Analysis, name: &str) -> String {
    let mut out = format!("**tag** `#{name}`");
    if let Some(ev) = &a.evaluation {
        let model = ev.model();
        if let Some(t) = model.tags.iter().position(|t| t == name) {
            let n = model
                .nodes
                .iter()
                .filter(|n| n.tags.contains(&(t as u32)))
                .count();
            let what = if n == 1 {
                "branch or option"
            } else {
                "branches or options"
            };
            let _ = write!(out, " on {n} {what}");
        }
    }
    out
}

fn function(a: &Analysis, plugin: Option<&SmolStr>, name: &str) -> Option<String> {
    let p = plugin.map_or("std", SmolStr::as_str);
    let sig: &Signature = a
        .functions
        .iter()
        .find(|(n, _)| n == p)?
        .1
        .iter()
        .find(|s| s.name == name)?;
    let call = match plugin {
        Some(p) => format!("{p}.{name}"),
        None => name.to_owned(),
    };
    Some(format!(
        "**{call}** ({})\n\n{}",
        sig.arity.describe(),
        sig.doc
    ))
}
