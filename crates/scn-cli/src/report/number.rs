//! Numbers as people read them in reports.

/// Up to `sig` significant digits, no trailing zeros, no exponent for ordinary magnitudes.
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
    group_thousands(&s)
}

/// Three significant digits: for sampled figures, whose further digits are noise.
pub(crate) fn approx(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return num(v);
    }
    let digits = 3 - 1 - v.abs().log10().floor() as i32;
    let rounded = if digits >= 0 {
        let f = 10f64.powi(digits);
        (v * f).round() / f
    } else {
        let f = 10f64.powi(-digits);
        (v / f).round() * f
    };
    num(rounded)
}

/// A probability as a percentage with one decimal ("12.5%"), more where it would read 0.
pub(crate) fn pct(p: f64) -> String {
    let v = p * 100.0;
    if v != 0.0 && v.abs() < 0.05 {
        return format!("{v:.3}%");
    }
    format!("{v:.1}%")
}

fn group_thousands(s: &str) -> String {
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
    fn readable_numbers() {
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(1305000.0), "1,305,000");
        assert_eq!(num(101.2134), "101.213");
        assert_eq!(num(-0.7), "-0.7");
        assert_eq!(num(1234.5), "1234.5");
        assert_eq!(num(0.659722222222), "0.659722");
        assert_eq!(pct(0.1), "10.0%");
        assert_eq!(pct(0.0001), "0.010%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(approx(0.0776783), "0.0777");
        assert_eq!(approx(41_448.2), "41,400");
        assert_eq!(approx(-2.345), "-2.35");
    }
}
