//! Calendar dates and durations (docs/reference/language.md#lexical-rules).
//!
//! Dates are proleptic Gregorian days with no time of day. A partial date means the last day
//! of its month or year. Adding a duration first adds calendar months, clamping to the end of
//! a shorter month, then adds days: the order and the clamping are the spec's.

use std::fmt;

/// A calendar date.
///
/// Invariant: `1 <= month <= 12` and `1 <= day <= days_in_month(year, month)`.
/// Ordering is chronological because the fields compare year, then month, then day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// How much of a date literal was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatePrecision {
    /// `2027`: the last day of the year.
    Year,
    /// `2026-01`: the last day of the month.
    Month,
    /// `2026-01-15`.
    Day,
}

/// Why a date is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Month outside 1–12.
    Month(u32),
    /// Day outside the month.
    Day {
        /// The day written.
        day: u32,
        /// How many days the month has.
        max: u8,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Month(m) => write!(f, "month {m} does not exist (months run 01 to 12)"),
            DateError::Day { day, max } => {
                write!(f, "day {day} does not exist: that month has {max} days")
            }
        }
    }
}

/// True for Gregorian leap years.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year; `month` must be 1–12.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// A full date, validated.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let max = days_in_month(year, month as u8);
        if day < 1 || day > u32::from(max) {
            return Err(DateError::Day { day, max });
        }
        Ok(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The last day of a month (`2026-02` → 2026-02-28).
    pub fn end_of_month(year: i32, month: u32) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        Ok(Date {
            year,
            month: month as u8,
            day: days_in_month(year, month as u8),
        })
    }

    /// The last day of a year.
    pub fn end_of_year(year: i32) -> Date {
        Date {
            year,
            month: 12,
            day: 31,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Adds whole calendar months, keeping the day of the month where it exists and
    /// clamping to the month's last day where it does not.
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = total
            .div_euclid(12)
            .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    /// Adds days.
    pub fn add_days(self, days: u32) -> Date {
        Date::from_day_number(self.day_number() + i64::from(days))
    }

    /// The last date scn handles: a date literal has four digits of year, and a report
    /// writes dates as `YYYY-MM-DD`, so a later one could be neither written nor read back.
    pub const LAST: Date = Date {
        year: 9999,
        month: 12,
        day: 31,
    };

    /// Adds a duration: months first (with clamping), then days. `None` when the result
    /// is after [`Date::LAST`].
    pub fn plus(self, d: Duration) -> Option<Date> {
        // Checked before adding: a chain of long `after`s would otherwise run past the
        // year's range and wrap or saturate into a wrong date.
        if self > Date::LAST
            || i64::from(d.months) > (i64::from(Date::LAST.year) - i64::from(self.year) + 1) * 12
        {
            return None;
        }
        let sum = self.add_months(d.months).add_days(d.days);
        (sum <= Date::LAST).then_some(sum)
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil-days algorithm.
    pub fn day_number(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The inverse of [`Date::day_number`].
    pub fn from_day_number(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            month,
            day,
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A duration: calendar months, then days (`1y6mo2w` = 18 months and 14 days).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Duration {
    /// 12·years + months.
    pub months: u32,
    /// 7·weeks + days.
    pub days: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn spec_examples_of_month_arithmetic() {
        let one_month = Duration { months: 1, days: 0 };
        assert_eq!(d(2026, 1, 31).plus(one_month), Some(d(2026, 2, 28)));
        assert_eq!(
            d(2026, 3, 1).plus(Duration { months: 2, days: 0 }),
            Some(d(2026, 5, 1))
        );
        assert_eq!(
            d(2026, 2, 15).plus(Duration {
                months: 12,
                days: 0
            }),
            Some(d(2027, 2, 15))
        );
        assert_eq!(d(2026, 2, 28).plus(one_month), Some(d(2026, 3, 28)));
    }

    #[test]
    fn leap_years_clamp_to_the_29th() {
        assert_eq!(
            d(2028, 1, 31).plus(Duration { months: 1, days: 0 }),
            Some(d(2028, 2, 29))
        );
        assert_eq!(
            d(2024, 2, 29).plus(Duration {
                months: 12,
                days: 0
            }),
            Some(d(2025, 2, 28))
        );
        assert!(is_leap(2000) && !is_leap(1900) && is_leap(2024) && !is_leap(2026));
    }

    #[test]
    fn months_then_days() {
        // 2026-01-31 + 1mo = 2026-02-28, then + 1d = 2026-03-01 (not 2026-03-03).
        assert_eq!(
            d(2026, 1, 31).plus(Duration { months: 1, days: 1 }),
            Some(d(2026, 3, 1))
        );
        assert_eq!(
            d(2026, 12, 25).plus(Duration {
                months: 0,
                days: 14
            }),
            Some(d(2027, 1, 8))
        );
    }

    #[test]
    fn nothing_past_the_last_date() {
        let day = Duration { months: 0, days: 1 };
        assert_eq!(d(9999, 12, 30).plus(day), Some(Date::LAST));
        assert_eq!(Date::LAST.plus(day), None);
        assert_eq!(Date::LAST.plus(Duration::default()), Some(Date::LAST));
        // 2026-01-01 + 7973 years 11 months = 9999-12-01; a month more is past the end.
        let months = (9999 - 2026) * 12 + 11;
        assert_eq!(
            d(2026, 1, 1).plus(Duration { months, days: 30 }),
            Some(Date::LAST)
        );
        assert_eq!(
            d(2026, 1, 1).plus(Duration {
                months: months + 1,
                days: 0
            }),
            None
        );
        // The longest durations a literal allows, from the earliest date.
        assert_eq!(
            d(0, 1, 1).plus(Duration {
                months: u32::MAX,
                days: u32::MAX
            }),
            None
        );
        assert_eq!(
            d(0, 1, 1).plus(Duration {
                months: 0,
                days: u32::MAX
            }),
            None
        );
    }

    #[test]
    fn validation() {
        assert_eq!(Date::from_ymd(2026, 13, 1), Err(DateError::Month(13)));
        assert_eq!(
            Date::from_ymd(2026, 2, 29),
            Err(DateError::Day { day: 29, max: 28 })
        );
        assert!(Date::from_ymd(2028, 2, 29).is_ok());
        assert_eq!(Date::end_of_month(2026, 4).unwrap(), d(2026, 4, 30));
        assert_eq!(Date::end_of_year(2027), d(2027, 12, 31));
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(d(1970, 1, 1).day_number(), 0);
        assert_eq!(d(2000, 3, 1).day_number(), 11_017);
        for n in [-800_000, -1, 0, 59, 10_000, 20_454, 2_000_000] {
            assert_eq!(Date::from_day_number(n).day_number(), n);
        }
    }
}
