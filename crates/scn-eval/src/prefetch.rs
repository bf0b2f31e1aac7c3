//! A hint to the processor: start loading memory that is about to be read.
//!
//! Reading a big syntax tree to build the model meets each branch for the first time, a
//! cache miss that the processor waits for: a quarter of the resolver's own time on a
//! million branches. Asking for the next branch while the current one is read lets the two
//! overlap.
#![allow(unsafe_code)]

/// Starts loading the cache line holding `value`, without waiting for it.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `prefetcht0` only moves a cache line closer: it has no effect a program can
    // observe and never faults, whatever the address. The address here is a live reference.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
