//! Text made safe for GitHub-flavoured Markdown.

/// Text in a code span in a table cell, where a pipe would end the cell: GitHub reads `\|`
/// as `|` there, before the span.
pub(crate) fn code(t: &str) -> String {
    code_span(&t.replace('|', "\\|"))
}

/// Text in a code span anywhere but a table (a heading, a list item), where `\|` would show
/// its backslash. The fence is one backtick longer than the longest run of backticks inside,
/// so none of them can close it, and line breaks become spaces, so that a line starting
/// with `#` or `<` cannot leave the span and become a heading or raw HTML.
pub(crate) fn code_span(t: &str) -> String {
    let t: String = t
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in t.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A space on each side is stripped by the reader, and keeps a backtick at either end of
    // the text from joining the fence.
    if longest > 0 || t.starts_with(' ') || t.ends_with(' ') {
        format!("{fence} {t} {fence}")
    } else {
        format!("{fence}{t}{fence}")
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
pub(crate) fn block(t: &str) -> String {
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
        assert_eq!(code_span("a | b"), "`a | b`");
        // Two backticks inside take a fence of three; a newline cannot start a heading.
        assert_eq!(
            code_span("A`` <img> ``\n# Owned"),
            "``` A`` <img> `` # Owned ```"
        );
        assert_eq!(code_span("`x`"), "`` `x` ``");
    }
}
