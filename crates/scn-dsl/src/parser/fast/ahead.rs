//! A big file read on several threads: the main one from the start, each helper from a
//! point further on.
//!
//! With k threads, helper i starts at the first line past i/k of the text that begins with
//! the keyword `branch`, and reads `branch` items from there, one after another, as the main
//! thread would. A run of them ends where the next item is not a branch (a block's `}`, an
//! effect, a forecast); the helper then goes on at the next line that begins with `branch`,
//! to the end of the text. Each run is sent, in order, to the reader before it: the main
//! thread for the first helper, helper i − 1 for helper i.
//!
//! Every reader reads as the main thread does on one thread. Where, between two items of a
//! block or a scenario, it stands at the first byte of a run of the helper after it, it takes
//! the run's items instead of reading them, and goes on from the run's end. So a helper that
//! comes to the next helper's start inside an item (a branch whose block holds it) takes that
//! helper's runs there, and each stretch of the file is read once. The tree is exactly the
//! one-thread tree: reading an item depends on the text from the item's first byte on and on
//! nothing before it, except how deep the item sits, which bounds its nesting (a run is taken
//! only if it fits under the limit at the depth where the reader stands, and the main thread
//! checks the deepest nesting of what it takes, runs taken by helpers included). A run the
//! reader never stands at (its first line was not between two items) is dropped, and the
//! reader reads that text itself. So the guess where items start can only cost time, never
//! change the result.
//!
//! Everything a run changes in the reader's state is carried with it: the position and the
//! end of the last token, the literal errors found in it (in source order), the nodes and
//! effects it counts, the deepest nesting it reached.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};

use crate::ast::{BodyItem, Written};
use crate::diag::Diagnostic;

use super::{Fast, is_ident_char};

/// Files below this size are read on one thread: a thread costs more than it saves.
pub(super) const SPLIT_MIN: usize = 1 << 20;

/// Consecutive `branch` items read ahead.
pub(super) struct Run {
    /// The first item's first byte.
    start: usize,
    items: Vec<BodyItem>,
    /// The last item's first byte.
    last_start: usize,
    /// Where the reader stands after the run (after the trivia that follows it).
    pos: usize,
    /// The end of the run's last token.
    last: usize,
    /// Literal errors found in the run.
    diags: Vec<Diagnostic>,
    /// Nodes and effects written in the run.
    written: Written,
    /// Deepest nesting inside the run, counted from the level of its items.
    deepest: usize,
    /// Operators counted in the run's last item.
    operators: usize,
    /// Where the runs that the helper took, inside this one, from the helper after it
    /// started.
    taken: Vec<usize>,
}

/// A reader's end of the next helper's work.
pub(super) struct Ahead {
    runs: Receiver<Run>,
    /// Where the helper's first run starts, if it has one.
    from: usize,
    /// A run received whose start the reader has not reached yet.
    next: Option<Run>,
    /// Tells the helper to stop: the reader is done.
    stop: Arc<AtomicBool>,
}

