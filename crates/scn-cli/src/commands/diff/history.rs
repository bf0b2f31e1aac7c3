//! `scn diff --history FILE`: the commits that changed a scenario or a file it imports,
//! oldest first, with its headline forecasts at each.
//!
//! Which files a scenario imports can change from commit to commit, so the set of files to
//! follow grows until it is stable: log the files known so far, read every commit's version
//! (which names its imports), add any new import, log again. A commit is listed when it
//! changed the scenario or a file the scenario imports at that commit. Renames are not
//! followed: the history starts where the file got its current path.

mod html;
mod markdown;

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::{DiffFormat, sample, usage};
use crate::args::DiffArgs;
use crate::git::{Commit, Repo};
use crate::input;
use crate::report::{approx, num, pct};
use crate::{Exit, Io};

/// How many forecasts the history shows when `--forecast` does not choose.
const HEADLINES: usize = 5;

/// The scenario at one commit.
enum State {
    /// The commit has no such file (it deleted it).
    Absent,
    /// It does not resolve or evaluate: the first error.
    Invalid(String),
    /// Each forecast by name, with its headline figure and whether it is a probability.
    Valid(Vec<(String, Option<String>, Option<f64>, bool)>),
}

struct Row {
    commit: Commit,
    state: State,
}

pub(super) fn run(
    args: &DiffArgs,
    file: &Path,
    seed: u64,
    options: input::RunOptions,
    io: &mut Io<'_>,
) -> Exit {
    if file.is_dir() {
        let msg = format!(
            "{} is a folder: --history follows one scenario file",
            crate::commands::shown(file)
        );
        return usage(io, &msg).0;
    }
    let (repo, rel) = match Repo::around(file) {
        Ok(r) => r,
        Err(e) => return usage(io, &e).0,
    };
    // The plugins the library allows today, at every commit.
    let manifest = match input::manifest_for(file) {
        Ok(m) => m,
        Err(e) => return super::super::report_read_error(e, io),
    };
    let policy = match manifest.as_ref().map(|m| input::plugin_policy(m, options)) {
        Some(Err(e)) => return usage(io, &e).0,
        Some(Ok(p)) => Some(p),
        None => None,
    };
    let plugins = || manifest.as_ref().zip(policy).map(|(m, p)| m.plugins(p));
    let samples = args.samples.filter(|&n| n > 0);
    // The file's names, the current one first, as `git log --follow` finds its renames.
    let names = match repo.names(&rel) {
        Ok(n) => n,
        Err(e) => return usage(io, &e).0,
    };
    let mut paths: BTreeSet<PathBuf> = names.iter().cloned().collect();
    let mut seen: HashMap<String, (State, Vec<PathBuf>)> = HashMap::new();
    let commits = loop {
        let list: Vec<PathBuf> = paths.iter().cloned().collect();
        let commits = match repo.log(&list) {
            Ok(c) => c,
            Err(e) => return usage(io, &e).0,
        };
        let mut grew = false;
        for c in &commits {
            if !seen.contains_key(&c.hash) {
                let at = read_at(&repo, &c.hash, &names, plugins(), samples, seed);
                let at = match at {
                    Ok(at) => at,
                    Err(e) => return usage(io, &e).0,
                };
                seen.insert(c.hash.clone(), at);
            }
            for f in &seen[&c.hash].1 {
                grew |= paths.insert(f.clone());
            }
        }
        if !grew {
            break commits;
        }
    };
    if commits.is_empty() {
        let msg = format!(
            "git has no commit of {}: commit it first (`git add` and `git commit`)",
            crate::commands::shown(file)
        );
        return usage(io, &msg).0;
    }
    let mut rows = Vec::new();
    for c in commits {
        let changed = match repo.changed(&c.hash) {
            Ok(c) => c,
            Err(e) => return usage(io, &e).0,
        };
        let Some((state, files)) = seen.remove(&c.hash) else {
            continue;
        };
        if changed
            .iter()
            .any(|p| names.contains(p) || files.contains(p))
        {
            rows.push(Row { commit: c, state });
        }
    }
    // The headline forecasts: the newest valid version's first five, or those asked for.
    let newest = rows.iter().rev().find_map(|r| match &r.state {
        State::Valid(v) => Some(v),
        State::Absent | State::Invalid(_) => None,
    });
    let columns: Vec<(String, Option<String>, bool)> = match newest {
        None => Vec::new(),
        Some(v) if args.forecasts.is_empty() => v
            .iter()
            .take(HEADLINES)
            .map(|(n, l, _, p)| (n.clone(), l.clone(), *p))
            .collect(),
        Some(v) => {
            let mut cols = Vec::new();
            for want in &args.forecasts {
                match v.iter().find(|(n, ..)| n == want) {
                    Some((n, l, _, p)) => cols.push((n.clone(), l.clone(), *p)),
                    None => {
                        return usage(
                            io,
                            &format!("no forecast `{want}` in the newest version (--forecast)"),
                        )
                        .0;
                    }
                }
            }
            cols
        }
    };
    let shown = file.display().to_string();
    let inputs = [file.to_path_buf()];
    let for_people = !matches!(args.format, DiffFormat::Json);
    crate::commands::destination::deliver(io, args.output.as_deref(), &inputs, for_people, |w| {
        match args.format {
            DiffFormat::Text => text(&shown, &rows, &columns, samples, seed, w),
            DiffFormat::Json => json(&shown, &rows, &columns, samples, seed, w),
            DiffFormat::Markdown => markdown::render(&shown, &rows, &columns, samples, seed, w),
            DiffFormat::Html => html::render(&shown, &rows, &columns, samples, seed, w),
        }
    })
}

