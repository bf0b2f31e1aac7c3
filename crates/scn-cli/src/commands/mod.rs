//! One module per subcommand.

mod analysis;
mod check;
mod destination;
mod diff;
mod eval;
mod fmt;
mod library;
mod released_text;
mod resolve;
mod score;
mod sens;
mod shell;
mod test;
mod trust;
mod voi;
mod watch;

use std::collections::BTreeMap;

use scn_dsl::{Diagnostic, FileId, SourceMap};

pub(crate) use self::check::evaluate_loaded;
pub(crate) use self::diff::DiffFormat;
use crate::args::{Cli, Command};
use crate::config::{Output, ReportConfig};
use crate::input::{ReadError, RunOptions};
use crate::report::Report;
use crate::{Exit, Io};

/// Most diagnostics printed for one file: past that, a count. A file with a hundred
/// thousand mistakes is not helped by seeing them all, and printing each costs its line.
pub(crate) const MAX_DIAGNOSTICS_PER_FILE: usize = 100;

pub(crate) fn dispatch(cli: Cli, io: &mut Io<'_>) -> Exit {
    let options = |limits: &crate::args::LimitArgs| RunOptions {
        no_plugins: cli.no_plugins,
        trust_plugins: cli.trust_plugins,
        limits: limits.limits(),
    };
    match &cli.command {
        Command::Check(args) => check::run(args, options(&args.limits), io),
        Command::Fmt(args) => fmt::run(args, io),
        Command::Eval(args) if args.watch => watch::run(args, options(&args.limits), io),
        Command::Eval(args) => eval::run(args, options(&args.limits), io),
        Command::Test(args) => test::run(args, options(&args.limits), io),
        Command::Trust(args) => trust::run(args, io),
        Command::Resolve(args) => resolve::run(args, options(&args.limits), io),
        Command::Score(args) => score::run(args, options(&args.limits), io),
        Command::Diff(args) => diff::run(args, options(&args.limits), io),
        Command::Sens(args) => sens::run(args, options(&args.limits), io),
        Command::Voi(args) => voi::run(args, options(&args.limits), io),
        Command::Lsp(args) => {
            // The server analyses whatever the editor opens: one-run trust does not reach it
            // (docs/editors.md#plugins-and-trust). Said on standard error, the editor's log.
            if cli.trust_plugins || crate::input::trust_from_env() {
                let _ = writeln!(
                    io.stderr,
                    "scn lsp: warning: --trust-plugins and {} do not apply to the language \
                     server; trust a library with `scn trust`",
                    crate::input::TRUST_ENV
                );
            }
            crate::lsp::run(RunOptions {
                trust_plugins: false,
                ..options(&args.limits)
            })
        }
        Command::Completions(args) => shell::completions(args, io),
        Command::Man(args) => shell::man(args, io),
    }
}

/// Prints diagnostics to stderr, at most [`MAX_DIAGNOSTICS_PER_FILE`] per file; returns
/// `Invalid` if any is an error.
pub(crate) fn report(diags: &[Diagnostic], sources: &SourceMap, io: &mut Io<'_>) -> Exit {
    let mut shown: BTreeMap<FileId, usize> = BTreeMap::new();
    let mut hidden: BTreeMap<FileId, usize> = BTreeMap::new();
    for d in diags {
        let n = shown.entry(d.file).or_insert(0);
        if *n >= MAX_DIAGNOSTICS_PER_FILE {
            *hidden.entry(d.file).or_insert(0) += 1;
            continue;
        }
        *n += 1;
        let text = scn_dsl::render_styled(d, sources, crate::color::style());
        let _ = io.stderr.write_all(text.as_bytes());
    }
    for (file, n) in hidden {
        let _ = writeln!(
            io.stderr,
            "scn: … and {n} more diagnostic{} in {}",
            if n == 1 { "" } else { "s" },
            scn_dsl::sanitize(&sources.get(file).name)
        );
    }
    if diags.iter().any(Diagnostic::is_error) {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}

/// Reports a source that could not be read.
pub(crate) fn report_read_error(e: ReadError, io: &mut Io<'_>) -> Exit {
    match e {
        ReadError::Io(msg) => {
            let _ = writeln!(io.stderr, "scn: error: {}", scn_dsl::sanitize(&msg));
            Exit::Usage
        }
        ReadError::Invalid(boxed) => {
            let (map, d) = *boxed;
            report(&[d], &map, io)
        }
    }
}

/// A path as printed in scn's own messages: control characters replaced.
pub(crate) fn shown(path: &std::path::Path) -> String {
    scn_dsl::sanitize(&path.display().to_string()).into_owned()
}

/// Writes `scn eval`'s report where its configuration says, as every report goes
/// ([`destination::deliver`]): JSON streamed, a report for people sanitised.
pub(crate) fn deliver(report: &Report<'_>, config: &ReportConfig, io: &mut Io<'_>) -> Exit {
    let renderer = config.format.renderer();
    let output = match &config.output {
        Output::File(path) => Some(path.as_path()),
        Output::Stdout => None,
    };
    // The run's inputs were checked against the output before evaluating (`eval::run`).
    destination::deliver(io, output, &[], config.format.for_people(), |w| {
        renderer.render(report, w)
    })
}
