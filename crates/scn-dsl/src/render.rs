//! Renders diagnostics as text: the spec's one-line header, then a source excerpt.
//!
//! ```text
//! syntax.scn:2:20: error: expected a probability after `p =`, found `=` [syntax]
//!   |
//! 2 |   branch a "A" p = = 0.2
//!   |                    ^ expected a probability
//! ```
//!
//! Written by hand rather than with a diagnostics crate because the spec fixes a
//! `FILE:LINE:COL: error: MESSAGE` header that none of them prints, and the excerpt is
//! small. The diagnostic's code ends the header, where it leaves the `FILE:LINE:COL: error:`
//! start as it is. Warnings render the same way, with `warning` for `error`. Long lines (a
//! 10 MB string on one line) are cut to a window around the caret.
//!
//! [`Style::Color`] adds ANSI colours (the severity, the gutter, the carets) for a terminal;
//! the text between the escapes is exactly the plain rendering's. It is off unless a caller
//! asks: the CLI does for a terminal without `NO_COLOR`, tests never do.

use std::fmt::Write;

use anstyle::{AnsiColor, Style as Paint};

use crate::diag::Diagnostic;
use crate::sanitize::sanitize;
use crate::source::{FileId, SourceMap};
use crate::span::Span;

/// Characters of a source line shown on either side of the caret when the line is long.
const WINDOW: usize = 60;

/// How a diagnostic is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// Plain text.
    #[default]
    Plain,
    /// ANSI colours, for a terminal.
    Color,
}

/// The paints of one rendering; all empty for [`Style::Plain`].
struct Paints {
    severity: Paint,
    message: Paint,
    gutter: Paint,
    primary: Paint,
    secondary: Paint,
    note: Paint,
}

impl Paints {
    fn new(style: Style, diag: &Diagnostic) -> Paints {
        let plain = Paint::new();
        if style == Style::Plain {
            return Paints {
                severity: plain,
                message: plain,
                gutter: plain,
                primary: plain,
                secondary: plain,
                note: plain,
            };
        }
        let colour = match diag.severity {
            crate::diag::Severity::Error => AnsiColor::Red,
            crate::diag::Severity::Warning => AnsiColor::Yellow,
        };
        let blue = Paint::new().bold().fg_color(Some(AnsiColor::Blue.into()));
        Paints {
            severity: Paint::new().bold().fg_color(Some(colour.into())),
            message: Paint::new().bold(),
            gutter: blue,
            primary: Paint::new().bold().fg_color(Some(colour.into())),
            secondary: blue,
            note: Paint::new().bold(),
        }
    }
}

/// Renders one diagnostic, ending with a newline.
pub fn render(diag: &Diagnostic, sources: &SourceMap) -> String {
    render_styled(diag, sources, Style::Plain)
}

/// Renders one diagnostic in a style, ending with a newline.
pub fn render_styled(diag: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    let p = Paints::new(style, diag);
    let file = sources.get(diag.file);
    let (line, col) = file.line_col(diag.span.start);
    let (sev, msg) = (p.severity, p.message);
    let code = diag.code.map(|c| format!(" [{c}]")).unwrap_or_default();
    let mut out = format!(
        "{}:{line}:{col}: {sev}{}{sev:#}: {msg}{}{msg:#}{code}\n",
        sanitize(&file.name),
        diag.severity.as_str(),
        sanitize(&diag.message)
    );
    let gutter = gutter_width(diag, sources);
    let primary = Mark {
        mark: '^',
        paint: p.primary,
        gutter: p.gutter,
    };
    excerpt(
        &mut out,
        sources,
        (diag.file, diag.span),
        primary,
        diag.span_label.as_deref(),
        gutter,
    );
    let (g, note) = (p.gutter, p.note);
    for label in &diag.labels {
        let lf = sources.get(label.file);
        let (l, c) = lf.line_col(label.span.start);
        let _ = writeln!(
            out,
            "{:gutter$} {g}={g:#} {note}note{note:#}: {} ({}:{l}:{c})",
            "",
            sanitize(&label.message),
            sanitize(&lf.name)
        );
        let secondary = Mark {
            mark: '-',
            paint: p.secondary,
            gutter: p.gutter,
        };
        excerpt(
            &mut out,
            sources,
            (label.file, label.span),
            secondary,
            None,
            gutter,
        );
    }
    if let Some(help) = &diag.help {
        let _ = writeln!(
            out,
            "{:gutter$} {g}={g:#} {note}help{note:#}: {}",
            "",
            sanitize(help)
        );
    }
    out
}

/// How an excerpt underlines its span.
#[derive(Clone, Copy)]
struct Mark {
    mark: char,
    paint: Paint,
    gutter: Paint,
}

/// Renders many diagnostics, in order, with a blank line between them.
pub fn render_all<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
) -> String {
    let rendered: Vec<String> = diags.into_iter().map(|d| render(d, sources)).collect();
    rendered.join("\n")
}

fn gutter_width(diag: &Diagnostic, sources: &SourceMap) -> usize {
    let spans =
        std::iter::once((diag.file, diag.span)).chain(diag.labels.iter().map(|l| (l.file, l.span)));
    spans
        .map(|(f, s)| sources.get(f).line_col(s.start).0.to_string().len())
        .max()
        .unwrap_or(1)
}

