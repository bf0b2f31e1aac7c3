//! SIGINT, SIGTERM and SIGHUP: stop the plugins' process groups and remove temporary files
//! before dying of the signal. Plugins run in process groups of their own, so a Ctrl-C at
//! the terminal does not reach them: without this they would outlive scn.

use signal_hook::consts::signal::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// Starts the thread that waits for the signals. Does nothing if they cannot be caught.
pub fn install() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                crate::output::remove_temporaries();
                scn_eval::stop_all();
                // Die of the signal, as the shell expects; the exit is for the unlikely case
                // that the default action does not end the process.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    drop(spawned);
}
