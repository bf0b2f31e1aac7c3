//! `scn resolve SCENARIO.FORECAST yes|no|NUMBER`: record how a forecast's question resolved.
//!
//! The entry is appended to the library's `resolutions.toml` (or replaces the forecast's
//! earlier one with `--replace`) through `toml_edit`, so the file's comments, order and
//! layout stay as the user wrote them, and the new text is written atomically: a reader sees
//! the old file or the new one, never half of one. Nothing is written unless the forecast
//! exists, the outcome fits its kind, and the file as it stands is valid.
//!
//! The library's folder is locked from the read to the rename, so resolutions recorded by
//! several `scn resolve` at once are all kept; a file whose lines end in CRLF keeps them; a
//! read-only file, or one that leads outside the library through a link, is left alone.

use std::path::PathBuf;

use scn_dsl::{Date, Diagnostic, SourceMap, Span};
use scn_eval::{ForecastKind, Mismatch, Outcome};

use super::library::{self, argument_error};
use crate::args::ResolveArgs;
use crate::input::{RunOptions, load};
use crate::{Exit, Io};

pub(crate) fn run(args: &ResolveArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let mut args_map = SourceMap::new();
    let refuse = |map: &SourceMap, d: Diagnostic, io: &mut Io<'_>| super::report(&[d], map, io);

    let (scenario_id, forecast_id) = match scn_eval::split_id(&args.forecast) {
        Ok(ids) => ids,
        Err(msg) => {
            let d = argument_error(&mut args_map, "forecast", &args.forecast, None, msg);
            return refuse(&args_map, d, io);
        }
    };
    let outcome = match parse_outcome(&args.outcome) {
        Ok(o) => o,
        Err(msg) => {
            let d = argument_error(&mut args_map, "outcome", &args.outcome, None, msg)
                .with_help("write yes or no for a probability, a number otherwise");
            return refuse(&args_map, d, io);
        }
    };
    let on = match &args.on {
        Some(text) => match scn_eval::parse_day(text) {
            Ok(d) => d,
            Err(msg) => {
                let d = argument_error(&mut args_map, "--on", text, None, msg);
                return refuse(&args_map, d, io);
            }
        },
        None => library::today(),
    };

    if let Some(source) = args.source.as_deref()
        && source.trim().is_empty()
    {
        let d = argument_error(
            &mut args_map,
            "--source",
            source,
            None,
            "the source is empty".into(),
        )
        .with_help(
            "say where the outcome can be checked (a link, a document), or leave --source out",
        );
        return refuse(&args_map, d, io);
    }

    let dir = args.library.clone().unwrap_or_else(|| PathBuf::from("."));
    let (_, roots) = match library::default_roots(&dir) {
        Ok(r) => r,
        Err(e) => return super::report_read_error(e, io),
    };
    let files = match library::scenario_files(&roots) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.stderr, "scn: error: {}", scn_dsl::sanitize(&e));
            return Exit::Usage;
        }
    };
    let file = match find_scenario(&files, scenario_id) {
        Found::One(f) => f,
        Found::None { ids } => {
            let mut d = argument_error(
                &mut args_map,
                "forecast",
                &args.forecast,
                Some(Span::new(0, scenario_id.len())),
                format!(
                    "no scenario `{scenario_id}` in the library ({})",
                    roots
                        .iter()
                        .map(|r| super::shown(&library::relative(r)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            if let Some(s) = scn_eval::did_you_mean(scenario_id, ids.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            return refuse(&args_map, d, io);
        }
        Found::Many(paths) => {
            let d = argument_error(
                &mut args_map,
                "forecast",
                &args.forecast,
                Some(Span::new(0, scenario_id.len())),
                format!(
                    "the scenario id `{scenario_id}` is used by {} files: {}",
                    paths.len(),
                    paths
                        .iter()
                        .map(|p| super::shown(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_help("resolutions name scenarios by id: give each scenario an id of its own");
            return refuse(&args_map, d, io);
        }
    };

    let (mut loaded, manifest) = match load(&file, io.stdin, options) {
        Ok(l) => l,
        Err(e) => return super::report_read_error(e, io),
    };
    let resolved = scn_eval::resolve(&loaded);
    drop(std::mem::take(&mut loaded.plugins));
    let model = match resolved {
        Ok(m) => m,
        Err(d) => return super::report(&d, &loaded.sources, io),
    };
    if let Err(m) = scn_eval::match_forecast(&model, forecast_id, outcome) {
        let d = mismatch(&model, forecast_id, outcome, &m);
        return refuse(&loaded.sources, d, io);
    }

    let path = library::resolutions_path(&file, manifest.as_ref());
    let root = manifest.as_ref().map_or(dir.as_path(), |m| m.dir.as_path());
    // Another `scn resolve` of this library waits here until this one has written. The lock
    // is advisory: a folder that cannot be locked (write-only, a file system without locks)
    // costs only that protection.
    let _held = match scn_eval::lock_folder(library::folder_of(&path)) {
        Ok(held) => Some(held),
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "scn: warning: cannot lock {} ({e}): a `scn resolve` run at the same time could \
                 undo this one",
                super::shown(&library::relative(library::folder_of(&path)))
            );
            None
        }
    };
    let mut res_map = SourceMap::new();
    let existing = match library::load_resolutions(&path, &[root], &mut res_map) {
        Ok(r) => r,
        Err(d) => return super::report(&d, &res_map, io),
    };
    let previous = existing.get(scenario_id, forecast_id);
    if let Some(prev) = previous
        && !args.replace
    {
        let d = Diagnostic::error(
            existing.file,
            prev.span,
            format!(
                "`{}` is already resolved: {}, on {}",
                args.forecast,
                outcome_word(prev.outcome),
                prev.on
            ),
        )
        .with_help("pass --replace to replace this resolution");
        return refuse(&res_map, d, io);
    }
    let old_text = if previous.is_some() || path.exists() {
        res_map.get(existing.file).text.clone()
    } else {
        String::new()
    };
    let entry = Entry {
        id: &args.forecast,
        outcome,
        on,
        source: args.source.as_deref(),
    };
    if std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
        let d = Diagnostic::error(
            existing.file,
            Span::default(),
            format!(
                "{} is read-only: scn resolve leaves it as it is",
                super::shown(&library::relative(&path))
            ),
        )
        .with_help("make it writable (chmod u+w) to record the resolution");
        return refuse(&res_map, d, io);
    }
    let new_text = match edit(&old_text, &entry) {
        Ok(t) => crate::output::line_ends_of(&old_text, t),
        Err(e) => {
            let _ = writeln!(
                io.stderr,
                "scn: error: cannot edit {}: {e}",
                super::shown(&path)
            );
            return Exit::Usage;
        }
    };
    if let Err(e) = crate::output::write_file(&path, new_text.as_bytes()) {
        let _ = writeln!(
            io.stderr,
            "scn: error: cannot write {}: {e}",
            super::shown(&library::relative(&path))
        );
        return Exit::Usage;
    }
    // What --replace dropped, so that it can be put back by hand.
    let was = previous.map_or(String::new(), |p| {
        format!(
            "; was {} on {}{}",
            outcome_word(p.outcome),
            p.on,
            p.source.as_deref().map_or(String::new(), |s| format!(
                ", source \"{}\"",
                scn_dsl::sanitize(s)
            ))
        )
    });
    let _ = writeln!(
        io.stdout,
        "{} {}: {} on {} ({}{was})",
        if previous.is_some() {
            "re-resolved"
        } else {
            "resolved"
        },
        args.forecast,
        outcome_word(outcome),
        on,
        super::shown(&library::relative(&path))
    );
    if let Some(as_of) = model.meta.as_of
        && on < as_of
    {
        let _ = writeln!(
            io.stderr,
            "scn: warning: {} resolved on {on}, before the scenario's as_of {as_of}: check --on",
            args.forecast
        );
    }
    Exit::Ok
}

/// `yes`/`no` (also `true`/`false`, any case) or a finite number.
fn parse_outcome(s: &str) -> Result<Outcome, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" => return Ok(Outcome::Yes),
        "no" | "false" => return Ok(Outcome::No),
        _ => {}
    }
    let looks_numeric = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    match s.parse::<f64>() {
        Ok(x) if looks_numeric && x.is_finite() => Ok(Outcome::Number(x)),
        _ => Err(format!("`{s}` is not an outcome")),
    }
}

/// How an outcome reads in messages and in `scn score`.
pub(crate) fn outcome_word(o: Outcome) -> String {
    match o {
        Outcome::Yes => "yes".into(),
        Outcome::No => "no".into(),
        Outcome::Number(x) => format!("{x}"),
    }
}

enum Found {
    One(PathBuf),
    None { ids: Vec<String> },
    Many(Vec<PathBuf>),
}

/// The file whose scenario has this id.
fn find_scenario(files: &[PathBuf], id: &str) -> Found {
    let all = library::scenario_ids(files);
    let mut found: Vec<PathBuf> = all
        .iter()
        .filter(|(s, _)| s == id)
        .map(|(_, f)| f.clone())
        .collect();
    match found.len() {
        0 => Found::None {
            ids: all.into_iter().map(|(s, _)| s).collect(),
        },
        1 => Found::One(found.remove(0)),
        _ => Found::Many(found),
    }
}

/// The diagnostic for a resolution that does not fit the scenario: at the scenario's id for
/// an unknown forecast, at the forecast for one of the other kind.
fn mismatch(model: &scn_eval::Model, forecast: &str, outcome: Outcome, m: &Mismatch) -> Diagnostic {
    let meta = &model.meta;
    match m {
        Mismatch::Unknown { suggestion } => {
            let d = Diagnostic::error(
                meta.file,
                meta.span,
                format!("the scenario `{}` has no forecast `{forecast}`", meta.id),
            );
            match suggestion {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None if model.forecasts.is_empty() => d.with_help("it has no forecasts"),
                None => d.with_help(format!(
                    "its forecasts are {}",
                    model
                        .forecasts
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        Mismatch::Kind {
            index,
            forecast: kind,
        } => {
            let f = &model.forecasts[*index];
            let (msg, help) = match kind {
                ForecastKind::Probability => (
                    format!(
                        "`{}` is a probability: it resolves yes or no, not {}",
                        f.name,
                        outcome_word(outcome)
                    ),
                    "write yes if the event happened, no if it did not".to_owned(),
                ),
                ForecastKind::Number => (
                    format!(
                        "`{}` is a number, not a probability: it resolves to a number, not {}",
                        f.name,
                        outcome_word(outcome)
                    ),
                    "only a forecast that is one P(…) query resolves yes or no; write the true value"
                        .to_owned(),
                ),
            };
            Diagnostic::error(f.file, f.span, msg).with_help(help)
        }
    }
}

/// A resolution to write.
pub(crate) struct Entry<'a> {
    pub id: &'a str,
    pub outcome: Outcome,
    pub on: Date,
    pub source: Option<&'a str>,
}

/// The text of a resolutions file with `entry` added, or put in place of the same
/// forecast's entry; everything else (comments, blank lines, order, quoting) is kept.
pub(crate) fn edit(text: &str, entry: &Entry<'_>) -> Result<String, String> {
    use toml_edit::{DocumentMut, Item as TItem, Table, value};

    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().to_owned())?;
    let outcome = match entry.outcome {
        Outcome::Yes => toml_edit::Value::from(true),
        Outcome::No => toml_edit::Value::from(false),
        // Whole numbers are written as integers: `12`, not `12.0`.
        Outcome::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
            toml_edit::Value::from(x as i64)
        }
        Outcome::Number(x) => toml_edit::Value::from(x),
    };
    let on = toml_edit::Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: entry.on.year() as u16,
            month: entry.on.month(),
            day: entry.on.day(),
        }),
        time: None,
        offset: None,
    });
    // What follows the last table (blank lines, a closing comment) stays before a new entry,
    // which then ends the file as it would have been written by hand.
    let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
    let mut appended = false;
    let root = doc.as_table_mut();
    if !root.contains_key("resolved") {
        root.insert("resolved", TItem::ArrayOfTables(Default::default()));
    }
    let is_entry =
        |t: &dyn toml_edit::TableLike| t.get("forecast").and_then(|v| v.as_str()) == Some(entry.id);
    match root.get_mut("resolved") {
        Some(TItem::ArrayOfTables(aot)) => {
            if let Some(t) = aot.iter_mut().find(|t| is_entry(*t)) {
                set_kept(t, "outcome", outcome);
                set_kept(t, "on", on);
                match entry.source {
                    Some(s) => set_kept(t, "source", s.into()),
                    None => {
                        t.remove("source");
                    }
                }
            } else {
                let mut t = Table::new();
                t.insert("forecast", value(entry.id));
                t.insert("outcome", TItem::Value(outcome));
                t.insert("on", TItem::Value(on));
                if let Some(s) = entry.source {
                    t.insert("source", value(s));
                }
                if trailing.trim().is_empty() {
                    if !text.trim().is_empty() {
                        t.decor_mut().set_prefix("\n");
                    }
                } else {
                    t.decor_mut().set_prefix(format!("{trailing}\n"));
                }
                aot.push(t);
                appended = true;
            }
        }
        Some(TItem::Value(toml_edit::Value::Array(arr))) => {
            // `resolved = [{ … }, …]`: the same entries as inline tables.
            let found = arr.iter_mut().find_map(|v| match v {
                toml_edit::Value::InlineTable(t) if is_entry(t) => Some(t),
                _ => None,
            });
            if let Some(t) = found {
                t.insert("outcome", outcome);
                t.insert("on", on);
                match entry.source {
                    Some(s) => {
                        t.insert("source", s.into());
                    }
                    None => {
                        t.remove("source");
                    }
                }
            } else {
                let mut t = toml_edit::InlineTable::new();
                t.insert("forecast", entry.id.into());
                t.insert("outcome", outcome);
                t.insert("on", on);
                if let Some(s) = entry.source {
                    t.insert("source", s.into());
                }
                arr.push(t);
            }
        }
        _ => return Err("`resolved` is neither an array of tables nor an array".into()),
    }
    if appended {
        doc.set_trailing("");
    }
    Ok(doc.to_string())
}

