//! The author's checks (`expect`): each with its line, the value found and its bounds. A
//! report for people puts them last, folded where the format can fold: they test the model,
//! they are not part of the forecast.

use super::Inputs;

/// The expectations.
pub(crate) struct Expectations {
    /// In the order written.
    pub rows: Vec<Expectation>,
}

/// One `expect`.
pub(crate) struct Expectation {
    /// Its line.
    pub line: usize,
    /// The value found; `None` when command-line evidence makes it undefined.
    pub value: Option<f64>,
    /// The lower bound, inclusive.
    pub lo: f64,
    /// The upper bound, inclusive.
    pub hi: f64,
    /// True when the value lies within the bounds.
    pub holds: bool,
}

impl Expectations {
    pub(crate) fn build(inputs: Inputs<'_>) -> Expectations {
        let ev = inputs.ev;
        let rows = ev
            .expectations()
            .zip(&inputs.quotes.expect_lines)
            .map(|((d, o), &line)| Expectation {
                line,
                value: o.value,
                lo: d.lo,
                hi: d.hi,
                holds: o.holds,
            })
            .collect();
        Expectations { rows }
    }

    /// How many fail.
    pub(crate) fn failed(&self) -> usize {
        self.rows.iter().filter(|r| !r.holds).count()
    }
}

impl Expectation {
    /// The significant digits that show the value beside its bounds: as many as the bounds
    /// are written with, and no fewer than `digits`, so that a value checked against
    /// `0.1385 .. 0.1387` reads `0.1386`.
    pub(crate) fn digits(&self, digits: u8) -> u8 {
        use crate::report::number::significant_digits;
        digits
            .max(significant_digits(self.lo))
            .max(significant_digits(self.hi))
    }
}
