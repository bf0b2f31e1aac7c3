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
    let mut builder = Builder { file, diags: Vec::new() };
    let ast = builder.parse_file(pairs.next().expect("the file rule always yields one pair"));
    if builder.diags.is_empty() { Ok(ast) } else { Err(builder.diags) }
}

/// Parses an event on its own (the text of `scn eval --given`).
pub fn parse_event(text: &str, file: FileId) -> Result<crate::ast::Event, Vec<Diagnostic>> {
    limits::check(text, file).map_err(|d| vec![d])?;
    let mut pairs = ScnParser::parse(Rule::given_event, text)
        .map_err(|e| vec![syntax_error::to_diagnostic(&e, text, file)])?;
    let mut builder = Builder { file, diags: Vec::new() };
    let pair = pairs.next().expect("the given_event rule always yields one pair");
    let event_pair = pair.into_inner().next().expect("an event");
    let event = builder.parse_event(event_pair);
    if builder.diags.is_empty() { Ok(event) } else { Err(builder.diags) }
}

/// Builds the AST from pest pairs, collecting literal errors as it goes.
pub(crate) struct Builder {
    file: FileId,
    diags: Vec<Diagnostic>,
}

impl Builder {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(self.file, span, message));
    }
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}
