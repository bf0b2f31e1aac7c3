//! Order statistics by radix selection: the values at given ranks, found without moving
//! the values.
//!
//! One pass counts the values by the top 16 bits of an order-preserving key ([`key`]); the
//! counts give the bucket of each rank and its rank within the bucket; a second pass
//! gathers the keys of those few buckets alone, and they are selected among. With values
//! spread over a few octaves a bucket holds a few hundredths of them; values crowded into
//! one bucket cost a full selection, as they would without buckets.

/// A key whose unsigned order is `f64::total_cmp`'s order of the values: a negative
/// value's bits all flipped, a positive value's sign bit set.
#[inline(always)]
fn key(v: f64) -> u64 {
    let bits = v.to_bits();
    bits ^ (((bits as i64 >> 63) as u64) | (1 << 63))
}

/// The value of each key, [`key`] undone.
fn value(k: u64) -> f64 {
    let bits = if k >> 63 == 1 { k ^ (1 << 63) } else { !k };
    f64::from_bits(bits)
}

/// The values at the given ranks (0 for the least, in any order, repeats allowed) in
/// `f64::total_cmp`'s order. Counts are 32-bit: at most `u32::MAX` values.
pub(super) fn select_ranks<const K: usize>(values: &[f64], ranks: [usize; K]) -> [f64; K] {
    // A bucket's list is named by a byte, `u8::MAX` for none.
    const { assert!(K < u8::MAX as usize) };
    const SHIFT: u32 = 48;
    let mut counts = vec![0u32; 1 << (64 - SHIFT)];
    for &v in values {
        counts[(key(v) >> SHIFT) as usize] += 1;
    }
    // Each rank's bucket and its rank within the bucket, by one walk of the counts (ranks
    // need not be sorted).
    let mut order: [usize; K] = std::array::from_fn(|i| i);
    order.sort_unstable_by_key(|&i| ranks[i]);
    let mut place = [(0usize, 0usize); K];
    let (mut bucket, mut below) = (0usize, 0usize);
    for &i in &order {
        while below + counts[bucket] as usize <= ranks[i] {
            below += counts[bucket] as usize;
            bucket += 1;
        }
        place[i] = (bucket, ranks[i] - below);
    }
    // The wanted buckets' keys, one list per distinct bucket.
    let mut wanted: Vec<usize> = place.iter().map(|&(b, _)| b).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut slot = vec![u8::MAX; counts.len()];
    let mut lists: Vec<Vec<u64>> = wanted
        .iter()
        .enumerate()
        .map(|(j, &b)| {
            slot[b] = j as u8;
            Vec::with_capacity(counts[b] as usize)
        })
        .collect();
    for &v in values {
        let k = key(v);
        let j = slot[(k >> SHIFT) as usize];
        if j != u8::MAX {
            lists[j as usize].push(k);
        }
    }
    std::array::from_fn(|i| {
        let (b, r) = place[i];
        let list = &mut lists[wanted.binary_search(&b).unwrap_or_default()];
        value(*list.select_nth_unstable(r).1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_as_total_cmp() {
        let v = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            f64::INFINITY,
            f64::NAN,
        ];
        for w in v.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} {}", w[0], w[1]);
            assert_eq!(w[0].total_cmp(&w[1]), std::cmp::Ordering::Less);
        }
        for x in v {
            assert_eq!(value(key(x)).to_bits(), x.to_bits());
        }
    }
}