/// Sets a key of a table, keeping the comments around the value it replaces.
fn set_kept(t: &mut toml_edit::Table, key: &str, mut v: toml_edit::Value) {
    if let Some(old) = t.get(key).and_then(toml_edit::Item::as_value) {
        let decor = old.decor().clone();
        *v.decor_mut() = decor;
    }
    t.insert(key, toml_edit::Item::Value(v));
}

#[cfg(test)]
mod tests {
    use super::*;
    use scn_eval::Resolutions;

    fn entry<'a>(id: &'a str, outcome: Outcome, source: Option<&'a str>) -> Entry<'a> {
        Entry {
            id,
            outcome,
            on: Date::from_ymd(2026, 2, 1).unwrap(),
            source,
        }
    }

    #[test]
    fn appending_keeps_comments_and_layout() {
        let old = "# Resolutions of the talks library.\n\n[[resolved]]\nforecast = \"talks.a\"   # first\noutcome = true\non = 2026-01-05\n";
        let new = edit(
            old,
            &entry("talks.b", Outcome::Number(12.0), Some("budget")),
        )
        .unwrap();
        assert_eq!(
            new,
            format!(
                "{old}\n[[resolved]]\nforecast = \"talks.b\"\noutcome = 12\non = 2026-02-01\nsource = \"budget\"\n"
            )
        );
        let closing = edit(
            "[[resolved]]\nforecast = \"t.a\"\noutcome = true\non = 2026-01-05\n\n# the end\n",
            &entry("t.b", Outcome::Yes, None),
        )
        .unwrap();
        assert_eq!(
            closing,
            "[[resolved]]\nforecast = \"t.a\"\noutcome = true\non = 2026-01-05\n\n# the end\n\n[[resolved]]\nforecast = \"t.b\"\noutcome = true\non = 2026-02-01\n"
        );
        let first = edit("", &entry("talks.a", Outcome::No, None)).unwrap();
        assert_eq!(
            first,
            "[[resolved]]\nforecast = \"talks.a\"\noutcome = false\non = 2026-02-01\n"
        );
    }

