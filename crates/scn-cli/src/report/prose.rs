//! Sentences the report model writes once and every format renders: plain words, with ids
//! and events marked as code, so that Markdown and HTML can set them apart and text can
//! quote them.

/// A piece of a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Inline {
    /// Words.
    Text(String),
    /// An id, an event or a command, shown as code.
    Code(String),
}

/// A sentence or two.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Prose(pub Vec<Inline>);

impl Prose {
    /// Appends words.
    pub(crate) fn text(mut self, t: impl Into<String>) -> Prose {
        self.0.push(Inline::Text(t.into()));
        self
    }

    /// Appends code.
    pub(crate) fn code(mut self, t: impl Into<String>) -> Prose {
        self.0.push(Inline::Code(t.into()));
        self
    }

    /// Appends items joined by `, ` and a final ` and `, each as code.
    pub(crate) fn code_list(mut self, items: &[String]) -> Prose {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                let sep = if i + 1 == items.len() { " and " } else { ", " };
                self = self.text(sep);
            }
            self = self.code(item.clone());
        }
        self
    }

    /// The sentence as plain text, code in backticks: for a terminal.
    pub(crate) fn plain(&self) -> String {
        self.0
            .iter()
            .map(|i| match i {
                Inline::Text(t) => t.clone(),
                Inline::Code(c) => format!("`{c}`"),
            })
            .collect()
    }
}
