//! Arithmetic over a batch's columns, one operator at a time.
//!
//! `program::binary` matches its operator for every value; over a column of a batch that
//! match ran once per sample, an indirect jump each time that kept the loop from being
//! vectorised (a fifth of the Ukraine library's Monte Carlo time). Here the operator is
//! matched once per column and each arm is a plain loop. The results are `binary`'s, bit for
//! bit: a division by zero gives NaN, and every result that is not finite flags its sample.
//!
//! A sample's flag is a [`Flag`], a whole word, not a `bool`: setting a byte from the
//! comparison of a 64-bit lane takes a chain of packing instructions, and with them a loop
//! over a column of 256 took twice as long as with a word (134 against 65 ns an addition).

use scn_dsl::ast::EffectOp;

use crate::program::BinOp;

/// A sample's failure flag in a batch: 0 while it is good, anything else once it failed.
pub(crate) type Flag = u64;

/// 1 for a value that is not finite (infinite or NaN), else 0: its exponent bits all set.
#[inline(always)]
pub(super) fn not_finite(x: f64) -> Flag {
    const EXPONENT: u64 = 0x7FF0_0000_0000_0000;
    Flag::from(x.to_bits() & EXPONENT == EXPONENT)
}

/// `a[j] = a[j] op b[j]` for every sample `j`, setting `bad[j]` where the result is not
/// finite.
pub(super) fn bin_columns(op: BinOp, a: &mut [f64], b: &[f64], bad: &mut [Flag]) {
    match op {
        BinOp::Add => each(a, b, bad, |x, y| x + y),
        BinOp::Sub => each(a, b, bad, |x, y| x - y),
        BinOp::Mul => each(a, b, bad, |x, y| x * y),
        BinOp::Div => each(a, b, bad, divide),
        BinOp::Pow => each(a, b, bad, f64::powf),
    }
}

/// `a[j] = a[j] op c` for every sample `j`, setting `bad[j]` where the result is not finite.
pub(super) fn bin_const(op: BinOp, a: &mut [f64], c: f64, bad: &mut [Flag]) {
    match op {
        BinOp::Add => each_const(a, c, bad, |x, y| x + y),
        BinOp::Sub => each_const(a, c, bad, |x, y| x - y),
        BinOp::Mul => each_const(a, c, bad, |x, y| x * y),
        BinOp::Div => each_const(a, c, bad, divide),
        BinOp::Pow => each_const(a, c, bad, f64::powf),
    }
}

/// `out[j] = old[j] op v[j]` for an effect's operator, as `apply` computes it for one
/// sample, setting `bad[j]` where the result is not finite.
pub(super) fn effect_columns(
    op: EffectOp,
    old: &[f64],
    v: &[f64],
    out: &mut [f64],
    bad: &mut [Flag],
) {
    match op {
        EffectOp::Set => effect(old, v, out, bad, |_, y| y),
        EffectOp::Add => effect(old, v, out, bad, |x, y| x + y),
        EffectOp::Sub => effect(old, v, out, bad, |x, y| x - y),
        EffectOp::Mul => effect(old, v, out, bad, |x, y| x * y),
    }
}

#[inline(always)]
fn effect(old: &[f64], v: &[f64], out: &mut [f64], bad: &mut [Flag], f: impl Fn(f64, f64) -> f64) {
    for (((o, &x), &y), bad) in out.iter_mut().zip(old).zip(v).zip(bad) {
        *o = f(x, y);
        *bad |= not_finite(*o);
    }
}

/// `binary`'s division: NaN for a zero divisor.
#[inline(always)]
fn divide(x: f64, y: f64) -> f64 {
    if y == 0.0 { f64::NAN } else { x / y }
}

#[inline(always)]
fn each(a: &mut [f64], b: &[f64], bad: &mut [Flag], f: impl Fn(f64, f64) -> f64) {
    for ((x, &y), bad) in a.iter_mut().zip(b).zip(bad) {
        *x = f(*x, y);
        *bad |= not_finite(*x);
    }
}

