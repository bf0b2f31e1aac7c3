//! Byte offsets ↔ LSP positions.
//!
//! The protocol counts columns in UTF-16 code units and breaks lines at `\n`, `\r\n` and a lone
//! `\r`; scn's spans are byte offsets. Every conversion clamps: a position past the end of its
//! line means the line's end, a line past the end means the end of the text, and a column in
//! the middle of a character (half a surrogate pair) means that character's start. So no
//! position a client sends can make an offset that is not a character boundary of the text.

use lsp_types::{Position, Range};
use scn_dsl::Span;

/// Where each line of a text starts.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex {
    /// Byte offset of each line's first character; `starts[0] == 0`.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The byte range of line `line` (0-based) without its line break.
    fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && end <= bytes.len() && line + 1 < self.starts.len() {
            // Drop the break: `\n`, `\r\n` or `\r`.
            if bytes[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        (start, end)
    }

    /// The position of a byte offset (clamped to the text, rounded down to a character).
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let (start, end) = self.line_range(text, line);
        // An offset inside a `\r\n` break is the end of its line.
        let upto = offset.min(end);
        let col: usize = text[start..upto].chars().map(char::len_utf16).sum();
        Position::new(line as u32, col as u32)
    }

    /// The byte offset of a position (clamped as the module says).
    pub(crate) fn offset(&self, text: &str, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let (start, end) = self.line_range(text, line);
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// The range of a span.
    pub(crate) fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start as usize),
            self.position(text, span.end as usize),
        )
    }

    /// The span of a range (its ends swapped if reversed).
    pub(crate) fn span(&self, text: &str, range: Range) -> (usize, usize) {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        (a.min(b), a.max(b))
    }

    /// The range of the whole text.
    pub(crate) fn full_range(&self, text: &str) -> Range {
        Range::new(Position::new(0, 0), self.position(text, self.len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) {
        let idx = LineIndex::new(text);
        for (off, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let p = idx.position(text, off);
            let back = idx.offset(text, p);
            // Offsets inside a line break map to the line's end.
            let canonical = idx.offset(text, idx.position(text, back));
            assert_eq!(back, canonical, "offset {off} of {text:?}");
            if !matches!(text.as_bytes().get(off.wrapping_sub(1)), Some(b'\r'))
                || text.as_bytes().get(off) != Some(&b'\n')
            {
                assert_eq!(back, off, "offset {off} of {text:?} -> {p:?}");
            }
        }
    }

    #[test]
    fn columns_count_utf16_units() {
        // `é` is one unit and two bytes; `𝔼` is two units (a surrogate pair) and four bytes.
        let text = "let é = 1\nlet 𝔼x = 2 // 😀 ok\n";
        let idx = LineIndex::new(text);
        let x = text.find("x =").unwrap();
        assert_eq!(idx.position(text, x), Position::new(1, 6));
        assert_eq!(idx.offset(text, Position::new(1, 6)), x);
        let eq = text.find("= 1").unwrap();
        assert_eq!(idx.position(text, eq), Position::new(0, 6));
        let ok = text.find("ok").unwrap();
        // "let 𝔼x = 2 // " is 4 + 2 + 1 + 8 = 15 units, then the emoji's 2 and a space.
        assert_eq!(idx.position(text, ok), Position::new(1, 18));
        assert_eq!(idx.offset(text, Position::new(1, 18)), ok);
        roundtrip(text);
    }

    #[test]
    fn positions_are_clamped_and_never_split_a_character() {
        let text = "a𝔼b\nxy";
        let idx = LineIndex::new(text);
        // Column 2 is inside the surrogate pair of `𝔼`: its start.
        assert_eq!(idx.offset(text, Position::new(0, 2)), 1);
        assert_eq!(idx.offset(text, Position::new(0, 99)), "a𝔼b".len());
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(idx.position(text, 2), Position::new(0, 1)); // inside `𝔼`: rounded down
        assert_eq!(idx.position(text, 999), Position::new(1, 2));
    }

    #[test]
    fn every_line_break_counts() {
        let text = "a\r\nb\rc\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 3), Position::new(1, 0));
        assert_eq!(idx.position(text, 5), Position::new(2, 0));
        assert_eq!(idx.position(text, 7), Position::new(3, 0));
        assert_eq!(idx.offset(text, Position::new(0, 5)), 1);
        assert_eq!(idx.offset(text, Position::new(2, 1)), 6);
        roundtrip(text);
        roundtrip("");
        roundtrip("\n\n");
        roundtrip("ünï\r\ncødé\r\n");
    }
}
