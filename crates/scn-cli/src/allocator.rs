//! One setting of the global allocator (mimalloc, see `main.rs`) that a big file needs.
//!
//! `scn check` and `scn eval` free a file's syntax tree branch by branch while they build its
//! model. mimalloc hands a freed page back to the operating system only when its segment is
//! touched again after a delay (10 ms); a tree freed in source order leaves each segment
//! untouched once emptied, so on a million-branch file the whole freed tree (about 200 MB)
//! stayed resident while the model grew beside it, and set the run's peak. While a
//! [`PromptReturn`] lives, freed pages are handed back at once.
//!
//! This is the workspace's one use of `unsafe`: a call into the allocator's C interface,
//! which the `mimalloc` crate does not wrap.
#![allow(unsafe_code)]

/// While alive, memory the program frees goes back to the operating system at once; the
/// allocator's own delay comes back when it is dropped. Costs a system call per freed page:
/// for freeing a big structure, not for a loop that allocates and frees.
pub(crate) struct PromptReturn {
    #[cfg(feature = "mimalloc")]
    previous: std::ffi::c_long,
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
            PromptReturn {
                previous,
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
        };
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    #[test]
    fn the_delay_is_zero_while_a_prompt_return_lives_and_comes_back_after() {
        // SAFETY: as in `start`.
        let delay = || unsafe { ffi::mi_option_get(ffi::PURGE_DELAY) };
        let prompt = PromptReturn::start();
        // Every user puts the setting back before letting the next one in, so what this
        // one found is mimalloc 2's default.
        assert_eq!(prompt.previous, 10, "is option 15 still the purge delay?");
        assert_eq!(delay(), 0);
        drop(prompt);
        let _no_one_else = SETTING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert_eq!(delay(), 10);
    }
}
