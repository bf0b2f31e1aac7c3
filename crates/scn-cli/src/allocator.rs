//! One setting of the global allocator (mimalloc, see `main.rs`) that a big file needs.
//!
//! `scn check` and `scn eval` free a file's syntax tree branch by branch while they build its
//! model. mimalloc hands a freed page back to the operating system only when its segment is
//! touched again after a delay (10 ms); a tree freed in source order leaves each segment
//! untouched once emptied, so on a million-branch file the whole freed tree (about 200 MB)
//! stayed resident while the model grew beside it, and set the run's peak. While a
//! [`PromptReturn`] lives, freed pages are handed back at once.
//!
//! A big file's syntax tree is built on two threads (`scn_dsl`'s fast path reads the second
//! half on a thread of its own, which ends before the model is built). The blocks that thread
//! allocated are then in segments no thread owns, and mimalloc returns their pages only when
//! a thread takes such a segment over. While a [`PromptReturn`] lives, the thread that frees
//! a block in one takes it over, so those pages go back at once too; without it, half of the
//! tree stayed resident on the million-branch file (535 MB at the peak, against 478 MB).
//!
//! This is the workspace's one use of `unsafe`: a call into the allocator's C interface,
//! which the `mimalloc` crate does not wrap.
#![allow(unsafe_code)]

/// While alive, memory the program frees goes back to the operating system at once, even
/// where a thread that has ended allocated it; the allocator's own settings come back when it
/// is dropped. Costs a system call per freed page:
/// for freeing a big structure, not for a loop that allocates and frees.
pub(crate) struct PromptReturn {
    #[cfg(feature = "mimalloc")]
    previous: std::ffi::c_long,
    #[cfg(feature = "mimalloc")]
    previous_reclaim: std::ffi::c_long,
    // The setting is the whole process's: one at a time, so that each puts back what it found.
    #[cfg(feature = "mimalloc")]
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

#[cfg(feature = "mimalloc")]
static SETTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(feature = "mimalloc")]
mod ffi {
    use std::ffi::{c_int, c_long};

    // Links mimalloc into the library's own tests too, where `main.rs` is not built.
    use mimalloc as _;

    /// `mi_option_purge_delay` in mimalloc 2's `mimalloc.h` (the 16th option of its enum):
    /// milliseconds before freed memory is purged, 0 for at once.
    pub(super) const PURGE_DELAY: c_int = 15;

    /// `mi_option_abandoned_reclaim_on_free` (the 27th): 1 to let a thread that frees a block
    /// in a segment whose thread has ended take the segment over (0 by default).
    pub(super) const RECLAIM_ON_FREE: c_int = 26;

    unsafe extern "C" {
        /// `void mi_option_set(mi_option_t option, long value)`.
        pub(super) fn mi_option_set(option: c_int, value: c_long);
        /// `long mi_option_get(mi_option_t option)`.
        pub(super) fn mi_option_get(option: c_int) -> c_long;
    }
}

impl PromptReturn {
    pub(crate) fn start() -> PromptReturn {
        #[cfg(feature = "mimalloc")]
        {
            let one_at_a_time = SETTING
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // SAFETY: both functions take a plain option number and value and may be called
            // at any time; mimalloc reads this option each time it frees a page.
            let previous = unsafe { ffi::mi_option_get(ffi::PURGE_DELAY) };
            unsafe { ffi::mi_option_set(ffi::PURGE_DELAY, 0) };
            // SAFETY: as above; mimalloc reads this option on each free of a block that
            // another thread allocated.
            let previous_reclaim = unsafe { ffi::mi_option_get(ffi::RECLAIM_ON_FREE) };
            unsafe { ffi::mi_option_set(ffi::RECLAIM_ON_FREE, 1) };
            PromptReturn {
                previous,
                previous_reclaim,
                _one_at_a_time: one_at_a_time,
            }
        }
        #[cfg(not(feature = "mimalloc"))]
        PromptReturn {}
    }
}

impl Drop for PromptReturn {
    fn drop(&mut self) {
        // SAFETY: as in `start`.
        #[cfg(feature = "mimalloc")]
        unsafe {
            ffi::mi_option_set(ffi::PURGE_DELAY, self.previous);
            ffi::mi_option_set(ffi::RECLAIM_ON_FREE, self.previous_reclaim);
        };
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    #[test]
    fn the_settings_hold_while_a_prompt_return_lives_and_come_back_after() {
        // SAFETY: as in `start`.
        let delay = || unsafe { ffi::mi_option_get(ffi::PURGE_DELAY) };
        let reclaim = || unsafe { ffi::mi_option_get(ffi::RECLAIM_ON_FREE) };
        let prompt = PromptReturn::start();
        // Every user puts the settings back before letting the next one in, so what this
        // one found is mimalloc 2's defaults.
        assert_eq!(prompt.previous, 10, "is option 15 still the purge delay?");
        assert_eq!(
            prompt.previous_reclaim, 0,
            "is option 26 still reclaim-on-free?"
        );
        assert_eq!((delay(), reclaim()), (0, 1));
        drop(prompt);
        let _no_one_else = SETTING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert_eq!((delay(), reclaim()), (10, 0));
    }
}
