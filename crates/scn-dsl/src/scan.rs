//! A lexical scan that tells code from string literals and comments, for the passes that
//! look at raw text without parsing it: the nesting limit, the "never closed" hint of a
//! syntax error, and the formatter's comments.

/// What the scan met.
pub(crate) enum Piece {
    /// A byte of code (outside strings and comments) at this offset.
    Code(usize, u8),
    /// A `//` comment from this offset to the end of its line (the newline excluded).
    Comment(usize, usize),
}

/// Walks `text`, calling `f` for each code byte and each comment, until `f` returns false.
/// A string runs to its closing quote or, unterminated, to the end of its line (the parser
/// reports that); `\` escapes the next byte.
pub(crate) fn scan(text: &str, mut f: impl FnMut(Piece) -> bool) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                if !f(Piece::Comment(i, end)) {
                    return;
                }
                i = end;
                continue;
            }
            b => {
                if !f(Piece::Code(i, b)) {
                    return;
                }
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_comments_are_not_code() {
        let text = "a \"x // {\" // c {\n{ \"\\\"{\" }";
        let mut code = String::new();
        let mut comments = Vec::new();
        scan(text, |p| {
            match p {
                Piece::Code(_, b) => code.push(b as char),
                Piece::Comment(s, e) => comments.push(&text[s..e]),
            }
            true
        });
        assert_eq!(code.replace(['\n', ' '], ""), "a{}");
        assert_eq!(comments, ["// c {"]);
    }
}
