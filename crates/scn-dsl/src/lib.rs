//! The `.scn` scenario language front end: grammar, typed AST with spans, diagnostics and
//! the canonical formatter.
//!
//! ```
//! use scn_dsl::{FileId, parse};
//!
//! let file = parse("scenario s { branch a p = 40% branch b p = rest }", FileId(0)).unwrap();
//! assert_eq!(file.items.len(), 1);
//! ```

pub mod ast;
mod code;
mod date;
mod diag;
mod format;
mod grammar;
mod limits;
mod parser;
mod render;
mod sanitize;
mod scan;
mod source;
mod span;
pub mod visit;

pub use code::Code;
pub use date::{Date, DateError, DatePrecision, Duration, days_in_month, is_leap};
pub use diag::{Diagnostic, Label, Severity};
pub use format::format;
pub use grammar::KEYWORDS;
pub use limits::{LARGE_STACK, MAX_NESTING, max_nesting, max_operators, set_stack_size};
pub use parser::{
    parse, parse_event, parse_fast, parse_fast_split, parse_number, parse_pest, set_max_threads,
};
pub use render::{Style, render, render_all, render_styled};
pub use sanitize::{REPLACEMENT, one_line, sanitize, sanitize_lines};
pub use source::{FileId, SourceFile, SourceMap};
pub use span::{Span, Spanned};
