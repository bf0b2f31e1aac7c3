//! Columns and wrapped paragraphs for a terminal. Widths count characters, not bytes.

/// How a column's cells line up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

/// Rows of cells written as aligned columns, two spaces apart, each line indented.
pub(super) struct Table {
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(align: &[Align]) -> Table {
        Table {
            align: align.to_vec(),
            rows: Vec::new(),
        }
    }

    pub(super) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The lines, indented by `indent` spaces, trailing spaces removed. The last column is
    /// not padded, so a long label there does not widen the others.
    pub(super) fn lines(&self, indent: usize) -> Vec<String> {
        let columns = self.align.len();
        let mut widths = vec![0; columns];
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let pad = " ".repeat(indent);
        self.rows
            .iter()
            .map(|row| {
                let mut line = pad.clone();
                for (i, cell) in row.iter().enumerate().take(columns) {
                    if i > 0 {
                        line.push_str("  ");
                    }
                    let fill = widths[i].saturating_sub(width(cell));
                    match self.align[i] {
                        Align::Right => {
                            line.push_str(&" ".repeat(fill));
                            line.push_str(cell);
                        }
                        Align::Left if i + 1 == columns => line.push_str(cell),
                        Align::Left => {
                            line.push_str(cell);
                            line.push_str(&" ".repeat(fill));
                        }
                    }
                }
                line.trim_end().to_owned()
            })
            .collect()
    }
}

/// Characters in a string.
pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

/// One paragraph wrapped to `max` columns, every line indented by `indent` spaces. A line
/// break in `text` is a space like any other: the paragraph is the report's, and a label in
/// it must not start a line of its own. A word longer than a line stands on a line of its
/// own, whole.
pub(super) fn wrap(text: &str, indent: usize, max: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let room = max.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width(&line) + 1 + width(word) > room {
            lines.push(format!("{pad}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(format!("{pad}{line}").trim_end().to_owned());
    lines
}

/// The author's prose (a description, a let's doc comment), each of its lines a paragraph
/// wrapped by [`wrap`].
pub(super) fn paragraphs(text: &str, indent: usize, max: usize) -> Vec<String> {
    text.lines()
        .flat_map(|para| wrap(para, indent, max))
        .collect()
}

/// `text` after `prefix`, wrapped to `max` columns, later lines indented to the prefix's
/// width: a list item whose number stands out.
pub(super) fn hanging(prefix: &str, text: &str, max: usize) -> Vec<String> {
    let indent = width(prefix);
    let mut lines = wrap(text, indent, max);
    if let Some(first) = lines.first_mut() {
        *first = format!("{prefix}{}", first.trim_start());
    }
    lines
}

/// At most `max` characters, with an ellipsis when cut.
pub(super) fn clip(t: &str, max: usize) -> String {
    if width(t) <= max {
        t.to_owned()
    } else {
        t.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_wrapping() {
        let mut t = Table::new(&[Align::Left, Align::Right, Align::Left]);
        t.row(vec!["a".into(), "10%".into(), "first".into()]);
        t.row(vec!["bbb".into(), "5%".into(), "".into()]);
        assert_eq!(t.lines(2), ["  a    10%  first", "  bbb   5%"]);
        assert_eq!(wrap("one two three four", 2, 22), ["  one two three four"]);
        assert_eq!(
            wrap("aaaa bbbb cccc dddd eeee ffff", 0, 20),
            ["aaaa bbbb cccc dddd", "eeee ffff"]
        );
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(
            hanging("  1.  ", "aaaa bbbb cccc dddd eeee", 26),
            ["  1.  aaaa bbbb cccc dddd", "      eeee"]
        );
    }
}
