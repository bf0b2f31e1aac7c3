//! Numbers as people read them: a few significant digits (three unless `--precision` says
//! otherwise), probabilities as percentages, thousands grouped, and no digits that only
//! floating point put there. The JSON report does not use this: it keeps every digit.
//!
//! Rounding is done in decimal, half away from zero, after the value is first cut to twelve
//! significant digits: `0.30000000000000004` and `0.3` print alike, and `0.145` rounds to
//! `0.15` as its writer expects, not to the `0.14` its binary value would give.

/// Significant digits when `--precision` is not given.
pub(crate) const DEFAULT_DIGITS: u8 = 3;
/// The most significant digits a report can show: beyond twelve, a double's digits are noise.
pub(crate) const MAX_DIGITS: u8 = 12;

/// What a number measures, which decides how it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Measure {
    /// A probability: written as a percentage.
    Probability,
    /// A plain number.
    Number,
    /// A quantity in a unit: written as a number, the unit said once (in a column header, or
    /// after the number where there is no header).
    Unit(String),
    /// A metric whose unit is `%`: its values are fractions (`= 18%` is 0.18), written as
    /// percentages.
    Percent,
}

impl Measure {
    /// The measure of a metric with this unit.
    pub(crate) fn of_unit(unit: Option<&str>) -> Measure {
        match unit {
            Some("%") => Measure::Percent,
            Some(u) => Measure::Unit(u.to_owned()),
            None => Measure::Number,
        }
    }

    /// The unit a column header names, if any: percentages carry their own sign.
    pub(crate) fn unit(&self) -> Option<&str> {
        match self {
            Measure::Unit(u) => Some(u),
            _ => None,
        }
    }
}

/// How many significant digits numbers get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Numbers {
    digits: u8,
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::new(DEFAULT_DIGITS)
    }
}

impl Numbers {
    /// `digits` significant digits, kept within 1 ..= [`MAX_DIGITS`].
    pub(crate) fn new(digits: u8) -> Numbers {
        Numbers {
            digits: digits.clamp(1, MAX_DIGITS),
        }
    }

    /// The significant digits.
    pub(crate) fn digits(self) -> u8 {
        self.digits
    }

    /// A number: `45474.1` → `45,500`, `0.1386` → `0.139`, `19.4303` → `19.4`.
    pub(crate) fn num(self, v: f64) -> String {
        Decimal::of(v, self.digits).map_or_else(|| special(v), |d| d.to_string())
    }

    /// A probability as a percentage: `0.1386` → `13.9%`, `0.1` → `10%`. A probability that
    /// is not 1 never reads `100%` (it reads `>99.9%`), and one within 10⁻¹² of 0 or 1 is
    /// taken as exactly that.
    pub(crate) fn prob(self, p: f64) -> String {
        match self.shown_percent(p) {
            Shown::Exact(s) => format!("{s}%"),
            Shown::AlmostAll(s) => format!(">{s}%"),
        }
    }

    /// The percentage a probability is shown as, as a number (`>99.9%` as 99.9…): what the
    /// words of estimative probability are chosen from, so that words and figures agree.
    pub(crate) fn shown_percent_value(self, p: f64) -> f64 {
        match self.shown_percent(p) {
            Shown::Exact(s) => s.replace(',', "").parse().unwrap_or(p * 100.0),
            // Above the last shown step: more than it.
            Shown::AlmostAll(_) => 100.0 * p.min(1.0),
        }
    }

    fn shown_percent(self, p: f64) -> Shown {
        if p.is_nan() {
            return Shown::Exact("NaN".into());
        }
        if p.abs() < NOISE {
            return Shown::Exact("0".into());
        }
        if (p - 1.0).abs() < NOISE {
            return Shown::Exact("100".into());
        }
        let s = self.percent(p * 100.0);
        if p < 1.0 && s == "100" {
            // The largest number below 100 with this many decimals: 99.9 for one.
            let decimals = usize::from(self.digits.saturating_sub(2));
            let nines = if decimals == 0 {
                "99".to_owned()
            } else {
                format!("99.{}", "9".repeat(decimals))
            };
            return Shown::AlmostAll(nines);
        }
        Shown::Exact(s)
    }

