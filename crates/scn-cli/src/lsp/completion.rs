//! Completion: what may be typed at the cursor, told from the tokens before it — tags after
//! `#`, a plugin's functions or a branch's children after `.`, templates after `use`, sources
//! after `cite`, branches and tags inside `P(…)` and after `observe`, metrics inside `E(…)`,
//! else keywords, lets, metrics, forecasts, parameters and functions.
//!
//! Names come from the latest analysis whose text parsed, so completion keeps working while
//! the line being typed does not parse.

use std::collections::BTreeMap;

use lsp_types::{CompletionItem, CompletionItemKind, CompletionList};
use scn_dsl::Span;
use scn_dsl::ast::Ident;
use scn_eval::model::{Model, NodeId};

use super::document::Analysis;
use super::syntax::{DefKind, Index, PathRef};
use super::tokens::{CONTEXTUAL, KEYWORDS, Lex, Token, lex};

/// How far back the context is read, in bytes (then to a line start).
const WINDOW: usize = 4096;

/// Keywords that start a statement: looking back for context stops at them.
const STATEMENTS: &[&str] = &[
    "scenario",
    "import",
    "template",
    "use",
    "plugin",
    "let",
    "metric",
    "branch",
    "option",
    "as_of",
    "horizon",
    "author",
    "description",
    "source",
    "note",
    "objective",
    "observe",
    "forecast",
    "expect",
];

/// Keywords that name what follows (no completion: the writer invents the name).
const NAMING: &[&str] = &[
    "scenario", "template", "plugin", "let", "metric", "branch", "option", "source", "forecast",
];

/// What the cursor is in.
#[derive(Debug, PartialEq)]
enum Context {
    Tag,
    /// After `ident.ident.`: the parts before the dot.
    Dotted(Vec<String>),
    Template,
    Source,
    Metric,
    Event,
    /// A name or date being invented: nothing to offer.
    Nothing,
    Anything,
}

/// The completions at a byte offset of `text`, with names from `a` (an analysis of this text
/// or of an earlier one).
pub(crate) fn at(text: &str, offset: usize, a: Option<&Analysis>) -> CompletionList {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let mut word = offset;
    while word > 0 && (bytes[word - 1].is_ascii_alphanumeric() || bytes[word - 1] == b'_') {
        word -= 1;
    }
    let context = context(text, word);
    let mut items = Items {
        map: BTreeMap::new(),
        first: bytes
            .get(word)
            .filter(|_| word < offset)
            .map(u8::to_ascii_lowercase),
        incomplete: false,
    };
    let ix = a.and_then(|a| a.index.as_ref());
    let model = a
        .and_then(|a| a.evaluation.as_ref())
        .map(scn_eval::Evaluation::model);
    match context {
        Context::Nothing => {}
        Context::Tag => {
            for a in a.iter() {
                for (_, ix) in a.indices() {
                    for (t, _, _) in &ix.tags {
                        items.add(t, CompletionItemKind::CONSTANT, "tag");
                    }
                }
            }
            for t in model.iter().flat_map(|m| m.tags.iter()) {
                items.add(t, CompletionItemKind::CONSTANT, "tag");
            }
        }
        Context::Dotted(parts) => {
            if let (Some(a), [plugin]) = (a, parts.as_slice()) {
                for (p, sigs) in &a.functions {
                    if p == plugin {
                        for s in sigs {
                            items.add(&s.name, CompletionItemKind::FUNCTION, &s.doc);
                        }
                    }
                }
            }
            for id in children(model, ix, &parts) {
                items.add(&id, CompletionItemKind::EVENT, "branch");
            }
        }
        Context::Template => {
            for (_, ix) in a.iter().flat_map(|a| a.indices()) {
                defs(&mut items, ix, &[DefKind::Template], None);
            }
        }
        Context::Source => defs_of(&mut items, ix, &[DefKind::Source], None),
        Context::Metric => defs_of(&mut items, ix, &[DefKind::Metric], None),
        Context::Event => {
            // Words first: a large tree's ids could take every place in the list.
            for k in ["not", "and", "or", "by"] {
                items.add(k, CompletionItemKind::KEYWORD, "keyword");
            }
            nodes(&mut items, model, ix);
        }
        Context::Anything => {
            for k in KEYWORDS.iter().chain(CONTEXTUAL) {
                items.add(k, CompletionItemKind::KEYWORD, "keyword");
            }
            let scope = ix.and_then(|ix| {
                ix.defs
                    .iter()
                    .position(|d| d.kind == DefKind::Template && contains(d.full, offset))
            });
            defs_of(
                &mut items,
                ix,
                &[
                    DefKind::Let,
                    DefKind::Metric,
                    DefKind::Forecast,
                    DefKind::Param,
                ],
                scope,
            );
            for (p, sigs) in a.iter().flat_map(|a| a.functions.iter()) {
                if p == "std" {
                    for s in sigs {
                        items.add(&s.name, CompletionItemKind::FUNCTION, &s.doc);
                    }
                } else {
                    items.add(p, CompletionItemKind::MODULE, "plugin");
                }
            }
        }
    }
    CompletionList {
        is_incomplete: items.incomplete,
        items: items.map.into_values().collect(),
    }
}

