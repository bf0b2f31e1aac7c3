//! `resolutions.toml`: how a library's closed questions resolved.
//!
//! ```toml
//! [[resolved]]
//! forecast = "ukraine_peace_2025.deal_jan"   # scenario id . forecast id
//! outcome = false                            # true / false for a probability; a number otherwise
//! on = 2026-02-01                            # the day it was resolved
//! source = "No text signed by 31 Jan 2026"   # optional
//! ```
//!
//! The file lives at the library's root, beside `scn.toml`; a scenario outside any library
//! keeps its resolutions in its own folder ([`Resolutions::path_for`]). Every mistake in it
//! is a diagnostic at its line and column; a forecast resolved twice is one of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use scn_dsl::{Date, Diagnostic, FileId, SourceFile, SourceMap, Span};
use serde::Deserialize;

use crate::model::{ForecastKind, Model};

/// The file name scn looks for.
pub const RESOLUTIONS_NAME: &str = "resolutions.toml";

/// Largest resolutions file read, in bytes: a line per resolution leaves room for a
/// hundred thousand of them.
const MAX_RESOLUTIONS_BYTES: u64 = 16 << 20;

/// How a question resolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// A probability's event happened (`outcome = true`).
    Yes,
    /// It did not (`outcome = false`).
    No,
    /// A number's true value.
    Number(f64),
}

impl Outcome {
    /// The kind of forecast this outcome resolves.
    pub fn kind(self) -> ForecastKind {
        match self {
            Outcome::Yes | Outcome::No => ForecastKind::Probability,
            Outcome::Number(_) => ForecastKind::Number,
        }
    }

    /// 1 for yes, 0 for no, the number otherwise.
    pub fn value(self) -> f64 {
        match self {
            Outcome::Yes => 1.0,
            Outcome::No => 0.0,
            Outcome::Number(x) => x,
        }
    }
}

/// One `[[resolved]]` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    /// The scenario's id.
    pub scenario: String,
    /// The forecast's id in it.
    pub forecast: String,
    /// How it resolved.
    pub outcome: Outcome,
    /// The day it was resolved.
    pub on: Date,
    /// Where the outcome comes from.
    pub source: Option<String>,
    /// The `forecast = "…"` value, for messages.
    pub span: Span,
    /// The `outcome = …` value, for messages.
    pub outcome_span: Span,
}

impl Resolution {
    /// `scenario.forecast`.
    pub fn id(&self) -> String {
        format!("{}.{}", self.scenario, self.forecast)
    }
}

/// A parsed resolutions file.
#[derive(Clone, Debug, Default)]
pub struct Resolutions {
    /// The file, in the source map it was loaded into.
    pub file: FileId,
    /// Its entries in file order; no forecast appears twice.
    pub entries: Vec<Resolution>,
}

/// Why a resolution does not fit a scenario's forecast.
#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    /// The scenario has no forecast of that id; the closest id, if one is close.
    Unknown {
        /// A forecast id within two edits.
        suggestion: Option<String>,
    },
    /// A yes or no for a number, or a number for a probability.
    Kind {
        /// The forecast's index in the model.
        index: usize,
        /// What the forecast is.
        forecast: ForecastKind,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    resolved: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    forecast: toml::Spanned<String>,
    outcome: toml::Spanned<toml::Value>,
    on: toml::Spanned<toml::Value>,
    source: Option<toml::Spanned<String>>,
}

fn span_of<T>(s: &toml::Spanned<T>) -> Span {
    Span::new(s.span().start, s.span().end)
}

/// True for an identifier of the language: a letter or `_`, then letters, digits and `_`.
fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits `scenario.forecast` into its two ids, or says what is wrong with it.
pub fn split_id(id: &str) -> Result<(&str, &str), String> {
    match id.split_once('.') {
        Some((s, f)) if is_ident(s) && is_ident(f) => Ok((s, f)),
        _ => Err(format!(
            "`{id}` does not name a forecast: write the scenario's id, a dot and the forecast's id, as in `talks.deal_jan`"
        )),
    }
}

impl Resolutions {
    /// Where the resolutions of a scenario file live: beside the library's `scn.toml`
    /// (`manifest_dir`), else in the scenario's own folder.
    pub fn path_for(scenario: &Path, manifest_dir: Option<&Path>) -> PathBuf {
        let dir = match manifest_dir {
            Some(d) => d.to_path_buf(),
            None => match scenario.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
        };
        dir.join(RESOLUTIONS_NAME)
    }

