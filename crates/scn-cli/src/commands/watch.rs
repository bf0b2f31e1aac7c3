//! `scn eval FILE --watch`: evaluate, then evaluate again whenever the file, a file it
//! imports or its library's `scn.toml` changes, until interrupted.
//!
//! Each run is an ordinary `scn eval` ([`super::eval::run`]): a run that fails prints its
//! errors and writes nothing, so the last good report stays. A first run that fails for a
//! reason no edit of the inputs mends (exit 2: the report cannot be written there) ends the
//! watch. The folders holding the inputs
//! are watched (not the files: editors save by writing a new file and renaming it over the
//! old), and the set of inputs is read again after every run, since an edit can add or drop
//! an import. Events are gathered until [`QUIET`] passes without one, so that a save that
//! touches a file several times runs one evaluation.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::args::EvalArgs;
use crate::input::{RunOptions, is_stdin};
use crate::{Exit, Io};

/// How long the inputs must stay unchanged before a run starts.
const QUIET: Duration = Duration::from_millis(100);

pub(crate) fn run(args: &EvalArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    if is_stdin(&args.file) {
        let _ = writeln!(
            io.stderr,
            "scn: error: --watch needs a file, not standard input"
        );
        return Exit::Usage;
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    }) {
        Ok(w) => w,
        Err(e) => {
            let _ = writeln!(io.stderr, "scn: error: cannot watch files: {e}");
            return Exit::Usage;
        }
    };
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut first = true;
    loop {
        // Watch first, then run: a change made while the run reads its files is not lost.
        let inputs = inputs(&args.file, options);
        let dirs: BTreeSet<PathBuf> = inputs
            .iter()
            .filter_map(|p| p.parent().map(Path::to_path_buf))
            .collect();
        for gone in watched.difference(&dirs) {
            let _ = watcher.unwatch(gone);
        }
        for dir in dirs.difference(&watched) {
            if let Err(e) = watcher.watch(dir, RecursiveMode::NonRecursive) {
                let _ = writeln!(
                    io.stderr,
                    "scn: warning: cannot watch {}: {e}",
                    super::shown(dir)
                );
            }
        }
        watched = dirs;
        let code = super::eval::run(args, options, io);
        if first && code == Exit::Usage {
            // A first run that cannot read the file or write the report (a refused or
            // unwritable -o) would fail the same way at every change: say so once and stop.
            return code;
        }
        first = false;
        let shown = super::shown(&args.file);
        // `-o -` is standard output, as for `scn eval`.
        let status = match (code, args.output.as_deref().filter(|p| !is_stdin(p))) {
            (Exit::Ok, Some(out)) => format!("wrote {}", super::shown(out)),
            (Exit::Ok, None) => "evaluated".to_owned(),
            (Exit::Usage, Some(_)) => "failed (see above); the last good report is kept".to_owned(),
            (Exit::Usage, None) => "failed (see above)".to_owned(),
            (_, Some(_)) => "has errors; the last good report is kept".to_owned(),
            (_, None) => "has errors".to_owned(),
        };
        let _ = writeln!(
            io.stderr,
            "scn: {shown}: {status}; watching {} file{} for changes (Ctrl-C to stop)",
            inputs.len(),
            if inputs.len() == 1 { "" } else { "s" }
        );
        let _ = io.stdout.flush();
        // Wait for a change to an input, then for the quiet after it.
        loop {
            match rx.recv() {
                Ok(Ok(event)) if touches(&event, &inputs) => break,
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    let _ = writeln!(io.stderr, "scn: warning: watching files: {e}");
                }
                Err(_) => return code,
            }
        }
        // Other files of the folders (the report itself, a reader of it) do not delay the run.
        let mut quiet_from = Instant::now();
        loop {
            let left = QUIET.saturating_sub(quiet_from.elapsed());
            match rx.recv_timeout(left) {
                Ok(Ok(event)) if touches(&event, &inputs) => quiet_from = Instant::now(),
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return code,
            }
        }
    }
}

/// Whether an event concerns one of the inputs (named by their canonical folder and name).
fn touches(event: &notify::Event, inputs: &BTreeSet<PathBuf>) -> bool {
    if event.kind.is_access() {
        return false;
    }
    event.paths.iter().any(|p| {
        let canonical = p
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .zip(p.file_name())
            .map(|(d, n)| d.join(n));
        canonical.is_some_and(|c| inputs.contains(&c))
    })
}

/// The files a run reads: the scenario, its imports and its library's `scn.toml`, each as its
/// canonical folder joined with its name (a file that is gone keeps its place).
fn inputs(file: &Path, options: RunOptions) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let own = crate::input::base_dir(file);
    if let (Ok(dir), Some(name)) = (std::fs::canonicalize(&own), file.file_name()) {
        out.insert(dir.join(name));
    }
    let mut no_stdin = std::io::empty();
    if let Ok((mut loaded, manifest)) = crate::input::load(file, &mut no_stdin, options) {
        // Stops nothing: loading starts no plugin.
        drop(std::mem::take(&mut loaded.plugins));
        out.extend(loaded.paths.iter().cloned());
        out.extend(manifest.map(|m| m.path));
    } else if let Some(found) = scn_eval::Manifest::find(&own) {
        out.insert(found);
    }
    out
}
