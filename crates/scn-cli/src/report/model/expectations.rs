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
    /// `0.1385 .. 0.1387` reads `0.1386`; and more while the value as shown would sit on the
    /// wrong side of them, so that a failed check never reads `16.23 in 16.22 .. 16.23`
    /// (16.2304 fails).
    pub(crate) fn digits(&self, digits: u8) -> u8 {
        use crate::report::number::{MAX_DIGITS, Numbers, significant_digits};
        let mut d = digits
            .max(significant_digits(self.lo))
            .max(significant_digits(self.hi))
            .min(MAX_DIGITS);
        let Some(v) = self.value else {
            return d;
        };
        while d < MAX_DIGITS {
            let shown: Option<f64> = Numbers::new(d).num(v).replace(',', "").parse().ok();
            match shown {
                Some(s) if (self.lo <= s && s <= self.hi) != self.holds => d += 1,
                _ => break,
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::Expectation;
    use crate::report::Numbers;

    fn shown(value: f64, lo: f64, hi: f64) -> String {
        let x = Expectation {
            line: 1,
            value: Some(value),
            lo,
            hi,
            holds: lo <= value && value <= hi,
        };
        Numbers::new(x.digits(3)).num(value)
    }

    #[test]
    fn a_value_is_shown_on_its_side_of_the_bounds() {
        // Failed checks: rounded to the bounds' digits they would read as passes.
        assert_eq!(shown(16.2304, 16.22, 16.23), "16.2304");
        assert_eq!(shown(0.12345, 0.12, 0.1234), "0.1235");
        assert_eq!(shown(0.12331, 0.12, 0.1233), "0.12331");
        assert_eq!(shown(0.099996, 0.1, 0.2), "0.099996");
        // Checks that hold keep the bounds' digits.
        assert_eq!(shown(0.13861, 0.1385, 0.1387), "0.1386");
        assert_eq!(shown(16.2254, 16.22, 16.23), "16.23");
    }
}
