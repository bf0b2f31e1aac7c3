//! From text to the typed AST.
//!
//! Two paths give the same result. The fast path (`fast/`) reads valid files in one pass.
//! Otherwise pest recognises the text ([`crate::grammar`]) and one `parse_<rule>` method per
//! rule builds the AST. Both check what the grammar cannot (dates that exist, escapes, numbers
//! in range) through the same functions (`literal`), collecting every such error rather than
//! stopping at the first. See `docs/parsing.md`.

mod braces;
mod expr;
mod fast;

pub use fast::set_max_threads;
mod hints;
mod items;
mod literal;
mod nodes;
mod syntax_error;

use pest::Parser as _;
use pest::iterators::Pair;

use smol_str::SmolStr;

use crate::ast::{Event, File, Item, Scenario, Written};
use crate::code::Code;
use crate::diag::Diagnostic;
use crate::grammar::{Rule, ScnParser};
use crate::limits;
use crate::source::FileId;
use crate::span::Span;

/// Parses a whole file. On failure returns every error found: one syntax error (parsing stops
/// there), or all the literal errors of a file that is syntactically sound.
///
/// The hand-written fast path reads the file first; whatever it declines (a syntax error, the
/// operator limit) is parsed again by pest, whose messages are the ones reported. The result
/// is the same either way.
///
/// Deep nesting recurses: call this from a thread with a large stack (see
/// [`crate::LARGE_STACK`]) when the input may be nested thousands of levels deep.
pub fn parse(text: &str, file: FileId) -> Result<File, Vec<Diagnostic>> {
    limits::check_size(text, file).map_err(|d| vec![d])?;
    let declined = match fast::parse(text, file) {
        Ok(result) => return result,
        Err(declined) => declined,
    };
    // The fast path keeps the nesting limit itself (it declines past it), so the separate
    // scan of the limits runs only before pest.
    limits::check(text, file).map_err(|d| vec![d])?;
    if let Some(d) = syntax_error_at(text, file, &declined) {
        return Err(vec![d]);
    }
    pest_path(text, file)
}

/// The syntax error of the item where the fast path declined, if pest fails there too.
///
/// Every item before it was read by the fast path, so pest accepts it: the first item pest
/// fails on is this one or a later one, and if it is this one, the error is the one
/// [`pest_path`] finds, from the same retry. Then pest reads at most two items, not the file
/// up to the error. When pest reads the item (the fast path declined for the operator limit),
/// `None`: [`pest_path`] parses the file.
fn syntax_error_at(text: &str, file: FileId, at: &fast::Declined) -> Option<Diagnostic> {
    // Inside a block, the same from the item before in the innermost block: pest then reads
    // one or two items, where the scenario item around them may be most of a big file.
    if let Some((previous, pos)) = at.block_item
        && ScnParser::parse(Rule::body_item, &text[pos..]).is_err()
    {
        return Some(syntax_error_from(
            Rule::block_rest,
            text,
            previous.unwrap_or(pos),
            file,
        ));
    }
    let start = at.file_item;
    match at.scenario_item {
        Some((previous, pos)) => {
            ScnParser::parse(Rule::scenario_item, &text[pos..]).err()?;
            Some(match previous {
                Some(p) => syntax_error_from(Rule::scenario_rest, text, p, file),
                None => syntax_error_from(rest_of_file(start), text, start, file),
            })
        }
        None => {
            ScnParser::parse(Rule::item, &text[start..]).err()?;
            Some(syntax_error_from(rest_of_file(start), text, start, file))
        }
    }
}

/// [`parse`] by the fast path alone: `None` where it declines. For differential tests and
/// benchmarks; [`parse`] is the function to call.
pub fn parse_fast(text: &str, file: FileId) -> Option<Result<File, Vec<Diagnostic>>> {
    limits::check_size(text, file).ok()?;
    fast::parse(text, file).ok()
}

/// What [`parse_fast_split`] gives: [`parse_fast`]'s answer, or where it declined, and where
/// the runs taken from helpers started.
pub type SplitOutcome = (Result<Result<File, Vec<Diagnostic>>, String>, Vec<usize>);

