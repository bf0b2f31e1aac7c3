//! The outline: templates and scenarios, their items, and the tree of branches and options
//! nested as written. Built bottom-up over the index (whose definitions are in pre-order, a
//! parent before its children), so a deep tree costs no recursion.

use std::collections::HashMap;

use lsp_types::{DocumentSymbol, SymbolKind};
use scn_dsl::Span;

use super::document::Analysis;
use super::syntax::DefKind;
use crate::report::number::pct;

/// The deepest level the outline nests: below it, definitions are listed flat under their
/// ancestor at this depth. A tree nested thousands deep (the language allows 50,000) made
/// a reply that overflowed the stack when it was serialised and freed, and that clients
/// with a JSON nesting limit could not read; no one reads an outline that deep anyway.
pub(crate) const MAX_OUTLINE_DEPTH: usize = 64;

pub(crate) fn outline(a: &Analysis) -> Vec<DocumentSymbol> {
    let Some(ix) = &a.index else {
        return Vec::new();
    };
    let root = a.loaded.root;
    // Each definition's node in the model, for its probability (the first, for a template's
    // node spliced in several times).
    let mut nodes: HashMap<Span, u32> = HashMap::new();
    if let Some(ev) = &a.evaluation {
        for (k, n) in ev.model().nodes.iter().enumerate().skip(1) {
            if n.file == root {
                nodes.entry(n.span).or_insert(k as u32);
            }
        }
    }
    let node_of = |span: Span| {
        let ev = a.evaluation.as_ref()?;
        nodes.get(&span).map(|&k| ev.node(k))
    };
    let n = ix.defs.len();
    // Where each definition goes: its parent, or past the depth limit the ancestor at it.
    // Definitions come in pre-order, so a parent's place is known before its children's.
    let mut depth = vec![0usize; n];
    let mut under: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        if let Some(p) = ix.defs[i].parent {
            if depth[p] + 1 < MAX_OUTLINE_DEPTH {
                (depth[i], under[i]) = (depth[p] + 1, Some(p));
            } else {
                (depth[i], under[i]) = (depth[p], under[p]);
            }
        }
    }
    let mut children: Vec<Vec<DocumentSymbol>> = vec![Vec::new(); n];
    let mut top = Vec::new();
    for i in (0..n).rev() {
        let d = &ix.defs[i];
        let kind = match d.kind {
            DefKind::Scenario => SymbolKind::NAMESPACE,
            DefKind::Let => SymbolKind::VARIABLE,
            DefKind::Metric => SymbolKind::PROPERTY,
            DefKind::Forecast => SymbolKind::CONSTANT,
            DefKind::Source => SymbolKind::STRING,
            DefKind::Template => SymbolKind::FUNCTION,
            DefKind::Param => SymbolKind::TYPE_PARAMETER,
            DefKind::Branch => SymbolKind::EVENT,
            DefKind::Option => SymbolKind::ENUM_MEMBER,
            DefKind::Plugin => SymbolKind::MODULE,
        };
        let detail = match d.kind {
            DefKind::Branch => node_of(d.span)
                .map(|v| format!("{} · path {}", pct(v.cond_now), pct(v.probability))),
            DefKind::Option => node_of(d.span).map(|v| {
                if v.is_chosen_option() {
                    "taken".to_owned()
                } else {
                    "not taken".to_owned()
                }
            }),
            _ => None,
        }
        .or_else(|| Some(d.kind.word().to_owned()));
        let mut kids = std::mem::take(&mut children[i]);
        kids.reverse();
        #[allow(deprecated)] // `deprecated` is a required field of the protocol's struct
        let sym = DocumentSymbol {
            name: d.name.to_string(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: a.lines.range(&a.text, d.full),
            selection_range: a.lines.range(&a.text, d.span),
            children: (!kids.is_empty()).then_some(kids),
        };
        match under[i] {
            Some(p) => children[p].push(sym),
            None => top.push(sym),
        }
    }
    top.reverse();
    top
}
