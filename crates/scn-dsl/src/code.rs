//! Stable codes of diagnostics: what kind of mistake a diagnostic reports.
//!
//! A message's wording may improve from release to release; its code does not change. Tests
//! match codes rather than message text, editors show them (an LSP `Diagnostic.code`), and
//! `docs/reference/errors.md` explains each one with an example and its fix. Codes are
//! kebab-case words rather than numbers so that a reader can guess what one means. The
//! rendered header carries the code at its end, `FILE:LINE:COL: error: MESSAGE [CODE]`, which
//! keeps the `FILE:LINE:COL: error:` start that scripts read.

/// Declares [`Code`] with its printed name from one table, so that a new kind cannot be
/// added without a name.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $kind:ident => $name:literal,)*) => {
        /// The kind of a diagnostic: one per kind of mistake, stable across releases.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $kind,)*
        }

        impl Code {
            /// Every code, in the order of the reference.
            pub const ALL: &[Code] = &[$(Code::$kind,)*];

            /// The code as printed, e.g. `unclosed-brace`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$kind => $name,)*
                }
            }
        }
    };
}

codes! {
    // Syntax.
    /// The text does not follow the grammar, and no more specific code applies.
    Syntax => "syntax",
    /// A `{` is never closed.
    UnclosedBrace => "unclosed-brace",
    /// A `}` closes nothing.
    StrayBrace => "stray-brace",
    /// A string is not closed on its line.
    UnterminatedString => "unterminated-string",
    /// A keyword stands where a name is expected.
    KeywordAsName => "keyword-as-name",
    /// A word close to a keyword stands where that keyword is expected.
    MisspeltKeyword => "misspelt-keyword",
    /// A typographic quote or dash where ASCII is expected.
    TypographicCharacter => "typographic-character",
    /// A number written in a form scn does not read (`30 %`, `1,000`, `5m`, `$1000`).
    NumberForm => "number-form",
    /// A date written in a form scn does not read (`2026/01/15`, `2026-6-30`).
    DateForm => "date-form",
    /// `p = …` on an option: the decision chooses options.
    ProbabilityOnOption => "probability-on-option",
    /// A string escape scn does not know.
    UnknownEscape => "unknown-escape",
    /// A number too large for a 64-bit float.
    NumberTooLarge => "number-too-large",
    /// A date that does not exist.
    InvalidDate => "invalid-date",
    /// A duration too long to count in days.
    DurationTooLong => "duration-too-long",
    /// A file over a size, nesting or operator limit.
    TooLarge => "too-large",
    /// A file that is not UTF-8.
    NotUtf8 => "not-utf8",
    // Names.
    /// A name that nothing declares.
    UnknownName => "unknown-name",
    /// A branch or option name, or dotted path, that the tree does not have.
    UnknownBranch => "unknown-branch",
    /// A tag that no branch or option carries.
    UnknownTag => "unknown-tag",
    /// A metric that is not declared.
    UnknownMetric => "unknown-metric",
    /// A source that is not declared.
    UnknownSource => "unknown-source",
    /// A function that does not exist.
    UnknownFunction => "unknown-function",
    /// A name declared twice, or a value given twice.
    DuplicateName => "duplicate-name",
    /// A bare id that names several branches.
    AmbiguousName => "ambiguous-name",
    /// A name taken by a built-in function.
    ReservedName => "reserved-name",
    /// A let used above its declaration.
    UsedBeforeDeclared => "used-before-declared",
    /// A name of the wrong kind where it is used (a let where a metric is needed, …).
    WrongKind => "wrong-kind",
    // Probabilities.
    /// A probability outside [0, 1].
    ProbabilityRange => "probability-range",
    /// Sibling probabilities that do not sum to 1.
    ProbabilitySum => "probability-sum",
    /// A tree whose siblings break a rule: mixed branches and options, two `rest`s, an id twice.
    TreeShape => "tree-shape",
    // Dates.
    /// Dates in the wrong order (before `as_of`, after the horizon, before a parent).
    DateOrder => "date-order",
    /// `by` or `after` on something that has no date.
    Undated => "undated",
    // Expressions, queries and evidence.
    /// A computation without a value: division by zero, a logarithm of zero, overflow.
    Math => "math",
    /// A distribution with parameters it cannot take (`beta(3, -1)`, `10 to 5`).
    DistributionParameters => "distribution-parameters",
    /// A function called with the wrong arguments.
    WrongArguments => "wrong-arguments",
    /// Bounds written in reverse order.
    ReversedBounds => "reversed-bounds",
    /// A condition or evidence that has probability zero.
    ImpossibleCondition => "impossible-condition",
    // Decisions.
    /// Options without an `objective`.
    MissingObjective => "missing-objective",
    // Templates and imports.
    /// A template that is not defined.
    UnknownTemplate => "unknown-template",
    /// A template used with arguments that do not fit its parameters.
    TemplateArguments => "template-arguments",
    /// A template that uses itself.
    TemplateCycle => "template-cycle",
    /// An import that cannot be read, or that would read outside the library.
    Import => "import",
    /// A file with no scenario, or with more than one, given to a command that evaluates.
    ScenarioCount => "scenario-count",
    /// A folder's `scn.toml` that cannot be read.
    Manifest => "manifest",
    // Plugins.
    /// A plugin that is unknown, not enabled, or that failed.
    Plugin => "plugin",
    // Warnings.
    /// A forecast question that closed before the scenario's `as_of`.
    ClosedQuestion => "closed-question",
    /// A `unit "%"` metric holding a value above 1: `%` metrics hold fractions.
    PercentAboveOne => "percent-above-one",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let n = c.as_str();
            assert!(seen.insert(n), "{n} twice");
            assert!(
                n.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{n}"
            );
        }
    }
}
