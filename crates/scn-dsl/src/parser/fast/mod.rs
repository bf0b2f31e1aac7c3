//! The fast path: a hand-written recursive-descent parser for `grammar/scn.pest`.
//!
//! pest stays the definition of the language. This parser follows the grammar rule by rule
//! (each method names the rule it mirrors) and either builds exactly the tree the pest path
//! builds, spans included, or declines (`None` from every method, [`Declined`] from
//! [`parse`]), after which [`super::parse`] runs pest.
//! It declines at the first thing that is not plainly valid: a syntax error, a token it does
//! not expect, an item past the operator limit. Declining is always safe; accepting is safe
//! only because every choice below is made the way PEG makes it, by the same tokens.
//! `tests/tests/parser_differential.rs` checks the two paths against each other.
//!
//! Where pest's position goes matters as much as what it matches, because a pair's span is
//! cut from it: between two elements of a rule pest skips white space and comments, and a
//! trailing `x?` or `x*` that does not match leaves that skip inside the rule. Every method
//! here leaves `pos` where pest's rule ends, and spans are then trimmed exactly as the pest
//! builder trims them ([`super::trim_span`]).
//!
//! No token queue: the tree is built as the text is read, in one pass.

mod ahead;
mod expr;
mod items;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::ast::{BodyItem, File, Ident, Written};
use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::span::Span;

use super::Sink;
use super::literal;
use expr::Tok;

/// Where the fast path was when it declined: every item before it was read, so pest needs to
/// look no earlier for a syntax error (see `super::syntax_error_at`).
#[derive(Debug, Default, PartialEq)]
pub(super) struct Declined {
    /// The start of the file item it was in.
    pub file_item: usize,
    /// Inside a scenario's braces: where pest starts again to report an error in the item it
    /// was reading (the item before, or this one if the item before ended with a `}`; `None`
    /// for the first), and the start of that item.
    pub scenario_item: Option<(Option<usize>, usize)>,
    /// The same inside a block's braces, the innermost.
    pub block_item: Option<(Option<usize>, usize)>,
}

/// Parses a whole file, or declines. `Ok(Err(_))` carries the literal errors (bad dates,
/// escapes, numbers out of range) of a file that is syntactically sound, exactly as the pest
/// path reports them.
///
/// A file of [`ahead::SPLIT_MIN`] bytes or more is read on as many threads as the machine
/// has cores, [`set_max_threads`] allows and the file has mebibytes (see [`ahead`]); the
/// result is the same.
pub(super) fn parse(text: &str, file: FileId) -> Result<Result<File, Vec<Diagnostic>>, Declined> {
    let mut threads = 1;
    if text.len() >= ahead::SPLIT_MIN {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        threads = cores
            .min(MAX_THREADS.load(Ordering::Relaxed))
            .min(text.len() / ahead::SPLIT_MIN);
    }
    let splits: Vec<usize> = (1..threads).map(|i| i * text.len() / threads).collect();
    parse_split(text, file, &splits).0
}

/// Threads the parser may use: see [`set_max_threads`].
static MAX_THREADS: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Bounds the threads the parser uses (for the whole process): with 1, every file is read on
/// the calling thread alone. By default a big file is read on as many threads as there are
/// cores. The syntax tree is the same either way.
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n, Ordering::Relaxed);
}

/// What [`Fast::finish`] gives: the outcome, and where the runs taken from helpers started.
type Finished = (Result<Result<File, Vec<Diagnostic>>, Declined>, Vec<usize>);