/// [`parse_fast`] with a helper thread for each of `splits` whatever the file's size, each
/// starting at the first line after its split that begins with `branch` (one thread with
/// none), as [`parse`] reads a big file; with where it declined instead of `None`, and where
/// the runs of items the main thread took from the helpers started. For differential tests.
#[doc(hidden)]
pub fn parse_fast_split(text: &str, file: FileId, splits: &[usize]) -> SplitOutcome {
    if let Err(d) = limits::check_size(text, file) {
        return (Ok(Err(vec![d])), Vec::new());
    }
    let (result, taken) = fast::parse_split(text, file, splits);
    (result.map_err(|at| format!("declined at {at:?}")), taken)
}

/// [`parse`] by pest alone. For differential tests and benchmarks; [`parse`] is the
/// function to call.
pub fn parse_pest(text: &str, file: FileId) -> Result<File, Vec<Diagnostic>> {
    limits::check(text, file).map_err(|d| vec![d])?;
    pest_path(text, file)
}

/// pest, one file item at a time and, inside a scenario, one scenario item at a time: each
/// item's pairs are dropped as soon as its tree is built, so the token queue never holds more
/// than one item.
///
/// A syntax error is reported as a parse of the whole file would report it. pest reports the
/// furthest position it tried and what it tried there; no rule looks behind, and a file item
/// ends with a token after which nothing is tried, so parsing `file_rest` again from the
/// failing item's start finds the same error. Inside a scenario the item before the failing
/// one may have tried things at the failing item's start (`p = 1` tries for more operators),
/// so the error parse starts one item earlier, at `scenario_rest`. Both rules are silent:
/// pest would name a non-silent rule that starts where the error is (as `file` does at 0).
fn pest_path(text: &str, file: FileId) -> Result<File, Vec<Diagnostic>> {
    let mut b = Builder::new(file);
    let mut items = Vec::new();
    let mut pos = skip_trivia(text, 0);
    while pos < text.len() {
        let item = if text[pos..].starts_with("scenario") {
            Item::Scenario(b.pest_scenario(text, pos)?)
        } else {
            let pair = pest_at(Rule::item, text, pos, pos, rest_of_file(pos), file)?;
            b.base = pos;
            match pair.as_rule() {
                Rule::import => Item::Import(b.parse_import(pair)),
                Rule::plugin => Item::Plugin(b.parse_plugin(pair)),
                Rule::template => Item::Template(b.parse_template(pair)),
                // Scenarios start with `scenario`, and go item by item above.
                r => unreachable!("unexpected rule {r:?}"),
            }
        };
        pos = skip_trivia(text, item.span().end as usize);
        items.push(item);
    }
    b.finish(File { items })
}

/// The first pair of `rule` parsed from `pos`; on failure, the syntax error that a parse of
/// `retry_rule` from `retry` reports (see [`pest_path`]).
fn pest_at(
    rule: Rule,
    text: &str,
    pos: usize,
    retry: usize,
    retry_rule: Rule,
    file: FileId,
) -> Result<Pair<'_, Rule>, Vec<Diagnostic>> {
    match ScnParser::parse(rule, &text[pos..]) {
        Ok(mut pairs) => Ok(pairs.next().expect("a rule that matched yields a pair")),
        Err(_) => Err(vec![syntax_error_from(retry_rule, text, retry, file)]),
    }
}

/// The rule that parses the rest of the file from an item at `pos`.
fn rest_of_file(pos: usize) -> Rule {
    if pos == 0 {
        Rule::file
    } else {
        Rule::file_rest
    }
}

/// The syntax error of parsing `rule` from `pos`, which must fail.
fn syntax_error_from(rule: Rule, text: &str, pos: usize, file: FileId) -> Diagnostic {
    match ScnParser::parse(rule, &text[pos..]) {
        Err(e) => syntax_error::to_diagnostic(&e, text, pos, file),
        Ok(_) => unreachable!("a parse that failed item by item fails from the same item"),
    }
}

