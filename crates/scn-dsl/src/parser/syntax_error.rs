//! Turns a pest error into a diagnostic a forecaster can act on.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diag::Diagnostic;
use crate::grammar::{GROUPS, Rule, describe};
use crate::scan::{Piece, scan};
use crate::source::FileId;
use crate::span::Span;

const KEYWORDS: &[&str] = &[
    "scenario",
    "import",
    "template",
    "use",
    "plugin",
    "let",
    "metric",
    "branch",
    "option",
    "rest",
    "at",
    "after",
    "by",
    "as_of",
    "horizon",
    "author",
    "description",
    "source",
    "cite",
    "note",
    "tag",
    "objective",
    "maximize",
    "minimize",
    "observe",
    "forecast",
    "expect",
    "in",
    "to",
    "not",
    "and",
    "or",
    "P",
    "E",
    "unit",
];

/// The diagnostic of a pest error from parsing `text[offset..]`.
pub(super) fn to_diagnostic(
    e: &Error<Rule>,
    text: &str,
    offset: usize,
    file: FileId,
) -> Diagnostic {
    let pos = offset
        + match e.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let found = found_token(text, pos);
    let span = Span::new(pos, pos + found.len());
    let (positives, negatives) = match &e.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => (positives.as_slice(), negatives.as_slice()),
        ErrorVariant::CustomError { message } => {
            return Diagnostic::error(file, span, message.clone());
        }
    };
    let found_words = match found.chars().next() {
        None => "end of file".to_owned(),
        // Echoing a control character raw would let the input drive the reader's terminal.
        Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
        Some(_) => format!("`{found}`"),
    };
    if positives.is_empty() {
        let what = names(negatives);
        let msg = if what.is_empty() {
            format!("unexpected {found_words}")
        } else {
            format!("unexpected {what}")
        };
        return Diagnostic::error(file, span, msg);
    }
    let expected = names(positives);
    let mut diag = Diagnostic::error(
        file,
        span,
        format!("expected {expected}, found {found_words}"),
    );
    let first = found.chars().next();
    if first == Some('"') && positives.contains(&Rule::string) && !closes_on_its_line(text, pos) {
        diag.message = "unterminated string".to_owned();
        diag =
            diag.with_help("a string closes with `\"` on the same line; write a line break as \\n");
    } else if KEYWORDS.contains(&found) && positives.contains(&Rule::ident) {
        diag = diag.with_help(format!(
            "`{found}` is a keyword and cannot be used as a name"
        ));
    } else if found == "}" && positives.contains(&Rule::kw_scenario) {
        diag.message = "unexpected `}`: no `{` is open here".to_owned();
    } else if let Some(c @ ('“' | '”' | '‘' | '’' | '−' | '–' | '—')) = first {
        let ascii = if matches!(c, '−' | '–' | '—') {
            "-"
        } else {
            "\""
        };
        diag = diag.with_help(format!(
            "`{c}` is a typographic character: write the ASCII `{ascii}`"
        ));
    } else if found.is_empty()
        && let Some(open) = unclosed_brace(text)
    {
        diag = diag.with_label(file, Span::new(open, open + 1), "this `{` is never closed");
    }
    diag
}

/// True when the string starting at `pos` has its closing quote on the same line.
fn closes_on_its_line(text: &str, pos: usize) -> bool {
    let mut chars = text[pos + 1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return true,
            '\\' => {
                chars.next();
            }
            '\n' => return false,
            _ => {}
        }
    }
    false
}

/// The last `{` that no `}` closes, outside strings and comments.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    scan(text, |piece| {
        match piece {
            Piece::Code(i, b'{') => open.push(i),
            Piece::Code(_, b'}') => {
                open.pop();
            }
            _ => {}
        }
        true
    });
    open.pop()
}

/// "a, b or c", with groups collapsed and duplicates removed.
fn names(rules: &[Rule]) -> String {
    let mut left: Vec<Rule> = rules.to_vec();
    let mut words: Vec<&str> = Vec::new();
    for (group, name) in GROUPS {
        if group.iter().all(|r| left.contains(r)) {
            left.retain(|r| !group.contains(r));
            words.push(name);
        }
    }
    for r in left {
        let w = describe(r);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    // "an expression (a number, a name or a call)" already says "a name".
    if words.contains(&describe(Rule::expr)) {
        words.retain(|w| *w != describe(Rule::ident) && *w != describe(Rule::reference));
    }
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at `pos`, as the writer would see it: a word, a number, a quote, or one character.
fn found_token(text: &str, pos: usize) -> &str {
    let rest = &text[pos.min(text.len())..];
    let Some(first) = rest.chars().next() else {
        return "";
    };
    let end = if first == '"' {
        // A whole string literal on its line, so `found` shows what was written.
        rest[1..].find(['"', '\n']).map_or(rest.len(), |i| {
            if rest.as_bytes()[i + 1] == b'"' {
                i + 2
            } else {
                1
            }
        })
    } else if first.is_ascii_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '%')))
            .unwrap_or(rest.len())
    } else if rest.starts_with("..")
        || rest.starts_with("+=")
        || rest.starts_with("-=")
        || rest.starts_with("*=")
    {
        2
    } else {
        first.len_utf8()
    };
    let mut end = end.min(24);
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    &rest[..end]
}
