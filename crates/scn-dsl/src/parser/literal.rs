//! Literals: numbers with suffixes, strings with escapes, dates, durations, tags.

use pest::iterators::Pair;

use smol_str::SmolStr;

use super::{Builder, Sink};
use crate::ast::{Bound, DateLit, DurationLit, Ident, Str};
use crate::code::Code;
use crate::date::{Date, DatePrecision, Duration};
use crate::grammar::Rule;
use crate::span::Span;

impl Builder {
    pub(super) fn parse_ident(&mut self, pair: Pair<'_, Rule>) -> Ident {
        debug_assert_eq!(pair.as_rule(), Rule::ident);
        ident(pair.as_str(), self.span(&pair))
    }

    pub(super) fn parse_tag(&mut self, pair: Pair<'_, Rule>) -> Ident {
        debug_assert_eq!(pair.as_rule(), Rule::tag);
        ident(&pair.as_str()[1..], self.span(&pair))
    }

    pub(super) fn parse_number(&mut self, pair: Pair<'_, Rule>) -> f64 {
        debug_assert_eq!(pair.as_rule(), Rule::number);
        let span = self.span(&pair);
        number(&mut self.sink, pair.as_str(), span)
    }

    pub(super) fn parse_bound(&mut self, pair: Pair<'_, Rule>) -> Bound {
        debug_assert_eq!(pair.as_rule(), Rule::bound);
        let span = self.span(&pair);
        let mut negative = false;
        let mut value = 0.0;
        let mut number = span;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::neg_op => negative = true,
                Rule::pos_op => {}
                Rule::number => {
                    number = self.span(&p);
                    value = self.parse_number(p);
                }
                r => unreachable!("unexpected rule {r:?}"),
            }
        }
        Bound {
            value: if negative { -value } else { value },
            number,
            span,
        }
    }

    pub(super) fn parse_string(&mut self, pair: Pair<'_, Rule>) -> Str {
        debug_assert_eq!(pair.as_rule(), Rule::string);
        let span = self.span(&pair);
        string(&mut self.sink, pair.as_str(), span)
    }

    pub(super) fn parse_date(&mut self, pair: Pair<'_, Rule>) -> DateLit {
        debug_assert_eq!(pair.as_rule(), Rule::date);
        let span = self.span(&pair);
        date(&mut self.sink, pair.as_str(), span)
    }

    pub(super) fn parse_duration(&mut self, pair: Pair<'_, Rule>) -> DurationLit {
        debug_assert_eq!(pair.as_rule(), Rule::duration);
        let span = self.span(&pair);
        duration(&mut self.sink, pair.as_str(), span)
    }
}

// The literal rules' values, shared by the pest builder and the fast path: both report the
// same errors, in source order, through the same functions.

/// An identifier or a tag's name.
pub(super) fn ident(name: &str, span: Span) -> Ident {
    Ident {
        name: SmolStr::new(name),
        span,
    }
}

/// The value of a `number` token; an error (and 0) when it is beyond f64.
pub(super) fn number(sink: &mut Sink, text: &str, span: Span) -> f64 {
    match number_value(text) {
        Some(v) => v,
        None => {
            sink.error(
                Code::NumberTooLarge,
                span,
                format!("the number `{text}` is too large"),
            );
            0.0
        }
    }
}

/// The value of a `string` token (quotes included), escapes resolved; an error for each
/// unknown escape.
pub(super) fn string(sink: &mut Sink, raw: &str, span: Span) -> Str {
    let inner = &raw[1..raw.len() - 1];
    if !inner.contains('\\') {
        return Str {
            value: sink.text(inner),
            span,
        };
    }
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => value.push('"'),
            Some((_, '\\')) => value.push('\\'),
            Some((_, 'n')) => value.push('\n'),
            Some((_, 't')) => value.push('\t'),
            Some((j, other)) => {
                let at = span.start as usize + 1 + i;
                let end = span.start as usize + 1 + j + other.len_utf8();
                sink.diags.push(
                    crate::Diagnostic::error(
                        sink.file,
                        Span::new(at, end),
                        format!("unknown escape `\\{other}` in a string"),
                    )
                    .with_help(r#"the escapes are \" \\ \n and \t"#)
                    .with_code(Code::UnknownEscape),
                );
            }
            None => unreachable!("the grammar ends every escape with a character"),
        }
    }
    Str {
        value: sink.text(&value),
        span,
    }
}