fn excerpt(
    out: &mut String,
    sources: &SourceMap,
    (file, span): (FileId, Span),
    m: Mark,
    label: Option<&str>,
    gutter: usize,
) {
    let f = sources.get(file);
    let (line, col) = f.line_col(span.start);
    let text = f.line_text(line);
    // The caret's byte offset in its line, found backwards from the span (spans lie on
    // character boundaries), so that only a window around it is ever copied: a file with
    // many errors on one 10 MB line must not copy the line once per error.
    let at = (span.start as usize).min(f.text.len());
    let line_start = f.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let caret_b = (at - line_start).min(text.len());
    // The underline runs to the span's end or, for a span over several lines, to the line's end.
    let (end_line, end_col) = f.line_col(span.end);
    let width = if end_line == line {
        end_col.saturating_sub(col).max(1)
    } else {
        text[caret_b..].chars().count() + 1
    };
    let (shown, caret_at) = window(text, caret_b);
    let width = width.min(2 * WINDOW);
    let (g, paint) = (m.gutter, m.paint);
    let _ = writeln!(out, "{:gutter$} {g}|{g:#}", "");
    let _ = writeln!(out, "{g}{line:>gutter$} |{g:#} {shown}");
    let marks: String = std::iter::repeat_n(m.mark, width).collect();
    let label = label
        .map(|l| format!(" {}", sanitize(l)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{:gutter$} {g}|{g:#} {:caret_at$}{paint}{marks}{label}{paint:#}",
        "", ""
    );
}

/// The part of a line to show, sanitised, and the caret's position in it (in characters).
/// Tabs become one space so the caret lines up; other control characters are shown as
/// U+FFFD so that input cannot send escape sequences to the reader's terminal. Both keep one
/// character per character, so columns stay right.
fn window(text: &str, caret_b: usize) -> (String, usize) {
    if text.len() <= 2 * WINDOW + 40 {
        let caret = text[..caret_b].chars().count();
        return (sanitize(text).into_owned(), caret);
    }
    let mut before: Vec<char> = text[..caret_b].chars().rev().take(WINDOW).collect();
    before.reverse();
    let after: Vec<char> = text[caret_b..].chars().take(WINDOW).collect();
    let before_bytes: usize = before.iter().map(|c| c.len_utf8()).sum();
    let after_bytes: usize = after.iter().map(|c| c.len_utf8()).sum();
    let mut shown = String::new();
    let mut caret_at = before.len();
    if before_bytes < caret_b {
        shown.push('…');
        caret_at += 1;
    }
    let middle: String = before.into_iter().chain(after).collect();
    shown.push_str(&sanitize(&middle));
    if caret_b + after_bytes < text.len() {
        shown.push('…');
    }
    (shown, caret_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn header_then_excerpt_with_caret() {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(
            "x.scn",
            "scenario e {\n  branch a p = = 1\n}\n",
        ));
        let d = Diagnostic::error(id, Span::new(28, 29), "expected a probability")
            .with_span_label("here")
            .with_help("write a number");
        insta::assert_snapshot!(render(&d, &map), @r"
        x.scn:2:16: error: expected a probability
          |
        2 |   branch a p = = 1
          |                ^ here
          = help: write a number
        ");
    }

    #[test]
    fn the_code_ends_the_header_and_warnings_render_alike() {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new("x.scn", "metric m unit \"%\" = 4.5\n"));
        let d = Diagnostic::warning(id, Span::new(20, 23), "over 1")
            .with_code(crate::Code::PercentAboveOne);
        insta::assert_snapshot!(render(&d, &map), @r#"
        x.scn:1:21: warning: over 1 [percent-above-one]
          |
        1 | metric m unit "%" = 4.5
          |                     ^^^
        "#);
        let e = Diagnostic::error(id, Span::new(0, 6), "bad").with_code(crate::Code::Syntax);
        assert!(render(&e, &map).starts_with("x.scn:1:1: error: bad [syntax]\n"));
    }

    #[test]
    fn user_text_cannot_reach_the_terminal_raw() {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(
            "evil\u{1b}]0;x\u{7}.scn",
            "import \"\u{1b}[2J\"\n",
        ));
        let d = Diagnostic::error(id, Span::new(7, 13), "cannot import `\u{1b}[2J`")
            .with_span_label("\u{1b}[5m")
            .with_label(id, Span::new(0, 6), "\u{9b}31m")
            .with_help("\u{202e}olleh");
        let out = render(&d, &map);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(!out.contains('\u{202e}'), "{out:?}");
        assert!(
            out.starts_with("evil\u{FFFD}]0;x\u{FFFD}.scn:1:8: error:"),
            "{out}"
        );
    }

    #[test]
    fn colour_only_wraps_the_plain_text() {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(
            "x.scn",
            "scenario e {\n  branch a p = = 1\n}\n",
        ));
        let d = Diagnostic::error(id, Span::new(28, 29), "expected a probability")
            .with_span_label("here")
            .with_label(id, Span::new(0, 8), "in this scenario")
            .with_help("write a number");
        let plain = render(&d, &map);
        let coloured = render_styled(&d, &map, Style::Color);
        assert!(!plain.contains('\u{1b}'));
        assert!(
            coloured.contains("\u{1b}[1m\u{1b}[31merror\u{1b}[0m"),
            "{coloured:?}"
        );
        // Dropping the escapes gives the plain text back.
        let mut stripped = String::new();
        let mut chars = coloured.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                stripped.push(c);
            }
        }
        assert_eq!(stripped, plain);
    }

    #[test]
    fn long_lines_are_windowed() {
        let mut map = SourceMap::new();
        let text = format!("let x = \"{}\" oops", "a".repeat(10_000));
        let at = text.find("oops").unwrap();
        let id = map.add(SourceFile::new("x.scn", text));
        let out = render(&Diagnostic::error(id, Span::new(at, at + 4), "m"), &map);
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let caret = lines[3].chars().position(|c| c == '^').unwrap();
        let shown: String = lines[2].chars().skip(caret).take(4).collect();
        assert_eq!(shown, "oops");
    }
}