    /// Reads and parses a resolutions file, which joins `sources` under the name `shown` so
    /// that its diagnostics render; a missing file has no resolutions.
    pub fn load(
        path: &Path,
        shown: &str,
        sources: &mut SourceMap,
    ) -> Result<Resolutions, Vec<Diagnostic>> {
        let bytes = match crate::load::read_regular(path, MAX_RESOLUTIONS_BYTES) {
            Ok(b) => b,
            Err(_) if !path.exists() => return Ok(Resolutions::default()),
            Err(e) => {
                let id = sources.add(SourceFile::new(shown.to_owned(), String::new()));
                return Err(vec![Diagnostic::error(
                    id,
                    Span::default(),
                    format!("cannot read {shown}: {e}"),
                )]);
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                let id = sources.add(SourceFile::new(shown.to_owned(), prefix));
                return Err(vec![
                    Diagnostic::error(id, Span::new(at, at), "the file is not valid UTF-8")
                        .with_help("save it as UTF-8 text"),
                ]);
            }
        };
        let id = sources.add(SourceFile::new(shown.to_owned(), text));
        Resolutions::parse(&sources.get(id).text, id)
    }

    /// Parses the text of a resolutions file registered as `file`.
    pub fn parse(text: &str, file: FileId) -> Result<Resolutions, Vec<Diagnostic>> {
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            vec![
                Diagnostic::error(
                    file,
                    span,
                    format!("invalid {RESOLUTIONS_NAME}: {}", e.message().trim_end()),
                )
                .with_help(
                    "each resolution is a `[[resolved]]` table with `forecast`, `outcome`, `on` and an optional `source` (docs/scoring.md)",
                ),
            ]
        })?;
        let mut diags = Vec::new();
        let mut entries: Vec<Resolution> = Vec::new();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for e in raw.resolved {
            let span = span_of(&e.forecast);
            let (scenario, forecast) = match split_id(e.forecast.get_ref()) {
                Ok(ids) => ids,
                Err(msg) => {
                    diags.push(Diagnostic::error(file, span, msg));
                    continue;
                }
            };
            let outcome_span = span_of(&e.outcome);
            let outcome = match e.outcome.get_ref() {
                toml::Value::Boolean(true) => Outcome::Yes,
                toml::Value::Boolean(false) => Outcome::No,
                toml::Value::Integer(i) => Outcome::Number(*i as f64),
                toml::Value::Float(x) if x.is_finite() => Outcome::Number(*x),
                toml::Value::Float(_) => {
                    diags.push(Diagnostic::error(
                        file,
                        outcome_span,
                        "an outcome is a finite number, not infinity or NaN",
                    ));
                    continue;
                }
                toml::Value::String(s) => {
                    let help = match s.to_ascii_lowercase().as_str() {
                        "yes" | "true" => "write `outcome = true`, without quotes".to_owned(),
                        "no" | "false" => "write `outcome = false`, without quotes".to_owned(),
                        _ => "write `true` or `false` for a probability, a number otherwise"
                            .to_owned(),
                    };
                    diags.push(
                        Diagnostic::error(file, outcome_span, "an outcome is not a string")
                            .with_help(help),
                    );
                    continue;
                }
                other => {
                    diags.push(
                        Diagnostic::error(
                            file,
                            outcome_span,
                            format!("an outcome is true, false or a number, not {}", a(other)),
                        )
                        .with_help("write `true` or `false` for a probability, a number otherwise"),
                    );
                    continue;
                }
            };
            let on = match date_of(e.on.get_ref()) {
                Ok(d) => d,
                Err(msg) => {
                    diags
                        .push(Diagnostic::error(file, span_of(&e.on), msg).with_help(
                            "write the day the question resolved, as `on = 2026-02-01`",
                        ));
                    continue;
                }
            };
            let id = e.forecast.get_ref().clone();
            if let Some(&first) = seen.get(&id) {
                diags.push(
                    Diagnostic::error(file, span, format!("`{id}` is resolved twice"))
                        .with_label(file, first, "first resolved here")
                        .with_help("keep one of the two `[[resolved]]` tables"),
                );
                continue;
            }
            seen.insert(id, span);
            entries.push(Resolution {
                scenario: scenario.to_owned(),
                forecast: forecast.to_owned(),
                outcome,
                on,
                source: e.source.map(toml::Spanned::into_inner),
                span,
                outcome_span,
            });
        }
        if diags.is_empty() {
            Ok(Resolutions { file, entries })
        } else {
            Err(diags)
        }
    }

    /// The resolution of `scenario.forecast`, if there is one.
    pub fn get(&self, scenario: &str, forecast: &str) -> Option<&Resolution> {
        self.entries
            .iter()
            .find(|r| r.scenario == scenario && r.forecast == forecast)
    }

    /// The resolutions of one scenario, in file order.
    pub fn of<'a>(&'a self, scenario: &'a str) -> impl Iterator<Item = &'a Resolution> + 'a {
        self.entries.iter().filter(move |r| r.scenario == scenario)
    }
}

