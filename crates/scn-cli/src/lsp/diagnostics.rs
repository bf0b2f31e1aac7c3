//! scn's diagnostics as the protocol's: the message and span of `scn check`, its help on a
//! second line, its secondary labels as related locations.
//!
//! A problem inside an imported file is shown on the `import` line that brought the file in
//! (the file itself may not be open), its message prefixed with `FILE:LINE:COL:` and its place
//! given as a related location.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Uri,
};
use scn_dsl::{Diagnostic, FileId, Severity, SourceMap, Span};

use super::document::Analysis;
use super::position::LineIndex;
use super::syntax::RefKind;

/// Most diagnostics sent for one document, as `scn check` prints at most this many per file.
const MAX: usize = crate::commands::MAX_DIAGNOSTICS_PER_FILE;

/// Every diagnostic of an analysis, for `textDocument/publishDiagnostics`.
pub(crate) fn of(a: &Analysis, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
    let mut out = Vec::new();
    if let Some((map, d)) = &a.manifest_problem {
        let f = map.get(d.file);
        let (line, col) = f.line_col(d.span.start);
        let mut lsp = base(d, Range::default());
        let name = scn_dsl::sanitize(&f.name);
        lsp.message = format!("{name}:{line}:{col}: {}", lsp.message);
        out.push(lsp);
    }
    let root = a.loaded.root;
    let anchors = import_anchors(a);
    for d in a.diagnostics.iter().take(MAX) {
        if d.file == root {
            let mut lsp = base(d, a.lines.range(&a.text, d.span));
            lsp.related_information = related(a, uri, &d.labels);
            out.push(lsp);
            continue;
        }
        // In an import: on the line that imports it (directly or through other files).
        let anchor = anchors
            .iter()
            .rev()
            .find(|(file, _)| *file <= d.file)
            .map_or(Span::default(), |&(_, span)| span);
        let f = a.loaded.sources.get(d.file);
        let (line, col) = f.line_col(d.span.start);
        let mut lsp = base(d, a.lines.range(&a.text, anchor));
        let name = scn_dsl::sanitize(&f.name);
        lsp.message = format!("{name}:{line}:{col}: {}", lsp.message);
        let mut rel = related(
            a,
            uri,
            &[scn_dsl::Label {
                file: d.file,
                span: d.span,
                message: d.message.clone(),
            }],
        )
        .unwrap_or_default();
        rel.extend(related(a, uri, &d.labels).unwrap_or_default());
        lsp.related_information = Some(rel).filter(|r| !r.is_empty());
        out.push(lsp);
    }
    out
}

/// The protocol's diagnostic without its related locations. Message and help are sanitised
/// as the terminal renderer does them: they quote the file and plugins' answers, and a
/// control character or bidirectional override would show the reader something else.
fn base(d: &Diagnostic, range: Range) -> lsp_types::Diagnostic {
    let mut message = scn_dsl::sanitize(&d.message).into_owned();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(&scn_dsl::sanitize(help));
    }
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: d
            .code
            .map(|c| NumberOrString::String(c.as_str().to_owned())),
        source: Some("scn".into()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

/// The root's `import` lines with the file each brought in, in the order the loader read
/// them; files it read through that import follow it, so a file belongs to the last import
/// at or before it.
fn import_anchors(a: &Analysis) -> Vec<(FileId, Span)> {
    let Some(ix) = &a.index else {
        return Vec::new();
    };
    let root_name = &a.loaded.sources.get(a.loaded.root).name;
    let dir = std::path::Path::new(root_name)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let mut anchors: Vec<(FileId, Span)> = ix
        .refs
        .iter()
        .filter(|r| r.kind == RefKind::Import)
        .filter_map(|r| {
            let shown = dir.join(r.name.as_str()).display().to_string();
            let (id, _) = a
                .loaded
                .sources
                .iter()
                .find(|(id, f)| *id != a.loaded.root && f.name == shown)?;
            Some((id, r.span))
        })
        .collect();
    anchors.sort();
    anchors
}

/// Secondary labels as locations, each in its own file.
fn related(
    a: &Analysis,
    uri: &Uri,
    labels: &[scn_dsl::Label],
) -> Option<Vec<DiagnosticRelatedInformation>> {
    let out: Vec<_> = labels
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: location(a, uri, l.file, l.span)?,
                message: scn_dsl::sanitize(&l.message).into_owned(),
            })
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

/// Where a span of any file of the analysis lies, for the client.
pub(crate) fn location(a: &Analysis, uri: &Uri, file: FileId, span: Span) -> Option<Location> {
    if file == a.loaded.root {
        // The document itself, which may have no path (unsaved) and whose text is the editor's.
        return Some(Location::new(uri.clone(), a.lines.range(&a.text, span)));
    }
    let path = a.path_of(file)?;
    let uri = super::uri::from_path(&path)?;
    Some(Location::new(uri, range_in(&a.loaded.sources, file, span)))
}

/// The range of a span in a file of a source map, counted in UTF-16 units.
pub(crate) fn range_in(sources: &SourceMap, file: FileId, span: Span) -> Range {
    let text = &sources.get(file).text;
    if text.is_empty() {
        return Range::new(Position::new(0, 0), Position::new(0, 0));
    }
    LineIndex::new(text).range(text, span)
}
