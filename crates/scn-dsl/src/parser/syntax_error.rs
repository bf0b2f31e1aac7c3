//! Turns a pest error into a diagnostic a forecaster can act on.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::{braces, hints};
use crate::code::Code;
use crate::diag::Diagnostic;
use crate::grammar::{GROUPS, KEYWORDS, Rule, describe};
use crate::source::FileId;
use crate::span::Span;

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
            return Diagnostic::error(file, span, message.clone()).with_code(Code::Syntax);
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
        return Diagnostic::error(file, span, msg).with_code(Code::Syntax);
    }
    let expected = names(positives);
    let mut diag = Diagnostic::error(
        file,
        span,
        format!("expected {expected}, found {found_words}"),
    )
    .with_code(Code::Syntax);
    let first = found.chars().next();
    let expects_number = positives
        .iter()
        .any(|r| matches!(r, Rule::expr | Rule::number | Rule::prob | Rule::bound));
    let hint = hints::number_form(text, pos, found, expects_number)
        .or_else(|| hints::date_form(text, pos, found))
        .or_else(|| hints::probability_on_option(text, pos))
        .or_else(|| hints::query_form(text, pos, found));
    if first == Some('"') && positives.contains(&Rule::string) && !closes_on_its_line(text, pos) {
        diag.message = "unterminated string".to_owned();
        diag = diag
            .with_help("a string closes with `\"` on the same line; write a line break as \\n")
            .with_code(Code::UnterminatedString);
    } else if let Some(c @ ('“' | '”' | '‘' | '’' | '−' | '–' | '—')) = first {
        let ascii = if matches!(c, '−' | '–' | '—') {
            "-"
        } else {
            "\""
        };
        diag = diag
            .with_help(format!(
                "`{c}` is a typographic character: write the ASCII `{ascii}`"
            ))
            .with_code(Code::TypographicCharacter);
    } else if let Some(h) = hint {
        if let Some(s) = h.span {
            diag.span = s;
        }
        if let Some(m) = h.message {
            diag.message = m;
        }
        diag = diag.with_help(h.help).with_code(h.code);
    } else if let Some(open) = braces::unclosed_by_indentation(text).filter(|u| {
        // Before the line where its `}` was due, an open `{` cannot have misled the parser.
        u.open < pos && (found.is_empty() || u.due.is_some_and(|d| d <= pos))
    }) {
        diag = unclosed(diag, &found_words, open, text, file);
    } else if let Some(k) =
        hints::misspelt_keyword(found, positives.iter().filter_map(|&r| keyword(r)))
    {
        // The list of everything expected would bury the one word that was meant.
        diag.message = format!("`{found}` is not a keyword here; did you mean `{k}`?");
        diag = diag
            .with_help(format!("expected {expected}"))
            .with_code(Code::MisspeltKeyword);
    } else if KEYWORDS.contains(&found) && positives.contains(&Rule::ident) {
        diag = diag
            .with_help(format!(
                "`{found}` is a keyword and cannot be used as a name"
            ))
            .with_code(Code::KeywordAsName);
    } else if found == "}" && positives.contains(&Rule::kw_scenario) {
        diag.message = "unexpected `}`: no `{` is open here".to_owned();
        diag = diag.with_code(Code::StrayBrace);
    }
    diag
}

/// The diagnostic of a syntax error caused by a `{` left open: it points at the `{`, says
/// where its `}` was due, and keeps where reading stopped as a note.
fn unclosed(
    stopped: Diagnostic,
    found: &str,
    open: braces::Unclosed,
    text: &str,
    file: FileId,
) -> Diagnostic {
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let open_line = line_of(open.open);
    let help = match open.due {
        Some(due) => format!(
            "add `}}` before line {}, indented like line {open_line}",
            line_of(due)
        ),
        None => format!("add `}}` at the end of the block, indented like line {open_line}"),
    };
    let d = Diagnostic::error(
        file,
        Span::new(open.open, open.open + 1),
        "this `{` is never closed",
    )
    .with_span_label("opened here")
    .with_help(help)
    .with_code(Code::UnclosedBrace);
    // At the end of the file the help says all there is; in the middle, where reading
    // stopped tells the writer why the error is reported there.
    if stopped.span.start as usize >= text.trim_end().len() {
        d
    } else {
        d.with_label(
            file,
            stopped.span,
            format!("reading stopped here, at {found}"),
        )
    }
}

/// The keyword a rule stands for, if it is one word such as `branch`.
fn keyword(rule: Rule) -> Option<&'static str> {
    let word = describe(rule).strip_prefix('`')?.strip_suffix('`')?;
    word.bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_')
        .then_some(word)
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