fn contains(s: Span, offset: usize) -> bool {
    s.start as usize <= offset && offset <= s.end as usize
}

/// Most items sent at once: a tree of a million branches has a million ids.
const MAX_ITEMS: usize = 2000;

/// Completion items by label: the first kind offered for a label wins. Only labels that
/// start with the typed word's first letter are kept (editors match the rest of the word
/// themselves); past [`MAX_ITEMS`] the list says it is incomplete, and the editor asks again
/// as more is typed.
struct Items {
    map: BTreeMap<String, CompletionItem>,
    first: Option<u8>,
    incomplete: bool,
}

impl Items {
    fn add(&mut self, label: &str, kind: CompletionItemKind, detail: &str) {
        let initial = label.bytes().next().map(|b| b.to_ascii_lowercase());
        if self.first.is_some() && initial != self.first {
            return;
        }
        if self.map.len() >= MAX_ITEMS && !self.map.contains_key(label) {
            self.incomplete = true;
            return;
        }
        self.map
            .entry(label.to_owned())
            .or_insert_with(|| CompletionItem {
                label: label.to_owned(),
                kind: Some(kind),
                detail: Some(detail.to_owned()),
                ..CompletionItem::default()
            });
    }
}

fn kind_of(k: DefKind) -> CompletionItemKind {
    match k {
        DefKind::Let => CompletionItemKind::VARIABLE,
        DefKind::Metric => CompletionItemKind::FIELD,
        DefKind::Forecast => CompletionItemKind::CONSTANT,
        DefKind::Param => CompletionItemKind::TYPE_PARAMETER,
        DefKind::Template => CompletionItemKind::SNIPPET,
        DefKind::Source => CompletionItemKind::REFERENCE,
        DefKind::Branch | DefKind::Option => CompletionItemKind::EVENT,
        DefKind::Scenario | DefKind::Plugin => CompletionItemKind::MODULE,
    }
}

fn defs_of(items: &mut Items, ix: Option<&Index>, kinds: &[DefKind], template: Option<usize>) {
    if let Some(ix) = ix {
        defs(items, ix, kinds, template);
    }
}

/// Definitions of some kinds; parameters only of `template`.
fn defs(items: &mut Items, ix: &Index, kinds: &[DefKind], template: Option<usize>) {
    for d in &ix.defs {
        if !kinds.contains(&d.kind) {
            continue;
        }
        if d.kind == DefKind::Param && (template.is_none() || d.parent != template) {
            continue;
        }
        items.add(&d.name, kind_of(d.kind), d.kind.word());
    }
}

/// Every branch and option id: the resolved tree's (templates spliced in) and the file's.
fn nodes(items: &mut Items, model: Option<&Model>, ix: Option<&Index>) {
    for n in model.iter().flat_map(|m| m.nodes.iter().skip(1)) {
        items.add(&n.id, CompletionItemKind::EVENT, "branch");
    }
    defs_of(items, ix, &[DefKind::Branch, DefKind::Option], None);
}

/// The ids of the children of the node a dotted path names.
fn children(model: Option<&Model>, ix: Option<&Index>, parts: &[String]) -> Vec<String> {
    if let Some(m) = model
        && let Some(n) = walk_model(m, parts)
    {
        return m
            .children(n)
            .iter()
            .map(|&c| m.nodes[c as usize].id.to_string())
            .collect();
    }
    let Some(ix) = ix else {
        return Vec::new();
    };
    let path = PathRef {
        span: Span::default(),
        parts: parts
            .iter()
            .map(|p| Ident {
                name: p.into(),
                span: Span::default(),
            })
            .collect(),
    };
    let found = ix.walk_path(&path);
    if found.len() != parts.len() {
        return Vec::new();
    }
    ix.children(found[found.len() - 1])
        .map(|c| ix.defs[c].name.to_string())
        .collect()
}

/// A path from the root, else from a bare id unique in the tree, as the resolver reads it.
fn walk_model(m: &Model, parts: &[String]) -> Option<NodeId> {
    let walk = |from: NodeId, parts: &[String]| {
        parts.iter().try_fold(from, |at, p| {
            m.children(at)
                .iter()
                .copied()
                .find(|&c| *m.nodes[c as usize].id == **p)
        })
    };
    if let Some(n) = walk(0, parts) {
        return Some(n);
    }
    let mut bare = m
        .nodes
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, n)| *n.id == *parts[0]);
    match (bare.next(), bare.next()) {
        (Some((one, _)), None) => walk(one as NodeId, &parts[1..]),
        _ => None,
    }
}