    /// A percentage (0 to 100) with `digits − 2` decimals — one by default: `37.8`, `2.8`,
    /// `0.8` — so that a column of percentages reads alike and a judgement of 2.75 % is not
    /// dressed up as more than 2.8 %. When the decimals would leave it fewer than `digits − 2`
    /// significant digits (at least one), it gets `digits − 1` instead (`0.012`), so that a
    /// small chance never reads 0, and asking for more digits never shows fewer.
    fn percent(self, v: f64) -> String {
        let decimals = i32::from(self.digits.saturating_sub(2));
        let exp = first_digit_exp(v);
        let sig = exp + 1 + decimals;
        if sig >= decimals.max(1)
            && let Some(d) = Decimal::of(v, sig.min(i32::from(MAX_DIGITS)) as u8)
        {
            return d.to_string();
        }
        Numbers::new(self.digits.saturating_sub(1).max(1)).num(v)
    }

    /// A value in its measure, without its unit (which goes in a header).
    pub(crate) fn value(self, v: f64, m: &Measure) -> String {
        match m {
            Measure::Probability => self.prob(v),
            Measure::Percent => format!("{}%", self.percent(v * 100.0)),
            Measure::Number | Measure::Unit(_) => self.num(v),
        }
    }

    /// The size of a change of a value in its measure: percentage points for a probability
    /// or a percent (`20.7 pp`: a swing from 2% to 22.7% is not a change of 20.7 %).
    pub(crate) fn change(self, v: f64, m: &Measure) -> String {
        match m {
            Measure::Probability | Measure::Percent => format!("{} pp", self.percent(v * 100.0)),
            Measure::Number | Measure::Unit(_) => self.num(v),
        }
    }

    /// A value with its unit, where no header says it: `1,070 $B`.
    pub(crate) fn with_unit(self, v: f64, m: &Measure) -> String {
        match m {
            Measure::Unit(u) => format!("{} {u}", self.num(v)),
            _ => self.value(v, m),
        }
    }

    /// An interval, `lo – hi`, or one value when both ends read the same.
    pub(crate) fn range(self, lo: f64, hi: f64, m: &Measure) -> String {
        let (a, b) = (self.value(lo, m), self.value(hi, m));
        if a == b { a } else { format!("{a} – {b}") }
    }
}

/// Below this, a probability is 0 (or 1, when this close to it): sums of many products
/// leave such crumbs, and a reader should see none.
const NOISE: f64 = 1e-12;

enum Shown {
    Exact(String),
    AlmostAll(String),
}

/// Three significant digits, as reports for people round by default: for the commands whose
/// output has no report model yet (`scn diff`, `scn sens`, `scn voi`) and the language
/// server's hover.
pub(crate) fn approx(v: f64) -> String {
    Numbers::default().num(v)
}

/// A probability as a percentage, as reports for people show it by default.
pub(crate) fn pct(p: f64) -> String {
    Numbers::default().prob(p)
}

/// Up to six significant digits, no trailing zeros: for `scn test`, whose failures are read
/// against bounds written with that many digits, and for point values in the language
/// server's hover, read against the numbers of the file.
pub(crate) fn num(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if !(1e-4..1e15).contains(&a) {
        return format!("{v:.4e}");
    }
    let decimals = (5 - a.log10().floor() as i32).clamp(0, 10) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    group(&s)
}

/// Zero, infinities and NaN.
fn special(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "∞".into() } else { "-∞".into() }
    } else {
        "0".into()
    }
}

/// `value` in its measure as the author wrote it: every digit of the shortest form that
/// reads back as the same double (`0.0999`, `291,400`), for the bounds of an `expect` and
/// the outcomes of resolutions. Beyond 10¹⁶ or below 10⁻⁶ in size, in scientific notation
/// (`1.7e308`), which Rust's plain form never uses: 1.7e308 written out is 309 digits.
pub(crate) fn exact(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return special(v);
    }
    if !(1e-6..1e16).contains(&v.abs()) {
        return format!("{v:e}");
    }
    group(&format!("{v}"))
}

/// The significant digits of the shortest form of `v`: 3 for `0.0999`, 4 for `291400`
/// (trailing zeros of a whole number are not significant).
pub(crate) fn significant_digits(v: f64) -> u8 {
    if v == 0.0 || !v.is_finite() {
        return 1;
    }
    let s = format!("{:e}", v.abs());
    let mantissa = s.split('e').next().unwrap_or("");
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    (digits as u8).clamp(1, MAX_DIGITS)
}

