//! Go to definition: a branch path's parts, lets, metrics, forecasts, parameters, templates
//! (here or imported), sources in `cite`, tags (every node carrying one), plugins, and an
//! import's file.

use lsp_types::{Location, Position, Range, Uri};
use scn_dsl::FileId;

use super::diagnostics::location;
use super::document::Analysis;
use super::hover::{find_template, model_node};
use super::syntax::{At, DefKind, RefKind};

/// Where what lies at `offset` is defined (several places for a tag).
pub(crate) fn at(a: &Analysis, uri: &Uri, offset: usize) -> Vec<Location> {
    let Some(ix) = a.index.as_ref() else {
        return Vec::new();
    };
    let root = a.loaded.root;
    let here = |file: FileId, span| location(a, uri, file, span);
    let found: Vec<Option<Location>> = match ix.at(offset) {
        None => Vec::new(),
        Some(At::Def(_, d)) => vec![here(root, d.span)],
        Some(At::Tag(name, _)) => tags(a, uri, name),
        Some(At::Ref(r)) => match &r.kind {
            RefKind::Name | RefKind::Metric | RefKind::Source => {
                vec![
                    ix.resolve_name(&r.name, r.scope)
                        .and_then(|d| here(root, ix.defs[d].span)),
                ]
            }
            RefKind::Path { path, index } => {
                let path = &ix.paths[*path];
                let from_model = a.evaluation.as_ref().and_then(|ev| {
                    let n = model_node(a, ev, path, *index)?;
                    let node = &ev.model().nodes[n as usize];
                    here(node.file, node.span)
                });
                let from_syntax = || {
                    ix.walk_path(path)
                        .get(*index)
                        .and_then(|&d| here(root, ix.defs[d].span))
                };
                vec![from_model.or_else(from_syntax)]
            }
            RefKind::Tag => tags(a, uri, &r.name),
            RefKind::Template => {
                vec![find_template(a, &r.name).and_then(|(f, ix2, d)| here(f, ix2.defs[d].span))]
            }
            RefKind::NamedArg { template } => {
                vec![find_template(a, template).and_then(|(f, ix2, t)| {
                    let p = ix2.defs.iter().find(|d| {
                        d.kind == DefKind::Param && d.parent == Some(t) && d.name == r.name
                    })?;
                    here(f, p.span)
                })]
            }
            RefKind::Plugin | RefKind::Function { plugin: Some(_) } => {
                let name = match &r.kind {
                    RefKind::Function { plugin: Some(p) } => p,
                    _ => &r.name,
                };
                vec![
                    ix.defs
                        .iter()
                        .find(|d| d.kind == DefKind::Plugin && d.name == *name)
                        .and_then(|d| here(root, d.span)),
                ]
            }
            RefKind::Function { plugin: None } => Vec::new(),
            RefKind::Import => vec![import(a, &r.name)],
        },
    };
    found.into_iter().flatten().collect()
}

/// Every branch or option carrying a tag, in any file read.
fn tags(a: &Analysis, uri: &Uri, name: &str) -> Vec<Option<Location>> {
    a.indices()
        .flat_map(|(file, ix)| {
            ix.tags
                .iter()
                .filter(move |(t, _, _)| t == name)
                .map(move |(_, span, _)| location(a, uri, file, *span))
        })
        .collect()
}

/// The file an import names, when it exists.
fn import(a: &Analysis, written: &str) -> Option<Location> {
    let root = a.path_of(a.loaded.root)?;
    let path = root.parent()?.join(written);
    if !path.is_file() {
        return None;
    }
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let uri = super::uri::from_path(&path)?;
    Some(Location::new(
        uri,
        Range::new(Position::new(0, 0), Position::new(0, 0)),
    ))
}
