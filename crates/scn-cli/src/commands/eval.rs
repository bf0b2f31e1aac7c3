//! `scn eval FILE`: evaluate one scenario and print a report.

use scn_dsl::SourceFile;

use crate::args::EvalArgs;
use crate::input::{RunOptions, is_stdin, load};
use crate::output::{is_one_of, write_file};
use crate::report::{Format, Report};
use crate::{Exit, Io};

/// Worker threads allowed per core: more only adds switching, and `--threads 65535` would
/// spend minutes creating threads.
const THREADS_PER_CORE: usize = 4;

pub(crate) fn run(args: &EvalArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let (mut loaded, manifest) = match load(&args.file, io.stdin, options) {
        Ok(l) => l,
        Err(e) => return super::report_read_error(e, io),
    };
    // Dropped at the end of every path out of this function: it stops the plugins' process
    // groups, while `loaded` itself is never dropped (see the end).
    let plugins = std::mem::take(&mut loaded.plugins);
    if let Some(out) = args.output.as_ref().filter(|p| !is_stdin(p)) {
        let mut inputs = loaded.paths.clone();
        inputs.extend(manifest.as_ref().map(|m| m.path.clone()));
        if is_one_of(out, &inputs) {
            let _ = writeln!(
                io.stderr,
                "scn: error: {} is an input of this run; the report would replace it",
                super::shown(out)
            );
            return Exit::Usage;
        }
    }
    loaded.plugins = plugins;
    // Each --given is a source of its own, so its errors point into it.
    let mut given = Vec::new();
    let mut diags = Vec::new();
    for (i, text) in args.given.iter().enumerate() {
        let id = loaded
            .sources
            .add(SourceFile::new(format!("<given {}>", i + 1), text.clone()));
        match scn_dsl::parse_event(text, id) {
            Ok(e) => given.push((id, e)),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return super::report(&diags, &loaded.sources, io);
    }
    let resolved = scn_eval::resolve_given(&loaded, &given);
    // Plugins are called during resolution only: stop their processes now.
    let launched = loaded.plugins.launched();
    drop(std::mem::take(&mut loaded.plugins));
    let evaluation = match resolved.and_then(scn_eval::evaluate) {
        Ok(ev) => ev,
        Err(d) => return super::report(&d, &loaded.sources, io),
    };
    // Warnings of resolution (a question closed before `as_of`), with their excerpts.
    super::report(&evaluation.model().warnings, &loaded.sources, io);
    let defaults = manifest.map(|m| m.defaults).unwrap_or_default();
    let format = match (args.format, defaults.format.as_deref()) {
        (Some(f), _) => f,
        (None, Some(name)) => match <Format as clap::ValueEnum>::from_str(name, true) {
            Ok(f) => f,
            Err(_) => {
                let _ = writeln!(
                    io.stderr,
                    "scn: error: scn.toml: unknown format `{name}` in [defaults]"
                );
                return Exit::Usage;
            }
        },
        (None, None) => Format::Text,
    };
    let seed = args
        .seed
        .or(defaults.seed)
        .unwrap_or(scn_eval::DEFAULT_SEED);
    let threads = args.threads.map(|t| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let max = cores * THREADS_PER_CORE;
        let t = usize::from(t);
        if t > max {
            let _ = writeln!(
                io.stderr,
                "scn: warning: --threads {t} is more than {THREADS_PER_CORE} per core; using {max}"
            );
        }
        t.min(max)
    });
    let samples = match args.samples.or(defaults.samples()) {
        Some(n) if n > 0 => {
            if let Err(e) = crate::memory::check_samples(n, &evaluation) {
                let _ = writeln!(io.stderr, "scn: error: {e}");
                let _ = writeln!(
                    io.stderr,
                    "  = help: ask for fewer with --samples (or a lower [defaults] samples in scn.toml)"
                );
                return Exit::Usage;
            }
            match run_samples(&evaluation, n, seed, threads) {
                Ok(s) => Some(s),
                Err(d) => return super::report(&d, &loaded.sources, io),
            }
        }
        _ => None,
    };
    let mut report = Report::new(&evaluation, &loaded.sources, samples.as_ref());
    report.plugins = launched;
    for w in &report.warnings {
        let _ = writeln!(io.stderr, "scn: warning: {}", scn_dsl::sanitize(w));
    }
    let renderer = format.renderer();
    let code = match &args.output {
        Some(path) if !is_stdin(path) => {
            let mut buf = Vec::new();
            match renderer
                .render(&report, &mut buf)
                .and_then(|()| write_file(path, &buf))
            {
                Ok(()) => Exit::Ok,
                Err(e) => {
                    let _ = writeln!(
                        io.stderr,
                        "scn: error: cannot write {}: {e}",
                        super::shown(path)
                    );
                    Exit::Usage
                }
            }
        }
        _ => match renderer.render(&report, io.stdout) {
            Ok(()) => Exit::Ok,
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
            Err(e) => {
                let _ = writeln!(io.stderr, "scn: error: cannot write the report: {e}");
                Exit::Usage
            }
        },
    };
    // Freeing a large tree piece by piece takes longer than the process has left to live.
    drop(report);
    std::mem::forget(evaluation);
    std::mem::forget(loaded);
    code
}

/// Samples on a worker thread while this one shows a progress bar, if the run lasts over a
/// second and stderr is a terminal.
fn run_samples(
    ev: &scn_eval::Evaluation,
    n: u64,
    seed: u64,
    threads: Option<usize>,
) -> Result<scn_eval::Samples, Vec<scn_dsl::Diagnostic>> {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    let done = AtomicU64::new(0);
    let opts = scn_eval::SampleOptions {
        samples: n,
        seed,
        threads,
        progress: Some(&done),
        keep_rows: false,
    };
    let show = std::io::stderr().is_terminal();
    std::thread::scope(|scope| {
        // The worker says when it is done, so this thread wakes at once rather than at its
        // next look at the progress counter.
        let (finished, done_signal) = std::sync::mpsc::channel::<()>();
        let worker = scope.spawn(move || {
            let samples = scn_eval::sample(ev, &opts);
            let _ = finished.send(());
            samples
        });
        let start = Instant::now();
        let mut bar: Option<indicatif::ProgressBar> = None;
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            done_signal.recv_timeout(Duration::from_millis(50))
        {
            if show && bar.is_none() && start.elapsed() > Duration::from_secs(1) {
                let b = indicatif::ProgressBar::new(n);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} sampling {pos}/{len} [{bar:40}] {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar = Some(b);
            }
            if let Some(b) = &bar {
                b.set_position(done.load(Ordering::Relaxed));
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        worker
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}
