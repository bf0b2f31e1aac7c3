//! `scn fmt [--check] FILE...`: the canonical layout, written atomically.

use crate::args::FmtArgs;
use crate::input::{is_stdin, read_source};
use crate::output::{is_read_only, write_file};
use crate::{Exit, Io};

pub(crate) fn run(args: &FmtArgs, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let (map, id) = match read_source(path, io.stdin) {
            Ok(x) => x,
            Err(e) => {
                exit = exit.combine(super::report_read_error(e, io));
                continue;
            }
        };
        let src = &map.get(id).text;
        let file = match scn_dsl::parse(src, id) {
            Ok(f) => f,
            Err(diags) => {
                exit = exit.combine(super::report(&diags, &map, io));
                continue;
            }
        };
        let formatted = scn_dsl::format(&file, src);
        let name = scn_dsl::sanitize(&map.get(id).name);
        if args.check {
            if formatted != *src && is_stdin(path) {
                let _ = writeln!(io.stderr, "{name}: not formatted");
                exit = exit.combine(Exit::Invalid);
            } else if formatted != *src {
                let _ = writeln!(io.stderr, "{name}: not formatted (run `scn fmt {name}`)");
                exit = exit.combine(Exit::Invalid);
            }
        } else if is_stdin(path) {
            // A write error is reported once, at the end of the run.
            let _ = io.stdout.write_all(formatted.as_bytes());
        } else if !path.is_file() {
            // A pipe or a device has no place to put the layout back: writing to it would
            // send the text to whoever reads next, or block until someone does. Refused
            // whether or not the text needs a new layout, so the answer does not depend on
            // what happened to come through.
            let _ = writeln!(
                io.stderr,
                "scn: error: cannot write {name}: it is not a regular file (use `scn fmt - < {name}`)"
            );
            exit = exit.combine(Exit::Usage);
        } else if formatted != *src {
            if is_read_only(path) {
                let _ = writeln!(
                    io.stderr,
                    "scn: error: cannot write {name}: the file is read-only"
                );
                exit = exit.combine(Exit::Usage);
            } else if let Err(e) = write_file(path, formatted.as_bytes()) {
                let _ = writeln!(io.stderr, "scn: error: cannot write {name}: {e}");
                exit = exit.combine(Exit::Usage);
            }
        }
    }
    exit
}