#[inline(always)]
fn each_const(a: &mut [f64], c: f64, bad: &mut [Flag], f: impl Fn(f64, f64) -> f64) {
    for (x, bad) in a.iter_mut().zip(bad) {
        *x = f(*x, c);
        *bad |= not_finite(*x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::binary;

    /// Every operator over values that include zeros, infinities, NaN, signed zeros and
    /// overflowing products gives `binary`'s bits and flags exactly the samples whose
    /// result is not finite.
    #[test]
    fn the_same_bits_as_binary_one_value_at_a_time() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -2.5,
            3.0e300,
            -1.0e-310,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            0.5,
            7.0,
        ];
        let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Pow];
        let pairs: Vec<(f64, f64)> = values
            .iter()
            .flat_map(|&x| values.iter().map(move |&y| (x, y)))
            .collect();
        for op in ops {
            let expect: Vec<f64> = pairs
                .iter()
                .map(|&(x, y)| binary(op, x, y).unwrap_or(f64::NAN))
                .collect();
            let mut a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            let mut bad = vec![0; a.len()];
            bin_columns(op, &mut a, &b, &mut bad);
            for (j, (&got, &want)) in a.iter().zip(&expect).enumerate() {
                assert_eq!(got.to_bits(), want.to_bits(), "{op:?} {:?}", pairs[j]);
                assert_eq!(bad[j] != 0, !want.is_finite(), "{op:?} {:?}", pairs[j]);
            }
            for &c in &values {
                let mut a = values.to_vec();
                let mut bad = vec![0; a.len()];
                bin_const(op, &mut a, c, &mut bad);
                for (j, &x) in values.iter().enumerate() {
                    let want = binary(op, x, c).unwrap_or(f64::NAN);
                    assert_eq!(a[j].to_bits(), want.to_bits(), "{op:?} {x} {c}");
                    assert_eq!(bad[j] != 0, !want.is_finite(), "{op:?} {x} {c}");
                }
            }
        }
    }

    /// Each effect operator gives `apply`'s bits, and flags what is not finite.
    #[test]
    fn effects_as_apply_computes_them() {
        use crate::kernel::apply;
        let old = [1.0, -0.0, 1.0e308, f64::NAN, 2.0, f64::INFINITY];
        let v = [2.0, 0.0, 1.0e308, 1.0, f64::NAN, -1.0];
        for op in [EffectOp::Set, EffectOp::Add, EffectOp::Sub, EffectOp::Mul] {
            let mut out = [0.0; 6];
            let mut bad = [0; 6];
            effect_columns(op, &old, &v, &mut out, &mut bad);
            for j in 0..6 {
                let want = apply(op, old[j], v[j]);
                assert_eq!(out[j].to_bits(), want.to_bits(), "{op:?} {j}");
                assert_eq!(bad[j] != 0, !want.is_finite(), "{op:?} {j}");
            }
        }
    }

    #[test]
    fn not_finite_is_is_finite_negated() {
        let odd_nan = f64::from_bits(0xFFF0_0000_0000_0001);
        for x in [
            0.0,
            -0.0,
            f64::MIN_POSITIVE / 2.0,
            -f64::MAX,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            odd_nan,
        ] {
            assert_eq!(not_finite(x) != 0, !x.is_finite(), "{x}");
        }
    }

    /// A flag already set stays set: a sample that failed earlier in the program is not
    /// cleared by a finite result later.
    #[test]
    fn a_flag_once_set_stays_set() {
        let mut a = vec![1.0, 2.0];
        let mut bad = vec![1, 0];
        bin_const(BinOp::Add, &mut a, 1.0, &mut bad);
        assert_eq!(bad, [1, 0]);
        bin_columns(BinOp::Mul, &mut a, &[2.0, 3.0], &mut bad);
        assert_eq!((a, bad), (vec![4.0, 9.0], vec![1, 0]));
    }
}