/// pest's implicit `(WHITESPACE | COMMENT)*` from `pos`.
fn skip_trivia(text: &str, pos: usize) -> usize {
    let b = text.as_bytes();
    let mut i = pos;
    while i < b.len() {
        if matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        } else if b[i..].starts_with("\u{FEFF}".as_bytes()) {
            i += 3;
        } else if b[i..].starts_with(b"//") {
            i += b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(b.len() - i);
        } else {
            break;
        }
    }
    i
}

/// Parses an event on its own (the text of `scn eval --given`).
pub fn parse_event(text: &str, file: FileId) -> Result<Event, Vec<Diagnostic>> {
    limits::check(text, file).map_err(|d| vec![d])?;
    let mut pairs = ScnParser::parse(Rule::given_event, text)
        .map_err(|e| vec![syntax_error::to_diagnostic(&e, text, 0, file)])?;
    let mut builder = Builder::new(file);
    let pair = pairs
        .next()
        .expect("the given_event rule always yields one pair");
    let event_pair = pair.into_inner().next().expect("an event");
    let event = builder.parse_event(event_pair);
    builder.finish(event)
}

/// The value of one number literal written as the language writes numbers (`1_000`, `2.5k`,
/// `1M`, `1e6`, `18%`), for command-line flags that take numbers. `None` when `text` is not
/// exactly one number literal, or its value is beyond the range of f64.
pub fn parse_number(text: &str) -> Option<f64> {
    let pairs = ScnParser::parse(Rule::number, text).ok()?;
    let pair = pairs.peek()?;
    if pair.as_str().len() != text.len() {
        return None;
    }
    literal::number_value(text)
}

/// Where literal errors go, and the operator count of the current item; shared by the pest
/// builder and the fast path.
pub(crate) struct Sink {
    file: FileId,
    diags: Vec<Diagnostic>,
    /// Operators met so far in the current item: it bounds how deep an expression or event
    /// tree can get, since building, walking and dropping one recurses per operator.
    operators: usize,
    /// The strings met so far that are too long to be stored inline, one copy of each: a big
    /// tree repeats its labels.
    long_strings: std::collections::HashSet<SmolStr>,
}

impl Sink {
    fn new(file: FileId) -> Self {
        Sink {
            file,
            diags: Vec::new(),
            operators: 0,
            long_strings: std::collections::HashSet::new(),
        }
    }

    /// `text` as a string of the syntax tree: short ones are stored inline, long ones shared
    /// with every equal string of the file (a copy of a `SmolStr` shares its text).
    fn text(&mut self, text: &str) -> SmolStr {
        // `SmolStr` stores up to 23 bytes inline.
        if text.len() <= 23 {
            return SmolStr::new(text);
        }
        if let Some(shared) = self.long_strings.get(text) {
            return shared.clone();
        }
        let shared = SmolStr::new(text);
        self.long_strings.insert(shared.clone());
        shared
    }

    fn error(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(self.file, span, message).with_code(code));
    }
}

/// Builds the AST from pest pairs, collecting literal errors as it goes.
pub(crate) struct Builder {
    sink: Sink,
    /// Where in the file the text that pest parsed starts: pairs count from there.
    base: usize,
}

impl Builder {
    fn new(file: FileId) -> Self {
        Builder {
            sink: Sink::new(file),
            base: 0,
        }
    }

    fn finish<T>(self, ast: T) -> Result<T, Vec<Diagnostic>> {
        if self.sink.diags.is_empty() {
            Ok(ast)
        } else {
            Err(self.sink.diags)
        }
    }

