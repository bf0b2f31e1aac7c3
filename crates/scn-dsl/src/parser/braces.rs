//! Which `{` a writer forgot to close, told by indentation.
//!
//! A missing `}` is noticed only where the braces stop making sense, often far below the
//! mistake (at the next `forecast`, or at the end of the file). Counting braces cannot say
//! which `{` is open: every one after the mistake is closed by the wrong `}`. Indentation
//! can. The lines of a block are indented deeper than the line of its `{`, and its `}`
//! stands on the first line that comes back to that line's indentation. The first `{` whose
//! block comes back to (or past) its indentation on a line that is not its `}` is the one left
//! open.

use crate::scan::{Piece, scan};

/// A `{` left open, and where its `}` was due.
#[derive(Debug, PartialEq)]
pub(super) struct Unclosed {
    /// The offset of the `{`.
    pub open: usize,
    /// The offset of the first non-blank character of the line that should have been
    /// preceded by the `}`, if the file goes on after the block.
    pub due: Option<usize>,
}

/// Most lines looked at in all: each `{` looks at the lines of its block, so a deeply nested
/// file would cost its size times its depth. Past the budget, counting decides.
const BUDGET: usize = 1_000_000;

/// The `{` that indentation says was never closed, if the file has more `{` than `}`.
pub(super) fn unclosed_by_indentation(text: &str) -> Option<Unclosed> {
    let mut stack: Vec<usize> = Vec::new();
    // Every `{` whose `}` is not on its own line, in file order.
    let mut multiline = Vec::new();
    scan(text, |piece| {
        match piece {
            Piece::Code(i, b'{') => stack.push(i),
            Piece::Code(i, b'}') => {
                if let Some(open) = stack.pop()
                    && text[open..i].contains('\n')
                {
                    multiline.push(open);
                }
            }
            _ => {}
        }
        true
    });
    if stack.is_empty() {
        return None;
    }
    multiline.extend(stack.iter().copied());
    multiline.sort_unstable();
    let lines = Lines::new(text);
    let mut budget = BUDGET;
    multiline
        .into_iter()
        .find_map(|open| lines.check(text, open, &mut budget))
        .or_else(|| {
            // Indentation says nothing (a file laid out by hand on few lines): the last `{`
            // left open, as counting tells.
            stack.last().map(|&open| Unclosed { open, due: None })
        })
}

/// The code lines of a text: offset of the first non-blank character and its column, for
/// lines that hold code (not blank, not only a comment).
struct Lines {
    starts: Vec<(usize, usize)>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = Vec::new();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_start_matches([' ', '\t']);
            let indent = line.len() - body.len();
            let code = body.trim_end();
            if !code.is_empty() && !code.starts_with("//") {
                starts.push((at + indent, indent));
            }
            at += line.len();
        }
        Lines { starts }
    }

    /// `Some` when the block opened at `open` comes back to its line's indentation on a
    /// line that does not start with `}` (or never comes back and the file ends).
    fn check(&self, text: &str, open: usize, budget: &mut usize) -> Option<Unclosed> {
        // The code line holding the `{`.
        let k = self
            .starts
            .partition_point(|&(s, _)| s <= open)
            .checked_sub(1)?;
        let indent = self.starts[k].1;
        let mut deeper = false;
        for &(start, i) in &self.starts[k + 1..] {
            *budget = budget.checked_sub(1)?;
            if i > indent {
                deeper = true;
                continue;
            }
            // A `}` less indented than the `{`'s line closes an outer block.
            if i == indent && text[start..].starts_with('}') {
                return None;
            }
            // A block with no deeper line says nothing about where it was meant to end.
            return deeper.then_some(Unclosed {
                open,
                due: Some(start),
            });
        }
        deeper.then_some(Unclosed { open, due: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(text: &str, at: usize) -> usize {
        text[..at].matches('\n').count() + 1
    }

    #[test]
    fn the_inner_block_that_never_comes_back_is_named() {
        let text = "scenario s {\n  branch a p = 1 {\n    branch b p = 1 {\n      x += 1\n    branch c p = rest\n  }\n}\n";
        let u = unclosed_by_indentation(text).expect("one is open");
        assert_eq!(line_of(text, u.open), 3);
        assert_eq!(u.due.map(|d| line_of(text, d)), Some(5));
    }

    #[test]
    fn balanced_braces_name_nothing() {
        assert_eq!(
            unclosed_by_indentation("scenario s {\n  branch a p = 1 { x += 1 }\n}\n"),
            None
        );
        assert_eq!(unclosed_by_indentation("scenario s {\n}\n"), None);
    }

    #[test]
    fn the_first_of_blocks_open_at_the_end_of_the_file_is_named() {
        let text = "scenario s {\n  branch a p = 1 {\n    branch b p = 1\n";
        let u = unclosed_by_indentation(text).expect("open");
        assert_eq!(line_of(text, u.open), 1);
        let text = "scenario s {\n  branch a p = 1 {\n    branch b p = 1\n}\n";
        let u = unclosed_by_indentation(text).expect("open");
        assert_eq!(line_of(text, u.open), 2);
        assert_eq!(u.due.map(|d| line_of(text, d)), Some(4));
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let text = "scenario s \"{\" {\n  // {\n  branch a p = 1\n";
        let u = unclosed_by_indentation(text).expect("open");
        assert_eq!(u.open, text.find(" {\n").unwrap() + 1);
    }

    #[test]
    fn without_indentation_the_last_open_brace_is_named() {
        let text = "scenario s { branch a p = 1 { branch b p = 1 }";
        let u = unclosed_by_indentation(text).expect("open");
        assert_eq!(u.open, text.find('{').unwrap());
    }
}
