//! What a report quotes from the files it was built from: the lets and the evidence as
//! written, and the line of each `expect`.
//!
//! They are taken as soon as the model is resolved, while the text is at hand. A big file's
//! text is given up then, for the evaluation and the drivers to have its memory, and it is
//! not read again for the report: a report quotes exactly the text that was evaluated, even
//! if the file changes meanwhile.

use scn_dsl::{FileId, SourceMap};
use scn_eval::model::Model;

/// Expressions longer than this are cut, with an ellipsis: the file has them whole.
const WRITTEN_MAX: usize = 160;

/// What a report quotes, in the model's order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Quotes {
    /// Each let as written, on one line and cut to [`WRITTEN_MAX`] characters; empty for a
    /// template parameter, which is not shown as written.
    pub lets: Vec<String>,
    /// Each `observe` and `--given` as written, on one line.
    pub observed: Vec<String>,
    /// The 1-based line of each `expect`.
    pub expect_lines: Vec<usize>,
}

impl Quotes {
    /// Quotes `model`'s lets, evidence and expectations from `sources`, which must hold the
    /// text the model was resolved from.
    pub(crate) fn take(model: &Model, sources: &SourceMap) -> Quotes {
        let lets = (0..model.lets.len())
            .map(|i| {
                if model.lets[i].is_param {
                    return String::new();
                }
                let (file, span) = model.let_source(i);
                clip(&collapse(sources.get(file).slice(span)))
            })
            .collect();
        let observed = model
            .observe
            .iter()
            .map(|&e| {
                let e = &model.events[e as usize];
                collapse(sources.get(e.file).slice(e.span))
            })
            .collect();
        let expect_lines = lines_of(
            sources,
            model.expects.iter().map(|d| (d.file, d.span.start)),
        );
        Quotes {
            lets,
            observed,
            expect_lines,
        }
    }
}

/// The 1-based line of each place, counted in one pass over each file up to its last place
/// asked for. A diagnostic's line index would hold a word for every line of a big file, for
/// the few `expect`s a report places.
fn lines_of(sources: &SourceMap, places: impl Iterator<Item = (FileId, u32)>) -> Vec<usize> {
    let places: Vec<(FileId, u32)> = places.collect();
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by_key(|&i| places[i]);
    let mut lines = vec![0; places.len()];
    // The file being counted, how far, and the line reached there.
    let mut at: Option<(FileId, usize, usize)> = None;
    for i in order {
        let (file, offset) = places[i];
        let text = sources.get(file).text.as_bytes();
        let (from, line) = match at {
            Some((f, from, line)) if f == file => (from, line),
            _ => (0, 1),
        };
        let to = (offset as usize).clamp(from, text.len().max(from));
        let line = line + memchr::memchr_iter(b'\n', &text[from..to]).count();
        at = Some((file, to, line));
        lines[i] = line;
    }
    lines
}

/// Text on one line, runs of whitespace made one space.
pub(crate) fn collapse(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(t: &str) -> String {
    if t.chars().count() <= WRITTEN_MAX {
        t.to_owned()
    } else {
        t.chars().take(WRITTEN_MAX - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_expressions_are_cut_with_an_ellipsis() {
        let short = "a".repeat(WRITTEN_MAX);
        assert_eq!(clip(&short), short);
        let long = "é".repeat(WRITTEN_MAX + 1);
        let cut = clip(&long);
        assert_eq!(cut.chars().count(), WRITTEN_MAX);
        assert!(cut.ends_with("é…"));
    }

    #[test]
    fn lets_evidence_and_expectations_are_quoted_as_written() {
        let text = "scenario s {\n\
                    let a = beta(3,\n      9)\n\
                    let b = a  *  2\n\
                    observe  x\n\
                    branch x p = a { }\n\
                    branch y p = rest { }\n\
                    forecast f = P(x)\n\
                    \n\
                    expect f in 0 .. 1\n\
                    }\n";
        let loaded = scn_eval::load("t.scn", text.to_owned(), std::path::Path::new("."), None);
        let model = scn_eval::resolve(&loaded).expect("a valid scenario");
        let quotes = Quotes::take(&model, &loaded.sources);
        assert_eq!(quotes.lets, ["beta(3, 9)", "a * 2"]);
        assert_eq!(quotes.observed, ["x"]);
        assert_eq!(quotes.expect_lines, [10]);
    }

    #[test]
    fn lines_are_counted_per_file_whatever_the_order_asked() {
        let mut sources = SourceMap::new();
        let a = sources.add(scn_dsl::SourceFile::new("a", "x\ny\n\nz"));
        let b = sources.add(scn_dsl::SourceFile::new("b", "\n\nq"));
        // Offsets: a's "z" on line 4, a's "y" on line 2, b's "q" on line 3, a's start.
        let places = [(a, 5), (a, 2), (b, 2), (a, 0), (a, 5)];
        assert_eq!(lines_of(&sources, places.into_iter()), [4, 2, 3, 1, 4]);
        for (file, offset) in places {
            assert_eq!(
                lines_of(&sources, [(file, offset)].into_iter()),
                [sources.get(file).line_col(offset).0]
            );
        }
    }

    #[test]
    fn whitespace_runs_become_one_space() {
        assert_eq!(collapse("  beta(3,\n\t 9)  * 2 "), "beta(3, 9) * 2");
    }
}
