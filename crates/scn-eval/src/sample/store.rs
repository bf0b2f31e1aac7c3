//! The run's column store: one allocation for every sample's figures, written once by the
//! blocks and then read by the summaries.
//!
//! On Linux the store asks for huge pages (2 MiB). A million samples of three figures fill
//! 24 MB: 5,860 small pages, each faulted in by the kernel on its first write, which cost
//! about 6 % of the peer tree's CPU; on huge pages it is a dozen faults. The binary's
//! allocator keeps the rest of the program on small pages (they suit the big syntax trees
//! of big files better) by setting the process's "no huge pages" flag, which the kernel
//! reads at each fault; [`HugePages`] lifts it while the store is written, and puts it back.
#![allow(unsafe_code)]

/// A huge page's size, and so the alignment of the part of the store that can use them.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// While alive, pages the process faults in may be huge ones; the process's setting comes
/// back when it is dropped. (Two runs sampling at once may overlap: the second then finds
/// the flag lifted and leaves it, and the first puts it back while the second still writes,
/// whose last pages are then small ones. Only speed is at stake.)
pub(super) struct HugePages {
    #[cfg(target_os = "linux")]
    was_disabled: Option<bool>,
}

impl HugePages {
    pub(super) fn allow() -> HugePages {
        #[cfg(target_os = "linux")]
        {
            let was_disabled = rustix::thread::transparent_huge_pages_are_disabled().ok();
            if was_disabled == Some(true) {
                let _ = rustix::thread::disable_transparent_huge_pages(false);
            }
            HugePages { was_disabled }
        }
        #[cfg(not(target_os = "linux"))]
        HugePages {}
    }
}

impl Drop for HugePages {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if self.was_disabled == Some(true) {
            let _ = rustix::thread::disable_transparent_huge_pages(true);
        }
    }
}

/// `len` zeros, the whole 2 MiB pages among them advised to be huge (see [`HugePages`]).
pub fn zeroed_store(len: usize) -> Vec<f64> {
    let mut store = vec![0.0f64; len];
    #[cfg(target_os = "linux")]
    {
        let bytes = size_of_val(store.as_slice());
        let at = store.as_mut_ptr() as usize;
        let start = at.next_multiple_of(HUGE);
        let end = (at + bytes) / HUGE * HUGE;
        if start < end {
            // SAFETY: the range lies inside the store, which this function owns; the advice
            // changes only how the kernel backs it, never its contents or validity.
            let _ = unsafe {
                rustix::mm::madvise(
                    start as *mut std::ffi::c_void,
                    end - start,
                    rustix::mm::Advice::LinuxHugepage,
                )
            };
        }
    }
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_is_zeros_to_its_end_and_the_setting_comes_back() {
        #[cfg(target_os = "linux")]
        let before = rustix::thread::transparent_huge_pages_are_disabled().ok();
        let huge = HugePages::allow();
        // Several huge pages, not a multiple of one, so that both ends are ragged.
        let mut store = zeroed_store(3 * (HUGE_TEST / 8) + 123);
        assert!(store.iter().all(|&v| v == 0.0));
        for (i, v) in store.iter_mut().enumerate() {
            *v = i as f64;
        }
        assert_eq!(store.last().copied(), Some((store.len() - 1) as f64));
        drop(huge);
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::thread::transparent_huge_pages_are_disabled().ok(),
            before
        );
    }

    /// 2 MiB, on any system.
    const HUGE_TEST: usize = 2 << 20;
}
