//! `scn eval FILE`: evaluate one scenario and print a report.

use scn_dsl::{SourceFile, SourceMap};
use scn_eval::Evaluation;

use super::released_text::ReleasedText;
use crate::args::EvalArgs;
use crate::config::{EvalConfig, Output, Sampling};
use crate::input::{RunOptions, load};
use crate::report::model::assumptions::row_samples;
use crate::report::model::{Analysed, DriverRuns, Quotes};
use crate::report::{Inputs, Report};
use crate::{Exit, Io};

pub(crate) fn run(args: &EvalArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    // `--threads` bounds the threads that read a big file too.
    if let Some(t) = args.threads {
        scn_dsl::set_max_threads(usize::from(t).max(1));
    }
    let (mut loaded, manifest) = match load(&args.file, io.stdin, options) {
        Ok(l) => l,
        Err(e) => return super::report_read_error(e, io),
    };
    let defaults = manifest
        .as_ref()
        .map(|m| m.defaults.clone())
        .unwrap_or_default();
    let config = match EvalConfig::new(args, &defaults) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(io.stderr, "scn: error: {}", e.0);
            return Exit::Usage;
        }
    };
    for w in &config.warnings {
        let _ = writeln!(io.stderr, "scn: warning: {w}");
    }
    // A report written over one of the run's own inputs would destroy it.
    if let Output::File(out) = &config.report.output {
        let mut inputs = loaded.paths.clone();
        inputs.extend(manifest.as_ref().map(|m| m.path.clone()));
        if let Err(code) = super::destination::check(io, Some(out), &inputs) {
            return code;
        }
    }
    // Each --given is a source of its own, so its errors point into it.
    let mut given = Vec::new();
    let mut diags = Vec::new();
    for (i, text) in config.givens.iter().enumerate() {
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
    let prompt = crate::allocator::PromptReturn::start();
    let resolved = scn_eval::resolve_draining(&mut loaded, &given);
    loaded.drop_syntax();
    // What the report quotes is taken now, and a big file's text is given up: the point
    // evaluation, the samples, the drivers and the report have its memory. Only a diagnostic
    // reads it again.
    let quotes = resolved
        .as_ref()
        .map(|model| Quotes::take(model, &loaded.sources))
        .unwrap_or_default();
    let mut released = resolved
        .is_ok()
        .then(|| ReleasedText::take_root(&mut loaded, &args.file))
        .flatten();
    // Plugins are called during resolution only: stop their processes now.
    let launched = loaded.plugins.launched();
    drop(std::mem::take(&mut loaded.plugins));
    // `--threads` bounds the report's own re-evaluations (the drivers) too. rayon's global
    // pool has a thread per core: only a lower bound needs a pool of its own.
    let pool = config
        .threads
        .filter(|&t| t < rayon::current_num_threads())
        .and_then(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t.max(1))
                .build()
                .ok()
        });
    // The drivers re-evaluate the tree on the point evaluation's layout, unless the run is
    // refused for its memory. Both go back to the system when they end: the samples and the
    // report, allocated later, would not reuse all of their memory and would come on top.
    let evaluate = || {
        resolved.and_then(|model| {
            scn_eval::evaluate_then(model, |prepared| {
                match over_memory(prepared.evaluation(), &config) {
                    Some(refusal) => Err(refusal),
                    None => Ok(DriverRuns::run(prepared)),
                }
            })
        })
    };
    let evaluated = match &pool {
        Some(pool) => pool.install(evaluate),
        None => evaluate(),
    };
    drop(pool);
    drop(prompt);
    let (evaluation, runs) = match evaluated {
        Ok(pair) => pair,
        Err(d) => {
            read_back(&mut released, &mut loaded.sources, io);
            return super::report(&d, &loaded.sources, io);
        }
    };
    // Warnings of resolution (a question closed before `as_of`), with their excerpts.
    if !evaluation.model().warnings.is_empty() {
        read_back(&mut released, &mut loaded.sources, io);
        super::report(&evaluation.model().warnings, &loaded.sources, io);
    }
    let runs = match runs {
        Ok(runs) => runs,
        Err((error, help)) => {
            let _ = writeln!(io.stderr, "scn: error: {error}");
            let _ = writeln!(io.stderr, "  = help: {help}");
            return Exit::Usage;
        }
    };
    let (samples, let_rows) = match config.sampling {
        Some(s) => match sample(&evaluation, s) {
            Ok(pair) => pair,
            Err(d) => {
                read_back(&mut released, &mut loaded.sources, io);
                return super::report(&d, &loaded.sources, io);
            }
        },
        None => (None, None),
    };
    let analysed = Analysed::build(&evaluation, samples.as_ref(), runs);
    let inputs = Inputs {
        ev: &evaluation,
        quotes: &quotes,
        samples: samples.as_ref(),
        let_rows: let_rows
            .as_ref()
            .or(samples.as_ref().filter(|s| s.rows.is_some())),
    };
    let for_people = config.report.format.for_people();
    let mut report = Report::eval(analysed, inputs, config.report.numbers, for_people);
    report.header.plugins = launched;
    report.threads = config.threads;
    for w in report.warnings() {
        let _ = writeln!(io.stderr, "scn: warning: {}", scn_dsl::sanitize(w));
    }
    let code = super::deliver(&report, &config.report, io);
    // Freeing a large tree piece by piece takes longer than the process has left to live.
    drop(report);
    if args.watch {
        // Watch mode runs again on every change: what one run leaves to the OS would pile up.
        drop(samples);
        drop(evaluation);
        drop(loaded);
    } else {
        std::mem::forget(samples);
        std::mem::forget(evaluation);
        std::mem::forget(loaded);
    }
    code
}

