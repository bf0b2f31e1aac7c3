//! The run's column store: one allocation for every sample's figures, written once by the
//! blocks and then read by the summaries.
//!
//! On Linux the store asks for huge pages (2 MiB). A million samples of three figures fill
//! 24 MB: 5,860 small pages, each faulted in by the kernel on its first write, which cost
//! about 6 % of the peer tree's CPU; on huge pages it is a dozen faults. So the store is
//! aligned to a huge page and rounded up to whole ones: allocated as any vector, it began
//! and ended mid-page, and up to 4 MiB of it stayed on small pages (700 more faults, and a
//! slower exit).
//!
//! The binary's allocator keeps the rest of the program on small pages (they suit the big
//! syntax trees of big files better) by setting the process's "no huge pages" flag, which
//! the kernel reads at each fault; a store that holds a whole huge page lifts the flag
//! while it lives and puts it back when dropped. (Two stores alive at once may overlap: the second finds
//! the flag lifted and leaves it, and the first puts it back while the second is still
//! written, whose last pages are then small ones. Only speed is at stake.)
#![allow(unsafe_code)]

use std::ops::{Deref, DerefMut};

/// A huge page's size, and so the store's alignment.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// Zeros, their whole 2 MiB pages advised to be huge (see the module's documentation).
pub struct Store {
    values: std::ptr::NonNull<f64>,
    len: usize,
    /// How `values` was allocated, when it was (not for no values).
    layout: Option<std::alloc::Layout>,
    /// The process's "no huge pages" flag was set, and this store lifted it.
    lifted: bool,
}

// SAFETY: a `Store` owns its values as a `Vec` would.
unsafe impl Send for Store {}
// SAFETY: shared access only reads.
unsafe impl Sync for Store {}

/// A [`Store`] of `len` zeros.
pub fn zeroed_store(len: usize) -> Store {
    let bytes = len.checked_mul(8).expect("a store that fits in memory");
    let (values, layout) = if bytes == 0 {
        (std::ptr::NonNull::dangling(), None)
    } else {
        // From a huge page on, aligned to one and a whole number of them long, so that every
        // page of it can be huge: a store that starts and ends mid-page has up to 4 MiB on
        // small pages. (A smaller one stays on small pages, where only what it uses is
        // zeroed.)
        #[cfg(target_os = "linux")]
        let (size, align) = if bytes >= HUGE {
            (bytes.next_multiple_of(HUGE), HUGE)
        } else {
            (bytes, 8)
        };
        #[cfg(not(target_os = "linux"))]
        let (size, align) = (bytes, 8);
        let layout = std::alloc::Layout::from_size_align(size, align).expect("a valid layout");
        // SAFETY: the layout's size is not zero.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        let Some(ptr) = std::ptr::NonNull::new(ptr.cast::<f64>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        (ptr, Some(layout))
    };
    let mut store = Store {
        values,
        len,
        layout,
        lifted: false,
    };
    #[cfg(target_os = "linux")]
    if let Some(layout) = layout {
        store.lifted = advise_huge(store.values.as_ptr().cast(), layout.size());
    }
    store
}

/// Advises the whole huge pages of the `size` bytes at `at` to be huge and, when there is
/// one, lifts the process's "no huge pages" flag if it is set; true when it lifted it.
#[cfg(target_os = "linux")]
fn advise_huge(at: *mut u8, size: usize) -> bool {
    let at = at as usize;
    let start = at.next_multiple_of(HUGE);
    let end = (at + size) / HUGE * HUGE;
    if start >= end {
        return false;
    }
    // SAFETY: the range lies inside the allocation, which the store owns; the advice changes
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
        if let Some(layout) = self.layout {
            // SAFETY: allocated in `zeroed_store` with this layout, and freed only here.
            unsafe { std::alloc::dealloc(self.values.as_ptr().cast(), layout) };
        }
        #[cfg(target_os = "linux")]
        if self.lifted {
            let _ = rustix::thread::disable_transparent_huge_pages(true);
        }
    }
}

impl Deref for Store {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        // SAFETY: `len` zeroed (so initialised) values, owned by the store, or none at a
        // dangling but aligned pointer.
        unsafe { std::slice::from_raw_parts(self.values.as_ptr(), self.len) }
    }
}

impl DerefMut for Store {
    fn deref_mut(&mut self) -> &mut [f64] {
        // SAFETY: as `deref`, and the store is borrowed mutably.
        unsafe { std::slice::from_raw_parts_mut(self.values.as_ptr(), self.len) }
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
