//! Mistakes a newcomer makes, recognised at the point where a syntax error stopped the
//! parser: numbers and dates written as in a spreadsheet (`30 %`, `1,000`, `5m`, `$1000`,
//! `2026/01/15`, `2026-6-30`), a probability on an option, a misspelt keyword. Each turns the
//! generic "expected …, found …" into the form that was meant.

use crate::code::Code;
use crate::span::Span;

/// What a recognised mistake changes in the diagnostic.
pub(super) struct Hint {
    /// The kind of mistake.
    pub code: Code,
    /// A better span than the token where parsing stopped, if any.
    pub span: Option<Span>,
    /// A message in place of "expected …, found …", if any.
    pub message: Option<String>,
    /// What to write instead.
    pub help: String,
}

impl Hint {
    /// A number written in a form scn does not read: `written`, at `span`.
    fn number(text: &str, span: Span, help: String) -> Self {
        let written = &text[span.start as usize..span.end as usize];
        Hint {
            code: Code::NumberForm,
            span: Some(span),
            message: Some(format!("`{written}` is not a number scn reads")),
            help,
        }
    }
}

/// A number written as a spreadsheet or a document would write it, found at `pos`.
/// `expects_number` says whether the parser was looking for a number or an expression.
pub(super) fn number_form(
    text: &str,
    pos: usize,
    found: &str,
    expects_number: bool,
) -> Option<Hint> {
    let before = &text[..pos];
    let after = &text[pos..];
    let number_before = digits_back(before.trim_end_matches([' ', '\t']));
    match found {
        "%" if number_before.is_some() => {
            let start = number_before?;
            let number = text[start..pos].trim_end();
            Some(Hint::number(
                text,
                Span::new(start, pos + 1),
                format!("write `{number}%`, with no space before the `%`"),
            ))
        }
        "," => {
            let start = digits_back(before)?;
            let rest = &after[1..];
            let group = rest.bytes().take_while(u8::is_ascii_digit).count();
            if group != 3 || start == pos {
                return None;
            }
            // The whole run of digit groups, `1,000,000`.
            let mut end = pos + 1 + group;
            while text[end..].starts_with(',')
                && text[end + 1..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count()
                    == 3
            {
                end += 4;
            }
            let written = &text[start..end];
            Some(Hint::number(
                text,
                Span::new(start, end),
                format!(
                    "write `{}` or `{}`: a comma separates arguments, `_` groups digits",
                    written.replace(',', ""),
                    written.replace(',', "_")
                ),
            ))
        }
        "$" | "€" | "£" if after[found.len()..].starts_with(|c: char| c.is_ascii_digit()) => {
            let n = after[found.len()..]
                .bytes()
                .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b'_'))
                .count();
            let amount = &after[found.len()..found.len() + n];
            let currency = match found {
                "$" => "USD",
                "€" => "EUR",
                _ => "GBP",
            };
            Some(Hint::number(
                text,
                Span::new(pos, pos + found.len() + n),
                format!(
                    "write the amount alone, `{amount}`, and give the metric the currency as its unit: `unit \"{currency}\"`"
                ),
            ))
        }
        _ if expects_number && found.starts_with(|c: char| c.is_ascii_digit()) => {
            let split = found
                .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
                .or_else(|| found.find(|c: char| c.is_ascii_alphabetic()))?;
            let (number, suffix) = found.split_at(split);
            let scale = match suffix {
                "m" | "mn" | "mm" => Some("M"),
                "b" | "bn" => Some("B"),
                "K" => Some("k"),
                _ => None,
            };
            let help = match scale {
                Some(s) => format!(
                    "write `{number}{s}`: the suffixes are `k` (thousand), `M` (million) and `B` (billion)"
                ),
                None => format!(
                    "a number carries no unit: write `{number}` and give the metric `unit \"{suffix}\"`"
                ),
            };
            Some(Hint::number(text, Span::new(pos, pos + found.len()), help))
        }
        _ => None,
    }
}

