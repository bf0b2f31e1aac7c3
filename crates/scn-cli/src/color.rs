//! Whether diagnostics are drawn in colour: only when the process's standard error is a
//! terminal and `NO_COLOR` is unset or empty (no-color.org). The binary decides once, at
//! start ([`crate::main_with_large_stack`]); [`crate::run`] called in process, as tests do,
//! stays plain.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

static COLOR: AtomicBool = AtomicBool::new(false);

/// Turns colour on if standard error is a terminal and the user has not said `NO_COLOR`.
pub(crate) fn detect() {
    let asked_not = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    COLOR.store(
        std::io::stderr().is_terminal() && !asked_not,
        Ordering::Relaxed,
    );
}

/// The style diagnostics are rendered in.
pub(crate) fn style() -> scn_dsl::Style {
    if COLOR.load(Ordering::Relaxed) {
        scn_dsl::Style::Color
    } else {
        scn_dsl::Style::Plain
    }
}
