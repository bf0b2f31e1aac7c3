//! Finds the comments of a source text, which the grammar skips, so the formatter can put
//! them back where they were.

use crate::scan::{Piece, scan};

/// A `//` comment.
#[derive(Clone, Debug)]
pub(super) struct Comment {
    /// Byte offset of the `//`.
    pub start: u32,
    /// The comment's text from `//` to the end of its line, trailing space trimmed.
    pub text: String,
}

/// Every comment of a text that parsed, in order. Strings are skipped so that `"a // b"`
/// is not taken for a comment.
pub(super) fn collect(src: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    scan(src, |piece| {
        if let Piece::Comment(start, end) = piece {
            out.push(Comment {
                start: start as u32,
                text: src[start..end].trim_end().to_owned(),
            });
        }
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_strings() {
        let c = collect("a \"x // y\" // real\n// two\nb \"\\\"//\"");
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["// real", "// two"]);
    }
}
