//! One module per subcommand.

mod check;
mod eval;
mod fmt;
mod test;

use scn_dsl::{Diagnostic, SourceMap};

use crate::args::{Cli, Command};
use crate::config::{Output, ReportConfig};
use crate::input::ReadError;
use crate::output::write_atomic;
use crate::report::Report;
use crate::{Exit, Io};

pub(crate) fn dispatch(cli: Cli, io: &mut Io<'_>) -> Exit {
    let no_plugins = cli.no_plugins;
    match cli.command {
        Command::Check(args) => check::run(&args, no_plugins, io),
        Command::Fmt(args) => fmt::run(&args, io),
        Command::Eval(args) => eval::run(&args, no_plugins, io),
        Command::Test(args) => test::run(&args, no_plugins, io),
    }
}

/// Prints diagnostics to stderr; returns `Invalid` if any is an error.
pub(crate) fn report(diags: &[Diagnostic], sources: &SourceMap, io: &mut Io<'_>) -> Exit {
    for d in diags {
        let _ = io.stderr.write_all(scn_dsl::render(d, sources).as_bytes());
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
            let _ = writeln!(io.stderr, "scn: error: {msg}");
            Exit::Usage
        }
        ReadError::Invalid(boxed) => {
            let (map, d) = *boxed;
            report(&[d], &map, io)
        }
    }
}

/// Writes a report where its configuration says: standard output, or a file written
/// atomically.
pub(crate) fn deliver(report: &Report<'_>, config: &ReportConfig, io: &mut Io<'_>) -> Exit {
    let renderer = config.format.renderer();
    match &config.output {
        Output::File(path) => {
            let mut buf = Vec::new();
            match renderer
                .render(report, &mut buf)
                .and_then(|()| write_atomic(path, &buf))
            {
                Ok(()) => Exit::Ok,
                Err(e) => {
                    let _ = writeln!(
                        io.stderr,
                        "scn: error: cannot write {}: {e}",
                        path.display()
                    );
                    Exit::Usage
                }
            }
        }
        Output::Stdout => match renderer.render(report, io.stdout) {
            Ok(()) => Exit::Ok,
            // A reader that stopped early (`| head`) is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
            Err(e) => {
                let _ = writeln!(io.stderr, "scn: error: cannot write the report: {e}");
                Exit::Usage
            }
        },
    }
}