/// The power of ten of a number's first significant digit (0 for 0).
fn first_digit_exp(v: f64) -> i32 {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    format!("{:.11e}", v.abs())
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

/// A finite, non-zero number rounded to some significant digits, in decimal.
struct Decimal {
    negative: bool,
    /// The significant digits, first non-zero, as ASCII digits.
    digits: Vec<u8>,
    /// The power of ten of the first digit.
    exp: i32,
}

impl Decimal {
    fn of(v: f64, sig: u8) -> Option<Decimal> {
        if v == 0.0 || !v.is_finite() {
            return None;
        }
        // Twelve significant digits first: what floating point added beyond them goes.
        let s = format!("{:.11e}", v.abs());
        let (mantissa, exp) = s.split_once('e')?;
        let mut exp: i32 = exp.parse().ok()?;
        let all: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        let n = usize::from(sig).min(all.len());
        let mut digits = all[..n].to_vec();
        if all.get(n).is_some_and(|&d| d >= b'5') {
            // Round half away from zero, carrying leftwards.
            let mut i = n;
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    digits.pop();
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == b'9' {
                    digits[i] = b'0';
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
        Some(Decimal {
            negative: v < 0.0,
            digits,
            exp,
        })
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        let d = std::str::from_utf8(&self.digits).unwrap_or("0");
        if !(-6..15).contains(&self.exp) {
            // Far from 1: scientific notation, `1.5e-7`.
            let (first, rest) = d.split_at(1);
            let rest = rest.trim_end_matches('0');
            let dot = if rest.is_empty() { "" } else { "." };
            return write!(f, "{sign}{first}{dot}{rest}e{}", self.exp);
        }
        let text = if self.exp < 0 {
            let zeros = "0".repeat((-self.exp - 1) as usize);
            format!("0.{zeros}{}", d.trim_end_matches('0'))
        } else {
            let int_len = self.exp as usize + 1;
            if d.len() <= int_len {
                format!("{d}{}", "0".repeat(int_len - d.len()))
            } else {
                let (int, frac) = d.split_at(int_len);
                let frac = frac.trim_end_matches('0');
                if frac.is_empty() {
                    int.to_owned()
                } else {
                    format!("{int}.{frac}")
                }
            }
        };
        write!(f, "{sign}{}", group(&text))
    }
}

/// Thousands separated by commas in numbers of five digits or more (`45,500`, but `1070`
/// and years such as `2027` stay whole).
fn group(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() <= 4 {
        return s.to_owned();
    }
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_digits_never_show_fewer() {
        for p in [0.00012, 0.0000123, 0.004, 0.0015, 0.06, 0.5] {
            let shown: Vec<String> = (1..=7).map(|d| Numbers::new(d).prob(p)).collect();
            let digits: Vec<usize> = shown
                .iter()
                .map(|s| {
                    s.trim_end_matches('%')
                        .trim_start_matches(['0', '.'])
                        .chars()
                        .filter(char::is_ascii_digit)
                        .count()
                })
                .collect();
            assert!(digits.windows(2).all(|w| w[0] <= w[1]), "{p}: {shown:?}");
        }
        assert_eq!(Numbers::new(4).prob(0.00012), "0.012%");
        assert_eq!(Numbers::default().prob(0.00012), "0.012%");
    }

    #[test]
    fn three_significant_digits_by_default() {
        let n = Numbers::default();
        // The figures of the Ukraine report that read as false precision before.
        assert_eq!(n.num(45_474.1), "45,500");
        assert_eq!(n.num(511_101.0), "511,000");
        assert_eq!(n.num(19.4303), "19.4");
        assert_eq!(n.num(1069.85), "1070");
        assert_eq!(n.num(1_065_285.0), "1,070,000");
        assert_eq!(n.num(13.7926), "13.8");
        assert_eq!(n.prob(0.1386), "13.9%");
        // Percentages keep one decimal: a column of them reads alike.
        assert_eq!(n.prob(0.0275), "2.8%");
        assert_eq!(n.prob(0.008_25), "0.8%");
        assert_eq!(n.prob(0.0989), "9.9%");
        assert_eq!(n.prob(0.0305), "3.1%");
        // Below the last decimal, two significant digits: never 0 for a chance above 0.
        assert_eq!(n.prob(0.000_6), "0.06%");
        assert_eq!(n.prob(0.000_123_4), "0.012%");
        // Trailing zeros go; whole numbers stay whole.
        assert_eq!(n.prob(0.1), "10%");
        assert_eq!(n.num(0.25), "0.25");
        assert_eq!(n.num(18.0), "18");
        assert_eq!(n.num(-0.7), "-0.7");
        assert_eq!(n.num(0.0), "0");
        assert_eq!(n.num(-0.0), "0");
        assert_eq!(Numbers::new(4).num(1234.0), "1234");
        // Small and large.
        assert_eq!(n.num(0.000_123_45), "0.000123");
        assert_eq!(n.num(1.5e-7), "1.5e-7");
        assert_eq!(n.num(2.5e15), "2.5e15");
    }

    #[test]
    fn rounding_is_decimal_and_carries() {
        let n = Numbers::new(2);
        // 0.145 is 0.14499999999999999 in binary; its writer expects 0.15.
        assert_eq!(n.num(0.145), "0.15");
        assert_eq!(n.num(-0.145), "-0.15");
        assert_eq!(n.num(9.96), "10");
        assert_eq!(n.num(99_960.0), "100,000");
        assert_eq!(Numbers::new(3).num(0.9995), "1");
        assert_eq!(Numbers::new(1).num(0.26), "0.3");
        assert_eq!(Numbers::new(5).num(45_474.1), "45,474");
        assert_eq!(Numbers::new(12).num(0.1 + 0.2), "0.3");
    }

    #[test]
    fn floating_point_noise_reads_as_equal() {
        let n = Numbers::default();
        assert_eq!(n.num(0.1 + 0.2), n.num(0.3));
        assert_eq!(n.prob(0.7 * 0.3 + 0.1), n.prob(0.31));
        assert_eq!(n.prob(1e-17), "0%");
        assert_eq!(n.prob(1.0 - 1e-15), "100%");
        assert_eq!(n.range(0.3, 0.1 + 0.2, &Measure::Number), "0.3");
        assert_eq!(
            n.range(0.0211, 0.228, &Measure::Probability),
            "2.1% – 22.8%"
        );
        assert_eq!(n.range(0.0211, 0.0214, &Measure::Probability), "2.1%");
    }

    #[test]
    fn a_probability_short_of_one_never_reads_100() {
        assert_eq!(Numbers::default().prob(0.9996), ">99.9%");
        assert_eq!(Numbers::new(2).prob(0.996), ">99%");
        assert_eq!(Numbers::new(4).prob(0.99996), ">99.99%");
        assert_eq!(Numbers::new(4).prob(0.378_21), "37.82%");
        assert_eq!(Numbers::new(2).prob(0.378_21), "38%");
        assert_eq!(Numbers::new(2).prob(0.008_25), "0.8%");
        assert_eq!(Numbers::default().prob(0.9994), "99.9%");
        assert_eq!(Numbers::default().prob(1.0), "100%");
    }

    #[test]
    fn measures() {
        let n = Numbers::default();
        assert_eq!(n.value(0.18, &Measure::Percent), "18%");
        assert_eq!(
            n.value(19.43, &Measure::Unit("% of 1991 territory".into())),
            "19.4"
        );
        assert_eq!(n.with_unit(1069.85, &Measure::Unit("$B".into())), "1070 $B");
        assert_eq!(n.value(0.262, &Measure::Probability), "26.2%");
    }

    #[test]
    fn exact_literals() {
        assert_eq!(exact(0.0999), "0.0999");
        assert_eq!(exact(291_400.0), "291,400");
        assert_eq!(exact(1.25e6), "1,250,000");
        // Written out, 1.7e308 is 309 digits; 1e15 still reads as a number.
        assert_eq!(exact(1.7e308), "1.7e308");
        assert_eq!(exact(-1.7e308), "-1.7e308");
        assert_eq!(exact(1e15), "1,000,000,000,000,000");
        assert_eq!(exact(2.5e-7), "2.5e-7");
        assert_eq!(exact(0.000001), "0.000001");
        assert_eq!(significant_digits(0.0999), 3);
        assert_eq!(significant_digits(0.1387), 4);
        assert_eq!(significant_digits(291_400.0), 4);
        assert_eq!(significant_digits(20.5), 3);
    }
}
