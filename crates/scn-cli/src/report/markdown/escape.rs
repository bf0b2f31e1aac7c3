//! Text made safe for GitHub-flavoured Markdown.

/// Text in a code span: backticks inside would end it, and a pipe would end a table cell.
pub(crate) fn code(t: &str) -> String {
    let t = t.replace('|', "\\|");
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

/// Text as one line of inline Markdown: every character that could start markup is escaped,
/// `|` included so that a label cannot split a table cell.
pub(crate) fn inline(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Text as paragraphs: blank lines kept, and a line that would start a list, a heading or a
/// quote escaped.
pub(super) fn block(t: &str) -> String {
    let lines: Vec<String> = t
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let escaped = inline(trimmed);
            let starts_list = trimmed.starts_with(['-', '+', '='])
                || trimmed
                    .split_once(['.', ')'])
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if starts_list {
                match escaped.find(['-', '+', '=', '.', ')']) {
                    Some(i) => format!("{}\\{}", &escaped[..i], &escaped[i..]),
                    None => escaped,
                }
            } else {
                escaped
            }
        })
        .collect();
    // A single newline inside a paragraph is a soft break; keep the author's lines.
    lines.join("  \n").replace("  \n  \n", "\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(inline("a|b <i> *x*"), "a\\|b \\<i\\> \\*x\\*");
        assert_eq!(
            block("- not a list\n1. nor this"),
            "\\- not a list  \n1\\. nor this"
        );
        assert_eq!(code("a | b"), "`a \\| b`");
    }
}
