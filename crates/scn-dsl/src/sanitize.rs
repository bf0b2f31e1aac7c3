//! Making user text safe to print on a terminal.
//!
//! Labels, notes, file names and plugin answers are the user's (or an attacker's) text. Sent
//! raw to a terminal, an escape sequence in them can recolour the screen, retitle the window,
//! write a hyperlink or hide what follows, and a bidirectional override can make text read
//! differently from what it is. Everything scn prints from user text goes through here.

use std::borrow::Cow;

/// The replacement shown for a character that is not printed.
pub const REPLACEMENT: char = '\u{FFFD}';

/// One line of user text, safe to print: a tab becomes a space; every other control
/// character (C0, DEL, C1, line breaks included) and every bidirectional embedding,
/// override or isolate becomes U+FFFD. Text that needs no change is borrowed.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// [`sanitize`] for text of several lines: `\n` is kept (and a `\r` before it dropped).
pub fn sanitize_lines(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// One line of user text in a report whose structure is its lines (a text report): every
/// line break becomes a space, so that a label holding `\n` cannot print a line that reads
/// as the report's own. Other characters are left to [`sanitize`] (reports pass through
/// [`sanitize_lines`] on their way out). Text without a line break is borrowed.
pub fn one_line(s: &str) -> Cow<'_, str> {
    let breaks = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    if !s.contains(breaks) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace(breaks, " "))
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\t' => out.push(' '),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            '\n' if keep_newlines => out.push('\n'),
            c if is_unsafe(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters, bidirectional embeddings, overrides and isolates, and the Unicode
/// line and paragraph separators, which some terminals and viewers break lines at.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_replaced() {
        assert_eq!(sanitize("plain – text ✓"), "plain – text ✓");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\u{FFFD}[31mred");
        assert_eq!(
            sanitize("\u{1b}]0;title\u{7}x"),
            "\u{FFFD}]0;title\u{FFFD}x"
        );
        assert_eq!(
            sanitize("a\tb\nc\u{9b}d\u{7f}"),
            "a b\u{FFFD}c\u{FFFD}d\u{FFFD}"
        );
        assert_eq!(sanitize("abc\u{202E}fed"), "abc\u{FFFD}fed");
        assert_eq!(sanitize_lines("a\u{2028}b\u{2029}c"), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(
            sanitize_lines("one\r\ntwo\nthree\u{1b}"),
            "one\ntwo\nthree\u{FFFD}"
        );
    }

    #[test]
    fn one_line_has_no_line_break() {
        assert!(matches!(one_line("a label"), Cow::Borrowed(_)));
        assert_eq!(
            one_line("A\n  P(x) = 99%\r\nB\u{2028}C\u{b}D"),
            "A   P(x) = 99%  B C D"
        );
    }
}
