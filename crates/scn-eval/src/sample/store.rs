//! The run's column store: one allocation for every sample's figures, written once by the
//! blocks and then read by the summaries.
//!
//! On Linux the store asks for huge pages (2 MiB). A million samples of three figures fill
//! 24 MB: 5,860 small pages, each faulted in by the kernel on its first write, which cost
//! about 6 % of the peer tree's CPU; on huge pages it is a dozen faults. The binary's
//! allocator keeps the rest of the program on small pages (they suit the big syntax trees
//! of big files better) by setting the process's "no huge pages" flag, which the kernel
//! reads at each fault; a store that holds a whole huge page lifts the flag while it lives
//! and puts it back when dropped. (Two stores alive at once may overlap: the second finds
//! the flag lifted and leaves it, and the first puts it back while the second is still
//! written, whose last pages are then small ones. Only speed is at stake.)
#![allow(unsafe_code)]

use std::ops::{Deref, DerefMut};

/// A huge page's size, and so the alignment of the part of the store that can use them.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// Zeros, their whole 2 MiB pages advised to be huge (see the module's documentation).
pub struct Store {
    values: Vec<f64>,
    /// The process's "no huge pages" flag was set, and this store lifted it.
    lifted: bool,
}

/// A [`Store`] of `len` zeros.
pub fn zeroed_store(len: usize) -> Store {
    let mut values = vec![0.0f64; len];
    #[cfg(target_os = "linux")]
    let lifted = advise_huge(&mut values);
    #[cfg(not(target_os = "linux"))]
    let lifted = false;
    Store { values, lifted }
}

/// Advises the whole huge pages of `values` to be huge and, when there is one, lifts the
/// process's "no huge pages" flag if it is set; true when it lifted it.
#[cfg(target_os = "linux")]
fn advise_huge(values: &mut [f64]) -> bool {
    let at = values.as_mut_ptr() as usize;
    let start = at.next_multiple_of(HUGE);
    let end = (at + size_of_val(values)) / HUGE * HUGE;
    if start >= end {
        return false;
    }
    // SAFETY: the range lies inside `values`, which the caller owns; the advice changes
    // only how the kernel backs it, never its contents or validity.
    let _ = unsafe {
        rustix::mm::madvise(
            start as *mut std::ffi::c_void,
            end - start,
            rustix::mm::Advice::LinuxHugepage,
        )
    };
    rustix::thread::transparent_huge_pages_are_disabled() == Ok(true)
        && rustix::thread::disable_transparent_huge_pages(false).is_ok()
}

impl Drop for Store {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if self.lifted {
            let _ = rustix::thread::disable_transparent_huge_pages(true);
        }
    }
}

impl Deref for Store {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.values
    }
}

impl DerefMut for Store {
    fn deref_mut(&mut self) -> &mut [f64] {
        &mut self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_is_zeros_to_its_end_and_the_setting_comes_back() {
        #[cfg(target_os = "linux")]
        let before = rustix::thread::transparent_huge_pages_are_disabled().ok();
        // Several huge pages, not a multiple of one, so that both ends are ragged.
        let mut store = zeroed_store(3 * (HUGE_TEST / 8) + 123);
        assert!(store.iter().all(|&v| v == 0.0));
        for (i, v) in store.iter_mut().enumerate() {
            *v = i as f64;
        }
        assert_eq!(store.last().copied(), Some((store.len() - 1) as f64));
        drop(store);
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            before
        );
        assert!(zeroed_store(0).is_empty());
    }

    /// 2 MiB, on any system.
    const HUGE_TEST: usize = 2 << 20;
}
