//! Mutations of real files: the corpus holds the bundled scenarios and test fixtures, whose
//! structure a generator would never think of; small edits make them invalid in the ways
//! people's files are (a token dropped, a number swapped for an extreme one, a line
//! duplicated).

use arbitrary::{Result, Unstructured};

/// Tokens spliced into files.
const TOKENS: [&str; 24] = [
    "{",
    "}",
    "(",
    ")",
    "p = rest",
    "p = 1e308",
    "= -0",
    "#t",
    "branch z p = 0.5 ",
    "option o ",
    "use t()",
    "P(",
    "E(",
    "not ",
    " and ",
    " by 2025-01-01",
    "after 1y",
    "\"",
    "\\",
    "//",
    "\u{1b}[2J",
    "5e-324",
    "0.1 to 0.9",
    "import \"x.scn\"\n",
];

/// One to four mutations of `text` (at character boundaries).
pub fn mutate(u: &mut Unstructured<'_>, text: &str) -> Result<String> {
    let mut s = text.to_owned();
    for _ in 0..u.int_in_range(1..=4u8)? {
        let at = boundary(&s, u.int_in_range(0..=s.len())?);
        match u.int_in_range(0..=4u8)? {
            0 => {
                let end = boundary(&s, (at + u.int_in_range(1..=40usize)?).min(s.len()));
                s.replace_range(at..end, "");
            }
            1 => {
                let t = *u.choose(&TOKENS)?;
                s.insert_str(at, t);
            }
            2 => {
                // Duplicate a line.
                let start = s[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = s[at..].find('\n').map_or(s.len(), |i| at + i + 1);
                let line = s[start..end].to_owned();
                s.insert_str(end, &line);
            }
            3 => {
                // Replace the number at or after `at` with an extreme one.
                if let Some(off) = s[at..].find(|c: char| c.is_ascii_digit()) {
                    let start = at + off;
                    let end = s[start..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                        .map_or(s.len(), |i| start + i);
                    let n =
                        *u.choose(&["1e308", "0", "5e-324", "99999999999999999999", "1e-400"])?;
                    s.replace_range(start..end, n);
                }
            }
            _ => {
                let b = u.arbitrary::<u8>()?;
                if b.is_ascii() {
                    s.insert(at, b as char);
                }
            }
        }
    }
    Ok(s)
}

fn boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