/// [`parse`], with a helper thread for each of `splits` (ascending), starting at the first
/// line after its split that begins with `branch`; and where the runs the main thread took
/// (from the first helper, and through it from the others) started.
pub(super) fn parse_split(text: &str, file: FileId, splits: &[usize]) -> Finished {
    let mut starts: Vec<usize> = splits
        .iter()
        .filter_map(|&at| ahead::next_branch_line(text.as_bytes(), at))
        .collect();
    starts.dedup();
    std::thread::scope(|scope| {
        // From the last helper back to the main thread, each reader takes runs from the one
        // after it. A helper that cannot be started drops its end of the channel, and the
        // reader before it reads that text itself.
        let mut after: Option<ahead::Ahead> = None;
        for &from in starts.iter().rev() {
            let (runs_out, runs_in) = std::sync::mpsc::channel();
            let stop = Arc::new(AtomicBool::new(false));
            let mut helper = Fast::new(text, file);
            helper.stop = Some(Arc::clone(&stop));
            helper.take_from(after.take());
            // Not started: the closure, and with it the channel's sending end, is dropped.
            let _ = std::thread::Builder::new()
                .stack_size(crate::limits::stack_size())
                .spawn_scoped(scope, move || helper.read_ahead(from, &runs_out));
            after = Some(ahead::Ahead::new(runs_in, from, stop));
        }
        let mut p = Fast::new(text, file);
        p.take_from(after);
        // Finishing drops the main thread's end, which stops the first helper (and it, the
        // next), before the scope waits for them.
        p.finish()
    })
}

impl<'s> Fast<'s> {
    fn new(text: &'s str, file: FileId) -> Fast<'s> {
        Fast {
            src: text,
            b: text.as_bytes(),
            pos: 0,
            last: 0,
            sink: Sink::new(file),
            body: Vec::new(),
            idents: Vec::new(),
            toks: Vec::new(),
            nots: Vec::new(),
            depth: 0,
            deepest: 0,
            written: Written::default(),
            at: Declined::default(),
            ahead: None,
            ahead_at: usize::MAX,
            runs_taken: Vec::new(),
            stop: None,
        }
    }

    /// Reads the whole file; also says where the runs it took started.
    fn finish(mut self) -> Finished {
        let result = match self.file() {
            None => Err(std::mem::take(&mut self.at)),
            Some(ast) if self.sink.diags.is_empty() => Ok(Ok(ast)),
            Some(_) => Ok(Err(std::mem::take(&mut self.sink.diags))),
        };
        (result, std::mem::take(&mut self.runs_taken))
    }
}

pub(super) struct Fast<'s> {
    src: &'s str,
    b: &'s [u8],
    /// Where pest's position would be.
    pos: usize,
    /// The end of the last token read: trailing trivia lies between it and `pos`.
    last: usize,
    sink: Sink,
    /// Scratch stacks, so that each finished list is allocated once at its exact size.
    body: Vec<BodyItem>,
    idents: Vec<Ident>,
    toks: Vec<Tok>,
    nots: Vec<u32>,
    /// Open brackets around `pos`.
    depth: usize,
    /// The most brackets open at once since it was last reset (for [`ahead`]).
    deepest: usize,
    /// The item being read.
    at: Declined,
    /// Every body item read so far, counted for [`crate::ast::Scenario::written`].
    written: Written,
    /// The next helper's runs, when a file is read on several threads.
    ahead: Option<ahead::Ahead>,
    /// Where the next run read ahead starts, at the earliest; `usize::MAX` when none does.
    ahead_at: usize,
    /// The start of each run taken from a helper, and through it from the helpers after it.
    runs_taken: Vec<usize>,
    /// On a helper: set when the reader before it no longer needs it.
    stop: Option<Arc<AtomicBool>>,
}