impl Ahead {
    pub(super) fn new(runs: Receiver<Run>, from: usize, stop: Arc<AtomicBool>) -> Ahead {
        Ahead {
            runs,
            from,
            next: None,
            stop,
        }
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The first byte of the keyword on the first line, after `from`, whose first word is
/// `branch`.
pub(super) fn next_branch_line(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i += b.get(i..)?.iter().position(|&c| c == b'\n')? + 1;
        let mut j = i;
        while matches!(b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if b[j..].starts_with(b"branch") && !b.get(j + 6).is_some_and(|&c| is_ident_char(c)) {
            return Some(j);
        }
    }
}

impl Fast<'_> {
    /// Makes this reader take runs from `after`, the next helper's.
    pub(super) fn take_from(&mut self, after: Option<Ahead>) {
        self.ahead_at = after.as_ref().map_or(usize::MAX, |a| a.from);
        self.ahead = after;
    }

    /// A helper's work: runs of `branch` items from `from` on, sent as they are read, until
    /// the text ends, an item declines, or the reader before it stops listening or asks it to
    /// stop.
    pub(super) fn read_ahead(mut self, from: usize, out: &Sender<Run>) {
        let mut at = Some(from);
        while let Some(start) = at {
            if self.stop_asked() {
                return;
            }
            let (run, complete) = self.run_at(start);
            if !run.items.is_empty() && out.send(run).is_err() {
                return;
            }
            if !complete {
                return;
            }
            at = next_branch_line(self.b, self.pos);
        }
    }

    /// Reads `branch` items from `start`: the run, and whether it ended at something other
    /// than a branch (rather than at an item that declined, or at a request to stop).
    fn run_at(&mut self, start: usize) -> (Run, bool) {
        self.pos = start;
        self.last = start;
        self.depth = 0;
        let (diags, written, taken) = (self.sink.diags.len(), self.written, self.runs_taken.len());
        let mut run = Run {
            start,
            items: Vec::new(),
            last_start: start,
            pos: start,
            last: start,
            diags: Vec::new(),
            written: Written::default(),
            deepest: 0,
            operators: 0,
            taken: Vec::new(),
        };
        let mut complete = true;
        while self.word() == b"branch" {
            // The next helper's run may start here, between two of this run's items.
            if self.pos >= self.ahead_at
                && let Some(mut next) = self.take_run()
            {
                run.items.append(&mut next.items);
                run.last_start = next.last_start;
                run.deepest = run.deepest.max(next.deepest);
                run.operators = next.operators;
                run.pos = self.pos;
                run.last = self.last;
                continue;
            }
            let item_start = self.pos;
            let (errors, counted, runs) =
                (self.sink.diags.len(), self.written, self.runs_taken.len());
            self.deepest = 0;
            let item = match self.body_item() {
                Some(item) if !self.stop_asked() => item,
                _ => {
                    // What the unfinished item added is not the run's.
                    self.sink.diags.truncate(errors);
                    self.written = counted;
                    self.runs_taken.truncate(runs);
                    complete = false;
                    break;
                }
            };
            run.items.push(item);
            run.last_start = item_start;
            run.deepest = run.deepest.max(self.deepest);
            run.operators = self.sink.operators;
            self.skip();
            run.pos = self.pos;
            run.last = self.last;
        }
        run.diags = self.sink.diags.split_off(diags);
        run.taken = self.runs_taken.split_off(taken);
        run.written = Written {
            nodes: self.written.nodes - written.nodes,
            effects: self.written.effects - written.effects,
        };
        (run, complete)
    }

    /// True on a helper once the reader before it is done with it.
    pub(super) fn stop_asked(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// At `pos`, between two items: the run that starts here, if one does and fits under the
    /// nesting limit here. The reader then stands where the run ended, with its literal errors
    /// and counts; the caller places its items.
    pub(super) fn take_run(&mut self) -> Option<Run> {
        let ahead = self.ahead.as_mut()?;
        let mut run = loop {
            let run = match ahead.next.take() {
                Some(run) => run,
                None => match ahead.runs.recv() {
                    Ok(run) => run,
                    Err(_) => {
                        // The helper is done and every run it sent is used or passed.
                        self.ahead = None;
                        self.ahead_at = usize::MAX;
                        return None;
                    }
                },
            };
            if run.start > self.pos {
                self.ahead_at = run.start;
                ahead.next = Some(run);
                return None;
            }
            if run.start == self.pos {
                break run;
            }
            // The run starts before `pos`, where the reader never stood between two items:
            // it is dropped.
        };
        // The next run starts after this one ends.
        self.ahead_at = run.pos;
        if self.depth + run.deepest > crate::limits::max_nesting() {
            return None;
        }
        self.pos = run.pos;
        self.last = run.last;
        self.sink.diags.append(&mut run.diags);
        self.written.nodes += run.written.nodes;
        self.written.effects += run.written.effects;
        self.sink.operators = run.operators;
        self.deepest = self.deepest.max(self.depth + run.deepest);
        self.runs_taken.push(run.start);
        self.runs_taken.extend_from_slice(&run.taken);
        Some(run)
    }

    /// Takes the run at `pos` into the current block's items; where a syntax error in the
    /// next item would be reported from (see `Fast::retry_from`), if there was a run.
    pub(super) fn take_run_into_block(&mut self) -> Option<usize> {
        let mut run = self.take_run()?;
        self.body.append(&mut run.items);
        Some(self.retry_from(run.last_start))
    }

    /// Takes the run at `pos` as scenario items; where a syntax error in the next item would
    /// be reported from (see `Fast::retry_from`), if there was a run.
    pub(super) fn take_run_into_scenario(
        &mut self,
        items: &mut Vec<crate::ast::ScenarioItem>,
    ) -> Option<usize> {
        let run = self.take_run()?;
        items.extend(run.items.into_iter().map(|item| crate::ast::ScenarioItem {
            span: item.span,
            kind: crate::ast::ScenarioItemKind::Node(item),
        }));
        Some(self.retry_from(run.last_start))
    }
}

#[cfg(test)]
mod tests {
    use super::next_branch_line;

    #[test]
    fn the_second_thread_starts_at_a_line_whose_first_word_is_branch() {
        let text =
            b"branch a p = 1\n  branches\n\tbranch_b\n x branch c\n \t branch d p = 1\nbranch";
        // Not the line `from` is on, nor a longer word, nor a word later on its line.
        let d = text.windows(8).position(|w| w == b"branch d").unwrap();
        assert_eq!(next_branch_line(text, 0), Some(d));
        // The keyword alone on the last line.
        assert_eq!(next_branch_line(text, d), Some(text.len() - 6));
        assert_eq!(next_branch_line(text, text.len() - 6), None);
        assert_eq!(next_branch_line(b"", 0), None);
    }
}
