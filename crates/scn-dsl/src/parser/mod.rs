//! From text to the typed AST.
//!
//! pest recognises the text ([`crate::grammar`]); one `parse_<rule>` method per rule then builds
//! the AST, checking what the grammar cannot (dates that exist, escapes, numbers in range) and
//! collecting every such error rather than stopping at the first.

mod expr;
mod items;
mod literal;
mod nodes;
mod syntax_error;

use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::File;
use crate::diag::Diagnostic;
use crate::grammar::{Rule, ScnParser};
use crate::limits;
use crate::source::FileId;
use crate::span::Span;

/// Parses a whole file. On failure returns every error found: one syntax error (parsing stops
/// there), or all the literal errors of a file that is syntactically sound.
///
/// Deep nesting recurses: call this from a thread with a large stack (see
/// [`crate::LARGE_STACK`]) when the input may be nested thousands of levels deep.
pub fn parse(text: &str, file: FileId) -> Result<File, Vec<Diagnostic>> {
    limits::check(text, file).map_err(|d| vec![d])?;
    let mut pairs = ScnParser::parse(Rule::file, text)
        .map_err(|e| vec![syntax_error::to_diagnostic(&e, text, file)])?;
    let mut builder = Builder {
        file,
        diags: Vec::new(),
        operators: 0,
    };
    let ast = builder.parse_file(pairs.next().expect("the file rule always yields one pair"));
    if builder.diags.is_empty() {
        Ok(ast)
    } else {
        Err(builder.diags)
    }
}

/// Parses an event on its own (the text of `scn eval --given`).
pub fn parse_event(text: &str, file: FileId) -> Result<crate::ast::Event, Vec<Diagnostic>> {
    limits::check(text, file).map_err(|d| vec![d])?;
    let mut pairs = ScnParser::parse(Rule::given_event, text)
        .map_err(|e| vec![syntax_error::to_diagnostic(&e, text, file)])?;
    let mut builder = Builder {
        file,
        diags: Vec::new(),
        operators: 0,
    };
    let pair = pairs
        .next()
        .expect("the given_event rule always yields one pair");
    let event_pair = pair.into_inner().next().expect("an event");
    let event = builder.parse_event(event_pair);
    if builder.diags.is_empty() {
        Ok(event)
    } else {
        Err(builder.diags)
    }
}

/// Builds the AST from pest pairs, collecting literal errors as it goes.
pub(crate) struct Builder {
    file: FileId,
    diags: Vec<Diagnostic>,
    /// Operators met so far in the current item: it bounds how deep an expression or event
    /// tree can get, since building, walking and dropping one recurses per operator.
    operators: usize,
}

impl Builder {
    /// Counts operators of the current item; `false` (after an error) past the limit.
    fn count_operators(&mut self, n: usize, span: Span) -> bool {
        self.operators += n;
        let max = limits::max_operators();
        if self.operators > max {
            if self.operators - n <= max {
                self.error(span, format!("this item has more than {max} operators"));
            }
            return false;
        }
        true
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, span, message));
    }
}

/// The span of a pair, without trailing white space and comments.
///
/// pest's implicit white space between `x` and a following `y*` or `y?` is consumed even
/// when `y` does not match, so a rule such as `expr` can end after the blank lines and
/// comments that follow it. Spans must end at the last token: diagnostics underline it and
/// the formatter decides by it whether a comment trails the code on its line.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    let src = s.get_input().as_bytes();
    let (start, mut end) = (s.start(), s.end());
    // Only a span ending in white space can have trailing trivia (a comment is always
    // followed by its newline, except at the very end of the file).
    while end > start && src[end - 1].is_ascii_whitespace() {
        while end > start && src[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        let line_start = src[start..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start, |i| start + i + 1);
        match comment_start(&src[line_start..end]) {
            Some(c) => end = line_start + c,
            None => break,
        }
    }
    Span::new(start, end)
}

/// Where a `//` comment starts in one line of code, skipping string literals.
fn comment_start(line: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut in_string = false;
    while i < line.len() {
        match line[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && line.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}