/// The scenario at `commit`, under the first of its `names` the commit has, and every file
/// it read there (itself and its imports).
fn read_at(
    repo: &Repo,
    commit: &str,
    names: &[PathBuf],
    plugins: Option<scn_eval::Plugins>,
    samples: Option<u64>,
    seed: u64,
) -> Result<(State, Vec<PathBuf>), String> {
    let snapshot = repo.at(commit.to_owned());
    let Some((rel, bytes)) = snapshot.first_of(names)? else {
        return Ok((State::Absent, names.to_vec()));
    };
    let name = format!("{}:{}", &commit[..commit.len().min(7)], rel.display());
    let Ok((name, text)) = input::decode(name, bytes) else {
        return Ok((
            State::Invalid("the file is not valid UTF-8".into()),
            vec![rel.to_path_buf()],
        ));
    };
    let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded =
        scn_eval::load_from(&snapshot, &name, text, &dir, Some(rel), Some(dir.clone()));
    if let Some(p) = plugins {
        loaded.plugins = p;
    }
    let files = snapshot.files_read();
    let first = |d: Vec<scn_dsl::Diagnostic>| {
        let d = &d[0];
        let file = loaded.sources.get(d.file);
        let (line, col) = file.line_col(d.span.start);
        format!("{}:{line}:{col}: {}", file.name, d.message)
    };
    let ev = match scn_eval::resolve(&loaded).and_then(scn_eval::evaluate) {
        Ok(ev) => ev,
        Err(d) if !d.is_empty() => return Ok((State::Invalid(first(d)), files)),
        Err(_) => return Ok((State::Invalid("invalid".into()), files)),
    };
    let sampled = match samples {
        Some(n) => match sample(&ev, n, seed) {
            Ok(s) => Some(s),
            Err(d) if !d.is_empty() => return Ok((State::Invalid(first(d)), files)),
            Err(_) => return Ok((State::Invalid("invalid".into()), files)),
        },
        None => None,
    };
    let values = ev
        .forecasts()
        .map(|f| {
            // What a report for people leads with: the sampled mean when sampled.
            let lead = match &sampled {
                Some(s) => s.forecasts[f.index].summary.as_ref().map(|s| s.mean),
                None => f.value,
            };
            let probability = scn_eval::diff::is_probability(ev.model(), f.index);
            (f.def.name.clone(), f.def.label.clone(), lead, probability)
        })
        .collect();
    Ok((State::Valid(values), files))
}

/// The value of forecast `name` at a row, if valid and defined.
fn value_at(r: &Row, name: &str) -> Option<f64> {
    match &r.state {
        State::Valid(values) => values.iter().find(|(n, ..)| n == name).and_then(|v| v.2),
        State::Absent | State::Invalid(_) => None,
    }
}