/// The value of a `date` token: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub(super) fn date(sink: &mut Sink, text: &str, span: Span) -> DateLit {
    let part = |r: std::ops::Range<usize>| text.get(r).and_then(|p| p.parse().ok()).unwrap_or(0);
    let year = part(0..4) as i32;
    let (date, precision) = match text.len() {
        4 => (Ok(Date::end_of_year(year)), DatePrecision::Year),
        7 => (Date::end_of_month(year, part(5..7)), DatePrecision::Month),
        10 => (
            Date::from_ymd(year, part(5..7), part(8..10)),
            DatePrecision::Day,
        ),
        _ => unreachable!("the grammar allows YYYY, YYYY-MM and YYYY-MM-DD"),
    };
    let date = date.unwrap_or_else(|e| {
        sink.error(
            Code::InvalidDate,
            span,
            format!("`{text}` is not a date: {e}"),
        );
        Date::end_of_year(year)
    });
    DateLit {
        date,
        precision,
        span,
    }
}

/// The value of a `duration` token; an error (and zero) when it overflows.
pub(super) fn duration(sink: &mut Sink, text: &str, span: Span) -> DurationLit {
    match duration_value(text) {
        Some(duration) => DurationLit { duration, span },
        None => {
            sink.error(
                Code::DurationTooLong,
                span,
                format!("the duration `{text}` is too long"),
            );
            DurationLit {
                duration: Duration::default(),
                span,
            }
        }
    }
}

/// The value of a number token: digits, `_` separators, exponent, `k`/`M`/`B`, `%`.
/// `None` when it is beyond the range of f64.
pub(crate) fn number_value(text: &str) -> Option<f64> {
    let mut body = text;
    let percent = body.ends_with('%');
    if percent {
        body = &body[..body.len() - 1];
    }
    let scale = match body.as_bytes().last() {
        Some(b'k') => 1e3,
        Some(b'M') => 1e6,
        Some(b'B') => 1e9,
        _ => 1.0,
    };
    if scale != 1.0 {
        body = &body[..body.len() - 1];
    }
    let mut v: f64 = if body.contains('_') {
        let digits: String = body.chars().filter(|&c| c != '_').collect();
        digits.parse().ok()?
    } else {
        body.parse().ok()?
    };
    v *= scale;
    if percent {
        v /= 100.0;
    }
    v.is_finite().then_some(v)
}

/// The value of a duration token; `None` when it overflows.
fn duration_value(text: &str) -> Option<Duration> {
    let mut d = Duration::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while bytes[i].is_ascii_digit() {
            i += 1;
        }
        let n: u32 = text[start..i].parse().ok()?;
        let (months, days, len) = match &bytes[i..] {
            [b'm', b'o', ..] => (n, 0, 2),
            [b'y', ..] => (n.checked_mul(12)?, 0, 1),
            [b'w', ..] => (0, n.checked_mul(7)?, 1),
            _ => (0, n, 1),
        };
        d.months = d.months.checked_add(months)?;
        d.days = d.days.checked_add(days)?;
        i += len;
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_suffixes() {
        assert_eq!(number_value("18%"), Some(0.18));
        assert_eq!(number_value("50B"), Some(5e10));
        assert_eq!(number_value("2.5k"), Some(2500.0));
        assert_eq!(number_value("1_000"), Some(1000.0));
        assert_eq!(number_value("1e-3"), Some(0.001));
        assert_eq!(number_value("3M"), Some(3e6));
        assert_eq!(number_value("1.5k%"), Some(15.0));
        assert_eq!(number_value("1e400"), None);
        assert_eq!(number_value("1e308k"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(
            duration_value("1y6mo"),
            Some(Duration {
                months: 18,
                days: 0
            })
        );
        assert_eq!(
            duration_value("2w3d"),
            Some(Duration {
                months: 0,
                days: 17
            })
        );
        assert_eq!(
            duration_value("90d"),
            Some(Duration {
                months: 0,
                days: 90
            })
        );
        assert_eq!(duration_value("99999999999y"), None);
    }
}
