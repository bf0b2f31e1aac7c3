//! Weighted statistics over sampled rows: sort orders, equal-weight bins and mid-ranks.
//!
//! Samples carry weights (the probability of the evidence, times a conditional forecast's
//! condition); without evidence every weight is 1 and these are the usual unweighted
//! statistics.

/// The samples' indices, sorted by `key` (ties in sample order).
pub(super) fn order_by(key: impl Fn(usize) -> f64, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
    order
}

/// How many bins for `n` samples: about √n, so that both the number of bins and the
/// samples in each grow with `n`.
pub(super) fn bin_count(n: usize) -> usize {
    ((n as f64).sqrt() as usize).clamp(1, n.max(1))
}

/// Cuts `sorted` (indices in ascending order of `key`) into about `bins` runs of equal
/// count. A run never splits equal keys, so a discrete input is not cut inside one value.
pub(super) fn runs(
    sorted: &[usize],
    key: impl Fn(usize) -> f64,
    bins: usize,
) -> Vec<(usize, usize)> {
    let n = sorted.len();
    let mut out = Vec::with_capacity(bins);
    let mut start = 0;
    for b in 1..=bins {
        let mut end = (n * b / bins).max(start);
        if end <= start {
            continue;
        }
        while end < n && key(sorted[end]) == key(sorted[end - 1]) {
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

/// Weighted mid-ranks in [0, 1] of `sorted` (indices in ascending order of `key`): the
/// weight below a sample plus half the weight of its ties, over the total weight.
/// `rank[i]` is the rank of `sorted[i]`.
pub(super) fn midranks(
    sorted: &[usize],
    key: impl Fn(usize) -> f64,
    w: impl Fn(usize) -> f64,
) -> Vec<f64> {
    let total: f64 = sorted.iter().map(|&s| w(s)).sum();
    let mut ranks = vec![0.0; sorted.len()];
    let mut below = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        let mut tied = 0.0;
        while j < sorted.len() && key(sorted[j]) == key(sorted[i]) {
            tied += w(sorted[j]);
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
        let sorted: Vec<usize> = (0..6).collect();
        assert_eq!(runs(&sorted, |i| keys[i], 3), [(0, 3), (3, 4), (4, 6)]);
        assert_eq!(runs(&sorted, |i| keys[i], 1), [(0, 6)]);
    }

    #[test]
    fn midranks_by_hand() {
        // Values 5, 5, 7, 9 with unit weights: ranks (1 + 2)/2, same, 3, 4, less ½, over 4.
        let keys = [5.0, 5.0, 7.0, 9.0];
        let sorted: Vec<usize> = (0..4).collect();
        let r = midranks(&sorted, |i| keys[i], |_| 1.0);
        assert_eq!(r, [1.0 / 4.0, 1.0 / 4.0, 2.5 / 4.0, 3.5 / 4.0]);
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