/// A value for people: percent for a probability, else three significant digits when
/// sampled (the digits beyond are noise) and six otherwise, as the text shows.
fn shown_value(v: Option<f64>, probability: bool, sampled: bool) -> String {
    match v {
        None => "—".into(),
        Some(v) if probability => pct(v),
        Some(v) if sampled => approx(v),
        Some(v) => num(v),
    }
}

/// What the commit says, with why it has no values.
fn subject(r: &Row) -> String {
    match &r.state {
        State::Valid(_) => r.commit.subject.clone(),
        State::Invalid(e) => format!("{} (invalid: {e})", r.commit.subject),
        State::Absent => format!("{} (file deleted)", r.commit.subject),
    }
}

/// What the figures are.
fn figures(samples: Option<u64>, seed: u64) -> String {
    match samples {
        Some(n) => format!("sampled means, {} samples, seed {seed}", num(n as f64)),
        None => "point values".into(),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(7)]
}

fn text(
    file: &str,
    rows: &[Row],
    columns: &[(String, Option<String>, bool)],
    samples: Option<u64>,
    seed: u64,
    w: &mut dyn Write,
) -> io::Result<()> {
    let figures = match samples {
        Some(n) => format!("sampled means, {} samples, seed {seed}", num(n as f64)),
        None => "point values".into(),
    };
    writeln!(
        w,
        "History of {file}: {} commit{} that changed it or a file it imports, oldest first \
         ({figures})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )?;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    let mut table = vec![{
        let mut h = vec!["commit".to_owned(), "date".into()];
        h.extend(columns.iter().map(|(n, ..)| n.clone()));
        h.push("subject".into());
        h
    }];
    for r in rows {
        let mut line = vec![short(&r.commit.hash).to_owned(), r.commit.date.clone()];
        match &r.state {
            State::Valid(values) => {
                for (name, _, probability) in columns {
                    let v = values.iter().find(|(n, ..)| n == name).and_then(|v| v.2);
                    line.push(match v {
                        None => "—".into(),
                        Some(v) if *probability => pct(v),
                        Some(v) if samples.is_some() => approx(v),
                        Some(v) => num(v),
                    });
                }
                line.push(r.commit.subject.clone());
            }
            State::Absent | State::Invalid(_) => {
                line.extend(columns.iter().map(|_| "—".to_owned()));
                let why = match &r.state {
                    State::Invalid(e) => format!("(invalid: {e})"),
                    State::Absent | State::Valid(_) => "(file deleted)".into(),
                };
                line.push(format!("{} {why}", r.commit.subject));
            }
        }
        table.push(line);
    }
    super::text::table_left(w, &table, 2)
}

fn json(
    file: &str,
    rows: &[Row],
    columns: &[(String, Option<String>, bool)],
    samples: Option<u64>,
    seed: u64,
    w: &mut dyn Write,
) -> io::Result<()> {
    let forecasts: Vec<Value> = columns
        .iter()
        .map(|(n, l, p)| json!({"id": n, "label": l, "probability": p}))
        .collect();
    let commits: Vec<Value> = rows
        .iter()
        .map(|r| {
            let (status, error) = match &r.state {
                State::Valid(_) => ("valid", Value::Null),
                State::Invalid(e) => ("invalid", json!(e)),
                State::Absent => ("absent", Value::Null),
            };
            let mut values = Map::new();
            for (name, ..) in columns {
                let v = match &r.state {
                    State::Valid(vs) => vs.iter().find(|(n, ..)| n == name).and_then(|v| v.2),
                    State::Absent | State::Invalid(_) => None,
                };
                values.insert(
                    name.clone(),
                    v.map_or(Value::Null, |v| json!(if v == 0.0 { 0.0 } else { v })),
                );
            }
            json!({
                "commit": r.commit.hash,
                "date": r.commit.date,
                "subject": r.commit.subject,
                "status": status,
                "error": error,
                "values": values,
            })
        })
        .collect();
    let out = json!({
        "file": file,
        "forecasts": forecasts,
        "samples": samples.map_or(Value::Null, |n| json!({"samples": n, "seed": seed})),
        "commits": commits,
    });
    super::json::write(w, &out)
}