/// Reads the tokens before the word at `word` for what it is in.
fn context(text: &str, word: usize) -> Context {
    let bytes = text.as_bytes();
    match word.checked_sub(1).map(|i| bytes[i]) {
        Some(b'#') => return Context::Tag,
        Some(b'.') => {
            let mut parts = Vec::new();
            let mut end = word - 1;
            loop {
                let mut start = end;
                while start > 0
                    && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_')
                {
                    start -= 1;
                }
                if start == end {
                    break;
                }
                parts.push(text[start..end].to_owned());
                if start > 0 && bytes[start - 1] == b'.' {
                    end = start - 1;
                } else {
                    break;
                }
            }
            parts.reverse();
            // `1.` is a number being typed.
            if parts.is_empty() || parts[0].as_bytes()[0].is_ascii_digit() {
                return Context::Nothing;
            }
            return Context::Dotted(parts);
        }
        _ => {}
    }
    let mut from = word.saturating_sub(WINDOW);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let from = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let window = &text[from..word];
    let toks: Vec<Token> = lex(window)
        .into_iter()
        .filter(|t| t.lex != Lex::Comment)
        .collect();
    // Inside a comment or a string: nothing.
    if let Some(last) = lex(window).last()
        && last.end == window.len()
        && (last.lex == Lex::Comment
            || (last.lex == Lex::Str && (last.end - last.start < 2 || !window.ends_with('"'))))
    {
        return Context::Nothing;
    }
    let w = |t: &Token| &window[t.start..t.end];
    let Some(prev) = toks.last() else {
        return Context::Anything;
    };
    match w(prev) {
        "use" => return Context::Template,
        "cite" => return Context::Source,
        "objective" => return Context::Nothing,
        "maximize" | "minimize" => return Context::Metric,
        "by" | "at" | "after" | "as_of" | "horizon" | "closes" | "import" => {
            return Context::Nothing;
        }
        k if NAMING.contains(&k) => return Context::Nothing,
        _ => {}
    }
    // `cite a, b, ` and the name after an effect's metric.
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().rev() {
        let word = w(t);
        match (t.lex, word) {
            (Lex::Punct, ")") => depth += 1,
            (Lex::Punct, "(") if depth > 0 => depth -= 1,
            (Lex::Punct, "(") => match k.checked_sub(1).map(|p| (toks[p].lex, w(&toks[p]))) {
                Some((_, "P")) => return Context::Event,
                Some((_, "E")) => return Context::Metric,
                // A call's arguments, or a `use`'s.
                Some((Lex::Ident, _)) => return Context::Anything,
                // A group: what it is depends on what holds it.
                _ => {}
            },
            (Lex::Punct, "{" | "}") => return Context::Anything,
            (Lex::Keyword, "cite") if depth == 0 => {
                // Only names and commas since `cite`: still its list.
                let list = toks[k + 1..]
                    .iter()
                    .all(|t| t.lex == Lex::Ident || w(t) == ",");
                return if list && w(prev) == "," {
                    Context::Source
                } else {
                    Context::Anything
                };
            }
            (Lex::Keyword, "observe") if depth == 0 => return Context::Event,
            (Lex::Keyword, s) if depth == 0 && STATEMENTS.contains(&s) => {
                return Context::Anything;
            }
            _ => {}
        }
    }
    Context::Anything
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(src: &str) -> Context {
        let at = src.find('$').unwrap();
        let text = src.replacen('$', "", 1);
        let bytes = text.as_bytes();
        let mut word = at;
        while word > 0 && (bytes[word - 1].is_ascii_alphanumeric() || bytes[word - 1] == b'_') {
            word -= 1;
        }
        context(&text, word)
    }

    #[test]
    fn context_is_read_from_the_tokens_before() {
        assert_eq!(ctx("branch a p = 1 #$"), Context::Tag);
        assert_eq!(
            ctx("forecast f = P(talks.sig$"),
            Context::Dotted(vec!["talks".into()])
        );
        assert_eq!(
            ctx("let h = hazard.$"),
            Context::Dotted(vec!["hazard".into()])
        );
        assert_eq!(ctx("let h = 1.$"), Context::Nothing);
        assert_eq!(ctx("  use $"), Context::Template);
        assert_eq!(ctx("let x = 1 cite a, $"), Context::Source);
        assert_eq!(ctx("forecast f = P(a and $"), Context::Event);
        assert_eq!(ctx("forecast f = P(a | (b or $"), Context::Event);
        assert_eq!(ctx("forecast f = E(co$"), Context::Metric);
        assert_eq!(ctx("forecast f = max(1, $"), Context::Anything);
        assert_eq!(ctx("observe no$"), Context::Event);
        assert_eq!(ctx("branch $"), Context::Nothing);
        assert_eq!(ctx("note \"abc $"), Context::Nothing);
        assert_eq!(ctx("// a comment $"), Context::Nothing);
        assert_eq!(ctx("branch a p = 1 {\n  $"), Context::Anything);
        assert_eq!(ctx("objective maximize $"), Context::Metric);
    }
}
