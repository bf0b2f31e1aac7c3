//! "Did you mean" help: the closest known name within two edits, a swap of two neighbouring
//! letters (`#sotf` for `#soft`) counting as one.
//!
//! Bounded so that a file full of unknown or very long names costs time in proportion to its
//! size: only candidates whose length is within two of the name's are compared, each
//! comparison looks at a band of five diagonals (linear in the names' length, not
//! quadratic), and a run makes at most [`MAX_LOOKUPS`] lookups — later unknown names get no
//! suggestion, which matters little since only the first diagnostics of a file are shown.

/// Most suggestions looked for in one resolution.
pub(crate) const MAX_LOOKUPS: u32 = 32;

/// Largest edit distance suggested.
const MAX_DISTANCE: usize = 2;

/// The closest candidate within [`MAX_DISTANCE`] edits, ties to the alphabetically first.
pub(crate) fn closest<'c>(
    name: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    let ascii = name.is_ascii();
    let chars: Vec<char> = name.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // A name that differs only in case is the likeliest meaning whatever its length
        // (`A` for `a`, which two edits would not tell from any other one-letter name).
        if c != name
            && c.len() == name.len()
            && c.chars()
                .flat_map(char::to_lowercase)
                .eq(name.chars().flat_map(char::to_lowercase))
        {
            if best.is_none_or(|(bd, bc)| (0, c) < (bd, bc)) {
                best = Some((0, c));
            }
            continue;
        }
        // A byte length more than two (times the widest char) away cannot be within two edits.
        if c.len() + MAX_DISTANCE * 4 < name.len() || c.len() > (name.len() + MAX_DISTANCE) * 4 {
            continue;
        }
        // Names are ASCII but for a stray character: compare bytes, without an allocation.
        let (d, len) = if ascii && c.is_ascii() {
            (within(name.as_bytes(), c.as_bytes(), MAX_DISTANCE), c.len())
        } else {
            let cand: Vec<char> = c.chars().collect();
            (within(&chars, &cand, MAX_DISTANCE), cand.len())
        };
        let Some(d) = d else {
            continue;
        };
        if d >= len.max(chars.len()) {
            continue;
        }
        if best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The edit distance of `a` and `b` if it is at most `k`: Levenshtein with swaps of
/// neighbours (optimal string alignment) restricted to the band of columns `i - k ..= i + k`,
/// O(|a| × (2k + 1)) time.
fn within<T: PartialEq>(a: &[T], b: &[T], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    let big = k + 1;
    let mut prev = vec![big; m + 1];
    for (j, v) in prev.iter_mut().enumerate().take(k.min(m) + 1) {
        *v = j;
    }
    let mut cur = vec![big; m + 1];
    // Two rows up, for swaps: the cells read there lie in that row's band, all written.
    let mut prev2 = vec![big; m + 1];
    for i in 1..=n {
        let (lo, hi) = (i.saturating_sub(k), (i + k).min(m));
        // The cell left of the band, read below, must not hold a value from two rows up.
        if lo > 0 {
            cur[lo - 1] = big;
        } else {
            cur[0] = i;
        }
        let mut row_min = if lo == 0 { cur[0] } else { big };
        for j in lo.max(1)..=hi {
            let mut v = (prev[j - 1] + usize::from(a[i - 1] != b[j - 1]))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v.min(big);
            row_min = row_min.min(cur[j]);
        }
        // The next row reads one cell right of this band as "up": outside, so too far.
        if hi < m {
            cur[hi + 1] = big;
        }
        if row_min >= big {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_name_in_another_case_is_suggested() {
        assert_eq!(closest("A", ["b", "a", "c"].into_iter()), Some("a"));
        assert_eq!(closest("DEAL", ["deal", "dial"].into_iter()), Some("deal"));
        assert_eq!(closest("Übung", ["übung"].into_iter()), Some("übung"));
    }

    use super::*;

    /// Optimal string alignment over the whole table, the textbook way.
    fn full(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                d[i][j] = if i == 0 || j == 0 {
                    i + j
                } else {
                    let mut v = (d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]))
                        .min(d[i - 1][j] + 1)
                        .min(d[i][j - 1] + 1);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(d[i - 2][j - 2] + 1);
                    }
                    v
                };
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn the_band_agrees_with_the_full_table_up_to_two() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "abcd",
            "xbcd",
            "abxd",
            "dcba",
            "aabb",
            "abab",
            "kitten",
            "sitting",
            "sittin",
            "kitte",
            "cost",
            "costs",
            "coast",
            "cots",
            "ceasefire",
            "ceasfeire",
            "soft",
            "sotf",
            "ofst",
        ];
        for a in words {
            for b in words {
                let want = full(a, b);
                let got = within(
                    &a.chars().collect::<Vec<_>>(),
                    &b.chars().collect::<Vec<_>>(),
                    2,
                );
                assert_eq!(got, (want <= 2).then_some(want), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn closest_prefers_fewer_edits_then_the_alphabet() {
        let names = ["cost", "coast", "cast", "price"];
        assert_eq!(closest("costt", names.into_iter()), Some("cost"));
        // "cots" is one swap from "cost", two edits from "coast".
        assert_eq!(closest("cots", names.into_iter()), Some("cost"));
        // "cist" is one edit from "cast" and from "cost": the alphabet decides.
        assert_eq!(closest("cist", names.into_iter()), Some("cast"));
        // A swap in a two-letter name is one edit of two: close enough.
        assert_eq!(closest("ue", ["eu", "us"].into_iter()), Some("eu"));
        assert_eq!(closest("zzzzz", names.into_iter()), None);
        // Too short to be a typo of anything: one letter away from "x" is everything.
        assert_eq!(closest("y", ["x"].into_iter()), None);
    }

    #[test]
    fn long_names_cost_linear_time() {
        let a = "n".repeat(200_000);
        let b = format!("{}m", "n".repeat(199_999));
        let start = std::time::Instant::now();
        assert_eq!(closest(&a, [b.as_str()].into_iter()), Some(b.as_str()));
        assert!(start.elapsed().as_secs_f64() < 2.0, "{:?}", start.elapsed());
    }
}