/// A date written with `/` or with one-digit months or days, found at `pos` (the `/` or `-`
/// after the year).
pub(super) fn date_form(text: &str, pos: usize, found: &str) -> Option<Hint> {
    if found != "/" && found != "-" {
        return None;
    }
    let start = digits_back(&text[..pos])?;
    let year = &text[start..pos];
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sep = found.as_bytes()[0];
    let mut parts = vec![year.to_owned()];
    let mut end = pos;
    while parts.len() < 3 && text.as_bytes().get(end) == Some(&sep) {
        let n = text[end + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if n == 0 || n > 2 {
            break;
        }
        parts.push(format!("{:0>2}", &text[end + 1..end + 1 + n]));
        end += 1 + n;
    }
    if parts.len() < 2 {
        return None;
    }
    // A `-` date with two-digit parts would have parsed: the mistake is elsewhere.
    let written = &text[start..end];
    let right = parts.join("-");
    if written == right {
        return None;
    }
    let why = if sep == b'/' {
        "dates are written year-month-day with `-`"
    } else {
        "months and days have two digits"
    };
    Some(Hint {
        code: Code::DateForm,
        span: Some(Span::new(start, end)),
        message: Some(format!("`{written}` is not a date scn reads")),
        help: format!("write `{right}`: {why}"),
    })
}

/// `p = …` on an option, on the line where parsing stopped: an option is chosen, not drawn.
pub(super) fn probability_on_option(text: &str, pos: usize) -> Option<Hint> {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let line = &text[line_start..line_end];
    let mut c = Cursor { line, at: 0 };
    c.blank();
    c.word("option")?;
    c.blank();
    c.ident()?;
    c.blank();
    c.string();
    c.blank();
    let p_at = c.at;
    c.word("p")?;
    c.blank();
    if !c.rest().starts_with('=') || c.rest().starts_with("==") {
        return None;
    }
    c.at += 1;
    c.blank();
    let value_len = c
        .rest()
        .find(|ch: char| ch.is_whitespace() || ch == '{' || ch == '#')
        .unwrap_or(c.rest().len());
    let end = c.at + value_len;
    let written = &line[p_at..end];
    Some(Hint {
        code: Code::ProbabilityOnOption,
        span: Some(Span::new(line_start + p_at, line_start + end)),
        message: Some("an option has no probability: the decision chooses it".to_owned()),
        help: format!(
            "remove `{written}`; if chance decides rather than the decision maker, write `branch` instead of `option`"
        ),
    })
}

/// A query or an `expect` written as an expression where the language takes a name, an
/// event or a number: `E(m * 2)`, `P((a or b) by 2026)`, `expect P(a) in 10% .. 1/2`. The
/// message stays the parser's; the help says what the form takes.
pub(super) fn query_form(text: &str, pos: usize, found: &str) -> Option<Hint> {
    let operator = matches!(found, "*" | "/" | "+" | "-" | "^");
    let before = text[..pos].trim_end();
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..pos].trim_start();
    // The item the error is in: what follows the last `expect` of the line, if any.
    let in_expect = line
        .rfind("expect")
        .is_some_and(|i| line[i..].contains(" in ") && !ends_with_expectation(before));
    let help = if in_expect && operator {
        "the bounds of `expect … in LO .. HI` are numbers (`0.1`, `50%`, `1.5k`), not expressions"
            .to_owned()
    } else if found == "by" && before.ends_with(')') {
        match word_before_group(before)? {
            // `P((a or b) by D)`: a group inside a query.
            "" => "`by DATE` follows a branch or a tag, not a group: write `a by 2026-12 or b by 2026-12`"
                .to_owned(),
            // `P(a) by D`: the date belongs inside.
            "P" => "`by DATE` goes inside the query, after the event: `P(a by 2026-12)`".to_owned(),
            _ => return None,
        }
    } else if operator && ends_with_expectation(before) {
        let query = before.rsplit("E(").next().unwrap_or("").trim();
        format!(
            "`E(…)` takes a metric (and `| EVENT`): write the arithmetic outside it, as `E({query}) {found} …`"
        )
    } else {
        return None;
    };
    Some(Hint {
        code: Code::Syntax,
        span: None,
        message: None,
        help,
    })
}

