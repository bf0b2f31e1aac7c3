//! Diagnostics as plain data.
//!
//! Everything that can go wrong with a user's input becomes a [`Diagnostic`]: parsing,
//! resolution, validation and evaluation all speak this type, and [`crate::render`] is the only
//! place that turns one into text.

use crate::code::Code;
use crate::source::FileId;
use crate::span::Span;

/// How bad it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Informational.
    Warning,
    /// The input is invalid: exit code 1.
    Error,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location with a short message ("first defined here").
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The file of the span.
    pub file: FileId,
    /// Where.
    pub span: Span,
    /// What about it.
    pub message: String,
}

/// One problem with the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line, in a forecaster's words.
    pub message: String,
    /// The file the primary span is in.
    pub file: FileId,
    /// The primary location; its start gives `LINE:COL`.
    pub span: Span,
    /// A short note under the caret of the primary span.
    pub span_label: Option<String>,
    /// Other locations.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// What kind of mistake, stable across releases; `None` only for diagnostics not yet
    /// given a kind (every diagnostic of scn's own has one, which the corpus tests check).
    pub code: Option<Code>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file,
            span,
            span_label: None,
            labels: Vec::new(),
            help: None,
            code: None,
        }
    }

    /// A warning at a span.
    pub fn warning(file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, span, message)
        }
    }

    /// Adds a note under the primary caret.
    pub fn with_span_label(mut self, label: impl Into<String>) -> Self {
        self.span_label = Some(label.into());
        self
    }

    /// Adds a secondary location.
    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Adds advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the kind of mistake.
    pub fn with_code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