    #[test]
    fn replacing_keeps_the_comments_of_the_entry() {
        let old = "[[resolved]]\nforecast = \"talks.a\"\noutcome = true   # was wrong\non = 2026-01-05\nsource = \"x\"\n\n[[resolved]]\nforecast = \"talks.b\"\noutcome = 1\non = 2026-01-06\n";
        let new = edit(old, &entry("talks.a", Outcome::No, None)).unwrap();
        assert_eq!(
            new,
            "[[resolved]]\nforecast = \"talks.a\"\noutcome = false   # was wrong\non = 2026-02-01\n\n[[resolved]]\nforecast = \"talks.b\"\noutcome = 1\non = 2026-01-06\n"
        );
    }

    #[test]
    fn inline_arrays_are_edited_in_place() {
        let old = "resolved = [{ forecast = \"t.a\", outcome = true, on = 2026-01-05 }]\n";
        let new = edit(old, &entry("t.b", Outcome::Yes, None)).unwrap();
        let parsed = Resolutions::parse(&new, scn_dsl::FileId(0)).unwrap();
        assert_eq!(parsed.entries.len(), 2);
        assert!(new.starts_with("resolved = [{ forecast = \"t.a\""), "{new}");
    }

    #[test]
    fn sources_with_quotes_and_control_characters_round_trip() {
        let tricky = "He said \"no\"\n\tand \u{1b}[31m left";
        let new = edit("", &entry("t.a", Outcome::Yes, Some(tricky))).unwrap();
        let parsed = Resolutions::parse(&new, scn_dsl::FileId(0)).unwrap();
        assert_eq!(parsed.entries[0].source.as_deref(), Some(tricky));
    }

    #[test]
    fn outcomes_are_words_or_finite_numbers() {
        assert_eq!(parse_outcome("YES"), Ok(Outcome::Yes));
        assert_eq!(parse_outcome("false"), Ok(Outcome::No));
        assert_eq!(parse_outcome("-2.5e3"), Ok(Outcome::Number(-2500.0)));
        for bad in ["maybe", "inf", "NaN", "1e999", "", "12k", "50%"] {
            assert!(parse_outcome(bad).is_err(), "{bad}");
        }
    }
}
