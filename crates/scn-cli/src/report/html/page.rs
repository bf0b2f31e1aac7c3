//! The page around an analysis (`scn sens`, `scn voi`, `scn diff`): the report's style sheet,
//! a header, a list of contents and a footer, self-contained like the report of `scn eval`.

use std::fmt::Write as _;

use super::{STYLE, esc};

/// What a page's header says.
pub(crate) struct Head<'a> {
    /// What the page is: "Sensitivity", "Value of information", "Changes".
    pub kind: &'a str,
    /// The scenario's id (or a file's name).
    pub id: &'a str,
    /// The page's heading.
    pub title: &'a str,
    /// Lines under the heading, as plain text.
    pub lead: &'a [String],
    /// Sections to link to: (anchor, name).
    pub contents: &'a [(&'a str, &'a str)],
}

/// Opens a page in `s`.
pub(crate) fn open(h: &Head<'_>, s: &mut String) {
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(s, "<title>{}: {}</title>", esc(h.kind), esc(h.title));
    let _ = writeln!(s, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(
        s,
        "<header>\n<p class=\"kicker\">{} · <code>{}</code></p>\n<h1>{}</h1>",
        esc(h.kind),
        esc(h.id),
        esc(h.title)
    );
    for l in h.lead {
        let _ = writeln!(s, "<p class=\"description\">{}</p>", esc(l));
    }
    s.push_str("</header>\n");
    if !h.contents.is_empty() {
        let links: Vec<String> = h
            .contents
            .iter()
            .map(|(id, name)| format!("<a href=\"#{}\">{}</a>", esc(id), esc(name)))
            .collect();
        let _ = writeln!(s, "<nav aria-label=\"Contents\">{}</nav>", links.join(" "));
    }
}

/// Closes a page opened by [`open`]; `what` says how its figures were found.
pub(crate) fn close(what: &str, s: &mut String) {
    let _ = writeln!(
        s,
        "<footer>{} By scn {}.</footer>\n</main>\n</body>\n</html>",
        esc(what),
        env!("CARGO_PKG_VERSION")
    );
}

/// A note paragraph.
pub(crate) fn note(text: &str, s: &mut String) {
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(text));
}

/// A list of warnings, when there are any.
pub(crate) fn warnings(list: &[String], s: &mut String) {
    if list.is_empty() {
        return;
    }
    s.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul class=\"warnings\">\n");
    for w in list {
        let _ = writeln!(s, "<li>{}</li>", esc(w));
    }
    s.push_str("</ul>\n</section>\n");
}

/// A table that stacks into cards on a phone: a header row, then rows of cells already
/// escaped. The first column is the row's title; the others are labelled by their header
/// on a phone. Columns whose header is in `numeric` are right-aligned.
pub(crate) fn table(header: &[&str], numeric: &[usize], rows: &[Vec<String>], s: &mut String) {
    if rows.is_empty() {
        return;
    }
    s.push_str("<table class=\"stack\">\n<thead><tr>");
    for (c, h) in header.iter().enumerate() {
        let class = if numeric.contains(&c) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(s, "<th{class}>{}</th>", esc(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        s.push_str("<tr>");
        for (c, cell) in r.iter().enumerate() {
            if c == 0 {
                let _ = write!(s, "<td class=\"title\">{cell}</td>");
            } else {
                let class = if numeric.contains(&c) { "num" } else { "wrap" };
                let _ = write!(
                    s,
                    "<td class=\"{class}\" data-label=\"{}\">{cell}</td>",
                    esc(header.get(c).copied().unwrap_or(""))
                );
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
}
