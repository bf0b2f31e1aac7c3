//! Weighted statistics over sampled rows: sort orders, equal-weight bins and mid-ranks.
//!
//! Samples carry weights (the probability of the evidence, times a conditional forecast's
//! condition); without evidence every weight is 1 and these are the usual unweighted
//! statistics.

/// One input's samples in ascending order: the sample indices and their values, side by
/// side, so that passes over them read memory in order.
#[derive(Clone, Debug, Default)]
pub(super) struct Sorted {
    /// Sample indices.
    pub samples: Vec<u32>,
    /// Their values, ascending.
    pub values: Vec<f64>,
}

impl Sorted {
    /// Sorts `n` samples by `key` (ties in sample order).
    pub(super) fn by(key: impl Fn(usize) -> f64, n: usize) -> Sorted {
        let mut pairs: Vec<(f64, u32)> = (0..n).map(|s| (key(s), s as u32)).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Sorted {
            samples: pairs.iter().map(|p| p.1).collect(),
            values: pairs.iter().map(|p| p.0).collect(),
        }
    }

    /// The samples for which `keep` holds, in the same order.
    pub(super) fn filtered(&self, keep: &[bool]) -> Sorted {
        let mut out = Sorted::default();
        for (&s, &v) in self.samples.iter().zip(&self.values) {
            if keep[s as usize] {
                out.samples.push(s);
                out.values.push(v);
            }
        }
        out
    }
}

/// How many bins for `n` samples: about √n, so that both the number of bins and the
/// samples in each grow with `n`.
pub(super) fn bin_count(n: usize) -> usize {
    ((n as f64).sqrt() as usize).clamp(1, n.max(1))
}

/// Cuts ascending `keys` into about `bins` runs of equal count, as index ranges. A run
/// never splits equal keys, so a discrete input is not cut inside one value.
pub(super) fn runs(keys: &[f64], bins: usize) -> Vec<(usize, usize)> {
    let n = keys.len();
    let mut out = Vec::with_capacity(bins);
    let mut start = 0;
    for b in 1..=bins {
        let mut end = (n * b / bins).max(start);
        if end <= start {
            continue;
        }
        while end < n && keys[end] == keys[end - 1] {
            end += 1;
        }
        out.push((start, end));
        start = end;
        if start >= n {
            break;
        }
    }
    if start < n {
        out.push((start, n));
    }
    out
}

/// Weighted mid-ranks in [0, 1] of ascending `keys` with weights `w` (same order): the
/// weight below a sample plus half the weight of its ties, over the total weight.
pub(super) fn midranks(keys: &[f64], w: &[f64]) -> Vec<f64> {
    let total: f64 = w.iter().sum();
    let mut ranks = vec![0.0; keys.len()];
    let mut below = 0.0;
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        let mut tied = 0.0;
        while j < keys.len() && keys[j] == keys[i] {
            tied += w[j];
            j += 1;
        }
        let r = (below + tied / 2.0) / total;
        ranks[i..j].fill(r);
        below += tied;
        i = j;
    }
    ranks
}

/// The weighted Pearson correlation of pairs (x, y, weight); 0 when either does not vary.
pub(super) fn correlation(pairs: impl Iterator<Item = (f64, f64, f64)> + Clone) -> f64 {
    let (mut sw, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (x, y, w) in pairs.clone() {
        sw += w;
        sx += w * x;
        sy += w * y;
    }
    if sw <= 0.0 {
        return 0.0;
    }
    let (mx, my) = (sx / sw, sy / sw);
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for (x, y, w) in pairs {
        cxy += w * (x - mx) * (y - my);
        cxx += w * (x - mx) * (x - mx);
        cyy += w * (y - my) * (y - my);
    }
    if cxx <= 0.0 || cyy <= 0.0 {
        return 0.0;
    }
    (cxy / (cxx * cyy).sqrt()).clamp(-1.0, 1.0)
}

/// Weighted sums of one bin.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Moments {
    /// Σ w.
    pub w: f64,
    /// Σ w².
    pub w2: f64,
    /// Σ w·y.
    pub wy: f64,
    /// Σ w·y².
    pub wyy: f64,
}

impl Moments {
    pub(super) fn add(&mut self, y: f64, w: f64) {
        self.w += w;
        self.w2 += w * w;
        self.wy += w * y;
        self.wyy += w * y * y;
    }

    pub(super) fn mean(&self) -> f64 {
        self.wy / self.w
    }

    /// The weighted variance, corrected for the weights' own effective count (the usual
    /// n − 1 correction when every weight is 1); 0 for a single sample.
    pub(super) fn variance(&self) -> f64 {
        let m = self.mean();
        let biased = (self.wyy / self.w - m * m).max(0.0);
        let denom = 1.0 - self.w2 / (self.w * self.w);
        if denom > 0.0 { biased / denom } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_ties_together() {
        let keys = [1.0, 1.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(runs(&keys, 3), [(0, 3), (3, 4), (4, 6)]);
        assert_eq!(runs(&keys, 1), [(0, 6)]);
    }

    #[test]
    fn midranks_by_hand() {
        // Values 5, 5, 7, 9 with unit weights: ranks (1 + 2)/2, same, 3, 4, less ½, over 4.
        let r = midranks(&[5.0, 5.0, 7.0, 9.0], &[1.0; 4]);
        assert_eq!(r, [1.0 / 4.0, 1.0 / 4.0, 2.5 / 4.0, 3.5 / 4.0]);
    }

    #[test]
    fn sorting_and_filtering() {
        let x = [3.0, 1.0, 2.0, 1.0];
        let s = Sorted::by(|i| x[i], 4);
        assert_eq!(s.samples, [1, 3, 2, 0]);
        assert_eq!(s.values, [1.0, 1.0, 2.0, 3.0]);
        let f = s.filtered(&[true, false, true, true]);
        assert_eq!((f.samples, f.values), (vec![3, 2, 0], vec![1.0, 2.0, 3.0]));
    }

    #[test]
    fn correlation_by_hand() {
        let pts = [(1.0, 2.0, 1.0), (2.0, 4.0, 1.0), (3.0, 6.0, 1.0)];
        assert!((correlation(pts.iter().copied()) - 1.0).abs() < 1e-12);
        let anti = [(1.0, 3.0, 1.0), (2.0, 2.0, 1.0), (3.0, 1.0, 1.0)];
        assert!((correlation(anti.iter().copied()) + 1.0).abs() < 1e-12);
        let flat = [(1.0, 3.0, 1.0), (2.0, 3.0, 1.0)];
        assert_eq!(correlation(flat.iter().copied()), 0.0);
    }

    #[test]
    fn variance_by_hand() {
        let mut m = Moments::default();
        for y in [1.0, 2.0, 3.0, 4.0] {
            m.add(y, 1.0);
        }
        // Sample variance of 1..4: 5/3.
        assert!((m.variance() - 5.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.mean(), 2.5);
    }
}
