//! Words of estimative probability: the phrase a briefing puts beside a probability, so that
//! a reader who skims gets the judgement and not only the digits.
//!
//! | words              | probability          |
//! |--------------------|----------------------|
//! | impossible         | 0 (shown as `0%`)    |
//! | almost no chance   | above 0 to below 5 % |
//! | very unlikely      | 5 % to below 20 %    |
//! | unlikely           | 20 % to below 45 %   |
//! | roughly even       | 45 % to 55 %         |
//! | likely             | above 55 % to 80 %   |
//! | very likely        | above 80 % to 95 %   |
//! | almost certain     | above 95 %, below 1  |
//! | certain            | 1 (shown as `100%`)  |
//!
//! A report shows `0%` and `100%` only for a probability within 10⁻¹² of 0 or 1 (any other
//! reads `0.001%` or `>99.9%`), so those two words are kept for the model's certainties:
//! a path the evidence rules out, an event that always happens. "Almost" would tell the
//! reader of a chance that is not there.
//!
//! Each boundary belongs to the band nearer even odds, so the scale is symmetric: the words
//! for p and for 1 − p mirror each other (5 % is "very unlikely" as 95 % is "very likely").
//! The words are chosen from the percentage as the report shows it, so that "20%" never
//! sits beside "very unlikely" because the unrounded value was 19.96 %.

/// The words for a probability shown as `percent` (0 to 100).
pub(crate) fn estimative(percent: f64) -> &'static str {
    match percent {
        p if p <= 0.0 => "impossible",
        p if p >= 100.0 => "certain",
        p if p < 5.0 => "almost no chance",
        p if p < 20.0 => "very unlikely",
        p if p < 45.0 => "unlikely",
        p if p <= 55.0 => "roughly even",
        p if p <= 80.0 => "likely",
        p if p <= 95.0 => "very likely",
        _ => "almost certain",
    }
}

#[cfg(test)]
mod tests {
    use super::estimative;
    use crate::report::number::Numbers;

    #[test]
    fn each_boundary_belongs_to_the_band_nearer_even_odds() {
        // Just below, at and just above each boundary, by hand.
        let cases = [
            (4.99, "almost no chance"),
            (5.0, "very unlikely"),
            (5.01, "very unlikely"),
            (19.99, "very unlikely"),
            (20.0, "unlikely"),
            (44.99, "unlikely"),
            (45.0, "roughly even"),
            (50.0, "roughly even"),
            (55.0, "roughly even"),
            (55.01, "likely"),
            (80.0, "likely"),
            (80.01, "very likely"),
            (95.0, "very likely"),
            (95.01, "almost certain"),
            (0.0, "impossible"),
            (0.001, "almost no chance"),
            (99.999, "almost certain"),
            (100.0, "certain"),
        ];
        for (p, words) in cases {
            assert_eq!(estimative(p), words, "{p}%");
        }
    }

    #[test]
    fn the_scale_is_symmetric() {
        fn mirror(w: &'static str) -> &'static str {
            match w {
                "almost no chance" => "almost certain",
                "very unlikely" => "very likely",
                "unlikely" => "likely",
                "likely" => "unlikely",
                "very likely" => "very unlikely",
                "almost certain" => "almost no chance",
                "impossible" => "certain",
                "certain" => "impossible",
                other => other,
            }
        }
        for tenths in 0..=1000 {
            let p = f64::from(tenths) / 10.0;
            assert_eq!(estimative(100.0 - p), mirror(estimative(p)), "{p}%");
        }
    }

    #[test]
    fn words_follow_the_figure_shown() {
        let n = Numbers::default();
        // 19.996% is shown as 20%, so it reads "unlikely", as 20% does.
        assert_eq!(n.prob(0.199_96), "20%");
        assert_eq!(estimative(n.shown_percent_value(0.199_96)), "unlikely");
        // 0.9996 is shown as >99.9%: above 95%.
        assert_eq!(estimative(n.shown_percent_value(0.9996)), "almost certain");
        assert_eq!(estimative(n.shown_percent_value(0.1386)), "very unlikely");
    }
}