    /// A scenario from `pos`: its header token by token, then each item on its own.
    fn pest_scenario(&mut self, text: &str, start: usize) -> Result<Scenario, Vec<Diagnostic>> {
        let file = self.sink.file;
        // A header that fails is reported from the scenario's start.
        let header = |rule, pos| pest_at(rule, text, pos, start, rest_of_file(start), file);
        let kw = header(Rule::kw_scenario, start)?;
        let mut pos = skip_trivia(text, start + kw.as_str().len());
        let id_pair = header(Rule::ident, pos)?;
        self.base = pos;
        let id = self.parse_ident(id_pair);
        pos = skip_trivia(text, id.span.end as usize);
        let mut title = None;
        if let Ok(mut pairs) = ScnParser::parse(Rule::string, &text[pos..]) {
            self.base = pos;
            let t = self.parse_string(pairs.next().expect("a string"));
            pos = skip_trivia(text, t.span.end as usize);
            title = Some(t);
        }
        header(Rule::lbrace, pos)?;
        pos = skip_trivia(text, pos + 1);
        let mut previous = None;
        let mut items = Vec::new();
        while text.as_bytes().get(pos) != Some(&b'}') {
            let pair = match previous {
                None => header(Rule::scenario_item, pos)?,
                Some(p) => pest_at(Rule::scenario_item, text, pos, p, Rule::scenario_rest, file)?,
            };
            let end = pos + pair.as_span().end();
            self.base = pos;
            items.push(self.parse_scenario_item(pair));
            previous = Some(pos);
            pos = skip_trivia(text, end);
        }
        Ok(Scenario {
            id,
            title,
            written: Written::count(&items),
            items,
            span: Span::new(start, pos + 1),
        })
    }

    /// The span of a pair, trimmed of trailing trivia, in file offsets.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = span_of(pair);
        Span::new(self.base + s.start as usize, self.base + s.end as usize)
    }

    /// Counts operators of the current item; `false` (after an error) past the limit.
    fn count_operators(&mut self, n: usize, span: Span) -> bool {
        let sink = &mut self.sink;
        sink.operators += n;
        let max = limits::max_operators();
        if sink.operators > max {
            if sink.operators - n <= max {
                sink.error(
                    Code::TooLarge,
                    span,
                    format!("this item has more than {max} operators"),
                );
            }
            return false;
        }
        true
    }
}

/// The span of a pair, without trailing white space and comments.
///
/// pest's implicit white space between `x` and a following `y*` or `y?` is consumed even
/// when `y` does not match, so a rule such as `expr` can end after the blank lines and
/// comments that follow it. Spans must end at the last token: diagnostics underline it and
/// the formatter decides by it whether a comment trails the code on its line.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    trim_span(s.get_input(), s.start(), s.end())
}