/// Why the run cannot go on with this evaluation, and what to do instead: the samples asked
/// for, or the JSON report's paths, would not fit in the memory there is.
fn over_memory(ev: &Evaluation, config: &EvalConfig) -> Option<(String, &'static str)> {
    if let Some(s) = config.sampling
        && let Err(e) = crate::memory::check_samples(s.samples, ev)
    {
        return Some((
            e,
            "ask for fewer with --samples (or a lower [defaults] samples in scn.toml)",
        ));
    }
    if config.report.format == crate::report::Format::Json
        && let Err(e) = crate::memory::check_json_report(ev)
    {
        return Some((
            e,
            "the text, Markdown and HTML reports show the likeliest paths and stay small",
        ));
    }
    None
}

/// The Monte Carlo run, and (when the report shows the spread of lets computed from other
/// lets, and the run is too large to keep every sample's row) a shorter run with the same
/// seed that keeps its rows: its samples are the first of the main run's.
type Runs = (Option<scn_eval::Samples>, Option<scn_eval::Samples>);

fn sample(ev: &Evaluation, s: Sampling) -> Result<Runs, Vec<scn_dsl::Diagnostic>> {
    let rows = row_samples(ev.model(), s.samples);
    let keep_rows = rows == Some(s.samples);
    let main = run_samples(ev, s, keep_rows, true)?;
    let short = match rows {
        Some(n) if !keep_rows => Some(run_samples(ev, Sampling { samples: n, ..s }, true, false)?),
        _ => None,
    };
    Ok((Some(main), short))
}

/// Samples; when `progress` is asked for and stderr is a terminal, on a worker thread while
/// this one shows a progress bar once the run lasts over a second.
fn run_samples(
    ev: &Evaluation,
    s: Sampling,
    keep_rows: bool,
    progress: bool,
) -> Result<scn_eval::Samples, Vec<scn_dsl::Diagnostic>> {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    let done = AtomicU64::new(0);
    let show = progress && std::io::stderr().is_terminal();
    let opts = scn_eval::SampleOptions {
        samples: s.samples,
        seed: s.seed,
        threads: s.threads,
        progress: show.then_some(&done),
        keep_rows,
    };
    if !show {
        // No bar to draw, so no thread to draw it from while another samples.
        return scn_eval::sample(ev, &opts);
    }
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
                let b = indicatif::ProgressBar::new(s.samples);
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

/// Reads a given-up text back into `sources`, if it was given up, before a diagnostic quotes
/// it; says on standard error when the file changed meanwhile (positions are then of the file
/// as it is now).
fn read_back(released: &mut Option<ReleasedText>, sources: &mut SourceMap, io: &mut Io<'_>) {
    if let Some(note) = released
        .take()
        .and_then(|r| r.restore(sources, "evaluated"))
    {
        let _ = writeln!(io.stderr, "{note}");
    }
}