/// The words of the grammar's `keyword` rule: never names.
fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"scenario"
            | b"import"
            | b"template"
            | b"use"
            | b"plugin"
            | b"let"
            | b"metric"
            | b"branch"
            | b"option"
            | b"rest"
            | b"at"
            | b"after"
            | b"by"
            | b"as_of"
            | b"horizon"
            | b"author"
            | b"description"
            | b"source"
            | b"cite"
            | b"note"
            | b"tag"
            | b"objective"
            | b"maximize"
            | b"minimize"
            | b"observe"
            | b"forecast"
            | b"expect"
            | b"in"
            | b"to"
            | b"not"
            | b"and"
            | b"or"
            | b"P"
            | b"E"
            | b"unit"
    )
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'s> Fast<'s> {
    // ---- trivia and spans ----

    /// pest's implicit `(WHITESPACE | COMMENT)*`.
    fn skip(&mut self) {
        let b = self.b;
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                // U+FEFF, which the grammar counts as white space.
                0xEF if b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF) => i += 3,
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    i += b[i..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .unwrap_or(b.len() - i);
                }
                _ => break,
            }
        }
        self.pos = i;
    }

    /// The span of a rule that started at `start` and ends at `pos`, trimmed like
    /// `span_of`: the trimmed end is the last token's end unless the trailing trivia holds a
    /// U+FEFF, which the trimming does not count as white space.
    fn span_from(&self, start: usize) -> Span {
        if self.pos == self.last || !self.b[self.last..self.pos].contains(&0xEF) {
            Span::new(start, self.last)
        } else {
            super::trim_span(self.src, start, self.pos)
        }
    }

    fn byte(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn word_end(&self, mut i: usize) -> usize {
        while i < self.b.len() && is_ident_char(self.b[i]) {
            i += 1;
        }
        i
    }

    /// The run of identifier characters at `pos`: a keyword rule `"x" ~ !ident_char`
    /// matches exactly when this is `x`.
    fn word(&self) -> &'s [u8] {
        &self.b[self.pos..self.word_end(self.pos)]
    }

    /// Consumes a token ending at `end`.
    fn take(&mut self, end: usize) -> Span {
        let span = Span::new(self.pos, end);
        self.pos = end;
        self.last = end;
        span
    }

    /// Consumes the keyword `w` if it is the word at `pos`.
    fn keyword(&mut self, w: &[u8]) -> Option<Span> {
        (self.word() == w).then(|| self.take(self.pos + w.len()))
    }

    /// Consumes one byte of punctuation.
    fn punct(&mut self, c: u8) -> Option<Span> {
        (self.byte() == Some(c)).then(|| self.take(self.pos + 1))
    }

    // ---- tokens ----

    /// `ident`: a word starting with a letter or `_` that is not a keyword.
    fn ident_end(&self, i: usize) -> Option<usize> {
        let c = *self.b.get(i)?;
        if !(c.is_ascii_alphabetic() || c == b'_') {
            return None;
        }
        let end = self.word_end(i + 1);
        (!is_keyword(&self.b[i..end])).then_some(end)
    }

    fn ident(&mut self) -> Option<Ident> {
        let end = self.ident_end(self.pos)?;
        let span = self.take(end);
        Some(literal::ident(&self.src[span.range()], span))
    }

    /// `tag`: `#` and a name, no space between.
    fn tag(&mut self) -> Option<Ident> {
        if self.byte() != Some(b'#') {
            return None;
        }
        let end = self.ident_end(self.pos + 1)?;
        let span = self.take(end);
        Some(literal::ident(
            &self.src[span.start as usize + 1..end],
            span,
        ))
    }

    fn digits_end(&self, mut i: usize) -> usize {
        let b = self.b;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                i += 1;
            } else if b[i] == b'_' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i += 2;
            } else {
                break;
            }
        }
        i
    }

    /// `number`: digits, fraction, exponent, scale, `%`, and no identifier character after.
    fn number_end(&self, i: usize) -> Option<usize> {
        let b = self.b;
        if !b.get(i)?.is_ascii_digit() {
            return None;
        }
        let mut i = self.digits_end(i + 1);
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i = self.digits_end(i + 2);
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if b.get(j).is_some_and(u8::is_ascii_digit) {
                while b.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                i = j;
            }
        }
        if matches!(b.get(i), Some(b'k' | b'M' | b'B')) {
            i += 1;
        }
        if b.get(i) == Some(&b'%') {
            i += 1;
        }
        (!b.get(i).is_some_and(|&c| is_ident_char(c))).then_some(i)
    }

    /// `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and no identifier character after.
    fn date_end(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let digits = |from: usize, n: usize| {
            b.get(from..from + n)
                .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        };
        if !digits(i, 4) {
            return None;
        }
        let mut end = i + 4;
        if b.get(end) == Some(&b'-') && digits(end + 1, 2) {
            end += 3;
            if b.get(end) == Some(&b'-') && digits(end + 1, 2) {
                end += 3;
            }
        }
        (!b.get(end).is_some_and(|&c| is_ident_char(c))).then_some(end)
    }

    /// `duration`: one or more `digits unit`, and no identifier character after.
    fn duration_end(&self, mut i: usize) -> Option<usize> {
        let b = self.b;
        let mut parts = 0;
        loop {
            let mut j = i;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j == i {
                break;
            }
            let unit = match b.get(j..).unwrap_or_default() {
                [b'm', b'o', ..] => 2,
                [b'y' | b'w' | b'd', ..] => 1,
                _ => break,
            };
            i = j + unit;
            parts += 1;
        }
        (parts > 0 && !b.get(i).is_some_and(|&c| is_ident_char(c))).then_some(i)
    }

    /// `string`: quotes around anything but a quote, a backslash or a line break, or a
    /// backslash and any character but a line break.
    fn string_end(&self, i: usize) -> Option<usize> {
        let b = self.b;
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let mut j = i + 1;
        loop {
            match *b.get(j)? {
                b'"' => return Some(j + 1),
                b'\n' => return None,
                b'\\' => match *b.get(j + 1)? {
                    b'\n' => return None,
                    _ => j += 2,
                },
                _ => j += 1,
            }
        }
    }

    fn string(&mut self) -> Option<crate::ast::Str> {
        let end = self.string_end(self.pos)?;
        let span = self.take(end);
        Some(literal::string(
            &mut self.sink,
            &self.src[span.range()],
            span,
        ))
    }

    fn date(&mut self) -> Option<crate::ast::DateLit> {
        let end = self.date_end(self.pos)?;
        let span = self.take(end);
        Some(literal::date(&mut self.sink, &self.src[span.range()], span))
    }

    fn duration(&mut self) -> Option<crate::ast::DurationLit> {
        let end = self.duration_end(self.pos)?;
        let span = self.take(end);
        Some(literal::duration(
            &mut self.sink,
            &self.src[span.range()],
            span,
        ))
    }

    /// An opening `{` or `(`, one level deeper. Past [`MAX_NESTING`] levels the fast path
    /// declines, and [`crate::limits::check`] reports the depth before pest runs: in a file
    /// the fast path reads to the end, its brackets are exactly those that the check counts.
    ///
    /// [`MAX_NESTING`]: crate::limits::MAX_NESTING
    fn open(&mut self, c: u8) -> Option<Span> {
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
        if self.depth > crate::limits::max_nesting() {
            return None;
        }
        self.punct(c)
    }

    /// A closing `}` or `)`.
    fn close(&mut self, c: u8) -> Option<Span> {
        self.depth -= 1;
        self.punct(c)
    }

    /// One more operator in the current item; `None` past the limit (pest reports it).
    fn count_operator(&mut self) -> Option<()> {
        self.sink.operators += 1;
        (self.sink.operators <= crate::limits::max_operators()).then_some(())
    }

    /// `ident ~ (sep ~ ident)*`, for `cite` lists and dotted paths. The skip before the
    /// first repetition stays consumed when nothing follows; a later repetition's own skip is
    /// undone, as pest does.
    fn ident_list(&mut self, sep: u8) -> Option<Vec<Ident>> {
        let base = self.idents.len();
        let first = self.ident()?;
        self.idents.push(first);
        let mut once = false;
        loop {
            let save = self.pos;
            self.skip();
            if self.byte() != Some(sep) {
                if once {
                    self.pos = save;
                }
                break;
            }
            once = true;
            self.take(self.pos + 1);
            self.skip();
            let id = self.ident()?;
            self.idents.push(id);
        }
        Some(self.idents.drain(base..).collect())
    }
}