/// `start..end` without trailing white space and comments (see [`span_of`]).
pub(crate) fn trim_span(src: &str, start: usize, end: usize) -> Span {
    let src = src.as_bytes();
    let mut end = end;
    // Only a span ending in white space can have trailing trivia (a comment is always
    // followed by its newline, except at the very end of the file).
    while end > start && src[end - 1].is_ascii_whitespace() {
        while end > start && src[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        let line_start = src[start..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(start, |i| start + i + 1);
        match comment_start(&src[line_start..end]) {
            Some(c) => end = line_start + c,
            None => break,
        }
    }
    Span::new(start, end)
}

/// Where a `//` comment starts in one line of code, skipping string literals.
fn comment_start(line: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut in_string = false;
    while i < line.len() {
        match line[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && line.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &[&str] = &[
        include_str!("../../../../tests/fixtures/valid/spec-example.scn"),
        include_str!("../../../../tests/fixtures/valid/all-items.scn"),
        include_str!("../../../../tests/fixtures/valid/decision.scn"),
        include_str!("../../../../tests/fixtures/valid/expressions.scn"),
        include_str!("../../../../tests/fixtures/valid/library.scn"),
        include_str!("../../../../tests/fixtures/valid/forecast-extensions.scn"),
    ];

    #[test]
    fn both_parsers_count_what_a_scenario_writes_without_templates() {
        let text = "template t() {\n  branch x p = 50% { m += 1 }\n  branch y p = rest\n}\n\
            scenario s {\n  metric m = 0\n  branch a p = 50% {\n    m += 1\n    note \"n\"\n    \
            branch a1 p = 30% { m *= 2\n m -= 1 }\n    branch a2 p = rest { use t() }\n  }\n  \
            branch b p = rest {\n    option go { m = 5 }\n    option stay\n  }\n}\n";
        let expected = Written {
            nodes: 6,
            effects: 4,
        };
        for file in [
            parse_fast(text, FileId(0)).expect("the fast path reads it"),
            parse_pest(text, FileId(0)),
        ] {
            let file = file.expect("a valid file");
            let scenario = file
                .items
                .iter()
                .find_map(|i| match i {
                    Item::Scenario(s) => Some(s),
                    _ => None,
                })
                .expect("a scenario");
            assert_eq!(scenario.written, expected);
            assert_eq!(Written::count(&scenario.items), expected);
        }
    }

    /// The syntax error of one pest parse of the whole file, as before the item-by-item path.
    fn whole_file_error(text: &str) -> Option<Diagnostic> {
        ScnParser::parse(Rule::file, text)
            .err()
            .map(|e| syntax_error::to_diagnostic(&e, text, 0, FileId(0)))
    }

    /// Every edit of the fixtures that breaks their syntax: the item-by-item pest path reports
    /// exactly the error of a parse of the whole file.
    #[test]
    fn item_by_item_errors_are_whole_file_errors() {
        let mut broken = 0;
        for text in FIXTURES {
            let starts: Vec<usize> = (1..text.len())
                .filter(|&i| {
                    text.is_char_boundary(i)
                        && !text.as_bytes()[i].is_ascii_whitespace()
                        && text.as_bytes()[i - 1].is_ascii_whitespace()
                })
                .collect();
            for &i in &starts {
                for insert in ["", "}", "junk ", "+ ", "{ "] {
                    // Delete the word at `i` (when inserting nothing) or insert before it.
                    let edited = if insert.is_empty() {
                        let end = text[i..]
                            .find(char::is_whitespace)
                            .map_or(text.len(), |n| i + n);
                        format!("{}{}", &text[..i], &text[end..])
                    } else {
                        format!("{}{insert}{}", &text[..i], &text[i..])
                    };
                    let Some(expected) = whole_file_error(&edited) else {
                        continue;
                    };
                    broken += 1;
                    let expected = Err(vec![expected]);
                    assert_eq!(pest_path(&edited, FileId(0)), expected, "on {edited:?}");
                    // `parse` asks pest only about the item where the fast path declined.
                    assert_eq!(parse(&edited, FileId(0)), expected, "on {edited:?}");
                }
            }
        }
        assert!(broken > 1000, "only {broken} edits broke the syntax");
    }

    /// Equal long labels share one text in both parsers; short ones are inline and every
    /// label keeps its own value.
    #[test]
    fn equal_long_strings_share_one_text() {
        let text = r#"scenario s {
  branch a "A label longer than twenty-three bytes" p = 0.5
  branch b "A label longer than twenty-three bytes" p = 0.25
  branch c "A label longer than twenty-three \"bytes\"" p = 0.125
  branch d "Short" p = rest
}
"#;
        let fast = parse_fast(text, FileId(0)).expect("the fast path reads it");
        for file in [fast.unwrap(), parse_pest(text, FileId(0)).unwrap()] {
            let Item::Scenario(s) = &file.items[0] else {
                panic!("a scenario")
            };
            let labels: Vec<&SmolStr> = s
                .items
                .iter()
                .map(|i| match &i.kind {
                    crate::ast::ScenarioItemKind::Node(n) => match &n.kind {
                        crate::ast::BodyItemKind::Branch(b) => &b.label.as_ref().unwrap().value,
                        _ => panic!("a branch"),
                    },
                    _ => panic!("a node"),
                })
                .collect();
            assert_eq!(labels[0], "A label longer than twenty-three bytes");
            assert_eq!(labels[2], r#"A label longer than twenty-three "bytes""#);
            assert_eq!(labels[3], "Short");
            assert_eq!(labels[0].as_ptr(), labels[1].as_ptr());
            assert!(labels[0].is_heap_allocated() && !labels[3].is_heap_allocated());
        }
    }
}
