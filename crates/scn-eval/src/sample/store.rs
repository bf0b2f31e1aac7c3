//! The run's column store: one allocation for every sample's figures, written once by the
//! blocks and then read by the summaries.
//!
//! On Linux a store of at least one huge page (2 MiB) is a mapping of its own, aligned to
//! huge pages and whole ones long, and advised to be huge. A million samples of three
//! figures fill 24 MB: 5,860 small pages, each faulted in by the kernel on its first write,
//! which cost about 6 % of the peer tree's CPU; on huge pages it is a dozen faults. From the
//! allocator, the store began and ended mid-page (up to 4 MiB on small pages), and a block
//! handed out again could lie where small pages had been, where the kernel faults small
//! pages again.
//!
//! The binary's allocator keeps the rest of the program on small pages (they suit the big
//! syntax trees of big files better) by setting the process's "no huge pages" flag, which
//! the kernel reads at each fault; a store that holds a whole huge page lifts the flag
//! while it lives and puts it back when dropped. (Two stores alive at once may overlap: the
//! second finds the flag lifted and leaves it, and the first puts it back while the second
//! is still written, whose last pages are then small ones. Only speed is at stake.)
#![allow(unsafe_code)]

use std::alloc::Layout;
#[cfg(target_os = "linux")]
use std::ffi::c_void;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;

/// A huge page's size.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// Zeros, their whole 2 MiB pages advised to be huge (see the module's documentation).
pub struct Store {
    values: NonNull<f64>,
    len: usize,
    backing: Backing,
    /// The process's "no huge pages" flag was set, and this store lifted it.
    lifted: bool,
}

/// Where a store's values live.
enum Backing {
    /// Nowhere: there are none.
    Empty,
    /// From the global allocator, with this layout.
    Heap(Layout),
    /// A mapping of its own, this many bytes long.
    #[cfg(target_os = "linux")]
    Mapped(usize),
}

// SAFETY: a `Store` owns its values as a `Vec` would.
unsafe impl Send for Store {}
// SAFETY: shared access only reads.
unsafe impl Sync for Store {}

/// A [`Store`] of `len` zeros.
pub fn zeroed_store(len: usize) -> Store {
    let bytes = len.checked_mul(8).expect("a store that fits in memory");
    let mut store = Store {
        values: NonNull::dangling(),
        len,
        backing: Backing::Empty,
        lifted: false,
    };
    if bytes == 0 {
        return store;
    }
    #[cfg(target_os = "linux")]
    if bytes >= HUGE
        && let Some((values, size)) = map_huge_pages(bytes)
    {
        store.values = values;
        store.backing = Backing::Mapped(size);
        store.lifted = advise_huge(values.as_ptr().cast(), size);
        return store;
    }
    let layout = Layout::from_size_align(bytes, 8).expect("a valid layout");
    // SAFETY: the layout's size is not zero.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    let Some(values) = NonNull::new(ptr.cast::<f64>()) else {
        std::alloc::handle_alloc_error(layout)
    };
    store.values = values;
    store.backing = Backing::Heap(layout);
    store
}

/// A fresh mapping of zeros for `bytes`, aligned to a huge page and whole ones long, and
/// its length; `None` if the system refuses it. Fresh, so that every page of it can be
/// huge: a block the allocator hands out again may lie where small pages were mapped
/// before, and the kernel then faults small pages there (a 100,000-sample run took 1,500
/// more faults so); and the kernel's zeros, so that no allocator writes zeros over it.
#[cfg(target_os = "linux")]
fn map_huge_pages(bytes: usize) -> Option<(NonNull<f64>, usize)> {
    use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous, munmap};
    let size = bytes.checked_next_multiple_of(HUGE)?;
    let over = size.checked_add(HUGE)?;
    // SAFETY: a new private anonymous mapping at an address the kernel picks aliases
    // nothing.
    let at = unsafe {
        mmap_anonymous(
            std::ptr::null_mut(),
            over,
            ProtFlags::READ | ProtFlags::WRITE,
            MapFlags::PRIVATE,
        )
    }
    .ok()? as usize;
    // The aligned part is kept; the pages before and after it are given back.
    let start = at.next_multiple_of(HUGE);
    let (head, tail) = (start - at, at + over - (start + size));
    // SAFETY: both ranges lie in the mapping just made, outside the part kept.
    unsafe {
        if head > 0 {
            let _ = munmap(at as *mut c_void, head);
        }
        if tail > 0 {
            let _ = munmap((start + size) as *mut c_void, tail);
        }
    }
    Some((NonNull::new(start as *mut f64)?, size))
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
    // SAFETY: the range lies inside the store's memory; the advice changes only how the
    // kernel backs it, never its contents or validity.
    let _ = unsafe {
        rustix::mm::madvise(
            start as *mut c_void,
            end - start,
            rustix::mm::Advice::LinuxHugepage,
        )
    };
    rustix::thread::transparent_huge_pages_are_disabled() == Ok(true)
        && rustix::thread::disable_transparent_huge_pages(false).is_ok()
}

impl Drop for Store {
    fn drop(&mut self) {
        match self.backing {
            Backing::Empty => {}
            // SAFETY: allocated in `zeroed_store` with this layout, and freed only here.
            Backing::Heap(layout) => unsafe {
                std::alloc::dealloc(self.values.as_ptr().cast(), layout);
            },
            // SAFETY: mapped in `map_huge_pages` with this length, and unmapped only here.
            #[cfg(target_os = "linux")]
            Backing::Mapped(size) => unsafe {
                let _ = rustix::mm::munmap(self.values.as_ptr().cast(), size);
            },
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
        // Several huge pages and a part of one (a mapping of its own on Linux, starting on
        // a huge page), and less than one (from the allocator).
        for len in [3 * (HUGE_TEST / 8) + 123, 1000] {
            let mut store = zeroed_store(len);
            assert_eq!(store.len(), len);
            #[cfg(target_os = "linux")]
            if len * 8 >= HUGE_TEST {
                assert_eq!(store.as_ptr() as usize % HUGE_TEST, 0);
            }
            assert!(store.iter().all(|&v| v == 0.0));
            for (i, v) in store.iter_mut().enumerate() {
                *v = i as f64;
            }
            assert_eq!(store.last().copied(), Some((len - 1) as f64));
        }
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