/// The forecast of `model` that a resolution of `forecast` with `outcome` resolves: its
/// index, or why none fits.
pub fn match_forecast(model: &Model, forecast: &str, outcome: Outcome) -> Result<usize, Mismatch> {
    let Some(index) = model.forecasts.iter().position(|f| f.name == forecast) else {
        let suggestion =
            crate::resolve::did_you_mean(forecast, model.forecasts.iter().map(|f| f.name.as_str()))
                .map(str::to_owned);
        return Err(Mismatch::Unknown { suggestion });
    };
    let kind = model.forecasts[index].kind;
    if kind == outcome.kind() {
        Ok(index)
    } else {
        Err(Mismatch::Kind {
            index,
            forecast: kind,
        })
    }
}

/// The name of a TOML value's type with its article, for messages.
fn a(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// A TOML local date (`2026-02-01`, no time, no offset) as a [`Date`].
fn date_of(v: &toml::Value) -> Result<Date, String> {
    match v {
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map_err(|e| e.to_string())
            }
            _ => Err("`on` is a day, without a time of day".to_owned()),
        },
        toml::Value::String(s) => Err(format!(
            "`on` is a date, not a string: write `on = {s}` without quotes"
        )),
        other => Err(format!("`on` is a date, not {}", a(other))),
    }
}

/// Parses a day written `YYYY-MM-DD`, as `scn resolve --on` takes it.
pub fn parse_day(s: &str) -> Result<Date, String> {
    let bad = || format!("`{s}` is not a date: write a day as YYYY-MM-DD, as in 2026-02-01");
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| bad());
    Date::from_ymd(num(y)? as i32, num(m)?, num(d)?).map_err(|e| format!("`{s}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Resolutions, String> {
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(RESOLUTIONS_NAME, text.to_owned()));
        Resolutions::parse(text, id).map_err(|d| scn_dsl::render_all(&d, &map))
    }

    #[test]
    fn a_file_of_entries_parses() {
        let r = parse(
            "# kept\n[[resolved]]\nforecast = \"talks.deal\"\noutcome = false\non = 2026-02-01\nsource = \"none\"\n\n[[resolved]]\nforecast = \"talks.cost\"\noutcome = 12\non = 2026-03-01\n",
        )
        .unwrap();
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[0].outcome, Outcome::No);
        assert_eq!(r.entries[0].on, Date::from_ymd(2026, 2, 1).unwrap());
        assert_eq!(r.entries[0].source.as_deref(), Some("none"));
        assert_eq!(r.entries[1].outcome, Outcome::Number(12.0));
        assert_eq!(r.get("talks", "cost").unwrap().id(), "talks.cost");
        assert!(parse("").unwrap().entries.is_empty());
    }

    #[test]
    fn days_are_parsed_strictly() {
        assert_eq!(
            parse_day("2024-02-29").unwrap(),
            Date::from_ymd(2024, 2, 29).unwrap()
        );
        for bad in [
            "2026-02-30",
            "2026-2-1",
            "2026-02",
            "yesterday",
            "2026-02-01x",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_have_two_parts() {
        assert_eq!(split_id("a.b").unwrap(), ("a", "b"));
        for bad in ["a", "a.b.c", ".b", "a.", "1a.b", "a.b-c"] {
            assert!(split_id(bad).is_err(), "{bad}");
        }
    }
}
