//! Finds the comments of a source text, which the grammar skips, so the formatter can put
//! them back where they were.

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
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.push(Comment {
                    start: i as u32,
                    text: src[i..end].trim_end().to_owned(),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
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