/// The name just before the `(` that the `)` ending `before` closes: `P` for `P(a)`, ``
/// for a bare group; `None` when the parentheses do not match on the line.
fn word_before_group(before: &str) -> Option<&str> {
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    let head = before[..i].trim_end();
                    let len = head
                        .bytes()
                        .rev()
                        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                        .count();
                    return Some(&head[head.len() - len..]);
                }
            }
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// True when `before` ends with `E(` and a name (a metric, maybe dotted).
fn ends_with_expectation(before: &str) -> bool {
    let name_len = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
        .count();
    let rest = before[..before.len() - name_len].trim_end();
    name_len > 0
        && rest.ends_with("E(")
        && !rest[..rest.len() - 2].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

/// The keyword a misspelt word stands for, among those the parser expected.
pub(super) fn misspelt_keyword<'k>(
    found: &str,
    expected: impl Iterator<Item = &'k str>,
) -> Option<&'k str> {
    if found.len() < 2 || !found.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
        return None;
    }
    let max = if found.len() <= 4 { 1 } else { 2 };
    expected
        .filter(|k| *k != found)
        .filter_map(|k| {
            let d = distance(found.as_bytes(), k.as_bytes());
            (d <= max && d < k.len()).then_some((d, k))
        })
        .min()
        .map(|(_, k)| k)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (optimal string
/// alignment). Keywords and the word compared are short: the full table is cheap.
pub(crate) fn distance(a: &[u8], b: &[u8]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=m).collect();
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j - 1] + cost)
                .min(d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Where a run of digits (with `.` and `_`) ending at the end of `before` starts, if there
/// is one and it is not the tail of a name.
fn digits_back(before: &str) -> Option<usize> {
    let n = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b'_' | b','))
        .count();
    let start = before.len() - n;
    let digits = before[start..].trim_start_matches([',', '.', '_']);
    let start = before.len() - digits.len();
    let in_name = before[..start]
        .bytes()
        .next_back()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    (!digits.is_empty() && !in_name).then_some(start)
}

/// Reads one line of source piece by piece.
struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.line[self.at..]
    }

    fn blank(&mut self) {
        let r = self.rest();
        self.at += r.len() - r.trim_start_matches([' ', '\t']).len();
    }

    /// The word `w`, whole.
    fn word(&mut self, w: &str) -> Option<()> {
        let r = self.rest();
        let after = r.strip_prefix(w)?;
        if after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        self.at += w.len();
        Some(())
    }

    fn ident(&mut self) -> Option<()> {
        let n = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        (n > 0).then(|| self.at += n)
    }

    /// A string literal, if one is here.
    fn string(&mut self) {
        let r = self.rest();
        if let Some(body) = r.strip_prefix('"')
            && let Some(end) = body.find('"')
        {
            self.at += end + 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swap_is_one_edit() {
        assert_eq!(distance(b"branh", b"branch"), 1);
        assert_eq!(distance(b"sotf", b"soft"), 1);
        assert_eq!(distance(b"ue", b"eu"), 1);
        assert_eq!(distance(b"forcast", b"forecast"), 1);
        assert_eq!(distance(b"kitten", b"sitting"), 3);
    }

    #[test]
    fn misspelt_keywords_are_matched_among_the_expected() {
        let kws = ["branch", "option", "metric", "let"];
        assert_eq!(misspelt_keyword("branh", kws.into_iter()), Some("branch"));
        assert_eq!(misspelt_keyword("optoin", kws.into_iter()), Some("option"));
        assert_eq!(misspelt_keyword("lte", kws.into_iter()), Some("let"));
        assert_eq!(misspelt_keyword("cost", kws.into_iter()), None);
    }

    fn help(h: Option<Hint>) -> String {
        h.map(|h| h.help).unwrap_or_default()
    }

    #[test]
    fn spreadsheet_numbers_get_their_form() {
        let t = "p = 30 %";
        assert!(help(number_form(t, 7, "%", true)).contains("`30%`"));
        let t = "x = 1,000,000)";
        assert!(help(number_form(t, 5, ",", true)).contains("`1000000` or `1_000_000`"));
        assert!(help(number_form("x = 5m", 4, "5m", true)).contains("`5M`"));
        assert!(help(number_form("x = 2km", 4, "2km", true)).contains("unit \"km\""));
        assert!(help(number_form("x = $1000", 4, "$", true)).contains("`1000`"));
        // A comma after a name is not a number's.
        assert!(number_form("f(a1,000)", 4, ",", true).is_none());
    }

    #[test]
    fn dates_get_their_form() {
        let t = "as_of 2026/1/15\n";
        assert!(help(date_form(t, 10, "/")).contains("`2026-01-15`"));
        let t = "at 2026-6-30 ";
        assert!(help(date_form(t, 7, "-")).contains("`2026-06-30`"));
        assert!(date_form("at 2026-06-30x", 7, "-").is_none());
    }

    #[test]
    fn a_probability_on_an_option_is_found_on_its_line() {
        let t = "  option go \"Go\" p = 50% {\n";
        let h = probability_on_option(t, 25).expect("found");
        assert_eq!(h.span, Some(Span::new(17, 24)));
        assert!(probability_on_option("  branch go p = 50% {\n", 20).is_none());
    }
}
